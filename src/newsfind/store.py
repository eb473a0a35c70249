"""The on-disk index's Whoosh side: schema, opening, writers and parallel segment writing.

Whoosh is imported here, by the searching side (``query.py``, ``scoring.py``, which reads
posting lists) and by ``_pool.py`` (the indexer's segment writers). The directory's layout
(generations, manifest, format version, lock) is ``layout``'s, re-exported here.
"""
from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date
from functools import lru_cache
from hashlib import md5
from pathlib import Path
from typing import Any

from whoosh.analysis import Token, Tokenizer
from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema
from whoosh.formats import Positions

from .analysis import LANGS, index_positions, index_tokens, query_tokens
from .errors import IndexDamaged
from .layout import (  # noqa: F401 - re-exported: store is where callers find the layout too
    CURRENT,
    FORMAT_FILE,
    FORMAT_VERSION,
    LOCK,
    LOCK_WAIT_SECONDS,
    READABLE_FORMATS,
    Manifest,
    check_format,
    checked_generation,
    directory_size,
    index_exists,
    live_generation,
    new_generation_dir,
    read_manifest,
    read_names,
    release_inherited_locks,
    remove_old_manifests,
    remove_stale_generations,
    switch_generation,
    toc_generation,
    write_format,
    write_manifest,
    writer_lock,
)

TITLE_BOOST = 2.0
UNDATED = 0  # day number of an article without a date (sorts last on -date)


def day_number(iso: str | None) -> int:
    """Dates are indexed as day counts: integer ranges are cheap where DATETIME's are not."""
    return date.fromisoformat(iso).toordinal() if iso else UNDATED


def text_field(lang: str, part: str) -> str:
    return f"{part}_{lang}"




# --- Whoosh glue ---------------------------------------------------------------------
# Module-level classes: Whoosh pickles the schema into every commit.

class NewsTokenizer(Tokenizer):
    """Feeds newsfind's own analysis into Whoosh (query parsing, highlighting)."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NewsTokenizer) and other.lang == self.lang

    def __call__(self, value: str, positions: bool = False, chars: bool = False,
                 keeporiginal: bool = False, removestops: bool = True, start_pos: int = 0,
                 start_char: int = 0, tokenize: bool = True, mode: str = "", **kwargs: Any) -> Iterator[Any]:
        tokens = query_tokens(value, self.lang) if mode == "query" else index_tokens(value, self.lang)
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for term, pos, startchar, endchar in tokens:
            token.text = term
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = value[startchar:endchar]
            if positions:
                token.pos = start_pos + pos
            if chars:
                token.startchar = start_char + startchar
                token.endchar = start_char + endchar
            yield token


class Postings:
    """One field's analysed text, term -> positions, computed ahead of the writer (in a
    worker process). Iterating gives what ``field.index(text)`` would (Whoosh's writers);
    TermSegmentWriter reads ``positions`` directly."""

    __slots__ = ("positions", "format")

    def __init__(self, positions: dict[str, list[int]], fmt: Any) -> None:
        self.positions = positions
        self.format = fmt

    def __iter__(self) -> Iterator[tuple[bytes, int, float, bytes]]:
        boost = self.format.field_boost
        for term, plist in self.positions.items():
            yield term.encode("utf-8"), len(plist), len(plist) * boost, encode_positions(plist)


class NewsText(TEXT):
    """A TEXT field that also takes postings encoded ahead of time."""

    def index(self, value: Any, **kwargs: Any) -> Any:
        if isinstance(value, Postings):
            return iter(value)
        return super().index(value, **kwargs)


def _news_text_field(lang: str, boost: float) -> NewsText:
    return NewsText(analyzer=NewsTokenizer(lang), phrase=True, field_boost=boost)


def build_schema() -> Any:
    fields: dict[str, Any] = {
        "id": ID(stored=True, unique=True),
        "lang": ID(stored=True),
        "day": NUMERIC(int, bits=32, signed=False, shift_step=4, sortable=True),
        "place": KEYWORD(commas=True, lowercase=False),
        "leader": KEYWORD(commas=True, lowercase=False),
        "source": ID(stored=True),
        "hash": ID(stored=True),
        "doc": STORED(),
    }
    for lang in LANGS:
        fields[text_field(lang, "title")] = _news_text_field(lang, TITLE_BOOST)
        fields[text_field(lang, "body")] = _news_text_field(lang, 1.0)
    return Schema(**fields)


_SCHEMA: Any = None


def schema() -> Any:
    global _SCHEMA
    if _SCHEMA is None:
        _SCHEMA = build_schema()
    return _SCHEMA


def encode_postings(positions: dict[str, list[int]], fieldname: str) -> Postings:
    """What ``field.index(text)`` would give, from analysed positions: lets workers do the work."""
    return Postings(positions, schema()[fieldname].format)


def md5_low32(key: bytes) -> int:
    """Whoosh's filetables.md5_hash (the low 32 bits of the key's MD5, its hash files' key
    hash), without the round trip through hex."""
    return int.from_bytes(md5(key, usedforsecurity=False).digest()[12:], "big")


def encode_positions(plist: Sequence[int]) -> bytes:
    """A term's positions as Whoosh's Positions format stores them."""
    return encode_position(plist[0]) if len(plist) == 1 else _POSITIONS.encode(plist)


_POSITIONS = Positions()


@lru_cache(maxsize=4096)
def encode_position(position: int) -> bytes:
    """A one-position list encoded (most terms occur once in an article: worth reusing)."""
    return _POSITIONS.encode([position])


def make_document(*, article_id: str, content_hash: str, source: str, lang: str, title: str,
                  body: str, date_iso: str | None, place_keys: Iterable[str],
                  leader_keys: Iterable[str], stored: dict[str, Any]) -> dict[str, Any]:
    """Analyse an article into the writer's fields (runs in worker processes)."""
    day = day_number(date_iso)
    fields: dict[str, Any] = {
        "id": article_id,
        "lang": lang,
        "day": day,
        "source": source,
        "hash": content_hash,
        "doc": stored,
    }
    title_name, body_name = text_field(lang, "title"), text_field(lang, "body")
    fields[title_name] = encode_postings(index_positions(title, lang), title_name)
    if body:
        fields[body_name] = encode_postings(index_positions(body, lang), body_name)
    places = list(place_keys)
    leaders = list(leader_keys)
    if places:
        fields["place"] = places
    if leaders:
        fields["leader"] = leaders
    return fields


