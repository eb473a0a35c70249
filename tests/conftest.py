"""Shared fixtures: a session-wide index of the shipped articles, and an isolated environment."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = ROOT / "articles"
SHARED = ROOT.parent / "shared"
CORPORA = SHARED / "corpora"


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never see the developer's index location, colours or debug settings."""
    for name in ("NEWSFIND_INDEX", "NEWSFIND_DEBUG", "NO_COLOR", "NEWSFIND_LOCK_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NEWSFIND_NO_PROGRESS", "1")


@pytest.fixture(scope="session")
def shipped_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of articles/, built once per test session (read-only for tests)."""
    from newsfind.indexer import index_paths

    index_dir = tmp_path_factory.mktemp("shipped") / "index"
    index_paths([ARTICLES], index_dir)
    return index_dir


@pytest.fixture
def articles_copy(tmp_path: Path) -> Path:
    """A writable copy of articles/ in a fresh working directory."""
    target = tmp_path / "articles"
    shutil.copytree(ARTICLES, target)
    return target
