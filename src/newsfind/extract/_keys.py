"""Spelling-insensitive keys of names (case, accents, umlaut spellings and punctuation fold
away): all that searches need from the extract package, without its tables and patterns."""

from __future__ import annotations

import re
import unicodedata

_UMLAUT_E = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "’": "'"})
_WORDS = re.compile(r"[a-z0-9]+")


def strip_accents(text: str) -> str:
    """Drop combining marks: 'Südkorea' -> 'Sudkorea', 'Côte' -> 'Cote'."""
    if text.isascii():  # NFKD leaves ASCII alone, and it has no marks: most words, at once
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).replace("ß", "ss")


def fold(text: str) -> str:
    """Lower-case words joined by single spaces, umlauts written out ('Südkorea' -> 'suedkorea')."""
    lowered = strip_accents(text.lower().translate(_UMLAUT_E))
    return " ".join(_WORDS.findall(lowered))


def leader_key(name: str) -> str:
    """Spelling-insensitive key: 'Lee Jae Myung', 'Lee Jae-myung' and 'lee jaemyung' are equal."""
    return fold(name).replace(" ", "")


def word_keys(name: str) -> set[str]:
    """Keys of a name's words, also of hyphen parts joined and split ('Jae-myung' -> jaemyung, jae, myung)."""
    keys = set()
    for word in name.split():
        keys.add(leader_key(word))
        keys.update(leader_key(part) for part in word.split("-"))
    return keys
