"""The bulk BM25F evaluator against Whoosh's own scoring, and the snippet highlighter against
the word-by-word rule it speeds up."""
from __future__ import annotations

import gzip
import json
import math
import shutil
from itertools import islice
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsfind import open_index
from newsfind.analysis import index_tokens, surface_words
from newsfind.indexer import index_paths
from newsfind.query import Highlighter, _merge, may_hold

from conftest import ARTICLES, CORPORA

QUERIES = [
    "Gipfeltreffen", "Regierung", "government", "Korea AND (summit OR Gipfel) -China", "*",
    "NOT Regierung", "Tokio", "place:Wien", "date:2020", "lang:en minister", "title:Regierung",
    "Regierung OR government OR Wien", '"prime minister"', '"koreanischen Halbinsel"',
    '"the government"', '"in der"', '"said the the"', '"New York"', '"Bundesregierung in Wien"',
    "Wirtschaft Arbeitslosigkeit", "election -Blair", "Fußball", "Kohlebergwerk", "Lee Jae-myung",
]


def _corpus(tmp: Path, count: int) -> Path:
    """The shipped articles plus real news from the shared corpora, as .json files."""
    corpus = tmp / "articles"
    shutil.copytree(ARTICLES, corpus)
    for name in ("news-de.jsonl.gz", "news-en.jsonl.gz"):
        with gzip.open(CORPORA / name, "rt", encoding="utf-8") as lines:
            records = [json.loads(line) for line in islice(lines, count)]
        (corpus / f"{name.split('.')[0]}.json").write_text(json.dumps(records), encoding="utf-8")
    return corpus


