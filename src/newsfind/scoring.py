"""Evaluating compiled Whoosh queries over whole posting lists: BM25F, term at a time.

Whoosh's matchers score one posting per chain of Python calls, and its top-k pruning rarely
skips anything for the many-term OR queries that cross-language expansion makes. Reading
each term's posting list in one piece and scoring it in bulk is several times faster, and
gives the exact number of hits for free; AND parts and filters are evaluated rarest first,
so later parts decode only the blocks that can hold a candidate. Scores are Whoosh's own
(its BM25F weighting, term boosts, sums for AND/OR, phrases as the sum of their terms), so
rankings do not change; numeric ranges and other rare queries run through Whoosh's matchers.
"""
from __future__ import annotations

import io
import pickle
import struct
import sys
import zlib
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator
from collections.abc import Set as AbstractSet
from itertools import accumulate, repeat
from math import log
from typing import Any

from whoosh import query as wq
from whoosh.codec.whoosh3 import (
    LENGTHS_COLUMN,
    WHOOSH3_HEADER_MAGIC,
    W3TermInfo,
    W3TermsReader,
    _lenfield,
)
from whoosh.filedb.filetables import OrderedHashReader, md5_hash
from whoosh.reading import CorruptIndexError, TermNotFound
from whoosh.scoring import WeightingModel
from whoosh.util.numeric import byte_to_length

from ._packed import PackedPositions
from .store import md5_low32

Scores = dict[int, float]  # document number -> score
_DENSE = 16  # candidates beyond 1 in 16 of a term's postings: nearly every block holds one
# ids, weights, values: encoded (bytes) or, from packed blocks, the positions themselves
Postings = tuple[list[int], list[float], list[Any]]


