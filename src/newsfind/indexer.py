"""Incremental and full indexing: which articles are new, changed or gone, and writing them.

Files are read in the main process; analysis, extraction and posting writing run in one
forked worker per core (store.ShardWriters), whose segments the main process commits
together with its deletions. Progress reaches callers via callbacks.
"""
from __future__ import annotations

import math
import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache, partial
from itertools import chain, islice
from pathlib import Path
from sys import intern
from typing import Any

from . import layout
from .analysis import LANGS
from .articles import (
    JSON_SUFFIXES,
    JSONL_SUFFIXES,
    Article,
    SourceFile,
    article_file_paths,
    estimate_jsonl_records,
    find_article_files,
    load_file,
)
from .errors import BadArticle

Progress = Callable[[int, int], None]  # (files done, files to do)
Notice = Callable[[str], None]

# Below this many articles to analyse, worker processes cost more than they save (forking
# costs a few milliseconds; one cold article ~6 ms of analysis).
PARALLEL_THRESHOLD = 50
BULK_THRESHOLD = 200  # from this many, the lexicons are parsed whole before the fork
# Batches of the first BULK_THRESHOLD articles are small, so that a small run is shared
# evenly between the workers; later ones larger, which keeps the queues' overhead small.
# 100 new articles into a 10k index, medians of 6 alternating runs: 0.937 s with batches of
# 16, 0.889 with 4 (and 0.707 / 0.672 on a faster hour).
FIRST_BATCH_SIZE = 4
BATCH_SIZE = 128
# A worker then writes its segment out and starts the next. Its memory keeps the high-water
# mark of the largest segment's postings (the term arrays of index formats 4 and 5: 62 MB at
# 5,000 articles, 91 at 10,000; format 3 took 79 and 126). Larger segments repeat fewer
# terms: 10,000 of the bench's articles were written in 2.95 s as one segment, 3.55 as two. The 100k build with
# 7,000 (16 segments) against 5,000 (20), alternated: 81.3 / 83.3 s against 83.4 / 87.6,
# tree PSS 551 MB against 529, index 535 MB against 556.
DOCS_PER_SEGMENT = 7_000
# A fresh build knows its size (a JSON Lines file's from a sample: estimate_jsonl_records,
# ~7% high on the bench's .jsonl.gz), and each worker's share is cut into
# equal segments of at most DOCS_PER_SEGMENT (5% to spare). A share that fits one segment
# gets one, with room for 25% more: the workers' shares differ (English articles cost less,
# so the worker of that lane takes 10-12% more of them at 10k), and a worker whose
# segment filled up shortly before the end wrote it out (~2.5 s at 5,000) while the other
# finished the run alone and then wrote its own: a 10k build's last 1.5-2 s had one busy.
SEGMENT_SLACK = 1.05
ONE_SEGMENT_SLACK = 1.25
# A share up to this much over DOCS_PER_SEGMENT still gets one segment: the estimate of a
# JSON Lines file's length may be some percent high (10,698 for the bench's 10k), and a
# share cut in two for that wrote twice the segments (four in all, 71 MB instead of 62)
# and took 23.2 s to build where the same articles as .md files took 20.0.
ONE_SEGMENT_STRETCH = 1.1


@dataclass
class IndexReport:
    """What one `newsfind index` run did."""

    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    skipped: int = 0
    problems: list[str] = field(default_factory=list)
    elapsed: float = 0.0
    index_dir: str = ""
    total: int = 0

    def summary(self) -> str:
        return (f"{self.added} added, {self.updated} updated, {self.removed} removed, "
                f"{self.unchanged} unchanged, {self.skipped} skipped "
                f"({self.total} articles in {self.elapsed:.1f}s)")

    def to_json(self) -> dict[str, Any]:
        return {"added": self.added, "updated": self.updated, "removed": self.removed,
                "unchanged": self.unchanged, "skipped": self.skipped, "total": self.total,
                "elapsed": round(self.elapsed, 3), "index": self.index_dir, "problems": self.problems}


# --- analysis of one article (worker side) ------------------------------------------------

def name_key(name: str) -> str:
    """Spelling-insensitive key of a place or person: case, accents, spaces, hyphens ignored."""
    from .analysis import fold

    return "".join(ch for ch in fold(name) if ch.isalnum())


# The keys of the names an indexing run meets, again and again ("Vienna", "Barack Obama"):
# ~2 µs each to make, for ~7 names an article.
_place_key = lru_cache(maxsize=8192)(name_key)


