"""The live response monitor: answered against enrolled, per school and class."""

from __future__ import annotations

import logging
import re

from survey.accounts.operations import create_user
from survey.models import OptOutCount
from survey.responses.operations import Respondent, complete_response, start_response
from survey.rounds.counts import log_over_enrolled_classes, over_enrolled_classes
from tests.round_fixtures import NOW, PASSWORD


def _pupil_answers(session, round_, group, count: int, first: int = 0) -> None:
    for n in range(first, first + count):
        respondent = Respondent(round_.id, group.school_id, group.id, "pupil")
        complete_response(
            session, start_response(session, f"tablet-{n}", respondent, "nb"), NOW.date()
        )


def _cell(page, kind: str) -> str:
    match = re.search(rf'data-kind="{kind}"><span class="count">([^<]+)</span>', page.text)
    return match.group(1) if match else ""


def test_the_monitor_counts_submitted_responses_against_enrolled(
    session, as_lead, open_round, group
):
    _pupil_answers(session, open_round, group, 3)
    page = as_lead.get(f"/admin/rounds/{open_round.id}/monitor/")
    assert _cell(page, "pupil") == "3 / 20"
    assert "(15 %)" in page.text


def test_pupils_withdrawn_by_their_parents_are_not_counted_as_missing(
    session, as_lead, open_round, group
):
    session.add(OptOutCount(round_id=open_round.id, group_id=group.id, opted_out=5))
    session.flush()
    page = as_lead.get(f"/admin/rounds/{open_round.id}/monitor/counts")
    assert _cell(page, "pupil") == "0 / 15"


def test_the_counts_refresh_without_the_page(as_lead, open_round) -> None:
    page = as_lead.get(f"/admin/rounds/{open_round.id}/monitor/counts")
    assert "<html" not in page.text
    assert page.headers["Cache-Control"] == "no-store"


def test_the_monitor_page_refreshes_itself_with_a_script_from_this_site(as_lead, open_round):
    page = as_lead.get(f"/admin/rounds/{open_round.id}/monitor/?refresh=5")
    assert 'data-refresh-seconds="5"' in page.text
    assert re.search(r'<script src="/static/admin-monitor\.[0-9a-f]{12}\.js"', page.text)


def test_a_school_contact_watches_only_their_own_school(
    session, log_in, open_round, school, make_school
):
    make_school(project=open_round.project, name="Sørby skole", code="SB")
    contact = create_user(
        session, "kontakt@nordby.no", "school_contact", PASSWORD, schools=[school]
    )
    page = log_in(contact).get(f"/admin/rounds/{open_round.id}/monitor/")
    assert "Nordby skole" in page.text
    assert "Sørby skole" not in page.text


def test_an_evaluator_may_watch_but_not_set_up(session, log_in, open_round) -> None:
    evaluator = create_user(
        session, "forsker@uni.no", "evaluator", PASSWORD, projects=[open_round.project]
    )
    client = log_in(evaluator)
    assert client.get(f"/admin/rounds/{open_round.id}/monitor/").status_code == 200
    assert client.get(f"/admin/rounds/{open_round.id}/distribution").status_code == 403


def test_a_class_with_more_responses_than_pupils_is_flagged(session, as_lead, open_round, group):
    group.enrolled = 3
    session.flush()
    _pupil_answers(session, open_round, group, 3)
    page = as_lead.get(f"/admin/rounds/{open_round.id}/monitor/counts")
    assert "Flere svar enn elever" not in page.text
    _pupil_answers(session, open_round, group, 1, first=3)  # a fourth pupil in a class of 3
    page = as_lead.get(f"/admin/rounds/{open_round.id}/monitor/counts")
    assert "Flere svar enn elever" in page.text
    assert f'data-over-enrolled="{group.id}"' in page.text


def test_over_enrolled_classes_are_logged_for_the_analysis(session, open_round, group, caplog):
    group.enrolled = 2
    session.flush()
    _pupil_answers(session, open_round, group, 3)
    log = logging.getLogger("survey.analysis")
    with caplog.at_level(logging.WARNING, logger="survey.analysis"):
        assert log_over_enrolled_classes(session, open_round.id, log) == 1
    (found,) = over_enrolled_classes(session, open_round.id)
    assert (found.group_id, found.responses, found.enrolled) == (group.id, 3, 2)
    assert "3 sent pupil responses for 2 enrolled" in caplog.text


def test_the_analysis_of_a_closed_round_warns_of_an_over_enrolled_class(
    session, open_round, group, caplog
) -> None:
    from survey.analysis.operations import analyze_project

    group.enrolled = 2
    _pupil_answers(session, open_round, group, 3)
    open_round.status = "closed"
    session.flush()
    with caplog.at_level(logging.WARNING, logger="survey.analysis.operations"):
        analyze_project(session, open_round.project_id)
    assert any("3 sent pupil responses for 2 enrolled" in r.getMessage() for r in caplog.records)
