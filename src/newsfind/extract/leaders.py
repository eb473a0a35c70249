"""Political leaders named in an article: names next to a role word, merged across spellings.
Later mentions by surname alone ("Takaichi", "Lees") count toward salience of the full name."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from newsfind.extract._text import WordSieve, fold, is_caps

DATA_DIR = Path(__file__).parent / "data"
MAX_NAME_WORDS = 3
TITLE_WEIGHT = 2.0
# A name word: capitalised, may carry a hyphenated syllable ("Jae-myung", "Ho-young").
_NAME_WORD = r"[A-ZÀ-ÖØ-ÞĀ-Ž](?:[^\W\d_]|['’])*(?:-[^\W\d_]+)?"
# Words of one name: a space, or a stray full stop from damaged text ("Fumio. Kishida").
_NAME = rf"{_NAME_WORD}(?:(?:\.?[ \t]+|[ \t]*\n[ \t]*){_NAME_WORD}){{0,{MAX_NAME_WORDS + 1}}}"
_WORD_SPLIT = re.compile(r"\.?\s+")
_POSSESSIVE = re.compile(r"['’]s?$")
# Only a country, a region or a big city ends a name: "Fernando Santos" is not Santos, Brazil.
NAME_ENDING_CITY = 1_000_000


@dataclass(frozen=True)
class Role:
    words: tuple[str, ...]  # lower case; the last word is what the text scan meets
    before: bool  # may precede the name: "Präsident Lee"
    after: bool  # may follow the name after a comma: "Joo Ho-young, Leiter der Gruppe"
    compound: bool  # may end a longer word: "Verteidigungsminister"


@dataclass(frozen=True)
class Roles:
    by_last_word: dict[str, tuple[Role, ...]]
    compound_endings: tuple[str, ...]  # for str.endswith: one call checks them all
    compound_by_ending: dict[str, Role]


def _lines(name: str) -> list[str]:
    text = (DATA_DIR / name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


@lru_cache(maxsize=1)
def _roles() -> Roles:
    by_last_word: dict[str, list[Role]] = {}
    compounds: dict[str, Role] = {}
    for line in _lines("leader_roles.tsv"):
        phrase, position, compound = line.split("\t")
        role = Role(tuple(phrase.split()), position in {"before", "both"}, position in {"after", "both"},
                    compound == "yes")
        by_last_word.setdefault(role.words[-1], []).append(role)
        if role.compound:
            compounds[role.words[-1]] = role
    return Roles({k: tuple(v) for k, v in by_last_word.items()},
                 tuple(sorted(compounds, key=len, reverse=True)), compounds)


_ROLE_WORD = re.compile(r"[^\W\d_][\w-]*\.?")
_NAME_AFTER_ROLE = re.compile(rf",?[ \t]+(?P<name>{_NAME})")
# The text before an "after" role: "Chung Jin-suk (left), Vice", "Nagashima, ein".
_NAME_BEFORE_ROLE = re.compile(
    rf"(?P<name>{_NAME})(?:[ \t]*\([^)\n]{{1,20}}\))?,[ \t]+"
    rf"(?:(?i:ein|eine|der|die|the|a|an|former|ehemaliger?)[ \t]+)?(?:[\w.-]+[ \t]+){{0,2}}$"
)


def _role_at(word: str, previous: list[str]) -> Role | None:
    """The role a word ends, checking the words before it for multi-word roles ("prime minister")."""
    roles = _roles()
    lower = word.lower()
    # Abbreviated roles keep their full stop ("Sen."), so the surname "Sen" is not one.
    for role in roles.by_last_word.get(lower, ()) or roles.by_last_word.get(lower.rstrip("."), ()):
        if len(role.words) == 1 or tuple(previous[-(len(role.words) - 1):]) == role.words[:-1]:
            return role
    lower = lower.rstrip(".")
    if lower.endswith(roles.compound_endings):
        ending = next(e for e in roles.compound_endings if lower.endswith(e))
        return roles.compound_by_ending[ending]
    return None


@lru_cache(maxsize=1)
def _name_stopwords() -> frozenset[str]:
    return frozenset(line for line in _lines("name_stopwords.txt") if not line.startswith("-"))


@lru_cache(maxsize=1)
def _noun_endings() -> tuple[str, ...]:
    return tuple(line[1:] for line in _lines("name_stopwords.txt") if line.startswith("-"))


@lru_cache(maxsize=1)
def _korean_surnames() -> frozenset[str]:
    return frozenset(_lines("korean_surnames.txt"))


@lru_cache(maxsize=1)
def _canonical_spellings() -> dict[str, str]:
    return {leader_key(name): name for name in _lines("leaders_canonical.tsv")}


def leader_key(name: str) -> str:
    """Spelling-insensitive key: 'Lee Jae Myung', 'Lee Jae-myung' and 'lee jaemyung' are equal."""
    return fold(name).replace(" ", "")


def _is_role_word(word: str) -> bool:
    return _role_at(word, []) is not None


def _korean_form(words: list[str]) -> list[str]:
    """'Lee Jae Myung' -> 'Lee Jae-myung': family name, then the given name as one hyphenated word."""
    if len(words) == 3 and words[0].lower() in _korean_surnames() and all(len(w) <= 5 for w in words[1:]):
        return [words[0], f"{words[1]}-{words[2].lower()}"]
    if len(words) == 2 and words[0].lower() in _korean_surnames() and "-" in words[1]:
        head, _, tail = words[1].partition("-")
        return [words[0], f"{head}-{tail.lower()}"]
    return words


def _clean_name(raw: str, is_place: "PlaceCheck") -> list[str]:
    """Name words up to the first word that cannot be part of a name (a place, 'der', a role)."""
    words: list[str] = []
    for word in _WORD_SPLIT.split(raw.strip()):
        plain = _POSSESSIVE.sub("", word.rstrip("."))
        acronym = len(plain) > 1 and plain.isupper()  # "MP", "CEO" follow a name, they are not part of it
        lower = plain.lower()
        # Long unhyphenated words only: "Myung" and "Ho-young" also end in "ung".
        noun = len(plain) >= 7 and "-" not in plain and lower.endswith(_noun_endings())
        if acronym or noun or lower in _name_stopwords():
            break
        if is_place(plain) or _is_role_word(plain):
            break
        words.append(plain)
        if len(words) == MAX_NAME_WORDS:
            break
    if len(words) == 1 and len(words[0]) <= 2:
        return []  # an initial or a regnal number ("I") is no name
    return _korean_form(words)


class PlaceCheck:
    """Callable telling whether a capitalised word is a place, cached per word."""

    def __init__(self) -> None:
        self._seen: dict[str, bool] = {}

    @staticmethod
    def _is_prominent_place(word: str) -> bool:
        from newsfind.extract.places import gazetteer, place_row

        row = place_row(word)
        if row is None:
            return False
        place = gazetteer().place(row)
        return place.kind != "city" or place.population >= NAME_ENDING_CITY

    def __call__(self, word: str) -> bool:
        if word not in self._seen:
            # German genitive: "Präsident Serbiens" names a country, not a person.
            self._seen[word] = word.lower() not in _korean_surnames() and (
                self._is_prominent_place(word) or (word.endswith("s") and self._is_prominent_place(word[:-1])))
        return self._seen[word]


def surname(words: list[str]) -> str:
    """The family name: first for Korean and Chinese order ('Lee Jae-myung'), else the last word."""
    if len(words) >= 2 and words[0].lower() in _korean_surnames() and "-" in words[1]:
        return words[0]
    return words[-1]


def canonical_leader(variants: Iterable[str]) -> str:
    """The display form among spellings of one person: the fullest, most standard one."""
    forms = [" ".join(_korean_form(v.split())) for v in variants if v.strip()]
    if not forms:
        return ""
    known = _canonical_spellings()
    for form in forms:
        if leader_key(form) in known:
            return known[leader_key(form)]

    def quality(form: str) -> tuple[int, bool, bool, int]:
        words = form.split()
        return len(leader_key(form)), not form.isupper(), "-" in form, -len(words)

    return max(forms, key=quality)


def resolve_leader(query: str, known: Iterable[str]) -> list[str]:
    """Known canonical names a user's --leader value means: exact key, else every name with its words."""
    names = list(dict.fromkeys(known))
    key = leader_key(query)
    if not key:
        return []
    exact = [name for name in names if leader_key(name) == key]
    if exact:
        return exact
    wanted = {leader_key(word) for word in query.split()}
    return [name for name in names if wanted <= _word_keys(name)]


