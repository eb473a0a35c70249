"""Places named in an article: gazetteer lookup, disambiguation by context, ranking by salience.
The gazetteer (data/gazetteer.tsv.gz, built by scripts/build_gazetteer.py) loads on first use."""

from __future__ import annotations

import gzip
import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import compress
from pathlib import Path

from newsfind._bmp import PLAIN, BulkPattern, Classes
from newsfind.extract._text import Words, WordSieve, fold, is_caps
from newsfind.extract._text import lead_end as lead_end_of

# Population below which a town counts only if its country is named too: small namesakes
# of ordinary words and surnames are the main source of false places.
SMALL_TOWN = 100_000
TITLE_WEIGHT = 3.0
LEAD_WEIGHT = 2.0  # the first two paragraphs
BODY_WEIGHT = 1.0
DATELINE_WEIGHT = 6.0  # a wire story is usually about where it was filed
ADJECTIVE_SHARE = 0.5  # "Japanese" says less about Japan than "Japan"
# Towns below this size that sit inside a longer capitalised name are read as part of it.
BIG_CITY = 1_000_000
CONTEXT_SIZE_RATIO = 0.25
MAX_WORDS = 5

_DATELINE = re.compile(
    r"\s*(?P<city>[A-Z][A-Z .'-]+?),\s*(?:(?P<region>[A-Z][A-Za-z. ]{1,20}?),\s*)?"
    r"[A-Za-z]{3,9}\.?\s+\d{1,2}\s*[-–—]"
)
_QUALIFIER_GAP = re.compile(r"(?: [Cc]ity)?, ")
_BRACKETED = re.compile(r"<[^<>\n]{1,80}>")
_GERMAN_ENDING = re.compile(r"(?:e|en|er|es|em)$")
# Letter runs, or dotted abbreviations kept whole ("U.S."). Spelled [A-Z]\.(?:[A-Z]\.)+, not
# (?:[A-Z]\.){2,}: the same matches, and tokenising an article takes ~58 µs instead of ~70.
def _token_pattern(classes: Classes) -> str:
    # [A-Z]\.(?:[A-Z]\.)+|[{letter}]+ (U.S., then words), written as analysis._surface_pattern
    # explains: the first character outside the alternatives, the repeats possessive
    return rf"[{classes.letter}](?:(?<=[A-Z])\.(?:[A-Z]\.)++|[{classes.letter}]*+)"


_TOKEN = re.compile(_token_pattern(PLAIN))
# The same as one group, for Words (split: the gaps and the words between them)
_TOKEN_PARTS = BulkPattern(lambda classes: f"({_token_pattern(classes)})")
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
    multi_first: frozenset[str]  # first words of multi-word names: only these start a longer match
    multi_first_two: frozenset[str]  # their first two words ("koreanische halbinsel")
    stop_rules: dict[str, str]
    locatives: frozenset[str]
    function_words: frozenset[str]  # capitalised words that do not make a neighbour a name
    given_names: frozenset[str]  # folded: a place next to one is part of a person's name
    adjectives: dict[str, dict[str, str]]  # lang -> folded adjective -> country
    dateline_regions: dict[str, str]  # "Calif." -> "California"

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
    in_name: bool  # glued to another capitalised word: "Denys Henderson", "Nikko Securities"
    in_caps: bool  # from a text in capitals (wire headline), where names and words look alike


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
    context = _table("place_context.tsv")
    locatives = frozenset(row[0] for row in context if row[1] == "locative")
    function_words = frozenset(row[0] for row in context)
    adjectives: dict[str, dict[str, str]] = {}
    for word, country, lang in _table("place_adjectives.tsv"):
        adjectives.setdefault(lang, {})[fold(word)] = country
    regions = {fold(row[0]): row[1] for row in _table("dateline_regions.tsv")}
    given_names = frozenset(fold(row[0]) for row in _table("given_names.txt"))
    multi_first = frozenset(key.partition(" ")[0] for key in keys if " " in key)
    multi_first_two = frozenset(" ".join(key.split(" ")[:2]) for key in keys if " " in key)
    return Gazetteer(rows, keys, multi_first, multi_first_two, stop_rules, locatives, function_words, given_names,
                     adjectives, regions)


