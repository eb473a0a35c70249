"""Query language, filters, cross-language expansion and searching: query text in, Hits out.

The user's query is parsed here (one small recursive-descent parser, so syntax errors get
clear messages) and compiled into Whoosh queries over the per-language fields.
"""
from __future__ import annotations

import bisect
import heapq
import re
import sys
import time
import unicodedata
from collections import Counter
from collections.abc import Iterator, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from itertools import accumulate, compress
from pathlib import Path
from typing import Any

from whoosh import query as wq

from . import store
from .analysis import (
    LANGS,
    detect_language,
    fold,
    fold_chars,
    index_tokens,
    is_stopword_word,
    phrase_tokens,
    query_tokens,
    query_word_parts,
    surface_word_set,
    translations,
    word_occurrences,
)
from .errors import BadDate, QuerySyntax, UnknownArticle, UsageError
from .scoring import DayRange, Evaluator, Scores


def _defer_whoosh_highlight() -> None:
    """whoosh.searching imports whoosh.highlight (and with it html.entities, ~2 ms a start)
    only for Results.highlights, which newsfind never calls (snippets are its own). Register
    the module as a lazy one, in the way of importlib's docs: it loads in full on first use."""
    import sys

    if "whoosh.highlight" in sys.modules or "whoosh.searching" in sys.modules:
        return
    import importlib.util

    import whoosh

    spec = importlib.util.find_spec("whoosh.highlight")
    if spec is None or spec.loader is None:
        return
    spec.loader = importlib.util.LazyLoader(spec.loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules["whoosh.highlight"] = module
    spec.loader.exec_module(module)
    # as an import does; also what keeps `from whoosh import highlight` from loading it
    whoosh.highlight = module  # type: ignore[attr-defined]


_defer_whoosh_highlight()

MAX_QUERY_CHARS = 2000
FIELDS = ("title", "place", "leader", "lang", "date")
FIELD_EXAMPLES = {"title": "Gipfel", "place": "Tokyo", "leader": "Takaichi", "lang": "de", "date": "2026-01"}
SORTS = ("relevance", "date", "-date")
CROSS_LANGUAGE_BOOST = 0.4  # translations rank below same-language matches
OTHER_LANGUAGE_BOOST = 0.6  # the other analysis of a query whose language is clear
PARTS_BOOST = 0.5  # a compound's parts found apart rank below the compound itself
MAX_TRANSLATED_WORDS = 3  # longest run of query words looked up as one term ("prime minister")
SNIPPET_CHARS = 200


# --- results -------------------------------------------------------------------------

class ArticleSummary:
    """What every output of an article shows: its id, title and metadata, and its file.

    The fields are declared again by each dataclass built on it (Hit, ArticleView), in this
    order: one dataclass fewer to create at every start."""

    __slots__ = ()

    id: str
    title: str
    date: str | None
    lang: str
    places: tuple[str, ...]
    leaders: tuple[str, ...]
    source: str

    def summary_record(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "date": self.date, "lang": self.lang,
                "places": list(self.places), "leaders": list(self.leaders)}


@dataclass(frozen=True)
class Hit(ArticleSummary):
    """One search result; ``to_record`` gives the stable fields of CLI.md."""

    id: str
    title: str
    date: str | None
    lang: str
    places: tuple[str, ...]
    leaders: tuple[str, ...]
    source: str
    score: float = 0.0
    snippet: str = ""
    snippet_spans: tuple[tuple[int, int], ...] = ()
    title_spans: tuple[tuple[int, int], ...] = ()

    def to_record(self) -> dict[str, Any]:
        return {**self.summary_record(), "score": round(self.score, 4), "snippet": self.snippet,
                "source": self.source}


def __getattr__(name: str) -> Any:
    # ArticleView is defined on first use: only `show` needs it, and a dataclass takes every
    # process start about half a millisecond to create
    if name == "ArticleView":
        return _article_view()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _article_view() -> type[ArticleSummary]:
    defined = globals().get("ArticleView")
    if defined is not None:
        return defined  # type: ignore[no-any-return]

    @dataclass(frozen=True)
    class ArticleView(ArticleSummary):
        """One indexed article in full, for `show`."""

        id: str
        title: str
        date: str | None
        lang: str
        places: tuple[str, ...]
        leaders: tuple[str, ...]
        source: str
        body: str = ""
        url: str | None = None
        origin: dict[str, Any] = field(default_factory=dict)
        hash: str = ""

        def to_record(self) -> dict[str, Any]:
            return {**self.summary_record(), "source": self.source, "url": self.url, "hash": self.hash,
                    "origin": self.origin, "body": self.body}

    ArticleView.__qualname__ = "ArticleView"  # as if defined at the top level: pickles, reprs
    globals()["ArticleView"] = ArticleView
    return ArticleView


@dataclass
class SearchResult:
    """What a search gives: its hits (at most the limit), how many articles matched in all,
    the seconds it took, and with ``facets`` the top places, leaders and months of all hits."""

    query: str
    hits: list[Hit]
    total: int
    elapsed: float
    facets: dict[str, list[tuple[str, int]]] | None = None


# --- dates ---------------------------------------------------------------------------------

_DATE_ARG = r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$"  # compiled on first use (re's cache)


def date_bounds(text: str, option: str = "date") -> tuple[date, date]:
    """First and last day of YYYY, YYYY-MM or YYYY-MM-DD."""
    match = re.match(_DATE_ARG, text.strip())
    try:
        if not match:
            raise ValueError
        year, month, day = int(match[1]), match[2], match[3]
        if year < 1:
            raise ValueError
        if month is None:
            return date(year, 1, 1), date(year, 12, 31)
        m = int(month)
        if day is None:
            import calendar

            return date(year, m, 1), date(year, m, calendar.monthrange(year, m)[1])
        exact = date(year, m, int(day))
        return exact, exact
    except ValueError:
        raise BadDate(f"invalid date {text!r} for {option}: use YYYY, YYYY-MM or YYYY-MM-DD") from None


def check_filter_values(lang: str | None, since: str | None, until: str | None) -> tuple[int | None, int | None]:
    """The usage errors of --lang/--since/--until, and the day range they give."""
    if lang and lang not in LANGS:
        raise UsageError(f"invalid --lang {lang!r}: use de or en")
    return day_range(since, until)


def day_range(since: str | None, until: str | None) -> tuple[int | None, int | None]:
    start = date_bounds(since, "--since")[0].toordinal() if since else None
    end = date_bounds(until, "--until")[1].toordinal() if until else None
    if start is not None and end is not None and start > end:
        raise BadDate(f"--since {since} is after --until {until}: no article can match")
    return start, end


# --- parsing -------------------------------------------------------------------------------

class Node:
    """A parsed query. Nodes are plain slotted classes, not dataclasses (which take every
    process start about half a millisecond each to create), with the same value semantics:
    equal and hashing alike by type and fields, a field-by-field repr, and immutable."""

    __slots__ = _fields = ()

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self._fields)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            return self._values() == other._values()  # type: ignore[attr-defined]
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        inner = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{type(self).__qualname__}({inner})"

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"cannot delete field {name!r}")


