"""newsfind: full-text search for German and English news articles.

Public API: ``index_paths`` builds or updates an index, ``open_index`` searches it.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["Article", "Hit", "IndexReport", "NewsIndex", "SearchResult", "__version__",
           "index_paths", "open_index", "search"]

if TYPE_CHECKING:
    from pathlib import Path

    from .articles import Article
    from .indexer import IndexReport, index_paths
    from .query import Hit, NewsIndex, SearchResult, open_index

_LAZY = {"Article": "articles", "IndexReport": "indexer", "index_paths": "indexer",
         "Hit": "query", "NewsIndex": "query", "SearchResult": "query", "open_index": "query"}


def __getattr__(name: str) -> Any:
    # Lazy: `import newsfind` (and so `newsfind --help`) must not load Whoosh.
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'newsfind' has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(f".{module}", __name__), name)


def search(index_dir: "Path", query: str, **options: Any) -> "SearchResult":
    """One search over the index at ``index_dir`` (opens and closes it)."""
    from .query import open_index

    with open_index(index_dir) as news_index:
        return news_index.search(query, **options)
