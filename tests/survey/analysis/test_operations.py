"""Fitting a project's models and keeping them in ModelResult."""

import pandas as pd
import pytest
from sqlalchemy import select

from analytics.scoring import score_constructs
from analytics.trend import fit_trend
from analytics.trend_result import TrendResult
from survey.analysis.operations import analyze_project, stored_results
from survey.analysis.queries import instrument_constructs, project_answers
from survey.models import Goal, ModelResult


def test_each_construct_gets_a_trend_table_reliability_and_goals(session, project) -> None:
    run = analyze_project(session, project.id)
    kinds = {(r.respondent_type, r.construct, r.kind) for r in stored_results(session, project.id)}
    assert run.stored == len(kinds)
    for kind in ("trend", "descriptives", "reliability"):
        assert ("pupil", "konflikt", kind) in kinds
        assert ("staff", "konflikt", kind) in kinds
    assert ("pupil", "konflikt", "goals") in kinds


def test_an_unchanged_project_is_not_fitted_again(session, project) -> None:
    first = analyze_project(session, project.id)
    again = analyze_project(session, project.id)
    assert again.is_skipped and again.fingerprint == first.fingerprint
    assert not analyze_project(session, project.id, force=True).is_skipped


def test_a_new_goal_changes_the_fingerprint(session, project) -> None:
    first = analyze_project(session, project.id)
    session.add(
        Goal(
            project=project,
            construct="venner",
            respondent_type="pupil",
            target_kind="level",
            target_value=4.0,
        )
    )
    session.flush()
    assert analyze_project(session, project.id).fingerprint != first.fingerprint


def test_the_stored_trend_is_what_the_python_api_gives(session, project) -> None:
    analyze_project(session, project.id)
    row = session.scalars(
        select(ModelResult).filter_by(
            project_id=project.id, construct="trivsel", respondent_type="pupil", kind="trend"
        )
    ).one()
    stored = TrendResult.from_dict(row.result)
    answers = project_answers(session, project.id)
    pupils = answers[answers["respondent_type"] == "pupil"]
    infos = instrument_constructs(session, [int(v) for v in pupils["instrument_version"].unique()])
    specs = [i.spec for i in next(iter(infos.values())) if i.spec.id == "trivsel"]
    direct = fit_trend(
        score_constructs(pupils, specs), construct="trivsel", respondent_type="pupil"
    )
    pd.testing.assert_frame_equal(
        stored.contrasts.reset_index(drop=True),
        direct.contrasts.reset_index(drop=True),
        check_dtype=False,
    )
    assert stored.loglik == pytest.approx(direct.loglik)


def test_goal_statuses_are_stored_with_a_norwegian_reason(session, project) -> None:
    analyze_project(session, project.id)
    row = session.scalars(
        select(ModelResult).filter_by(
            project_id=project.id, construct="konflikt", respondent_type="pupil", kind="goals"
        )
    ).one()
    status = row.result["goals"][0]
    assert status["status"] in {"reached", "on_track", "not_reached", "cannot_tell"}
    assert status["goal"]["higher_is_better"] is False
    assert "målet" in status["reason"]


def test_stored_tables_are_suppressed(session, project) -> None:
    analyze_project(session, project.id)
    row = session.scalars(
        select(ModelResult).filter_by(
            project_id=project.id,
            construct="konflikt",
            respondent_type="staff",
            kind="descriptives",
        )
    ).one()
    shown = [r for r in row.result["table"] if not r["suppressed"]]
    assert all(r["n"] >= project.min_group_size for r in shown)


def test_a_construct_that_raises_is_stored_with_a_reason_and_the_others_go_on(
    session, project, monkeypatch
) -> None:
    from survey.analysis import operations

    fit = operations.fit_with_fallback

    def broken_for_konflikt(scores, **kwargs):
        if kwargs["construct"] == "konflikt" and kwargs["respondent_type"] == "pupil":
            raise ValueError("fewer responses than fixed effects")
        return fit(scores, **kwargs)

    monkeypatch.setattr(operations, "fit_with_fallback", broken_for_konflikt)
    analyze_project(session, project.id)
    stored = {
        (r.respondent_type, r.construct, r.kind): r.result
        for r in stored_results(session, project.id)
    }
    broken = stored[("pupil", "konflikt", "trend")]
    assert broken["reason_nb"] == operations.FAILED_REASON and "error" in broken
    assert stored[("pupil", "konflikt", "descriptives")]["table"]
    assert stored[("pupil", "trivsel", "trend")]["model"] == "full"
    goal = stored[("pupil", "konflikt", "goals")]["goals"][0]
    assert goal["status"] == "cannot_tell"


def test_short_scales_are_stored_with_the_ordinal_check_and_long_ones_without(
    session, project
) -> None:
    analyze_project(session, project.id)
    trends = {
        (r.respondent_type, r.construct): r.result
        for r in stored_results(session, project.id)
        if r.kind == "trend"
    }
    answers = project_answers(session, project.id)
    sizes = {
        (str(t), i.spec.id): len(i.spec.items)
        for t, part in answers.groupby("respondent_type")
        for infos in instrument_constructs(
            session, [int(v) for v in part["instrument_version"].unique()]
        ).values()
        for i in infos
    }
    short = [key for key, items in sizes.items() if items <= 3 and key in trends]
    assert short, "the demo has no construct of three items or fewer"
    for key in short:
        assert trends[key]["ordinal_sensitivity"]["categories"] >= 2, key
    for key, items in sizes.items():
        if items > 3 and key in trends:
            assert trends[key]["ordinal_sensitivity"] == {}, key
