"""Class codes and link tokens: readable, forgiving, unguessable, and stored only as hashes."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from survey.models import AccessCode
from survey.rounds import codes
from survey.rounds.operations import create_class_codes, create_links
from survey.rounds.queries import find_open_class_code, open_class_codes, open_link_counts
from tests.conftest import TEST_SECRET_KEY

LOOK_ALIKES = "0O1IL2Z5S8B"


@pytest.fixture
def open_round(make_round, make_school, make_group):
    round_ = make_round(status="open")
    for arm in ("intervention", "comparison"):
        school = make_school(project=round_.project, arm=arm)
        make_group(school=school, label="5A")
        make_group(school=school, label="6A", grade=6)
    return round_


def test_class_codes_use_no_look_alike_characters() -> None:
    assert not set(LOOK_ALIKES) & set(codes.CLASS_CODE_ALPHABET)
    code = codes.class_code_from_seed(TEST_SECRET_KEY, codes.new_code_seed())
    assert len(code) == 6
    assert set(code) <= set(codes.CLASS_CODE_ALPHABET)


def test_typed_codes_forgive_case_spaces_and_dashes() -> None:
    assert codes.normalise_class_code(" ab-c d ") == "ABCD"
    assert codes.class_code_hash("k", "xy3 4") == codes.class_code_hash("k", "XY34")


def test_every_group_of_an_open_round_gets_one_listed_code(session, open_round) -> None:
    create_class_codes(session, open_round, TEST_SECRET_KEY)
    create_class_codes(session, open_round, TEST_SECRET_KEY)  # a second call adds nothing
    listed = open_class_codes(session, TEST_SECRET_KEY)
    assert len(listed) == 4
    assert len({c.code for c in listed}) == 4


def test_a_listed_code_finds_its_class_however_it_is_typed(session, open_round) -> None:
    create_class_codes(session, open_round, TEST_SECRET_KEY)
    listed = open_class_codes(session, TEST_SECRET_KEY)[0]
    typed = f" {listed.code[:3].lower()} {listed.code[3:]} "
    found = find_open_class_code(session, TEST_SECRET_KEY, typed)
    assert found is not None
    assert found.group.label == listed.group


def test_codes_of_a_closed_round_open_nothing(session, open_round) -> None:
    create_class_codes(session, open_round, TEST_SECRET_KEY)
    code = open_class_codes(session, TEST_SECRET_KEY)[0].code
    open_round.status = "closed"
    session.flush()
    assert find_open_class_code(session, TEST_SECRET_KEY, code) is None
    assert open_class_codes(session, TEST_SECRET_KEY) == []


def test_the_database_holds_no_code_in_the_clear(session, open_round) -> None:
    create_class_codes(session, open_round, TEST_SECRET_KEY)
    tokens = create_links(
        session, open_round, open_round.project.schools[0].id, "parent", 3, TEST_SECRET_KEY
    )
    shown = {c.code for c in open_class_codes(session, TEST_SECRET_KEY)} | set(tokens)
    for row in session.scalars(select(AccessCode)):
        stored = " ".join(str(v) for v in (row.code_hash, row.code_seed) if v)
        assert not any(secret in stored for secret in shown)


def test_link_tokens_carry_at_least_128_random_bits(session, open_round) -> None:
    school_id = open_round.project.schools[0].id
    tokens = create_links(session, open_round, school_id, "staff", 50, TEST_SECRET_KEY)
    assert len(set(tokens)) == 50
    assert all(len(token) * 6 >= 128 for token in tokens)  # url-safe base64: 6 bits a character
    assert open_link_counts(session)[0].made == 50


def test_pupils_get_class_codes_not_links(session, open_round) -> None:
    with pytest.raises(ValueError, match="class codes"):
        create_links(
            session, open_round, open_round.project.schools[0].id, "pupil", 1, TEST_SECRET_KEY
        )
