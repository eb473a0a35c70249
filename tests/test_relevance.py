"""Relevance of newsfind search: the cases of tests/data/relevance_cases.json (issue 4 and
more: inflection, compounds, umlauts, names, cross-language, stopwords, phrases, ranking)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from newsfind import open_index
from newsfind.cli import app

ROOT = Path(__file__).resolve().parents[1]


def _eval_module() -> Any:
    """scripts/eval_relevance.py owns the cases' loader and checker, so both cannot drift."""
    spec = importlib.util.spec_from_file_location("eval_relevance", ROOT / "scripts/eval_relevance.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


EVAL = _eval_module()
EXTRA_ARTICLES, CASES = EVAL.load_cases()


@pytest.fixture(scope="module")
def relevance_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """articles/ plus the extra German and English articles, indexed once for this module."""
    root = tmp_path_factory.mktemp("relevance")
    corpus = EVAL.build_corpus(root, EXTRA_ARTICLES)
    EVAL.build_index(corpus, root / "index")
    return root / "index"


@pytest.fixture(scope="module")
def news_index(relevance_index: Path) -> Any:
    index = open_index(relevance_index)
    yield index
    index.close()


def _ids(news_index: Any, query: str) -> list[str]:
    return [EVAL.short_id(hit.id) for hit in news_index.search(query, limit=EVAL.LIMIT).hits]


def test_there_are_enough_cases_in_every_category() -> None:
    categories = {case["category"] for case in CASES}
    assert {"inflection", "compounds", "transliteration", "names", "cross-language", "stopwords",
            "phrases", "ranking"} <= categories
    assert len(CASES) >= 40


@pytest.mark.parametrize("case", CASES, ids=[f"{c['category']}:{c['query']}" for c in CASES])
def test_relevance_case(news_index: Any, case: dict[str, Any]) -> None:
    ids = _ids(news_index, case["query"])
    assert EVAL.check_case(case, ids) == [], f"hits {ids}"


# --- through the CLI ----------------------------------------------------------------------


@pytest.mark.parametrize("query, expected", [
    ("Kohlebergwerk", {"001"}),
    ('"Lee Jae-myung"', {"001", "002", "003"}),
    ("Gipfeltreffen Nara", {"001", "003"}),
])
def test_cli_ids_output_agrees(relevance_index: Path, query: str, expected: set[str]) -> None:
    result = CliRunner().invoke(app, ["search", query, "--index", str(relevance_index), "--format", "ids"])
    assert result.exit_code == 0, result.output
    assert expected <= {EVAL.short_id(line) for line in result.stdout.split()}


# --- highlighting marks the surface words that matched ------------------------------------


def _marked(text: str, spans: tuple[tuple[int, int], ...]) -> set[str]:
    return {text[start:end] for start, end in spans}


def _hit(news_index: Any, query: str, short: str) -> Any:
    return next(h for h in news_index.search(query, limit=EVAL.LIMIT).hits if EVAL.short_id(h.id) == short)


def test_search_gipfel_highlights_gipfeltreffen(news_index: Any) -> None:
    hit = _hit(news_index, "Gipfel", "001")
    assert "Gipfeltreffen" in _marked(hit.snippet, hit.snippet_spans)


def test_search_bergwerk_highlights_the_whole_compound(news_index: Any) -> None:
    hit = _hit(news_index, "Bergwerk", "001")
    assert any("Kohlebergwerks" in word for word in _marked(hit.snippet, hit.snippet_spans))


def test_folded_and_inflected_words_are_highlighted_as_written(news_index: Any) -> None:
    hit = _hit(news_index, "Oesterreich Massnahmen", "x05")
    marked = _marked(hit.title, hit.title_spans) | _marked(hit.snippet, hit.snippet_spans)
    assert {"Österreichs", "Maßnahmen"} <= marked


def test_cross_language_hit_highlights_the_translation(news_index: Any) -> None:
    hit = _hit(news_index, "Gipfeltreffen", "003")
    assert "summit" in {w.lower() for w in _marked(hit.snippet, hit.snippet_spans)}


def test_hyphenated_name_highlighted_for_spaced_query(news_index: Any) -> None:
    hit = _hit(news_index, "Lee Jae Myung", "001")
    assert "Jae-myung" in _marked(hit.snippet, hit.snippet_spans)


# --- ranking ----------------------------------------------------------------------------


def test_whole_compound_ranks_above_parts_found_apart(tmp_path: Path) -> None:
    corpus = tmp_path / "articles"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Bergbau\nAm Berg steht ein altes Werk der Stahlindustrie.\n", encoding="utf-8")
    (corpus / "b.txt").write_text("Bergbau\nDas Bergwerk wurde nach dem Unglück geschlossen.\n", encoding="utf-8")
    EVAL.build_index(corpus, tmp_path / "index")
    with open_index(tmp_path / "index") as index:
        assert [h.id for h in index.search("Bergwerk").hits] == ["b", "a"]
