"""Language analysis for newsfind: folding, tokens, stems, German compounds, stopwords,
language detection and German<->English equivalents. Pure Python, no Whoosh.

Contract for the core (see also the function docstrings):

* ``index_tokens`` gives one position per surface word; at each position the FIRST
  token is the whole word's term, followed by its hyphen parts, compound parts and known
  sub-compounds, all carrying the surface word's (startchar, endchar).
* ``query_tokens`` gives, for a hyphenated word or compound, only its parts, each at its
  own consecutive position, all carrying the surface word's offsets (so the core can tell
  which tokens came from one word). For phrase queries use ``phrase_tokens`` (one whole-
  word term per position, the terms indexed first at each position).
* Both keep stopwords; ``is_stopword`` accepts a surface word or a produced term.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from itertools import islice
from typing import TYPE_CHECKING, Any

# _compounds and _lexicon are imported here, not on first use: the indexer calls them for
# every new word (a function-level import of a module costs ~0.6 µs, 140 a bench article),
# and every search loads them anyway.
from .._bmp import BulkPattern, Classes
from ._compounds import decompose, load_part_table, split_compound
from ._fold import fold_chars
from ._lexicon import (
    german_frequencies,
    german_zipf,
    load_all_frequencies,
    stopwords,
    transliterate_german,
)

if TYPE_CHECKING:
    from ._query_word import QueryWord

Token = tuple[str, int, int, int]  # (term, position, startchar, endchar)
LANGS = ("de", "en")


def _surface_pattern(classes: Classes) -> str:
    # Letters: word characters but '_', and combining marks. The pattern takes '_' as a letter
    # (one character class runs several times faster than an alternation of two) and
    # _surface_text turns every '_' into a space first, which leaves all offsets as they were.
    letter = rf"[{classes.word}\u0300-\u036f]"
    digit = rf"[{classes.digit}]"
    # Dates and decimals (13.01.2026, 3,5) stay one token; words may be joined by hyphens
    # (any dash glued between letters) and apostrophes (Yoon’s, O'Brien):
    #     {digit}+(?:[.,:/]{digit}+)+|{letter}+(?:[-‐‑–'’]{letter}+)*
    # (tests/test_bmp.py checks the two agree). Written with the first character outside the
    # alternatives (letter includes digit): re then skips to a possible start by that class
    # alone instead of trying both alternatives at every character (15% fewer steps). The
    # repeats are possessive: a run of one class ends where the next begins, so giving
    # characters back could never make a match, and re keeps no backtracking state (11%).
    return rf"{letter}(?:(?<={digit}){digit}*+(?:[.,:/]{digit}++)++|{letter}*+(?:[-‐‑–'’]{letter}++)*+)"


_SURFACE_WORDS = BulkPattern(_surface_pattern)  # index_positions, with its faster twin in bulk
_SURFACE = _SURFACE_WORDS.plain
_HYPHENS = re.compile(r"[-‐‑–]")
_NUMBER_SEPARATORS = re.compile(r"[.,:/]")
_APOSTROPHES = re.compile(r"['’]")
_MIN_GENITIVE_LENGTH = 5
_ASCII_WORD = re.compile(r"[a-z]+")
_TRANSLITERABLE = re.compile(r"(?<!q)(?:ae|oe|ue)")  # as _lexicon._TRANSLITERATION


def _surface_text(text: str) -> str:
    """What _SURFACE is run over: the text with each '_' (a separator) as a space."""
    return text.replace("_", " ") if "_" in text else text


def fold(text: str) -> str:
    """NFKC, case folding, ä->a ö->o ü->u ß->ss (and other Latin diacritics); for keys.

    German ASCII spellings are folded word by word only where the umlaut spelling is a far
    more frequent German word: fold('Suedkorea') == fold('Südkorea') == 'sudkorea', while
    'Israel', 'Michael', 'queue' or 'aktuell' are unchanged. Language independent.
    """
    # fold_chars(text), short-cut for ASCII: NFKC leaves it alone, and casefold() is lower()
    folded = text.lower() if text.isascii() else fold_chars(text)
    # the rule needs an ae/oe/ue, which lies inside one [a-z]+ word: most texts have none
    if not _TRANSLITERABLE.search(folded):
        return folded
    return _ASCII_WORD.sub(lambda m: transliterate_german(m.group()), folded)


def _check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"unsupported language {lang!r}: expected one of {', '.join(LANGS)}")
    return lang


@lru_cache(maxsize=2)
def _stemmer(lang: str):  # type: ignore[no-untyped-def]
    import Stemmer  # PyStemmer: Snowball 'german' also maps ae/oe/ue and drops umlauts

    # No cache of its own (maxCacheSize 0): _term's lru_cache sits in front, so PyStemmer's
    # sees mostly words new to it, and keeping it (and purging its least used half when
    # full) cost more than the stemming: the stems 2,000 bench articles ask for took 1.5 µs
    # each with it, 0.8 without (English 1.1 and 0.5).
    return Stemmer.Stemmer({"de": "german", "en": "english"}[lang], 0)


# These caches see only the words _word_terms has not cached (new words, and the parts of
# compounds): small ones do, and keep each indexing worker ~30 MB smaller.
@lru_cache(maxsize=8_192)
def _fold_word(segment: str, lang: str) -> str:
    """One hyphen-free surface segment -> folded word ('Yoon’s' -> 'yoon', "O'Brien" -> 'obrien')."""
    pieces = _APOSTROPHES.split(fold_chars(segment))
    if len(pieces) > 1 and pieces[-1] == "s":
        pieces = pieces[:-1]  # possessive 's (English, and German in English style)
    word = "".join(pieces)
    if lang == "de":
        word = transliterate_german(word)
    return word


@lru_cache(maxsize=8_192)
def _strip_genitive(word: str) -> str:
    """German genitive -s after a vowel, which Snowball keeps: Nordkoreas, Tokios, Takaichis."""
    if len(word) < _MIN_GENITIVE_LENGTH or word[-1] != "s" or word[-2] not in "aeiouy":
        return word
    base = word[:-1]
    zipf_word, zipf_base = german_zipf(word), german_zipf(base)
    if zipf_base > zipf_word:
        return base
    # Unknown to the lexicon either way: a name in the genitive, unless it is a compound.
    if zipf_word == zipf_base == 0 and not split_compound(word):
        return base
    return word


@lru_cache(maxsize=8_192)
def _term(word: str, lang: str) -> str:
    """Folded word -> index term (stemmed; numbers untouched)."""
    if not word.isalpha():
        return word
    return _stemmer(lang).stemWord(word)


@lru_cache(maxsize=8_192)
def _analyse_segment(segment: str, lang: str) -> tuple[str, tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """Surface segment -> (whole term, compound part terms, extra index terms, atom terms).

    Parts are the best split (what eval_compounds scores); extra terms the atoms and
    sub-compounds (compound_spans); atoms the finest split, which a query must all match."""
    word = _fold_word(segment, lang)
    if not word:
        return "", (), (), ()
    if lang != "de" or not word.isalpha():
        whole = _term(word, lang)
        return whole, (), (), (whole,)
    word = _strip_genitive(word)
    whole = _term(word, lang)
    parts, atoms, spans = decompose(word)
    part_terms = tuple(_term(form, lang) for form in parts)
    atom_terms = tuple(_term(form, lang) for form in atoms)
    extra = tuple(_term(form, lang) for form in dict.fromkeys((*atoms, *spans)))
    return whole, part_terms, extra, atom_terms or (whole,)


def _segments(surface: str) -> list[str]:
    if surface[0].isdigit() and _NUMBER_SEPARATORS.search(surface):
        return [s for s in _NUMBER_SEPARATORS.split(surface) if s]
    return [s for s in _HYPHENS.split(surface) if s]


def _surface_words(text: str) -> list[tuple[str, int, int]]:
    return [(m.group(), m.start(), m.end()) for m in _SURFACE.finditer(_surface_text(text))]


def _dedupe(terms: list[str]) -> list[str]:
    return [t for t in dict.fromkeys(terms) if t]


class _WordAnalysis:
    """How one surface word is analysed (cached per word; never changed once made). A plain
    class: a dataclass costs every process start about half a millisecond to create."""

    __slots__ = ("atoms", "index_positions", "phrase_terms", "single", "whole")

    def __init__(self, whole: str, index_positions: tuple[tuple[str, ...], ...],
                 phrase_terms: tuple[str, ...], atoms: tuple[str, ...]) -> None:
        self.whole = whole  # the whole word's term (hyphenated words joined: jaemyung)
        self.index_positions = index_positions  # index terms at each position the word takes
        self.phrase_terms = phrase_terms  # one term per position: what a phrase query asks for
        self.atoms = atoms  # finest parts, which together stand for the word in a query
        # the one index term of a word that takes one position with one term (most words)
        self.single = index_positions[0][0] if len(index_positions) == 1 and len(index_positions[0]) == 1 else None


# The one cache indexing leans on: a hit skips all of a word's analysis. News vocabularies
# are Zipfian; 200,000 words hold 10,000 articles' vocabulary, and a miss costs about 30 µs
# of compound splitting (indexing runs 2.5x faster than with 30,000). Plain dicts, one per
# language (keyed by the word alone: a (word, lang) key costs 56 bytes more an entry), the
# older half of the fuller one dropped when both together are full: a hit costs less than
# through lru_cache.
_WORD_CACHES: dict[str, dict[str, _WordAnalysis]] = {lang: {} for lang in LANGS}
_WORD_CACHE_SIZE = 200_000


def _word_terms(surface: str, lang: str) -> _WordAnalysis:
    cache = _WORD_CACHES[lang]
    found = cache.get(surface)
    if found is None:
        saved = _SAVED[lang].get(surface)
        found = _analyse_word(surface, lang) if saved is None else _from_plain(saved)
        if sum(map(len, _WORD_CACHES.values())) >= _WORD_CACHE_SIZE:
            fullest = max(_WORD_CACHES.values(), key=len)  # its older half goes, in one pass
            for old in list(islice(fullest, (len(fullest) + 1) // 2)):
                del fullest[old]
        cache[surface] = found
    return found


# --- analyses kept between indexing runs ---------------------------------------------------
# A run that adds a hundred articles meets nearly all their words for the first time in its
# processes: ~60 µs a word (German compound splitting above all), 7-8 ms an article where
# one with every word known takes 2. A build saves the first words of each language's cache
# (in order of first use: the frequent ones come early) and later runs start from them; a
# saved word becomes a cache entry when first met.
_SAVED: dict[str, dict[str, Any]] = {lang: {} for lang in LANGS}
# Plain: a str (the one term of a word at one position, standing for itself: most words);
# else the analysis packed into one str, _PACKED first, or (whole, index_positions,
# phrase_terms, atoms) where it does not pack. Packed, a compound is one object for marshal
# instead of a dozen tuples and strings: the 50,000 saved words of a 10k build's German
# worker load in ~13 ms instead of ~25. Control characters part the fields, positions and
# terms; no term holds one (words are made of word characters and a little punctuation),
# and a word is packed only where its separators count exactly what they part.
Plain = Any
_PACKED, _FIELD, _POSITION, _TERM = "\x1e", "\x1d", "\x1c", "\x1f"


def _plain(found: _WordAnalysis) -> Plain:
    whole, positions, phrase, atoms = found.whole, found.index_positions, found.phrase_terms, found.atoms
    if found.single == whole and phrase == (whole,) and atoms == (whole,) and whole[:1] != _PACKED:
        return whole  # most words: one term, standing for itself
    packed = _FIELD.join((_PACKED + whole, _POSITION.join(map(_TERM.join, positions)),
                          _TERM.join(phrase), _TERM.join(atoms)))
    separators = sum(map(len, positions)) - len(positions) + max(len(phrase) - 1, 0) + max(len(atoms) - 1, 0)
    if all(map(all, positions)) and all(positions) and all(phrase) and all(atoms) \
            and packed.count(_PACKED) == 1 and packed.count(_FIELD) == 3 \
            and packed.count(_POSITION) == max(len(positions) - 1, 0) and packed.count(_TERM) == separators:
        return packed
    return (whole, positions, phrase, atoms)


def _unpacked(packed: str) -> tuple[str, tuple[tuple[str, ...], ...], tuple[str, ...], tuple[str, ...]]:
    whole, positions, phrase, atoms = packed[1:].split(_FIELD)
    return (whole, tuple(tuple(terms.split(_TERM)) for terms in positions.split(_POSITION)) if positions else (),
            tuple(phrase.split(_TERM)) if phrase else (), tuple(atoms.split(_TERM)) if atoms else ())


def _from_plain(saved: Plain) -> _WordAnalysis:
    if type(saved) is str:
        if saved[:1] == _PACKED:
            return _WordAnalysis(*_unpacked(saved))
        return _WordAnalysis(saved, ((saved,),), (saved,), (saved,))
    return _WordAnalysis(*saved)


def saved_analyses(lang: str, limit: int) -> dict[str, Plain]:
    """The first ``limit`` words of a language's cache as plain data (str and tuples, for
    marshal); ``use_saved_analyses`` takes them back."""
    return {surface: _plain(found) for surface, found in islice(_WORD_CACHES[_check_lang(lang)].items(), limit)}


def use_saved_analyses(lang: str, saved: dict[str, Plain], spot_checks: int = 16) -> bool:
    """Analyse the words of ``saved`` as it says (False, and nothing used, when any of
    ``spot_checks`` words spread over it is analysed differently now)."""
    _check_lang(lang)
    words = list(saved)
    step = max(1, len(words) // spot_checks)
    for surface in words[::step][:spot_checks]:
        if _plain(_analyse_word(surface, lang)) != saved[surface]:
            return False
    _SAVED[lang] = saved
    return True


@lru_cache(maxsize=1)
def analysis_fingerprint() -> str:
    """Changes whenever the analysis may: this package's code and data, the Snowball
    stemmers' version, and the Python version (saved analyses are marshalled)."""
    import hashlib
    import os
    import sys

    from Stemmer import version as stemmer_version

    digest = hashlib.md5(f"{sys.version_info[:2]} {stemmer_version()}".encode(), usedforsecurity=False)
    here = os.path.dirname(__file__)
    for folder in (here, os.path.join(here, "data")):
        for name in sorted(os.listdir(folder)):
            path = os.path.join(folder, name)
            if os.path.isfile(path) and not name.endswith((".pyc", ".md")):
                with open(path, "rb") as handle:
                    digest.update(name.encode() + b"\0" + handle.read())
    return digest.hexdigest()


