"""Language data loaded lazily from analysis/data/: German word frequencies and stopwords.
Also the German ae/oe/ue transliteration rule, which needs the frequencies to stay safe."""

from __future__ import annotations

import gzip
import re
from functools import lru_cache
from importlib import resources

from ._fold import fold_chars

# 'ue' after q is never an umlaut (Quelle, queue); everything else is decided by frequency.
_TRANSLITERATION = re.compile(r"(?<!q)(ae|oe|ue)")
_MIN_TRANSLITERATED_ZIPF = 3.0
_TRANSLITERATION_MARGIN = 1.0  # the umlaut spelling must be >= 10x more frequent


def data_text(name: str) -> str:
    """Text of a file in analysis/data/, gunzipped when its name ends in .gz."""
    raw = resources.files("newsfind.analysis").joinpath("data").joinpath(name).read_bytes()
    if name.endswith(".gz"):
        raw = gzip.decompress(raw)
    return raw.decode("utf-8")


def data_lines(name: str) -> list[str]:
    """Non-empty, non-comment lines of a data file."""
    return [line for line in data_text(name).splitlines() if line.strip() and not line.startswith("#")]


@lru_cache(maxsize=2)
def frequencies(lang: str) -> dict[str, int]:
    """Folded word -> Zipf x 10, most frequent first (wordfreq, CC BY-SA 4.0; data/README.md)."""
    text = data_text(f"lexicon_{lang}.tsv.gz")
    if text.startswith("#"):
        text = text[text.index("\n") + 1:]
    # one split of the whole file: ~3x faster than per-line parsing, and every search pays it
    fields = text.split()
    return dict(zip(fields[0::2], map(int, fields[1::2])))


def german_frequencies() -> dict[str, int]:
    return frequencies("de")


def german_zipf(folded: str) -> float:
    """Zipf frequency of a folded German word (0.0 when unknown)."""
    return frequencies("de").get(folded, 0) / 10


@lru_cache(maxsize=20_000)
def transliterate_german(folded: str) -> str:
    """'suedkorea' -> 'sudkorea' when the umlaut spelling is a clearly more frequent German word.

    Frequency-gated so that Israel, Michael, aktuell, Steuer, neue or Poet stay untouched
    while Suedkorea, Mueller, Gebaeude or Haeuser fold like their umlaut spellings.
    """
    if len(folded) < 4 or not _TRANSLITERATION.search(folded):
        return folded
    candidate = _TRANSLITERATION.sub(lambda m: m.group(1)[0], folded)
    zipf = german_zipf(candidate)
    if zipf >= _MIN_TRANSLITERATED_ZIPF and zipf >= german_zipf(folded) + _TRANSLITERATION_MARGIN:
        return candidate
    return folded


@lru_cache(maxsize=2)
def stopwords(lang: str) -> frozenset[str]:
    """Folded surface stopwords of a language (Snowball lists, BSD licence)."""
    return frozenset(fold_chars(w) for w in data_lines(f"stopwords_{lang}.txt"))


@lru_cache(maxsize=1)
def unsplittable_words() -> frozenset[str]:
    """Folded German place names of translations.tsv: Südkorea must not become Süd + Korea."""
    names = set()
    for line in data_lines("translations.tsv"):
        kind, german, _ = line.split("\t")
        if kind == "place":
            names.update(fold_chars(name) for name in german.split("|"))
    return frozenset(names)
