"""German/English detection by counting each language's distinctive stopwords.
Zero dependencies and no model to load; ties fall back to umlauts, then English."""

from __future__ import annotations

import re
from functools import lru_cache

from ._fold import fold_chars
from ._lexicon import stopwords

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_GERMAN_LETTERS = re.compile(r"[äöüßÄÖÜ]")
_MAX_WORDS = 400  # a title and a first paragraph are plenty


@lru_cache(maxsize=1)
def _distinctive() -> tuple[frozenset[str], frozenset[str]]:
    """Stopwords of one language that are not also words of the other (in, an, so, was, will)."""
    german, english = stopwords("de"), stopwords("en")
    return german - english, english - german


def detect(text: str) -> str:
    """'de' or 'en' for a text, by which language's function words it uses more."""
    german, english = _distinctive()
    score = 0
    for match in _WORD.finditer(text[:4000]):
        word = fold_chars(match.group())
        score += (word in german) - (word in english)
        if abs(score) >= _MAX_WORDS:
            break
    if score:
        return "de" if score > 0 else "en"
    return "de" if _GERMAN_LETTERS.search(text) else "en"
