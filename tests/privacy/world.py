"""A project with real responses in the database, where some groups are too small to show.

Four schools (two per arm), two classes each, three rounds: two closed, whose figures the
analysis has released, and the last still open, with answers that no figure may show yet.
Pupils, parents and staff answer the shared themes (trivsel, konflikt, arbeidsro), and one
parent writes a comment. In the second round three groups fall below the project's
`min_group_size` (10):

- pupils of class 5B at Alfa skole (8 pupils), mean 4.906 on every construct;
- parents at Gamma skole (7 parents), mean 4.857 (4.810 on arbeidsro's three items);
- staff, the whole round (2 at each school, 8 in all), mean 4.875.

They answer near the top of the scale and everyone else near the bottom, so a small group's
mean is a number no other figure is likely to meet.

The builder keeps every score and answer it stores (`Truth`), and the results are computed by
the analysis job itself, as the worker would. tests/privacy/conftest.py makes it a fixture.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from flask import Flask
from sqlalchemy.orm import Session

from instruments import Instrument, bundled_instrument
from survey.admin.tokens.operations import create_api_token
from survey.analysis.tasks import recompute_models
from survey.models import Answer, Goal, Group, Project, Response, Round, School, User
from survey.rounds.operations import freeze_instrument, set_round_instrument
from tests.conftest import TEST_SECRET_KEY

SCHOOLS = (
    ("A1", "Alfa skole", "intervention"),
    ("A2", "Beta skole", "intervention"),
    ("B1", "Gamma skole", "comparison"),
    ("B2", "Delta skole", "comparison"),
)
CLASSES = ("5A", "5B")
ROUNDS = ("Høst 2025", "Vår 2026", "Høst 2026")
ROUND_OPENS = (dt.date(2025, 9, 1), dt.date(2026, 3, 1), dt.date(2026, 9, 1))
#: The round where the small groups answer: the last closed one, so its figures are released.
SMALL_ROUND = ROUNDS[1]
CONSTRUCTS = ("trivsel", "konflikt", "arbeidsro")
INSTRUMENTS = {"pupil": "pupil-5-7", "parent": "parent", "staff": "staff"}
BIG = 12  #: respondents in every group that is not small
#: The free-text comment one parent writes; it must never reach a dashboard.
FREE_TEXT = "Ola Nordmann i 5B blir plaget hver dag (fritekst-7f3a)"


@dataclass(frozen=True)
class SmallGroup:
    """A group below min_group_size: type, school code (None: all), class (None: whole school)."""

    respondent_type: str
    school: str | None
    group: str | None
    round: str
    n: int  #: respondents (at each school, when `school` is None)
    #: Respondent k answers one item a step lower when k % dip_every == 0, which gives each
    #: small group its own mean.
    dip_every: int

    def holds(self, kind: str, school: str, group: str | None, round_: str) -> bool:
        return (
            (kind, round_) == (self.respondent_type, self.round)
            and self.school in (None, school)
            and self.group in (None, group)
        )


SMALL_GROUPS = (
    SmallGroup("pupil", "A1", "5B", SMALL_ROUND, n=8, dip_every=3),
    SmallGroup("parent", "B1", None, SMALL_ROUND, n=7, dip_every=2),
    SmallGroup("staff", None, None, SMALL_ROUND, n=2, dip_every=2),
)


@dataclass
class Truth:
    """What was stored: scores per construct and answers per item, by where they came from.

    Keys are (respondent type, construct or item, round label, school code, class label or
    None); parents and staff have no class here, as the analysis groups only pupils by class.
    """

    scores: dict[tuple, list[float]] = field(default_factory=lambda: defaultdict(list))
    answers: dict[tuple, Counter[int]] = field(default_factory=lambda: defaultdict(Counter))

    def small_scores(self, small: SmallGroup, construct: str) -> list[float]:
        return [
            score
            for (kind, c, round_, school, group), values in self.scores.items()
            if c == construct and small.holds(kind, school, group, round_)
            for score in values
        ]


@dataclass(frozen=True)
class PrivacyProject:
    project: Project
    schools: dict[str, School]  #: by code
    groups: dict[tuple[str, str], Group]  #: by (school code, label)
    rounds: list[Round]
    users: dict[str, User]  #: lead, evaluator, free_text (an evaluator with that right), contact
    api_token: str  #: the lead's API token
    truth: Truth
    small_groups: tuple[SmallGroup, ...] = SMALL_GROUPS


def _constructs(instrument: Instrument) -> dict[str, list[tuple[str, bool]]]:
    """The answered constructs' choice items, with whether each is reverse-keyed."""
    return {
        construct: [(i.id, i.reverse) for i in instrument.items_in(construct) if i.is_choice]
        for construct in CONSTRUCTS
        if construct in instrument.constructs
    }


