"""Metadata in use: --place/--leader/--since filters, field queries, facets, stats, show."""
from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from newsfind.cli import app
from newsfind.indexer import index_paths
from newsfind.query import open_index

runner = CliRunner()


def ids(index: Path, *args: str) -> list[str]:
    result = runner.invoke(app, ["search", *args, "--index", str(index), "--format", "ids", "--all"])
    assert result.exit_code == 0, result.stderr
    return [line[:3] for line in result.stdout.split()]


def test_place_filter_takes_any_spelling(shipped_index: Path) -> None:
    for spelling in ("Tokio", "Tokyo", "tokyo", "TOKIO"):
        assert sorted(ids(shipped_index, "Japan", "--place", spelling)) == ["000", "002", "004"]


def test_place_filter_german_and_english_names_are_one_place(shipped_index: Path) -> None:
    assert sorted(ids(shipped_index, "*", "--place", "Südkorea")) == sorted(ids(shipped_index, "*", "--place", "South Korea"))
    assert sorted(ids(shipped_index, "*", "--place", "Suedkorea")) == sorted(ids(shipped_index, "*", "--place", "South Korea"))


def test_leader_filter_spelling_variants_and_surname(shipped_index: Path) -> None:
    assert sorted(ids(shipped_index, "*", "--leader", "Lee Jae Myung")) == ["001", "002", "003"]
    assert sorted(ids(shipped_index, "*", "--leader", "lee jae-myung")) == ["001", "002", "003"]
    assert sorted(ids(shipped_index, "*", "--leader", "Takaichi")) == ["000", "001", "003"]


def test_two_filters_must_both_match(shipped_index: Path) -> None:
    assert sorted(ids(shipped_index, "*", "--leader", "Takaichi", "--leader", "Lee Jae-myung")) == ["001", "003"]
    assert ids(shipped_index, "*", "--place", "Tokio", "--place", "Nara") == []


def test_date_filters(shipped_index: Path) -> None:
    assert ids(shipped_index, "*", "--since", "2026-01-01") == ["001"]
    assert ids(shipped_index, "*", "--until", "2025") == ["000"]
    assert ids(shipped_index, "*", "--since", "2025-11", "--until", "2025-11") == ["000"]


def test_field_queries(shipped_index: Path) -> None:
    assert sorted(ids(shipped_index, "place:Tokio")) == ["000", "002", "004"]
    assert sorted(ids(shipped_index, 'leader:"Lee Jae Myung"')) == ["001", "002", "003"]
    assert ids(shipped_index, "date:2026-01") == ["001"]
    assert sorted(ids(shipped_index, "lang:en")) == ["003", "004"]
    assert "001" in ids(shipped_index, "title:Gipfeltreffen")


def test_since_after_until_is_a_usage_error(shipped_index: Path) -> None:
    result = runner.invoke(app, ["search", "*", "--since", "2026", "--until", "2025", "--index", str(shipped_index)])
    assert result.exit_code == 2 and "after" in result.stderr


def test_facets_count_places_leaders_and_months(shipped_index: Path) -> None:
    with open_index(shipped_index) as news:
        result = news.search("Korea", facets=True, limit=1)
    assert result.facets is not None
    places = dict(result.facets["places"])
    assert places["Japan"] == result.total
    assert ("2026-01", 1) in result.facets["months"]
    out = runner.invoke(app, ["search", "Korea", "--facets", "--index", str(shipped_index)]).stdout
    assert "Among all hits" in out and "Sanae Takaichi" in out


def test_stats_counts_and_tops(shipped_index: Path) -> None:
    result = runner.invoke(app, ["stats", "--index", str(shipped_index), "--format", "json"])
    stats = json.loads(result.stdout)
    assert stats["months"] == {"2025-11": 1, "2026-01": 1}
    assert dict(stats["top_leaders"])["Lee Jae-myung"] == 3
    assert dict(stats["top_places"])["Japan"] == 5