def _analyse_word(surface: str, lang: str) -> _WordAnalysis:
    """How one surface word is indexed and queried.

    A hyphenated word takes one position per part (Jae-myung: jaemyung+jae, myung), so that
    phrases agree with the spaced spelling ("Lee Jae Myung"); dates and decimals keep one."""
    segments = _segments(surface)
    analysed = [_analyse_segment(s, lang) for s in segments]
    if len(segments) == 1:
        whole, parts, extra, atoms = analysed[0]
        terms = tuple(_dedupe([whole, *parts, *extra]))
        return _WordAnalysis(whole, (terms,) if whole else (), (whole,) if whole else (), atoms if whole else ())
    atoms = tuple(t for seg in analysed for t in (seg[3] or (seg[0],)) if t)
    if surface[0].isdigit() and not surface.isalnum() and _NUMBER_SEPARATORS.search(surface):
        whole = fold_chars(surface)  # a date or decimal keeps its separators, at one position
        terms = _dedupe([whole, *(t for seg in analysed for t in (seg[0], *seg[1], *seg[2]))])
        return _WordAnalysis(whole, (tuple(terms),), (whole,), atoms)
    whole = _analyse_segment("".join(segments), lang)[0]
    positions = [tuple(_dedupe([seg[0], *seg[1], *seg[2]])) for seg in analysed if seg[0]]
    if not positions:
        return _WordAnalysis("", (), (), ())
    positions[0] = tuple(_dedupe([whole, *positions[0]]))
    phrase = tuple(seg[0] for seg in analysed if seg[0])
    return _WordAnalysis(whole, tuple(positions), phrase, atoms)