@lru_cache(maxsize=8192)
def _leader_key(name: str) -> str:
    from .extract import leader_key

    return leader_key(name)


def canonical_places(names: Iterable[str]) -> list[str]:
    from .extract import canonical_place

    return list(dict.fromkeys(canonical_place(name) or name for name in names))


@dataclass(frozen=True)
class Findings:
    """What language detection and metadata extraction found for one article's content."""

    lang: str
    date: str | None
    places: list[str]
    leaders: list[str]
    origin: dict[str, Any]


def find_metadata(article: Article) -> Findings:
    """Language and metadata: what the file gives wins, the rest is detected or extracted."""
    from .extract import extract_metadata

    lang, wanted = _looked_for(article)
    extracted = extract_metadata(article.title, article.body, lang, **wanted) if any(wanted.values()) else None
    return _findings(article, lang, extracted)


def _looked_for(article: Article) -> tuple[str, dict[str, bool]]:
    """The article's language (given or detected) and which metadata it leaves to extraction."""
    from .analysis import detect_language

    lang = article.lang or detect_language(f"{article.title}\n{article.body[:2000]}")
    return lang, {"date": article.date is None, "places": article.places is None, "leaders": article.leaders is None}


def _findings(article: Article, lang: str, extracted: Any) -> Findings:
    date_iso = article.date if article.date is not None else (extracted.date if extracted else None)
    places = canonical_places(article.places) if article.places is not None else list(extracted.places)
    leaders = list(article.leaders) if article.leaders is not None else list(extracted.leaders)
    origin = {
        "lang": "file" if article.lang else "detected",
        "date": "file" if article.date else ("text" if date_iso else None),
        "places": "file" if article.places is not None else "text",
        "leaders": "file" if article.leaders is not None else "text",
    }
    return Findings(lang, date_iso, places, leaders, origin)


def _findings_of(jobs: list[Job]) -> list[Findings | BadArticle]:
    """``find_metadata`` of each job's article (its findings when it has them), one
    extractor at a time over all of them (extract_metadata_of); problems as BadArticle."""
    from .extract import extract_metadata_of

    found: list[Any] = []
    for article, findings in jobs:
        try:
            found.append(findings or _looked_for(article))
        except Exception as error:  # noqa: BLE001 - one article must never stop the run
            found.append(_unanalysable(article, error))
    asked = [i for i, item in enumerate(found) if type(item) is tuple and any(item[1].values())]
    extracted = extract_metadata_of([(jobs[i][0].title, jobs[i][0].body, *found[i]) for i in asked])
    metadata: dict[int, Any] = dict(zip(asked, extracted))
    for i, item in enumerate(found):
        if type(item) is tuple:
            result = metadata.get(i)
            article = jobs[i][0]
            try:
                if isinstance(result, Exception):
                    raise result
                found[i] = _findings(article, item[0], result)
            except Exception as error:  # noqa: BLE001 - one article must never stop the run
                found[i] = _unanalysable(article, error)
    return found


def prepare(article: Article, findings: Findings | None = None) -> tuple[dict[str, Any], list[str]]:
    """The writer's fields for one article, plus its leader spellings.

    ``findings`` from an identical article already indexed (a moved file) skip detection
    and extraction.
    """
    from . import store

    found = findings or find_metadata(article)
    stored = {
        "title": article.title, "body": article.body, "date": found.date, "places": found.places,
        "leaders": found.leaders, "url": article.url, "publisher": article.publisher, "origin": found.origin,
        "abs_path": os.path.abspath(article.source),
    }
    fields = store.make_document(
        article_id=article.id, content_hash=article.hash, source=article.source, lang=found.lang,
        title=article.title, body=article.body, date_iso=found.date,
        place_keys=dict.fromkeys(key for key in map(_place_key, found.places) if key),
        leader_keys=dict.fromkeys(key for key in map(_leader_key, found.leaders) if key),
        stored=stored,
    )
    return fields, found.leaders


Job = tuple[Article, Findings | None]


def _prepare_safely(job: Job) -> tuple[dict[str, Any], list[str]] | BadArticle:
    article, findings = job
    try:
        return prepare(article, findings)
    except Exception as error:  # noqa: BLE001 - one article must never stop the run
        return _unanalysable(article, error)


