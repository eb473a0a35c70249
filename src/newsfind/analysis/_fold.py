"""Character normalisation: NFKC, case folding and Latin diacritic folding (ä->a, ß->ss).
Pure and lexicon-free; the German ae/oe/ue transliteration rule lives in _lexicon."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

# Letters that do not decompose to an ASCII base under NFD but have a conventional one.
_SPECIAL = {"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "đ": "d", "ð": "d", "ł": "l", "þ": "th", "ı": "i"}


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    if char in _SPECIAL:
        return _SPECIAL[char]
    base = unicodedata.normalize("NFD", char)
    # Only strip marks from Latin letters: other scripts (Hangul, Devanagari) need theirs.
    if base[0].isascii():
        return "".join(c for c in base if not unicodedata.combining(c))
    return char


def fold_chars(text: str) -> str:
    """NFKC + casefold + Latin diacritics removed: 'Südkorea' -> 'sudkorea', 'Straße' -> 'strasse'."""
    text = unicodedata.normalize("NFKC", text).casefold()
    if text.isascii():
        return text
    out: list[str] = []
    for char in text:
        if char.isascii():
            out.append(char)
        elif unicodedata.combining(char) and out and out[-1][-1:].isascii():
            continue  # a stray mark on a Latin base that NFKC could not compose
        else:
            out.append(_fold_char(char))
    return "".join(out)
