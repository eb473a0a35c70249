"""The indexer's posting pools and segment writer (a module of its own: searches never
import whoosh.writing)."""
from __future__ import annotations

import marshal
from array import array
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any

from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.writing import PostingPool, SegmentWriter


class BlockPostingPool(PostingPool):
    """Whoosh's posting pool, spilling sorted runs in marshalled blocks.

    The stock pool pickles every posting on its own when it spills to disk (and unpickles
    each when merging): over a third of a large build's writer time. Blocks of a few
    thousand postings make a spill about ten times cheaper; the order is the same."""

    BLOCK = 4096

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
        # field -> term bytes -> (document numbers, weights, encoded values)
        self._terms: dict[str, dict[bytes, tuple[array, array, list[bytes]]]] = {}
        self._lengths: dict[str, dict[int, int]] = {}  # scorable field -> docnum -> length

    def add_document(self, **fields: Any) -> None:
        """Whoosh's add_document (same per-document files), postings to the term arrays."""
        self._check_state()
        schema = self.schema
        docnum = self.docnum
        docboost = self._doc_boost(fields)
        fieldnames = sorted(name for name in fields if not name.startswith("_"))
        self._check_fields(schema, fieldnames)
        perdoc = self.perdocwriter
        perdoc.start_doc(docnum)
        try:
            for fieldname in fieldnames:
                value = fields[fieldname]
                if value is None:
                    continue
                field = schema[fieldname]
                length = 0
                if field.indexed:
                    boost = self._field_boost(fields, fieldname, docboost)
                    terms = self._terms.get(fieldname)
                    if terms is None:
                        terms = self._terms[fieldname] = {}
                    for tbytes, freq, weight, vbytes in field.index(value):
                        entry = terms.get(tbytes)
                        if entry is None:
                            entry = terms[tbytes] = (array("I"), array("f"), [])
                        entry[0].append(docnum)
                        entry[1].append(weight * boost)
                        entry[2].append(vbytes or b"")
                        length += freq
                    if field.scorable:
                        self._lengths.setdefault(fieldname, {})[docnum] = length
                    else:
                        length = 0
                stored = fields.get(f"_stored_{fieldname}", value)
                perdoc.add_field(fieldname, field, stored if field.stored else None, length)
                column = field.column_type
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
            # what Whoosh's length column gives back for a document: quantised to one
            # byte, None for a length of 0 (a non-scorable field has no column: 0)
            length_of: Any = ((lambda docnum, _l=lengths: _quantised(_l.get(docnum, 0)))
                              if lengths is not None else (lambda docnum: 0))
            writer.start_field(fieldname, self.schema[fieldname])
            postings = writer._postwriter
            for tbytes in sorted(terms):
                docnums, weights, values = terms[tbytes]
                writer.start_term(tbytes)
                _buffer_blocks(postings, docnums, weights, values, length_of)
                writer.finish_term()
            writer.finish_field()
        writer.close()


@lru_cache(maxsize=4096)
def _quantised(length: int) -> int | None:
    byte = length_to_byte(length)
    return byte_to_length(byte) if byte else None


def _buffer_blocks(postings: Any, docnums: array, weights: array, values: list[bytes],
                   length_of: Any) -> None:
    """Hand one term's postings to Whoosh's W3PostingsWriter a block at a time, with the
    statistics its add_posting() would have gathered; the last block stays buffered for
    finish_term() to write, as after add_posting()."""
    count = len(docnums)
    limit = postings._blocklimit
    for start in range(0, count, limit):
        end = min(start + limit, count)
        ids = docnums[start:end]
        block_weights = weights[start:end]
        lengths = [length for length in map(length_of, ids) if length]
        postings._ids = ids
        postings._weights = block_weights
        postings._values = [value for value in values[start:end] if value]
        postings._maxweight = max(0, max(block_weights))
        postings._minlength = min(lengths) if lengths else None
        postings._maxlength = max(lengths) if lengths else 0
        if end < count:
            postings._write_block()
