"""German<->English equivalents from data/translations.tsv, keyed by analysed terms.
'Gipfeltreffens' (de) finds the row of 'Gipfeltreffen' and yields its English 'summit'."""

from __future__ import annotations

from functools import lru_cache

from . import fold, phrase_tokens
from ._fold import fold_chars
from ._lexicon import data_lines

_COLUMN = {"de": 1, "en": 2}


def _key(surface: str, lang: str) -> tuple[str, ...]:
    return tuple(token[0] for token in phrase_tokens(surface, lang))


def _prefix(surface: str) -> str:
    """A cheap bucket for a spelling: the first letters of its first folded word, which
    inflection and stemming leave alone (Präsidenten, Präsident -> 'pra')."""
    words = fold(surface).split(None, 1)
    return words[0][:3] if words else ""


def _initial(surface: str) -> str:
    """The first letter of ``_prefix(surface)``, from the cheaper fold_chars: fold's ae/oe/ue
    rule keeps the first letter of every word, so equal prefixes have equal initials."""
    words = fold_chars(surface).split(None, 1)
    return words[0][:1] if words else ""


@lru_cache(maxsize=2)
def _rows(lang: str) -> dict[str, list[tuple[str, list[str]]]]:
    """`lang` spellings with the other language's spellings, bucketed by initial, in file order.

    Only the spellings in a query word's bucket are analysed, and only when first needed: a
    search pays for a handful of analyses instead of the whole table's."""
    other = "en" if lang == "de" else "de"
    rows: dict[str, list[tuple[str, list[str]]]] = {}
    for line in data_lines("translations.tsv"):
        columns = line.split("\t")
        targets = columns[_COLUMN[other]].split("|")
        for spelling in columns[_COLUMN[lang]].split("|"):
            rows.setdefault(_initial(spelling), []).append((spelling, targets))
    return rows


@lru_cache(maxsize=4096)
def _cached_prefix(spelling: str) -> str:
    return _prefix(spelling)


@lru_cache(maxsize=4096)
def _cached_key(spelling: str, lang: str) -> tuple[str, ...]:
    return _key(spelling, lang)


def lookup(text: str, key: tuple[str, ...], lang: str) -> list[str]:
    """Other-language spellings for a query word or phrase (``key``: its analysed terms)."""
    if not key:
        return []
    found: list[str] = []
    prefix = _prefix(text)
    for spelling, targets in _rows(lang).get(prefix[:1], []):
        if _cached_prefix(spelling) == prefix and _cached_key(spelling, lang) == key:
            found += [t for t in targets if t not in found]
    return found