def _unanalysable(article: Article, error: Exception) -> BadArticle:
    return BadArticle(article.source, f"article {article.id!r} could not be analysed: {error}")


# Words of each language whose analyses a build saves for later runs (words-<lang>.marshal),
# the first met. A 10k build's saved words cover all but ~230 of the 11,700 distinct words of
# the bench's 100 new articles (30,000 leave ~2,500), and load in ~25 ms.
SAVED_WORDS = 50_000


_WORDS_MAGIC = b"NFWORDS1"  # then the analysis fingerprint (32 hex digits), the CRC-32 of the rest, marshal data


def _words_path(gen_dir: Path, lang: str) -> Path:
    return gen_dir / f"words-{lang}.marshal"


def _save_words(gen_dir: Path, lane: int) -> None:
    """Save the analyses of the lane's language (a worker's, as it retires; the run's own
    without workers). A cache: any failure leaves the build as it is."""
    import marshal
    import zlib

    from .analysis import analysis_fingerprint, saved_analyses

    lang = LANGS[lane % len(LANGS)]
    path = _words_path(gen_dir, lang)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        saved = saved_analyses(lang, SAVED_WORDS)
        if saved:
            data = marshal.dumps(saved)
            tmp.write_bytes(b"".join((_WORDS_MAGIC, analysis_fingerprint().encode("ascii"),
                                      zlib.crc32(data).to_bytes(4, "big"), data)))
            os.replace(tmp, path)
    except Exception:  # noqa: BLE001 - only a later run's speed is at stake
        tmp.unlink(missing_ok=True)


def _load_words(gen_dir: Path, langs: Iterable[str] = LANGS) -> None:
    """Start from the analyses a build saved, when this version analyses words the same.
    The checksum keeps a damaged file from marshal (which may allocate whatever length a
    damaged byte says); a file made to pass it is trusted as Whoosh's segments are (which
    it unpickles)."""
    import gc
    import marshal
    import zlib

    from .analysis import analysis_fingerprint, use_saved_analyses

    head = len(_WORDS_MAGIC) + 32
    for lang in langs:
        try:
            raw = _words_path(gen_dir, lang).read_bytes()
        except OSError:
            continue
        data = memoryview(raw)[head + 4:]
        if raw[:head] != _WORDS_MAGIC + analysis_fingerprint().encode("ascii") \
                or int.from_bytes(raw[head:head + 4], "big") != zlib.crc32(data):
            continue
        collecting = gc.isenabled()
        gc.disable()  # ~100,000 tuples and strings: the collector would pass over them repeatedly
        try:
            saved = marshal.loads(data)
        except (ValueError, EOFError, TypeError):
            continue
        finally:
            if collecting:
                gc.enable()
        if isinstance(saved, dict):
            use_saved_analyses(lang, saved)


def _warm_up(bulk: bool, gen_dir: Path | None = None) -> None:
    """Load analysis and gazetteer data once, before forking workers that share it
    (``gen_dir``: an existing index's, whose saved analyses are loaded too)."""
    from .analysis import prepare_bulk_indexing
    from .extract import prepare_bulk_extraction

    if bulk:
        prepare_bulk_indexing()
        prepare_bulk_extraction()
    if gen_dir is not None:
        _load_words(gen_dir)
    prepare(_WARM_UP["de"])


_WARM_UP = {  # an article of each language, for the lazily loaded tables and patterns
    "de": Article(id="warm-up", title="Warm-up", body="Präsident Lee traf am 1. Mai 2020 in Tokio ein.",
                  source="", hash="0"),
    "en": Article(id="warm-up", title="Warm-up", body="President Lee arrived in Tokyo on 1 May 2020.",
                  source="", hash="0"),
}


def _warm_up_worker(lane: int) -> None:
    """A worker's own warm-up, when it was started before the scan (``_start_workers``):
    its lane's language first, then the other (it may take the other lane's work). The
    saved words were loaded before the fork, once for all workers: each worker loading both
    languages for itself (~65 ms of CPU each, marshal and spot checks) made a third busy
    process on two cores while this one scanned; 100 new articles into a 10k index,
    alternated, median of 12: 0.454 s against 0.477."""
    langs = sorted(LANGS, key=lambda lang: lang != LANGS[lane % len(LANGS)])
    for lang in langs:
        prepare(_WARM_UP[lang])


# --- the run --------------------------------------------------------------------------------

