"""A version frozen in the database (SQLite, and PostgreSQL in CI) loads again unchanged."""

import pytest
from sqlalchemy import select

from instruments import bundled_instrument, bundled_instruments, instrument_from_json
from survey.models import InstrumentVersion
from survey.rounds.operations import freeze_instrument


@pytest.mark.parametrize(
    "instrument", bundled_instruments(), ids=lambda found: f"{found.id}.v{found.version}"
)
def test_a_frozen_version_loads_again_from_the_database(session, instrument) -> None:
    freeze_instrument(session, instrument)
    session.expire_all()

    stored = session.scalars(
        select(InstrumentVersion).filter_by(
            instrument_key=instrument.id, version=instrument.version
        )
    ).one()

    assert instrument_from_json(stored.content) == instrument
    assert stored.content_hash == instrument.content_hash


def test_the_first_version_can_be_frozen_again_after_the_second_exists(session) -> None:
    first = freeze_instrument(session, bundled_instrument("parent", 1))
    second = freeze_instrument(session, bundled_instrument("parent"))

    again = freeze_instrument(session, bundled_instrument("parent", 1))

    assert again.id == first.id != second.id
    assert instrument_from_json(again.content).version == 1