# --- opening -------------------------------------------------------------------------------

def open_whoosh(index_dir: Path) -> tuple[Any, Path]:
    """The live Whoosh index (checked for version and damage) and its generation dir."""
    # A reader opens every segment as a searcher does, without importing Whoosh's searching,
    # query and highlighting modules (~20 ms of an index run that has nothing to write).
    ix, gen_dir, reader = _open_checked(index_dir, lambda ix: ix.reader())
    reader.close()
    return ix, gen_dir


def open_searcher(index_dir: Path) -> tuple[Any, Path, Any]:
    """Like ``open_whoosh``, keeping the searcher whose opening checked every segment, so a
    search does not open them all a second time."""
    return _open_checked(index_dir, lambda ix: ix.searcher())


def _open_checked(index_dir: Path, opened: Callable[[Any], Any]) -> tuple[Any, Path, Any]:
    """The index, its generation dir and ``opened(index)`` (a reader or a searcher)."""
    gen_dir = checked_generation(index_dir)
    try:
        ix = _open_dir(gen_dir)
        reader = opened(ix)  # opens every segment file: damage shows here, not mid-query
        reader.doc_count()
    except Exception as error:  # Whoosh raises many kinds; all mean the same to a user
        raise IndexDamaged(
            f"index at {index_dir} is damaged ({type(error).__name__}: {error}); run `newsfind index --rebuild`"
        ) from None
    return ix, gen_dir, reader


def _open_dir(gen_dir: Path) -> Any:
    """Whoosh's index in ``gen_dir``, its compound segments memory-mapped: a read of a few
    bytes (each probe of a term lookup, a posting list) is a slice, not a seek and a read
    system call. whoosh3 would copy each sub-file of the map into a BytesIO on open (0.5 s
    and hundreds of MB at 100,000 articles); _MappedSubfile reads the map in place."""
    from whoosh.filedb import compound

    compound.BufferFile = _mapped_subfile_class()  # what CompoundStorage.open_file makes
    return _storage_class()(str(gen_dir), supports_mmap=True).open_index(schema=schema())


