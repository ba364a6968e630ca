"""DESIGN.md, "Privacy model": small groups are never shown. No figure, table or aggregate
export is built from fewer than the project's `min_group_size` respondents, and secondary
suppression applies where a hidden value could be recovered by subtraction from totals.

One invariant over every output of the app (see tests/privacy/outputs.py): every dashboard
page with every filter choice, every chart's CSV, every API reply, every other page a project
lead can open, and every format of the data export. The export's respondent-level files hold
the small groups by design (they are the evaluators' raw data); every other file suppresses.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy.exc import IntegrityError

from analytics.suppression import suppress_hierarchy
from survey.models import Project
from tests.privacy.disclosure import Disclosures, column_layouts
from tests.privacy.outputs import Reader


def _pattern(mean: float) -> re.Pattern[str]:
    """A mean in full precision, as figures and JSON carry it (to 8 decimals, so a last-bit
    difference in how it was summed does not matter). At the 2 or 3 decimals of pages and
    CSVs a model's interval can meet it by chance; those tables are read cell by cell by
    `Disclosures` instead."""
    whole, _, decimals = repr(mean).partition(".")
    if len(decimals) > 8:
        body = rf"{whole}[.,]{decimals[:8]}\d*"
    else:
        body = rf"{whole}[.,]{decimals}0*(?!\d)"
    return re.compile(rf"(?<![\d.,]){body}")


def test_no_output_shows_or_gives_away_a_group_below_min_group_size(
    app, session, privacy_project
) -> None:
    world = privacy_project
    assert world.project.min_group_size == 10  # the default, which the small groups fall under
    reader = Reader(app, session, world)
    outputs = reader.every_output()
    assert not reader.problems, "outputs not checked:\n" + "\n".join(reader.problems)
    unknown = [o.source for o in outputs if o.kind == "unknown"]
    assert not unknown, "export files to classify in outputs.py:\n" + "\n".join(unknown)

    disclosed = Disclosures(world, column_layouts(app))
    for output in outputs:
        disclosed.read(output)
    assert not disclosed.problems, "\n".join(disclosed.problems)
    wrong = disclosed.wrong_figures()
    assert not wrong, "the test misreads these outputs:\n" + "\n".join(wrong)

    means = {
        (small, construct): sum(scores) / len(scores)
        for small in world.small_groups
        for construct in ("trivsel", "konflikt", "arbeidsro")
        if (scores := world.truth.small_scores(small, construct))
    }
    shown_means = [
        f"{output.source}: {small} {construct} mean {mean:.3f}: …{found[0]}…"
        for output in outputs
        if output.kind != "respondent_level"
        for (small, construct), mean in means.items()
        if (found := _context(_pattern(mean), output.text))
    ]
    assert not shown_means, "small groups' means shown:\n" + "\n".join(shown_means)
    worked_out = [found for small in world.small_groups for found in disclosed.recoverable(small)]
    assert not worked_out, "small groups worked out by subtraction:\n" + "\n".join(worked_out)


def _context(pattern: re.Pattern[str], text: str) -> list[str]:
    return [text[max(m.start() - 60, 0) : m.end() + 30] for m in pattern.finditer(text)]


def test_min_group_size_is_10_by_default_and_can_never_be_below_5(session) -> None:
    project = Project(name="Standard", delete_after_on=dt.date(2030, 1, 1))
    session.add(project)
    session.flush()
    assert project.min_group_size == 10
    with pytest.raises(IntegrityError), session.begin_nested():
        session.add(Project(name="Liten", min_group_size=4, delete_after_on=dt.date(2030, 1, 1)))
    with pytest.raises(ValueError, match="at least 5"):
        suppress_hierarchy({"class": 4}, {"class": None}, 4)
