"""The indexer's posting pools and segment writer (a module of its own: searches never
import whoosh.writing)."""
from __future__ import annotations

import marshal
import sys
from array import array
from collections.abc import Iterable, Iterator
from functools import lru_cache, partial
from itertools import accumulate, chain, repeat
from operator import sub
from pickle import dumps
from typing import Any

from whoosh.analysis import IDTokenizer
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3TermInfo
from whoosh.fields import NUMERIC
from whoosh.filedb.filetables import _lengths as _KEY_VALUE_LENGTHS
from whoosh.filedb.filetables import _pointer as _POINTER
from whoosh.filedb.filetables import md5_hash
from whoosh.formats import Existence
from whoosh.system import pack_int, pack_long, pack_ushort
from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.writing import PostingPool, SegmentWriter

from ._packed import CountWeights, PackedPositions, PackedValues
from .store import Postings, encode_position, encode_positions, md5_low32

# Deflate by ISA-L (the isal package): zlib streams like zlib's own, which Whoosh's readers
# decompress with zlib, written 2-3.5x faster at the same size. Its level 1 against zlib's 3
# (Whoosh's), 2,000 bench articles' pickled stored fields: 12.8 µs an article against
# 44.8, both 1.88:1; posting blocks of 256 bytes 7.0 µs against 11.3, of 4 KB 19 against
# 64. zlib where isal is not installed.
try:
    from isal.isal_zlib import compress as _deflate

    _DEFLATE_LEVEL = 1
except ImportError:  # pragma: no cover - isal is a dependency; this keeps a broken install working
    from zlib import compress as _deflate

    _DEFLATE_LEVEL = 3


class BlockPostingPool(PostingPool):
    """Whoosh's posting pool, spilling sorted runs in marshalled blocks.

    The stock pool pickles every posting on its own when it spills to disk (and unpickles
    each when merging): over a third of a large build's writer time. Blocks of a few
    thousand postings make a spill about ten times cheaper; the order is the same."""

    BLOCK = 4096

    def add(self, item: Any) -> None:
        # Merging segments reads each posting back through Whoosh's matchers, and a term's
        # inlined posting without a value (an ID or date term) reads back as "" (its
        # ListMatcher's stand-in), which the stock pool rejects as no bytes: the first
        # merge of small segments (a few single-article runs) failed on it.
        if item[4] == "":
            item = (*item[:4], b"")
        super().add(item)

    def _write_run(self, f: Any, items: Iterable[Any]) -> None:
        block: list[Any] = []
        for item in items:
            block.append(item)
            if len(block) >= self.BLOCK:
                f.write(marshal.dumps(block))
                block = []
        if block:
            f.write(marshal.dumps(block))
        f.close()

    def _read_run(self, path: str) -> Iterator[Any]:
        f = self._open_run(path)
        try:
            while True:
                try:
                    block = marshal.load(f)
                except EOFError:
                    return
                yield from block
        finally:
            f.close()
            self._remove_run(path)


_TERM_INFO = W3TermInfo._struct  # flags, weight, doc freq, length bytes, max weight, first/last id


