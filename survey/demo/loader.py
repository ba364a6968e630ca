"""Load the demo project: simulated answers with known true effects, into the database.

The demo is a social-worker evaluation with 4 intervention and 4 comparison schools and four
rounds, "Høst 2021" to "Vår 2023"; the true effects are documented in
`analytics.simulation_design`. The last round is left open (its closing time moved to four
weeks from the day the demo is loaded) so that its class codes work on the tablets.

With only four schools per arm, the raw change in one simulated data set wanders around the
truth (about 0.075 points per arm, from the school x round effects). `DEMO_SEED` was chosen, in
the open, among seeds 2000-2099 as the first whose raw pupil changes all lie within 0.1 of the
documented truth, so the demo shows what it says. `tests/analytics` checks over many seeds that
the simulator is unbiased.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Mapping, Sequence

import pandas as pd
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from analytics.scoring import ConstructSpec
from analytics.simulation import SimulatedData, simulate_demo
from analytics.simulation_design import DemoDesign
from instruments import Instrument, bundled_instrument
from survey import audit, clock
from survey.accounts.operations import create_user
from survey.models import Answer, Goal, Group, Project, Response, Round, School, User
from survey.rounds.operations import (
    create_class_codes,
    create_links,
    freeze_instrument,
    set_round_instrument,
)
from survey.sequences import chunks

log = logging.getLogger(__name__)

DEMO_PROJECT_NAME = "Sosialarbeider i skolen (demo)"
DEMO_ADMIN_EMAIL = "admin@demo.trivsel.no"
DEMO_INSTRUMENTS = {"pupil": "pupil-5-7", "parent": "parent", "staff": "staff"}
DEMO_SEED = 2000
BATCH = 5000

#: Goals of the demo project: (respondent type, construct, kind, target value).
DEMO_GOALS = (
    ("pupil", "konflikt", "change", -0.25, "Færre konflikter i friminutt og timer."),
    ("pupil", "arbeidsro", "change", 0.15, "Bedre arbeidsro i timene."),
    ("pupil", "trivsel", "level", 4.0, "Elevene trives på skolen."),
    ("parent", "konflikt", "change", -0.15, "Foresatte hører om færre konflikter."),
)


class DemoExistsError(RuntimeError):
    """The demo project is already in the database."""


def demo_password() -> str:
    """The demo users' password: TRIVSEL_DEMO_PASSWORD, or a documented development default."""
    return os.environ.get("TRIVSEL_DEMO_PASSWORD", "trivsel-demo-2021")


def construct_specs(instrument: Instrument) -> list[ConstructSpec]:
    """The constructs of an instrument in the shape the simulator takes."""
    specs = []
    for construct_id in instrument.constructs:
        items = [item for item in instrument.items_in(construct_id) if item.kind == "choice"]
        if not items:
            continue
        scale = instrument.scale_of(items[0])
        specs.append(
            ConstructSpec(
                id=construct_id,
                items=tuple((item.id, item.reverse) for item in items),
                scale_min=scale.min_value,
                scale_max=scale.max_value,
            )
        )
    return specs


def load_demo(
    session: Session,
    secret_key: str,
    seed: int = DEMO_SEED,
    design: DemoDesign | None = None,
    now: dt.datetime | None = None,
) -> str:
    """Simulate and store the demo project; return a one-paragraph summary."""
    now = now or clock.utcnow()
    if session.scalar(select(Project.id).filter_by(name=DEMO_PROJECT_NAME)) is not None:
        raise DemoExistsError(f"The demo project {DEMO_PROJECT_NAME!r} is already loaded.")
    instruments = {rt: bundled_instrument(key) for rt, key in DEMO_INSTRUMENTS.items()}
    data = simulate_demo(
        {rt: construct_specs(instrument) for rt, instrument in instruments.items()},
        design or DemoDesign(),
        seed=seed,
    )
    project = Project(
        name=DEMO_PROJECT_NAME,
        description="Simulerte data: fire skoler med sosialarbeider og fire sammenligningsskoler.",
        min_group_size=10,
        languages=["nb"],
        delete_after_on=(now + dt.timedelta(days=2 * 365)).date(),
    )
    session.add(project)
    schools, groups = _add_schools(session, project, data)
    rounds = _add_rounds(session, project, data.rounds, instruments, now)
    response_ids = _add_responses(session, data, schools, groups, rounds, instruments, seed)
    answer_count = _add_answers(session, data.answers, response_ids)
    _add_goals(session, project, rounds[-1])
    open_round = rounds[-1]
    create_class_codes(session, open_round, secret_key)
    for row in data.schools.itertuples():
        enrolled = int(data.groups.loc[data.groups["school"] == row.school, "enrolled"].sum())
        create_links(session, open_round, schools[row.school].id, "parent", enrolled, secret_key)
        create_links(
            session, open_round, schools[row.school].id, "staff", int(row.staff), secret_key
        )
    _add_demo_users(session, project, next(iter(schools.values())))
    audit.record(session, "demo.loaded", project_id=project.id, seed=seed)
    summary = (
        f"Loaded the demo project {project.name!r} (id {project.id}): {len(schools)} schools, "
        f"{len(groups)} classes, {len(rounds)} rounds ({open_round.label} is open), "
        f"{len(response_ids)} responses with {answer_count} answers, seed {seed}."
    )
    log.info(summary)
    return summary


