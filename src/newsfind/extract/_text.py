"""Text helpers shared by the extractors and scripts/build_gazetteer.py: spelling-insensitive keys
(case, accents, umlaut spellings and punctuation fold away; defined in _keys) and the article's
lead paragraphs."""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import accumulate

from newsfind.extract._keys import fold, strip_accents

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n|\n(?= {2,}\S)")
_LINE_BREAK = re.compile(r"\n")
_FREQUENT_LOWER = "enisratd"


def fold_variants(text: str) -> set[str]:
    """Both keys a name can be typed as: with umlauts written out and with them dropped."""
    return {key for key in (fold(text), fold(strip_accents(text))) if key}


def is_caps(text: str) -> bool:
    """Whether more than 80% of the letters are capitals (a wire headline or a text in capitals)."""
    # Capitals are at most the letters that are not ASCII lower case: when those are over a
    # quarter of the text, fast counts settle it without a Python pass over every character.
    # The eight most frequent letters alone (over half of German and English text) mostly
    # do, most often the first four or five of them.
    quarter = len(text) / 4
    lower = 0
    for letter in _FREQUENT_LOWER:
        lower += text.count(letter)
        if lower > quarter:
            return False
    lower_ascii = sum(map(text.count, string.ascii_lowercase))
    if 4 * lower_ascii > len(text):
        return False
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) > 0.8 * len(letters)


def lead_end(body: str) -> int:
    """Offset where the third paragraph starts: blank lines or indents mark paragraphs, else lines."""
    pattern = _PARAGRAPH_BREAK if _PARAGRAPH_BREAK.search(body) else _LINE_BREAK
    breaks = 0
    for match in pattern.finditer(body):
        if body[: match.start()].strip():  # breaks before any text do not count
            breaks += 1
            if breaks == 2:
                return match.end()
    return len(body)


class Words:
    """A text's words (the matches of a pattern) with their offsets, from one split of the
    text by the pattern as one group: a match object per word (finditer) took twice as long.
    The offsets are worked out on first use: many texts are done with after a look at the
    words (no role word in 44% of the bench's articles)."""

    __slots__ = ("_ends", "_parts", "_starts", "raw")

    def __init__(self, splitting: re.Pattern[str], text: str) -> None:
        self._parts = splitting.split(text)  # gap, word, gap, word, ..., gap
        self.raw: list[str] = self._parts[1::2]
        self._starts: list[int] | None = None
        self._ends: list[int] = []

    @property
    def starts(self) -> list[int]:
        """Where each word starts; one more than words: the last is len(text)."""
        if self._starts is None:
            self._offsets()
        return self._starts  # type: ignore[return-value]  # set by _offsets

    @property
    def ends(self) -> list[int]:
        if self._starts is None:
            self._offsets()
        return self._ends

    def _offsets(self) -> None:
        bounds = list(accumulate(map(len, self._parts)))
        self._starts, self._ends = bounds[0::2], bounds[1::2]


@dataclass
class WordSieve:
    """The words passing a slow per-word test, each distinct word tested about once.

    Answers are kept in two sets so a whole article is sieved by set operations; both are
    cleared past `limit` words, which bounds memory over any number of articles."""

    test: Callable[[str], bool]
    limit: int = 60_000
    _passed: set[str] = field(default_factory=set)
    _failed: set[str] = field(default_factory=set)

    def passing(self, words: Iterable[str]) -> set[str]:
        distinct = set(words)
        unknown = distinct - self._failed - self._passed
        if unknown:
            if len(self._passed) + len(self._failed) > self.limit:
                self._passed.clear()
                self._failed.clear()
                unknown = distinct  # the words known before are this text's too
            for word in unknown:
                (self._passed if self.test(word) else self._failed).add(word)
        return distinct & self._passed
