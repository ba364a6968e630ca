"""Any input to the instrument loader gives an instrument or an InstrumentError naming the problem.

Random text and bytes test the YAML layer; the bundled instruments, mutated a few places at a
time (a key dropped or renamed, a value of the wrong type, an item twice, a huge string, deep
nesting), get past it into the validation. Nothing may escape as a KeyError, TypeError,
AttributeError or RecursionError, and nothing may take long: alias bombs are refused.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from instruments import (
    Instrument,
    InstrumentError,
    bundled_instruments,
    instrument_from_json,
    load_instrument,
    load_instrument_data,
)
from instruments.loader import DATA_DIR

#: Fixed and derandomized, so a run is the same everywhere and the module stays under ~30 s.
FUZZ = settings(
    max_examples=250,
    deadline=timedelta(seconds=3),
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
#: libyaml's writer where PyYAML has it: the mutated documents are written out as YAML 250 times.
SafeDumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
#: A problem message says what is wrong; it does not repeat a megabyte of input.
LONGEST_PROBLEM = 2000

BUNDLED_FILES = sorted(DATA_DIR.glob("*.yaml"))
BUNDLED_DATA = {f"{i.id}.v{i.version}.yaml": i.to_json() for i in bundled_instruments()}

Tree = Any
Path_ = tuple[str | int, ...]


def assert_instrument_or_clear_error(load: Callable[[], Instrument]) -> None:
    try:
        instrument = load()
    except InstrumentError as error:
        assert error.problems, "an InstrumentError without problems"
        for problem in error.problems:
            assert problem.message.strip(), "a problem without a message"
            if len(str(problem)) >= LONGEST_PROBLEM:
                pytest.fail(f"a problem of {len(str(problem))} characters: {str(problem)[:200]}")
    else:
        assert isinstance(instrument, Instrument)


def _load_text(tmp_path: Path, text: str | bytes, name: str = "fuzz.v1.yaml") -> Instrument:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
    return load_instrument(path)


# -- text and bytes ------------------------------------------------------------------------

YAML_ALPHABET = st.sampled_from([*"abnoy019:-[]{}&*!|>'\"#%@`,?~.\\ \t\n", "\u202e", "é"])


@FUZZ
@given(text=st.text(YAML_ALPHABET, max_size=300) | st.text(max_size=300))
def test_random_text_is_an_instrument_or_a_clear_error(tmp_path: Path, text: str) -> None:
    assert_instrument_or_clear_error(lambda: _load_text(tmp_path, text))


@FUZZ
@given(raw=st.binary(max_size=500))
def test_random_bytes_are_an_instrument_or_a_clear_error(tmp_path: Path, raw: bytes) -> None:
    assert_instrument_or_clear_error(lambda: _load_text(tmp_path, raw))


@st.composite
def edited_bundled_text(draw: st.DrawFn) -> tuple[str, str]:
    """A bundled file with a few lines deleted, repeated, re-indented or typed into."""
    path = draw(st.sampled_from(BUNDLED_FILES))
    lines = path.read_text(encoding="utf-8").splitlines()
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(lines) - 1))
        edit = draw(st.sampled_from(["delete", "repeat", "indent", "dedent", "type"]))
        if edit == "delete":
            del lines[at]
        elif edit == "repeat":
            lines.insert(at, lines[at])
        elif edit == "indent":
            lines[at] = "  " + lines[at]
        elif edit == "dedent":
            lines[at] = lines[at].lstrip()
        else:
            column = draw(st.integers(0, len(lines[at])))
            typed = draw(st.text(YAML_ALPHABET, min_size=1, max_size=8))
            lines[at] = lines[at][:column] + typed + lines[at][column:]
    return path.name, "\n".join(lines) + "\n"


@FUZZ
@given(edited=edited_bundled_text())
def test_edited_bundled_files_are_instruments_or_clear_errors(
    tmp_path: Path, edited: tuple[str, str]
) -> None:
    name, text = edited
    assert_instrument_or_clear_error(lambda: _load_text(tmp_path, text, name))


# -- mutated documents ---------------------------------------------------------------------


def _paths(tree: Tree, prefix: Path_ = ()) -> list[Path_]:
    """Every place in a document, the top included."""
    found = [prefix]
    if isinstance(tree, dict):
        for key, value in tree.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(tree, list):
        for index, value in enumerate(tree):
            found += _paths(value, (*prefix, index))
    return found


def _parent(tree: Tree, path: Path_) -> Tree:
    for part in path[:-1]:
        tree = tree[part]
    return tree


@dataclass(frozen=True)
class Huge:
    """A string of `length` characters, made only when loaded (a short repr in reports)."""

    length: int


def _expanded(tree: Tree) -> Tree:
    if isinstance(tree, Huge):
        return "x" * tree.length
    if isinstance(tree, dict):
        return {key: _expanded(value) for key, value in tree.items()}
    if isinstance(tree, list):
        return [_expanded(value) for value in tree]
    return tree


def _nested(depth: int) -> Tree:
    value: Tree = "bottom"
    for level in range(depth):
        value = [value] if level % 2 else {"deeper": value}
    return value


WRONG_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.sampled_from([10**5000, -(2**70), 0]),
    st.floats(),
    st.dates(min_value=date(1900, 1, 1)),
    st.text(max_size=12),
    st.sampled_from([Huge(1_000_000), "nb", "trivsel", "smileys", "choice", "text", ""]),
    st.lists(st.integers() | st.text(max_size=5), max_size=3),
    st.dictionaries(st.text(max_size=5) | st.integers(), st.text(max_size=5), max_size=3),
    st.integers(50, 120).map(_nested),
)


@st.composite
def mutated_document(draw: st.DrawFn) -> tuple[str, Tree]:
    """A bundled instrument's data with one to three things wrong in it."""
    name = draw(st.sampled_from(sorted(BUNDLED_DATA)))
    tree = copy.deepcopy(BUNDLED_DATA[name])
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(_paths(tree)[1:]))
        parent, last = _parent(tree, path), path[-1]
        mutation = draw(st.sampled_from(["drop", "replace", "repeat", "rename"]))
        if mutation == "drop":
            del parent[last]
        elif mutation == "replace":
            parent[last] = draw(WRONG_VALUES)
        elif mutation == "repeat" and isinstance(parent, list):
            parent.append(copy.deepcopy(parent[last]))  # an item twice: a duplicate id
        elif isinstance(parent, dict):
            new_key = draw(st.text(max_size=10) | st.integers() | st.sampled_from(["trivsel"]))
            parent[new_key] = parent.pop(last)
    return name, tree