class TermSegmentWriter(SegmentWriter):
    """A writer for a fresh segment that keeps each term's postings together in memory.

    Whoosh's pool collects one tuple per posting, sorts them all and, past its memory limit,
    spills sorted runs to disk and merges them back: at 20,000 articles that sorting and
    merging took as long as analysing the articles. Here a posting is appended to its
    term's arrays, already in document order, and each term is written in blocks of the
    codec's size, with the lengths kept in memory instead of read back from disk per
    posting. The files are the same as Whoosh's. For segments that only receive new
    documents (the indexer's shard workers); memory grows with the segment, so the caller
    bounds its size."""

    def __init__(self, ix: Any, **kwargs: Any) -> None:
        super().__init__(ix, **kwargs)
        for name, field in self.schema.items():
            if field.vector or field.separate_spelling():
                raise ValueError(f"field {name!r} needs Whoosh's own writer (vectors or spelling)")
        stored = self.perdocwriter._colwriters["_stored"]._child  # Whoosh's CompressedBytesColumn.Writer
        stored._compress, stored._level = _deflate, _DEFLATE_LEVEL
        # field -> term -> (document numbers, weights, encoded values) for terms as bytes, or
        # for analysed text (str terms) (document numbers, position counts, all positions)
        self._terms: dict[str, dict[Any, tuple[array, array, Any]]] = {}
        self._lengths: dict[str, dict[int, int]] = {}  # scorable field -> docnum -> length
        self._fields: dict[str, _FieldInfo] = {}

    def add_document(self, **fields: Any) -> None:
        """Whoosh's add_document (same per-document files), postings to the term arrays."""
        self._check_state()
        schema = self.schema
        docnum = self.docnum
        docboost = self._doc_boost(fields)
        fieldnames = sorted(name for name in fields if not name.startswith("_"))
        self._check_fields(schema, fieldnames)
        # no "_boost", "_<name>_boost" or "_stored_<name>" keys (the indexer's documents):
        # every boost is 1.0 and every stored value the value itself
        plain = len(fieldnames) == len(fields)
        perdoc = self.perdocwriter
        perdoc.start_doc(docnum)
        try:
            for fieldname in fieldnames:
                value = fields[fieldname]
                if value is None:
                    continue
                info = self._fields.get(fieldname)
                if info is None:
                    info = self._fields[fieldname] = _FieldInfo(schema[fieldname])
                field = info.field
                length = 0
                if info.indexed:
                    boost = 1.0 if plain else self._field_boost(fields, fieldname, docboost)
                    terms = self._terms.get(fieldname)
                    if terms is None:
                        terms = self._terms[fieldname] = {}
                    analysed = type(value) is Postings  # its terms are kept as str until the flush
                    if info.analysed is None:
                        info.analysed = analysed
                    elif info.analysed != analysed:
                        raise ValueError(f"field {fieldname!r} was given both text and analysed postings")
                    if analysed:
                        if boost != 1.0:  # weights are the counts times the field's own boost
                            raise ValueError(f"field {fieldname!r}: analysed postings take no document or field boost")
                        length = _add_postings(terms, docnum, value)
                    else:
                        length = _add_terms(terms, docnum, info.index(value), boost)
                    if info.scorable:
                        self._lengths.setdefault(fieldname, {})[docnum] = length
                    else:
                        length = 0
                stored = value if plain else fields.get(f"_stored_{fieldname}", value)
                perdoc.add_field(fieldname, field, stored if info.stored else None, length)
                column = info.column
                if column and stored is not None:
                    perdoc.add_column_value(fieldname, column, field.to_column_value(stored))
        except ValueError:
            perdoc.cancel_doc()
            raise
        perdoc.finish_doc()
        self._added = True
        self.docnum += 1

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        writer = self.fieldwriter
        for fieldname in sorted(self._terms):
            terms = self._terms.pop(fieldname)
            lengths = self._lengths.pop(fieldname, None)
            # per document what Whoosh's length column gives back: quantised to one byte,
            # 0 for none (a non-scorable field has no lengths at all: None)
            quantised = None if lengths is None else [
                _quantised(lengths.get(docnum, 0)) or 0 for docnum in range(self.docnum)]
            field = self.schema[fieldname]
            writer.start_field(fieldname, field)
            _write_terms(writer, terms, field.format.fixed_value_size(), quantised, field.format.field_boost)
            writer.finish_field()
        tindex = writer._tindex
        tindex._write_hashes = partial(write_hash_tables, tindex)  # writer.close() calls it
        try:
            writer.close()
        finally:
            # The partial and the table refer to each other, and a shard worker freezes its
            # next writer (gc.freeze) before this one is written: the collector would never
            # free the cycle, which kept every segment's term table (a 100k build's workers
            # grew by ~9 MB a segment, to a tree PSS of 663 MB instead of 545).
            del tindex._write_hashes


