"""Every command and output format through Typer's CliRunner, against CLI.md."""
from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from conftest import ARTICLES
from typer.testing import CliRunner

from newsfind.cli import app
from newsfind.export import HIT_FIELDS

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def search_ids(index: Path, *args: str) -> list[str]:
    code, out, err = run("search", *args, "--index", str(index), "--format", "ids")
    assert code == 0, err
    return out.split()


def test_search_json_has_every_field_of_cli_md(shipped_index: Path) -> None:
    code, out, _ = run("search", "Takaichi", "--index", str(shipped_index), "--format", "json")
    assert code == 0
    hits = json.loads(out)
    assert {h["id"][:3] for h in hits} >= {"000", "001", "003"}
    for hit in hits:
        assert tuple(hit) == HIT_FIELDS
        assert hit["lang"] in ("de", "en") and isinstance(hit["score"], float)
        assert isinstance(hit["places"], list) and isinstance(hit["leaders"], list)
        assert hit["date"] is None or len(hit["date"]) == 10
        assert "\x1b" not in hit["snippet"]


def test_shuttle_diplomatie_ranks_001_first(shipped_index: Path) -> None:
    assert search_ids(shipped_index, "Shuttle-Diplomatie")[0] == "001_198eb1c213479033"


def test_no_hits_is_exit_0_and_empty_json_array(shipped_index: Path) -> None:
    code, out, _ = run("search", "Quetzalcoatlus", "--index", str(shipped_index), "--format", "json")
    assert code == 0 and json.loads(out) == []


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "tsv", "ids", "table"])
def test_every_search_format(shipped_index: Path, fmt: str) -> None:
    code, out, _ = run("search", "Japan", "--index", str(shipped_index), "--format", fmt, "--limit", "3")
    assert code == 0
    if fmt == "jsonl":
        assert [tuple(json.loads(line)) for line in out.splitlines()] == [HIT_FIELDS] * 3
    elif fmt in ("csv", "tsv"):
        rows = list(csv.reader(io.StringIO(out), delimiter="," if fmt == "csv" else "\t"))
        assert tuple(rows[0]) == HIT_FIELDS and len(rows) == 4
    elif fmt == "ids":
        assert len(out.split()) == 3
    else:
        assert "hits" in out and "\x1b" not in out