class Evaluator:
    """Scores queries against one open searcher; keeps per-field length tables between
    queries (they are what a warm index reuses)."""

    def __init__(self, searcher: Any) -> None:
        self.searcher = searcher
        self.weighting = searcher.weighting
        self._leaf_searchers = searcher.leaf_searchers()
        self.leaves = [(leaf.reader(), offset) for leaf, offset in self._leaf_searchers]
        self._lengths: dict[tuple[int, str], bytes] = {}
        self._norms: dict[str, list[float]] = {}
        self._terminfos: dict[tuple[int, str, str], Any] = {}  # per evaluation
        self._doc_count = max(1, searcher.doc_count_all())

    # --- public ------------------------------------------------------------------------

    def scores(self, query: Any, within: Iterable[int] | None = None) -> Scores:
        """Every matching live document with its score; only those in ``within`` if given
        (a filter: posting blocks holding none of them are not even decoded)."""
        self._terminfos = {}
        return self._eval(query, _Within.of(within, self.leaves))

    def doc_ids(self, fieldname: str, text: str) -> frozenset[int]:
        """Documents holding one term (filters: lang, place, leader), deletions excluded."""
        self._terminfos = {}
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

    def _eval(self, q: Any, within: _Within | None) -> Scores:
        kind = type(q)
        if kind is wq.Term:
            return self._term(q.fieldname, q.text, q.boost, within)
        if kind is wq.Or:
            return _boosted(_union([self._eval(sub, within) for sub in q.subqueries]), q.boost)
        if kind is wq.And:
            return _boosted(self._and(q.subqueries, within), q.boost)
        if kind is wq.AndNot:
            positive = self._eval(q.a, within)
            if not positive:
                return {}
            negative = self._eval(q.b, _Within.of(positive, self.leaves))
            return _boosted({d: s for d, s in positive.items() if d not in negative}, q.boost)
        if q is wq.NullQuery:
            return {}
        if kind is wq.Every and q.fieldname in (None, "", "*"):
            return _restricted(self._every(q.boost), within)
        if kind is wq.Phrase and q.slop == 1 and len(q.words) > 1 and q.fieldname in self.searcher.schema \
                and self.searcher.schema[q.fieldname].scorable:
            return self._phrase(q.fieldname, list(q.words), q.boost, within)
        return _restricted(self._by_matcher(q), within)

    def _and(self, subqueries: list[Any], within: _Within | None) -> Scores:
        """The rarest part first; each further part only decodes blocks that can hold the
        documents still in the running."""
        total: Scores | None = None
        for sub in sorted(subqueries, key=self._estimate):
            part = self._eval(sub, within)
            total = part if total is None else {d: s + part[d] for d, s in total.items() if d in part}
            if not total:
                return {}
            within = _Within.of(total, self.leaves)
        return total or {}

    def _estimate(self, q: Any) -> int:
        """An upper bound of a query's matches, from the term table alone."""
        kind = type(q)
        if kind is wq.Term:
            return sum(self._doc_frequency(index, q.fieldname, q.text) for index in range(len(self.leaves)))
        if kind is wq.Or:
            return sum(map(self._estimate, q.subqueries))
        if kind in (wq.And, wq.Phrase):
            parts = q.subqueries if kind is wq.And else [wq.Term(q.fieldname, w) for w in q.words]
            return min(map(self._estimate, parts), default=0)
        if kind is wq.AndNot:
            return self._estimate(q.a)
        if q is wq.NullQuery:
            return 0
        return self.searcher.doc_count_all()

    def _phrase(self, fieldname: str, words: list[str], boost: float, within: _Within | None) -> Scores:
        """Documents with the words at consecutive positions, scored as Whoosh scores a
        phrase: the sum of its terms' BM25F scores, times the phrase's boost."""
        searcher = self.searcher
        decode = searcher.schema[fieldname].format.decode_positions
        idfs = [self._idf(fieldname, word) for word in words]
        norms = self._norm_table(fieldname)
        k1p = self.weighting.K1 + 1
        scores: Scores = {}
        order = sorted(range(len(words)), key=lambda i: self._estimate(wq.Term(fieldname, words[i])))
        for index, (reader, offset) in enumerate(self.leaves):
            lengths = self._field_lengths(index, reader, fieldname)
            rarest = min(self._doc_frequency(index, fieldname, word) for word in words)
            wanted = self._wanted(index, within, fieldname, lengths, rarest)
            if wanted is not None and not wanted:
                continue
            lists: list[Postings] = [([], [], [])] * len(words)
            for i in order:  # rarest first: the others decode only blocks it can be in
                found = self._postings(index, reader, fieldname, words[i], values=True, wanted=wanted)
                if not found or not found[0]:
                    break
                lists[i] = found
                wanted = found[0]
            else:
                where = [dict(zip(found[0], range(len(found[0])))) for found in lists]
                for docnum in lists[order[0]][0]:
                    at = [places.get(docnum) for places in where]
                    if None in at:
                        continue
                    positions = [decode(value) if type(value := found[2][i]) is bytes else value
                                 for found, i in zip(lists, at)]
                    later = [set(p) for p in positions[1:]]
                    if not any(all(start + step in found_at for step, found_at in enumerate(later, 1))
                               for start in positions[0]):
                        continue
                    norm = norms[lengths[docnum]]
                    total = 0.0
                    for idf, found, i in zip(idfs, lists, at):
                        weight = found[1][i]
                        total += idf * ((weight * k1p) / (weight + norm))
                    scores[offset + docnum] = total * boost
        return _restricted(scores, within)

    def _term(self, fieldname: str, text: str, boost: float, within: _Within | None) -> Scores:
        searcher = self.searcher
        if fieldname not in searcher.schema:
            return {}
        field = searcher.schema[fieldname]
        if not field.scorable:
            return _restricted(self._by_matcher(wq.Term(fieldname, text, boost=boost)), within)
        idf = self._idf(fieldname, text)
        norms = self._norm_table(fieldname)
        k1p = self.weighting.K1 + 1
        scores: Scores = {}
        for index, (reader, offset) in enumerate(self.leaves):
            lengths = self._field_lengths(index, reader, fieldname)
            frequency = self._doc_frequency(index, fieldname, text)
            if not frequency:
                continue
            wanted = self._wanted(index, within, fieldname, lengths, frequency)
            if wanted is not None and not wanted:
                continue
            found = self._postings(index, reader, fieldname, text, wanted=wanted)
            if not found:
                continue
            ids, weights, _values = found
            # Whoosh's bm25() with its operations in its order: the same floats
            if within is None:
                scores.update(zip(
                    [offset + d for d in ids] if offset else ids,
                    [idf * ((w * k1p) / (w + norms[lengths[d]])) * boost for d, w in zip(ids, weights)]))
            elif type(within.docs) is DayRange:  # a date filter: each candidate's day tested
                days, first, last = within.docs.column, within.docs.first, within.docs.last
                scores.update({offset + d: idf * ((w * k1p) / (w + norms[lengths[d]])) * boost
                               for d, w in zip(ids, weights) if first <= days[offset + d] <= last})
            else:  # a filter: only its documents are scored
                docs = within.docs
                scores.update({offset + d: idf * ((w * k1p) / (w + norms[lengths[d]])) * boost
                               for d, w in zip(ids, weights) if offset + d in docs})
        return scores

    def _wanted(self, index: int, within: _Within | None, fieldname: str, lengths: bytes,
                frequency: int) -> list[int] | None:
        """The documents of ``within`` in one segment that can hold a term of a field (those
        with a length in it: each language has its own fields, so a filter on English hits
        rules out every block of a German term), for skipping blocks; None when there is
        nothing to skip: no filter, or candidates so many that every block holds some."""
        if within is None:
            return None
        low, high = within.bounds(index)
        if len(within.docs) * (high - low) * _DENSE > 2 * frequency * self._doc_count:
            return None  # clearly dense (by the filter's size), judged without making its list
        wanted = within.in_field(index, fieldname, lengths)
        return wanted if len(wanted) * _DENSE < frequency or not wanted else None

    def _every(self, boost: float) -> Scores:
        scores: Scores = {}
        for reader, offset in self.leaves:
            scores.update(dict.fromkeys((offset + d for d in reader.all_doc_ids()), 1.0 * boost))
        return scores

    def _by_matcher(self, q: Any) -> Scores:
        """Other queries (numeric ranges, non-scorable terms): Whoosh's own matchers."""
        context = self.searcher.context()
        scores: Scores = {}
        for leaf, offset in self._leaf_searchers:
            matcher = q.matcher(leaf, context)
            while matcher.is_active():
                scores[offset + matcher.id()] = matcher.score()
                matcher.next()
        return scores

    # --- postings and lengths -----------------------------------------------------------

    def _terminfo(self, index: int, fieldname: str, text: str) -> Any:
        """A term's entry in one segment's term table (None if absent), looked up once per
        evaluation: estimates and postings both need it."""
        key = (index, fieldname, text)
        if key not in self._terminfos:
            reader = self.leaves[index][0]
            terms = reader._terms
            try:
                tbytes = reader._text_to_bytes(fieldname, text)
                if type(terms) is W3TermsReader and type(terms._tindex) is OrderedHashReader:
                    value = _table_value(terms._tindex, terms._keycoder(fieldname, tbytes))
                    info = None if value is None else W3TermInfo.from_bytes(value)
                else:
                    info = terms.term_info(fieldname, tbytes)
            except (ValueError, TermNotFound):
                info = None
            self._terminfos[key] = info
        return self._terminfos[key]

    def _idf(self, fieldname: str, text: str) -> float:
        """``searcher.idf``, kept in the searcher's own cache, with the document frequency
        summed from the term infos this evaluation looks up anyway: Whoosh's doc_frequency
        would look the term up in every segment a second time, the slow way (60-110 µs a
        term at 100k articles; a word query has four fields or more)."""
        searcher = self.searcher
        cache = searcher._idf_cache
        key = (fieldname, text)
        idf = cache.get(key)
        if idf is None:
            if type(self.weighting).idf is not WeightingModel.idf:  # a weighting of its own
                return searcher.idf(fieldname, text)  # type: ignore[no-any-return]
            frequency = sum(self._doc_frequency(index, fieldname, text) for index in range(len(self.leaves)))
            # WeightingModel.idf, with the same operations
            idf = cache[key] = log(searcher.get_parent().doc_count_all() / (frequency + 1)) + 1
        return idf  # type: ignore[no-any-return]

    def _doc_frequency(self, index: int, fieldname: str, text: str) -> int:
        info = self._terminfo(index, fieldname, text)
        return info.doc_frequency() if info is not None else 0

    def _postings(self, index: int, reader: Any, fieldname: str, text: str, values: bool = False,
                  wanted: list[int] | None = None) -> Postings | None:
        """(local document numbers, weights, encoded values if asked for) of a term in one
        segment, deletions excluded; None when the segment lacks the term. With ``wanted``
        (sorted local document numbers), blocks that hold none of them are skipped, so
        some postings outside ``wanted`` may come back, but all inside it do."""
        terminfo = self._terminfo(index, fieldname, text)
        if terminfo is None:
            return None
        if terminfo.is_inlined():  # a rare term: its postings live in the term table
            ids, weights, found_values = (list(part) for part in terminfo.inlined_postings())
        else:
            offset, length = terminfo.extent()
            if isinstance(length, tuple):  # whoosh3 3.54 reads it back as a 1-tuple
                length = length[0]
            ids, weights, found_values = _read_postings(reader._terms._postfile, offset, length, values, wanted)
        deleted = reader.deleted_docs_set if reader.has_deletions() else None
        if deleted:
            kept = [i for i, d in enumerate(ids) if d not in deleted]
            ids, weights = [ids[i] for i in kept], [weights[i] for i in kept]
            found_values = [found_values[i] for i in kept] if values else []
        return ids, weights, found_values

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