@pytest.fixture(scope="module")
def news_index(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """Several segments and deletions: one run, then a run that drops and changes articles."""
    if not (CORPORA / "news-de.jsonl.gz").exists():
        pytest.skip("shared corpora not available")
    root = tmp_path_factory.mktemp("scoring")
    corpus = _corpus(root, 150)
    index_paths([corpus], root / "index", workers=2)
    (corpus / "003_075149ac7a1d900d.txt").unlink()
    records = json.loads((corpus / "news-en.json").read_text(encoding="utf-8"))
    records[0]["body"] += " The government met again."
    (corpus / "news-en.json").write_text(json.dumps(records[:120]), encoding="utf-8")
    index_paths([corpus], root / "index", workers=2)
    with open_index(root / "index") as index:
        yield index


def test_test_index_has_segments_and_deletions(news_index: Any) -> None:
    reader = news_index.searcher.reader()
    assert len(news_index.searcher.leaf_searchers()) >= 2
    assert reader.doc_count() < reader.doc_count_all()


@pytest.mark.parametrize("query", QUERIES)
def test_bulk_scores_equal_whoosh_scores(news_index: Any, query: str) -> None:
    compiled, _ctx = news_index.compile(query)
    ours = news_index.evaluator.scores(compiled)
    whoosh = {docnum: float(score or 0.0)
              for score, docnum in news_index.searcher.search(compiled, limit=None).top_n}
    assert set(ours) == set(whoosh)
    assert all(math.isclose(ours[d], whoosh[d], rel_tol=1e-9) for d in whoosh)


@pytest.mark.parametrize("query", QUERIES)
def test_restricted_scores_are_the_filtered_scores(news_index: Any, query: str) -> None:
    """A filter (``within``) skips posting blocks, never changes what passes it."""
    compiled, _ctx = news_index.compile(query)
    everything = news_index.evaluator.scores(compiled)
    total = news_index.searcher.doc_count_all()
    for within in (set(range(0, total, 7)), set(list(everything)[:3]), {total - 1}, set()):
        expected = {d: s for d, s in everything.items() if d in within}
        found = news_index.evaluator.scores(compiled, within=within)
        assert set(found) == set(expected)
        assert all(math.isclose(found[d], expected[d], rel_tol=1e-9) for d in expected)


def test_deleted_articles_are_not_found(news_index: Any) -> None:
    assert news_index.search('"koreanischen Halbinsel"').total == news_index.searcher.search(
        news_index.compile('"koreanischen Halbinsel"')[0], limit=None).scored_length()
    ids = {hit.id for hit in news_index.search("*", limit=None).hits}
    assert "003_075149ac7a1d900d" not in ids
    assert "bbc-business-001" in ids and "bbc-business-121" not in ids


def test_hits_are_ordered_by_score_then_document(news_index: Any) -> None:
    result = news_index.search("Regierung OR government", lang="en", limit=None)
    scores = [hit.score for hit in result.hits]
    assert scores == sorted(scores, reverse=True)
    assert result.total == len(result.hits) > 10
    top = news_index.search("Regierung OR government", lang="en", limit=5)
    assert [h.id for h in top.hits] == [h.id for h in result.hits[:5]] and top.total == result.total


def test_filter_sets_match_term_postings(news_index: Any) -> None:
    reader = news_index.searcher.reader()
    for lang in ("de", "en"):
        expected = {d for d in reader.postings("lang", lang).all_ids() if not reader.is_deleted(d)}
        assert news_index.filters.term("lang", lang) == expected


def test_day_column_reads_like_whoosh(news_index: Any) -> None:
    assert news_index.filters.day_column() == list(news_index.searcher.reader().column_reader("day"))
    assert any(news_index.filters.day_column())


# --- highlighting ----------------------------------------------------------------------------

def _reference_spans(text: str, lang: str, terms: set[str], prefilter: bool = False) -> list[tuple[int, int]]:
    """The rule: every surface word one of whose index terms was searched for (with the
    prefix test the highlighter applies first, if ``prefilter``), touching spans merged."""
    prefixes = {term[:max(3, len(term) - 2)] for term in terms}
    return _merge([(start, end) for word, start, end in surface_words(text)
                   if any(term in terms for term, *_ in index_tokens(word, lang))
                   and (not prefilter or may_hold(word, prefixes))])


def _terms(words: str, lang: str) -> set[str]:
    return {term for term, *_ in index_tokens(words, lang)}


@pytest.mark.parametrize(("text", "lang", "query", "marked"), [
    ("Die Suedkorea-Politik und Südkoreas Präsident", "de", "Südkorea", ["Suedkorea-Politik", "Südkoreas"]),
    ("Nord-Korea, Korea, Koreaner und XKorea.", "en", "Korea", ["Nord-Korea", "Korea"]),
    ("Das Gipfeltreffen in Nara; Gipfel-Treffen am 13.01.2026", "de", "Gipfel", ["Gipfeltreffen", "Gipfel-Treffen"]),
    ("Straße, Strasse und STRASSE", "de", "Straße", ["Straße", "Strasse", "STRASSE"]),
    ("O'Brien met Yoon’s aide; obrien", "en", "OBrien", ["O'Brien", "obrien"]),
    ("Lee Jae-myung, Lee Jaemyung", "en", "Jaemyung", ["Jae-myung", "Jaemyung"]),
])
def test_highlighter_marks_whole_surface_words(text: str, lang: str, query: str, marked: list[str]) -> None:
    spans = Highlighter(lang, _terms(query, lang)).spans(text)
    assert [text[s:e] for s, e in spans] == marked
    assert spans == _reference_spans(text, lang, _terms(query, lang))


_ALPHABET = "aeiounrstgkdmßäöüÄÖÜéSKGN -‐'’.,:/0123_\u0301"


_TEXTS = st.one_of(st.text(alphabet=_ALPHABET, max_size=80), st.text(max_size=40))


@settings(max_examples=400, deadline=None)
@given(text=_TEXTS, query=_TEXTS.filter(bool), lang=st.sampled_from(["de", "en"]))
def test_highlighter_agrees_with_the_word_by_word_rule(text: str, query: str, lang: str) -> None:
    terms = _terms(query, lang)
    reference = _reference_spans(text, lang, terms, prefilter=True)
    highlighter = Highlighter(lang, terms)
    assert highlighter.spans(text) == reference
    assert highlighter.spans(text) == reference  # and again, from what it remembered


@settings(max_examples=60, deadline=None)
@given(st.sets(st.binary(min_size=1, max_size=6), max_size=300), st.lists(st.binary(max_size=6), max_size=40),
       st.booleans())
def test_hash_file_lookups_agree_with_whoosh(tmp_path_factory: Any, keys: set[bytes], probes: list[bytes],
                                             mapped: bool) -> None:
    """scoring._table_value (term infos) finds what Whoosh's HashReader.get finds, in a memory
    map or through a plain file, for keys in the file and not in it (the file's 256 tables
    are sparse here, so probes run into collisions and wrap around)."""
    from whoosh.filedb.filestore import FileStorage
    from whoosh.filedb.filetables import OrderedHashReader, OrderedHashWriter

    from newsfind.scoring import _table_value

    storage = FileStorage(str(tmp_path_factory.mktemp("hash")))
    writer = OrderedHashWriter(storage.create_file("t.hsh"))
    for key in sorted(keys):
        writer.add(key, key[::-1] * 3)
    writer.close()
    if mapped:  # as a segment's compound file gives it: a memoryview read in place
        from newsfind.store import _mapped_subfile_class

        with storage.open_file("t.hsh") as plain:
            dbfile = _mapped_subfile_class()(memoryview(plain.read()))
    else:
        dbfile = storage.open_file("t.hsh")
    reader = OrderedHashReader(dbfile)
    for probe in [*keys, *probes]:
        assert _table_value(reader, probe) == reader.get(probe)
    reader.close()


def test_hash_file_lookups_agree_with_whoosh_in_full_tables(tmp_path: Path) -> None:
    """With ~40 keys a table, probes collide and wrap around the ends of the tables."""
    from whoosh.filedb.filestore import FileStorage
    from whoosh.filedb.filetables import OrderedHashReader, OrderedHashWriter

    from newsfind.scoring import _table_value
    from newsfind.store import _mapped_subfile_class

    storage = FileStorage(str(tmp_path))
    keys = sorted(f"k{i}".encode() for i in range(10_000))
    writer = OrderedHashWriter(storage.create_file("t.hsh"))
    for key in keys:
        writer.add(key, key * 2)
    writer.close()
    with storage.open_file("t.hsh") as plain:
        reader = OrderedHashReader(_mapped_subfile_class()(memoryview(plain.read())))
    probes = keys + [f"x{i}".encode() for i in range(3_000)]
    assert [_table_value(reader, probe) for probe in probes] == [reader.get(probe) for probe in probes]


def test_term_infos_are_whoosh_term_infos(news_index: Any) -> None:
    from whoosh.reading import TermNotFound

    evaluator = news_index.evaluator
    evaluator._terminfos = {}
    words = ["gipfel", "japan", "korea", "seoul", "zzzq", "treff", "südkorea", "regierung"]
    found = 0
    for index, (reader, _offset) in enumerate(evaluator.leaves):
        for fieldname in ("title_de", "body_de", "title_en", "body_en", "place"):
            for word in words:
                ours = evaluator._terminfo(index, fieldname, word)
                try:
                    theirs = reader._terms.term_info(fieldname, reader._text_to_bytes(fieldname, word))
                except TermNotFound:
                    theirs = None
                assert (ours is None) == (theirs is None)
                if ours is not None:
                    found += 1
                    assert ours.doc_frequency() == theirs.doc_frequency()
                    assert ours.is_inlined() == theirs.is_inlined()
                    if not ours.is_inlined():
                        assert ours.extent() == theirs.extent()
    assert found >= 10


def test_idf_is_whooshs_idf(news_index: Any) -> None:
    """Evaluator._idf sums the segments' term infos; Whoosh's weighting asks its readers."""
    searcher, evaluator = news_index.searcher, news_index.evaluator
    terms = [(fieldname, word) for fieldname in ("title_de", "body_de", "title_en", "body_en")
             for word in ("gipfel", "japan", "korea", "govern", "zzzq", "treff", "der")]
    assert len(evaluator.leaves) >= 2
    for fieldname, word in terms:
        searcher._idf_cache.clear()
        evaluator._terminfos = {}
        ours = evaluator._idf(fieldname, word)
        assert ours == searcher.weighting.idf(searcher, fieldname, word)  # the same float
        assert searcher._idf_cache[(fieldname, word)] == ours