def index_tokens(text: str, lang: str) -> list[Token]:
    """Tokens to index: per surface word, its whole term first, then its parts, same position.

    German compounds (Gipfeltreffen) also give their parts (gipfel, treff), the parts' own
    parts (Kohlebergwerksunglück: bergwerk, berg, werk) and sub-compounds (kohlebergwerk).
    Hyphenated words (Shuttle-Diplomatie) take one position per part, the joined term at the
    first. Every token of a word carries the word's offsets, so highlighting marks the
    surface word. Stopwords are kept.
    """
    _check_lang(lang)
    tokens: list[Token] = []
    position = 0
    for surface, start, end in _surface_words(text):
        for terms in _word_terms(surface, lang).index_positions:
            tokens += [(term, position, start, end) for term in terms]
            position += 1
    return tokens


def prepare_bulk_indexing() -> None:
    """Ready the analysis for many articles: parse the lexicons whole, judge every word as a
    compound part once and spell out the word pattern's classes (~0.25 s; the indexer, before
    it forks its workers, which share the result). Without it, words are looked up in the
    lexicons' small buckets, which is cheaper for a run of a few hundred articles and what
    searches do."""
    load_all_frequencies()
    load_part_table()
    _SURFACE_WORDS.prepare()


def index_positions(text: str, lang: str) -> dict[str, list[int]]:
    """Each index term with its positions: ``index_tokens`` without the offsets, which the
    indexer does not need and which would cost a tuple per token."""
    _check_lang(lang)
    positions: dict[str, list[int]] = {}
    position = 0
    cache = _WORD_CACHES[lang]  # _word_terms' cache, looked up here: a call per word costs 5%
    for surface in _SURFACE_WORDS.for_text(text).findall(_surface_text(text)):
        found = cache.get(surface) or _word_terms(surface, lang)
        term = found.single
        if term is not None:  # one position, one term: the loops below for just that
            plist = positions.get(term)
            if plist is None:
                positions[term] = [position]
            else:
                plist.append(position)
            position += 1
            continue
        for terms in found.index_positions:
            for term in terms:
                plist = positions.get(term)
                if plist is None:
                    positions[term] = [position]
                else:
                    plist.append(position)
            position += 1
    return positions


