"""Crash safety: `kill -9` at random moments of `newsfind index` never breaks the index.

After every kill, `search` answers and the manifest agrees with the index; at the end, the
index equals a clean build of the same files (same ids and hashes).
"""
from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import CORPORA

from newsfind.articles import Article, load_path

ARTICLES_TOTAL = 2000
KILLS = 10


def cli(*args: str, cwd: Path) -> list[str]:
    return [sys.executable, "-m", "newsfind", *args]


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSFIND_")}
    env["NEWSFIND_LOCK_TIMEOUT"] = "30"
    return subprocess.run(cli(*args, cwd=cwd), cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def start(*args: str, cwd: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSFIND_")}
    return subprocess.Popen(cli(*args, cwd=cwd), cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)


def assert_index_answers_and_agrees(index: Path, cwd: Path) -> int:
    search = run("search", "*", "--all", "--format", "ids", "--index", str(index), cwd=cwd)
    assert search.returncode == 0, search.stderr
    check = run("check", "--index", str(index), "--format", "json", cwd=cwd)
    report = json.loads(check.stdout)
    # files may be pending (the run was cut short) but index and manifest must agree
    assert report["orphaned"] == [] and report["unindexed"] == [] and report["stale"] == [], report
    return len(search.stdout.split())


@pytest.mark.skipif(not (CORPORA / "make_corpus.py").exists(), reason="shared corpora not available")
def test_kill_9_at_random_moments_leaves_a_working_index(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    subprocess.run([sys.executable, str(CORPORA / "make_corpus.py"), "--n", str(ARTICLES_TOTAL),
                    "--out-dir", str(corpus)], check=True, capture_output=True)
    later = tmp_path / "later"
    later.mkdir()
    files = sorted(corpus.iterdir())
    for path in files[len(files) // 2:]:  # the old state: half of the corpus
        shutil.move(str(path), later / path.name)
    index = tmp_path / "index"
    assert run("index", str(corpus), "--index", str(index), "--quiet", cwd=tmp_path).returncode == 0
    for path in sorted(later.iterdir()):
        shutil.move(str(path), corpus / path.name)

    rng = random.Random(20261124)
    counts = []
    for attempt in range(KILLS):
        args = ["index", str(corpus), "--index", str(index), "--quiet"]
        if attempt % 3 == 2:
            args.append("--rebuild")
        process = start(*args, cwd=tmp_path)
        time.sleep(rng.uniform(0.2, 4.0))
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        counts.append(assert_index_answers_and_agrees(index, tmp_path))
    assert all(count in (ARTICLES_TOTAL // 2, ARTICLES_TOTAL) for count in counts), counts

    final = run("index", str(corpus), "--index", str(index), cwd=tmp_path)
    assert final.returncode == 0, final.stderr
    expected = {a.id: a.hash for a in load_path(corpus) if isinstance(a, Article)}
    listing = run("search", "*", "--all", "--format", "ids", "--index", str(index), cwd=tmp_path)
    assert set(listing.stdout.split()) == set(expected)
    check = run("check", str(corpus), "--index", str(index), "--format", "json", cwd=tmp_path)
    assert json.loads(check.stdout)["ok"], check.stdout

    from newsfind import store

    ix, _gen = store.open_whoosh(index)
    try:
        indexed = {doc["id"]: doc["hash"] for doc in store.indexed_ids(ix)}
    finally:
        ix.close()
    assert indexed == expected
