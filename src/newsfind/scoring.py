"""Evaluating compiled Whoosh queries over whole posting lists: BM25F, term at a time.

Whoosh's matchers score one posting per chain of Python calls, and its top-k pruning rarely
skips anything for the many-term OR queries that cross-language expansion makes. Reading
each term's postings block by block into lists and scoring them in bulk is several times
faster, and gives the exact number of hits for free. Scores are Whoosh's own (its BM25F
weighting, term boosts, sums for AND/OR), so rankings do not change; phrases and other
positional queries still run through Whoosh's matchers.
"""
from __future__ import annotations

import sys
from array import array
from collections.abc import Iterable
from itertools import accumulate, repeat
from typing import Any

from whoosh import query as wq
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.matching.wrappers import FilterMatcher
from whoosh.util.numeric import byte_to_length

Scores = dict[int, float]  # document number -> score


class Evaluator:
    """Scores queries against one open searcher; keeps per-field length tables between
    queries (they are what a warm index reuses)."""

    def __init__(self, searcher: Any) -> None:
        self.searcher = searcher
        self.weighting = searcher.weighting
        self.leaves = [(leaf.reader(), offset) for leaf, offset in searcher.leaf_searchers()]
        self._leaf_searchers = searcher.leaf_searchers()
        self._lengths: dict[tuple[int, str], bytes] = {}
        self._norms: dict[str, list[float]] = {}

    # --- public ------------------------------------------------------------------------

    def scores(self, query: Any) -> Scores:
        """Every matching live document with its score."""
        return self._eval(query)

    def doc_ids(self, fieldname: str, text: str) -> frozenset[int]:
        """Documents holding one term (filters: lang, place, leader), deletions excluded."""
        docs: set[int] = set()
        for index, (reader, offset) in enumerate(self.leaves):
            found = self._postings(index, reader, fieldname, text)
            if found:
                docs.update(offset + local for local in found[0])
        return frozenset(docs)

    def numbers(self, fieldname: str) -> list[int]:
        """A numeric column's value for every document number (the day column: date sorts
        and ranges), read a segment at a time instead of one value per call."""
        values: list[int] = []
        field = self.searcher.schema[fieldname]
        for reader, _offset in self.leaves:
            column = reader.column_reader(fieldname, translate=False)
            count = reader.doc_count_all()
            try:
                raw = array(column._typecode, column._dbfile.get(column._basepos, column._count * column._fixedlen))
                if sys.byteorder == "little":
                    raw.byteswap()  # Whoosh packs columns big-endian ("!I")
                part = list(raw) + [column._default] * (count - len(raw))
            except AttributeError:  # not a plain numeric column (no such column in a segment)
                part = list(column)
            if field.from_column_value(12345) != 12345:
                part = [field.from_column_value(v) for v in part]
            values += part
        return values

    # --- evaluation ----------------------------------------------------------------------

    def _eval(self, q: Any) -> Scores:
        kind = type(q)
        if kind is wq.Term:
            return self._term(q.fieldname, q.text, q.boost)
        if kind is wq.Or:
            return _boosted(_union([self._eval(sub) for sub in q.subqueries]), q.boost)
        if kind is wq.And:
            return _boosted(_intersection([self._eval(sub) for sub in q.subqueries]), q.boost)
        if kind is wq.AndNot:
            positive = self._eval(q.a)
            negative = self._eval(q.b)
            return _boosted({d: s for d, s in positive.items() if d not in negative}, q.boost)
        if q is wq.NullQuery:
            return {}
        if kind is wq.Every and q.fieldname in (None, "", "*"):
            return self._every(q.boost)
        return self._by_matcher(q)

    def _term(self, fieldname: str, text: str, boost: float) -> Scores:
        searcher = self.searcher
        if fieldname not in searcher.schema:
            return {}
        field = searcher.schema[fieldname]
        if not field.scorable:
            return self._by_matcher(wq.Term(fieldname, text, boost=boost))
        idf = searcher.idf(fieldname, text)
        norms = self._norm_table(fieldname)
        k1p = self.weighting.K1 + 1
        scores: Scores = {}
        for index, (reader, offset) in enumerate(self.leaves):
            found = self._postings(index, reader, fieldname, text)
            if not found:
                continue
            ids, weights = found
            lengths = self._field_lengths(index, reader, fieldname)
            # Whoosh's bm25() with its operations in its order: the same floats
            scores.update(zip(
                [offset + d for d in ids] if offset else ids,
                [idf * ((w * k1p) / (w + norms[lengths[d]])) * boost for d, w in zip(ids, weights)]))
        return scores

    def _every(self, boost: float) -> Scores:
        scores: Scores = {}
        for reader, offset in self.leaves:
            scores.update(dict.fromkeys((offset + d for d in reader.all_doc_ids()), 1.0 * boost))
        return scores

    def _by_matcher(self, q: Any) -> Scores:
        """Positional and other queries: Whoosh's own matchers, per segment."""
        context = self.searcher.context()
        scores: Scores = {}
        for leaf, offset in self._leaf_searchers:
            matcher = q.matcher(leaf, context)
            while matcher.is_active():
                scores[offset + matcher.id()] = matcher.score()
                matcher.next()
        return scores

    # --- postings and lengths -----------------------------------------------------------

    def _postings(self, index: int, reader: Any, fieldname: str,
                  text: str) -> tuple[list[int], Iterable[float]] | None:
        """(local document numbers, weights) of a term in one segment, deletions excluded."""
        try:
            tbytes = reader._text_to_bytes(fieldname, text)
        except ValueError:
            return None
        if (fieldname, tbytes) not in reader:
            return None
        matcher = reader.postings(fieldname, tbytes)
        deleted: frozenset[int] = frozenset()
        if isinstance(matcher, FilterMatcher):
            deleted, matcher = reader.deleted_docs_set, matcher.child
        if isinstance(matcher, W3LeafMatcher):
            ids, weights = _read_blocks(matcher)
        else:  # inlined postings of a rare term
            ids, weights = [], []
            while matcher.is_active():
                ids.append(matcher.id())
                weights.append(matcher.weight())
                matcher.next()
        if deleted:
            kept = [i for i, d in enumerate(ids) if d not in deleted]
            ids, weights = [ids[i] for i in kept], [list(weights)[i] for i in kept]
        return ids, weights

    def _field_lengths(self, index: int, reader: Any, fieldname: str) -> bytes:
        """Each document's length byte in one segment's field (Whoosh's length column)."""
        key = (index, fieldname)
        lengths = self._lengths.get(key)
        if lengths is None:
            count = reader.doc_count_all()
            column = reader._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
            if column is None:
                lengths = bytes(count)
            else:
                lengths = column._dbfile.get(column._basepos, min(column._count, count))
                lengths += bytes(count - len(lengths))
            self._lengths[key] = lengths
        return lengths

    def _norm_table(self, fieldname: str) -> list[float]:
        """BM25's length normalisation, K1 * ((1 - B) + B * length / average), per length byte."""
        table = self._norms.get(fieldname)
        if table is None:
            weighting = self.weighting
            k1 = weighting.K1
            b = weighting._field_B.get(fieldname, weighting.B)
            average = self.searcher.avg_field_length(fieldname) or 1
            # byte 0 never occurs in a posting (a posted field has a length); 1 stands in
            table = [k1 * ((1 - b) + b * byte_to_length(byte or 1) / average) for byte in range(256)]
            self._norms[fieldname] = table
        return table


