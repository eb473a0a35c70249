"""Metadata from article text: the date of the event, the places and the political leaders named.
Pure Python over shipped data files; submodules and data load on first use, so importing is cheap."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from newsfind.extract._metadata import Metadata

__all__ = [
    "Metadata",
    "canonical_leader",
    "canonical_place",
    "extract_metadata",
    "extract_metadata_of",
    "leader_key",
    "parse_date",
    "place_country",
    "prepare_bulk_extraction",
    "resolve_leader",
]


def __getattr__(name: str) -> Any:
    # Metadata is defined on first use: searches import this package for leader_key only
    if name == "Metadata":
        from newsfind.extract._metadata import Metadata

        return Metadata
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def extract_metadata(title: str, body: str, lang: str, *, date: bool = True, places: bool = True,
                     leaders: bool = True) -> Metadata:
    """Date, places and leaders of one article (lang "de" or "en"). What is switched off (an
    article that gives it) is not looked for and comes back empty: None, ()."""
    found = extract_metadata_of([(title, body, lang, {"date": date, "places": places, "leaders": leaders})])[0]
    if isinstance(found, Exception):
        raise found
    return found


def extract_metadata_of(items: list[tuple[str, str, str, dict[str, bool]]]) -> list[Metadata | Exception]:
    """``extract_metadata(title, body, lang, **wanted)`` of each item, one extractor at a time
    over all of them (the indexer's few articles at a time: each extractor's tables stay in
    the CPU caches); an item whose extraction raised gets its exception, and no further
    extractor looks at it."""
    from newsfind.extract import dates
    from newsfind.extract import leaders as leader_names
    from newsfind.extract import places as place_names
    from newsfind.extract._metadata import Metadata

    found: list[dict[str, Any] | Exception] = [{"date": None, "places": (), "leaders": ()} for _ in items]
    stages = (("date", lambda title, body, lang: dates.extract_date(title, body)),
              ("places", place_names.extract_places), ("leaders", leader_names.extract_leaders))
    for name, extract in stages:
        for index, (title, body, lang, wanted) in enumerate(items):
            result = found[index]
            if isinstance(result, dict) and wanted.get(name, True):
                try:
                    result[name] = extract(title, body, lang)
                except Exception as error:  # noqa: BLE001 - reported with its article
                    found[index] = error
    return [result if isinstance(result, Exception) else Metadata(**result) for result in found]


def prepare_bulk_extraction() -> None:
    """Ready the extractors for many articles: their word patterns with the classes spelled
    out (see newsfind._bmp; the indexer, before it forks its workers)."""
    from newsfind.extract import leaders, places

    places._TOKEN_PARTS.prepare()
    leaders._ROLE_WORD_PARTS.prepare()


def parse_date(text: str) -> str | None:
    """A single date expression in any supported form -> "YYYY-MM-DD"; None if not a valid date."""
    from newsfind.extract import dates

    return dates.parse_date(text)


def canonical_place(name: str) -> str | None:
    """Any known spelling -> canonical English name ('Suedkorea' -> 'South Korea'); None if unknown."""
    from newsfind.extract import places

    return places.canonical_place(name)


def place_country(name: str) -> str | None:
    """Canonical place -> canonical country name ('Nara' -> 'Japan', 'Japan' -> 'Japan')."""
    from newsfind.extract import places

    return places.place_country(name)


def leader_key(name: str) -> str:
    """Spelling-insensitive key: 'Lee Jae Myung' and 'Lee Jae-myung' give the same key."""
    from newsfind.extract._keys import leader_key as key

    return key(name)


def canonical_leader(variants: Iterable[str]) -> str:
    """The display form among spellings of one person ('Lee Jae-myung' over 'Lee Jae Myung')."""
    from newsfind.extract import leaders

    return leaders.canonical_leader(variants)


def resolve_leader(query: str, known: Iterable[str]) -> list[str]:
    """Canonical leader names a user's --leader value means: exact key, else every name with its words."""
    from newsfind.extract import leaders

    return leaders.resolve_leader(query, known)


def leader_word_keys(name: str) -> set[str]:
    """Keys of a name's words ('Lee Jae-myung' -> lee, jaemyung, jae, myung): the surname
    index behind resolve_leader, for callers that look names up many times."""
    from newsfind.extract._keys import word_keys

    return word_keys(name)