def query_tokens(text: str, lang: str) -> list[Token]:
    """Tokens of a query: a hyphenated word or compound gives only its finest parts, each at
    its own consecutive position ('Lee Jae-myung' == 'Lee Jae Myung'; Kohlebergwerk: kohl,
    berg, werk). For the whole-word alternative see query_words.

    Parts of one surface word share that word's (startchar, endchar). Stopwords are kept;
    the core drops them from non-phrase queries with is_stopword.
    """
    _check_lang(lang)
    tokens: list[Token] = []
    position = 0
    for surface, start, end in _surface_words(text):
        for term in _word_terms(surface, lang).atoms:
            tokens.append((term, position, start, end))
            position += 1
    return tokens


def __getattr__(name: str) -> Any:
    # QueryWord is defined on first use: the core reads query words as tuples
    # (query_word_parts), and a dataclass takes every process start about 1 ms to create
    if name == "QueryWord":
        from ._query_word import QueryWord

        return QueryWord
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def query_words(text: str, lang: str) -> list[QueryWord]:
    """The surface words of a query with their whole term and atoms."""
    from ._query_word import QueryWord

    return [QueryWord(surface, whole, atoms) for surface, whole, atoms in query_word_parts(text, lang)]


def query_word_parts(text: str, lang: str) -> list[tuple[str, str, tuple[str, ...]]]:
    """``query_words`` as (surface, whole, atoms) tuples."""
    _check_lang(lang)
    words = []
    for surface, _start, _end in _surface_words(text):
        analysis = _word_terms(surface, lang)
        if analysis.whole:
            words.append((surface, analysis.whole, analysis.atoms))
    return words


