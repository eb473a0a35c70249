"""TermSegmentWriter writes the segment Whoosh's own SegmentWriter would: same terms,
postings, statistics, lengths and stored fields, read back through Whoosh."""
from __future__ import annotations

import zlib
from io import BytesIO
from itertools import islice
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from whoosh.writing import SegmentWriter

from conftest import ARTICLES, CORPORA
from newsfind import indexer, store
from newsfind._pool import TermSegmentWriter
from newsfind.articles import Article, SourceFile, find_article_files, load_file


def _articles() -> list[Article]:
    found = [record for file in find_article_files([ARTICLES])
             for record in load_file(file, str(file.path)) if isinstance(record, Article)]
    for name in ("news-de.jsonl.gz", "news-en.jsonl.gz"):
        path = CORPORA / name
        found += [record for record in islice(load_file(SourceFile(path, name), str(path)), 150)
                  if isinstance(record, Article)]
    return found


def _segment(tmp: Path, writer_class: Any, documents: list[dict[str, Any]]) -> Any:
    tmp.mkdir()
    ix = store.create_whoosh(tmp)
    if writer_class is SegmentWriter:
        writer = store.with_block_pool(SegmentWriter(ix, _lk=False, limitmb=1), 1)  # spills runs
    else:
        writer = writer_class(ix, _lk=False)
    for fields in documents:
        writer.add_document(**fields)
    writer._commit_toc([writer._finalize_segment()])
    writer._finish()
    return store._open_dir(tmp).reader()


def _contents(reader: Any) -> dict[str, Any]:
    postings = {}
    for fieldname, text in reader.all_terms():
        info = reader.term_info(fieldname, text)
        matcher = reader.postings(fieldname, text)
        items = []
        while matcher.is_active():
            # a posting without a value reads as None from a block, "" from an inlined one
            items.append((matcher.id(), matcher.weight(), matcher.value() or None))
            matcher.next()
        postings[(fieldname, text)] = (info.doc_frequency(), info.weight(), info.min_length(),
                                       info.max_length(), info.max_weight(), items)
    fields = [name for name in reader.schema.names() if reader.schema[name].scorable]
    return {
        "postings": postings,
        "lengths": {name: [reader.doc_field_length(d, name) for d in range(reader.doc_count_all())]
                    for name in fields},
        "totals": {name: reader.field_length(name) for name in fields},
        "stored": list(reader.all_stored_fields()),
        "days": list(reader.column_reader("day")),
    }


@pytest.mark.skipif(not (CORPORA / "news-de.jsonl.gz").exists(), reason="shared corpora not available")
def test_term_segment_writer_writes_what_whoosh_writes(tmp_path: Path) -> None:
    documents = [indexer._analysed((article, None))[0] for article in _articles()]
    reader = _segment(tmp_path / "ours", TermSegmentWriter, documents)
    ours = _contents(reader)
    whoosh = _contents(_segment(tmp_path / "whoosh", SegmentWriter, documents))
    assert len(ours["postings"]) > 10_000 and len(ours["stored"]) == len(documents)
    assert ours["postings"].keys() == whoosh["postings"].keys()
    assert ours == whoosh
    # terms of one posting (most) keep it in their term info
    singles = [key for key, (df, *_rest) in ours["postings"].items() if df == 1]
    assert len(singles) > len(ours["postings"]) / 2
    inlined = {key for key in ours["postings"] if reader.term_info(*key).is_inlined()}
    assert inlined == set(singles)


def test_long_documents_positions_and_boosted_titles_are_written_as_whoosh_writes_them(tmp_path: Path) -> None:
    # positions past 65,535 (kept as 'I' in packed blocks), a term 300 times in one
    # document, blocks of 16 postings and more, and the boosted title field
    documents = [{"id": f"a{i}", "lang": "de", "day": i + 1,
                  "title_de": store.encode_postings({"gipfel": [0], "seoul": [1, 2]}, "title_de"),
                  "body_de": store.encode_postings({
                      "gipfel": [70_000 + i, 70_005 + i, 99_999],
                      "tokio": list(range(i, 300 * (i + 1), i + 1)) if i < 3 else [5 + i],
                      f"w{i}": [i]}, "body_de")}
                 for i in range(40)]
    ours = _contents(_segment(tmp_path / "ours", TermSegmentWriter, documents))
    assert ours == _contents(_segment(tmp_path / "whoosh", SegmentWriter, documents))
    assert ours["postings"][("body_de", b"gipfel")][0] == 40 and len(ours["postings"][("body_de", b"tokio")][5]) == 40


