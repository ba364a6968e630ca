"""The variables of an export: names, labels, value labels and what each one means.

Every format writes the same variables in the same order. Names carry a respondent-type prefix,
since instruments reuse item ids, and are at most 28 characters: Stata allows 32, and
pyreadstat names each value-label set after its variable plus a counter.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field

from instruments import ScalePoint

#: Stored for "I don't want to answer": a declared missing value in SPSS, `.a` in Stata.
DECLINED_CODE = 99
DECLINED_LABEL = "Vil ikke svare"
STATA_DECLINED = "a"
MAX_NAME_LENGTH = 28

#: A short Norwegian prefix per respondent type: elev, foresatt, ansatt.
TYPE_PREFIX = {"pupil": "e", "parent": "f", "staff": "a"}
TYPE_CODES = {"pupil": 1, "parent": 2, "staff": 3}
ARM_CODES = {"comparison": 0, "intervention": 1}
STATUS_CODES = {"partial": 0, "complete": 1}
#: The language written for a language too few answered in (see `plan._languages`).
OTHER_LANGUAGE = "annet"


@dataclass(frozen=True)
class CodebookItem:
    """One question as the codebook documents it, across the versions that asked it."""

    respondent_type: str
    item_id: str
    construct: str | None
    construct_label: Mapping[str, str]
    direction: str | None
    reverse: bool
    texts: Mapping[str, str]  #: question text per language, from the latest version
    points: tuple[ScalePoint, ...]
    decline_label: Mapping[str, str] | None
    versions: tuple[str, ...]
    rounds: tuple[str, ...]
    is_free_text: bool = False


@dataclass(frozen=True)
class ScoreInfo:
    """A scale score: which items it is the mean of, and which way is better."""

    respondent_type: str
    construct: str
    construct_label: Mapping[str, str]
    direction: str
    items: tuple[tuple[str, bool], ...]  #: (variable name, is reverse-keyed)
    scale_min: int
    scale_max: int
    versions: tuple[str, ...]
    rounds: tuple[str, ...]


@dataclass(frozen=True)
class Variable:
    name: str
    label: str
    kind: str  #: design, item or score
    measure: str  #: nominal, ordinal or scale
    value_labels: Mapping[int, str] = field(default_factory=dict)
    is_date: bool = False
    #: CSV and XLSX write this variable's value labels instead of its codes.
    text_in_tables: bool = False
    item: CodebookItem | None = None
    score: ScoreInfo | None = None

    @property
    def has_declined_code(self) -> bool:
        return self.item is not None and self.item.decline_label is not None


def short_name(name: str) -> str:
    """`name` if short enough, else a stable shortening with a hash so names stay unique."""
    if len(name) <= MAX_NAME_LENGTH:
        return name
    digest = hashlib.sha1(name.encode(), usedforsecurity=False).hexdigest()[:4]
    return f"{name[: MAX_NAME_LENGTH - 5].rstrip('_')}_{digest}"


def item_variable_name(respondent_type: str, item_id: str) -> str:
    return short_name(f"{TYPE_PREFIX[respondent_type]}_{item_id}")


def score_variable_name(respondent_type: str, construct: str) -> str:
    return short_name(f"{TYPE_PREFIX[respondent_type]}_score_{construct}")


#: Panel mode: the pupil behind a response, numbered anew in every export (docs/privacy.md).
PANEL_VARIABLE = Variable(
    "panel_id",
    "Panelelev (tilfeldig nummer: samme elev i alle runder i denne filen, nytt i hver eksport)",
    "design",
    "nominal",
)


def design_variables(
    rounds: Mapping[int, str],
    schools: Mapping[int, str],
    groups: Mapping[int, str],
    languages: Mapping[int, str],
    versions: Mapping[int, str],
    *,
    panel: bool = False,
) -> list[Variable]:
    """The design variables, each coded by a number with its label (codes are stable)."""
    return [
        Variable(
            "response_id",
            "Besvarelse (tilfeldig nummer, nytt i hver eksport)",
            "design",
            "nominal",
        ),
        *([PANEL_VARIABLE] if panel else []),
        Variable(
            "respondent_type",
            "Respondenttype",
            "design",
            "nominal",
            {code: kind for kind, code in TYPE_CODES.items()},
            text_in_tables=True,
        ),
        Variable(
            "status",
            "Status for besvarelsen",
            "design",
            "nominal",
            {code: status for status, code in STATUS_CODES.items()},
            text_in_tables=True,
        ),
        Variable("round", "Runde (nummer i tidsrekkefølge)", "design", "ordinal", dict(rounds)),
        Variable(
            "completed_on",
            "Uken besvarelsen ble sendt (mandagens dato)",
            "design",
            "scale",
            is_date=True,
        ),
        Variable("school", "Skole", "design", "nominal", dict(schools), text_in_tables=True),
        Variable(
            "arm",
            "Arm (intervensjon eller sammenligning)",
            "design",
            "nominal",
            {code: arm for arm, code in ARM_CODES.items()},
            text_in_tables=True,
        ),
        Variable("grade", "Trinn", "design", "ordinal"),
        Variable(
            "group", "Klasse eller gruppe", "design", "nominal", dict(groups), text_in_tables=True
        ),
        Variable(
            "language",
            "Språk (annet: færre enn minste gruppestørrelse i runden, skolen og respondenttypen)",
            "design",
            "nominal",
            dict(languages),
            text_in_tables=True,
        ),
        Variable(
            "instrument_version",
            "Spørreskjema og versjon",
            "design",
            "nominal",
            dict(versions),
            text_in_tables=True,
        ),
    ]