def phrase_tokens(text: str, lang: str) -> list[Token]:
    """One token per position a word takes in the index: its whole term, or for a hyphenated
    word each part's. Use for phrase queries ('koreanischen Halbinsel', "Lee Jae-myung")."""
    _check_lang(lang)
    tokens: list[Token] = []
    for surface, start, end in _surface_words(text):
        for term in _word_terms(surface, lang).phrase_terms:
            tokens.append((term, len(tokens), start, end))
    return tokens


@lru_cache(maxsize=2)
def _stopword_terms(lang: str) -> frozenset[str]:
    words = stopwords(lang)
    stems = {_term(_fold_word(w, lang), lang) for w in words}
    if lang == "de":
        # A stem is a stopword only if its stopword forms clearly dominate its content-word
        # forms: 'andere' beats 'Anden', but 'weiter' does not make 'Weite' a stopword.
        frequencies = german_frequencies()
        stop_zipf: dict[str, int] = {}
        content_zipf: dict[str, int] = {}
        for word, zipf in frequencies.items():
            if zipf < 30:
                break  # sorted by frequency; rarer words cannot dominate
            stem = _term(word, lang)
            if stem in stems:
                table = stop_zipf if word in words else content_zipf
                table[stem] = max(table.get(stem, 0), zipf)
        stems = {s for s in stems if stop_zipf.get(s, 0) >= content_zipf.get(s, 0) + 5}
    return words | frozenset(stems)