def _read_blocks(matcher: Any) -> tuple[list[int], list[float]]:
    """All postings of a W3 leaf matcher, a block at a time (ids delta-coded per block)."""
    ids: list[int] = []
    weights: list[float] = []
    while True:
        matcher._read_data()
        raw_ids, raw_weights = matcher._data[0], matcher._data[1]
        ids.extend(accumulate(raw_ids))
        if raw_weights is None:
            weights.extend(repeat(1.0, len(raw_ids)))
        elif isinstance(raw_weights, float):
            weights.extend(repeat(raw_weights, len(raw_ids)))
        else:
            weights.extend(raw_weights)
        if matcher._lastblock:
            return ids, weights
        matcher._goto(matcher._nextoffset)


def _union(parts: list[Scores]) -> Scores:
    parts = [p for p in parts if p]
    if not parts:
        return {}
    parts.sort(key=len, reverse=True)
    total = dict(parts[0])
    for part in parts[1:]:
        get = total.get
        for docnum, score in part.items():
            total[docnum] = get(docnum, 0.0) + score
    return total


def _intersection(parts: list[Scores]) -> Scores:
    if not parts or not all(parts):
        return {}
    ordered = sorted(parts, key=len)
    total = ordered[0]
    for part in ordered[1:]:
        total = {d: s + part[d] for d, s in total.items() if d in part}
        if not total:
            break
    return total


def _boosted(scores: Scores, boost: float) -> Scores:
    return scores if boost == 1.0 else {d: s * boost for d, s in scores.items()}