def test_a_written_segment_is_freed_without_the_collector(tmp_path: Path) -> None:
    """Shard workers freeze their writers (gc.freeze), so a reference cycle left by writing a
    segment is never collected: each one kept its term table (~9 MB at 7,000 articles)."""
    import gc
    import weakref

    writer = TermSegmentWriter(store.create_whoosh(tmp_path), _lk=False)
    writer.add_document(id="a", lang="en", title_en=store.encode_postings({"seoul": [0], "summit": [1]}, "title_en"))
    table = weakref.ref(writer.fieldwriter._tindex)
    collecting = gc.isenabled()
    gc.disable()
    try:
        writer._finalize_segment()
        del writer
        assert table() is None
    finally:
        if collecting:
            gc.enable()


def test_analysed_postings_take_no_document_boost(tmp_path: Path) -> None:
    writer = TermSegmentWriter(store.create_whoosh(tmp_path), _lk=False)
    with pytest.raises(ValueError, match="no document or field boost"):
        writer.add_document(id="a", lang="en", _boost=2.0, title_en=store.encode_postings({"seoul": [0]}, "title_en"))
    writer.cancel()


def test_term_segment_writer_refuses_fields_it_cannot_write(tmp_path: Path) -> None:
    from whoosh import fields as whoosh_fields
    from whoosh import index

    ix = index.create_in(str(tmp_path), whoosh_fields.Schema(text=whoosh_fields.TEXT(vector=True)))
    with pytest.raises(ValueError, match="vectors or spelling"):
        TermSegmentWriter(ix, _lk=False)


def test_term_segment_writer_refuses_a_field_given_text_and_analysed_postings(tmp_path: Path) -> None:
    ix = store.create_whoosh(tmp_path)
    writer = TermSegmentWriter(ix, _lk=False)
    writer.add_document(id="a", lang="en", title_en=store.encode_postings({"seoul": [0]}, "title_en"))
    with pytest.raises(ValueError, match="both text and analysed postings"):
        writer.add_document(id="b", lang="en", title_en="Seoul summit")
    writer.cancel()


@given(st.lists(st.integers(0, 70_000), min_size=1, max_size=300, unique=True))
def test_positions_are_encoded_as_whoosh_encodes_them(positions: list[int]) -> None:
    from whoosh.formats import Positions

    positions.sort()
    assert store.encode_positions(positions) == Positions().encode(positions)


@given(st.lists(st.binary(min_size=1, max_size=40), max_size=200))
def test_packed_values_are_the_sequence_they_pack(values: list[bytes]) -> None:
    import pickle

    from newsfind._packed import PackedValues

    packed = pickle.loads(pickle.dumps(PackedValues.of(values), 5))
    assert len(packed) == len(values) and list(packed) == values
    assert [packed[i] for i in range(len(values))] == values
    assert [packed[-i] for i in range(1, len(values) + 1)] == [values[-i] for i in range(1, len(values) + 1)]
    with pytest.raises(IndexError):
        packed[len(values)]


@given(st.lists(st.lists(st.integers(0, 70_000), min_size=1, max_size=6, unique=True), max_size=150))
def test_packed_positions_are_the_encoded_values_they_pack(position_lists: list[list[int]]) -> None:
    import pickle
    from array import array

    from whoosh.formats import Positions

    from newsfind._packed import PackedPositions

    position_lists = [sorted(positions) for positions in position_lists]
    counts = array("B" if all(len(p) < 256 for p in position_lists) else "I", map(len, position_lists))
    packed = pickle.loads(pickle.dumps(PackedPositions(counts, array("I", [p for ps in position_lists for p in ps])), 5))
    encoded = [Positions().encode(positions) for positions in position_lists]
    assert len(packed) == len(encoded) and list(packed) == encoded
    assert [packed[i] for i in range(len(encoded))] == encoded and [list(p) for p in packed.lists()] == position_lists
    if encoded:
        assert packed[-1] == encoded[-1] and list(packed.positions(-1)) == position_lists[-1]
    with pytest.raises(IndexError):
        packed[len(encoded)]


def test_full_blocks_are_packed_short_ones_are_tuples_single_postings_inlined(tmp_path: Path) -> None:
    import pickle

    from newsfind._packed import PackedPositions

    documents = [store.make_document(article_id=f"a{i}", content_hash="h", source="s", lang="de",
                                     title="Gipfel", body=f"Gipfel in Seoul {i}" + (" Tokio" if i < 3 else ""),
                                     date_iso=None, place_keys=(), leader_keys=(), stored={}) for i in range(20)]
    reader = _segment(tmp_path / "ix", TermSegmentWriter, documents)
    kinds = {}
    for word in ("gipfel", "tokio"):
        info = reader.term_info("body_de", word)
        offset, length = info.extent()
        raw = reader._terms._postfile.get(offset, length[0] if isinstance(length, tuple) else length)
        view = BytesIO(raw[8:])
        count, *_rest, compression, _low, _high = pickle.load(view)
        data = raw[8 + view.tell():]
        data = zlib.decompress(data) if compression else data
        # protocol 5: encoded positions pickle as bytes, not as calls of _codecs.encode (protocol 2)
        assert data[:2] == b"\x80\x05" and b"_codecs" not in data
        values = pickle.loads(data)[2]
        kinds[word] = (count, type(values))
    assert kinds == {"gipfel": (20, PackedPositions), "tokio": (3, tuple)}
    single = reader.term_info("body_de", "3")
    assert single.is_inlined() and single.inlined_postings()[:2] == ((3,), (1.0,))
    assert single.inlined_postings()[2] == (store.encode_positions([3]),)
    for word, expected in (("gipfel", [(i, [0]) for i in range(20)]), ("tokio", [(i, [4]) for i in range(3)]),
                           ("3", [(3, [3])])):
        matcher, read = reader.postings("body_de", word), []
        while matcher.is_active():  # Whoosh's own reader
            read.append((matcher.id(), matcher.value_as("positions")))
            matcher.next()
        assert read == expected


