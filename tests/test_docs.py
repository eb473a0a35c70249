"""Docs that run: the README's quick start is what CI runs, and its examples work."""
from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from conftest import ROOT
from typer.testing import CliRunner

from newsfind.cli import app

README = (ROOT / "README.md").read_text(encoding="utf-8")


def code_blocks(text: str) -> list[str]:
    return re.findall(r"```(?:sh)?\n(.*?)```", text, flags=re.S)


def test_ci_runs_the_readme_quick_start_verbatim() -> None:
    quick_start = README.split("## Quick start", 1)[1].split("## Usage", 1)[0]
    commands = [block.strip() for block in code_blocks(quick_start)]
    assert len(commands) == 2
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    for command in commands:
        assert command in ci


SEARCH_EXAMPLES = [line.split("|")[0].split("#")[0].strip()
                   for block in code_blocks(README) for line in block.splitlines()
                   if line.startswith("newsfind search ") and "QUERY" not in line]


@pytest.mark.parametrize("example", SEARCH_EXAMPLES)
def test_readme_search_examples_run(example: str, shipped_index: Path, tmp_path: Path,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    args = shlex.split(example)[1:] + ["--index", str(shipped_index)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, (example, result.stderr)


def test_readme_has_search_examples() -> None:
    assert len(SEARCH_EXAMPLES) >= 5
