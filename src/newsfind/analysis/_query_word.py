"""The result type of query_words (public as newsfind.analysis.QueryWord)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class QueryWord:
    """One surface word of a query: it matches a text word with the same whole term, or one
    holding all its atoms (compound parts, hyphen parts)."""

    surface: str
    whole: str
    atoms: tuple[str, ...]


QueryWord.__module__ = "newsfind.analysis"  # where it is documented, pickled and shown
