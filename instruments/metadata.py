"""What a version says about itself: how far each translation can be trusted, and what changed.

Both are optional in the file format, so versions written before they existed keep loading
and keep their content hash.
"""

from __future__ import annotations

from dataclasses import dataclass

TEXT_DIRECTIONS: tuple[str, ...] = ("ltr", "rtl")

#: Languages written right to left; a file must mark them ``direction: rtl``.
RTL_LANGUAGES: frozenset[str] = frozenset(
    {"ar", "ckb", "dv", "fa", "he", "ps", "sd", "ug", "ur", "yi"}
)


def is_rtl_language(code: str) -> bool:
    """Whether a language code (``ar``, ``ar-EG``) names a right-to-left language."""
    return code.split("-")[0] in RTL_LANGUAGES


@dataclass(frozen=True)
class Translation:
    """The status of one language's texts in a version.

    ``reviewed`` stays false until a native speaker has checked every text, so a draft
    or machine translation is never passed off as checked.
    """

    language: str
    reviewed: bool
    note: str | None = None
    direction: str = "ltr"

    @property
    def is_rtl(self) -> bool:
        return self.direction == "rtl"


@dataclass(frozen=True)
class Change:
    """One changelog entry: what a version changed, for people and for the version checks.

    ``reworded`` names kept items whose wording changed while their meaning did not; an
    item whose meaning changes gets a new id instead.
    """

    version: int
    notes: tuple[str, ...]
    reworded: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "notes", tuple(self.notes))
        object.__setattr__(self, "reworded", tuple(self.reworded))


def unreviewed_status(language: str) -> Translation:
    """The status of a language a file says nothing about: not reviewed."""
    direction = "rtl" if is_rtl_language(language) else "ltr"
    return Translation(language, reviewed=False, direction=direction)


def original_status(language: str) -> Translation:
    """The default language of a file that states no status: the text as its authors wrote it."""
    direction = "rtl" if is_rtl_language(language) else "ltr"
    return Translation(language, reviewed=True, note="The original text.", direction=direction)
