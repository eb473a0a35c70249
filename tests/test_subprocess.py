"""The installed console script in a real subprocess: streams, colour, exit codes."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ARTICLES


def newsfind(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    exe = shutil.which("newsfind", path=str(Path(sys.executable).parent)) or shutil.which("newsfind")
    command = [exe] if exe else [sys.executable, "-m", "newsfind"]
    environment = {k: v for k, v in os.environ.items() if not k.startswith("NEWSFIND_")}
    environment.update(env or {})
    return subprocess.run([*command, *args], cwd=cwd, env=environment, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("cli")
    shutil.copytree(ARTICLES, root / "articles")
    return root


def test_first_search_builds_index_and_piped_output_has_no_ansi(workdir: Path) -> None:
    result = newsfind("search", "Gipfeltreffen", cwd=workdir, env={"FORCE_COLOR": "", "TERM": "xterm-256color"})
    assert result.returncode == 0, result.stderr
    assert "building it" in result.stderr
    assert "\x1b[" not in result.stdout
    assert "Gipfeltreffen" in result.stdout and "hits" in result.stdout


def test_json_output_is_valid_and_clean(workdir: Path) -> None:
    result = newsfind("search", "Takaichi", "--format", "json", cwd=workdir)
    assert result.returncode == 0
    ids = {hit["id"][:3] for hit in json.loads(result.stdout)}
    assert {"000", "001", "003"} <= ids
    assert result.stderr == ""


@pytest.mark.parametrize("args,code", [
    (["search", "Korea", "--since", "2026-13-45"], 2),
    (["search", "Korea", "--format", "xml"], 2),
    (["search", '"Korea'], 2),
    (["show", "no-such-id"], 1),
    (["search", "Korea", "--index", "missing-dir"], 1),
    (["search", "Quetzalcoatlus"], 0),
])
def test_exit_codes_and_one_line_errors(workdir: Path, args: list[str], code: int) -> None:
    result = newsfind(*args, cwd=workdir)
    assert result.returncode == code, result.stderr
    if code:
        lines = result.stderr.strip().splitlines()
        assert 1 <= len(lines) <= 2 and lines[0].startswith("error: ")
        assert "Traceback" not in result.stderr


def test_python_dash_m_works(workdir: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "newsfind", "--help"], capture_output=True, text=True, cwd=workdir)
    assert result.returncode == 0 and "search" in result.stdout


def test_index_in_copy_reports_added_and_removed(workdir: Path, tmp_path: Path) -> None:
    copy = tmp_path / "articles"
    shutil.copytree(ARTICLES, copy)
    newsfind("index", cwd=tmp_path)
    shutil.copy(ARTICLES / "003_075149ac7a1d900d.txt", copy / "new-article.txt")
    (copy / "new-article.txt").write_text("Brand new\nA new article about Seoul.", encoding="utf-8")
    result = newsfind("index", cwd=tmp_path)
    assert result.stdout.startswith("1 added, 0 updated, 0 removed, 5 unchanged"), result.stdout
    (copy / "new-article.txt").unlink()
    result = newsfind("index", cwd=tmp_path)
    assert result.stdout.startswith("0 added, 0 updated, 1 removed, 5 unchanged"), result.stdout