def _read_postings(postfile: Any, offset: int, length: int, values: bool = False,
                   wanted: list[int] | None = None) -> Postings:
    """A W3 posting list read in one piece and decoded a block at a time: a length
    (negative for the last block), a pickled info tuple (count, last id, ...), then the
    pickled (and maybe compressed) data tuple of delta-coded ids, weights and values.
    Blocks whose id range holds none of ``wanted`` are passed over undecoded."""
    raw = postfile.get(offset, length)
    if raw[:4] != WHOOSH3_HEADER_MAGIC:
        raise CorruptIndexError(f"bad postings block tag at offset {offset}")
    view = io.BytesIO(raw)
    ids: list[int] = []
    weights: list[float] = []
    found_values: list[Any] = []
    position = 4
    previous_max = -1
    while True:
        size = int.from_bytes(raw[position:position + 4], "big", signed=True)
        end = position + 4 + abs(size)
        view.seek(position + 4)
        count, max_id, _maxweight, compression, _minlength, _maxlength = pickle.load(view)
        if wanted is not None:
            first = bisect_right(wanted, previous_max)
            needed = first < len(wanted) and wanted[first] <= max_id
        else:
            needed = True
        if needed:
            data = raw[view.tell():end]
            raw_ids, raw_weights, raw_values = pickle.loads(zlib.decompress(data) if compression else data)
            ids.extend(accumulate(raw_ids))
            if raw_weights is None:
                weights.extend(repeat(1.0, count))
            elif isinstance(raw_weights, float):
                weights.extend(repeat(raw_weights, count))
            else:
                weights.extend(raw_weights)
            if values:  # packed positions as arrays, not bytes to decode
                found_values.extend(raw_values.lists() if type(raw_values) is PackedPositions else raw_values)
        if size < 0:
            return ids, weights, found_values
        position = end
        previous_max = max_id


