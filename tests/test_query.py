"""The query parser and compiler: syntax, clean errors, and any string in -> a result or a
UsageError out, never another exception."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsfind import open_index
from newsfind.errors import QuerySyntax, UsageError
from newsfind.query import And, Every, Not, Or, Phrase, Word, parse

# --- parsing ------------------------------------------------------------------------------


def test_words_are_anded() -> None:
    assert parse("Gipfel Nara") == And((Word("Gipfel"), Word("Nara")))
    assert parse("Gipfel AND Nara") == And((Word("Gipfel"), Word("Nara")))


def test_or_binds_weaker_than_and() -> None:
    assert parse("a b OR c") == Or((And((Word("a"), Word("b"))), Word("c")))


def test_not_and_minus_word() -> None:
    assert parse("Japan NOT Korea") == And((Word("Japan"), Not(Word("Korea"))))
    assert parse("Japan -Korea") == And((Word("Japan"), Not(Word("Korea"))))


def test_hyphenated_word_is_not_negated() -> None:
    assert parse("Jae-myung") == Word("Jae-myung")


def test_parentheses_group() -> None:
    assert parse("(a OR b) c") == And((Or((Word("a"), Word("b"))), Word("c")))


def test_phrases_and_fields() -> None:
    assert parse('"koreanischen Halbinsel"') == Phrase("koreanischen Halbinsel")
    assert parse("title:Gipfel") == Word("Gipfel", "title")
    assert parse('title:"shuttle diplomacy"') == Phrase("shuttle diplomacy", "title")
    assert parse("place: Seoul") == Word("Seoul", "place")
    assert parse("LANG:de") == Word("de", "lang")


def test_star_matches_everything() -> None:
    assert parse("*") == Every()


@pytest.mark.parametrize("query, message", [
    ('"Lee Jae', "unbalanced quote"),
    ("(Gipfel Nara", "'(' is not closed"),
    ("Gipfel)", "')' has no '('"),
    ("author:Lee", "unknown field 'author'"),
    ("Gipfel\x00", "control characters"),
    ("x" * 10_000, "query too long"),
    ("", "empty query"),
    ("   ", "empty query"),
    ('""', "empty phrase"),
    ("NOT", "NOT needs a word"),
    ("Gipfel OR", "needs words on both sides"),
    ("title:", "needs a value"),
])
def test_syntax_errors_are_one_line_query_syntax(query: str, message: str) -> None:
    with pytest.raises(QuerySyntax) as raised:
        parse(query)
    text = str(raised.value)
    assert message in text
    assert "\n" not in text and len(text) < 200


# --- compiling and searching against a small index -------------------------------------


@pytest.fixture(scope="module")
def small_index(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from newsfind.indexer import index_paths

    root = tmp_path_factory.mktemp("query")
    corpus = root / "articles"
    corpus.mkdir()
    (corpus / "de.txt").write_text(
        "Gipfeltreffen in Nara\nPräsident Lee Jae-myung traf Premierministerin Takaichi in Nara.\n",
        encoding="utf-8")
    (corpus / "en.txt").write_text(
        "Summit in Nara\nPresident Lee Jae Myung met Prime Minister Takaichi in Nara for shuttle diplomacy.\n",
        encoding="utf-8")
    index_paths([corpus], root / "index")
    index = open_index(root / "index")
    yield index
    index.close()


def _ids(index: Any, query: str) -> set[str]:
    return {hit.id for hit in index.search(query, limit=None).hits}


def test_not_removes_matches(small_index: Any) -> None:
    assert _ids(small_index, "Nara -shuttle") == {"de"}
    assert _ids(small_index, "Nara NOT summit") == set()  # summit also excludes Gipfeltreffen


def test_or_unites(small_index: Any) -> None:
    assert _ids(small_index, "Präsident OR shuttle") == {"de", "en"}


def test_title_field_searches_titles_only(small_index: Any) -> None:
    assert _ids(small_index, "title:Takaichi") == set()
    assert _ids(small_index, "title:Gipfeltreffen") == {"de", "en"}


def test_lang_field_and_star(small_index: Any) -> None:
    assert _ids(small_index, "* lang:en") == {"en"}
    assert _ids(small_index, "*") == {"de", "en"}


def test_stopword_or_branch_does_not_break_query(small_index: Any) -> None:
    assert _ids(small_index, "die OR Gipfeltreffen") >= {"de"}


def test_bad_lang_and_date_fields_are_usage_errors(small_index: Any) -> None:
    with pytest.raises(QuerySyntax):
        small_index.search("lang:fr")
    with pytest.raises(UsageError):
        small_index.search("date:2026-13")


_QUERY_ALPHABET = st.sampled_from(list('abcÄöüßé- "()*:+-\x00\t') + ["AND", "OR", "NOT", "title:", "place:",
                                                                      "lang:", "date:", "leader:", "Gipfel", "Jae-myung"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(st.text(max_size=40), st.lists(_QUERY_ALPHABET, max_size=12).map("".join)))
def test_any_query_gives_a_result_or_a_clean_usage_error(small_index: Any, query: str) -> None:
    try:
        result = small_index.search(query, limit=5)
    except UsageError as error:
        assert str(error) and "\n" not in str(error)
    else:
        assert result.total >= 0 and all(hit.id in {"de", "en"} for hit in result.hits)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=60))
def test_any_text_parses_or_raises_query_syntax(text: str) -> None:
    try:
        parse(text)
    except QuerySyntax as error:
        assert "\n" not in str(error)


def test_ten_thousand_character_query_through_cli(shipped_index: Path) -> None:
    from typer.testing import CliRunner

    from newsfind.cli import app

    result = CliRunner().invoke(app, ["search", "Gipfel " * 1500, "--index", str(shipped_index)])
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) <= 2
    assert "too long" in result.stderr