def test_csv_lists_are_joined_with_semicolons(shipped_index: Path) -> None:
    _, out, _ = run("search", "Nara", "--index", str(shipped_index), "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows and any("; " in row["places"] for row in rows)


def test_limit_all_and_output_file(shipped_index: Path, tmp_path: Path) -> None:
    assert len(search_ids(shipped_index, "*", "--limit", "2")) == 2
    assert len(search_ids(shipped_index, "*", "--all")) == 5
    target = tmp_path / "out.jsonl"
    code, out, _ = run("search", "*", "--all", "--index", str(shipped_index), "--format", "jsonl", "-o", str(target))
    assert code == 0 and out == ""
    assert len(target.read_text(encoding="utf-8").splitlines()) == 5


def test_sort_by_date_puts_newest_first_and_undated_last(shipped_index: Path) -> None:
    ids = search_ids(shipped_index, "*", "--sort", "-date", "--all")
    assert ids[0].startswith("001") and ids[1].startswith("000")
    ascending = search_ids(shipped_index, "*", "--sort", "date", "--all")
    assert ascending[:2] == ["000_6a60c3fcf6a5c866", "001_198eb1c213479033"]


def test_since_filter_and_bad_date(shipped_index: Path) -> None:
    assert search_ids(shipped_index, "*", "--since", "2026-01-01") == ["001_198eb1c213479033"]
    code, _, err = run("search", "Korea", "--index", str(shipped_index), "--since", "2026-13-45")
    assert code == 2 and "2026-13-45" in err and len(err.strip().splitlines()) == 1


def test_lang_filter(shipped_index: Path) -> None:
    assert set(search_ids(shipped_index, "*", "--lang", "en", "--all")) == {"003_075149ac7a1d900d", "004_a4737b3ecd6f7523"}


@pytest.mark.parametrize("query", ['"unbalanced', "(Korea", "Korea)", "nosuchfield:x", "NOT"])
def test_bad_query_syntax_exits_2_with_one_line(shipped_index: Path, query: str) -> None:
    code, out, err = run("search", query, "--index", str(shipped_index))
    assert code == 2 and out == ""
    assert err.startswith("error: ") and len(err.strip().splitlines()) == 1


def test_missing_index_exits_1(tmp_path: Path) -> None:
    code, _, err = run("search", "Korea", "--index", str(tmp_path / "none"))
    assert code == 1 and "newsfind index" in err


def test_show_json_includes_body(shipped_index: Path) -> None:
    code, out, _ = run("show", "004_a4737b3ecd6f7523", "--index", str(shipped_index), "--format", "json")
    assert code == 0
    record = json.loads(out)
    assert record["id"] == "004_a4737b3ecd6f7523" and "Hayashi" in record["body"]
    assert record["lang"] == "en"


def test_show_text_and_unknown_id(shipped_index: Path) -> None:
    code, out, _ = run("show", "001_198eb1c213479033", "--index", str(shipped_index))
    assert code == 0 and "Gipfeltreffen" in out and "2026-01-13" in out
    code, _, err = run("show", "../nope", "--index", str(shipped_index))
    assert code == 1 and "nope" in err


def test_stats_text_and_json(shipped_index: Path) -> None:
    code, out, _ = run("stats", "--index", str(shipped_index), "--format", "json")
    stats = json.loads(out)
    assert code == 0 and stats["articles"] == 5 and stats["languages"] == {"de": 3, "en": 2}
    assert stats["date_range"] == ["2025-11-16", "2026-01-13"] and stats["size_bytes"] > 0
    code, out, _ = run("stats", "--index", str(shipped_index))
    assert code == 0 and "5 articles" in out


def test_index_is_incremental_add_unchanged_remove(articles_copy: Path, tmp_path: Path) -> None:
    index = str(tmp_path / "idx")
    code, out, _ = run("index", str(articles_copy), "--index", index)
    assert code == 0 and out.startswith("5 added, 0 updated, 0 removed, 0 unchanged, 0 skipped")
    (articles_copy / "new.md").write_text("---\ntitle: Neu\n---\nEin neuer Artikel über Seoul.", encoding="utf-8")
    code, out, _ = run("index", str(articles_copy), "--index", index)
    assert out.startswith("1 added, 0 updated, 0 removed, 5 unchanged")
    (articles_copy / "new.md").write_text("---\ntitle: Neu\n---\nEin geänderter Artikel.", encoding="utf-8")
    code, out, _ = run("index", str(articles_copy), "--index", index)
    assert out.startswith("0 added, 1 updated, 0 removed, 5 unchanged")
    (articles_copy / "new.md").unlink()
    code, out, _ = run("index", str(articles_copy), "--index", index, "--format", "json")
    report = json.loads(out)
    assert (report["added"], report["removed"], report["unchanged"], report["total"]) == (0, 1, 5, 5)


def test_index_rebuild_and_bad_file_is_skipped(articles_copy: Path, tmp_path: Path) -> None:
    index = str(tmp_path / "idx")
    (articles_copy / "broken.json").write_text("{not json", encoding="utf-8")
    code, out, err = run("index", str(articles_copy), "--index", index, "--rebuild")
    assert code == 0 and "1 skipped" in out and "broken.json" in err
    code, _, _ = run("index", str(articles_copy), "--index", index, "--strict")
    assert code == 1


def test_index_missing_path_exits_1(tmp_path: Path) -> None:
    code, _, err = run("index", str(tmp_path / "nope"), "--index", str(tmp_path / "idx"))
    assert code == 1 and "does not exist" in err


def test_duplicate_ids_warn_and_first_path_wins(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text(json.dumps({"id": "same", "title": "From A", "body": "a"}), encoding="utf-8")
    (tmp_path / "b.json").write_text(json.dumps({"id": "same", "title": "From B", "body": "b"}), encoding="utf-8")
    index = str(tmp_path / "idx")
    code, _, err = run("index", str(tmp_path), "--index", index)
    assert code == 0 and "a.json" in err and "b.json" in err
    _, out, _ = run("show", "same", "--index", index, "--format", "json")
    assert json.loads(out)["title"] == "From A"


def test_first_search_builds_missing_default_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(ARTICLES, tmp_path / "articles")
    monkeypatch.chdir(tmp_path)
    code, out, err = run("search", "Gipfel", "--format", "ids")
    assert code == 0 and "building it" in err and "001_198eb1c213479033" in out
    assert (tmp_path / "index" / "CURRENT").is_file()


def test_help_explains_with_examples() -> None:
    for command in ("index", "search", "show", "stats"):
        code, out, _ = run(command, "--help")
        assert code == 0 and "Example" in out


def test_only_a_successful_index_run_skips_the_exit_collection(articles_copy: Path, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from newsfind import cli

    frozen: list[bool] = []
    monkeypatch.setattr(cli, "_skip_exit_collection", lambda: frozen.append(True))
    index = str(tmp_path / "ix")
    with pytest.raises(SystemExit) as done:
        cli.main(["index", str(articles_copy), "--index", index, "--quiet"])
    assert done.value.code == 0 and frozen == [True]
    with pytest.raises(SystemExit) as done:
        cli.main(["index", str(tmp_path / "nowhere"), "--index", index, "--quiet"])
    assert done.value.code == 1 and frozen == [True]  # a failed run ends as ever
