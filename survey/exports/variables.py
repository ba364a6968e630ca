"""The variables of an export: names, labels, value labels and what each one means.

Every format writes the same variables in the same order. Names carry a respondent-type prefix,
since instruments reuse item ids, then the construct and a short item name, and are at most 28
characters: Stata allows 32, and pyreadstat names each value-label set after its variable plus
a counter. No name carries a hash: an evaluator reads `e_konflikth_tenker_paa_den` at once.
"""

from __future__ import annotations

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
#: Value labels of the coded design variables: Norwegian by default, English on request.
LABEL_LANGUAGES = ("nb", "en")
DESIGN_LABELS = {
    "nb": {
        "respondent_type": {"pupil": "elev", "parent": "foresatt", "staff": "ansatt"},
        "status": {"partial": "delvis", "complete": "fullført"},
        "arm": {"comparison": "sammenligning", "intervention": "intervensjon"},
    },
    "en": {
        "respondent_type": {"pupil": "pupil", "parent": "parent", "staff": "staff"},
        "status": {"partial": "partial", "complete": "complete"},
        "arm": {"comparison": "comparison", "intervention": "intervention"},
    },
}


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


#: The longest construct part of a name; a longer construct id is shortened (see below).
CONSTRUCT_PART = 12


def construct_part(construct: str, limit: int = CONSTRUCT_PART) -> str:
    """A construct id short enough for a variable name: kept whole when it fits, else its
    first word and the initials of the rest (`sovei_internt_samarbeid` -> `sovei_is`), cut to
    `limit`."""
    if len(construct) <= limit:
        return construct
    first, *rest = construct.split("_")
    initials = "".join(word[:1] for word in rest)
    return f"{first[: limit - len(initials) - 1]}_{initials}" if initials else first[:limit]


def _words(text: str, limit: int) -> str:
    """`text` cut at a word boundary (`_`) to at most `limit` characters."""
    if len(text) <= limit:
        return text
    kept = ""
    for word in text.split("_"):
        longer = f"{kept}_{word}" if kept else word
        if len(longer) > limit:
            break
        kept = longer
    return kept or text[:limit]


def item_variable_name(respondent_type: str, item_id: str, construct: str | None = None) -> str:
    """`<type>_<construct>_<short item name>`, e.g. `e_trivsel_har_det_fint_i`.

    The item name is the item id without its construct prefix, cut at a word boundary; the
    plan makes names unique by construction (`unique_names`), so no hash is ever needed.
    """
    prefix = TYPE_PREFIX[respondent_type]
    if construct and item_id.startswith(f"{construct}_"):
        head = construct_part(construct)
        rest = item_id[len(construct) + 1 :]
        return f"{prefix}_{head}_{_words(rest, MAX_NAME_LENGTH - len(prefix) - len(head) - 2)}"
    return f"{prefix}_{_words(item_id, MAX_NAME_LENGTH - len(prefix) - 1)}"


def score_variable_name(respondent_type: str, construct: str) -> str:
    """`<type>_score_<construct>`, the construct shortened as in item names when too long."""
    prefix = f"{TYPE_PREFIX[respondent_type]}_score_"
    return prefix + construct_part(construct, MAX_NAME_LENGTH - len(prefix))


def unique_names(names: list[str]) -> list[str]:
    """The names, each one that repeats an earlier one numbered (`_2`, `_3`, ...) within the
    length limit: the same items in the same order always give the same names."""
    seen: set[str] = set()
    unique = []
    for name in names:
        candidate, number = name, 1
        while candidate in seen:
            number += 1
            suffix = f"_{number}"
            candidate = name[: MAX_NAME_LENGTH - len(suffix)].rstrip("_") + suffix
        seen.add(candidate)
        unique.append(candidate)
    return unique


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
    label_language: str = "nb",
) -> list[Variable]:
    """The design variables, each coded by a number with its label (codes are stable)."""
    words = DESIGN_LABELS[label_language]
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
            {code: words["respondent_type"][kind] for kind, code in TYPE_CODES.items()},
            text_in_tables=True,
        ),
        Variable(
            "status",
            "Status for besvarelsen",
            "design",
            "nominal",
            {code: words["status"][status] for status, code in STATUS_CODES.items()},
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
            {code: words["arm"][arm] for arm, code in ARM_CODES.items()},
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