@dataclass(slots=True)
class _Pending:
    """One file to consider, as plain strings: a run may hold 100,000 of them at once
    (Path objects would take 70 MB); stat and absolute path are taken as it comes up."""

    source: str  # the path as found (str of SourceFile.path)
    rel: str  # SourceFile.rel
    abs_path: str  # os.path.abspath(source)

    def file(self) -> SourceFile:
        return SourceFile(Path(self.source), self.rel)


def index_paths(paths: Iterable[Path], index_dir: Path, *, rebuild: bool = False,
                progress: Progress | None = None, notice: Notice | None = None,
                workers: int | None = None) -> IndexReport:
    """Bring the index at ``index_dir`` in line with the article files under ``paths``."""
    started = time.monotonic()
    notice = notice or (lambda _m: None)
    paths = [Path(p) for p in paths]
    index_dir = Path(index_dir)
    report = IndexReport(index_dir=str(index_dir))
    with layout.writer_lock(index_dir):
        # generations left by a killed rebuild are never live: clear them first
        layout.remove_stale_generations(index_dir, keep=_live_name(index_dir))
        ix, gen_dir, manifest, fresh = _open_for_writing(index_dir, rebuild, notice)
        try:
            _run(ix, gen_dir, manifest, fresh, paths, report, progress, notice, workers)
        except BaseException:
            if fresh:  # a half-built generation never becomes live
                layout.remove_stale_generations(index_dir, keep=_live_name(index_dir))
            raise
        finally:
            ix.close()
    report.elapsed = time.monotonic() - started
    return report


def _live_name(index_dir: Path) -> str:
    live = layout.live_generation(index_dir) if layout.index_exists(index_dir) else None
    return live.name if live else ""


class _Index:
    """The Whoosh index of a run, opened when first needed: a run that finds nothing new,
    changed or gone reads only the manifest (Whoosh's import and opening every segment
    cost such a run of 10,000 articles ~0.1 s of its 0.4)."""

    def __init__(self, index_dir: Path, ix: Any = None) -> None:
        self.index_dir = index_dir
        self._ix = ix

    def get(self) -> Any:
        if self._ix is None:
            from . import store

            self._ix, _gen_dir = store.open_whoosh(self.index_dir)  # checks it for damage
        return self._ix

    def close(self) -> None:
        if self._ix is not None:
            self._ix.close()


def _open_for_writing(index_dir: Path, rebuild: bool, notice: Notice) -> tuple[_Index, Path, layout.Manifest, bool]:
    if not rebuild and layout.index_exists(index_dir):
        index = _Index(index_dir)
        gen_dir = layout.checked_generation(index_dir)
        generation = layout.toc_generation(gen_dir)
        manifest = layout.read_manifest(gen_dir, generation) if generation >= 0 else None
        if manifest is None:  # Whoosh's TOC tells (or finds the index damaged)
            from . import store

            manifest = layout.read_manifest(gen_dir, store.index_generation_number(index.get()))
        if manifest is None:
            notice("note: index manifest is out of date (an earlier run was interrupted); recovering it")
            manifest = _recover_manifest(index.get())
        return index, gen_dir, manifest, False
    from . import store

    gen_dir = layout.new_generation_dir(index_dir)
    return _Index(index_dir, store.create_whoosh(gen_dir)), gen_dir, layout.Manifest(), True


def _recover_manifest(ix: Any) -> layout.Manifest:
    from . import store

    manifest = layout.Manifest(generation=store.index_generation_number(ix))
    for fields in store.stored_documents(ix):
        doc = fields.get("doc") or {}
        manifest.articles[fields["id"]] = [fields.get("hash", ""), fields.get("source", ""),
                                           doc.get("abs_path", ""), doc.get("leaders", [])]
    return manifest


def _under(abs_path: str, roots: list[str]) -> bool:
    return any(abs_path == root or abs_path.startswith(root.rstrip(os.sep) + os.sep) for root in roots)


