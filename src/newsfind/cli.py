"""The `newsfind` command line: options in, one core call, rendered or exported output, exit code.

No search logic lives here. Heavy modules (Whoosh, Rich, analysis) are imported inside the
commands that need them, so `newsfind --help` starts fast.
"""
import os
import sys
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator, Optional

import typer

if TYPE_CHECKING:
    from .indexer import IndexReport

DEFAULT_ARTICLES = Path("articles")
DEFAULT_INDEX = Path("index")

app = typer.Typer(
    name="newsfind",
    help="Full-text search for German and English news articles.\n\n"
         "Example: newsfind search 'Gipfeltreffen Nara' --since 2026-01",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class TextFormat(str, Enum):
    text = "text"
    json = "json"


class SearchFormat(str, Enum):
    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"
    tsv = "tsv"
    ids = "ids"


class Sort(str, Enum):
    relevance = "relevance"
    date = "date"
    newest = "-date"


IndexOption = typer.Option(
    None, "--index", "-i", envvar="NEWSFIND_INDEX", metavar="DIR",
    help="Index directory (default ./index, or $NEWSFIND_INDEX).", show_default=False)


def _index_dir(value: Optional[Path]) -> Path:
    return value if value is not None else DEFAULT_INDEX


# --- output plumbing ----------------------------------------------------------------------

def _stderr(message: str) -> None:
    sys.stderr.write(message.rstrip("\n") + "\n")
    sys.stderr.flush()


@contextmanager
def _reporting_errors() -> Iterator[None]:
    """NewsfindError → one line on stderr and its exit status; tracebacks only with --debug."""
    from .errors import NewsfindError

    try:
        yield
    except NewsfindError as error:
        if _debug():
            raise
        _stderr(f"error: {error.message}")
        raise typer.Exit(int(error.exit_status)) from None
    except KeyboardInterrupt:
        _stderr("interrupted")
        raise typer.Exit(130) from None
    except BrokenPipeError:
        _quiet_broken_pipe()
        raise typer.Exit(0) from None


def _quiet_broken_pipe() -> None:
    # the reader (head, jq) went away: stop quietly, and keep Python from complaining at exit
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def _debug() -> bool:
    return bool(os.environ.get("NEWSFIND_DEBUG"))


@contextmanager
def _output(path: Optional[Path]) -> Iterator[Any]:
    if path is None or str(path) == "-":
        yield sys.stdout
        sys.stdout.flush()
        return
    try:
        handle = open(path, "w", encoding="utf-8", newline="")
    except OSError as error:
        from .errors import UsageError

        raise UsageError(f"cannot write {path}: {error.strerror}") from None
    with handle:
        yield handle


@contextmanager
def _collector_paused(pause: bool = True) -> Iterator[None]:
    """No cyclic garbage collection while a command runs (a search of --limit hits, an index run).

    A search's start loads Whoosh, the analysis tables and the index's metadata: tens of
    thousands of objects that live to the end, which the collector would otherwise scan again
    and again (~6 ms a search); an index run adds its manifest and the analysis caches (0.2 s
    of a 1.8 s run adding 100 articles to 10,000). Reference counting frees everything else
    as usual: analysing 4,500 articles left 15 objects in cycles. Afterwards the objects made
    meanwhile join the oldest generation (freeze, then unfreeze) rather than being scanned all
    at once, and collection resumes."""
    import gc

    if not pause or not gc.isenabled() or gc.get_freeze_count():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.unfreeze()
        gc.enable()


def _progress_callback(quiet: bool) -> tuple[Any, Any]:
    """A progress callback that shows a Rich bar on a terminal once a run passes a second."""
    import time

    if quiet or not sys.stderr.isatty() or os.environ.get("NEWSFIND_NO_PROGRESS"):
        return None, lambda: None
    started = time.monotonic()
    state: dict[str, Any] = {}

    def update(done: int, total: int) -> None:
        if "bar" not in state:
            if time.monotonic() - started < 1.0:
                return
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            from .render import make_console

            bar = Progress(TextColumn("indexing"), BarColumn(), MofNCompleteColumn(), TextColumn("files"),
                           TimeRemainingColumn(), console=make_console(sys.stderr, stderr=True), transient=True)
            bar.start()
            state["bar"], state["task"] = bar, bar.add_task("index", total=total)
        state["bar"].update(state["task"], completed=done, total=total)

    def stop() -> None:
        if "bar" in state:
            state["bar"].stop()

    return update, stop


# --- commands ---------------------------------------------------------------------------------

@app.callback()
def _main(debug: bool = typer.Option(False, "--debug", help="Show tracebacks of unexpected errors.")) -> None:
    """Full-text search for German and English news articles.

    Example: newsfind search 'Gipfeltreffen Nara' --since 2026-01
    """
    if debug:
        os.environ["NEWSFIND_DEBUG"] = "1"


def run_index(paths: list[Path], index_dir: Path, *, rebuild: bool, quiet: bool) -> "IndexReport":
    from .indexer import index_paths

    progress, stop = _progress_callback(quiet)
    try:
        with _collector_paused():
            return index_paths(paths, index_dir, rebuild=rebuild, progress=progress, notice=_stderr)
    finally:
        stop()


@app.command("index")
def index_command(
    paths: Optional[list[Path]] = typer.Argument(
        None, metavar="[PATH]...", help="Article files or directories (default ./articles).", show_default=False),
    index: Optional[Path] = IndexOption,
    rebuild: bool = typer.Option(False, "--rebuild", help="Build the index afresh instead of updating it."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar and no summary line."),
    fmt: TextFormat = typer.Option(TextFormat.text, "--format", "-f", help="Summary as text or json."),
    strict: bool = typer.Option(False, "--strict", help="Exit 1 when any article was skipped."),
) -> None:
    """Index articles: add new files, update changed ones, remove deleted ones.

    Reads .txt, .md (YAML front matter), .json and .jsonl/.jsonl.gz files, found recursively.

    Examples:

      newsfind index                      # ./articles into ./index

      newsfind index ~/news feeds.jsonl.gz --index ~/news-index

      newsfind index --rebuild
    """
    index_dir = _index_dir(index)
    with _reporting_errors():
        report = run_index(paths or [DEFAULT_ARTICLES], index_dir, rebuild=rebuild, quiet=quiet)
    if fmt == TextFormat.json:
        import json

        sys.stdout.write(json.dumps(report.to_json(), ensure_ascii=False) + "\n")
    elif not quiet:
        sys.stdout.write(report.summary() + "\n")
    if strict and report.skipped:
        raise typer.Exit(1)


def _open_for_search(index: Optional[Path]) -> Any:
    """The index, built from ./articles first when it does not exist yet (a fresh checkout)."""
    from . import store
    from .query import open_index

    index_dir = _index_dir(index)
    # Only the default location is built on first use: an explicit --index that does not
    # exist is more likely a typo than a wish for a new index.
    if index is None and not store.index_exists(index_dir) and DEFAULT_ARTICLES.is_dir():
        _stderr(f"note: no index at {index_dir} yet; building it from {DEFAULT_ARTICLES}/ first")
        report = run_index([DEFAULT_ARTICLES], index_dir, rebuild=False, quiet=True)
        _stderr(f"note: indexed {report.summary()}")
    return open_index(index_dir)


@app.command("search")
def search_command(
    query: str = typer.Argument(..., help='Words, "phrases", AND/OR/NOT, -word, field:value, or * for all.'),
    index: Optional[Path] = IndexOption,
    lang: Optional[str] = typer.Option(None, "--lang", "-l", metavar="de|en", help="Only articles in this language."),
    since: Optional[str] = typer.Option(None, "--since", metavar="DATE", help="From this date: YYYY, YYYY-MM or YYYY-MM-DD."),
    until: Optional[str] = typer.Option(None, "--until", metavar="DATE", help="Up to this date (inclusive)."),
    place: Optional[list[str]] = typer.Option(None, "--place", "-p", metavar="NAME",
                                              help="Articles about this place, any spelling (Tokio = Tokyo). Repeat: all must match."),
    leader: Optional[list[str]] = typer.Option(None, "--leader", metavar="NAME",
                                               help="Articles naming this leader, any spelling or the surname alone. Repeat: all must match."),
    sort: Sort = typer.Option(Sort.relevance, "--sort", "-s", help="Order of hits."),
    limit: int = typer.Option(10, "--limit", "-n", min=1, help="Number of hits to show."),
    all_hits: bool = typer.Option(False, "--all", help="Every hit (streams; for exports)."),
    fmt: SearchFormat = typer.Option(SearchFormat.table, "--format", "-f", help="Output format."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", metavar="FILE", help="Write results to FILE."),
    facets: bool = typer.Option(False, "--facets", help="Also show top places, leaders and months among all hits."),
) -> None:
    """Search the index; best hits first, with highlighted snippets.

    Examples:

      newsfind search Gipfeltreffen

      newsfind search '"koreanischen Halbinsel"' --lang de

      newsfind search 'Korea AND (summit OR Gipfel) -China' --since 2026-01

      newsfind search Japan --place Tokio --leader Takaichi --format json

      newsfind search '*' --place Seoul --all --sort -date --format csv -o seoul.csv
    """
    options = dict(lang=lang.lower() if lang else None, since=since, until=until,
                   places=tuple(place or ()), leaders=tuple(leader or ()), sort=sort.value)
    with _reporting_errors(), _collector_paused(not all_hits):
        _validate_search_options(options)
        with _open_for_search(index) as news_index, _output(output) as out:
            if fmt == SearchFormat.table:
                result = news_index.search(query, limit=None if all_hits else limit, facets=facets, **options)
                from .render import make_console, render_hits

                render_hits(result, make_console(out, force_plain=output is not None))
                return
            from .export import write_records

            if all_hits:
                hits = news_index.iter_search(query, **options)
                write_records((hit.to_record() for hit in hits), fmt.value, out)
            else:
                result = news_index.search(query, limit=limit, facets=facets, **options)
                write_records((hit.to_record() for hit in result.hits), fmt.value, out)
                if facets and result.facets is not None:
                    import json

                    _stderr(json.dumps({"facets": result.facets}, ensure_ascii=False))


def _validate_search_options(options: dict[str, Any]) -> None:
    """Usage errors before any index work, so a typo never triggers a first build."""
    from .query import check_filter_values

    check_filter_values(options["lang"], options["since"], options["until"])


@app.command("show")
def show_command(
    article_id: str = typer.Argument(..., metavar="ID", help="Article id, as printed by search."),
    index: Optional[Path] = IndexOption,
    fmt: TextFormat = typer.Option(TextFormat.text, "--format", "-f", help="text or json (json adds the body)."),
) -> None:
    """Show one article: its metadata, where each came from, and the full text.

    Example: newsfind show 001_198eb1c213479033 --format json
    """
    from .query import open_index

    with _reporting_errors(), open_index(_index_dir(index)) as news_index:
        view = news_index.get(article_id)
        if fmt == TextFormat.json:
            import json

            sys.stdout.write(json.dumps(view.to_record(), ensure_ascii=False, indent=2) + "\n")
            return
        from .render import make_console, render_article

        render_article(view, make_console(sys.stdout))


@app.command("stats")
def stats_command(
    index: Optional[Path] = IndexOption,
    fmt: TextFormat = typer.Option(TextFormat.text, "--format", "-f", help="text or json."),
) -> None:
    """Summarise the index: articles per language and month, top places and leaders, size.

    Example: newsfind stats --format json | jq .top_places
    """
    from .query import open_index

    with _reporting_errors(), open_index(_index_dir(index)) as news_index:
        stats = news_index.stats()
        if fmt == TextFormat.json:
            import json

            sys.stdout.write(json.dumps(stats, ensure_ascii=False, indent=2) + "\n")
            return
        from .render import make_console, render_stats

        render_stats(stats, make_console(sys.stdout))


@app.command("check")
def check_command(
    paths: Optional[list[Path]] = typer.Argument(
        None, metavar="[PATH]...", help="Also report article files under PATH that are not indexed.",
        show_default=False),
    index: Optional[Path] = IndexOption,
    fmt: TextFormat = typer.Option(TextFormat.text, "--format", "-f", help="text or json."),
) -> None:
    """Verify the index, its manifest and the article files against each other.

    Exits 1 when anything drifted (missing, changed, new or orphaned articles); run
    `newsfind index` to bring the index up to date.

    Example: newsfind check articles
    """
    from .indexer import check_index

    with _reporting_errors():
        report = check_index(_index_dir(index), paths or [])
    if fmt == TextFormat.json:
        import json

        sys.stdout.write(json.dumps(report.to_json(), ensure_ascii=False, indent=2) + "\n")
    else:
        labels = {"missing_files": "indexed file gone", "changed_files": "file changed since indexing",
                  "new_files": "file not indexed", "orphaned": "in the index but not the manifest",
                  "unindexed": "in the manifest but not the index", "stale": "index and manifest disagree"}
        record = report.to_json()
        for key, label in labels.items():
            for item in record[key]:
                sys.stdout.write(f"{label}: {item}\n")
        verdict = "drift found; run `newsfind index` to update" if report.drift else "ok"
        sys.stdout.write(f"{report.articles} articles, {report.files} files: {verdict}\n")
    if report.drift:
        raise typer.Exit(1)


def _click_class(name: str) -> type[BaseException]:
    """A click exception class, from click itself or the copy newer Typers vendor."""
    return next(c for c in typer.BadParameter.__mro__ if c.__name__ == name)


def _app_for(args: list[str]) -> typer.Typer:
    """The app with only the command that ``args`` name (and the --debug callback): Typer
    turns every registered command into a click command at each start, which a search
    would otherwise pay for all five. Anything else (no command, options first) gets all."""
    import copy

    wanted = [info for info in app.registered_commands if args and info.name == args[0]]
    if not wanted:
        return app
    single = copy.copy(app)
    single.registered_commands = wanted
    return single


# Commands whose process may skip the collector's passes over the heap at exit: they leave
# nothing for a collection to finalise (index and output files are closed when they return).
_NO_EXIT_COLLECTION = ("search", "show", "stats", "check")
# ... and `index` once it has succeeded (exit 0: its commit is on disk, its writer, lock and
# workers are done). Its heap is the larger one: the manifest, the analysis data, the words
# of an earlier build (~100,000 objects): the collection took 40-150 ms of a 100-article run.
_NO_EXIT_COLLECTION_ON_SUCCESS = ("index",)


def main(argv: Optional[list[str]] = None) -> None:
    """Console-script entry: click's usage errors as one line plus a hint, exit 2."""
    args = sys.argv[1:] if argv is None else argv
    status: Any = 1
    try:
        _run(args)
    except SystemExit as done:
        status = done.code
        raise
    finally:
        command = args[0] if args else ""
        if command in _NO_EXIT_COLLECTION or (command in _NO_EXIT_COLLECTION_ON_SUCCESS and status in (0, None)):
            _skip_exit_collection()


def _skip_exit_collection() -> None:
    """The process ends next. Python's shutdown runs the cyclic collector over the whole heap
    several times (10-20 ms after a search, more than the search's own work); frozen objects are
    left out of those passes. Output is unaffected: stdout and stderr are flushed by the
    shutdown as ever, and the command closed its files before returning."""
    import gc

    gc.freeze()


def _run(args: list[str]) -> None:
    usage_error = _click_class("UsageError")
    try:
        status = _app_for(args)(args=args, prog_name="newsfind", standalone_mode=False)
    except typer.Exit as done:
        sys.exit(done.exit_code)
    except usage_error as error:
        ctx = getattr(error, "ctx", None)
        command = ctx.command_path if ctx else "newsfind"
        _stderr(f"error: {error.format_message()}")  # type: ignore[attr-defined]
        _stderr(f"hint: see `{command} --help`")
        sys.exit(2)
    except (typer.Abort, KeyboardInterrupt):
        _stderr("interrupted")
        sys.exit(130)
    except BrokenPipeError:
        _quiet_broken_pipe()
        sys.exit(0)
    except Exception as error:  # noqa: BLE001 - the last guard: no traceback reaches a user
        if type(error).__name__ in ("Exit", "Abort") and hasattr(error, "exit_code"):
            sys.exit(error.exit_code)
        if _debug():
            raise
        _stderr(f"error: unexpected {type(error).__name__}: {error} (run with --debug for details)")
        sys.exit(1)
    sys.exit(status if isinstance(status, int) else 0)