def is_stopword(term: str, lang: str) -> bool:
    """True for a stopword given as a surface word ('Die', 'über', "don't"): exact; or as a
    term from index_tokens/query_tokens ('uber', 'dies'): a heuristic, since stemming
    merges some stopwords with content words ('einige'/'Einigung' -> 'einig'). Prefer
    passing the surface word (text[startchar:endchar] of a query token)."""
    _check_lang(lang)
    stop = _stopword_terms(lang)
    return term in stop or fold_chars(term) in stop or _fold_word(term, lang) in stop


def surface_words(text: str) -> list[tuple[str, int, int]]:
    """The words of a text as written, with their character offsets (no analysis)."""
    return _surface_words(text)


def surface_word_texts(text: str) -> list[str]:
    """The words of a text as written, without offsets (cheaper than ``surface_words``)."""
    return _SURFACE.findall(_surface_text(text))


def surface_word_set(text: str) -> set[str]:
    """``set(surface_word_texts(text))``, found faster: words never hold whitespace, so each
    distinct whitespace-separated token is a word as it is (letters and digits only), or
    once the punctuation around it is stripped, or else it is tokenised on its own."""
    words: set[str] = set()
    for token in set(text.split()):
        if token.isalnum():
            words.add(token)
            continue
        stripped = token.strip(_EDGE_PUNCTUATION)
        if stripped.isalnum():
            words.add(stripped)
        elif stripped:
            words.update(_SURFACE.findall(_surface_text(stripped)))
    return words


# characters that are never part of a word (nor of a date or decimal), so may be cut from
# a token's ends: what usually stands around a word
_EDGE_PUNCTUATION = ".,;:!?\"'()[]{}«»„“”‚‘’‹›…-‐‑–—/*"

_SPACES = " \n\t\r"


def word_occurrences(text: str, word: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each place where ``word`` stands in ``text`` as one whole surface
    word, as surface_words finds them (not inside Nord-Korea, Koreas or 3.0G).

    Words never hold whitespace, so tokenising from the whitespace around a place gives the
    same words there as tokenising the whole text."""
    text = _surface_text(text)
    start = text.find(word)
    while start >= 0:
        end = start + len(word)
        left = max(text.rfind(space, 0, start) for space in _SPACES) + 1
        right = min((at for at in (text.find(space, end) for space in _SPACES) if at >= 0), default=len(text))
        if any(m.start() == start and m.end() == end for m in _SURFACE.finditer(text, left, right)):
            yield start, end
        start = text.find(word, start + 1)


def is_stopword_word(word: str, lang: str) -> bool:
    """Exact test of a surface word against the stopword list (cheap: no stemming data)."""
    _check_lang(lang)
    return fold_chars(word) in stopwords(lang)


def detect_language(text: str) -> str:
    """'de' or 'en' from stopword counts; fast on a title plus first paragraph."""
    from ._detect import detect

    return detect(text)


def translations(text: str, lang: str) -> list[str]:
    """Equivalents of a word or phrase in the other language, as surface text; [] if none.

    translations('Gipfeltreffens', 'de') -> ['summit']; matching is on folded, stemmed terms.
    """
    _check_lang(lang)
    from ._translate import lookup

    return lookup(text, tuple(t[0] for t in phrase_tokens(text, lang)), lang)


__all__ = [
    "LANGS",
    "Token",
    "detect_language",
    "fold",
    "index_positions",
    "index_tokens",
    "is_stopword",
    "is_stopword_word",
    "phrase_tokens",
    "query_tokens",
    "query_word_parts",
    "query_words",
    "surface_words",
    "surface_word_set",
    "surface_word_texts",
    "word_occurrences",
    "QueryWord",
    "translations",
]
