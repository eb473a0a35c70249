"""Run the relevance cases of tests/data/relevance_cases.json through newsfind search and
print the pass rate per category and overall (also imported by tests/test_relevance.py).

    python scripts/eval_relevance.py [--json FILE] [--cli] [-v]

The corpus is articles/ plus the cases file's extra articles, written to a temp directory.
By default searches go through the Python API (newsfind.open_index); --cli runs
`newsfind search QUERY --format ids` as a subprocess per case instead.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "tests/data/relevance_cases.json"
ARTICLES = ROOT / "articles"
LIMIT = 50


def load_cases(path: Path = CASES) -> tuple[dict[str, str], list[dict]]:
    """(extra articles: file name -> text, cases)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return data["extra_articles"], data["cases"]


def build_corpus(target: Path, extra_articles: dict[str, str]) -> Path:
    """articles/ plus the extra articles in target/articles; returns that directory."""
    corpus = target / "articles"
    shutil.copytree(ARTICLES, corpus)
    for name, text in extra_articles.items():
        (corpus / name).write_text(text, encoding="utf-8")
    return corpus


def short_id(article_id: str) -> str:
    return article_id.split("_", 1)[0]


def check_case(case: dict, ranked_ids: list[str]) -> list[str]:
    """Problems of one case's ranked hit ids; [] when it passes."""
    ids = [short_id(i) for i in ranked_ids]
    problems = [f"missing {e}" for e in case["expect"] if e not in ids]
    problems += [f"unexpected {a}" for a in case.get("absent", []) if a in ids]
    for first, second in case.get("before", []):
        if first in ids and second in ids and ids.index(first) > ids.index(second):
            problems.append(f"{second} ranks above {first}")
    return problems


def api_searcher(index_dir: Path) -> Callable[[str], list[str]]:
    from newsfind import open_index

    index = open_index(index_dir)
    return lambda query: [hit.id for hit in index.search(query, limit=LIMIT).hits]


def cli_searcher(index_dir: Path) -> Callable[[str], list[str]]:
    def search(query: str) -> list[str]:
        done = subprocess.run(
            [sys.executable, "-m", "newsfind", "search", query, "--index", str(index_dir),
             "--format", "ids", "--limit", str(LIMIT)],
            capture_output=True, text=True, check=False)
        if done.returncode != 0:
            return [f"error: {done.stderr.strip()}"]
        return done.stdout.split()
    return search


def build_index(corpus: Path, index_dir: Path) -> None:
    from newsfind.indexer import index_paths

    index_paths([corpus], index_dir)


def evaluate(search: Callable[[str], list[str]], cases: list[dict]) -> list[dict]:
    results = []
    for case in cases:
        try:
            ids = search(case["query"])
            problems = check_case(case, ids)
        except Exception as error:  # a crash is a failed case, not a crashed evaluation
            ids, problems = [], [f"{type(error).__name__}: {error}"]
        results.append({**case, "hits": [short_id(i) for i in ids], "problems": problems})
    return results


def summary(results: list[dict]) -> dict[str, dict[str, float]]:
    table: dict[str, dict[str, float]] = {}
    for name in [*dict.fromkeys(r["category"] for r in results), "overall"]:
        rows = [r for r in results if name in ("overall", r["category"])]
        passed = sum(not r["problems"] for r in rows)
        table[name] = {"passed": passed, "cases": len(rows), "rate": round(passed / len(rows), 3)}
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="write per-case results and the summary here")
    parser.add_argument("--cli", action="store_true", help="search through the CLI, one subprocess a case")
    parser.add_argument("-v", "--verbose", action="store_true", help="list failed cases")
    args = parser.parse_args()
    extra, cases = load_cases()
    with tempfile.TemporaryDirectory() as tmp:
        corpus = build_corpus(Path(tmp), extra)
        index_dir = Path(tmp) / "index"
        build_index(corpus, index_dir)
        search = cli_searcher(index_dir) if args.cli else api_searcher(index_dir)
        results = evaluate(search, cases)
    table = summary(results)
    for name, row in table.items():
        print(f"{name:16} {row['passed']:3}/{row['cases']:<3} {row['rate']:.3f}")
    if args.verbose:
        for r in results:
            if r["problems"]:
                print(f"FAIL [{r['category']}] {r['query']}: {'; '.join(r['problems'])}  hits={r['hits']}")
    if args.json:
        args.json.write_text(json.dumps({"summary": table, "results": results}, ensure_ascii=False, indent=1),
                             encoding="utf-8")


if __name__ == "__main__":
    main()