_set = object.__setattr__  # how the nodes' __init__ set their fields


class Word(Node):
    __slots__ = _fields = ("text", "field")

    def __init__(self, text: str, field: str | None = None) -> None:
        _set(self, "text", text)
        _set(self, "field", field)


class Phrase(Node):
    __slots__ = _fields = ("text", "field")

    def __init__(self, text: str, field: str | None = None) -> None:
        _set(self, "text", text)
        _set(self, "field", field)


class Every(Node):
    __slots__ = ()


class Words(Node):
    """Consecutive plain words with a translation as a whole ("coal mine" -> Kohlebergwerk)."""

    __slots__ = _fields = ("children",)

    def __init__(self, children: tuple[Word, ...]) -> None:
        _set(self, "children", children)

    @property
    def text(self) -> str:
        return " ".join(child.text for child in self.children)


class Not(Node):
    __slots__ = _fields = ("child",)

    def __init__(self, child: Node) -> None:
        _set(self, "child", child)


class And(Node):
    __slots__ = _fields = ("children",)

    def __init__(self, children: tuple[Node, ...]) -> None:
        _set(self, "children", children)


class Or(Node):
    __slots__ = _fields = ("children",)

    def __init__(self, children: tuple[Node, ...]) -> None:
        _set(self, "children", children)


_LEX = re.compile(r'\s+|(?P<lp>\()|(?P<rp>\))|(?P<phrase>"[^"]*")|(?P<quote>")|(?P<word>[^\s()"]+)')
_FIELD = re.compile(r"^([A-Za-z_]+):(.*)$", re.S)


def parse(text: str) -> Node:
    """The query syntax of CLI.md: words, "phrases", AND/OR/NOT, -word, field:value, *."""
    if len(text) > MAX_QUERY_CHARS:
        raise QuerySyntax(f"query too long ({len(text):,} characters, at most {MAX_QUERY_CHARS:,})")
    if "\x00" in text or any(ord(ch) < 32 and ch not in "\t\n\r" for ch in text):
        raise QuerySyntax("query contains control characters (such as NUL); remove them")
    tokens = _lex(text)
    if not tokens:
        raise QuerySyntax("empty query: give words to search for, or '*' for every article")
    parser = _Parser(tokens)
    node = parser.parse_or()
    if parser.pos < len(tokens):
        raise QuerySyntax("unbalanced parenthesis in query: a ')' has no '('")
    return node


