"""The result of extract_metadata (public as newsfind.extract.Metadata)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Metadata:
    date: str | None  # "YYYY-MM-DD" or None
    places: tuple[str, ...]  # canonical English names, most salient first
    leaders: tuple[str, ...]  # canonical person names, most salient first


Metadata.__module__ = "newsfind.extract"  # where it is documented, pickled and shown