def _run(ix: _Index, gen_dir: Path, manifest: layout.Manifest, fresh: bool, paths: list[Path],
         report: IndexReport, progress: Progress | None, notice: Notice, workers: int | None) -> None:
    def problem(message: str) -> None:
        report.problems.append(message)
        notice(f"warning: {message}")

    roots = [os.path.abspath(p) for p in paths]
    pending = [_Pending(*found) for found in article_file_paths(paths, notice)]
    # a fresh build knows its size (taken now: the scan clears pending)
    expected = _expected_articles(pending) if fresh else None
    seen: dict[str, str] = {}  # id -> source that won it this run
    files: dict[str, list[Any]] = {}
    # Reading and writing stream: at 100k articles nothing holds them all in memory.
    relocated: set[str] = set()
    count = workers if workers is not None else (os.cpu_count() or 1)
    shards = count if count > 1 else 0
    shard_writers = None
    # A few new files in an index of many: the workers prepare their tables (~45 ms each)
    # while this process scans the files it knows (10,000 take ~50 ms); only the saved words
    # are loaded before the fork, once for all (_start_workers). 100 new files into a 10k
    # index, alternated: 0.344 s against 0.389 with the whole warm-up here, after the scan.
    if shards and not fresh and PARALLEL_THRESHOLD <= (_new_articles(pending, manifest) or 0) < BULK_THRESHOLD:
        shard_writers = _start_workers(gen_dir, shards, fresh=False, bulk=False, before_scan=True,
                                       docs_per_segment=segment_size(expected, shards))
    try:
        to_write = _scan(pending, manifest, seen, files, relocated, report, problem, notice, progress)
        jobs: Iterator[Job] = _with_known_findings(to_write, manifest, ix)
        if shard_writers is None:
            # Worker processes pay off only for real work: look ahead before starting them.
            head = list(islice(jobs, max(PARALLEL_THRESHOLD, BULK_THRESHOLD)))
            if shards and len(head) >= PARALLEL_THRESHOLD:
                shard_writers = _start_workers(gen_dir, shards, fresh=fresh, bulk=len(head) >= BULK_THRESHOLD,
                                               docs_per_segment=segment_size(expected, shards))
            jobs = chain(head, jobs)
        _write(ix, gen_dir, manifest, fresh, roots, seen, files, relocated, jobs, shard_writers, report, problem)
    except BaseException:
        if shard_writers is not None:
            shard_writers.cancel()
        raise
    layout.remove_old_manifests(gen_dir, manifest.generation)
    if fresh:
        layout.switch_generation(gen_dir.parent, gen_dir)
    report.total = len(manifest.articles)


def _new_articles(pending: list[_Pending], manifest: layout.Manifest) -> int | None:
    """About how many articles the files the index has never seen hold (None: a JSON file
    among them, of any length; changed files tell only by a stat)."""
    known = manifest.files
    return _expected_articles([item for item in pending if item.abs_path not in known])


def _start_workers(gen_dir: Path, count: int, *, fresh: bool, bulk: bool, docs_per_segment: int,
                   before_scan: bool = False) -> Any:
    """``count`` worker processes (store.ShardWriters) for the run. Their data is loaded
    here once, before the fork, to be shared; or, ``before_scan``, by each worker for itself
    while this process goes on (for a run of a few new articles)."""
    from . import store

    if before_scan:
        # the extractors' code, which every process runs (this one for the leader names)
        from .extract import _metadata, dates, leaders, places  # noqa: F401

        _load_words(gen_dir)  # once for both workers, which share it
    else:
        _warm_up(bulk, None if fresh else gen_dir)
    return store.ShardWriters(gen_dir, count, _analysed_stages, docs_per_segment=docs_per_segment,
                              stage_size=STAGE_SIZE, lanes=len(LANGS),
                              prepare=_warm_up_worker if before_scan else None,
                              retire=partial(_save_words, gen_dir) if fresh else None)


def _expected_articles(pending: list[_Pending]) -> int | None:
    """About how many articles the files hold: one each, a JSON Lines file's estimated
    lines; None with a JSON file among them (an object or a list of any length)."""
    count = 0
    for item in pending:
        name = item.source.lower()
        if name.endswith(JSON_SUFFIXES):
            return None
        if name.endswith(JSONL_SUFFIXES):
            lines = estimate_jsonl_records(Path(item.source))
            if lines is None:
                return None
            count += lines
        else:
            count += 1
    return count


def segment_size(expected: int | None, workers: int) -> int:
    """Documents per worker segment, for a run of ``expected`` articles (None: unknown)."""
    if not expected or workers < 1:
        return DOCS_PER_SEGMENT
    share = expected / workers
    segments = math.ceil(share / DOCS_PER_SEGMENT)
    if share <= DOCS_PER_SEGMENT * ONE_SEGMENT_STRETCH:
        return math.ceil(share * ONE_SEGMENT_SLACK)
    return math.ceil(share / segments * SEGMENT_SLACK)