@lru_cache(maxsize=1)
def _row_by_name() -> dict[str, int]:
    gaz = gazetteer()
    return {row.partition("\t")[0]: index for index, row in reversed(list(enumerate(gaz.rows)))}


def _best_reading(candidates: tuple[int, ...], context: set[str], gaz: Gazetteer) -> int:
    """The reading that fits the article's other places, else the most prominent one.

    Context decides only between readings of comparable size: an American story naming
    Athens still means the capital of Greece, not Athens, Georgia.
    """
    largest = max(gaz.place(i).population for i in candidates)

    def fit(index: int) -> tuple[bool, int, int]:
        place = gaz.place(index)
        comparable = place.kind != "city" or place.population >= CONTEXT_SIZE_RATIO * largest
        return place.country in context and comparable, place.priority, place.population

    return max(candidates, key=fit)


def _candidates(name: str, gaz: Gazetteer) -> tuple[int, ...]:
    compact = name.replace(".", "").strip()
    if compact.isalpha() and compact.isupper() and len(compact) <= 5:
        found = gaz.lookup(compact)
        if found:
            return found
    return gaz.lookup(fold(name))


def place_row(name: str) -> int | None:
    """Gazetteer row of a canonical name or of the most prominent place a spelling may mean."""
    gaz = gazetteer()
    if name in _row_by_name():
        return _row_by_name()[name]
    candidates = _candidates(name, gaz)
    return _best_reading(candidates, set(), gaz) if candidates else None


def canonical_place(name: str) -> str | None:
    """Any known spelling -> canonical English name ('Südkorea' -> 'South Korea'); None if unknown."""
    row = place_row(name)
    return None if row is None else gazetteer().place(row).name


def place_country(name: str) -> str | None:
    """Canonical place -> canonical country ('Nara' -> 'Japan'); None for unknown or multinational."""
    canonical = canonical_place(name)
    if canonical is None:
        return None
    return gazetteer().place(_row_by_name()[canonical]).country or None


def _is_capitalised(word: str) -> bool:
    return word[:1].isupper()


@lru_cache(maxsize=65536)
def _fold_word(word: str) -> str:
    return fold(word)


@lru_cache(maxsize=4)
def _starter_sieve(all_caps: bool, german: bool) -> WordSieve:
    return WordSieve(lambda word: _may_start_place(word, all_caps or word[0].isupper(), german))


@lru_cache(maxsize=4)
def _prefix_sieve(all_caps: bool) -> WordSieve:
    return WordSieve(lambda word: not _may_be_place(word, all_caps or word[0].isupper()))


def _may_start_place(word: str, capitalised: bool, german: bool) -> bool:
    """False for a word no gazetteer name starts with, in any of the spellings _lookup_span tries."""
    if not capitalised:  # only German, and only the first word of a longer name ("koreanische")
        return german and _fold_word(word) in gazetteer().multi_first
    return _fold_word(word) in gazetteer().multi_first or _may_be_place(word, capitalised)


def _may_be_place(word: str, capitalised: bool) -> bool:
    """False for a word that is no gazetteer name by itself in any spelling _lookup_span tries
    (a starter failing this only begins longer names: "in", "The")."""
    gaz = gazetteer()
    folded = _fold_word(word)
    return capitalised and (folded in gaz.keys or folded[:-1] in gaz.keys
                            or (word.isupper() and len(word) <= 5 and word.replace(".", "") in gaz.keys))


def _lookup_span(raw: list[str], folded: list[str], gaz: Gazetteer, lang: str, all_caps: bool) -> tuple[int, ...]:
    if len(raw) == 1 and raw[0].isupper() and len(raw[0]) <= 5:
        found = gaz.lookup(raw[0].replace(".", ""))
        if found or not all_caps:
            # In running text a short capitals word is an acronym or ticker ("GAO"), not "Gao".
            return found
    key = " ".join(folded)
    found = gaz.lookup(key)
    if not found and lang == "de" and key.endswith("s") and len(raw[-1]) > 4:
        found = gaz.lookup(key[:-1])  # German genitive: "Japans", "Tokios"
    return found