def test_show_says_where_metadata_came_from(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("---\ntitle: Treffen\ndate: 2024-05-01\nplaces: [Tokio]\n---\n"
                                   "Bundeskanzler Olaf Scholz traf am 2. Mai 2024 in Berlin ein.", encoding="utf-8")
    index_paths([tmp_path / "a.md"], tmp_path / "idx")
    record = json.loads(runner.invoke(app, ["show", "a", "--index", str(tmp_path / "idx"), "--format", "json"]).stdout)
    assert record["date"] == "2024-05-01" and record["origin"]["date"] == "file"
    assert record["places"] == ["Tokyo"] and record["origin"]["places"] == "file"
    assert "Olaf Scholz" in record["leaders"] and record["origin"]["leaders"] == "text"
    text = runner.invoke(app, ["show", "a", "--index", str(tmp_path / "idx")]).stdout
    assert "(from the file)" in text and "(extracted from the text)" in text


def test_one_display_name_per_person_across_the_index(shipped_index: Path) -> None:
    with open_index(shipped_index) as news:
        assert news.get("002_8c1c7c0524206cdf").leaders.count("Lee Jae-myung") == 1
        assert "Lee Jae Myung" not in news.get("003_075149ac7a1d900d").leaders


def test_filters_narrow_word_queries_and_their_totals(shipped_index: Path) -> None:
    """Regression: the hit count once ignored filters (Whoosh's len(results) does)."""
    with open_index(shipped_index) as news:
        plain = news.search("Japan", limit=10)
        narrowed = news.search("Japan", leaders=("Takaichi",), limit=10)
        nothing = news.search("Japan", places=("Tokio",), leaders=("Ishiba",), since="2026")
    assert narrowed.total == len(narrowed.hits) == 3 < plain.total
    assert all("Sanae Takaichi" in hit.leaders for hit in narrowed.hits)
    assert nothing.total == 0 and nothing.hits == []


def test_date_ranges_match_the_dated_articles_only(tmp_path: Path) -> None:
    """A date filter is a DayRange (scored by each candidate's day, its set made only when
    asked): the same articles as the dates say, with and without another filter."""
    from datetime import date, timedelta

    from newsfind.scoring import DayRange

    folder = tmp_path / "in"
    folder.mkdir()
    dates: dict[str, date | None] = {}
    for i in range(40):
        day = None if i % 7 == 0 else date(2024, 1, 1) + timedelta(days=11 * i)
        dates[f"a{i:02d}"] = day
        front = f"id: a{i:02d}\ntitle: Gipfel {i}\n" + (f"date: {day.isoformat()}\n" if day else "")
        city = "Seoul" if i % 2 else "Tokio"
        (folder / f"a{i:02d}.md").write_text(f"---\n{front}---\nDer Gipfel in {city} endete ohne Einigung.\n",
                                               encoding="utf-8")
    index = tmp_path / "index"
    index_paths([folder], index)
    with open_index(index) as news:
        for since, until in (("2024-02-01", "2024-06-30"), (None, "2024-03-31"), ("2025-01-01", None),
                             ("2024-04-10", "2024-04-10"), ("2030", None)):
            low = date.fromisoformat(since if since and len(since) == 10 else f"{since or '0001'}-01-01")
            high = date.fromisoformat(until) if until else date.max
            expected = {i for i, day in dates.items() if day and low <= day <= high}
            found = {hit.id for hit in news.search("Gipfel", since=since, until=until, limit=None).hits}
            assert found == expected
            in_seoul = {hit.id for hit in news.search("Gipfel", since=since, until=until, places=("Seoul",),
                                                      limit=None).hits}
            assert in_seoul == {i for i in expected if int(i[1:]) % 2}
            dated = news.filters.days(low.toordinal() if since else None, high.toordinal() if until else None)
            assert isinstance(dated, DayRange) and len(dated) == len(expected) == len(set(dated))
            column = news.filters.day_column()
            assert {d for d in range(len(column)) if d in dated} == set(dated)
