"""Card codes: the check character catches every slip of one character and every swap."""

from __future__ import annotations

import itertools

from survey.panel import cards


def _codes(count: int = 40) -> list[str]:
    return [cards.new_card_code() for _ in range(count)]


def test_a_new_code_is_well_formed_and_printed_in_two_groups() -> None:
    code = cards.new_card_code()
    assert cards.is_well_formed(code)
    assert cards.printed(code) == f"{code[:4]}-{code[4:]}"
    assert cards.is_well_formed(f" {cards.printed(code).lower()} ")


def test_every_single_wrong_character_is_caught() -> None:
    for code in _codes():
        for position, char in itertools.product(range(cards.LENGTH), cards.ALPHABET):
            if char != code[position]:
                typo = code[:position] + char + code[position + 1 :]
                assert not cards.is_well_formed(typo), (code, typo)


def test_every_swap_of_two_characters_is_caught() -> None:
    for code in _codes():
        for first, second in itertools.combinations(range(cards.LENGTH), 2):
            if code[first] != code[second]:
                swapped = list(code)
                swapped[first], swapped[second] = swapped[second], swapped[first]
                assert not cards.is_well_formed("".join(swapped)), code


def test_look_alikes_are_not_in_the_alphabet() -> None:
    assert not set("OQ0I1ZS5B8GV2") & set(cards.ALPHABET)
    assert not cards.is_well_formed("O" + cards.new_card_code()[1:])


def test_the_hash_depends_on_the_key() -> None:
    code = cards.new_card_code()
    first, second = cards.new_key(), cards.new_key()
    assert cards.code_hash(first, code) == cards.code_hash(first, code.lower())
    assert cards.code_hash(first, code) != cards.code_hash(second, code)
    assert code not in cards.code_hash(first, code).upper()
