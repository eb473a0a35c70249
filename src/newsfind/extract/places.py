"""Places named in an article: gazetteer lookup, disambiguation by context, ranking by salience.
The gazetteer (data/gazetteer.tsv.gz, built by scripts/build_gazetteer.py) loads on first use."""

from __future__ import annotations

import gzip
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from newsfind.extract._text import fold
from newsfind.extract._text import lead_end as lead_end_of

# Population below which a town counts only if its country is named too: small namesakes
# of ordinary words and surnames are the main source of false places.
SMALL_TOWN = 100_000
TITLE_WEIGHT = 3.0
LEAD_WEIGHT = 2.0  # the first two paragraphs
BODY_WEIGHT = 1.0
MAX_WORDS = 5

# Letter runs, or dotted abbreviations kept whole ("U.S.").
_TOKEN = re.compile(r"(?:[A-Z]\.){2,}|[^\W\d_]+")
# What may sit between the words of one multi-word name.
_NAME_GAP = re.compile(r"[ \t\n\-'’]+|\.[ \t\n]+|\.")


@dataclass(frozen=True)
class Place:
    name: str
    kind: str  # country | region | city
    country: str  # "" for regions across countries ("East Asia")
    population: int
    priority: int  # countries 3, hand-written 2, packages 1


@dataclass(frozen=True)
class Gazetteer:
    rows: list[str]  # place rows, parsed on demand: loading stays fast
    keys: dict[str, str]  # folded name or acronym -> comma-separated row numbers
    stop_rules: dict[str, str]
    locatives: frozenset[str]

    def place(self, index: int) -> Place:
        return _parse_row(self.rows[index])

    def lookup(self, key: str) -> tuple[int, ...]:
        numbers = self.keys.get(key)
        return tuple(map(int, numbers.split(","))) if numbers else ()


@dataclass(frozen=True)
class RankedPlace:
    name: str
    country: str
    kind: str
    score: float
    first: int  # character offset of the first mention


@dataclass(frozen=True)
class _Mention:
    start: int
    end: int
    candidates: tuple[int, ...]
    weight: float
    locative: bool


DATA_DIR = Path(__file__).parent / "data"


def _data_text(name: str) -> str:
    return (DATA_DIR / name).read_text(encoding="utf-8")


def _table(name: str) -> list[list[str]]:
    lines = _data_text(name).splitlines()
    return [line.split("\t") for line in lines if line.strip() and not line.startswith("#")]


@lru_cache(maxsize=None)
def _parse_row(row: str) -> Place:
    name, kind, country, population, priority = row.split("\t", 5)[:5]
    return Place(name, kind, country, int(population), int(priority))


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """Load the gazetteer once per process."""
    lines = gzip.decompress((DATA_DIR / "gazetteer.tsv.gz").read_bytes()).decode("utf-8").split("\n")
    count = int(lines[0].split("\t")[1])
    rows = lines[1 : count + 1]
    keys = dict(line.split("\t") for line in lines[count + 1 :] if line)
    stop_rules = {row[0]: row[1] for row in _table("place_stopwords.tsv")}
    locatives = frozenset(row[0] for row in _table("place_context.tsv") if row[1] == "locative")
    return Gazetteer(rows, keys, stop_rules, locatives)


@lru_cache(maxsize=1)
def _row_by_name() -> dict[str, int]:
    gaz = gazetteer()
    return {row.partition("\t")[0]: index for index, row in reversed(list(enumerate(gaz.rows)))}


def _best_reading(candidates: tuple[int, ...], context: set[str], gaz: Gazetteer) -> int:
    """The reading that fits the article's other places, else the most prominent one."""
    def fit(index: int) -> tuple[bool, int, int]:
        place = gaz.place(index)
        return place.country in context, place.priority, place.population

    return max(candidates, key=fit)


def _candidates(name: str, gaz: Gazetteer) -> tuple[int, ...]:
    compact = name.replace(".", "").strip()
    if compact.isalpha() and compact.isupper() and len(compact) <= 5:
        found = gaz.lookup(compact)
        if found:
            return found
    return gaz.lookup(fold(name))


def canonical_place(name: str) -> str | None:
    """Any known spelling -> canonical English name ('Südkorea' -> 'South Korea'); None if unknown."""
    gaz = gazetteer()
    if name in _row_by_name():
        return name
    candidates = _candidates(name, gaz)
    return gaz.place(_best_reading(candidates, set(), gaz)).name if candidates else None


def place_country(name: str) -> str | None:
    """Canonical place -> canonical country ('Nara' -> 'Japan'); None for unknown or multinational."""
    canonical = canonical_place(name)
    if canonical is None:
        return None
    return gazetteer().place(_row_by_name()[canonical]).country or None


