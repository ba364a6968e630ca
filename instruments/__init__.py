"""Questionnaires as data: one YAML file per instrument version, loaded and validated.

This package knows nothing of Flask or the database; ``survey`` freezes an instrument
with ``Instrument.to_json()`` and rebuilds it with ``instrument_from_json``.
"""

from instruments.errors import InstrumentError, Problem
from instruments.loader import (
    bundled_instrument,
    bundled_instruments,
    instrument_from_json,
    load_instrument,
    load_instrument_data,
)
from instruments.model import (
    DIRECTIONS,
    ITEM_KINDS,
    RESPONDENT_TYPES,
    SCALE_KINDS,
    Construct,
    Instrument,
    Item,
    Scale,
    ScalePoint,
)

__all__ = [
    "DIRECTIONS",
    "ITEM_KINDS",
    "RESPONDENT_TYPES",
    "SCALE_KINDS",
    "Construct",
    "Instrument",
    "InstrumentError",
    "Item",
    "Problem",
    "Scale",
    "ScalePoint",
    "bundled_instrument",
    "bundled_instruments",
    "instrument_from_json",
    "load_instrument",
    "load_instrument_data",
]
