"""Safe reindexing and bad input: locking, versions, damage, and messy article folders."""
from __future__ import annotations

import builtins
import gzip
import json
import os
import shutil
import threading
import time
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from newsfind import layout, store
from newsfind.articles import Article
from newsfind.cli import app
from newsfind.errors import IndexDamaged, IndexVersionMismatch
from newsfind.indexer import check_index, index_paths
from newsfind.query import open_index

runner = CliRunner()


def cli(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def ids(index: Path) -> set[str]:
    with open_index(index) as news:
        return {hit.id for hit in news.iter_search("*")}


@pytest.fixture
def built(articles_copy: Path, tmp_path: Path) -> Path:
    index = tmp_path / "index"
    index_paths([articles_copy], index)
    return index


# --- locking, versions, damage ------------------------------------------------------------

def test_second_writer_waits_then_fails_naming_the_process(built: Path, articles_copy: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(layout, "LOCK_WAIT_SECONDS", 0.3)
    with store.writer_lock(built):
        started = time.monotonic()
        code, _, err = cli("index", str(articles_copy), "--index", str(built))
        assert time.monotonic() - started >= 0.3
    assert code == 1 and f"being updated by process {os.getpid()}" in err


def test_lock_is_free_again_after_the_holder_finishes(built: Path, articles_copy: Path) -> None:
    with store.writer_lock(built):
        pass
    assert index_paths([articles_copy], built).unchanged == 5


def test_search_works_while_the_index_is_locked_for_writing(built: Path) -> None:
    with store.writer_lock(built):
        code, out, _ = cli("search", "Gipfel", "--index", str(built), "--format", "ids")
    assert code == 0 and "001_198eb1c213479033" in out


def test_other_format_version_asks_for_rebuild(built: Path) -> None:
    gen = store.live_generation(built)
    (gen / store.FORMAT_FILE).write_text(json.dumps({"format": 999}), encoding="utf-8")
    with pytest.raises(IndexVersionMismatch, match="--rebuild"):
        open_index(built)
    code, _, err = cli("search", "Korea", "--index", str(built))
    assert code == 1 and "newsfind index --rebuild" in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("version", [2, 3, 4, 5])
def test_older_format_index_is_read_and_a_write_makes_it_current(
        version: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Format 2 wrote every posting block as Whoosh's tuples; format 3 packs blocks of
    _pool._PACKED_MIN postings and more with their encoded values (PackedValues); format 4
    with the positions themselves (PackedPositions), compressed; format 5 leaves those
    uncompressed, with the weights pickled as counts. All give the same hits and scores."""
    import newsfind._pool as pool
    from newsfind._packed import PackedValues

    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(60):  # 'Gipfel' in 60 documents: blocks of 60 postings
        (folder / f"a{i:02d}.txt").write_text(
            f"Gipfel {i}\nDer Gipfel in Seoul{' und Tokio' * (i % 3)} am {i % 28 + 1}. Mai 2024.", encoding="utf-8")
    packed = tmp_path / "packed"
    index_paths([folder], packed)
    if version == 2:
        monkeypatch.setattr(pool, "_PACKED_MIN", 10**9)
    elif version == 3:
        monkeypatch.setattr(pool._PositionLists, "packed",
                            lambda self, first, end: PackedValues.of(list(self[first:end])))
    elif version == 4:
        monkeypatch.setattr(pool, "_COMPRESS_POSITIONS", True)
    old = tmp_path / "old"
    index_paths([folder], old)
    (store.live_generation(old) / store.FORMAT_FILE).write_text(json.dumps({"format": version}), encoding="utf-8")

    def hits(index: Path, text: str) -> list[tuple[str, float]]:
        # equal scores in either order: the two runs' workers may split the articles differently
        with open_index(index) as news:
            found = [(hit.id, round(hit.score, 9)) for hit in news.search(text, limit=None).hits]
        assert [score for _, score in found] == sorted((score for _, score in found), reverse=True)
        return sorted(found, key=lambda hit: (-hit[1], hit[0]))

    for text in ("Gipfel", "Tokio", '"Gipfel in Seoul"', "Seoul AND Tokio"):
        assert hits(old, text) == hits(packed, text) and hits(old, text)
    monkeypatch.undo()
    (folder / "new.txt").write_text("Neu\nEin Gipfel in Wien.", encoding="utf-8")
    assert index_paths([folder], old).added == 1
    assert json.loads((store.live_generation(old) / store.FORMAT_FILE).read_text())["format"] == store.FORMAT_VERSION == 5
    assert len(hits(old, "Gipfel")) == 61
    # Whoosh's own merge reads every block (as its matchers do) and writes them its way
    fresh = tmp_path / "fresh"
    index_paths([folder], fresh)
    merged = store.writer(store._open_dir(store.live_generation(old)))
    merged.commit(optimize=True)
    for text in ("Gipfel", "Tokio", '"Gipfel in Seoul"', '"Gipfel in Wien"', "Seoul AND Tokio"):
        assert hits(old, text) == hits(fresh, text) and hits(old, text)


def test_runs_adding_a_few_articles_each_merge_their_segments(tmp_path: Path) -> None:
    """Each run adds a segment; Whoosh merges the small ones, reading every posting back,
    those inlined in term infos too (the fifth one-article run failed there once)."""
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(60):
        (folder / f"a{i:02d}.txt").write_text(f"Gipfel {i}\nDer Gipfel in Seoul am {i % 28 + 1}. Mai 2024.",
                                              encoding="utf-8")
    index = tmp_path / "ix"
    index_paths([folder], index)
    counts = []
    for k in range(8):
        (folder / f"new{k}.txt").write_text(f"Neu {k}\nEin Gipfel in Wien am {k + 1}. Juni 2025.", encoding="utf-8")
        assert index_paths([folder], index).added == 1
        ix, _ = store.open_whoosh(index)
        counts.append(len(ix._segments()))
        ix.close()
    assert any(later < earlier for earlier, later in pairwise(counts))  # merged at least once
    fresh = tmp_path / "fresh"
    index_paths([folder], fresh)

    def hits(at: Path, text: str) -> list[tuple[str, float]]:
        with open_index(at) as news:
            return sorted((hit.id, round(hit.score, 9)) for hit in news.search(text, limit=None).hits)

    for text in ("Gipfel", "Wien", '"Gipfel in Wien"', "Neu AND Juni"):
        assert hits(index, text) == hits(fresh, text) and hits(index, text)
    code, out, _ = cli("search", "Gipfel", "--index", str(index), "--since", "2025-06-03", "--format", "ids")
    assert code == 0 and len(out.split()) == 6


@pytest.mark.parametrize("damage", ["delete-segment", "truncate-segment", "delete-generation"])
def test_damaged_index_gives_a_clear_error(built: Path, damage: str) -> None:
    gen = store.live_generation(built)
    segment = next(p for p in gen.iterdir() if p.suffix == ".seg")
    if damage == "delete-segment":
        segment.unlink()
    elif damage == "truncate-segment":
        segment.write_bytes(segment.read_bytes()[:100])
    else:
        shutil.rmtree(gen)
    with pytest.raises(IndexDamaged, match="--rebuild"):
        with open_index(built) as news:
            news.search("Korea")
    code, _, err = cli("search", "Korea", "--index", str(built))
    assert code == 1 and "damaged" in err and "Traceback" not in err


def test_rebuild_repairs_a_damaged_index(built: Path, articles_copy: Path) -> None:
    gen = store.live_generation(built)
    next(p for p in gen.iterdir() if p.suffix == ".seg").unlink()
    report = index_paths([articles_copy], built, rebuild=True)
    assert report.added == 5 and len(ids(built)) == 5


def test_interrupted_rebuild_leaves_previous_index_live(built: Path, articles_copy: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    def crash(*_args: object, **_kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(layout, "switch_generation", crash)
    (articles_copy / "extra.txt").write_text("Extra\nMehr Text über Seoul.", encoding="utf-8")
    with pytest.raises(KeyboardInterrupt):
        index_paths([articles_copy], built, rebuild=True)
    assert len(ids(built)) == 5
    assert [p.name for p in built.iterdir() if p.name.startswith("gen-")] == [store.live_generation(built).name]


def test_check_reports_drift_and_exit_1(built: Path, articles_copy: Path) -> None:
    assert not check_index(built, [articles_copy]).drift
    (articles_copy / "000_6a60c3fcf6a5c866.txt").write_text("Changed\nNew text.", encoding="utf-8")
    (articles_copy / "004_a4737b3ecd6f7523.txt").unlink()
    (articles_copy / "new.txt").write_text("New\nText.", encoding="utf-8")
    report = check_index(built, [articles_copy])
    assert [Path(p).name for p in report.changed_files] == ["000_6a60c3fcf6a5c866.txt"]
    assert [Path(p).name for p in report.missing_files] == ["004_a4737b3ecd6f7523.txt"]
    assert [Path(p).name for p in report.new_files] == ["new.txt"]
    code, out, _ = cli("check", str(articles_copy), "--index", str(built))
    assert code == 1 and "drift found" in out
    index_paths([articles_copy], built)
    code, out, _ = cli("check", str(articles_copy), "--index", str(built))
    assert code == 0 and out.strip().endswith("ok")


def test_moved_file_reuses_its_metadata(built: Path, articles_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from newsfind import indexer

    calls: list[str] = []
    real = indexer._looked_for  # where detection and extraction start, staged or not
    monkeypatch.setattr(indexer, "_looked_for", lambda article: calls.append(article.id) or real(article))
    (articles_copy / "001_198eb1c213479033.txt").rename(articles_copy / "renamed.txt")
    report = index_paths([articles_copy], built)
    assert (report.added, report.removed, report.unchanged) == (1, 1, 4)
    assert calls == []  # the moved article was not analysed again
    with open_index(built) as news:
        assert news.get("renamed").date == "2026-01-13"


def test_unchanged_files_are_not_read_again(built: Path, articles_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from newsfind import indexer

    monkeypatch.setattr(indexer, "load_file", lambda *a, **k: pytest.fail("re-read an unchanged file"))
    assert index_paths([articles_copy], built).unchanged == 5


def _manifest_files(index: Path) -> dict[str, int]:
    generation = store.live_generation(index)
    return {path.name: path.stat().st_mtime_ns for path in generation.glob("manifest-*")}


def test_run_without_changes_writes_nothing(built: Path, articles_copy: Path) -> None:
    before = _manifest_files(built)
    assert index_paths([articles_copy], built).unchanged == 5
    assert _manifest_files(built) == before


def test_touched_file_updates_the_stats_kept_in_the_manifest(built: Path, articles_copy: Path) -> None:
    before = _manifest_files(built)
    touched = next(articles_copy.glob("*.txt"))
    os.utime(touched, ns=(touched.stat().st_atime_ns, touched.stat().st_mtime_ns + 10**9))
    assert index_paths([articles_copy], built).unchanged == 5
    assert _manifest_files(built).keys() == before.keys() and _manifest_files(built) != before
    generation = store.live_generation(built)
    manifest = store.read_manifest(generation, int(next(iter(before)).split("-")[1].split(".")[0]))
    assert manifest.files[os.path.abspath(touched)][1] == touched.stat().st_mtime_ns


def test_lost_manifest_is_written_again_by_a_run_without_changes(built: Path, articles_copy: Path) -> None:
    for path in store.live_generation(built).glob("manifest-*"):
        path.unlink()
    assert index_paths([articles_copy], built).unchanged == 5
    assert _manifest_files(built)


def test_a_damaged_manifest_is_recovered_from_the_index(built: Path, articles_copy: Path) -> None:
    (path,) = store.live_generation(built).glob("manifest-*")
    raw = bytearray(path.read_bytes())
    raw[len(raw) // 2] ^= 0x40  # one bit: the checksum catches it
    path.write_bytes(bytes(raw))
    notes: list[str] = []
    report = index_paths([articles_copy], built, notice=notes.append)
    assert report.unchanged == 5 and any("recovering" in note for note in notes)
    assert index_paths([articles_copy], built, notice=notes.append).unchanged == 5 and len(notes) == 1


def test_an_index_with_the_json_manifest_of_earlier_versions_is_read(built: Path, articles_copy: Path) -> None:
    generation = store.live_generation(built)
    (path,) = generation.glob("manifest-*")
    number = int(path.name.split("-")[1].split(".")[0])
    manifest = store.read_manifest(generation, number)
    path.unlink()
    (generation / f"manifest-{number}.json").write_text(json.dumps(manifest.to_json()), encoding="utf-8")
    notes: list[str] = []
    assert index_paths([articles_copy], built, notice=notes.append).unchanged == 5 and notes == []
    (articles_copy / "neu.txt").write_text("Neu\nEin Gipfel in Wien.", encoding="utf-8")
    assert index_paths([articles_copy], built, notice=notes.append).added == 1 and notes == []
    assert [p.suffix for p in generation.glob("manifest-*")] == [".marshal"]  # the old one is gone


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=300), st.integers(0, 3))
def test_read_manifest_takes_any_bytes_as_no_manifest(data: bytes, kind: int) -> None:
    import tempfile
    import zlib

    header = (layout._MANIFEST_MAGIC + zlib.crc32(data).to_bytes(4, "big")) if kind == 1 else b""
    raw = [data, header + data, layout._marshalled(data), layout._MANIFEST_MAGIC + data][kind]
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "manifest-3.marshal").write_bytes(raw)
        assert layout.read_manifest(Path(folder), 3) is None


# --- bad input ------------------------------------------------------------------------------

BAD_FILES = {
    "binary.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 40,
    "invalid-utf8.txt": b"\xff\xfe\xfd\x80\x81 nonsense \xc3\x28\xa0\xa1" * 20,
    "empty.txt": b"",
    "broken-yaml.md": b"---\ntitle: [unclosed\ndate: 2026\n---\nBody",
    "python-tag.md": b"---\ntitle: !!python/object/apply:os.system ['echo pwned']\n---\nBody",
    "not-object.json": b'"just a string"',
    "truncated.jsonl.gz": b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\xab\xae\x05\x00",
}


def test_bad_files_are_reported_by_name_and_the_rest_indexed(articles_copy: Path, tmp_path: Path) -> None:
    for name, content in BAD_FILES.items():
        (articles_copy / name).write_bytes(content)
    code, out, err = cli("index", str(articles_copy), "--index", str(tmp_path / "idx"))
    assert code == 0
    for name in BAD_FILES:
        assert name in err, f"{name} not reported"
    assert out.startswith("5 added") and f"{len(BAD_FILES)} skipped" in out
    assert "Traceback" not in err
    code, _, _ = cli("index", str(articles_copy), "--index", str(tmp_path / "idx"), "--strict")
    assert code == 1


def test_good_variants_are_indexed(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    (folder / "sub dir" / "Ümläut ördner").mkdir(parents=True)
    (folder / "sub dir" / "Ümläut ördner" / "Gespräch über Köln.txt").write_text("Köln\nText.", encoding="utf-8")
    (folder / "utf16.txt").write_bytes("Seoul\nGespräch in Seoul.".encode("utf-16"))
    (folder / "latin1.txt").write_bytes("Südkorea\nBürger äußerten sich.".encode("latin-1"))
    (folder / "title-only.txt").write_text("Nur ein Titel\n", encoding="utf-8")
    (folder / "bom.md").write_bytes(b"\xef\xbb\xbf---\ntitle: Mit BOM\n---\nText")
    (folder / "article.md").mkdir()  # a directory named like an article
    (folder / "mixed.jsonl").write_text('{"id": "ok1", "title": "A", "body": "x"}\n[1, 2]\n{"id": "ok2", "title": "B", "body": "y"}\n',
                                        encoding="utf-8")
    report = index_paths([folder], tmp_path / "idx")
    assert report.added == 7 and report.skipped == 1
    assert any("mixed.jsonl:2" in p for p in report.problems)
    assert "sub dir/Ümläut ördner/Gespräch über Köln" in ids(tmp_path / "idx")


def test_alias_bomb_front_matter_is_bounded(tmp_path: Path) -> None:
    levels = ["a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]"]
    for level in range(1, 10):
        prev, name = chr(ord("a") + level - 1), chr(ord("a") + level)
        levels.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    (tmp_path / "bomb.md").write_text("---\n" + "\n".join(levels) + "\nplaces: *j\ntitle: Bomb\n---\nBody", encoding="utf-8")
    started = time.monotonic()
    report = index_paths([tmp_path / "bomb.md"], tmp_path / "idx")
    assert time.monotonic() - started < 10
    assert report.skipped == 1 and "places" in report.problems[0]


def test_huge_file_is_indexed_capped_with_a_warning(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    with open(big, "w", encoding="utf-8") as handle:
        handle.write("Riesiger Artikel\n")
        line = "Der Gipfel in Seoul war lang und die Abgeordneten redeten. " * 20 + "\n"
        while handle.tell() < 50 * 1024 * 1024:
            handle.write(line)
    notices: list[str] = []
    report = index_paths([big], tmp_path / "idx", notice=notices.append)
    assert report.added == 1
    assert any("big.txt" in n and "MB" in n for n in notices)


def test_unreadable_file_is_reported_and_the_rest_indexed(articles_copy: Path, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    secret = articles_copy / "secret.txt"
    secret.write_text("Secret\nText", encoding="utf-8")
    real_open = builtins.open

    def guarded_open(file: object, *args: object, **kwargs: object) -> object:
        if str(file).endswith("secret.txt"):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(builtins, "open", guarded_open)
    report = index_paths([articles_copy], tmp_path / "idx")
    assert report.added == 5 and report.skipped == 1
    assert "secret.txt" in report.problems[0] and "Permission denied" in report.problems[0]


def test_file_vanishing_during_the_run_is_reported(articles_copy: Path, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from newsfind import indexer

    real_find = indexer.article_file_paths

    def find_then_delete(*args: object, **kwargs: object) -> object:
        found = list(real_find(*args, **kwargs))  # type: ignore[arg-type]
        (articles_copy / "002_8c1c7c0524206cdf.txt").unlink()
        return iter(found)

    monkeypatch.setattr(indexer, "article_file_paths", find_then_delete)
    report = index_paths([articles_copy], tmp_path / "idx")
    assert report.added == 4 and report.skipped == 1 and "vanished" in report.problems[0]


def test_fifo_is_not_read(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    os.mkfifo(folder / "pipe.txt")
    (folder / "ok.txt").write_text("OK\nText", encoding="utf-8")
    result: dict[str, object] = {}
    thread = threading.Thread(target=lambda: result.update(report=index_paths([folder], tmp_path / "idx")))
    thread.start()
    thread.join(20)
    assert not thread.is_alive(), "indexing blocked on a FIFO"
    report = result["report"]
    assert report.added == 1 and report.skipped == 1  # type: ignore[attr-defined]


def test_duplicate_id_outcome_is_the_same_on_every_run(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "b.json").write_text(json.dumps({"id": "dup", "title": "From B", "body": "b"}), encoding="utf-8")
    (folder / "a.jsonl").write_text(json.dumps({"id": "dup", "title": "From A", "body": "a"}) + "\n", encoding="utf-8")
    for _ in range(2):
        report = index_paths([folder], tmp_path / "idx")
        assert any("dup" in p and "a.jsonl" in p and "b.json" in p for p in report.problems)
        with open_index(tmp_path / "idx") as news:
            assert news.get("dup").title == "From A"


def test_ids_that_look_like_paths_never_become_paths(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "x.json").write_text(json.dumps({"id": "../../etc/passwd", "title": "T", "body": "b"}), encoding="utf-8")
    index_paths([folder], tmp_path / "idx")
    with open_index(tmp_path / "idx") as news:
        assert news.get("../../etc/passwd").title == "T"
    assert not (tmp_path / "etc").exists()


def test_index_by_another_path_is_unchanged_and_removals_follow_it(built: Path, articles_copy: Path,
                                                                    tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from newsfind import indexer

    monkeypatch.setattr(indexer, "_looked_for", lambda article: pytest.fail("analysed again"))
    moved = tmp_path / "elsewhere" / "articles"
    shutil.move(str(articles_copy), moved)  # the folder moved (or the project was copied)
    report = index_paths([moved], built)
    assert (report.added, report.updated, report.removed, report.unchanged) == (0, 0, 0, 5)
    with open_index(built) as news:
        assert news.get("000_6a60c3fcf6a5c866").source == str(moved / "000_6a60c3fcf6a5c866.txt")
    (moved / "000_6a60c3fcf6a5c866.txt").unlink()
    assert index_paths([moved], built).removed == 1


def test_workers_start_a_new_segment_after_their_share_and_nothing_is_lost(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from newsfind import indexer

    monkeypatch.setattr(indexer, "PARALLEL_THRESHOLD", 20)
    monkeypatch.setattr(indexer, "FIRST_BATCH_SIZE", 4)
    monkeypatch.setattr(indexer, "BATCH_SIZE", 16)
    monkeypatch.setattr(indexer, "DOCS_PER_SEGMENT", 40)
    folder = tmp_path / "in"
    folder.mkdir()
    cities = ["Berlin", "Wien", "Tokio", "Seoul", "London", "Paris"]
    for i in range(300):
        (folder / f"a{i:03d}.txt").write_text(
            f"Meldung {i}\nBundeskanzler Olaf Scholz besuchte am {i % 28 + 1}. März 2024 {cities[i % 6]}.",
            encoding="utf-8")
    report = index_paths([folder], tmp_path / "idx", workers=2)
    assert (report.added, report.skipped) == (300, 0)
    gen = store.live_generation(tmp_path / "idx")
    assert len(list(gen.glob("*.seg"))) >= 300 // 40
    assert len(ids(tmp_path / "idx")) == 300
    assert not check_index(tmp_path / "idx", [folder]).drift
    with open_index(tmp_path / "idx") as news:
        assert news.search("Wien", limit=5).total == 50


def test_new_files_are_written_by_workers_started_before_the_scan(built: Path, articles_copy: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """A few new files in a known index: the workers start (and warm up) before the scan;
    what they write is what a fresh build writes, and a scan that fails stops them."""
    import multiprocessing

    from newsfind import indexer

    monkeypatch.setattr(indexer, "PARALLEL_THRESHOLD", 20)
    started: list[bool] = []
    start = indexer._start_workers
    monkeypatch.setattr(indexer, "_start_workers",
                        lambda *a, **k: started.append(k.get("before_scan", False)) or start(*a, **k))
    for i in range(24):
        (articles_copy / f"neu{i:02d}.txt").write_text(
            f"Meldung {i}\nAußenministerin Annalena Baerbock traf am {i + 1}. Mai 2024 in Seoul ein.", encoding="utf-8")
    (articles_copy / "kaputt.txt").write_bytes(b"\x00\xff" * 50)  # reported and skipped, as ever
    report = index_paths([articles_copy], built, workers=2)
    assert (report.added, report.skipped, report.unchanged, started) == (24, 1, 5, [True])
    fresh = index_paths([articles_copy], articles_copy.parent / "fresh", workers=2)
    assert fresh.added == 29 and ids(built) == ids(articles_copy.parent / "fresh")
    with open_index(built) as news:
        assert news.search("Baerbock Seoul", limit=30).total == 24
        assert news.get("neu07").date == "2024-05-08" and "Seoul" in news.get("neu07").places

    started.clear()
    for i in range(24):  # broken, every one: the early workers get nothing to do
        (articles_copy / f"leer{i:02d}.txt").write_bytes(b"\x00\xff" * 50)
    report = index_paths([articles_copy], built, workers=2)
    assert (report.added, report.skipped, report.unchanged, started) == (0, 25, 29, [True])

    real_load = indexer.load_file

    def interrupted(*args: Any, **kwargs: Any) -> Any:
        if "spät" in str(args[1]):
            raise KeyboardInterrupt
        return real_load(*args, **kwargs)

    monkeypatch.setattr(indexer, "load_file", interrupted)
    for i in range(24):
        (articles_copy / f"spät{i:02d}.txt").write_text(f"Spät {i}\nEin Gipfel in Wien.", encoding="utf-8")
    with pytest.raises(KeyboardInterrupt):
        index_paths([articles_copy], built, workers=2)
    assert multiprocessing.active_children() == [] and started == [True, True]
    assert len(ids(built)) == 29


def test_many_articles_in_a_few_new_files_are_a_bulk_run(built: Path, articles_copy: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Sixty new JSON Lines files of ten articles each: a bulk run (shared tables, loaded
    before the fork), not one of a few new articles."""
    from newsfind import indexer

    monkeypatch.setattr(indexer, "PARALLEL_THRESHOLD", 20)
    monkeypatch.setattr(indexer, "BULK_THRESHOLD", 100)
    started: list[tuple[bool, bool]] = []
    start = indexer._start_workers
    monkeypatch.setattr(indexer, "_start_workers", lambda *a, **k: started.append(
        (k.get("before_scan", False), k["bulk"])) or start(*a, **k))
    for i in range(60):
        lines = (json.dumps({"id": f"n{i}-{j}", "title": f"Meldung {j}", "body": "Ein Gipfel in Wien."})
                 for j in range(10))
        (articles_copy / f"neu{i:02d}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert index_paths([articles_copy], built, workers=2).added == 600 and started == [(False, True)]


def test_batches_keep_each_language_apart_and_lose_nothing() -> None:
    from newsfind import indexer

    def article(i: int, lang: str | None, body: str = "") -> Article:
        return Article(id=f"a{i}", title=f"T{i}", body=body, source=f"{i}.md", hash=str(i), lang=lang)

    jobs = [(article(i, "de" if i % 3 else "en"), None) for i in range(40)]
    jobs.append((article(40, None, "Die Regierung und der Kanzler"), None))  # no language given: guessed
    jobs.append((article(41, None, "The minister and the head of state"), None))
    batches = list(indexer._batches(iter(jobs), 4, 8, 16))
    assert sorted(job[0].id for _, batch in batches for job in batch) == sorted(job[0].id for job in jobs)
    for lane, batch in batches:
        langs = {job[0].lang or ("de" if "Die" in job[0].body else "en") for job in batch}
        assert langs == {indexer.LANGS[lane]}
    assert all(len(batch) <= 8 for _, batch in batches)


@given(st.integers(1, 10**6), st.integers(1, 64))
def test_segment_size_cuts_each_share_into_equal_segments_with_room_to_spare(expected: int, workers: int) -> None:
    import math

    from newsfind import indexer

    size = indexer.segment_size(expected, workers)
    share = expected / workers
    # memory stays bounded
    assert size <= math.ceil(indexer.DOCS_PER_SEGMENT * max(
        indexer.SEGMENT_SLACK, indexer.ONE_SEGMENT_SLACK * indexer.ONE_SEGMENT_STRETCH))
    # one segment, also for a share a little over DOCS_PER_SEGMENT (a high estimate)
    one = share <= indexer.DOCS_PER_SEGMENT * indexer.ONE_SEGMENT_STRETCH
    segments = 1 if one else math.ceil(share / indexer.DOCS_PER_SEGMENT)
    # a worker doing 4% more than its share still fills its last segment only at the run's end
    assert segments * size >= share * 1.04
    assert size >= min(share, indexer.DOCS_PER_SEGMENT) / 2  # no needless small segments


def test_segment_size_without_a_known_run_size_is_the_default() -> None:
    from newsfind import indexer

    assert indexer.segment_size(None, 2) == indexer.DOCS_PER_SEGMENT
    assert indexer.segment_size(10_000, 2) == 6_250  # one segment per worker, written at the end
    assert indexer.segment_size(100_000, 2) == 6_563
    # an estimate a little high (a JSON Lines file's) still gives one segment per worker
    assert indexer.segment_size(10_698, 2) == 6_687
    assert indexer.segment_size(12_000, 2) == 7_500
    assert indexer.segment_size(20_000, 2) == 5_250  # two segments a worker


def test_a_fresh_build_expects_one_article_a_file_and_a_jsonl_file_its_lines(tmp_path: Path) -> None:
    from newsfind import indexer

    (tmp_path / "a.md").write_text("# A\n\nText.\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("B\n\nText.\n", encoding="utf-8")
    (tmp_path / "c.jsonl.gz").write_bytes(gzip.compress(b'{"title": "C", "body": "Text"}\n' * 3))
    pending = [indexer._Pending(str(path), path.name, str(path)) for path in sorted(tmp_path.iterdir())]
    assert indexer._expected_articles(pending) == 5
    (tmp_path / "d.json").write_text('[{"title": "D"}, {"title": "E"}]', encoding="utf-8")
    pending.append(indexer._Pending(str(tmp_path / "d.json"), "d.json", str(tmp_path / "d.json")))
    assert indexer._expected_articles(pending) is None  # a JSON file may hold any number


def test_a_run_with_nothing_to_do_never_opens_whoosh(built: Path, articles_copy: Path) -> None:
    import subprocess
    import sys

    code = (
        "import sys; from pathlib import Path; from newsfind.indexer import index_paths; "
        f"report = index_paths([Path({str(articles_copy)!r})], Path({str(built)!r})); "
        "print(report.unchanged, sorted(m for m in sys.modules if m.split('.')[0] == 'whoosh'))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split(None, 1) == ["5", "[]\n"]


def test_a_run_with_work_finds_a_damaged_index(built: Path, articles_copy: Path) -> None:
    next(p for p in store.live_generation(built).iterdir() if p.suffix == ".seg").unlink()
    assert index_paths([articles_copy], built).unchanged == 5  # nothing to write: not opened
    (articles_copy / "neu.txt").write_text("Neu\nEin Gipfel in Wien.", encoding="utf-8")
    with pytest.raises(IndexDamaged, match="--rebuild"):
        index_paths([articles_copy], built)


def test_a_build_saves_its_word_analyses_and_a_later_run_starts_from_them(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from newsfind import analysis, indexer

    monkeypatch.setattr(indexer, "PARALLEL_THRESHOLD", 20)
    folder = tmp_path / "in"
    folder.mkdir()

    def write(first: int, count: int, edition: str = "") -> None:
        for i in range(first, first + count):
            text = (f"Gipfeltreffen {i}{edition}\n\nBundeskanzler Olaf Scholz eröffnete am {i % 28 + 1}. März "
                    f"2024 das Kohlebergwerk Nummer {i} in Wien." if i % 2 else
                    f"Summit {i}{edition}\n\nPrime Minister Sanae Takaichi opened shipyard number {i} in Osaka.")
            (folder / f"a{i:03d}.txt").write_text(text, encoding="utf-8")

    write(0, 60)
    index_paths([folder], tmp_path / "idx", workers=2)
    gen = store.live_generation(tmp_path / "idx")
    assert (gen / "words-de.marshal").stat().st_size and (gen / "words-en.marshal").stat().st_size

    monkeypatch.setattr(analysis, "_SAVED", {"de": {}, "en": {}})
    log = tmp_path / "used.txt"  # written by whichever process loads them (workers: forked)
    use = analysis.use_saved_analyses

    def logged(lang: str, saved: dict[str, Any]) -> bool:
        with log.open("a", encoding="utf-8") as handle:
            handle.write(f"{lang} {'Kohlebergwerk' in saved}\n")
        return use(lang, saved)

    monkeypatch.setattr(analysis, "use_saved_analyses", logged)
    write(60, 40)  # new files: the words are loaded once, before the workers start and the files are scanned
    assert index_paths([folder], tmp_path / "idx", workers=2).added == 40
    def loaded() -> list[str]:
        lines = log.read_text().splitlines()
        log.unlink()
        assert all(line == "de True" for line in lines if line.startswith("de"))
        return sorted(line.split()[0] for line in lines)

    assert loaded() == ["de", "en"]
    write(0, 40, " (neu)")  # changed files: this process loads the words before the fork
    assert index_paths([folder], tmp_path / "idx", workers=2).updated == 40
    assert loaded() == ["de", "en"]
    index_paths([folder], tmp_path / "fresh", workers=2)
    for query in ("Bergwerk", "Gipfel", "Scholz", "shipyard", "Takaichi", "Kohlebergwerk Wien"):
        with open_index(tmp_path / "idx") as news, open_index(tmp_path / "fresh") as fresh:
            assert {h.id for h in news.iter_search(query)} == {h.id for h in fresh.iter_search(query)}, query


@settings(max_examples=50, deadline=None)
@given(st.binary(max_size=200))
def test_saved_word_analyses_damaged_or_of_another_version_are_ignored(data: bytes) -> None:
    import marshal
    import tempfile
    import zlib

    from newsfind import analysis, indexer

    before = {lang: dict(saved) for lang, saved in analysis._SAVED.items()}
    good = marshal.dumps({"shipyard": "shipyard"})
    head = indexer._WORDS_MAGIC + analysis.analysis_fingerprint().encode()
    with tempfile.TemporaryDirectory() as folder:
        gen = Path(folder)
        (gen / "words-en.marshal").write_bytes(head + zlib.crc32(data).to_bytes(4, "big") + data + b"!")
        (gen / "words-de.marshal").write_bytes(head + data)
        indexer._load_words(gen)
        assert analysis._SAVED == before
        (gen / "words-en.marshal").write_bytes(b"NFWORDS1" + b"0" * 32 + zlib.crc32(good).to_bytes(4, "big") + good)
        indexer._load_words(gen)  # another version's
        assert analysis._SAVED == before


def test_articles_analysed_in_stages_are_analysed_as_one_by_one(monkeypatch: pytest.MonkeyPatch) -> None:
    """Workers analyse a few jobs stage by stage (metadata of all, then the analysis of all):
    the same fields and summaries, in order, and an article failing in either stage is
    reported and skipped without its neighbours."""
    from newsfind import indexer

    jobs = [(Article(id=f"a{i}", title=f"Gipfel {i}", body=f"Präsident Lee traf am {i + 1}. Mai 2024 in Tokio "
                     f"Ministerpräsident Ishiba.", source=f"a{i}.txt", hash=str(i), lang="de"), None)
            for i in range(6)]

    def plain(results: list) -> list:  # Postings compared by their positions
        return [({name: value.positions if isinstance(value, store.Postings) else value
                  for name, value in fields.items()} if fields else fields, summary) for fields, summary in results]

    expected = plain([indexer._analysed(job) for job in jobs])
    assert plain(indexer._analysed_stages(jobs)) == expected and expected[2][0] is not None
    from newsfind.extract import places

    extract_places, prepare = places.extract_places, indexer.prepare

    def failing_places(title: str, body: str, lang: str) -> tuple[str, ...]:
        if title == "Gipfel 2":
            raise RuntimeError("no metadata")
        return extract_places(title, body, lang)

    def failing_prepare(article: Article, findings: indexer.Findings | None = None) -> tuple[dict, list[str]]:
        if article.id == "a4":
            raise RuntimeError("no analysis")
        return prepare(article, findings)

    monkeypatch.setattr(places, "extract_places", failing_places)
    monkeypatch.setattr(indexer, "prepare", failing_prepare)
    staged = plain(indexer._analysed_stages(jobs))
    assert [fields is None for fields, _ in staged] == [False, False, True, False, True, False]
    assert "no metadata" in staged[2][1].message and "'a2'" in staged[2][1].message
    assert "no analysis" in staged[4][1].message
    assert [item for i, item in enumerate(staged) if i not in (2, 4)] == \
        [item for i, item in enumerate(expected) if i not in (2, 4)]