def _write(ix: _Index, gen_dir: Path, manifest: layout.Manifest, fresh: bool, roots: list[str],
           seen: dict[str, str], files: dict[str, list[Any]], relocated: set[str], jobs: Iterator[Job],
           workers: Any, report: IndexReport, problem: Notice) -> None:
    """Analyse and write the jobs (in ``workers``, store.ShardWriters, or here when None);
    then deletions, the manifest, and one commit. Whoosh's writer is made when first
    needed, after the fork (workers must not inherit its lock): a run with nothing to
    write never opens the index."""
    made: list[Any] = []

    def writer() -> Any:
        if not made:
            from . import store

            made.append(store.writer(ix.get()))
        return made[0]

    def record(summary: Any) -> None:
        if isinstance(summary, BadArticle):
            problem(summary.message)
            report.skipped += 1
            return
        # the worker's copies of strings this process holds already (scan, seen, files):
        # interned, one copy each stays (at 100k articles ~30 MB less)
        article_id, content_hash, source, abs_path, leaders = summary
        article_id, source, abs_path = intern(article_id), intern(source), intern(abs_path)
        if article_id in manifest.articles:
            writer().delete_by_term("id", article_id)  # the old version, in an existing segment
            if article_id not in relocated:
                report.updated += 1
        else:
            report.added += 1
        manifest.articles[article_id] = [content_hash, source, abs_path, leaders]

    segments: list[Any] = []
    try:
        if workers is not None:
            for lane, batch in _batches(jobs, FIRST_BATCH_SIZE, BATCH_SIZE, BULK_THRESHOLD):
                for summaries in workers.submit(batch, lane):
                    for summary in summaries:
                        record(summary)
            for summaries in workers.finish():
                for summary in summaries:
                    record(summary)
            # the workers now write their last segments out: this process does the rest
            # meanwhile, up to the commit (at 10k articles leader names and the manifest,
            # ~15 ms, where the workers' last segments take 35 ms for 50 articles each)
        else:
            # new documents go to a segment of their own, written like the workers' (the
            # main writer keeps deletions and merges)
            added = None
            for fields, summary in (result for stage in iter(lambda: list(islice(jobs, STAGE_SIZE)), [])
                                    for result in _analysed_stages(stage)):
                if fields is not None:
                    if added is None:
                        from . import store

                        added = store.segment_writer(gen_dir)
                    added.add_document(**fields)
                record(summary)
            if added is not None:
                segments = [added._finalize_segment()]
            if fresh:
                for lane in range(len(LANGS)):
                    _save_words(gen_dir, lane)
        gone = [i for i, entry in manifest.articles.items() if i not in seen and _under(entry[2], roots)]
        for i in gone:
            writer().delete_by_term("id", i)
            del manifest.articles[i]
        report.removed = len(gone)
        removed_files = [path for path in manifest.files if path not in files and _under(path, roots)]
        for abs_path in removed_files:
            del manifest.files[abs_path]
        stats_changed = any(manifest.files.get(path) != entry for path, entry in files.items())
        manifest.files.update(files)
        if report.added or report.updated or gone or fresh or relocated:
            from . import store

            manifest.leader_names = _leader_names(manifest)
            manifest.generation = writer().generation
            layout.write_manifest(gen_dir, manifest)  # before the commit: see write_manifest
            if not fresh:
                layout.write_format(gen_dir)  # its new segments may be of this version's format
            store.commit(writer(), workers.segments() if workers is not None else segments, merge=not fresh)
        else:
            if workers is not None:
                workers.segments()  # none: nothing was added
            if made:
                made[0].cancel()
            if stats_changed or removed_files:
                layout.write_manifest(gen_dir, manifest)  # same generation, fresher file stats
    except BaseException:
        try:
            if made:
                made[0].cancel()
        except Exception:  # noqa: BLE001 - a half-committed writer may not cancel; the original error matters
            pass
        raise


# Jobs are analysed a few at a time, stage by stage (metadata of each, then analysis of each,
# then the worker adds each to its segment): each stage's tables and caches stay in the CPU's
# caches, where one article after another through all stages evicts them. 3,000 of the
# bench's German articles, one process, alternated: 0.94 ms an article against 1.06 (English
# 0.72 against 0.81); stages of 8 to 64 articles did about as well.
STAGE_SIZE = 32