@lru_cache(maxsize=1)
def _storage_class() -> type:
    """Whoosh's FileStorage, with temporary storage made without a reference cycle."""
    from whoosh.filedb.filestore import FileStorage

    class _Storage(FileStorage):  # type: ignore[misc]
        def temp_storage(self, name: str | None = None) -> Any:
            # Each segment writer's temporary storage is the same directory (MAIN.tmp), and
            # FileStorage.create() catches the error that it exists into a local variable:
            # a cycle (exception, traceback, frames) through the callers' frames, which kept
            # the writer before alive (~97,000 objects of its term table at 5,000 articles)
            # until a full collection, ~0.4 s each in a worker.
            from whoosh.util import random_name

            path = os.path.join(self.folder, name or f"{random_name()}.tmp")
            os.makedirs(path, exist_ok=True)
            return FileStorage(path)

    return _Storage


class _ViewStream:
    """A read-only file over a memoryview: reads slice it (nothing is copied up front, as
    BytesIO(view) would copy all of it)."""

    __slots__ = ("_view", "_position")

    def __init__(self, view: Any) -> None:
        self._view = view
        self._position = 0

    def read(self, size: int | None = -1) -> bytes:
        start = self._position
        end = len(self._view) if size is None or size < 0 else min(start + size, len(self._view))
        self._position = max(start, end)
        return bytes(self._view[start:end])

    def readline(self, size: int | None = -1) -> bytes:  # pickle.load() wants it
        view, start = self._view, self._position
        end = len(view)
        for chunk_start in range(start, end, 256):  # lines in pickles are short
            found = bytes(view[chunk_start:chunk_start + 256]).find(b"\n")
            if found >= 0:
                end = chunk_start + found + 1
                break
        return self.read(end - start if size is None or size < 0 else min(size, end - start))

    def seek(self, offset: int, whence: int = 0) -> int:
        base = 0 if whence == 0 else self._position if whence == 1 else len(self._view)
        self._position = base + offset
        return self._position

    def tell(self) -> int:
        return self._position

    def close(self) -> None:
        self._view = b""


@lru_cache(maxsize=1)
def _mapped_subfile_class() -> type:
    from whoosh.filedb.structfile import BufferFile

    class _MappedSubfile(BufferFile):  # type: ignore[misc]
        """Whoosh's BufferFile over a slice of a memory map, read in place (_ViewStream)."""

        def __init__(self, buf: Any, name: str | None = None, onclose: Any = None) -> None:
            self._buf = buf
            self._name = name
            self.file = _ViewStream(buf)
            self.onclose = onclose
            self.is_real = False
            self.is_closed = False

    return _MappedSubfile


def create_whoosh(gen_dir: Path) -> Any:
    write_format(gen_dir)
    return _storage_class()(str(gen_dir)).create_index(schema())  # what whoosh.index.create_in does


def index_generation_number(ix: Any) -> int:
    return int(ix.latest_generation())


def stored_documents(ix: Any) -> Iterator[dict[str, Any]]:
    """Every live document's stored fields (manifest recovery and `check`)."""
    with ix.reader() as reader:
        for _docnum, fields in reader.iter_docs():
            yield fields


def stored_document(ix: Any, article_id: str) -> dict[str, Any] | None:
    """The stored fields of one article by id, or None."""
    with ix.searcher() as searcher:
        return searcher.document(id=article_id)


def indexed_ids(ix: Any) -> Iterator[dict[str, Any]]:
    """Id and hash of every live document."""
    for fields in stored_documents(ix):
        yield {"id": fields["id"], "hash": fields.get("hash", "")}


def __getattr__(name: str) -> Any:
    # BlockPostingPool lives with whoosh.writing in _pool, which searches never import
    if name == "BlockPostingPool":
        from ._pool import BlockPostingPool

        return BlockPostingPool
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def with_block_pool(writer: Any, limitmb: int) -> Any:
    """Give a fresh Whoosh SegmentWriter the cheaper-spilling pool (its poolclass argument
    is ignored by whoosh3, so the pool is swapped before the first document)."""
    from ._pool import BlockPostingPool

    writer.pool = BlockPostingPool(writer._tempstorage, writer.newsegment, limitmb=limitmb)
    return writer


def writer(ix: Any) -> Any:
    """The parent's writer: deletions, small runs, and the commit of the shards' segments.
    Its posting pool stays modest: big runs are written by ShardWriters."""
    return with_block_pool(ix.writer(limitmb=64), 64)


def segment_writer(gen_dir: Path) -> Any:
    """A writer of one new segment for added articles (TermSegmentWriter), committed by
    ``commit`` together with the main writer's changes."""
    from ._pool import TermSegmentWriter

    return TermSegmentWriter(_open_dir(gen_dir), _lk=False)