def _find_mentions(text: str, offset: int, weight: float, lang: str, gaz: Gazetteer) -> list[_Mention]:
    # Wire copy marks company names and tickers with angle brackets: <George Weston Ltd>.
    text = _BRACKETED.sub(lambda m: " " * len(m.group()), text)
    words = Words(_TOKEN_PARTS.for_text(text), text)
    raw = words.raw
    all_caps = is_caps(text)
    # Most words cannot start a place: two cheap tests per distinct word keep them from _mention_at.
    german = lang == "de"
    starters = _starter_sieve(all_caps, german).passing(raw)
    # Most starters ("in", "den", "The") only begin longer names: unless the next word
    # continues one, they are passed over here (three in four starters; 4% of the time).
    prefixes = _prefix_sieve(all_caps).passing(starters)
    mentions: list[_Mention] = []
    next_free = 0  # words of a mention found are not looked at again
    for i in compress(range(len(raw)), map(starters.__contains__, raw)):
        if i < next_free:
            continue
        if raw[i] in prefixes and not _starts_two_word_name(_fold_word(raw[i]), raw[i + 1:i + 2], gaz):
            continue
        mention = _mention_at(words, i, text, all_caps, lang, gaz)
        if mention is None:
            continue
        length, candidates = mention
        if not all_caps and _in_person_name(words, i, i + length - 1, text, gaz):
            next_free = i + length
            continue
        start, end = words.starts[i], words.ends[i + length - 1]
        before = text[max(0, start - 12):start].split()
        locative = bool(before) and before[-1] in gaz.locatives
        in_name = not all_caps and _next_to_name(words, i, i + length - 1, text, gaz, lang)
        mentions.append(_Mention(start + offset, end + offset, candidates, weight, locative, in_name, all_caps))
        next_free = i + length
    return mentions


def _next_to_name(words: Words, first: int, last: int, text: str, gaz: Gazetteer, lang: str) -> bool:
    """Whether the words around a name make it part of a longer proper name.

    German capitalises every noun, so there only a following name counts ("Gary Medel"),
    not a preceding noun ("Provinz Idlib").
    """
    raw, starts, ends = words.raw, words.starts, words.ends
    if first > 0 and lang != "de":
        gap = text[ends[first - 1]:starts[first]]
        word = raw[first - 1]
        if (gap == " " and _is_capitalised(word) and word.lower() not in gaz.function_words
                and not _sentence_start(text, starts[first - 1])):
            return True
    if last + 1 < len(raw):
        word = raw[last + 1]
        if text[ends[last]:starts[last + 1]] == " " and _is_capitalised(word) and not word.isupper():
            return word.lower() not in gaz.function_words
    return False


def _in_person_name(words: Words, first: int, last: int, text: str, gaz: Gazetteer) -> bool:
    """Whether a name is a person's: after a given name or an initial ("Natalie Appleton", "D Garland"),
    or itself a given name before a surname ("Mariano Rajoy", "Santiago Solari")."""
    raw, starts, ends = words.raw, words.starts, words.ends
    if first > 0 and text[ends[first - 1]:starts[first]] == " ":
        previous = raw[first - 1]
        # An initial ("D Garland"), but not the article "A" ("A Texas company") or "I".
        if len(previous) == 1 and previous.isupper() and previous not in "AIO":
            return True
        if _is_capitalised(previous) and not previous.isupper() and _fold_word(previous) in gaz.given_names:
            return True
    if first == last and last + 1 < len(raw) and _fold_word(raw[first]) in gaz.given_names:
        word = raw[last + 1]
        if (text[ends[last]:starts[last + 1]] == " " and _is_capitalised(word) and not word.isupper()
                and word.lower() not in gaz.function_words and _fold_word(word) not in gaz.given_names):
            return True
    return False


def _sentence_start(text: str, position: int) -> bool:
    """Whether position starts the text or a sentence (after . ! ? : or an opening quote)."""
    # Only the last few characters matter; the cut keeps this from copying the whole text.
    window = 64
    while True:
        before = text[max(0, position - window):position].rstrip()
        if before or window >= position:
            # An empty string is "in" every string: the start of the text counts.
            return before[-1:] in ".!?\n\"“„:"
        window *= 4


