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
from instruments.metadata import (
    RTL_LANGUAGES,
    TEXT_DIRECTIONS,
    Change,
    Translation,
    is_rtl_language,
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
from instruments.readability import Readability, lix, readability
from instruments.versions import version_problems

__all__ = [
    "DIRECTIONS",
    "ITEM_KINDS",
    "RESPONDENT_TYPES",
    "RTL_LANGUAGES",
    "SCALE_KINDS",
    "TEXT_DIRECTIONS",
    "Change",
    "Construct",
    "Instrument",
    "InstrumentError",
    "Item",
    "Problem",
    "Readability",
    "Scale",
    "ScalePoint",
    "Translation",
    "bundled_instrument",
    "bundled_instruments",
    "instrument_from_json",
    "is_rtl_language",
    "lix",
    "load_instrument",
    "load_instrument_data",
    "readability",
    "version_problems",
]
