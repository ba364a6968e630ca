"""A small valid instrument file and helpers to break it one line at a time."""

from collections.abc import Callable
from pathlib import Path

import pytest

from instruments import InstrumentError, load_instrument

VALID = """\
id: demo
version: 1
respondent_type: pupil
languages: [nb]
title: {nb: Prøveskjema}
scales:
  smileys:
    kind: smileys
    points:
      - {value: 1, label: {nb: Stemmer ikke}}
      - {value: 2, label: {nb: Både og}}
      - {value: 3, label: {nb: Stemmer helt}}
    decline: {nb: Vil ikke svare}
constructs:
  trivsel: {label: {nb: Trivsel}, direction: higher_is_better}
items:
  - id: trivsel_liker_skolen
    construct: trivsel
    scale: smileys
    text: {nb: Jeg liker å være på skolen.}
  - id: trivsel_gruer_meg
    construct: trivsel
    scale: smileys
    reverse: true
    text: {nb: Jeg gruer meg til å gå på skolen.}
"""


def _changed(old: str, new: str, text: str = VALID) -> str:
    assert text.count(old) == 1, f"{old!r} must occur exactly once"
    return text.replace(old, new)


@pytest.fixture
def sample_yaml() -> str:
    """A valid instrument file: one scale, one construct, two items."""
    return VALID


@pytest.fixture
def edit() -> Callable[..., str]:
    """The sample with one exact snippet replaced, so a test shows only what it breaks."""
    return _changed


@pytest.fixture
def write_file(tmp_path: Path) -> Callable[..., Path]:
    def write(text: str, name: str = "demo.v1.yaml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture
def problems_of(write_file: Callable[..., Path]) -> Callable[..., InstrumentError]:
    """Write ``text`` to a file, load it, and return the error it must raise."""

    def load_broken(text: str, name: str = "demo.v1.yaml") -> InstrumentError:
        with pytest.raises(InstrumentError) as caught:
            load_instrument(write_file(text, name))
        return caught.value

    return load_broken


@pytest.fixture
def problems_after(problems_of: Callable[..., InstrumentError]) -> Callable[..., InstrumentError]:
    """The error raised by the sample with ``old`` replaced by ``new``."""

    def load_changed(old: str, new: str) -> InstrumentError:
        return problems_of(_changed(old, new))

    return load_changed
