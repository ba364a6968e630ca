"""DESIGN.md, "Privacy model": figures built from answers are released, not streamed.

The attack of issue 13, finding 1: read everything a staff role can reach, let one pupil of
the open round answer, let the analysis job run as the worker would, and read everything
again. Whatever differs gives that pupil's answers away, so nothing may differ outside the
participation monitor, whether the pupil leaves the answers unsent or sends them.
"""

from __future__ import annotations

import datetime as dt
import difflib
import itertools
import json
import re

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from instruments import bundled_instrument
from survey.analysis import queries
from survey.analysis.operations import analyze_project, stored_results
from survey.analysis.snapshots import released_item_counts
from survey.analysis.tasks import recompute_models
from survey.models import Answer, InstrumentVersion, Response
from survey.rounds.lifecycle import close_round
from survey.rounds.tasks import recompute_after_close
from tests.privacy.outputs import Reader
from tests.privacy.world import CONSTRUCTS, INSTRUMENTS, PrivacyProject

#: The staff roles of the world: a project lead, an evaluator, a school contact (of A1).
ROLES = ("lead", "evaluator", "contact")
#: Outputs that show participation, by endpoint: how many started or sent, per school and
#: class, while a round is open (DESIGN.md: "staff see participation only"). They count
#: responses and never show what anyone answered.
PARTICIPATION = {
    "dashboards.monitor": "the dashboards' response monitor of the open rounds",
    "admin.monitor.show": "the round's response monitor (started and sent per class)",
    "admin.monitor.counts": "the same monitor's counts, refreshed by its page",
    "api_rounds.response_counts": "the API's response counts of a round",
}
#: Participation inside a page that shows more, by endpoint: only this field is left out.
PARTICIPATION_FIELDS = {
    # The project page's rounds table: label, opens, closes, status, sent responses.
    "admin.projects.show": re.compile(r'(</span></td>\s*<td class="number">)\d+(</td>)'),
}
#: What changes between two reads though nobody answered: the CSRF token of every form, and
#: the day an API token was last used, which the walk's own API reads set. "Last computed"
#: stamps are not on the list: a job that finds nothing new to release leaves the snapshot,
#: and its time, as they were.
VOLATILE = (re.compile(r'(name="csrf_token"[^>]*value=")[^"]*(")'),)
VOLATILE_FIELDS = {
    # The tokens table: label, made, last used, status.
    "admin.tokens.index": re.compile(r"(</th><td>[^<]*</td><td>)[^<]*(</td>)"),
}
#: The exports are left out here: their release rule (closed rounds, sent responses only)
#: belongs to survey/exports and is held by its tests.
EXPORTS = False


def _everything(app: Flask, session: Session, world: PrivacyProject) -> dict[str, str]:
    read = {}
    for role in ROLES:
        reader = Reader(app, session, world, may_be_refused=role != "lead")
        outputs = reader.every_output(role, exports=EXPORTS)
        assert not reader.problems, "outputs not checked:\n" + "\n".join(reader.problems)
        for output in outputs:
            if output.endpoint not in PARTICIPATION:
                read[f"{role}: {output.source}"] = _steady(output.endpoint, output.text)
    return read


def _steady(endpoint: str, text: str) -> str:
    fields = (PARTICIPATION_FIELDS.get(endpoint), VOLATILE_FIELDS.get(endpoint))
    for pattern in (*VOLATILE, *fields):
        if pattern is not None:
            text = pattern.sub(r"\1…\2", text)
    return text


def _moved(before: dict[str, str], after: dict[str, str]) -> list[str]:
    moved = []
    for source in sorted(before.keys() | after.keys()):
        old, new = before.get(source, ""), after.get(source, "")
        if old != new:
            diff = difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=0)
            moved.append(f"{source}:\n" + "\n".join(itertools.islice(diff, 2, 8)))
    return moved


_pupils = itertools.count(1)


def _one_pupil(session: Session, world: PrivacyProject, sends: bool) -> Response:
    """A pupil of class 5A at Alfa skole in the world's last round, answering every shared
    theme's items at the top of the scale, as nobody else in that round does."""
    round_ = world.rounds[-1]
    version = session.scalars(
        select(InstrumentVersion).where(InstrumentVersion.respondent_type == "pupil")
    ).first()
    response = Response(
        client_id=f"release-pupil-{next(_pupils)}",
        round=round_,
        school=world.schools["A1"],
        group=world.groups[("A1", "5A")],
        respondent_type="pupil",
        instrument_version=version,
        language="nb",
        status="complete" if sends else "partial",
        completed_on=round_.opens_at.date() + dt.timedelta(days=4) if sends else None,
    )
    session.add(response)
    instrument = bundled_instrument(INSTRUMENTS["pupil"])
    for construct in CONSTRUCTS:
        for item in instrument.items_in(construct):
            if item.is_choice:
                value = 1 if item.reverse else 5
                session.add(Answer(response=response, item_id=item.id, value=value))
    session.flush()
    return response


def test_no_figure_moves_with_one_pupil_of_the_open_round(app, session, privacy_project):
    """One test for both steps, so the world is built and read once per step: unsent
    answers first, then a pupil who sends, each followed by the analysis job."""
    world = privacy_project
    assert world.rounds[-1].status == "open"
    before = _everything(app, session, world)
    for sends in (False, True):
        _one_pupil(session, world, sends)
        recompute_models(app)
        after = _everything(app, session, world)
        assert before.keys() == after.keys()
        moved = _moved(before, after)
        step = "sent" if sends else "unsent"
        assert not moved, f"{len(moved)} outputs moved with one {step} response:\n" + "\n\n".join(
            moved
        )
        before = after


def test_unsent_responses_are_not_analysed(session, privacy_project) -> None:
    world = privacy_project
    world.rounds[-1].status = "closed"
    session.flush()
    unsent = _one_pupil(session, world, sends=False)
    sent = _one_pupil(session, world, sends=True)
    analysed = set(queries.project_answers(session, world.project.id)["response"])
    assert sent.id in analysed
    assert unsent.id not in analysed


def test_a_recompute_of_closed_rounds_gives_the_same_figures(session, privacy_project) -> None:
    project_id = privacy_project.project.id

    def figures() -> dict[tuple[str, str, str], str]:
        return {
            (r.respondent_type, r.construct, r.kind): json.dumps(r.result, sort_keys=True)
            for r in stored_results(session, project_id)
        }

    first = figures()
    again = analyze_project(session, project_id, force=True)
    assert not again.is_skipped and again.stored == len(first)
    assert figures() == first
    assert {kind for _, _, kind in first} >= {"trend", "descriptives", "items", "responses"}


def test_closing_the_round_releases_its_figures_through_the_round_job(
    app, session, privacy_project
) -> None:
    world = privacy_project
    open_round = world.rounds[-1]

    def released_rounds() -> set[str]:
        counts = released_item_counts(session, world.project.id, "pupil", "trivsel")
        return set(counts["round"])

    assert open_round.label not in released_rounds()
    close_round(session, open_round, open_round.closes_at)
    session.flush()
    recompute_after_close(app)
    assert open_round.label in released_rounds()
