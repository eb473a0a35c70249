"""Language data loaded lazily from analysis/data/: German word frequencies and stopwords.
Also the German ae/oe/ue transliteration rule, which needs the frequencies to stay safe."""

from __future__ import annotations

import os
import re
from bisect import bisect_left
from functools import lru_cache
from typing import Any

from ._fold import fold_chars

DATA_DIR = os.path.join(os.path.dirname(__file__), "data")
# 'ue' after q is never an umlaut (Quelle, queue); everything else is decided by frequency.
_TRANSLITERATION = re.compile(r"(?<!q)(ae|oe|ue)")
_MIN_TRANSLITERATED_ZIPF = 3.0
_TRANSLITERATION_MARGIN = 1.0  # the umlaut spelling must be >= 10x more frequent


def data_bytes(name: str) -> bytes:
    """Bytes of a file in analysis/data/, gunzipped when its name ends in .gz."""
    with open(os.path.join(DATA_DIR, name), "rb") as handle:
        raw = handle.read()
    if name.endswith(".gz"):
        import gzip

        raw = gzip.decompress(raw)
    return raw


def _mapped(name: str) -> Any:
    """A data file's bytes as a read-only memory map (bytes if it cannot be mapped): a
    search reads a few pages of a lexicon, not the whole megabyte."""
    import mmap

    with open(os.path.join(DATA_DIR, name), "rb") as handle:
        try:
            return mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        except (OSError, ValueError):  # an empty file, or no mmap here
            return handle.read()


def _index(data: Any, sub: bytes, start: int) -> int:
    """``bytes.index`` for bytes and memory maps alike (mmap has only ``find``)."""
    at = data.find(sub, start)
    if at < 0:
        raise ValueError("subsection not found")
    return at


def data_text(name: str) -> str:
    """Text of a file in analysis/data/, gunzipped when its name ends in .gz."""
    return data_bytes(name).decode("utf-8")


def data_lines(name: str) -> list[str]:
    """Non-empty, non-comment lines of a data file."""
    return [line for line in data_text(name).splitlines() if line.strip() and not line.startswith("#")]


def _parse(chunk: bytes) -> dict[str, int]:
    # one split of the whole chunk: ~3x faster than per-line parsing
    fields = chunk.decode("utf-8").split()
    return dict(zip(fields[0::2], map(int, fields[1::2])))


class Lexicon:
    """Folded word -> Zipf x 10 of one language, with the lookup of a dict: ``.get(word, 0)``.

    The data file is sorted by word. A search looks up a few hundred words (its query words,
    their compound parts, the words of its snippets): parsing all 83,000 German words for
    them would cost more than the search itself, so words are read in small buckets, all
    words sharing the first ``PREFIX`` letters, found by binary search over the file's bytes.
    ``load_all`` parses everything at once (indexing: many lookups, in forked workers that
    share what the parent loaded); ``get`` is then the dict's own.
    """

    PREFIX = 4  # letters per bucket: ~30 words each on average, a few hundred at most
    # A search reads up to ~50 buckets. A process that has read this many is analysing whole
    # articles (an indexing worker without the lexicon parsed before its fork reads nearly
    # all of the ~2,800 German buckets within 50 articles): the rest are parsed at once,
    # ~25 ms, instead of ~70 µs a bucket.
    LOAD_ALL_AFTER = 400

    def __init__(self, data: Any) -> None:  # bytes, or a memory map of them
        self._data = data
        self._start = _index(data, b"\n", 0) + 1 if data[:1] == b"#" else 0  # after the header
        self._buckets: dict[str, dict[str, int]] = {}
        self._full: dict[str, int] | None = None
        self._sorted: list[str] | None = None

    def get(self, word: str, default: int | None = None) -> int | None:
        if len(word) < 2:
            return default  # the lexicon holds no one-letter words
        if len(word) < self.PREFIX:
            return self._bucket(word, exact=True).get(word, default)
        bucket = self._buckets.get(word[: self.PREFIX])
        if bucket is None:
            bucket = self._bucket(word[: self.PREFIX])
        return bucket.get(word, default)

    def load_all(self) -> dict[str, int]:
        """Every word, in the file's (alphabetical) order; later lookups go to this dict."""
        if self._full is None:
            self._full = _parse(self._data[self._start:])
            self._buckets.clear()
            self.get = self._full.get  # type: ignore[method-assign]
        return self._full

    def may_begin(self, prefix: str) -> bool:
        """Whether some word starts with ``prefix``; True (cannot tell) until ``load_all``."""
        if self._full is None:
            return True
        words = self._sorted
        if words is None:
            words = self._sorted = sorted(self._full)
        at = bisect_left(words, prefix)
        return at < len(words) and words[at].startswith(prefix)

    def _bucket(self, prefix: str, exact: bool = False) -> dict[str, int]:
        """The words starting with ``prefix`` (with ``exact``: only the word ``prefix``)."""
        cache_key = prefix + "\t" if exact else prefix
        found = self._buckets.get(cache_key)
        if found is not None:
            return found
        key = prefix.encode("utf-8")
        start = self._first_line(key, self._start, len(self._data))
        if exact:
            end = self._data.find(b"\n", start) + 1 or len(self._data)
            entry = key + b"\t"
            found = _parse(self._data[start:end]) if self._data[start:start + len(entry)] == entry else {}
        else:
            end = self._first_line(key[:-1] + bytes([key[-1] + 1]), start, len(self._data))
            found = _parse(self._data[start:end])
        self._buckets[cache_key] = found
        if len(self._buckets) >= self.LOAD_ALL_AFTER:
            return self.load_all()  # has every word, so it answers for this bucket too
        return found

    def _first_line(self, key: bytes, lo: int, hi: int) -> int:
        """Offset of the first line in data[lo:hi] (lo a line start) whose word is >= key."""
        data = self._data
        while lo < hi:
            mid = (lo + hi) // 2
            line = data.rfind(b"\n", lo, mid) + 1 or lo  # start of the line holding mid
            if data[line:_index(data, b"\t", line)] < key:
                lo = _index(data, b"\n", line) + 1
            else:
                hi = line
        return lo


@lru_cache(maxsize=2)
def frequencies(lang: str) -> Lexicon:
    """Folded word -> Zipf x 10 (wordfreq, CC BY-SA 4.0; data/README.md), looked up with ``.get``."""
    return Lexicon(_mapped(f"lexicon_{lang}.tsv"))


def load_all_frequencies() -> None:
    """Parse the whole lexicons now (the indexer, before it forks its workers)."""
    for lang in ("de", "en"):
        frequencies(lang).load_all()


def german_frequencies() -> dict[str, int]:
    """Every German word with its Zipf x 10, most frequent first (ties alphabetical)."""
    return dict(sorted(frequencies("de").load_all().items(), key=lambda kv: (-kv[1], kv[0])))


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
