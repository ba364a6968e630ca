"""Writes for rounds: frozen instrument versions and access codes. Only flush, never commit."""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.orm import Session

from instruments import Instrument
from survey.models import AccessCode, InstrumentVersion, Round, RoundInstrument
from survey.rounds import codes

log = logging.getLogger(__name__)


class InstrumentConflictError(ValueError):
    """The same instrument id and version is already stored with other content."""


def freeze_instrument(session: Session, instrument: Instrument) -> InstrumentVersion:
    """The stored version of `instrument`, stored now if it is new."""
    stored = session.scalar(
        select(InstrumentVersion).filter_by(
            instrument_key=instrument.id, version=instrument.version
        )
    )
    if stored is not None:
        if stored.content_hash != instrument.content_hash:
            raise InstrumentConflictError(
                f"{instrument.id} v{instrument.version} is stored with other content; "
                "a changed instrument needs a new version number"
            )
        return stored
    stored = InstrumentVersion(
        instrument_key=instrument.id,
        version=instrument.version,
        respondent_type=instrument.respondent_type,
        content=instrument.to_json(),
        content_hash=instrument.content_hash,
    )
    session.add(stored)
    session.flush()
    log.info("froze instrument %s v%s", instrument.id, instrument.version)
    return stored


def set_round_instrument(
    session: Session, round_: Round, version: InstrumentVersion
) -> RoundInstrument:
    if round_.status != "planned":
        raise ValueError(f"{round_!r} is {round_.status}; its instruments can no longer change")
    link = session.get(RoundInstrument, (round_.id, version.respondent_type))
    if link is None:
        link = RoundInstrument(round=round_, respondent_type=version.respondent_type)
        session.add(link)
    link.instrument_version = version
    session.flush()
    log.info(
        "round %s asks %s with instrument version %s", round_.id, link.respondent_type, version.id
    )
    return link


def create_class_codes(session: Session, round_: Round, secret_key: str) -> list[AccessCode]:
    """One class code for every group of the round's project that has none yet."""
    have = set(
        session.scalars(
            select(AccessCode.group_id).filter_by(round_id=round_.id, kind="class_code")
        )
    )
    made = []
    for school in round_.project.schools:
        for group in school.groups:
            if group.id in have:
                continue
            made.append(_new_class_code(session, round_, school.id, group.id, secret_key))
    session.flush()
    log.info("made %d class codes for round %s", len(made), round_.id)
    return made


def class_codes_for_new_group(
    session: Session, project_id: int, group_id: int, school_id: int, secret_key: str
) -> list[AccessCode]:
    """A class added while a round is open gets its code at once, in every such round.

    Without it the class counts in the monitor's denominator but its pupils cannot answer.
    """
    rounds = session.scalars(
        select(Round).where(Round.project_id == project_id, Round.status == "open")
    )
    made = [
        _new_class_code(session, round_, school_id, group_id, secret_key)
        for round_ in rounds
        if round_.instrument_for("pupil") is not None
    ]
    session.flush()
    if made:
        log.info("made class codes for new group %s in %d open rounds", group_id, len(made))
    return made


def _new_class_code(
    session: Session, round_: Round, school_id: int, group_id: int, secret_key: str
) -> AccessCode:
    while True:
        seed = codes.new_code_seed()
        code_hash = codes.class_code_hash(secret_key, codes.class_code_from_seed(secret_key, seed))
        if session.scalar(select(AccessCode.id).filter_by(code_hash=code_hash)) is None:
            break
    access = AccessCode(
        round_id=round_.id,
        kind="class_code",
        respondent_type="pupil",
        school_id=school_id,
        group_id=group_id,
        code_hash=code_hash,
        code_seed=seed,
    )
    session.add(access)
    return access


def create_links(
    session: Session,
    round_: Round,
    school_id: int,
    respondent_type: str,
    count: int,
    secret_key: str,
    group_id: int | None = None,
    batch_id: int | None = None,
) -> list[str]:
    """Make `count` one-time link tokens; the tokens are returned once and never stored.

    Parents' links may belong to a class (`group_id`), so their responses count per class.
    """
    if respondent_type == "pupil":
        raise ValueError("pupils answer with class codes, not links")
    tokens = [codes.new_link_token() for _ in range(count)]
    session.add_all(
        AccessCode(
            round_id=round_.id,
            kind="link",
            respondent_type=respondent_type,
            school_id=school_id,
            group_id=group_id,
            batch_id=batch_id,
            code_hash=codes.link_token_hash(secret_key, token),
        )
        for token in tokens
    )
    session.flush()
    log.info(
        "made %d %s links for round %s, school %s", count, respondent_type, round_.id, school_id
    )
    return tokens
