"""Loaders for every article format, the id rule of CLI.md, decoding and bad files."""
from __future__ import annotations

import gzip
import json
import os
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import ARTICLES
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import newsfind.articles as articles_module
from newsfind.articles import (
    Article,
    SourceFile,
    _simple_front_matter,
    content_hash,
    decode_text,
    estimate_jsonl_records,
    find_article_files,
    load_file,
    load_path,
)
from newsfind.errors import ArticlePathMissing, BadArticle


def articles_in(path: Path) -> list[Article]:
    return [item for item in load_path(path) if isinstance(item, Article)]


def problems_in(path: Path) -> list[BadArticle]:
    return [item for item in load_path(path) if isinstance(item, BadArticle)]


def test_shipped_txt_articles_get_ids_from_their_file_names() -> None:
    ids = sorted(a.id for a in articles_in(ARTICLES))
    assert ids == ["000_6a60c3fcf6a5c866", "001_198eb1c213479033", "002_8c1c7c0524206cdf",
                   "003_075149ac7a1d900d", "004_a4737b3ecd6f7523"]


def test_txt_first_nonempty_line_is_title_rest_is_body(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("\n\nGipfel in Nara\n\nPräsident Lee traf Takaichi.\nZweiter Absatz.\n", encoding="utf-8")
    [article] = articles_in(tmp_path)
    assert article.title == "Gipfel in Nara"
    assert article.body == "Präsident Lee traf Takaichi.\nZweiter Absatz."
    assert article.id == "a"


def test_ids_are_relative_paths_without_extension_with_slashes(tmp_path: Path) -> None:
    (tmp_path / "de" / "2026").mkdir(parents=True)
    (tmp_path / "de" / "2026" / "gipfel.md").write_text("# Gipfel\n\nText", encoding="utf-8")
    [article] = articles_in(tmp_path)
    assert article.id == "de/2026/gipfel"


def test_markdown_front_matter_gives_metadata(tmp_path: Path) -> None:
    (tmp_path / "m.md").write_text(
        "---\ntitle: Treffen in Tokio\ndate: 2026-01-13\nlang: de\nplaces: [Tokio, Seoul]\n"
        "leaders:\n  - Lee Jae-myung\nid: custom-1\nurl: https://example.org/a\n---\nDer Text.\n",
        encoding="utf-8")
    [article] = articles_in(tmp_path)
    assert (article.id, article.title, article.date, article.lang) == ("custom-1", "Treffen in Tokio", "2026-01-13", "de")
    assert article.places == ("Tokio", "Seoul")
    assert article.leaders == ("Lee Jae-myung",)
    assert article.url == "https://example.org/a"
    assert article.body == "Der Text."


def _yaml_fields(text: str) -> dict[str, Any] | str:
    """What PyYAML makes of front matter (the loader newsfind falls back to), or its error."""
    import yaml

    try:
        meta = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # a safe loader
    except (yaml.YAMLError, ValueError) as error:
        return type(error).__name__
    return {str(k): v for k, v in meta.items()} if isinstance(meta, dict) else {} if meta is None else "not a mapping"


def test_simple_front_matter_is_read_without_yaml_as_yaml_reads_it() -> None:
    text = 'id: "bench-1"\ntitle: "Ad \\"sales\\" boost Time Warner profit \\\\ 5"\ndate: 2018-06-20\nlang: en\n\nsource: Reuters (Tokio)'
    assert _simple_front_matter(text) == _yaml_fields(text) == {
        "id": "bench-1", "title": 'Ad "sales" boost Time Warner profit \\ 5', "date": date(2018, 6, 20), "lang": "en",
        "source": "Reuters (Tokio)"}
    # what YAML reads otherwise (booleans, numbers, lists, escapes, comments, bad dates) goes to YAML
    for other in ["draft: no", "yes: 1", "id: 12", "places: [Tokio, Seoul]", 'title: "a\\tb"', "title: Woche #5",
                  "url: https://example.org", "date: 2026-02-30", "title: Lee\n  Jae-myung", "title: 'it''s'"]:
        assert _simple_front_matter(other) is None, other


_FIELD_VALUES = st.one_of(
    st.text(st.characters(codec="utf-8"), max_size=12).map(lambda t: f'"{t}"'),
    st.text(st.characters(codec="utf-8"), max_size=12).map(lambda t: f"'{t}'"),
    st.text(st.characters(codec="utf-8"), max_size=12).map(lambda t: json.dumps(t, ensure_ascii=False)),
    st.text(st.characters(codec="utf-8"), min_size=1, max_size=12),
    st.dates().map(date.isoformat),
    st.from_regex(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", fullmatch=True),
    st.sampled_from(["yes", "No", "TRUE", "off", "null", "Null", "~", "en", "de", "Lee Jae-myung", "Xi's visit"]),
)
_FIELD_LINES = st.tuples(st.from_regex(r"[A-Za-z_][A-Za-z0-9_-]{0,6}", fullmatch=True) | st.sampled_from(["on", "No"]),
                         st.sampled_from([": ", ":  ", ":\t", ":"]), _FIELD_VALUES, st.sampled_from(["", " ", "\t"]))


@given(st.lists(_FIELD_LINES | st.sampled_from(["", "# note", "  more", "---"]), max_size=5))
@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
def test_front_matter_read_without_yaml_is_what_yaml_reads(lines: list[Any]) -> None:
    text = "\n".join(line if isinstance(line, str) else "".join(line) for line in lines)
    simple = _simple_front_matter(text)
    if simple is not None:
        assert simple == _yaml_fields(text)


def test_markdown_without_title_uses_first_heading(tmp_path: Path) -> None:
    (tmp_path / "h.md").write_text("# Summit in Nara\n\nLeaders met.", encoding="utf-8")
    [article] = articles_in(tmp_path)
    assert (article.title, article.body) == ("Summit in Nara", "Leaders met.")


def test_json_object_and_list_and_ids(tmp_path: Path) -> None:
    (tmp_path / "one.json").write_text(json.dumps({"title": "T", "text": "Body text"}), encoding="utf-8")
    (tmp_path / "many.json").write_text(json.dumps([{"id": "x1", "title": "A", "body": "a"},
                                                    {"title": "B", "body": "b"}]), encoding="utf-8")
    by_id = {a.id: a for a in articles_in(tmp_path)}
    assert set(by_id) == {"one", "x1", "many:2"}
    assert by_id["one"].body == "Body text"


def test_jsonl_and_gzip_records_without_id_get_path_and_line(tmp_path: Path) -> None:
    lines = [json.dumps({"title": f"T{i}", "body": "b", "lang": "en"}) for i in range(3)]
    (tmp_path / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with gzip.open(tmp_path / "feed2.jsonl.gz", "wt", encoding="utf-8") as handle:
        handle.write(json.dumps({"id": "g1", "title": "G", "body": "gz"}) + "\n")
    ids = sorted(a.id for a in articles_in(tmp_path))
    assert ids == ["feed2:1", "feed:1", "feed:2", "feed:3"] or ids == sorted(["feed:1", "feed:2", "feed:3", "g1"])
    assert "g1" in ids


def test_broken_jsonl_line_is_reported_and_rest_loaded(tmp_path: Path) -> None:
    (tmp_path / "f.jsonl").write_text('{"title": "ok", "body": "a"}\n{broken\n{"title": "ok2", "body": "b"}\n',
                                      encoding="utf-8")
    items = load_path(tmp_path)
    assert [a.title for a in items if isinstance(a, Article)] == ["ok", "ok2"]
    [problem] = [p for p in items if isinstance(p, BadArticle)]
    assert problem.line == 2 and "f.jsonl:2" in problem.message


def test_truncated_gzip_reports_and_keeps_earlier_records(tmp_path: Path) -> None:
    data = gzip.compress(("\n".join(json.dumps({"title": f"T{i}", "body": "x" * 200}) for i in range(50)) + "\n").encode())
    (tmp_path / "t.jsonl.gz").write_bytes(data[: len(data) // 2])
    items = load_path(tmp_path)
    assert any(isinstance(i, BadArticle) and "truncated" in i.message for i in items)


def test_latin1_german_file_is_decoded(tmp_path: Path) -> None:
    (tmp_path / "l.txt").write_bytes("Gespräch über Südkorea\nDie Bürger äußerten sich.".encode("cp1252"))
    [article] = articles_in(tmp_path)
    assert article.title == "Gespräch über Südkorea"
    assert "äußerten" in article.body


def test_utf8_bom_and_utf16_are_decoded(tmp_path: Path) -> None:
    (tmp_path / "bom.txt").write_bytes(b"\xef\xbb\xbf" + "Titel\nKörper".encode())
    (tmp_path / "u16.txt").write_bytes("Titel16\nKörper".encode("utf-16"))
    titles = sorted(a.title for a in articles_in(tmp_path))
    assert titles == ["Titel", "Titel16"]


@pytest.mark.parametrize("name,content,reason", [
    ("empty.txt", b"", "empty file"),
    ("binary.txt", b"\x00\x01\x02\x03PNG\x00\x00" * 50, "binary"),
    ("broken.md", b"---\ntitle: [unclosed\n---\nbody", "YAML"),
    ("python.md", b"---\ntitle: !!python/object:os.system x\n---\nbody", "YAML"),
    ("number.json", b"42", "expected a JSON object"),
    ("bad.json", b"{nope", "not valid JSON"),
])
def test_bad_files_give_one_clear_reason(tmp_path: Path, name: str, content: bytes, reason: str) -> None:
    (tmp_path / name).write_bytes(content)
    [problem] = problems_in(tmp_path)
    assert reason in problem.message and name in problem.message
    assert "\n" not in problem.message


def test_non_date_date_is_ignored_with_a_warning(tmp_path: Path) -> None:
    (tmp_path / "d.md").write_text("---\ntitle: T\ndate: next tuesday\n---\nbody", encoding="utf-8")
    notices: list[str] = []
    [file] = list(find_article_files([tmp_path]))
    [article] = list(load_file(file, str(file.path), notices.append))
    assert isinstance(article, Article) and article.date is None
    assert any("not a date" in n for n in notices)


def test_missing_path_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ArticlePathMissing):
        list(find_article_files([tmp_path / "nope"]))


def test_symlink_loop_is_walked_once(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.txt").write_text("A\nbody", encoding="utf-8")
    (tmp_path / "sub" / "loop").symlink_to(tmp_path, target_is_directory=True)
    files = list(find_article_files([tmp_path]))
    assert [f.rel for f in files] == ["sub/a.txt"]


@pytest.mark.parametrize("spelling", ["{root}", "{root}/", "./{rel}", "{rel}//", "{root}/sub/..", "."])
def test_article_file_paths_are_the_paths_path_objects_give(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                            spelling: str) -> None:
    """The indexer takes paths as strings (no Path per file); they must be what
    ``Path(folder) / name`` gives, or a run would see every article as moved."""
    from newsfind.articles import article_file_paths

    (tmp_path / "in" / "sub").mkdir(parents=True)
    for name in ("a.txt", "sub/b.md", "sub/c.jsonl"):
        (tmp_path / "in" / name).write_text("T\nbody", encoding="utf-8")
    monkeypatch.chdir(tmp_path / "in" if spelling == "." else tmp_path)
    root = Path(spelling.format(root=tmp_path / "in", rel="in"))
    found = list(article_file_paths([root]))
    assert [rel for _path, rel, _abs in found] == ["a.txt", "sub/b.md", "sub/c.jsonl"]
    assert [absolute for _path, _rel, absolute in found] == [os.path.abspath(path) for path, _rel, _abs in found]
    old_way = []
    for dirpath, _dirs, names in os.walk(root):
        old_way += [str(Path(dirpath) / name) for name in names]
    assert sorted(path for path, _rel, _abs in found) == sorted(old_way)
    assert [str(f.path) for f in find_article_files([root])] == [path for path, _rel, _abs in found]


def test_directory_named_like_an_article_is_walked_not_read(tmp_path: Path) -> None:
    (tmp_path / "odd.txt").mkdir()
    (tmp_path / "odd.txt" / "inner.txt").write_text("Inner\nbody", encoding="utf-8")
    assert [a.id for a in articles_in(tmp_path)] == ["odd.txt/inner"]


def test_hash_changes_with_content_only() -> None:
    a = Article(id="x", title="T", body="B", source="s")
    assert content_hash(a) == content_hash(Article(id="x", title="T", body="B", source="s"))
    assert content_hash(a) != content_hash(Article(id="x", title="T", body="B2", source="s"))
    assert content_hash(a) == content_hash(Article(id="moved", title="T", body="B", source="elsewhere"))


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(data=st.binary(max_size=2000), suffix=st.sampled_from([".txt", ".md", ".json", ".jsonl", ".jsonl.gz"]))
def test_any_bytes_give_records_or_clean_errors(tmp_path: Path, data: bytes, suffix: str) -> None:
    path = tmp_path / f"fuzz{suffix}"
    path.write_bytes(data)
    for item in load_file(SourceFile(path, path.name), str(path)):
        assert isinstance(item, (Article, BadArticle))
        if isinstance(item, Article):
            assert item.id and item.hash and (item.title or item.body)


@given(st.text(max_size=500) | st.text(st.sampled_from("ab \n\t\x00\x01\x1f\x7fü€"), max_size=200))
def test_decode_text_roundtrips_utf8(text: str) -> None:
    """UTF-8 text comes back as it was, unless over 5% of it are control characters or it
    has a NUL (the check on its bytes for none agrees with the count over its text)."""
    assume(not text.startswith("\ufeff"))  # a byte order mark is dropped
    control = sum(ch in "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x7f" or "\x0e" <= ch <= "\x1f" for ch in text)
    binary = "\x00" in text or (bool(text) and control / len(text) > 0.05)
    try:
        assert decode_text(text.encode("utf-8"), "x") == text
        assert not binary
    except BadArticle as problem:
        assert "binary" in problem.message
        assert binary


@given(st.binary(max_size=300), st.integers(1, 120), st.integers(-50, 50))
@settings(max_examples=120, deadline=None)
def test_read_bytes_gives_the_file_up_to_the_limit(data: bytes, limit: int, stat_error: int) -> None:
    """What read_bytes returns does not depend on the size the stat reported (a file that
    grew or shrank since): the first ``limit`` bytes, and whether there were more."""
    import os
    import tempfile

    from newsfind import articles

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "a.txt"
        path.write_bytes(data)
        real_stat = os.stat

        class Reported:
            def __init__(self, result: os.stat_result) -> None:
                self.st_mode, self.st_size = result.st_mode, max(0, result.st_size + stat_error)

        articles.os.stat = lambda p: Reported(real_stat(p))  # type: ignore[assignment]
        try:
            assert articles.read_bytes(path, "a.txt", limit=limit) == (data[:limit], len(data) > limit)
        finally:
            articles.os.stat = real_stat


def test_jsonl_record_estimate_is_exact_for_small_files(tmp_path: Path) -> None:
    lines = [json.dumps({"title": f"T{i}", "body": "Text"}).encode() for i in range(5)]
    (tmp_path / "a.jsonl").write_bytes(b"\n".join(lines))  # no newline after the last
    (tmp_path / "b.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    # two gzip members (files concatenated with cat): both are read
    (tmp_path / "c.jsonl.gz").write_bytes(gzip.compress(b"\n".join(lines[:2]) + b"\n")
                                          + gzip.compress(b"\n".join(lines[2:]) + b"\n"))
    (tmp_path / "empty.jsonl").write_bytes(b"")
    assert [estimate_jsonl_records(tmp_path / n) for n in ("a.jsonl", "b.jsonl", "c.jsonl.gz", "empty.jsonl")] \
        == [5, 5, 5, 0]


def test_jsonl_record_estimate_scales_a_sample_of_a_large_file(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(articles_module, "ESTIMATE_SAMPLE", 1 << 16)
    rng = __import__("random").Random(7)
    words = ["Regierung", "Seoul", "Tokio", "summit", "trade", "Gipfeltreffen", "minister"]
    records = [json.dumps({"title": f"T{i}", "body": " ".join(rng.choices(words, k=rng.randint(20, 60)))})
               for i in range(20_000)]
    data = "\n".join(records).encode() + b"\n"
    (tmp_path / "big.jsonl").write_bytes(data)
    (tmp_path / "big.jsonl.gz").write_bytes(gzip.compress(data))
    for name in ("big.jsonl", "big.jsonl.gz"):
        estimate = estimate_jsonl_records(tmp_path / name)
        assert estimate is not None and 18_000 <= estimate <= 22_000, (name, estimate)


def test_jsonl_record_estimate_of_an_unreadable_file_is_none(tmp_path: Path) -> None:
    (tmp_path / "bad.jsonl.gz").write_bytes(b"not gzip at all")
    (tmp_path / "cut.jsonl.gz").write_bytes(gzip.compress(b'{"title": "A"}\n' * 1000)[:-30])
    assert estimate_jsonl_records(tmp_path / "bad.jsonl.gz") is None
    assert estimate_jsonl_records(tmp_path / "cut.jsonl.gz") is None
    assert estimate_jsonl_records(tmp_path / "missing.jsonl") is None