# --- parallel segment writing ---------------------------------------------------------------

class ShardWriters:
    """Forked processes that each analyse articles and write their own Whoosh segment.

    Whoosh's writer is pure Python; one per core makes posting writing parallel too (each
    with a TermSegmentWriter, whose memory grows with its segment). The
    parent adds the finished segments to its own commit (as Whoosh's MpWriter does), so a
    run is still one atomic commit. ``handle(jobs)`` runs in the child on up to
    ``stage_size`` jobs of a batch at a time and returns ``(fields or None, summary)`` for
    each, whose documents the child then adds; summaries come back to the parent in order
    per batch; ``prepare(lane)`` runs in each child before its first batch, and
    ``retire(lane)`` when it has written its last segment.
    After ``docs_per_segment`` documents a worker hands its segment over and starts the
    next one: memory stays flat over any corpus size, and the analysis caches stay warm.

    Batches go to ``lanes`` queues (the indexer's: one per language). Worker i takes its
    batches from lane i % lanes and, when that is empty, from another: each worker's caches
    then learn mostly one language's words instead of both (10k bench articles: 95% of each
    worker's articles in its language; workers' CPU 48.2 -> 45.9 s, peak RSS each 226 ->
    ~205 MB), and no worker idles while another lane has work.
    """

    def __init__(self, gen_dir: Path, count: int, handle: Any, *, docs_per_segment: int, stage_size: int = 1,
                 lanes: int = 1, prepare: Callable[[int], None] | None = None,
                 retire: Callable[[int], None] | None = None) -> None:
        import multiprocessing

        from . import _pool  # noqa: F401 - the segment writer, imported once for all workers

        context = multiprocessing.get_context("fork")
        self._lanes = [context.Queue(maxsize=2) for _ in range(lanes)]
        self._homes = [i % lanes for i in range(count)]  # each worker's own lane
        self._results = context.Queue()
        self._pending = 0
        self._segments: list[Any] = []
        parent = os.getpid()
        self._processes = [
            context.Process(target=_shard_main, daemon=True, args=(
                str(gen_dir), self._lanes, home, self._results, handle, parent, docs_per_segment, stage_size,
                prepare, retire))
            for home in self._homes]
        # Objects the workers inherit (analysis tables, gazetteer) go to the collector's
        # permanent generation first: never scanned there, and their pages stay shared.
        gc.freeze()
        try:
            for process in self._processes:
                process.start()
        finally:
            gc.unfreeze()

    def submit(self, batch: list[Any], lane: int = 0) -> Iterator[list[Any]]:
        """Queue a batch in a lane (waiting while it is full); yields summaries already done."""
        yield from self._put(lane, batch)
        self._pending += 1
        yield from self._ready(block=False)

    def _put(self, lane: int, item: Any) -> Iterator[list[Any]]:
        """Put in a lane, yielding summaries already done while it is full."""
        import queue

        while True:
            try:
                self._lanes[lane].put(item, timeout=0.05)
                return
            except queue.Full:
                yield from self._ready(block=False)

    def _receive(self, block: bool) -> tuple[str, Any] | None:
        """The next message from the workers (None when there is none yet); errors raise."""
        import queue

        try:
            kind, payload = self._results.get(block=block, timeout=1 if block else None)
        except queue.Empty:
            if block:
                self._check_alive()
            return None
        if kind == "error":
            raise RuntimeError(f"an indexing worker failed: {payload}")
        return kind, payload

    def _retired(self, payload: tuple[int, Any]) -> None:
        pid, segment = payload
        if segment is not None:
            self._segments.append(segment)
        for process in [p for p in self._processes if p.pid == pid]:
            process.join(timeout=60)
            self._processes.remove(process)

    def _ready(self, block: bool) -> Iterator[list[Any]]:
        while self._pending:
            message = self._receive(block)
            if message is None:
                if block:
                    continue
                return
            kind, payload = message
            if kind == "batch":
                self._pending -= 1
                yield payload
            else:
                self._note(kind, payload)

    def _note(self, kind: str, payload: Any) -> None:
        """A worker's segment, or its retirement (which may come before others' batches)."""
        if kind == "segment":
            self._segments.append(payload)
        else:
            self._retired(payload)

    def _check_alive(self) -> None:
        """Fail instead of waiting forever when a worker died without a word."""
        dead = [p for p in self._processes if not p.is_alive() and p.exitcode != 0]
        if dead:
            raise RuntimeError(f"an indexing worker died (exit code {dead[0].exitcode})")

    def finish(self) -> Iterator[list[Any]]:
        """Summaries still outstanding; the workers then write their last segments out,
        which ``segments`` waits for."""
        # One end mark per worker, in its own lane, behind the last batches: a worker that
        # finds its lane done and none left to take writes its segment out while the
        # others finish theirs.
        for home in self._homes:
            yield from self._put(home, None)
        yield from self._ready(block=True)

    def segments(self) -> list[Any]:
        """The workers' segments, once every worker has retired (call after ``finish``)."""
        while self._processes:
            message = self._receive(block=True)
            if message is not None:
                self._note(*message)
        return self._segments

    def cancel(self) -> None:
        for process in self._processes:
            if process.is_alive():
                process.terminate()
        for process in self._processes:
            process.join(timeout=10)