def _word_keys(name: str) -> set[str]:
    """Keys of a name's words, also of hyphen parts joined and split ('Jae-myung' -> jaemyung, jae, myung)."""
    keys = set()
    for word in name.split():
        keys.add(leader_key(word))
        keys.update(leader_key(part) for part in word.split("-"))
    return keys


def _may_end_role(word: str) -> bool:
    """Whether a word can end a role in some context: the test _role_at makes first, per word."""
    roles = _roles()
    lower = word.lower()
    stem = lower.rstrip(".")
    return lower in roles.by_last_word or stem in roles.by_last_word or stem.endswith(roles.compound_endings)


_ROLE_SIEVE = WordSieve(_may_end_role)


def _role_names(text: str, is_place: PlaceCheck) -> list[tuple[int, list[str]]]:
    """(offset, name words) of every name standing next to a role word."""
    matches = list(_ROLE_WORD.finditer(text))
    tokens = [match.group() for match in matches]
    # Role words are rare: find them among the distinct words before looking at positions.
    role_words = _ROLE_SIEVE.passing(tokens)
    found: list[tuple[int, list[str]]] = []
    for index in [index for index, token in enumerate(tokens) if token in role_words]:
        match = matches[index]
        previous = [token.rstrip(".").lower() for token in tokens[max(0, index - 3):index]]
        role = _role_at(match.group(), previous)
        if role is None:
            continue
        # "..., sagte der Minister. Mehr ..." : a sentence end is no "Minister Mehr"
        sentence_end = match.group().endswith(".") and not role.words[-1].endswith(".")
        if role.before and not sentence_end:
            after = _NAME_AFTER_ROLE.match(text, match.end())
            words = _clean_name(after.group("name"), is_place) if after else []
            if words:
                found.append((after.start("name"), words))
        if role.after:
            before = _NAME_BEFORE_ROLE.search(text, max(0, match.start() - 120), match.start())
            words = _clean_name(before.group("name"), is_place) if before else []
            if len(words) >= 2:  # "Hayashi, the minister" is too weak without a given name
                found.append((before.start("name"), words))
    return sorted(found, key=lambda item: item[0])


