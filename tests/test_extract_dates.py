"""Dates of the reported event: German and English forms, validation, and no guessing."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsfind.extract import extract_metadata, parse_date
from newsfind.extract.dates import extract_date

ARTICLES = Path(__file__).resolve().parent.parent / "articles"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("16. November 2025", "2025-11-16"),
        ("13. Januar 2026", "2026-01-13"),
        ("13.01.2026", "2026-01-13"),
        ("1.3.2026", "2026-03-01"),
        ("January 13, 2026", "2026-01-13"),
        ("13 January 2026", "2026-01-13"),
        ("2026-01-13", "2026-01-13"),
        ("Jan. 13, 2026", "2026-01-13"),
        ("13. Jan. 2026", "2026-01-13"),
        ("3. März 2026", "2026-03-03"),
        ("3. Maerz 2026", "2026-03-03"),
        ("3. Marz 2026", "2026-03-03"),
        ("24. Dezember 2024", "2024-12-24"),
        ("Sept. 5, 2024", "2024-09-05"),
        ("December 1st, 2023", "2023-12-01"),
        ("5 Mai 2025", "2025-05-05"),
    ],
)
def test_parse_date_reads_german_and_english_forms(text: str, expected: str) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text",
    ["31. Februar 2026", "February 30, 2025", "2026-13-01", "32.01.2026", "29.02.2025", "", "Januar 2026",
     "im Jahr 1942", "May 10", "am 16. November", "13.01.26", "the summit"],
)
def test_parse_date_rejects_incomplete_and_impossible_dates(text: str) -> None:
    assert parse_date(text) is None


def test_parse_date_accepts_leap_day() -> None:
    assert parse_date("29. Februar 2024") == "2024-02-29"


def test_date_in_lead_wins_over_later_dates() -> None:
    body = "Am 16. November 2025 trafen sich die Gruppen in Seoul.\nZweiter Absatz.\nDas letzte Treffen war am 2. März 2023."
    assert extract_date("Abgeordnete treffen sich", body) == "2025-11-16"


def test_date_later_in_text_is_used_when_lead_has_none() -> None:
    body = "Erster Absatz ohne Datum.\nZweiter Absatz.\nDritter Absatz: das Treffen fand am 4. Juli 2024 statt."
    assert extract_date("Titel", body) == "2024-07-04"


def test_title_date_comes_first() -> None:
    assert extract_date("Summit on January 13, 2026", "It follows the meeting of 2 March 2025.") == "2026-01-13"


def test_month_and_year_alone_give_no_date() -> None:
    body = "Dies war das erste Treffen seit einem in Tokio im September 2023. Eine Sitzung im Dezember 2024 fiel aus."
    assert extract_date("Treffen", body) is None


def test_english_day_without_year_gives_no_date() -> None:
    assert extract_date("Delegation visits", "ahead of Yoon's inauguration on May 10, as hopes grow.") is None


@pytest.mark.parametrize(
    ("name", "expected"),
    [("000_6a60c3fcf6a5c866.txt", "2025-11-16"), ("001_198eb1c213479033.txt", "2026-01-13"),
     ("002_8c1c7c0524206cdf.txt", None), ("003_075149ac7a1d900d.txt", None), ("004_a4737b3ecd6f7523.txt", None)],
)
def test_shipped_articles_have_their_stated_date_or_none(name: str, expected: str | None) -> None:
    title, _, body = (ARTICLES / name).read_text(encoding="utf-8").partition("\n")
    assert extract_metadata(title, body, "de").date == expected


@given(st.text(max_size=200))
@settings(max_examples=200, deadline=None)
def test_parse_date_returns_none_or_a_valid_iso_date(text: str) -> None:
    result = parse_date(text)
    if result is not None:
        assert datetime.date.fromisoformat(result).isoformat() == result


@given(st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2100, 12, 31)))
@settings(max_examples=100, deadline=None)
def test_parse_date_round_trips_every_valid_date(day: datetime.date) -> None:
    assert parse_date(day.isoformat()) == day.isoformat()
    assert parse_date(f"{day.day}.{day.month}.{day.year}") == day.isoformat()


def test_what_an_article_gives_is_not_extracted(monkeypatch: pytest.MonkeyPatch) -> None:
    """find_metadata looks in the text only for what the file does not give: the date given,
    extract_date does not run; the places and leaders are still found."""
    from newsfind import indexer
    from newsfind.articles import Article
    from newsfind.extract import dates

    title = "Lee Jae-myung trifft Takaichi in Tokio"
    body = "Präsident Lee Jae-myung reiste am 13. Januar 2026 nach Tokio."
    assert extract_metadata(title, body, "de", date=False).date is None
    assert extract_metadata(title, body, "de", places=False, leaders=False).date == "2026-01-13"
    monkeypatch.setattr(dates, "extract_date", lambda *_: pytest.fail("date extracted although given"))
    found = indexer.find_metadata(Article(id="a", title=title, body=body, source="a.md", hash="0",
                                          lang="de", date="2026-01-14"))
    assert found.date == "2026-01-14" and found.origin["date"] == "file"
    assert "Tokyo" in found.places and found.leaders


def test_metadata_of_several_articles_is_each_ones_metadata() -> None:
    """extract_metadata_of (one extractor at a time over the indexer's few articles) gives
    what extract_metadata gives for each, with what each leaves to extraction."""
    from newsfind.articles import SourceFile, load_file
    from newsfind.extract import extract_metadata_of

    found = [article for path in sorted(ARTICLES.iterdir()) if path.suffix in (".txt", ".md")
             for article in load_file(SourceFile(path, path.name), str(path))]
    wanted = [{"date": True, "places": True, "leaders": True}, {"date": False, "places": True, "leaders": False},
              {"date": True, "places": False, "leaders": True}]
    items = [(a.title, a.body, a.lang or "en", wanted[i % 3]) for i, a in enumerate(found)]
    assert len(items) == 5
    assert extract_metadata_of(items) == [extract_metadata(t, b, lang, **w) for t, b, lang, w in items]
    assert any(metadata.places for metadata in extract_metadata_of(items))