class _FieldInfo:
    """What add_document asks of a schema field for every document, asked once; and its
    terms for a value the quick way where that gives what ``field.index`` does: an ID
    field's value is its one term, and a number's terms (eight for a day) are kept per
    value (the indexer's seven small fields took ~50 µs a document through Whoosh's
    analysers, ~37 so)."""

    __slots__ = ("_id_boost", "_numbers", "analysed", "column", "field", "indexed", "scorable", "stored")

    _NUMBERS = 65_536  # values of a number field whose terms are kept

    def __init__(self, field: Any) -> None:
        self.field = field
        self.indexed, self.scorable, self.stored = field.indexed, field.scorable, field.stored
        self.column = field.column_type
        self.analysed: bool | None = None  # whether the field takes Postings, once given
        plain_id = type(field.analyzer) is IDTokenizer and type(field.format) is Existence if field.indexed else False
        self._id_boost = field.format.field_boost if plain_id else None
        self._numbers: dict[int, tuple[Any, ...]] | None = {} if type(field) is NUMERIC else None

    def index(self, value: Any) -> Iterable[tuple[bytes, int, float, bytes]]:
        if self._id_boost is not None and type(value) is str:
            return ((value.encode("utf-8"), 1, self._id_boost, b""),)
        numbers = self._numbers
        if numbers is not None and type(value) is int:
            items = numbers.get(value)
            if items is None:
                if len(numbers) >= self._NUMBERS:
                    numbers.clear()
                items = numbers[value] = tuple(self.field.index(value))
            return items
        return self.field.index(value)


def _add_postings(terms: dict[Any, Any], docnum: int, postings: Postings) -> int:
    """Append a document's analysed terms to their arrays; returns the field length."""
    length = 0
    for term, plist in postings.positions.items():
        entry = terms.get(term)
        if entry is None:
            entry = terms[term] = (array("I"), array("I"), array("I"))
        count = len(plist)
        entry[0].append(docnum)
        entry[1].append(count)
        if count == 1:
            entry[2].append(plist[0])
        else:
            entry[2].extend(plist)
        length += count
    return length


def _add_terms(terms: dict[Any, Any], docnum: int, items: Iterable[tuple[bytes, int, float, bytes]],
               boost: float) -> int:
    """Append a document's (term bytes, frequency, weight, value) items; returns the field length."""
    length = 0
    for tbytes, freq, weight, vbytes in items:
        entry = terms.get(tbytes)
        if entry is None:
            values: list[bytes] = []
            entry = terms[tbytes] = (array("I"), array("f"), values)
        entry[0].append(docnum)
        entry[1].append(weight * boost)
        entry[2].append(vbytes or b"")
        length += freq
    return length


@lru_cache(maxsize=4096)
def _quantised(length: int) -> int | None:
    byte = length_to_byte(length)
    return byte_to_length(byte) if byte else None


_FLUSH_BYTES = 1 << 20  # postings are written to the file in pieces of about this size
_FLUSH_TERMS = 8192  # or of this many terms (their term table records wait with them)
# From this many postings, a block holds arrays and packed values (see _packed), which read
# back faster; below it Whoosh's tuples are smaller and as fast.
_PACKED_MIN = 16
# Blocks this long or longer are compressed. Whoosh compresses from 80 bytes, but blocks under
# 256 shrink by ~14% at ~18 µs each: 2,000 bench articles' segment is written in 0.76 ms
# an article instead of 1.03, for 2.5% more bytes (22.5 MB instead of 21.9).
_COMPRESS_FROM = 256
# Full blocks of positions (index format 5) are left uncompressed, their weights pickled as
# the counts they are made of (CountWeights: the counts array once, where format 4 added the
# weights as floats and compressed the block): zlib had been a fifth of writing a segment
# (3,000 of the bench's German articles: 1.14 s, 20.7 MB; 0.90 s, 21.6 MB uncompressed;
# English 0.80 s, 14.7 MB against 0.59 s, 15.7 MB), and searches read such blocks without
# decompressing them. True writes format 4 (the tests' older index).
_COMPRESS_POSITIONS = False
# Postings (inlined and in blocks) are pickled with protocol 5, where Whoosh uses 2: protocol 2
# has no bytes type and pickles each encoded position list as a call of _codecs.encode on a
# str (84 bytes for one position, 47 in protocol 5, and 1.35 µs to write against 0.28).
# Readers just unpickle. A 5,000-article segment: finalized in 1.90 s instead of 2.15, 34 MB
# instead of 37. Block infos hold only numbers and stay in protocol 2 (27 bytes, 35 in 5).
_POSTINGS_PROTOCOL = 5