def _mention_at(words: Words, i: int, text: str, all_caps: bool, lang: str,
                gaz: Gazetteer) -> tuple[int, tuple[int, ...]] | None:
    """(number of words, candidate rows) of the longest place name starting at word i."""
    raw = words.raw
    first = raw[i]
    first_folded = _fold_word(first)
    capitalised = all_caps or first[:1].isupper()
    # German writes place adjectives in lower case, but "koreanische Halbinsel" is a name.
    if not capitalised and (lang != "de" or first_folded not in gaz.multi_first):
        return None
    if not capitalised and not _starts_two_word_name(first_folded, raw[i + 1:i + 2], gaz):
        return None  # "die", "den" start many German sentences and hardly any name
    end = words.ends[i]
    if text[end:end + 1] == "-" and text[end + 1:end + 2].islower():
        return None  # a syllable of a hyphenated word or name ("Joo Ho-young"), not a place
    length = 1
    # A longer name needs its first two words to begin one: "The" starts many sentences and
    # few names, and then only the word itself is looked up.
    longer = first_folded in gaz.multi_first and (
        not capitalised or _starts_two_word_name(first_folded, raw[i + 1:i + 2], gaz))
    if longer:
        starts, ends = words.starts, words.ends
        while length < MAX_WORDS and i + length < len(raw) and _NAME_GAP.fullmatch(
                text[ends[i + length - 1]:starts[i + length]]):
            length += 1
    folded = [first_folded] + [_fold_word(word) for word in raw[i + 1:i + length]]
    for n in range(length, 0 if capitalised else 1, -1):
        if not (all_caps or raw[i + n - 1][:1].isupper()):
            continue
        found = _lookup_span(raw[i:i + n], folded[:n], gaz, lang, all_caps)
        if found:
            return n, found
    return None


def _starts_two_word_name(first_folded: str, following: list[str], gaz: Gazetteer) -> bool:
    """Whether the word and the one after it (if any) begin a multi-word name, also in the genitive."""
    return bool(following) and _begins_two_word_name(first_folded, following[0], gaz.multi_first_two)


_TWO_WORD_STARTS: dict[tuple[str, str], bool] = {}  # ~30 pairs a German article, most of them met before


def _begins_two_word_name(first_folded: str, second: str, multi_first_two: frozenset[str]) -> bool:
    found = _TWO_WORD_STARTS.get((first_folded, second))
    if found is None:
        # A word can fold to several ("ɪ" is no letter a-z), so only the first of them is compared.
        pair = f"{first_folded} {_fold_word(second).partition(' ')[0]}"
        found = pair in multi_first_two or pair[:-1] in multi_first_two
        if len(_TWO_WORD_STARTS) >= 65536:
            _TWO_WORD_STARTS.clear()
        _TWO_WORD_STARTS[first_folded, second] = found
    return found


def _allowed(mention: _Mention, text: str, gaz: Gazetteer) -> bool:
    key = fold(text[mention.start:mention.end])
    # The German genitive takes its word's rule: "T-Mobiles" as "Mobile", "des Landers" as "Lander".
    rule = gaz.stop_rules.get(key) or (gaz.stop_rules.get(key[:-1]) if key.endswith("s") else None)
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


def _dateline(body: str, gaz: Gazetteer) -> tuple[int | None, int | None, int]:
    """(city row, region row, end offset) of a wire dateline ("SANTA CRUZ, Calif., Feb 26 -")."""
    match = _DATELINE.match(body)
    if match is None:
        return None, None, 0
    region_name = match.group("region")
    region = None
    if region_name:
        region_name = gaz.dateline_regions.get(fold(region_name), region_name)
        found = _candidates(region_name, gaz)
        region = _best_reading(found, set(), gaz) if found else None
    found = _candidates(match.group("city"), gaz)
    city = _best_reading(found, set(), gaz) if found else None
    if region is not None and found:
        # "Scarborough, Ontario" is not Scarborough in England: the city must fit the region.
        country = gaz.place(region).country
        fitting = tuple(i for i in found if gaz.place(i).country == country)
        city = _best_reading(fitting, set(), gaz) if fitting else None
    return city, region, match.end()


