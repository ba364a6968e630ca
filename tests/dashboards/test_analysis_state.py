"""What the dashboard says about the analysis: computed, failed (what and when), waiting for
answers, or a simpler model and why; never "not computed yet" when nothing is pending."""

from __future__ import annotations

from sqlalchemy import select

from survey.analysis.failures import record_failure
from survey.models import ModelResult, User


def _url(p, path: str = "") -> str:
    return f"/dashboards/project/{p.project.id}/{path}"


def test_a_failed_analysis_says_what_failed_and_when(
    client, log_in, session, dashboard_project
) -> None:
    p = dashboard_project
    record_failure(session, p.project.id, ValueError("fewer responses than fixed effects"))
    log_in(p.users["lead"])
    text = client.get(_url(p)).text
    assert "Beregningen feilet " in text
    assert "ValueError: fewer responses than fixed effects" in text
    assert "Nytt forsøk gjøres automatisk etter" in text
    assert "Sist beregnet: 2. november 2026" in text  # the older results are still shown


def test_a_project_without_answers_is_not_said_to_be_computing(
    client, log_in, session, make_project
) -> None:
    project = make_project()
    lead = User(email="ny@test.no", role="project_lead", password_hash="x", projects=[project])
    session.add(lead)
    session.flush()
    log_in(lead)
    text = client.get(f"/dashboards/project/{project.id}/").text
    assert "Ingen avsluttet runde har svar ennå" in text
    assert "Ikke beregnet ennå" not in text and "Beregningen feilet" not in text


def test_a_simpler_model_is_named_with_its_reason(
    client, log_in, session, dashboard_project
) -> None:
    p = dashboard_project
    row = session.scalars(
        select(ModelResult).filter_by(
            project_id=p.project.id, construct="konflikt", respondent_type="pupil", kind="trend"
        )
    ).one()
    row.result = {**row.result, "model": "single_level", "reason_nb": "Bare én skole har svar."}
    session.flush()
    log_in(p.users["lead"])
    text = client.get(_url(p, "?construct=konflikt")).text
    assert "Modell: enklere modell med bare skole. Bare én skole har svar." in text


def test_too_few_answers_read_differently_from_a_failure(
    client, log_in, session, dashboard_project
) -> None:
    p = dashboard_project
    row = session.scalars(
        select(ModelResult).filter_by(
            project_id=p.project.id, construct="konflikt", respondent_type="pupil", kind="trend"
        )
    ).one()
    reason = "For få svar ennå: 6 i alt."
    hidden = [{**m, "estimate": None, "suppressed": True} for m in row.result["marginal_means"]]
    row.result = {
        **row.result,
        "model": "descriptives",
        "reason_nb": reason,
        "marginal_means": hidden,
    }
    session.flush()
    log_in(p.users["lead"])
    text = client.get(_url(p, "?construct=konflikt")).text
    assert reason in text and "Beregningen feilet" not in text


def test_an_open_round_is_named_with_where_its_participation_is_shown(
    client, log_in, session, dashboard_project
) -> None:
    p = dashboard_project
    log_in(p.users["lead"])
    assert " er åpen. Tallene for den kommer" not in client.get(_url(p)).text
    p.rounds[-1].status = "open"
    session.flush()
    text = client.get(_url(p)).text
    assert f"{p.rounds[-1].label} er åpen. Tallene for den kommer når runden er avsluttet" in text
