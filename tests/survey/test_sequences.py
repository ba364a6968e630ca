"""`chunks` cuts a list into parts in order, the last one shorter."""

from __future__ import annotations

import pytest

from survey.sequences import chunks


def test_the_parts_keep_the_order_and_the_last_is_what_is_left() -> None:
    assert list(chunks([1, 2, 3, 4, 5], 2)) == [[1, 2], [3, 4], [5]]


def test_an_empty_list_has_no_parts_and_a_short_one_has_one() -> None:
    assert list(chunks([], 3)) == []
    assert list(chunks(["a", "b"], 500)) == [["a", "b"]]


def test_a_part_smaller_than_one_is_refused() -> None:
    with pytest.raises(ValueError):
        list(chunks([1], 0))