def _analysed_stages(jobs: list[Job]) -> list[tuple[dict[str, Any] | None, Any]]:
    """``_analysed`` of each job (a few), the metadata of all before the analysis of any."""
    found = _findings_of(jobs)
    return [(None, findings) if isinstance(findings, BadArticle) else _analysed((job[0], findings))
            for job, findings in zip(jobs, found)]


def _analysed(job: Job) -> tuple[dict[str, Any] | None, Any]:
    """The writer's fields for one job and the summary the parent records (or the problem)."""
    article, _findings = job
    result = _prepare_safely(job)
    if isinstance(result, BadArticle):
        return None, result
    fields, leaders = result
    return fields, (article.id, article.hash, article.source, fields["doc"]["abs_path"], leaders)


def _with_known_findings(articles: Iterator[Article], manifest: layout.Manifest, ix: _Index) -> Iterator[Job]:
    """Pair each new article with the findings of an indexed one of the same content, if any."""
    by_hash = {entry[0]: article_id for article_id, entry in manifest.articles.items()}
    for article in articles:
        twin = by_hash.get(article.hash)  # a moved file, or the same file by another path
        stored = None
        if twin:
            from . import store

            stored = store.stored_document(ix.get(), twin)
        if stored is None:
            yield article, None
            continue
        doc = stored["doc"]
        yield article, Findings(stored["lang"], doc["date"], list(doc["places"]), list(doc["leaders"]),
                                dict(doc.get("origin", {})))


def _scan(pending: list[_Pending], manifest: layout.Manifest, seen: dict[str, str],
          files: dict[str, list[Any]], relocated: set[str], report: IndexReport, problem: Notice,
          notice: Notice, progress: Progress | None) -> Iterator[Article]:
    """Articles to write, in path order: new, changed, and unchanged ones reached by another
    path (``relocated``: stored again, counted unchanged); counts the rest as unchanged or
    skipped."""
    for done, item in enumerate(pending, start=1):
        if progress:
            progress(done, len(pending))
        pending[done - 1] = None  # type: ignore[call-overload]  # done with: its strings go
        source = intern(item.source)
        abs_path = intern(item.abs_path)
        stat = _stat(source)
        known = manifest.files.get(abs_path)
        if stat and known and known[0] == stat[0] and known[1] == stat[1] \
                and all(manifest.articles.get(i, [None, None, abs_path])[2] == abs_path for i in known[2]):
            ids = [i for i in known[2] if _claim(i, source, seen, problem)]
            report.unchanged += len(ids)
            files[abs_path] = [stat[0], stat[1], ids]
            continue
        ids = []
        whole_file_failed = had_problems = False
        for record in load_file(item.file(), source, notice):
            if isinstance(record, BadArticle):
                problem(record.message)
                report.skipped += 1
                had_problems = True
                whole_file_failed = whole_file_failed or (record.line is None and not ids)
                continue
            article_id = intern(record.id)
            if not _claim(article_id, source, seen, problem):
                had_problems = True  # read again next run, so the warning repeats
                continue
            ids.append(article_id)
            old = manifest.articles.get(article_id)
            if old and old[0] == record.hash:
                report.unchanged += 1
                old[2] = abs_path  # where it is now, for removals (a copied folder)
                if old[1] != source:  # same article, reached by another path: store the new one
                    relocated.add(record.id)
                    yield record
            else:
                yield record
        if whole_file_failed and known:  # unreadable now: keep what it gave before
            for i in known[2]:
                if i not in seen and i in manifest.articles:
                    seen[i] = source
                    ids.append(i)
        if stat:
            # a file with problems is read again next time, so it is reported until fixed
            size, mtime = (-1, -1) if had_problems else stat
            files[abs_path] = [size, mtime, ids]


def _claim(article_id: str, source: str, seen: dict[str, str], problem: Notice) -> bool:
    """The first file (in path order) to give an id keeps it; later ones are reported."""
    owner = seen.get(article_id)
    if owner is None:
        seen[article_id] = source
        return True
    where = "twice in " + source if owner == source else f"in {owner} and {source}"
    problem(f"duplicate id {article_id!r} {where}; keeping the one from {owner}")
    return False


def _stat(path: str) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_size, info.st_mtime_ns