def _next_batch(lanes: list[Any], home: int, parent: int) -> list[Any] | None:
    """The next batch from the worker's own lane, else from another one; None: no more
    (the worker's end mark came in its lane, and no other lane has a batch waiting)."""
    import queue

    wait = 0.0  # the first look waits for nothing: another lane may have work now
    while True:
        ended = False
        try:
            batch = lanes[home].get(timeout=wait) if wait else lanes[home].get_nowait()
            if batch is not None:
                return batch  # type: ignore[no-any-return]
            ended = True
        except queue.Empty:
            wait = 0.05
        for lane, jobs in enumerate(lanes):
            if lane == home:
                continue
            try:
                batch = jobs.get_nowait()
            except queue.Empty:
                continue
            if batch is None:  # another worker's end mark: back where it belongs
                jobs.put(None)
                continue
            if ended:  # its own end mark too, for the call after this batch
                lanes[home].put(None)
            return batch  # type: ignore[no-any-return]
        if ended:
            return None
        if os.getppid() != parent:  # the indexer was killed: do not linger
            os._exit(1)


def _shard_main(gen_dir: str, lanes: list[Any], home: int, results: Any, handle: Any, parent: int,
                docs_per_segment: int, stage_size: int, prepare: Callable[[int], None] | None,
                retire: Callable[[int], None] | None) -> None:
    release_inherited_locks()
    # No cyclic collection while analysing: its full passes over the worker's growing word
    # caches and term arrays took a fifth of the worker's time, and the analysis makes
    # hardly any cycles (15 objects in 4,500 articles; none found after 6,000 since
    # _storage_class). Collected once per segment instead, and what survives is frozen:
    # the next collection looks only at the objects made since (a full one over a warm
    # worker's ~570,000 objects took 0.3-0.5 s per segment).
    gc.disable()
    try:
        if prepare is not None:
            prepare(home)
        writer = segment_writer(Path(gen_dir))
        written = 0
        while True:
            batch = _next_batch(lanes, home, parent)
            if batch is None:
                break
            summaries = []
            for start in range(0, len(batch), stage_size):
                for fields, summary in handle(batch[start:start + stage_size]):
                    if fields is not None:
                        writer.add_document(**fields)
                        written += 1
                    summaries.append(summary)
            results.put(("batch", summaries))
            if written >= docs_per_segment:  # a full segment: hand it over, start the next
                results.put(("segment", writer._finalize_segment()))
                writer = segment_writer(Path(gen_dir))
                written = 0
                gc.collect()
                gc.freeze()
        if writer._added:
            segment = writer._finalize_segment()
        else:
            writer._close_segment()
            segment = None
        # no tempstorage.destroy(): the directory is shared with the parent's writer
        if retire is not None:
            retire(home)  # with the worker's lane, once its work is done
        results.put(("retired", (os.getpid(), segment)))
    except BaseException as error:  # reported to the parent, which fails the run cleanly
        results.put(("error", f"{type(error).__name__}: {error}"))
        results.close()
        results.join_thread()  # flush the report before leaving
        os._exit(1)


def commit(writer: Any, segments: list[Any], *, merge: bool) -> None:
    """Commit the writer's own changes plus segments written by ShardWriters, atomically."""
    if not segments:
        writer.commit(merge=merge, optimize=False)
        return
    final = writer._merge_segments(None, False, merge)
    if writer._added:
        final.append(writer._finalize_segment())
    else:
        writer._close_segment()
    writer._commit_toc(final + segments)
    writer._finish()