def _answer(
    session: Session,
    truth: Truth,
    where: tuple[Round, School, Group | None],
    instrument: Instrument,
    version,
    level: int,
    k: int,
    dips: bool,
    text: str | None = None,
) -> None:
    """One response: every item at `level`, but when it `dips` the construct's item k (by
    turns) a step towards the middle, so that items are not perfectly correlated."""
    round_, school, group = where
    kind = version.respondent_type
    response = Response(
        client_id=f"privacy-{next(_client_ids)}",
        round=round_,
        school=school,
        group=group,
        respondent_type=kind,
        instrument_version=version,
        language="nb",
        status="complete",
        completed_on=round_.opens_at.date() + dt.timedelta(days=3),
    )
    session.add(response)
    place = (round_.label, school.code, group.label if kind == "pupil" else None)
    for construct, items in _constructs(instrument).items():
        flipped = [level] * len(items)
        if dips:
            flipped[k % len(items)] += -1 if level == 5 else 1
        truth.scores[(kind, construct, *place)].append(sum(flipped) / len(flipped))
        for (item_id, reverse), value in zip(items, flipped, strict=True):
            stored = 6 - value if reverse else value
            truth.answers[(kind, item_id, *place)][stored] += 1
            session.add(Answer(response=response, item_id=item_id, value=stored))
    if text is not None:
        session.add(Answer(response=response, item_id="kommentar", text=text))


_client_ids = itertools.count(1)


def _respondents(kind: str, school: str, group: str | None, round_: str) -> list[tuple[int, bool]]:
    """Each respondent's level and whether one item dips: 5 in a small group, 1 or 2 else."""
    for small in SMALL_GROUPS:
        if small.holds(kind, school, group, round_):
            return [(5, k % small.dip_every == 0) for k in range(small.n)]
    offset = sum(map(ord, f"{kind}{school}{group}{round_}"))
    return [(1 + (k * 7 + offset) % 5 // 3, True) for k in range(BIG)]


def build_privacy_project(app: Flask, session: Session) -> PrivacyProject:
    project = Project(name="Personvernprosjekt", delete_after_on=dt.date(2030, 1, 1))
    schools = {
        code: School(project=project, name=name, code=code, arm=arm) for code, name, arm in SCHOOLS
    }
    groups = {
        (code, label): Group(school=school, grade=5, label=label, enrolled=20)
        for code, school in schools.items()
        for label in CLASSES
    }
    session.add_all([project, *schools.values(), *groups.values()])
    instruments = {kind: bundled_instrument(key) for kind, key in INSTRUMENTS.items()}
    versions = {kind: freeze_instrument(session, i) for kind, i in instruments.items()}
    rounds = []
    for index, (label, opens_on) in enumerate(zip(ROUNDS, ROUND_OPENS, strict=True)):
        opens = dt.datetime.combine(opens_on, dt.time(8), tzinfo=dt.UTC)
        round_ = Round(
            project=project, label=label, opens_at=opens, closes_at=opens + dt.timedelta(days=21)
        )
        session.add(round_)
        session.flush()
        for version in versions.values():
            set_round_instrument(session, round_, version)
        # The last round is still open: the response monitors show it, and nothing else may.
        round_.status = "open" if index == len(ROUNDS) - 1 else "closed"
        rounds.append(round_)
    truth = Truth()
    for round_, school, kind in itertools.product(rounds, schools.values(), versions):
        for label in CLASSES if kind == "pupil" else (None,):
            group = groups[(school.code, label or CLASSES[0])] if kind != "staff" else None
            levels = _respondents(kind, school.code, label, round_.label)
            for k, (level, dips) in enumerate(levels):
                is_writer = (kind, school.code, round_.label, k) == ("parent", "A1", SMALL_ROUND, 0)
                text = FREE_TEXT if is_writer else None
                where = (round_, school, group)
                instrument, version = instruments[kind], versions[kind]
                _answer(session, truth, where, instrument, version, level, k, dips, text)
    session.add(
        Goal(
            project=project,
            construct="konflikt",
            respondent_type="pupil",
            target_kind="change",
            target_value=-0.2,
            due_round=rounds[-1],
        )
    )
    users = {
        "lead": User(
            email="leder@personvern.no", role="project_lead", password_hash="x", projects=[project]
        ),
        "evaluator": User(
            email="forsker@personvern.no", role="evaluator", password_hash="x", projects=[project]
        ),
        "free_text": User(
            email="fritekst@personvern.no",
            role="evaluator",
            password_hash="x",
            projects=[project],
            can_export_free_text=True,
        ),
        "contact": User(
            email="kontakt@personvern.no",
            role="school_contact",
            password_hash="x",
            schools=[schools["A1"]],
        ),
    }
    session.add_all(users.values())
    session.flush()
    _, token = create_api_token(session, users["lead"], "privacy test", TEST_SECRET_KEY)
    session.flush()
    recompute_models(app)
    return PrivacyProject(project, schools, groups, rounds, users, token, truth)