def _batches(items: Iterator[Job], first: int, later: int, switch: int) -> Iterator[tuple[int, list[Job]]]:
    """(lane, batch): the articles of each language in batches of their own (lane = the
    language's place in LANGS), of ``first`` items while fewer than ``switch`` items were
    handed out, then of ``later``."""
    open_batches: list[list[Job]] = [[] for _ in LANGS]
    handed = 0
    for item in items:
        lane = _lane(item[0])
        batch = open_batches[lane]
        batch.append(item)
        if len(batch) >= (first if handed < switch else later):
            handed += len(batch)
            yield lane, batch
            open_batches[lane] = []
    for lane, batch in enumerate(open_batches):
        if batch:
            yield lane, batch


def _lane(article: Article) -> int:
    """Which language's workers an article goes to: the file's language, else a guess by
    a few frequent words (str.count is fast; the worker detects the language properly)."""
    if article.lang in LANGS:
        return LANGS.index(article.lang)
    text = f" {article.title} {article.body[:2000]} "
    german = text.count(" der ") + text.count(" die ") + text.count(" und ")
    english = text.count(" the ") + text.count(" and ") + text.count(" of ")
    return LANGS.index("de" if german > english else "en")


def _leader_names(manifest: layout.Manifest) -> dict[str, str]:
    """One display name per person across the index: the fullest spelling of its variants."""
    from .extract import canonical_leader, leader_key

    # each distinct spelling once, in order of first use (max() keeps the first of equals)
    spellings = dict.fromkeys(name for entry in manifest.articles.values()
                              for name in (entry[3] if len(entry) > 3 else ()))
    variants: dict[str, list[str]] = {}
    for name in spellings:
        variants.setdefault(leader_key(name), []).append(name)
    return {key: canonical_leader(names) for key, names in variants.items() if key}


# --- check ------------------------------------------------------------------------------------

@dataclass
class CheckReport:
    """Drift between index, manifest and article files; empty lists mean all agree."""

    articles: int = 0
    files: int = 0
    missing_files: list[str] = field(default_factory=list)  # indexed, gone from disk
    changed_files: list[str] = field(default_factory=list)  # content differs from the index
    new_files: list[str] = field(default_factory=list)  # under PATH, not indexed
    orphaned: list[str] = field(default_factory=list)  # in the index, not in the manifest
    unindexed: list[str] = field(default_factory=list)  # in the manifest, not in the index
    stale: list[str] = field(default_factory=list)  # index and manifest disagree on the hash

    @property
    def drift(self) -> bool:
        return any((self.missing_files, self.changed_files, self.new_files, self.orphaned,
                    self.unindexed, self.stale))

    def to_json(self) -> dict[str, Any]:
        return {"ok": not self.drift, "articles": self.articles, "files": self.files,
                "missing_files": self.missing_files, "changed_files": self.changed_files,
                "new_files": self.new_files, "orphaned": self.orphaned,
                "unindexed": self.unindexed, "stale": self.stale}


def check_index(index_dir: Path, paths: Iterable[Path] = ()) -> CheckReport:
    """Verify index, manifest and files against each other (reads files whose stat changed)."""
    index_dir = Path(index_dir)
    from . import store

    ix, gen_dir = store.open_whoosh(index_dir)
    try:
        manifest = store.read_manifest(gen_dir, store.index_generation_number(ix)) or store.Manifest()
        indexed = {fields["id"]: fields.get("hash", "") for fields in store.indexed_ids(ix)}
    finally:
        ix.close()
    report = CheckReport(articles=len(indexed), files=len(manifest.files))
    report.orphaned = sorted(set(indexed) - set(manifest.articles))
    report.unindexed = sorted(set(manifest.articles) - set(indexed))
    report.stale = sorted(i for i, entry in manifest.articles.items() if i in indexed and indexed[i] != entry[0])
    for abs_path, (size, mtime, ids) in sorted(manifest.files.items()):
        stat = _stat(abs_path)
        if stat is None:
            report.missing_files.append(abs_path)
        elif (size, mtime) != stat and _file_changed(Path(abs_path), ids, manifest):
            report.changed_files.append(abs_path)
    for file in find_article_files([Path(p) for p in paths]):
        if os.path.abspath(file.path) not in manifest.files:
            report.new_files.append(str(file.path))
    return report


def _file_changed(path: Path, ids: list[str], manifest: layout.Manifest) -> bool:
    """Whether a file's articles differ from the indexed ones (hashes are of content only)."""
    found = sorted(record.hash for record in load_file(SourceFile(path, path.name), str(path))
                   if isinstance(record, Article))
    return found != sorted(manifest.articles.get(i, [""])[0] for i in ids)