def _write_terms(writer: Any, terms: dict[Any, tuple[array, array, Any]], fixed_size: int | None,
                 quantised: list[int] | None, field_boost: float = 1.0) -> None:
    """One field's terms in sorted order: the posting blocks and term infos that Whoosh's
    W3PostingsWriter and W3FieldWriter.finish_term write (same postings and statistics; a
    block of _PACKED_MIN postings or more with arrays and PackedValues or PackedPositions
    in it), without their per-posting and per-term calls (and the file position kept here,
    where the writer asks the file for it: a system call, four per term)."""
    postings = writer._postwriter
    limit, compression = postings._blocklimit, postings._compression
    postfile, tindex = writer._postfile, writer._tindex
    prefix = pack_ushort(writer._fieldid)
    offset = postfile.tell()
    chunks: list[bytes] = []
    entries: list[tuple[bytes, bytes]] = []  # term table records, added in bulk
    pending = 0
    packable = fixed_size is None or fixed_size < 0
    # str keys (analysed text) sort as their UTF-8 bytes do: code point order
    for term in sorted(terms):
        if pending >= _FLUSH_BYTES or len(entries) >= _FLUSH_TERMS:
            postfile.write(b"".join(chunks))
            _add_to_term_table(tindex, entries)
            chunks, entries, pending = [], [], 0
        weights: Any
        values: Any
        if type(term) is str:  # analysed text: (document numbers, counts, positions)
            docnums, counts, positions = terms[term]
            tbytes = term.encode("utf-8")
            count = len(docnums)
            if count == 1:  # the general steps below, without the tuples they take
                docnum = docnums[0]
                weight = float(counts[0]) if field_boost == 1.0 else _float32(counts[0] * field_boost)
                entries.append((prefix + tbytes, _inlined(
                    docnum, weight, 0 if quantised is None else quantised[docnum], encode_positions(positions))))
                continue
            if count < _PACKED_MIN and len(positions) == count and quantised is not None:
                # one small block of postings of one position each (half of all terms): what
                # the loop below writes for it, without its general steps
                start = offset
                weight = 1.0 if field_boost == 1.0 else _float32(field_boost)
                low, high = _length_range(quantised, docnums)
                info, data = _block(dumps((_deltas(docnums), None if weight == 1.0 else weight,
                                           tuple(map(encode_position, positions))), _POSTINGS_PROTOCOL),
                                    compression, count, docnums[-1], max(0, weight), low, high)
                size = len(info) + len(data)
                chunks += (WHOOSH3_HEADER_MAGIC, pack_int(-size), info, data)
                offset += 8 + size
                pending += offset - start
                entries.append((prefix + tbytes, _TERM_INFO.pack(
                    False, 0.0 + sum(repeat(weight, count)), count, 0 if low is None else _length_byte(low),
                    _length_byte(high), max(0, weight), docnums[0], docnums[-1],
                ) + pack_long(start) + pack_int(offset - start)))
                continue
            else:
                weights = array("f", counts) if field_boost == 1.0 else array("f", [c * field_boost for c in counts])
                values = _PositionLists(counts, positions)
        else:
            docnums, weights, values = terms[term]
            tbytes = term
            count = len(docnums)
        if count == 1:
            docnum = docnums[0]
            entries.append((prefix + tbytes, _inlined(
                docnum, float(weights[0]), 0 if quantised is None else quantised[docnum], values[0])))
        else:
            start = offset
            chunks.append(WHOOSH3_HEADER_MAGIC)
            offset += 4
            total_weight = 0.0
            min_length = None
            max_length = max_weight = 0
            for first in range(0, count, limit):
                end = min(first + limit, count)
                ids = docnums[first:end]
                block_weights = weights[first:end]
                block_max_weight = max(0, max(block_weights))
                low, high = (None, 0) if quantised is None else _length_range(quantised, ids)
                total_weight += sum(block_weights)
                if min_length is None:
                    min_length = low
                elif low is not None:
                    min_length = min(min_length, low)
                max_length = max(max_length, high)
                max_weight = max(max_weight, block_max_weight)
                level = compression
                if end - first >= _PACKED_MIN and packable:
                    packed: PackedPositions | PackedValues
                    varied: Any = block_weights
                    if type(values) is _PositionLists:
                        packed = values.packed(first, end)
                        if type(packed) is PackedPositions and not _COMPRESS_POSITIONS:
                            varied, level = CountWeights(packed.counts, field_boost), 0
                    else:
                        packed = PackedValues.of([value for value in values[first:end] if value])
                    data = dumps((_narrow(_delta_array(ids)), _mini_weights(block_weights, varied), packed),
                                 _POSTINGS_PROTOCOL)
                else:
                    data = dumps((_deltas(ids), _mini_weights(block_weights),
                                  _mini_values(values[first:end], fixed_size)), _POSTINGS_PROTOCOL)
                info, data = _block(data, level, end - first, ids[-1], block_max_weight, low, high)
                size = len(info) + len(data)
                chunks += (pack_int(-size if end == count else size), info, data)
                offset += 4 + size
            pending += offset - start
            entries.append((prefix + tbytes, _TERM_INFO.pack(
                False, total_weight, count, 0 if min_length is None else _length_byte(min_length),
                _length_byte(max_length), max_weight, docnums[0], docnums[-1],
            ) + pack_long(start) + pack_int(offset - start)))
    postfile.write(b"".join(chunks))
    _add_to_term_table(tindex, entries)