class DayRange(AbstractSet[int]):
    """The documents dated within [first, last] (day numbers; undated ones, day 0, never):
    a set that is made only when something asks for its members. Scoring tests each
    candidate's day in ``column`` instead (the set of a few months of 100,000 articles
    takes ~0.6 ms to make, a fifth of scoring a word query within it)."""

    def __init__(self, column: list[int], first: int, last: int, members: Callable[[], list[int]], count: int) -> None:
        self.column = column  # day number by document number
        self.first, self.last = max(first, 1), last
        self._members = members  # the documents in the range, when asked for
        self._count = count
        self._docs: frozenset[int] | None = None

    @property
    def docs(self) -> frozenset[int]:
        if self._docs is None:
            self._docs = frozenset(self._members())
        return self._docs

    def __contains__(self, docnum: object) -> bool:
        return isinstance(docnum, int) and 0 <= docnum < len(self.column) \
            and self.first <= self.column[docnum] <= self.last

    def __iter__(self) -> Iterator[int]:
        return iter(self.docs)

    def __len__(self) -> int:
        return self._count


class _Within:
    """The documents an evaluation is restricted to: global numbers, and per segment the
    sorted local ones (made when first asked for)."""

    def __init__(self, docs: set[int] | dict[int, float], leaves: list[tuple[Any, int]]) -> None:
        self.docs = docs
        self._bounds = [(offset, offset + reader.doc_count_all()) for reader, offset in leaves]
        self._local: dict[int, list[int]] = {}
        self._in_field: dict[tuple[int, str], list[int]] = {}
        self._sorted: list[int] | None = None

    @classmethod
    def of(cls, docs: Iterable[int] | None, leaves: list[tuple[Any, int]]) -> _Within | None:
        if docs is None:
            return None
        return cls(docs if isinstance(docs, (set, frozenset, dict, DayRange)) else set(docs), leaves)

    def bounds(self, index: int) -> tuple[int, int]:
        """The global document numbers of one segment: [low, high)."""
        return self._bounds[index]

    def in_field(self, index: int, fieldname: str, lengths: bytes) -> list[int]:
        """``local(index)`` less the documents with nothing in the field (made once)."""
        key = (index, fieldname)
        found = self._in_field.get(key)
        if found is None:
            found = self._in_field[key] = [d for d in self.local(index) if lengths[d]]
        return found

    def local(self, index: int) -> list[int]:
        found = self._local.get(index)
        if found is None:
            if self._sorted is None:
                self._sorted = sorted(self.docs)
            low, high = self._bounds[index]
            part = self._sorted[bisect_left(self._sorted, low):bisect_left(self._sorted, high)]
            found = self._local[index] = [d - low for d in part] if low else part
        return found


