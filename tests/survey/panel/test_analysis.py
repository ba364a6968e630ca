"""The analysis of a panel project: the pupil column, `(1 | pupil)`, and panel figures."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from survey.analysis.operations import analyze_project, stored_results
from survey.analysis.queries import project_answers
from survey.models import PanelMember, Response, Round
from survey.panel import operations
from tests.survey.analysis.conftest import project  # noqa: F401


def _follow_the_pupils(session, project) -> None:  # noqa: F811
    """Link the k-th sent pupil response of each class in every round to one card."""
    project.is_panel = True
    rows = session.execute(
        select(Response.id, Response.group_id, Response.round_id)
        .join(Round, Response.round_id == Round.id)
        .where(Round.project_id == project.id, Response.respondent_type == "pupil")
        .order_by(Response.id)
    ).all()
    places: dict[tuple[int, int], int] = {}
    wanted = {}
    for response_id, group_id, round_id in rows:
        place = places[(group_id, round_id)] = places.get((group_id, round_id), -1) + 1
        wanted[response_id] = (group_id, place)
    operations.issue_cards(session, project, len(set(wanted.values())), dt.date(2021, 8, 20))
    members = list(session.scalars(select(PanelMember.id).order_by(PanelMember.id)))
    member_of = {key: members[n] for n, key in enumerate(sorted(set(wanted.values())))}
    for response in session.scalars(select(Response).where(Response.id.in_(wanted))):
        response.panel_member_id = member_of[wanted[response.id]]
    session.flush()


def test_a_panel_project_is_fitted_with_its_pupils(session, project) -> None:  # noqa: F811
    _follow_the_pupils(session, project)
    answers = project_answers(session, project.id, panel=True)
    pupils = answers.loc[answers["respondent_type"] == "pupil", "pupil"]
    assert pupils.notna().all() and pupils.nunique() > 50
    analyze_project(session, project.id)
    results = {
        (r.respondent_type, r.construct, r.kind): r.result
        for r in stored_results(session, project.id)
    }
    assert results[("pupil", "konflikt", "trend")]["panel_pupils"] > 50
    panel = results[("pupil", "konflikt", "panel")]
    assert panel["kind"] == "panel" and panel["first_round"] != panel["last_round"]
    assert all(
        row["n"] >= project.min_group_size for row in panel["table"] if not row["suppressed"]
    )
    assert ("staff", "konflikt", "panel") not in results