def _add_schools(
    session: Session, project: Project, data: SimulatedData
) -> tuple[dict[str, School], dict[str, Group]]:
    schools = {
        row.school: School(project=project, name=row.name, code=row.school, arm=row.arm)
        for row in data.schools.itertuples()
    }
    groups = {
        row.group: Group(
            school=schools[row.school],
            grade=int(row.grade),
            label=row.label,
            enrolled=int(row.enrolled),
        )
        for row in data.groups.itertuples()
    }
    session.add_all([*schools.values(), *groups.values()])
    session.flush()
    return schools, groups


def _add_rounds(
    session: Session,
    project: Project,
    rounds: pd.DataFrame,
    instruments: Mapping[str, Instrument],
    now: dt.datetime,
) -> list[Round]:
    versions = [freeze_instrument(session, instrument) for instrument in instruments.values()]
    made = []
    for row in rounds.sort_values("round").itertuples():
        opens_at = dt.datetime.combine(row.opens_on, dt.time(7), tzinfo=dt.UTC)
        closes_at = dt.datetime.combine(row.closes_on, dt.time(15), tzinfo=dt.UTC)
        round_ = Round(project=project, label=row.label, opens_at=opens_at, closes_at=closes_at)
        session.add(round_)
        session.flush()
        for version in versions:
            set_round_instrument(session, round_, version)
        made.append(round_)
    for round_ in made[:-1]:
        round_.status = "closed"
    made[-1].status = "open"
    made[-1].closes_at = max(made[-1].closes_at, now + dt.timedelta(days=28))
    session.flush()
    return made


def _add_responses(
    session: Session,
    data: SimulatedData,
    schools: Mapping[str, School],
    groups: Mapping[str, Group],
    rounds: Sequence[Round],
    instruments: Mapping[str, Instrument],
    seed: int,
) -> dict[int, int]:
    """Insert the responses; return simulated response id -> database id."""
    version_ids = {rt: rounds[0].instrument_for(rt).id for rt in instruments}
    rows = [
        {
            "client_id": f"demo-{seed}-{row.response}",
            "round_id": rounds[int(row.round)].id,
            "school_id": schools[row.school].id,
            "group_id": groups[row.group].id if isinstance(row.group, str) else None,
            "respondent_type": row.respondent_type,
            "instrument_version_id": version_ids[row.respondent_type],
            "language": row.language,
            "status": "complete",
            "completed_on": row.completed_on,
        }
        for row in data.responses.itertuples()
    ]
    ids: dict[int, int] = {}
    for batch in chunks(rows, BATCH):
        result = session.execute(insert(Response).returning(Response.client_id, Response.id), batch)
        ids.update({int(client_id.rsplit("-", 1)[1]): db_id for client_id, db_id in result})
    return ids


def _add_answers(
    session: Session,
    answers: pd.DataFrame,
    response_ids: Mapping[int, int],
) -> int:
    declined = answers["declined"].to_numpy(dtype=bool)
    values = answers["value"].astype("Int64")
    rows = [
        {
            "response_id": response_ids[int(response)],
            "item_id": str(item),
            "value": None if is_declined else int(value),
            "is_declined": bool(is_declined),
        }
        for response, item, value, is_declined in zip(
            answers["response"], answers["item"], values, declined, strict=True
        )
    ]
    for batch in chunks(rows, BATCH):
        session.execute(insert(Answer), batch)
    return len(rows)


def _add_goals(session: Session, project: Project, due_round: Round) -> None:
    for respondent_type, construct, kind, value, description in DEMO_GOALS:
        session.add(
            Goal(
                project=project,
                construct=construct,
                respondent_type=respondent_type,
                target_kind=kind,
                target_value=value,
                due_round=due_round,
                description=description,
            )
        )
    session.flush()


def _add_demo_users(session: Session, project: Project, school: School) -> None:
    """An admin, and one user of each other role, all with the demo password."""
    wanted = [
        (DEMO_ADMIN_EMAIL, "admin", [], []),
        ("leder@demo.trivsel.no", "project_lead", [project], []),
        ("evaluator@demo.trivsel.no", "evaluator", [project], []),
        ("kontakt@demo.trivsel.no", "school_contact", [], [school]),
    ]
    for email, role, projects, schools in wanted:
        if session.scalar(select(User.id).filter_by(email=email)) is None:
            create_user(session, email, role, demo_password(), projects, schools)
