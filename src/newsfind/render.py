"""Human-readable output through Rich: ranked hits with highlighted snippets, articles, stats.

Everything here writes to a Console it is given; colour and markup follow that console.
"""
from __future__ import annotations

import os
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TextIO

from rich.console import Console
from rich.table import Table
from rich.text import Text

if TYPE_CHECKING:
    from .query import ArticleView, Hit, SearchResult

HIGHLIGHT = "bold yellow"
DIM = "dim"


def make_console(file: TextIO, *, stderr: bool = False, force_plain: bool = False) -> Console:
    """A console that is colourless when not on a terminal or when NO_COLOR is set."""
    plain = force_plain or bool(os.environ.get("NO_COLOR"))
    return Console(file=file, stderr=stderr, no_color=plain, highlight=False, emoji=False,
                   markup=False, soft_wrap=not file.isatty() if hasattr(file, "isatty") else True,
                   force_terminal=False if plain else None)


def highlighted(text: str, spans: Sequence[tuple[int, int]], style: str = "") -> Text:
    out = Text(text, style=style)
    for start, end in spans:
        out.stylize(HIGHLIGHT, start, end)
    return out


def _meta_line(date: str | None, lang: str, places: Sequence[str], leaders: Sequence[str]) -> Text:
    parts = [date or "undated", lang]
    if places:
        parts.append(", ".join(places[:5]) + (" …" if len(places) > 5 else ""))
    if leaders:
        parts.append(", ".join(leaders[:4]) + (" …" if len(leaders) > 4 else ""))
    return Text(" · ".join(parts), style="cyan")


def render_hits(result: SearchResult, console: Console) -> None:
    for rank, hit in enumerate(result.hits, start=1):
        render_hit(rank, hit, console)
    _footer(result, console)
    if result.facets:
        render_facets(result.facets, console)


def render_hit(rank: int, hit: Hit, console: Console) -> None:
    head = Text(f"{rank:>2}. ", style="bold")
    head.append_text(highlighted(hit.title, hit.title_spans, style="bold"))
    head.append(f"  [{hit.score:.2f}]", style=DIM)
    console.print(head)
    meta = Text("    ")
    meta.append_text(_meta_line(hit.date, hit.lang, hit.places, hit.leaders))
    console.print(meta)
    snippet = Text("    ")
    snippet.append_text(highlighted(hit.snippet, hit.snippet_spans))
    console.print(snippet)
    console.print(Text(f"    {hit.id}  {hit.source}", style=DIM))
    console.print()


def _footer(result: SearchResult, console: Console) -> None:
    shown = len(result.hits)
    if result.total == 0:
        console.print(Text(f"No articles match {result.query!r} ({result.elapsed * 1000:.0f} ms). "
                           "Try fewer words, another spelling, or fewer filters.", style=DIM))
        return
    noun = "hit" if result.total == 1 else "hits"
    more = f", showing {shown} (use --limit N or --all for more)" if shown < result.total else ""
    console.print(Text(f"{result.total} {noun}{more} in {result.elapsed * 1000:.0f} ms", style=DIM))


def render_facets(facets: dict[str, list[tuple[str, int]]], console: Console) -> None:
    table = Table(title="Among all hits", show_header=True, header_style="bold", box=None)
    for name in ("places", "leaders", "months"):
        table.add_column(name.capitalize())
    columns = [facets.get(name, []) for name in ("places", "leaders", "months")]
    for row in range(max((len(c) for c in columns), default=0)):
        table.add_row(*[f"{c[row][0]} ({c[row][1]})" if row < len(c) else "" for c in columns])
    console.print(table)


def render_article(view: ArticleView, console: Console) -> None:
    console.print(Text(view.title, style="bold"))
    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_column(style=DIM)
    table.add_column()
    origin = view.origin or {}

    def said(key: str) -> str:
        source = origin.get(key)
        return {"file": " (from the file)", "text": " (extracted from the text)",
                "detected": " (detected)"}.get(source or "", "")

    table.add_row("id", view.id)
    table.add_row("date", (view.date or "none found") + said("date"))
    table.add_row("language", view.lang + said("lang"))
    table.add_row("places", (", ".join(view.places) or "none found") + said("places"))
    table.add_row("leaders", (", ".join(view.leaders) or "none found") + said("leaders"))
    table.add_row("source", view.source)
    if view.url:
        table.add_row("url", view.url)
    console.print(table)
    console.print()
    console.print(Text(view.body))


def render_stats(stats: dict[str, Any], console: Console) -> None:
    console.print(Text(f"Index {stats['index']}: {stats['articles']} articles", style="bold"))
    languages = ", ".join(f"{lang} {count}" for lang, count in stats["languages"].items()) or "none"
    console.print(f"  languages:   {languages}")
    date_range = stats["date_range"]
    dated = f"{date_range[0]} to {date_range[1]}" if date_range else "no dates"
    console.print(f"  dates:       {dated} ({stats['undated']} undated)")
    console.print(f"  size:        {_size(stats['size_bytes'])}")
    updated = stats.get("last_update")
    console.print(f"  last update: {time.strftime('%Y-%m-%d %H:%M:%S', time.localtime(updated)) if updated else 'unknown'}")
    if stats["months"]:
        by_year: dict[str, int] = {}
        for month, count in stats["months"].items():
            by_year[month[:4]] = by_year.get(month[:4], 0) + count
        console.print("  per year:    " + ", ".join(f"{y} {c}" for y, c in sorted(by_year.items())))
        recent = list(stats["months"].items())[-12:]
        console.print("  per month:   " + ", ".join(f"{m} {c}" for m, c in recent)
                      + (" (latest 12)" if len(stats["months"]) > 12 else ""))
    table = Table(show_header=True, header_style="bold", box=None)
    table.add_column("Top places")
    table.add_column("Top leaders")
    places, leaders = stats["top_places"], stats["top_leaders"]
    for row in range(max(len(places), len(leaders))):
        table.add_row(f"{places[row][0]} ({places[row][1]})" if row < len(places) else "",
                      f"{leaders[row][0]} ({leaders[row][1]})" if row < len(leaders) else "")
    if places or leaders:
        console.print(table)


def _size(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"
