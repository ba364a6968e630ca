"""Readability of a text by LIX, the measure Scandinavian schools and publishers use.

LIX = words per sentence + the percentage of words longer than six letters. Below 30 is
"very easy" (children's books); a pupil item must stay there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: A word: letters of any script, with inner hyphens or apostrophes ("e-post", "it's").
_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
#: A sentence ends with one or more of . ! ? : before a space or the end.
_SENTENCE_END = re.compile(r"[.!?:]+(?=\s|$)")
LONG_WORD_LETTERS = 7


@dataclass(frozen=True)
class Readability:
    """The counts behind a LIX score, so a failing item shows why it is hard."""

    words: int
    sentences: int
    long_words: int

    @property
    def lix(self) -> float:
        if self.words == 0:
            return 0.0
        return self.words / self.sentences + 100 * self.long_words / self.words


def words_of(text: str) -> list[str]:
    return _WORD.findall(text)


def readability(text: str) -> Readability:
    """Count words, sentences and long words (more than six letters) in ``text``."""
    words = words_of(text)
    long_words = sum(len(re.sub(r"[-'’]", "", word)) >= LONG_WORD_LETTERS for word in words)
    sentences = max(1, len(_SENTENCE_END.findall(text.strip())))
    return Readability(words=len(words), sentences=sentences, long_words=long_words)


def lix(text: str) -> float:
    """The LIX score of ``text``; 0 for a text without words."""
    return readability(text).lix
