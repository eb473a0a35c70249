"""German<->English equivalents from data/translations.tsv, keyed by analysed terms.
'Gipfeltreffens' (de) finds the row of 'Gipfeltreffen' and yields its English 'summit'."""

from __future__ import annotations

from functools import lru_cache

from ._lexicon import data_lines

_COLUMN = {"de": 1, "en": 2}


def _key(surface: str, lang: str) -> tuple[str, ...]:
    from . import phrase_tokens

    return tuple(token[0] for token in phrase_tokens(surface, lang))


@lru_cache(maxsize=2)
def _table(lang: str) -> dict[tuple[str, ...], list[str]]:
    """Analysed key of each `lang` spelling -> the other language's spellings, in file order."""
    other = "en" if lang == "de" else "de"
    table: dict[tuple[str, ...], list[str]] = {}
    for line in data_lines("translations.tsv"):
        columns = line.split("\t")
        targets = columns[_COLUMN[other]].split("|")
        for spelling in columns[_COLUMN[lang]].split("|"):
            found = table.setdefault(_key(spelling, lang), [])
            found += [t for t in targets if t not in found]
    table.pop((), None)
    return table


def lookup(key: tuple[str, ...], lang: str) -> list[str]:
    """Other-language spellings for the analysed terms of a query word or phrase."""
    return list(_table(lang).get(key, []))
