"""German<->English equivalents from data/translations.tsv, keyed by analysed terms.
'Gipfeltreffens' (de) finds the row of 'Gipfeltreffen' and yields its English 'summit'."""

from __future__ import annotations

from functools import lru_cache

from . import fold, phrase_tokens
from ._lexicon import data_lines

_COLUMN = {"de": 1, "en": 2}


def _key(surface: str, lang: str) -> tuple[str, ...]:
    return tuple(token[0] for token in phrase_tokens(surface, lang))


def _prefix(surface: str) -> str:
    """A cheap bucket for a spelling: the first letters of its first folded word, which
    inflection and stemming leave alone (Präsidenten, Präsident -> 'pra')."""
    words = fold(surface).split(None, 1)
    return words[0][:3] if words else ""


@lru_cache(maxsize=2)
def _rows(lang: str) -> dict[str, list[tuple[str, list[str]]]]:
    """`lang` spellings with the other language's spellings, bucketed by prefix, in file order.

    Only the spellings in a query word's bucket are analysed, and only when first needed: a
    search pays for a handful of analyses instead of the whole table's."""
    other = "en" if lang == "de" else "de"
    rows: dict[str, list[tuple[str, list[str]]]] = {}
    for line in data_lines("translations.tsv"):
        columns = line.split("\t")
        targets = columns[_COLUMN[other]].split("|")
        for spelling in columns[_COLUMN[lang]].split("|"):
            rows.setdefault(_prefix(spelling), []).append((spelling, targets))
    return rows


@lru_cache(maxsize=4096)
def _cached_key(spelling: str, lang: str) -> tuple[str, ...]:
    return _key(spelling, lang)


def lookup(text: str, key: tuple[str, ...], lang: str) -> list[str]:
    """Other-language spellings for a query word or phrase (``key``: its analysed terms)."""
    if not key:
        return []
    found: list[str] = []
    for spelling, targets in _rows(lang).get(_prefix(text), []):
        if _cached_key(spelling, lang) == key:
            found += [t for t in targets if t not in found]
    return found