def _inlined(docnum: int, weight: float, length: int, value: bytes) -> bytes:
    """The term info of a term of one posting (most terms), the posting in it: Whoosh's
    "inlined" postings, which its readers take as a list; no block, header or offset."""
    length_byte = length and _length_byte(length)  # the term's shortest and longest
    return _TERM_INFO.pack(True, weight, 1, length_byte, length_byte, max(0, weight), docnum, docnum) + \
        dumps(((docnum,), (weight,), (value,) if value else ()), _POSTINGS_PROTOCOL)


def _length_range(quantised: list[int], ids: Iterable[int]) -> tuple[int | None, int]:
    """The shortest and longest of the documents' quantised lengths ((None, 0): none)."""
    lengths = set(map(quantised.__getitem__, ids))
    lengths.discard(0)
    return (min(lengths), max(lengths)) if lengths else (None, 0)


def _block(data: bytes, level: int, count: int, last_id: int, max_weight: float, low: int | None,
           high: int) -> tuple[bytes, bytes]:
    """A block's pickled info and its data, compressed at ``level`` from _COMPRESS_FROM bytes."""
    if len(data) < _COMPRESS_FROM:
        level = 0
    if level:  # the flag readers look at (any level: they decompress with zlib)
        data = _deflate(data, _DEFLATE_LEVEL)
    return dumps((count, last_id, max_weight, level, _length_byte(low), _length_byte(high)), 2), data


class _PositionLists:
    """An analysed term's postings as the writer collected them (each one's count of positions,
    and all positions), read a block at a time: as a tuple of encoded values (Whoosh's
    small blocks) or as PackedPositions."""

    __slots__ = ("_counts", "_ends", "_positions")

    def __init__(self, counts: array, positions: array) -> None:
        self._counts, self._positions = counts, positions
        # where each posting's positions end; None when each has one (most terms of a few
        # postings), whose positions are then indexed as the postings are
        self._ends = None if len(positions) == len(counts) else [0, *accumulate(counts)]

    def __getitem__(self, block: slice) -> tuple[bytes, ...]:
        ends, positions = self._ends, self._positions
        if ends is None:
            return tuple(map(encode_position, positions[block]))
        return tuple(encode_positions(positions[start:end])
                     for start, end in zip(ends[block.start:block.stop], ends[block.start + 1:block.stop + 1]))

    def packed(self, first: int, end: int) -> PackedPositions:
        ends = self._ends
        low, high = (first, end) if ends is None else (ends[first], ends[end])
        return PackedPositions(_narrow(self._counts[first:end]), _narrow(self._positions[low:high]))


def _float32(number: float) -> float:
    """The number as a weight array ('f') stores it."""
    return array("f", (number,))[0]