def rank_leaders(title: str, body: str, lang: str) -> list[tuple[str, float]]:
    """(canonical name, salience) of every leader named, most salient first.

    The role table holds both languages, so lang is not needed yet; it keeps one signature
    with the other extractors.
    """
    if is_caps(title):
        title = ""  # wire headlines in capitals: no case to tell names from words
    text = f"{title}\n{body}"
    mentions = _role_names(text, PlaceCheck())
    people: dict[str, list[str]] = {}  # key of the fullest form -> variants
    first: dict[str, int] = {}
    singles: list[tuple[int, str]] = []
    for position, words in mentions:
        if len(words) == 1:
            singles.append((position, words[0]))
            continue
        key = leader_key(" ".join(words))
        people.setdefault(key, []).append(" ".join(words))
        first.setdefault(key, position)
    for position, word in singles:
        owner = _person_with_word(word, people)
        if owner is None:
            people.setdefault(leader_key(word), []).append(word)
            first.setdefault(leader_key(word), position)
    scores = {key: _salience(canonical_leader(variants), text, title) for key, variants in people.items()}
    order = sorted(people, key=lambda key: (-scores[key], first[key]))
    return [(canonical_leader(people[key]), scores[key]) for key in order]


def _person_with_word(word: str, people: dict[str, list[str]]) -> str | None:
    key = leader_key(word)
    owners = [person for person, variants in people.items() if key in _word_keys(variants[0])]
    return owners[0] if len(owners) == 1 else None


@lru_cache(maxsize=4096)
def _mention_pattern(word: str) -> re.Pattern[str]:
    # Surname alone, also in the German genitive ("Takaichis") and English possessive.
    return re.compile(rf"(?<![\w-]){re.escape(word)}(?:s|['’]s)?(?![\w-])")


def _salience(name: str, text: str, title: str) -> float:
    """Mentions of the family name anywhere, title mentions counting double."""
    words = name.split()
    family = surname(words)
    pattern = _mention_pattern(family)
    return float(len(pattern.findall(text)) + (TITLE_WEIGHT - 1) * len(pattern.findall(title)))


def extract_leaders(title: str, body: str, lang: str) -> tuple[str, ...]:
    """Canonical names of the political leaders named, most salient first."""
    return tuple(name for name, _ in rank_leaders(title, body, lang))