@given(st.binary(max_size=700), st.lists(st.tuples(st.sampled_from(["read", "readline", "seek", "tell"]),
                                                  st.integers(-5, 720), st.sampled_from([0, 1, 2])), max_size=30))
def test_view_stream_reads_like_bytesio(data: bytes, operations: list[tuple[str, int, int]]) -> None:
    """store._ViewStream (a segment's memory map, read in place) answers as BytesIO would."""
    from io import BytesIO

    ours, reference = store._ViewStream(memoryview(data)), BytesIO(data)
    for name, number, whence in operations:
        if name == "seek":
            target = number + (0 if whence == 0 else reference.tell() if whence == 1 else len(data))
            if target < 0:
                continue  # BytesIO refuses a negative position
            assert ours.seek(number, whence) == reference.seek(number, whence)
        elif name == "tell":
            assert ours.tell() == reference.tell()
        else:
            assert getattr(ours, name)(number) == getattr(reference, name)(number)


def test_a_segment_writer_is_freed_without_the_cycle_collector(tmp_path: Path) -> None:
    """Index workers run with the cycle collector off: a writer made when the temporary
    directory exists already (every one after the first) must not sit in a reference cycle."""
    import gc
    import weakref

    store.create_whoosh(tmp_path)
    enabled = gc.isenabled()
    gc.disable()
    try:
        first = store.segment_writer(tmp_path)
        second = store.segment_writer(tmp_path)  # MAIN.tmp exists now
        gone = weakref.ref(second)
        second._close_segment()
        del second
        assert gone() is None
        first._close_segment()
    finally:
        if enabled:
            gc.enable()


@given(st.lists(st.integers(0, 2**32 - 1) | st.integers(0, 300) | st.integers(0, 70_000), max_size=300))
def test_narrowed_numbers_keep_their_values_in_the_smallest_type(numbers: list[int]) -> None:
    from array import array

    from newsfind._pool import _narrow

    narrowed = _narrow(array("I", numbers))
    largest = max(numbers, default=0)
    assert list(narrowed) == numbers
    assert narrowed.typecode == ("B" if largest < 256 else "H" if largest < 65536 else "I")


@given(st.lists(st.binary(min_size=1, max_size=12), max_size=600, unique=True), st.integers(0, 300))
@example([i.to_bytes(2, "big") for i in range(600)], 300)  # offsets past 65,535
def test_term_tables_are_written_as_whoosh_writes_them(keys: list[bytes], value_size: int) -> None:
    """_add_to_term_table and write_hash_tables give the bytes of Whoosh's own add and
    _write_hashes: colliding slots, and offsets past 65,535 (its offset array widens)."""
    from whoosh.filedb.filetables import OrderedHashWriter
    from whoosh.filedb.structfile import StructFile

    from newsfind._pool import _add_to_term_table, write_hash_tables

    entries = [(key, key[::-1] * value_size) for key in sorted(keys)]
    written = []
    for ours in (False, True):
        stream = BytesIO()
        table = OrderedHashWriter(StructFile(stream))
        if ours:
            half = len(entries) // 2
            _add_to_term_table(table, entries[:half])
            _add_to_term_table(table, entries[half:])
            table._write_hashes = lambda table=table: write_hash_tables(table)
        else:
            for key, value in entries:
                table.add(key, value)
        table.dbfile.close = lambda: None  # keep the bytes readable
        table.close()
        written.append(stream.getvalue())
    assert written[0] == written[1]


@given(st.text(max_size=30), st.integers(0, 2**32 - 1))
def test_field_info_gives_the_terms_whoosh_fields_give(text: str, number: int) -> None:
    """_FieldInfo's quick ways (an ID field's value, a number's terms kept per value) agree
    with field.index, a second time too (from what it keeps)."""
    from newsfind._pool import _FieldInfo

    schema = store.schema()
    for name, value in (("id", text), ("lang", text), ("day", number), ("place", [text, "japan"])):
        info = _FieldInfo(schema[name])
        try:
            expected = list(schema[name].index(value))
        except (ValueError, UnicodeEncodeError) as error:
            with pytest.raises(type(error)):
                list(info.index(value))
            continue
        assert list(info.index(value)) == expected == list(info.index(value))
