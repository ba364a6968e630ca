"""A report names a construct in the reader's language, else bokmål, else its id."""

from __future__ import annotations

from survey.reports.queries import ConstructFigures


def _figures(labels: dict[str, str]) -> ConstructFigures:
    return ConstructFigures("trivsel", labels, True, (1, 5), (), (), ())


def test_a_construct_is_named_in_the_readers_language_else_in_bokmal() -> None:
    figures = _figures({"nb": "Trivsel", "nn": "Trivnad"})
    assert (figures.name("nn"), figures.name("ur")) == ("Trivnad", "Trivsel")


def test_a_construct_without_labels_is_named_by_its_id() -> None:
    assert _figures({}).name("nb") == "trivsel"
