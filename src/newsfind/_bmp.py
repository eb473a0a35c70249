"""Character classes spelled out as ranges: faster stand-ins for \\w, \\d and [^\\W\\d_] when
indexing many articles.

``re`` looks these classes up in the Unicode database character by character; a class of
ranges is tested in a bitmap. For the patterns that split whole articles into words this
halves the time (bench articles: analysis 107 -> 54 µs an article, places 79 -> 56, leaders
62 -> 48). The ranges are read off ``re``'s own matches over every character of the Basic
Multilingual Plane, so they are exact for the running Python; a text with a character
beyond that plane keeps the original pattern. Building the classes and compiling the
patterns takes about 80 ms (sre's charset optimiser is pure Python), which only bulk
indexing spends, before its workers fork; searches and small index runs never do.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache


class Classes:
    """What goes inside [...] for a word character, a decimal digit and a letter. (A plain
    class: a NamedTuple costs every search's start a third of a millisecond to create.)"""

    __slots__ = ("digit", "letter", "word")
    FIELDS = ("word", "digit", "letter")

    def __init__(self, word: str, digit: str, letter: str) -> None:
        self.word, self.digit, self.letter = word, digit, letter


PLAIN = Classes(word=r"\w", digit=r"\d", letter=r"^\W\d_")  # [^\W\d_]: word characters but digits and _


def in_bmp(text: str) -> bool:
    """Whether every character of text lies in the Basic Multilingual Plane (~1 µs an article)."""
    return len(text.encode("utf-16-le", "surrogatepass")) == 2 * len(text)


@lru_cache(maxsize=1)
def spelled_out() -> Classes:
    """PLAIN's classes as the ranges of Basic Multilingual Plane characters they match."""
    every = "".join(map(chr, range(0x10000)))
    return Classes(*(_ranges(f"[{getattr(PLAIN, name)}]", every) for name in Classes.FIELDS))


def _ranges(cls: str, every: str) -> str:
    def char(code: int) -> str:
        return f"\\u{code:04x}"

    runs = ((m.start(), m.end() - 1) for m in re.finditer(f"{cls}+", every))
    return "".join(char(a) if a == b else f"{char(a)}-{char(b)}" for a, b in runs)


class BulkPattern:
    """A pattern built from Classes, with the spelled-out twin that bulk indexing prepares."""

    def __init__(self, build: Callable[[Classes], str]) -> None:
        self._build = build
        self.plain = re.compile(build(PLAIN))
        self._fast: re.Pattern[str] | None = None

    def prepare(self) -> None:
        if self._fast is None:
            self._fast = re.compile(self._build(spelled_out()))

    def for_text(self, text: str) -> re.Pattern[str]:
        """The pattern to run over text: the faster twin once prepared, where it is exact."""
        fast = self._fast
        return fast if fast is not None and in_bmp(text) else self.plain