def _restricted(scores: Scores, within: _Within | None) -> Scores:
    if within is None:
        return scores
    docs = within.docs
    return {d: s for d, s in scores.items() if d in docs}


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


def _boosted(scores: Scores, boost: float) -> Scores:
    return scores if boost == 1.0 else {d: s * boost for d, s in scores.items()}


_SLOT = struct.Struct("!Iq")  # a hash table slot: key hash, position of the key's record
_RECORD_LENGTHS = struct.Struct("!ii")  # a record's key and value lengths


def _table_value(table: Any, key: bytes) -> bytes | None:
    """The value of a key in a Whoosh hash file (``HashReader.get``), None if absent: the
    same probing of the same slots, without its two generators, reading the file's memory
    map in place where it has one, and for a term that a segment lacks (most of a query's
    lookups: each word is looked up in every segment's four text fields) without the
    KeyError that term_info raises and catches."""
    keyhash = md5_low32(key) if table.hashfn is md5_hash else table.hashfn(key)
    start, slots = table.tables[keyhash & 255]
    if not slots:
        return None
    dbfile = table.dbfile
    buf = getattr(dbfile, "_buf", None)  # a BufferFile's (store._MappedSubfile): a memoryview
    if buf is None:
        return table.get(key)  # type: ignore[no-any-return]
    size = _SLOT.size
    end = start + slots * size
    slot = start + (keyhash >> 8) % slots * size
    for _ in range(slots):
        slot_hash, position = _SLOT.unpack_from(buf, slot)
        if not position:
            return None
        if slot_hash == keyhash:
            key_length, value_length = _RECORD_LENGTHS.unpack_from(buf, position)
            key_start = position + _RECORD_LENGTHS.size
            if key_length == len(key) and buf[key_start:key_start + key_length] == key:
                return bytes(buf[key_start + key_length:key_start + key_length + value_length])
        slot += size
        if slot == end:
            slot = start
    return None