# An 'I' item's bytes from its lowest (the machine's byte order), and the lower half's place
# among the two 'H' halves of an item
_BYTE0, _BYTE1, _BYTE2, _BYTE3 = (0, 1, 2, 3) if sys.byteorder == "little" else (3, 2, 1, 0)
_LOW = 0 if sys.byteorder == "little" else 1
assert array("I").itemsize == 4  # as on every platform CPython runs on


def _narrow(numbers: array) -> array:
    """The numbers ('I') in the smallest unsigned array type that holds them: a block's
    positions and counts mostly fit 'H' or 'B', which leaves less to pickle.
    Told by the items' bytes, cut out of them with strides: copies and counts in C, where
    max() and a conversion would make an int object per number (twice the time; a first
    version through 'H' halves took 0.9-2.6 µs a block, this one 0.4-1.0)."""
    raw = numbers.tobytes()
    count = len(numbers)
    if (raw[_BYTE2::4] + raw[_BYTE3::4]).count(0) != 2 * count:
        return numbers
    if raw[_BYTE1::4].count(0) == count:
        return array("B", raw[_BYTE0::4])
    return array("H", raw)[_LOW::2]


def _add_to_term_table(table: Any, entries: list[tuple[bytes, bytes]]) -> None:
    """``table.add(key, value)`` (Whoosh's OrderedHashWriter) for each entry, with one write
    for all and the file position kept here (add writes three times and asks for the
    position twice per key)."""
    if not entries:
        return
    if entries[0][0] <= table.lastkey:
        raise ValueError(f"Keys must increase: {table.lastkey!r}..{entries[0][0]!r}")
    dbfile = table.dbfile
    position = dbfile.tell()
    hashed = md5_low32 if table.hashfn is md5_hash else table.hashfn
    buckets = table.buckets
    pieces: list[bytes] = []
    offsets: list[int] = []
    for key, value in entries:
        offsets.append(position)
        h = hashed(key)
        buckets[h & 255].append((h, position))
        pieces += (_KEY_VALUE_LENGTHS.pack(len(key), len(value)), key, value)
        position += 8 + len(key) + len(value)
    dbfile.write(b"".join(pieces))
    # the offsets into the table's GrowableArray at once: appending the largest (the last)
    # widens its type as far as any of them needs
    index = table.index
    index.append(offsets[-1])
    index.array.pop()
    index.array.extend(offsets)
    table.lastkey = entries[-1][0]


_NO_SLOT = _POINTER.pack(0, 0)


def write_hash_tables(table: Any) -> None:
    """Whoosh's HashWriter._write_hashes (the 256 hash tables of a term table, linear probing
    by the key hashes), one write per table where it writes each slot (a term table of
    60,000 terms: 121,000 writes, ~6% of writing a segment)."""
    dbfile = table.dbfile
    position = dbfile.tell()
    pack = _POINTER.pack
    for entries in table.buckets:
        count = 2 * len(entries)
        table.directory.append((position, count))
        slots: list[tuple[int, int] | None] = [None] * count
        for hashed, offset in entries:
            slot = (hashed >> 8) % count
            while slots[slot] is not None:
                slot = (slot + 1) % count
            slots[slot] = (hashed, offset)
        data = b"".join([_NO_SLOT if entry is None else pack(*entry) for entry in slots])
        dbfile.write(data)
        position += len(data)


_length_byte = lru_cache(maxsize=None)(length_to_byte)  # lengths are quantised: few values


def _deltas(ids: array) -> tuple[int, ...]:
    return tuple(map(sub, ids, chain((0,), ids)))


def _delta_array(ids: array) -> array:
    return array("I", map(sub, ids, chain((0,), ids)))


def _mini_weights(weights: array, varied: Any = None) -> Any:
    """None when all are 1.0, the one weight when all are equal, else ``varied`` (Whoosh's
    tuple when not given)."""
    first = weights[0]
    if first == 1.0 and weights.count(first) == len(weights):
        return None
    if weights.count(first) == len(weights):
        return first
    return tuple(weights) if varied is None else varied


def _mini_values(values: list[bytes], fixed_size: int | None) -> Any:
    present = [value for value in values if value]  # add_posting() keeps only non-empty values
    if fixed_size is None or fixed_size < 0:
        return tuple(present)
    if fixed_size == 0:
        return None
    return b"".join(present)