def _qualifiers(mentions: list[_Mention], text: str, gaz: Gazetteer) -> list[str | None]:
    """The country named right after each place ("Birmingham, Alabama", "Nara, Japan"), if any."""
    result: list[str | None] = []
    for mention, following in zip(mentions, mentions[1:] + [None]):
        qualifier = None
        if following is not None and _QUALIFIER_GAP.fullmatch(text[mention.end:following.start]):
            place = gaz.place(_best_reading(following.candidates, set(), gaz))
            qualifier = place.country if place.kind != "city" else None
        result.append(qualifier)
    return result


def _mention_scores(title: str, body: str, lang: str, gaz: Gazetteer) -> tuple[dict[int, float], dict[int, int]]:
    """Summed mention weights and first offsets per gazetteer row."""
    full = f"{title}\n{body}"
    city, region, dateline_end = _dateline(body, gaz)
    segments = _segments(title, body)
    if dateline_end:  # the dateline's own words are scored below, not looked up again
        segments[1] = (body[dateline_end:lead_end_of(body)], len(title) + 1 + dateline_end, LEAD_WEIGHT)
    mentions = [m for seg, off, w in segments for m in _find_mentions(seg, off, w, lang, gaz)]
    mentions = [m for m in mentions if _allowed(m, full, gaz)]
    context = {gaz.place(m.candidates[0]).country for m in mentions if len(m.candidates) == 1}
    # A name that can be a country ("Georgia") sets the context even when it could be more.
    context |= {p.country for m in mentions for p in [gaz.place(_best_reading(m.candidates, set(), gaz))]
                if p.kind == "country"}
    scores: dict[int, float] = {}
    first: dict[int, int] = {}
    for row in (city, region):
        if row is not None:
            context.add(gaz.place(row).country)
            scores[row] = DATELINE_WEIGHT
            first[row] = len(title) + 1
    for mention, qualifier in zip(mentions, _qualifiers(mentions, full, gaz)):
        candidates = tuple(i for i in mention.candidates if gaz.place(i).country == qualifier) or mention.candidates
        index = _best_reading(candidates, context, gaz)
        place = gaz.place(index)
        if place.kind == "city" and place.population < SMALL_TOWN and place.country not in context:
            continue
        if (mention.in_name or mention.in_caps) and place.kind == "city" and place.population < BIG_CITY:
            continue
        scores[index] = scores.get(index, 0.0) + mention.weight
        first.setdefault(index, mention.start)
    return scores, first


def rank_places(title: str, body: str, lang: str) -> list[RankedPlace]:
    """Every place mentioned, with its salience score, most salient first."""
    gaz = gazetteer()
    scores, first = _mention_scores(title, body, lang, gaz)
    ranked = [RankedPlace(p.name, p.country, p.kind, s, first[i])
              for i, s in scores.items() for p in [gaz.place(i)]]
    return sorted(ranked, key=lambda p: (-p.score, p.first))


def _adjective_scores(title: str, body: str, lang: str, gaz: Gazetteer) -> dict[str, float]:
    adjectives = gaz.adjectives.get(lang, {})
    scores: dict[str, float] = {}
    for segment, _, weight in _segments(title, body):
        words = [fold(w) for w in _TOKEN.findall(segment)]
        for i, word in enumerate(words):
            pair = f"{word} {words[i + 1]}" if i + 1 < len(words) else ""
            country = adjectives.get(pair) or adjectives.get(word)
            if country is None and lang == "de":
                country = adjectives.get(_GERMAN_ENDING.sub("", word))
            if country:
                scores[country] = scores.get(country, 0.0) + ADJECTIVE_SHARE * weight
    return scores


def country_salience(title: str, body: str, lang: str) -> dict[str, float]:
    """How much the article is about each country: its places' scores plus its adjectives'."""
    scores: dict[str, float] = {}
    for place in rank_places(title, body, lang):
        if place.country:
            scores[place.country] = scores.get(place.country, 0.0) + place.score
    for country, score in _adjective_scores(title, body, lang, gazetteer()).items():
        scores[country] = scores.get(country, 0.0) + score
    return dict(sorted(scores.items(), key=lambda item: -item[1]))


def extract_places(title: str, body: str, lang: str) -> tuple[str, ...]:
    """Canonical English names of every place mentioned, most salient first."""
    return tuple(place.name for place in rank_places(title, body, lang))