@FUZZ
@given(mutated=mutated_document())
def test_mutated_instruments_are_instruments_or_clear_errors(
    tmp_path: Path, mutated: tuple[str, Tree]
) -> None:
    name, tree = mutated[0], _expanded(mutated[1])
    assert_instrument_or_clear_error(lambda: load_instrument_data(tree, name))
    assert_instrument_or_clear_error(lambda: instrument_from_json(tree))
    try:
        text = yaml.dump(tree, Dumper=SafeDumper, allow_unicode=True, width=10**9)
    except ValueError:  # a number too long for str(): PyYAML cannot write it either
        return
    assert_instrument_or_clear_error(lambda: _load_text(tmp_path, text, name))


@FUZZ
@given(value=WRONG_VALUES)
def test_any_top_level_value_is_a_clear_error(value: Any) -> None:
    value = _expanded(value)
    assert_instrument_or_clear_error(lambda: load_instrument_data(value, "fuzz"))
    assert_instrument_or_clear_error(lambda: instrument_from_json(value))


# -- bombs ---------------------------------------------------------------------------------

LAUGHS = "\n".join(
    [
        "id: demo",
        "version: 1",
        'a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]',
        *(
            f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]"
            for n in range(1, 10)  # 10**9 strings once every alias is followed
        ),
        "title: *a9",
        "items: *a9",
        "languages: *a9",
    ]
)


@pytest.mark.parametrize(
    "text",
    [
        LAUGHS,
        "id: demo\ntitle: &loop [*loop]\n",
        "id: demo\nitems: " + "[" * 5000 + "]" * 5000 + "\n",
        "id: demo\nitems: " + "{a: " * 5000 + "1" + "}" * 5000 + "\n",
        "id: demo\nversion: " + "9" * 5000 + "\n",
    ],
    ids=["billion laughs", "alias loop", "5000 lists deep", "5000 mappings deep", "huge number"],
)
def test_bombs_are_refused_quickly(tmp_path: Path, text: str) -> None:
    started = time.monotonic()
    with pytest.raises(InstrumentError) as refused:
        _load_text(tmp_path, text, "demo.v1.yaml")
    assert time.monotonic() - started < 2
    assert all(len(str(problem)) < LONGEST_PROBLEM for problem in refused.value.problems)
