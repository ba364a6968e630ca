"""The demo project as stored: its shape, its open round, and its documented effects."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pandas as pd
import pytest
from sqlalchemy import Connection, func, select
from sqlalchemy.orm import Session

from analytics.scoring import scale_scores
from analytics.simulation_design import true_effect
from instruments import bundled_instrument
from survey.demo.loader import DemoExistsError, construct_specs, load_demo
from survey.models import AccessCode, Answer, Goal, Group, Response, Round, School
from tests.conftest import TEST_SECRET_KEY, in_savepoint

NOW = dt.datetime(2026, 11, 22, 9, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def demo_loaded(module_connection: Connection) -> Connection:
    """The demo, loaded once for this module (5 s of CPU); its tests only read it."""
    with Session(bind=module_connection, join_transaction_mode="create_savepoint") as session:
        load_demo(session, TEST_SECRET_KEY, now=NOW)
        session.commit()
    return module_connection


@pytest.fixture
def connection(demo_loaded: Connection) -> Iterator[Connection]:
    yield from in_savepoint(demo_loaded)


@pytest.fixture
def demo(session):
    return session


def _count(session, model, *where) -> int:
    return session.scalar(select(func.count()).select_from(model).where(*where))


def test_the_demo_has_four_schools_per_arm_and_four_classes_each(demo) -> None:
    arms = demo.execute(select(School.arm, func.count()).group_by(School.arm)).all()
    assert dict(arms) == {"intervention": 4, "comparison": 4}
    assert _count(demo, Group) == 32


def test_only_the_last_demo_round_is_open_and_its_codes_work(demo) -> None:
    rounds = demo.scalars(select(Round).order_by(Round.opens_at)).all()
    assert [r.status for r in rounds] == ["closed", "closed", "closed", "open"]
    assert rounds[-1].closes_at > NOW
    assert _count(demo, AccessCode, AccessCode.kind == "class_code") == 32


def test_the_demo_has_answers_from_pupils_parents_and_staff(demo) -> None:
    types = dict(
        demo.execute(
            select(Response.respondent_type, func.count()).group_by(Response.respondent_type)
        ).all()
    )
    assert types["pupil"] > 4 * 32 * 15  # four rounds, 32 classes, most pupils answer
    assert 0 < types["staff"] < types["parent"] < types["pupil"]
    assert _count(demo, Answer, Answer.is_declined) > 0
    assert _count(demo, Goal) >= 3


def test_loading_the_demo_twice_is_refused(demo) -> None:
    with pytest.raises(DemoExistsError):
        load_demo(demo, TEST_SECRET_KEY, now=NOW)


@pytest.mark.parametrize(
    "construct", ["konflikt", "arbeidsro", "trivsel", "venner", "sett_av_voksne"]
)
def test_the_stored_demo_shows_the_documented_pupil_effect(demo, construct) -> None:
    """Raw mean change first -> last round per arm, recomputed from the database."""
    responses = pd.DataFrame(
        demo.execute(
            select(Response.id.label("response"), Round.opens_at, School.arm)
            .join(Round, Response.round_id == Round.id)
            .join(School, Response.school_id == School.id)
            .where(Response.respondent_type == "pupil")
        ).all()
    )
    responses["round"] = responses["opens_at"].rank(method="dense").astype(int) - 1
    answers = pd.DataFrame(
        demo.execute(
            select(
                Answer.response_id.label("response"),
                Answer.item_id.label("item"),
                Answer.value,
                Answer.is_declined.label("declined"),
            )
        ).all()
    )
    answers["value"] = answers["value"].astype("Int64")
    specs = [s for s in construct_specs(bundled_instrument("pupil-5-7")) if s.id == construct]
    scores = scale_scores(answers, responses, specs).merge(responses, on="response")
    means = scores.groupby(["arm", "round"])["score"].mean()
    change = {
        arm: means[arm].iloc[-1] - means[arm].iloc[0] for arm in ("intervention", "comparison")
    }
    truth = true_effect("pupil", construct)
    print(f"{construct}: change {change}, true did {truth.did:+.2f}")
    assert change["intervention"] == pytest.approx(truth.intervention_change, abs=0.12)
    assert change["comparison"] == pytest.approx(truth.comparison_change, abs=0.12)
    did = change["intervention"] - change["comparison"]
    assert (did > 0) == (truth.did > 0)
