"""The questionnaires shipped with Trivsel, and the package's independence."""

import ast
import sys
from pathlib import Path

import pytest

import instruments
from instruments import Instrument, bundled_instrument, bundled_instruments

#: Choice items in the latest versions: 15 minutes for pupils, 5 for parents, 10 for staff.
CHOICE_ITEMS_PLANNED = {"pupil-5-7": (30, 45), "parent": (24, 34), "staff": (30, 42)}
LATEST = [bundled_instrument(instrument_id) for instrument_id in CHOICE_ITEMS_PLANNED]


def _choice_items(instrument: Instrument) -> int:
    return sum(item.is_choice for item in instrument.items)


def test_every_bundled_instrument_loads() -> None:
    loaded = {(found.id, found.version) for found in bundled_instruments()}

    third = {("parent", 3), ("pupil-5-7", 3)}
    assert loaded == {(key, version) for key in CHOICE_ITEMS_PLANNED for version in (1, 2)} | third
    assert bundled_instrument("parent") is bundled_instrument("parent", 3)


@pytest.mark.parametrize("instrument", bundled_instruments(), ids=lambda found: found.id)
def test_every_construct_has_at_least_three_items(instrument: Instrument) -> None:
    for construct_id in instrument.constructs:
        assert len(instrument.items_in(construct_id)) >= 3, construct_id


@pytest.mark.parametrize("instrument", LATEST, ids=lambda found: found.id)
def test_choice_item_count_is_within_plan(instrument: Instrument) -> None:
    low, high = CHOICE_ITEMS_PLANNED[instrument.id]

    assert low <= _choice_items(instrument) <= high


@pytest.mark.parametrize("instrument", bundled_instruments(), ids=lambda found: found.id)
def test_every_instrument_has_a_reverse_keyed_item(instrument: Instrument) -> None:
    assert any(item.reverse for item in instrument.items)


def test_core_constructs_are_measured_by_every_respondent_type() -> None:
    core = {"konflikt", "arbeidsro"}

    assert {"trivsel", *core} <= set(bundled_instrument("pupil-5-7").constructs)
    assert {"trivsel", *core} <= set(bundled_instrument("parent").constructs)
    assert core <= set(bundled_instrument("staff").constructs)
    assert bundled_instrument("pupil-5-7").constructs["konflikt"].direction == "higher_is_worse"


def test_pupils_are_asked_about_being_alone_in_breaks() -> None:
    item = bundled_instrument("pupil-5-7").item("venner_alene_i_friminuttet")

    assert item.construct == "venner"
    assert item.reverse


def test_only_parents_get_a_free_text_question() -> None:
    free_text = {found.id: [i.id for i in found.items if not i.is_choice] for found in LATEST}

    assert free_text == {"parent": ["kommentar"], "pupil-5-7": [], "staff": []}


def test_instruments_package_imports_only_marshmallow_yaml_and_stdlib() -> None:
    allowed = {"instruments", "marshmallow", "yaml", *sys.stdlib_module_names}
    imported: set[str] = set()
    for path in Path(instruments.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                imported.add(node.module.split(".")[0])

    assert imported <= allowed, imported - allowed