def _lex(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    for match in _LEX.finditer(text):
        kind = match.lastgroup
        if kind is None:
            continue
        if kind == "quote":
            raise QuerySyntax('unbalanced quote in query: close the phrase with a second "')
        tokens.append((kind, match.group()))
    return tokens


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.pos = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def parse_or(self) -> Node:
        children = [self.parse_and()]
        while (token := self.peek()) and token == ("word", "OR"):
            self.pos += 1
            children.append(self.parse_and())
        return children[0] if len(children) == 1 else Or(tuple(children))

    def parse_and(self) -> Node:
        children: list[Node] = []
        while (token := self.peek()) and token[0] != "rp" and token != ("word", "OR"):
            if token == ("word", "AND"):
                self.pos += 1
                continue
            children.append(self.parse_unary())
        if not children:
            raise QuerySyntax("incomplete query: AND/OR/NOT or '(' needs words on both sides")
        return children[0] if len(children) == 1 else And(tuple(children))

    def parse_unary(self) -> Node:
        kind, value = self.tokens[self.pos]
        if (kind, value) == ("word", "NOT"):
            self.pos += 1
            if self.peek() is None:
                raise QuerySyntax("incomplete query: NOT needs a word after it")
            return Not(self.parse_unary())
        if kind == "word" and value.startswith("-") and len(value) > 1:
            self.pos += 1
            return Not(self._atom_from_word(value[1:]))
        if kind == "word" and value.startswith("+") and len(value) > 1:
            self.pos += 1
            return self._atom_from_word(value[1:])
        return self.parse_atom()

    def parse_atom(self) -> Node:
        kind, value = self.tokens[self.pos]
        self.pos += 1
        if kind == "lp":
            node = self.parse_or()
            if self.peek() is None or self.peek()[0] != "rp":  # type: ignore[index]
                raise QuerySyntax("unbalanced parenthesis in query: a '(' is not closed")
            self.pos += 1
            return node
        if kind == "rp":
            raise QuerySyntax("unbalanced parenthesis in query: a ')' has no '('")
        if kind == "phrase":
            return _phrase(value[1:-1], None)
        return self._atom_from_word(value)

    def _atom_from_word(self, value: str) -> Node:
        if value == "*":
            return Every()
        match = _FIELD.match(value)
        if match and not value.startswith(("http:", "https:")):
            name, rest = match[1].lower(), match[2]
            if name not in FIELDS:
                raise QuerySyntax(f"unknown field {match[1]!r} in query; fields are {', '.join(FIELDS)}")
            if not rest:
                token = self.peek()
                if token is None or token[0] not in ("phrase", "word"):
                    raise QuerySyntax(f"field {name}: needs a value, e.g. {name}:{FIELD_EXAMPLES[name]}")
                self.pos += 1
                rest = token[1][1:-1] if token[0] == "phrase" else token[1]
                return _phrase(rest, name) if token[0] == "phrase" else Word(rest, name)
            return Word(rest, name)
        if value.startswith("-") or value.startswith("+"):
            return self._atom_from_word(value[1:]) if len(value) > 1 else Word(value)
        return Word(value)


def _phrase(text: str, field_name: str | None) -> Node:
    if not text.strip():
        raise QuerySyntax('empty phrase "" in query')
    return Phrase(text, field_name)


def plain_words(node: Node) -> list[str]:
    """The free-text words and phrases of a query (for language guessing and snippets)."""
    if isinstance(node, (Word, Phrase)):
        return [node.text] if node.field in (None, "title") else []
    if isinstance(node, Not):
        return []
    if isinstance(node, (And, Or)):
        return [w for child in node.children for w in plain_words(child)]
    return []


# --- compiling ------------------------------------------------------------------------------

class _Context:
    """What compiling one query collects (a plain class: see Node)."""

    __slots__ = ("weights", "keep_stopwords", "leaders", "query_lang", "terms", "highlighters")

    def __init__(self, weights: dict[str, float], keep_stopwords: dict[str, bool], leaders: LeaderDirectory,
                 query_lang: str | None = None, terms: dict[str, set[str]] | None = None,
                 highlighters: dict[str, Highlighter] | None = None) -> None:
        self.weights = weights  # query language -> weight
        self.keep_stopwords = keep_stopwords  # per language: the query is stopwords only, so keep them
        self.leaders = leaders
        self.query_lang = query_lang  # the language of the query's free text, when it has any
        self.terms = {lang: set() for lang in LANGS} if terms is None else terms
        self.highlighters = {} if highlighters is None else highlighters  # per language, for snippets


def query_languages(words: Sequence[str]) -> dict[str, float]:
    """Weights per analysis: both in full for short queries, the detected one first otherwise."""
    text = " ".join(words)
    if len(text.split()) < 3:
        return {lang: 1.0 for lang in LANGS}
    detected = detect_language(text)
    return {lang: 1.0 if lang == detected else OTHER_LANGUAGE_BOOST for lang in LANGS}


def _text_fields(lang: str, field_name: str | None) -> list[str]:
    parts = ("title",) if field_name == "title" else ("title", "body")
    return [store.text_field(lang, part) for part in parts]


def _term_query(term: str, fields: list[str], boost: float) -> wq.Query:
    # boosts go on the terms: that is where Whoosh's BM25F applies them
    if len(fields) == 1:
        return wq.Term(fields[0], term, boost=boost)
    return wq.Or([wq.Term(f, term, boost=boost) for f in fields])


def _word_query(text: str, lang: str, field_name: str | None, ctx: _Context, boost: float) -> wq.Query | None:
    """Every surface word must match: by its whole term, or (ranked lower) by all its atoms,
    so Bergwerk finds Kohlebergwerksunglück and Gipfeltreffen finds "Treffen am Gipfel"."""
    words = query_word_parts(text, lang)  # (surface, whole term, atoms)
    if not ctx.keep_stopwords.get(lang, False):
        words = [w for w in words if not is_stopword_word(w[0], lang)]
    if not words:
        return None
    fields = _text_fields(lang, field_name)
    required: list[wq.Query] = []
    for _surface, whole_term, word_atoms in words:
        ctx.terms[lang].update((whole_term, *word_atoms))
        whole = _term_query(whole_term, fields, boost)
        if word_atoms == (whole_term,):
            required.append(whole)
            continue
        atoms = [_term_query(atom, fields, boost * PARTS_BOOST) for atom in dict.fromkeys(word_atoms)]
        required.append(wq.Or([whole, atoms[0] if len(atoms) == 1 else wq.And(atoms)]))
    return required[0] if len(required) == 1 else wq.And(required)


def _phrase_query(text: str, lang: str, field_name: str | None, ctx: _Context, boost: float) -> wq.Query | None:
    terms = [t[0] for t in phrase_tokens(text, lang)]
    if not terms:
        return None
    ctx.terms[lang].update(terms)
    ctx.terms[lang].update(t[0] for t in query_tokens(text, lang))
    if len(terms) == 1:
        keep_all = {code: True for code in LANGS}
        single = _Context(ctx.weights, keep_all, ctx.leaders, ctx.query_lang, ctx.terms)
        return _word_query(text, lang, field_name, single, boost)
    return wq.Or([wq.Phrase(f, terms, boost=boost) for f in _text_fields(lang, field_name)])


def _text_query(node: Word | Phrase | Words, ctx: _Context) -> wq.Query:
    if isinstance(node, Word) and _dropped_stopword(node.text, ctx):
        return wq.NullQuery
    options: list[wq.Query] = []
    if isinstance(node, Words):
        words = [q for q in (compile_node(child, ctx) for child in node.children) if q is not wq.NullQuery]
        if words:
            options.append(words[0] if len(words) == 1 else wq.And(words))
    for lang, weight in ctx.weights.items():
        if not isinstance(node, Words):
            build = _phrase_query if isinstance(node, Phrase) else _word_query
            direct = build(node.text, lang, node.field, ctx, weight)
            if direct is not None:
                options.append(direct)
        for other_text in _general_translations(node.text, lang):
            other = next(o for o in LANGS if o != lang)
            translated = _phrase_query if " " in other_text.strip() else _word_query
            extra = translated(other_text, other, _field_of(node), ctx, weight * CROSS_LANGUAGE_BOOST)
            if extra is not None:
                options.append(extra)
    if not options:
        return wq.NullQuery
    return options[0] if len(options) == 1 else wq.Or(options)


def _field_of(node: Word | Phrase | Words) -> str | None:
    return node.children[0].field if isinstance(node, Words) else node.field


def _dropped_stopword(text: str, ctx: _Context) -> bool:
    """A stopword of the query's language is left out unless the query is only stopwords,
    in every analysis: in 'Die Gipfeltreffen' the English 'die' must not be required."""
    lang = ctx.query_lang
    return lang is not None and not ctx.keep_stopwords.get(lang, False) and is_stopword_word(text, lang)


def _translatable_runs(children: Sequence[Node]) -> list[Node]:
    """Children with runs of consecutive plain words that translate as a whole grouped as Words."""
    grouped: list[Node] = []
    i = 0
    while i < len(children):
        for n in range(min(MAX_TRANSLATED_WORDS, len(children) - i), 1, -1):
            run = children[i : i + n]
            if all(isinstance(c, Word) and c.field == run[0].field and c.field in (None, "title")  # type: ignore[attr-defined]
                   for c in run):
                text = " ".join(c.text for c in run)  # type: ignore[attr-defined]
                if any(translations(text, lang) for lang in LANGS):
                    grouped.append(Words(tuple(run)))  # type: ignore[arg-type]
                    i += n
                    break
        else:
            grouped.append(children[i])
            i += 1
    return grouped


def _general_translations(text: str, lang: str) -> list[str]:
    """Translations minus those that only narrow another ("Gipfel" covers "Gipfeltreffen"),
    so one concept is not counted twice in a document's score."""
    options = translations(text, lang)
    if len(options) < 2:
        return options
    other = next(o for o in LANGS if o != lang)
    term_sets = [frozenset(t[0] for t in query_tokens(option, other)) for option in options]
    return [option for option, terms in zip(options, term_sets)
            if not any(smaller < terms for smaller in term_sets)]


def _field_query(node: Word | Phrase, ctx: _Context) -> wq.Query:
    name, value = node.field, node.text.strip()
    if name == "lang":
        code = value.lower()
        if code not in LANGS:
            raise QuerySyntax(f"lang:{value} is not a language; use lang:de or lang:en")
        return wq.Term("lang", code)
    if name == "date":
        first, last = date_bounds(value, "date:")
        return wq.NumericRange("day", first.toordinal(), last.toordinal())
    if name == "place":
        return place_filter(value)
    if name == "leader":
        return leader_query(value, ctx.leaders)
    return _text_query(node, ctx)


def compile_node(node: Node, ctx: _Context) -> wq.Query:
    if isinstance(node, Every):
        return wq.Every()
    if isinstance(node, Words):
        return _text_query(node, ctx)
    if isinstance(node, (Word, Phrase)):
        return _text_query(node, ctx) if node.field in (None, "title") else _field_query(node, ctx)
    if isinstance(node, Not):
        return wq.AndNot(wq.Every(), compile_node(node.child, ctx))
    if isinstance(node, Or):
        options = [q for q in (compile_node(child, ctx) for child in node.children) if q is not wq.NullQuery]
        return wq.NullQuery if not options else options[0] if len(options) == 1 else wq.Or(options)
    assert isinstance(node, And)
    positive = [compile_node(c, ctx) for c in _translatable_runs(node.children) if not isinstance(c, Not)]
    negative = [compile_node(c.child, ctx) for c in node.children if isinstance(c, Not)]
    positive = [q for q in positive if q is not wq.NullQuery] or ([wq.Every()] if negative else [wq.NullQuery])
    result = positive[0] if len(positive) == 1 else wq.And(positive)
    if negative:
        result = wq.AndNot(result, negative[0] if len(negative) == 1 else wq.Or(negative))
    return result


def _only_stopwords(node: Node, lang: str) -> bool:
    words = list(_words(node))
    return bool(words) and all(is_stopword_word(w[0], lang) for text in words for w in query_word_parts(text, lang))


def _words(node: Node) -> Iterator[str]:
    if isinstance(node, Word) and node.field in (None, "title"):
        yield node.text
    elif isinstance(node, Not):
        yield from _words(node.child)
    elif isinstance(node, (And, Or)):
        for child in node.children:
            yield from _words(child)


# --- filters --------------------------------------------------------------------------------

def place_key_of(name: str) -> str:
    """The indexed key of a place, from any spelling (Tokio, tokyo, Suedkorea)."""
    from .extract import canonical_place
    from .indexer import name_key

    return name_key(canonical_place(name) or name)


def place_filter(name: str) -> wq.Query:
    return wq.Term("place", place_key_of(name))


class LeaderDirectory:
    """The index's leaders by key: a --leader value (any spelling, or one name alone) to keys.

    The same rule as ``extract.resolve_leader``, with its word index built once, so a
    100,000-article index answers in microseconds rather than a scan of every name."""

    def __init__(self, names: dict[str, str]) -> None:
        self.names = names  # leader key -> display name
        self._by_word: dict[str, set[str]] | None = None

    def keys_for(self, query: str) -> list[str]:
        from .extract import leader_key

        key = leader_key(query)
        if not key or key in self.names:
            return [key] if key else []
        if self._by_word is None:
            self._by_word = self._word_index()
        wanted = [self._by_word.get(leader_key(word), set()) for word in query.split()]
        found = set.intersection(*wanted) if wanted else set()
        return sorted(found) or [key]

    def _word_index(self) -> dict[str, set[str]]:
        from .extract import leader_word_keys

        index: dict[str, set[str]] = {}
        for key, display in self.names.items():
            for word in leader_word_keys(display):
                index.setdefault(word, set()).add(key)
        return index


def leader_query(name: str, directory: LeaderDirectory) -> wq.Query:
    keys = directory.keys_for(name)
    return wq.Term("leader", keys[0]) if len(keys) == 1 else wq.Or([wq.Term("leader", k) for k in keys])


class FilterSets:
    """Document-number sets of filters, built once per open index and reused by later queries.

    Filters are sets rather than queries: a hit is tested for membership instead of running
    a second query, and a date range is two bisections of the sorted day column instead of
    a union of numeric-range terms."""

    def __init__(self, searcher: Any, evaluator: Evaluator, leaders: LeaderDirectory,
                 max_cached: int = 512) -> None:
        self._searcher = searcher
        self._evaluator = evaluator
        self._leaders = leaders
        self._terms: dict[tuple[str, str], frozenset[int]] = {}
        self._max_cached = max_cached
        self._days: tuple[list[int], list[int]] | None = None
        self._day_column: list[int] | None = None

    def term(self, fieldname: str, text: str) -> frozenset[int]:
        key = (fieldname, text)
        docs = self._terms.get(key)
        if docs is None:
            docs = self._evaluator.doc_ids(fieldname, text)
            if len(self._terms) >= self._max_cached:
                self._terms.pop(next(iter(self._terms)))
            self._terms[key] = docs
        return docs

    def days(self, start: int | None, end: int | None) -> DayRange:
        """Articles dated within [start, end] (day numbers); undated ones never match."""
        if self._days is None:
            column = self.day_column()
            dated = sorted(compress(range(len(column)), column), key=column.__getitem__)
            self._days = ([column[docnum] for docnum in dated], dated)
        days, docnums = self._days
        low = bisect.bisect_left(days, start) if start is not None else 0
        high = bisect.bisect_right(days, end) if end is not None else len(days)
        return DayRange(self.day_column(), 1 if start is None else start, sys.maxsize if end is None else end,
                        lambda: docnums[low:high], high - low)

    def day_column(self) -> list[int]:
        """Each document's day number (0: undated), by document number."""
        if self._day_column is None:
            self._day_column = self._evaluator.numbers("day")
        return self._day_column

    def leader(self, name: str) -> frozenset[int]:
        keys = self._leaders.keys_for(name)
        return frozenset().union(*(self.term("leader", key) for key in keys))

    def combined(self, *, lang: str | None, since: str | None, until: str | None,
                 places: Sequence[str], leaders: Sequence[str]) -> AbstractSet[int] | None:
        """The documents passing every filter, or None when there is no filter (not to be changed:
        it may be a cached set)."""
        start, end = check_filter_values(lang, since, until)
        parts: list[Any] = []
        if lang:
            parts.append(self.term("lang", lang))
        if start is not None or end is not None:
            parts.append(self.days(start, end))
        parts.extend(self.term("place", place_key_of(p)) for p in places if p.strip())
        parts.extend(self.leader(name) for name in leaders if name.strip())
        if not parts:
            return None
        if len(parts) == 1:
            return parts[0]  # as it is: callers only read it (a date range's set is large)
        parts.sort(key=len)
        result = set(parts[0])
        for other in parts[1:]:
            result.intersection_update(other.docs if isinstance(other, DayRange) else other)
        return result


# --- snippets -------------------------------------------------------------------------------

class Highlighter:
    """Finds the surface words of texts whose analysed terms were searched for. One per
    search and language: a word's answer is kept for the next hit, where it is common."""

    def __init__(self, lang: str, terms: set[str]) -> None:
        self.lang = lang
        self.terms = terms
        # Only words that contain (most of) a searched term can match: analysing just those
        # keeps snippets cheap. Stems may end differently from the word ('countri').
        self._prefixes = {term[:max(3, len(term) - 2)] for term in terms}
        self._seen: set[str] = set()  # words already judged
        self._marked: set[str] = set()  # those of them that match

    def _judge(self, words: list[str]) -> None:
        """Decide for new words whether they match. Words that cannot hold a searched term's
        prefix are ruled out in bulk, by string search over all of them at once; only the
        few candidates are analysed."""
        self._seen.update(words)
        blob = "\n".join(words)
        folded = _rough_fold(blob)
        starts = list(accumulate((len(word) + 1 for word in words[:-1]), initial=0))
        # Candidates whatever the prefixes: words with German ae/oe/ue spellings, which may
        # fold to umlauts (Suedkorea = Südkorea), with characters of longer folds (ß), or with
        # hyphens and apostrophes, which may stand between a prefix's letters
        needles = (*self._prefixes, "ae", "oe", "ue", _UNSURE, *_JOINERS)
        candidates = {words[bisect.bisect_right(starts, at) - 1]
                      for needle in needles for at in _find_all(folded, needle)}
        for word in candidates:
            if may_hold(word, self._prefixes) and any(
                    term in self.terms for term, _pos, _start, _end in index_tokens(word, self.lang)):
                self._marked.add(word)

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Character spans of the matching words, merged where they touch."""
        if not self.terms or not text:
            return []
        words = surface_word_set(text)
        new = words - self._seen
        if new:
            self._judge(list(new))
        marked = words & self._marked
        if not marked:
            return []
        return _merge([span for word in marked for span in word_occurrences(text, word)])


def may_hold(word: str, prefixes: set[str]) -> bool:
    """Whether a surface word can have an index term starting with one of ``prefixes``:
    its fold, without hyphens and apostrophes (Jae-myung: jaemyung, O'Brien: obrien), holds one."""
    folded = _squeezed(word)
    return any(prefix in folded for prefix in prefixes)


@lru_cache(maxsize=50_000)
def _squeezed(word: str) -> str:
    return fold(word).translate(_SQUEEZE)


_JOINERS = "-‐‑–'’"  # hyphens and apostrophes, which join letters into one surface word
_SQUEEZE = dict.fromkeys(map(ord, _JOINERS))  # str.translate: these characters removed


# character -> its fold_chars (one character, else _UNSURE), filled as characters appear
_ROUGH_FOLD: dict[int, str] = {ord(upper): upper.lower() for upper in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"}
_UNSURE = "\x01"  # stands for a character whose fold is not one character


def _rough_fold(text: str) -> str:
    """``fold_chars`` character by character at C speed, one character for one (offsets
    stay): a fold of another length becomes _UNSURE; no German transliteration."""
    if text.isascii():
        return text.lower()
    for char in set(text):
        if ord(char) not in _ROUGH_FOLD and not char.isascii():
            folded = "" if unicodedata.combining(char) else fold_chars(char)
            _ROUGH_FOLD[ord(char)] = folded if len(folded) == 1 else _UNSURE
    return text.translate(_ROUGH_FOLD)


def _find_all(text: str, needle: str) -> Iterator[int]:
    at = text.find(needle)
    while at >= 0:
        yield at
        at = text.find(needle, at + 1)


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def make_snippet(body: str, highlighter: Highlighter,
                 width: int = SNIPPET_CHARS) -> tuple[str, list[tuple[int, int]]]:
    """Up to two fragments of about ``width`` characters around the densest matches."""
    text = " ".join(body.split())
    spans = highlighter.spans(text)
    if not spans:
        cut = _cut(text, 0, width)
        return text[:cut] + (" …" if cut < len(text) else ""), []
    windows = _best_windows(text, spans, width)
    pieces: list[str] = []
    out_spans: list[tuple[int, int]] = []
    offset = 0
    for start, end in windows:
        prefix = ("" if not pieces else " ") + ("… " if start > 0 else "")
        piece = prefix + text[start:end]
        base = offset + len(prefix) - start
        out_spans.extend((s + base, e + base) for s, e in spans if s >= start and e <= end)
        pieces.append(piece)
        offset += len(piece)
    snippet = "".join(pieces)
    if windows[-1][1] < len(text):
        snippet += " …"
    return snippet, out_spans


def _cut(text: str, start: int, width: int) -> int:
    end = min(len(text), start + width)
    if end < len(text):
        space = text.rfind(" ", start + width // 2, end)
        end = space if space > 0 else end
    return end


def _best_windows(text: str, spans: list[tuple[int, int]], width: int) -> list[tuple[int, int]]:
    def window_for(index: int) -> tuple[int, int, int]:
        anchor = spans[index][0]
        start = max(0, anchor - width // 4)
        space = text.find(" ", start) if start > 0 else 0
        start = space + 1 if 0 < space < anchor else start
        end = _cut(text, start, width)
        words = {text[s:e].lower() for s, e in spans if s >= start and e <= end}
        return len(words), start, end

    scored = sorted((window_for(i) for i in range(len(spans))), key=lambda w: (-w[0], w[1]))
    best = scored[0]
    chosen = [(best[1], best[2])]
    for _score, start, end in scored[1:]:
        if start >= best[2] or end <= best[1]:
            chosen.append((start, min(end, start + width // 2 + 40)))
            chosen[-1] = (start, _cut(text, start, width // 2 + 40))
            break
    return sorted(chosen)


def _ranked(scores: Scores, limit: int | None) -> list[tuple[int, float]]:
    """(docnum, score) by score, ties by document number (Whoosh's order), at most ``limit``."""
    items: Any = scores.items()
    if limit is not None and len(scores) > limit:
        threshold = heapq.nlargest(limit, scores.values())[-1]
        items = [(d, s) for d, s in items if s >= threshold]
    return sorted(items, key=lambda hit: (-hit[1], hit[0]))[:limit]


# --- the index as seen by searches ---------------------------------------------------------

class NewsIndex:
    """An open index: searches, single articles and statistics, over one Whoosh searcher."""

    def __init__(self, index_dir: Path) -> None:
        self.index_dir = Path(index_dir)
        self._ix, self._gen_dir, self._searcher = store.open_searcher(self.index_dir)
        self.leader_names, self.updated = store.read_names(self._gen_dir, store.index_generation_number(self._ix))
        self.leaders = LeaderDirectory(self.leader_names)
        self._filters: FilterSets | None = None
        self._evaluator: Evaluator | None = None

    def __enter__(self) -> NewsIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None
        self._ix.close()

    @property
    def searcher(self) -> Any:
        if self._searcher is None:
            self._searcher = self._ix.searcher()
        return self._searcher

    @property
    def evaluator(self) -> Evaluator:
        if self._evaluator is None:
            self._evaluator = Evaluator(self.searcher)
        return self._evaluator

    @property
    def filters(self) -> FilterSets:
        if self._filters is None:
            self._filters = FilterSets(self.searcher, self.evaluator, self.leaders)
        return self._filters

    def leader_display(self, names: Sequence[str]) -> tuple[str, ...]:
        from .extract import leader_key

        shown = (self.leader_names.get(leader_key(n), n) for n in names)
        return tuple(dict.fromkeys(shown))

    def compile(self, text: str) -> tuple[wq.Query, _Context]:
        node = parse(text)
        weights = query_languages(plain_words(node))
        keep = {lang: _only_stopwords(node, lang) for lang in weights}
        words = plain_words(node)
        ctx = _Context(weights, keep, self.leaders,
                       query_lang=detect_language(" ".join(words)) if words else None)
        return compile_node(node, ctx), ctx

    def search(self, text: str, *, lang: str | None = None, since: str | None = None,
               until: str | None = None, places: Sequence[str] = (), leaders: Sequence[str] = (),
               sort: str = "relevance", limit: int | None = 10, facets: bool = False) -> SearchResult:
        """Ranked hits with snippets; ``limit=None`` returns every hit."""
        started = time.perf_counter()
        results, total, ctx = self._run(text, lang, since, until, places, leaders, sort, limit)
        hits = [self._hit(docnum, score, ctx) for docnum, score in results]
        found_facets = self._facets(text, lang, since, until, places, leaders) if facets else None
        return SearchResult(text, hits, total, time.perf_counter() - started, found_facets)

    def iter_search(self, text: str, **options: Any) -> Iterator[Hit]:
        """Every hit, produced one at a time (for --all exports of large result sets)."""
        results, _total, ctx = self._run(text, options.get("lang"), options.get("since"), options.get("until"),
                                 options.get("places", ()), options.get("leaders", ()),
                                 options.get("sort", "relevance"), None)
        for docnum, score in results:
            yield self._hit(docnum, score, ctx)

    def _run(self, text: str, lang: str | None, since: str | None, until: str | None,
             places: Sequence[str], leaders: Sequence[str], sort: str,
             limit: int | None) -> tuple[list[tuple[int, float]], int, _Context]:
        """(docnum, score) of the hits in order (at most ``limit``), how many there are in all,
        and the compiled query's context (its terms, for snippets)."""
        if sort not in SORTS:
            raise UsageError(f"invalid --sort {sort!r}: use relevance, date or -date")
        if limit is not None and limit < 1:
            raise UsageError(f"invalid --limit {limit}: give a number of hits of 1 or more")
        compiled, ctx = self.compile(text)
        allowed = self.filters.combined(lang=lang, since=since, until=until, places=places, leaders=leaders)
        if allowed is not None and not allowed:
            return [], 0, ctx  # nothing passes the filters
        # Every match is scored (in bulk, see scoring.py): that gives the exact count, and
        # lets tiers and dates order the hits without another search.
        scores = self.evaluator.scores(compiled, within=allowed)
        if sort == "relevance" and not lang and ctx.query_lang:
            # same-language matches rank above cross-language ones
            same = self.filters.term("lang", ctx.query_lang)
            hits = _ranked({d: s for d, s in scores.items() if d in same}, limit)
            if limit is None or len(hits) < limit:
                rest = {d: s for d, s in scores.items() if d not in same}
                hits += _ranked(rest, None if limit is None else limit - len(hits))
        elif sort == "relevance":
            hits = _ranked(scores, limit)
        else:
            days = self.filters.day_column()
            if sort == "date":  # oldest first, undated last
                key = lambda hit: (days[hit[0]] == 0, days[hit[0]], -hit[1], hit[0])  # noqa: E731
            else:
                key = lambda hit: (-days[hit[0]], -hit[1], hit[0])  # noqa: E731
            hits = sorted(scores.items(), key=key)[:limit]
        return hits, len(scores), ctx

    def _hit(self, docnum: int, score: float, ctx: _Context) -> Hit:
        fields = self.searcher.stored_fields(docnum)
        doc = fields["doc"]
        lang = fields["lang"]
        highlighter = ctx.highlighters.get(lang)
        if highlighter is None:
            highlighter = ctx.highlighters[lang] = Highlighter(lang, ctx.terms.get(lang, set()))
        snippet, spans = make_snippet(doc["body"] or doc["title"], highlighter)
        return Hit(
            id=fields["id"], title=doc["title"], date=doc["date"], lang=lang,
            places=tuple(doc["places"]), leaders=self.leader_display(doc["leaders"]), score=score,
            snippet=snippet, source=fields["source"], snippet_spans=tuple(spans),
            title_spans=tuple(highlighter.spans(doc["title"])),
        )

    def _facets(self, text: str, lang: str | None, since: str | None, until: str | None,
                places: Sequence[str], leaders: Sequence[str]) -> dict[str, list[tuple[str, int]]]:
        results, _total, _ctx = self._run(text, lang, since, until, places, leaders, "relevance", None)
        counts: dict[str, Counter[str]] = {"places": Counter(), "leaders": Counter(), "months": Counter()}
        for docnum, _score in results:
            doc = self.searcher.stored_fields(docnum)["doc"]
            counts["places"].update(doc["places"])
            counts["leaders"].update(self.leader_display(doc["leaders"]))
            if doc["date"]:
                counts["months"][doc["date"][:7]] += 1
        return {"places": counts["places"].most_common(10), "leaders": counts["leaders"].most_common(10),
                "months": sorted(counts["months"].items(), reverse=True)[:12]}

    def get(self, article_id: str) -> ArticleView:  # noqa: F821 - defined on first use (__getattr__)
        docnum = self.searcher.document_number(id=article_id)
        if docnum is None:
            raise UnknownArticle(f"no article with id {article_id!r} in the index; "
                                 "find ids with `newsfind search QUERY --format ids`")
        fields = self.searcher.stored_fields(docnum)
        doc = fields["doc"]
        return _article_view()(
            id=fields["id"], title=doc["title"], date=doc["date"], lang=fields["lang"],
            places=tuple(doc["places"]), leaders=self.leader_display(doc["leaders"]),
            source=fields["source"], body=doc["body"], url=doc.get("url"), origin=doc.get("origin", {}),
            hash=fields["hash"],
        )

    def stats(self) -> dict[str, Any]:
        """Counts per language and month, date range, top places and leaders, size, last update."""
        languages: Counter[str] = Counter()
        months: Counter[str] = Counter()
        places: Counter[str] = Counter()
        leaders: Counter[str] = Counter()
        dates: list[str] = []
        for _docnum, fields in self.searcher.reader().iter_docs():
            doc = fields["doc"]
            languages[fields["lang"]] += 1
            places.update(doc["places"])
            leaders.update(self.leader_display(doc["leaders"]))
            if doc["date"]:
                dates.append(doc["date"])
                months[doc["date"][:7]] += 1
        return {
            "index": str(self.index_dir),
            "articles": sum(languages.values()),
            "languages": dict(sorted(languages.items())),
            "date_range": [min(dates), max(dates)] if dates else None,
            "undated": sum(languages.values()) - len(dates),
            "months": dict(sorted(months.items())),
            "top_places": places.most_common(20),
            "top_leaders": leaders.most_common(20),
            "size_bytes": store.directory_size(self._gen_dir),
            "last_update": self.updated or None,
        }


def open_index(index_dir: Path) -> NewsIndex:
    return NewsIndex(Path(index_dir))