def _is_capitalised(word: str) -> bool:
    return word[:1].isupper()


def _lookup(words: list[str], gaz: Gazetteer, lang: str) -> tuple[int, ...]:
    found = _candidates(" ".join(words), gaz)
    if not found and lang == "de" and words[-1].endswith("s") and len(words[-1]) > 4:
        found = _candidates(" ".join(words)[:-1], gaz)  # German genitive: "Japans", "Tokios"
    return found


def _find_mentions(text: str, offset: int, weight: float, lang: str, gaz: Gazetteer) -> list[_Mention]:
    tokens = list(_TOKEN.finditer(text))
    letters = [c for c in text if c.isalpha()]
    all_caps = bool(letters) and sum(c.isupper() for c in letters) > 0.8 * len(letters)
    mentions: list[_Mention] = []
    i = 0
    while i < len(tokens):
        mention = _mention_at(tokens, i, text, all_caps, lang, gaz)
        if mention is None:
            i += 1
            continue
        length, candidates = mention
        start, end = tokens[i].start(), tokens[i + length - 1].end()
        before = text[max(0, start - 12):start].split()
        locative = bool(before) and before[-1] in gaz.locatives
        mentions.append(_Mention(start + offset, end + offset, candidates, weight, locative))
        i += length
    return mentions


def _mention_at(tokens: list[re.Match[str]], i: int, text: str, all_caps: bool, lang: str,
                gaz: Gazetteer) -> tuple[int, tuple[int, ...]] | None:
    first = tokens[i].group()
    if text[tokens[i].end():tokens[i].end() + 2][:1] == "-" and text[tokens[i].end() + 1:tokens[i].end() + 2].islower():
        return None  # a syllable of a hyphenated word or name ("Joo Ho-young"), not a place
    # German writes place adjectives in lower case, but "koreanische Halbinsel" is a name.
    if not (all_caps or _is_capitalised(first) or lang == "de"):
        return None
    words = [first]
    for j in range(i + 1, min(i + MAX_WORDS, len(tokens))):
        if not _NAME_GAP.fullmatch(text[tokens[j - 1].end():tokens[j].start()]):
            break
        words.append(tokens[j].group())
    for length in range(len(words), 0, -1):
        span = words[:length]
        if not (all_caps or _is_capitalised(span[-1])):
            continue
        if not (all_caps or _is_capitalised(span[0]) or length > 1):
            continue
        found = _lookup(span, gaz, lang)
        if found:
            return length, found
    return None


def _allowed(mention: _Mention, text: str, gaz: Gazetteer) -> bool:
    rule = gaz.stop_rules.get(fold(text[mention.start:mention.end]))
    if rule == "never":
        return False
    return rule != "locative" or mention.locative


def _segments(title: str, body: str) -> list[tuple[str, int, float]]:
    """(text, offset in title+'\\n'+body, weight) for the title, the lead and the rest."""
    lead_end = lead_end_of(body)
    base = len(title) + 1
    return [
        (title, 0, TITLE_WEIGHT),
        (body[:lead_end], base, LEAD_WEIGHT),
        (body[lead_end:], base + lead_end, BODY_WEIGHT),
    ]


def rank_places(title: str, body: str, lang: str) -> list[RankedPlace]:
    """Every place mentioned, with its salience score, most salient first."""
    gaz = gazetteer()
    full = f"{title}\n{body}"
    mentions = [m for seg, off, w in _segments(title, body) for m in _find_mentions(seg, off, w, lang, gaz)]
    mentions = [m for m in mentions if _allowed(m, full, gaz)]
    context = {gaz.place(m.candidates[0]).country for m in mentions if len(m.candidates) == 1}
    # A name that can be a country ("Georgia") sets the context even when it could be more.
    context |= {p.country for m in mentions for p in [gaz.place(_best_reading(m.candidates, set(), gaz))]
                if p.kind == "country"}
    scores: dict[int, float] = {}
    first: dict[int, int] = {}
    for mention in mentions:
        index = _best_reading(mention.candidates, context, gaz)
        place = gaz.place(index)
        if place.kind == "city" and place.population < SMALL_TOWN and place.country not in context:
            continue
        scores[index] = scores.get(index, 0.0) + mention.weight
        first.setdefault(index, mention.start)
    ranked = [RankedPlace(p.name, p.country, p.kind, s, first[i])
              for i, s in scores.items() for p in [gaz.place(i)]]
    return sorted(ranked, key=lambda p: (-p.score, p.first))


def extract_places(title: str, body: str, lang: str) -> tuple[str, ...]:
    """Canonical English names of every place mentioned, most salient first."""
    return tuple(place.name for place in rank_places(title, body, lang))
