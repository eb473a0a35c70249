"""Political leaders named in an article: names next to a role word, merged across spellings.
Later mentions by surname alone ("Takaichi", "Lees") count toward salience of the full name."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from newsfind._bmp import BulkPattern
from newsfind.extract._keys import leader_key
from newsfind.extract._keys import word_keys as _word_keys
from newsfind.extract._text import Words, WordSieve, fold, is_caps

DATA_DIR = Path(__file__).parent / "data"
MAX_NAME_WORDS = 3
TITLE_WEIGHT = 2.0
# A name word: capitalised, may carry a hyphenated syllable ("Jae-myung", "Ho-young").
_NAME_WORD = r"[A-ZÀ-ÖØ-ÞĀ-Ž](?:[^\W\d_]|['’])*(?:-[^\W\d_]+)?"
# Lower-case particles inside a name: "Abdel Fattah al-Sisi", "Ursula von der Leyen".
_PARTICLE = (r"(?:(?:von|van|de)[ \t]+(?:der|den|la|le)[ \t]+|(?:al|el|ad|as|ar|ash)-"
             r"|(?:bin|ibn|von|van|de|da|di|del|dos|du|zu|ter)[ \t]+)")
# Words of one name: a space, or a stray full stop from damaged text ("Fumio. Kishida").
_NAME_GAP = r"(?:\.?[ \t]+|[ \t]*\n[ \t]*)"
_NAME = rf"(?<![\w-]){_NAME_WORD}(?:{_NAME_GAP}{_PARTICLE}?{_NAME_WORD}){{0,{MAX_NAME_WORDS + 1}}}"
_WORD_SPLIT = re.compile(r"(\.?\s+)")
_PARTICLES = frozenset({"al", "el", "ad", "as", "ar", "ash", "bin", "ibn", "von", "van", "de", "da", "di", "del", "dos",
                        "du", "la", "le", "der", "den", "zu", "ter"})
_POSSESSIVE = re.compile(r"['’]s?$")
_ADJECTIVE_ENDING = re.compile(r"(?:e|en|er|es|em)$")
# Only a country, a region or a big city ends a name: "Fernando Santos" is not Santos, Brazil.
NAME_ENDING_CITY = 1_000_000


@dataclass(frozen=True)
class Role:
    words: tuple[str, ...]  # lower case; the last word is what the text scan meets
    before: bool  # may precede the name: "Präsident Lee"
    after: bool  # may follow the name after a comma: "Joo Ho-young, Leiter der Gruppe"
    compound: bool  # may end a longer word: "Verteidigungsminister"
    political_prefix: bool  # as a compound, only after a political word: "Regierungschef", not "Konzernchef"
    title: bool  # also a company title: "president" needs political context ("Ifo president" is none)
    monarch: bool  # its holders go by a given name alone: "König Charles"


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
        phrase, position, compound, *kind = line.split("\t")
        role = Role(tuple(phrase.split()), position in {"before", "both"}, position in {"after", "both"},
                    compound in {"yes", "political"}, compound == "political", kind == ["title"],
                    kind == ["monarch"])
        by_last_word.setdefault(role.words[-1], []).append(role)
        if role.compound:
            compounds[role.words[-1]] = role
    return Roles({k: tuple(v) for k, v in by_last_word.items()},
                 tuple(sorted(compounds, key=len, reverse=True)), compounds)


# A word that may be a role ([^\W\d_][\w-]*\.?), as one group: texts are split by it (Words)
_ROLE_WORD_PARTS = BulkPattern(lambda classes: rf"([{classes.letter}][{classes.word}-]*+\.?)")
# A comma only after a possessive ("his successor, Yoshihide Suga"): "the brooding king, Keira
# Knightly" and "Kings And Queen, Gerard Jugnot" name no king.
_NAME_AFTER_ROLE = re.compile(rf"[ \t]+(?P<name>{_NAME})")
_NAME_AFTER_ROLE_COMMA = re.compile(rf",?[ \t]+(?P<name>{_NAME})")
_POSSESSIVES = frozenset({"his", "her", "their", "its", "sein", "seine", "seinem", "seinen", "seiner", "ihr", "ihre",
                          "ihrem", "ihren", "ihrer"})
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
def _given_names() -> frozenset[str]:
    return frozenset(fold(line) for line in _lines("given_names.txt"))


@lru_cache(maxsize=1)
def _political_words() -> frozenset[str]:
    return frozenset(line.rstrip("-") for line in _lines("political_words.txt"))


@lru_cache(maxsize=1)
def _political_fronts() -> tuple[str, ...]:
    return tuple(line[:-1] for line in _lines("political_words.txt") if line.endswith("-"))


@lru_cache(maxsize=1)
def _business_titles() -> frozenset[str]:
    return frozenset(_lines("business_titles.txt"))


@lru_cache(maxsize=1)
def _korean_surnames() -> frozenset[str]:
    return frozenset(_lines("korean_surnames.txt"))


@lru_cache(maxsize=1)
def _canonical_spellings() -> dict[str, str]:
    return {leader_key(name): name for name in _lines("leaders_canonical.tsv")}


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


def _clean_name(raw: str, is_place: "PlaceCheck", before_role: bool = False) -> list[str]:
    """Name words up to the first word that cannot be part of a name (a place, 'der', a role).

    A full stop between words is a sentence end ("Gerhard Schroeder. Social ...") unless it follows
    a lone given name in damaged text ("Fumio. Kishida"). A name before its role ("..., Präsident
    der ...") starts after the last sentence end and after leading function words ("But Alain ...")."""
    parts = _WORD_SPLIT.split(raw.strip())
    pieces = list(zip(parts[0::2], [""] + parts[1::2]))  # (word, gap before it)
    if before_role:
        ends = [i for i, (_, gap) in enumerate(pieces) if "." in gap]
        pieces = pieces[ends[-1]:] if ends else pieces
        while pieces and (pieces[0][0].lower() in _name_stopwords() or pieces[0][0].lower() in _PARTICLES):
            pieces = pieces[1:]
    words: list[str] = []
    capitalised = 0
    for word, gap in pieces:
        plain = _POSSESSIVE.sub("", word.rstrip("."))
        lower = plain.lower()
        particle = plain.split("-")[0]
        if words and particle.islower() and particle in _PARTICLES:
            words.append(plain)  # "von", "der", "al-Sisi"
            if "-" not in plain:
                continue
            capitalised += 1
            if capitalised == MAX_NAME_WORDS:
                break
            continue
        if "." in gap and (capitalised != 1 or lower in _name_stopwords()):
            break
        if words and words[-1] in _PARTICLES and "-" in plain:
            break  # "von der Indigena-Partei" is an organisation, "von der Leyen" a name
        acronym = len(plain) > 1 and plain.isupper()  # "MP", "CEO" follow a name, they are not part of it
        # Long unhyphenated words only: "Myung" and "Ho-young" also end in "ung".
        noun = len(plain) >= 7 and "-" not in plain and lower.endswith(_noun_endings())
        if acronym or noun or lower in _name_stopwords():
            break
        if is_place(plain) or _is_role_word(plain):
            break
        words.append(plain)
        capitalised += 1
        if capitalised == MAX_NAME_WORDS or plain != word.rstrip("."):
            break  # a possessive ends the name: "Gerhard Schroeder's Social Democrats"
    while words and words[-1].lower() in _PARTICLES:
        words.pop()  # "Hans von" is cut before a place: "von" alone ends no name
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


def _may_end_role(word: str) -> bool:
    """Whether a word can end a role in some context: the test _role_at makes first, per word."""
    roles = _roles()
    lower = word.lower()
    stem = lower.rstrip(".")
    return lower in roles.by_last_word or stem in roles.by_last_word or stem.endswith(roles.compound_endings)


_ROLE_SIEVE = WordSieve(_may_end_role)


def _is_political(word: str, is_place: PlaceCheck) -> bool:
    """Whether a word names a political body, party, country or its people ("SPÖ", "Tory", "Iranian")."""
    from newsfind.extract.places import gazetteer

    plain = _POSSESSIVE.sub("", word).strip(".-")
    lower = plain.lower()
    if lower in _political_words() or any(part in _political_words() for part in lower.split("-")):
        return True
    adjectives = gazetteer().adjectives
    folded = fold(plain)
    if any(folded in table or _ADJECTIVE_ENDING.sub("", folded) in table for table in adjectives.values()):
        return True
    return plain[:1].isupper() and is_place(plain)


def _political_compound(token: str, role: Role, is_place: PlaceCheck) -> bool:
    """Whether a role written as a compound names a political office.

    "US-Präsident", "SPÖ-Chef", "Regierungschef" do; "Ferrari-Präsident", "Ex-Flughafen-Chef",
    "Konzernchef" do not. Plain role words and solid compounds of ordinary roles ("Außenminister") do."""
    lower = token.lower().rstrip(".")
    ending = role.words[-1]
    prefix = lower[:-len(ending)] if lower.endswith(ending) else lower.rpartition("-")[0]
    if not prefix:
        return not role.political_prefix
    if prefix.endswith("-"):
        # The word right before the role decides: "Ex-US-Präsident", not "Ex-Flughafen-Chef".
        nearest = token[:len(prefix) - 1].rpartition("-")[2]
        if role.political_prefix:  # "Österreich-Chef" of a company is no head of state
            return _POSSESSIVE.sub("", nearest).lower() in _political_words()
        return _is_political(nearest, is_place)
    if not role.political_prefix:
        return True
    return prefix.endswith(_political_fronts())


_CONTEXT_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_OF_WORDS = frozenset({"of", "der", "des"})
_ARTICLES = frozenset({"the", "der", "die", "das", "des"})


def _title_is_political(text: str, start: int, end: int, is_place: PlaceCheck) -> bool:
    """For a role that is also a company title: the words around it make it political.

    Before the role, a capitalised word must be political ("US President", not "Ifo president");
    after it, no company title ("chief executive") and a political body after "of" ("head of state",
    "Leiter der südkoreanischen Gruppe", not "head of Tiga")."""
    before = text[max(0, start - 40):start]
    words = _CONTEXT_WORD.findall(before)
    if words and before.rstrip().endswith(words[-1]) and words[-1][:1].isupper():
        gap = before[:before.rstrip().rfind(words[-1])].rstrip()
        if not gap.endswith((".", "!", "?", ":", "\"", "“", "„")) and gap and not _is_political(words[-1], is_place):
            return False
    following = _CONTEXT_WORD.findall(text[end:end + 80])[:4]
    lower = [word.lower() for word in following]
    if any(word in _business_titles() for word in lower[:3]):
        return False
    if lower and lower[0] in _OF_WORDS:
        content = [word for word in following[1:] if word.lower() not in _ARTICLES]
        return bool(content) and _is_political(content[0], is_place)
    return True


def _role_names(text: str, is_place: PlaceCheck) -> list[tuple[int, list[str], bool]]:
    """(offset, name words, whether the role is a monarch's) of every name standing next to a role word."""
    words = Words(_ROLE_WORD_PARTS.for_text(text), text)
    tokens = words.raw
    # Role words are rare: find them among the distinct words before looking at positions.
    role_words = _ROLE_SIEVE.passing(tokens)
    found: list[tuple[int, list[str], bool]] = []
    if not role_words:
        return found
    starts, ends = words.starts, words.ends
    for index in [index for index, token in enumerate(tokens) if token in role_words]:
        token, start, end = tokens[index], starts[index], ends[index]
        previous = [word.rstrip(".").lower() for word in tokens[max(0, index - 3):index]]
        role = _role_at(token, previous)
        if role is None or not _political_compound(token, role, is_place):
            continue
        if role.title:
            role_start = starts[index - len(role.words) + 1] if index >= len(role.words) - 1 else start
            if not _title_is_political(text, role_start, end, is_place):
                continue
        # "..., sagte der Minister. Mehr ..." : a sentence end is no "Minister Mehr"
        sentence_end = token.endswith(".") and not role.words[-1].endswith(".")
        if role.before and not sentence_end:
            owner = tokens[index - len(role.words)].lower() if index >= len(role.words) else ""
            after = (_NAME_AFTER_ROLE_COMMA if owner in _POSSESSIVES else _NAME_AFTER_ROLE).match(text, end)
            name = _clean_name(after.group("name"), is_place) if after else []
            if name:
                found.append((after.start("name"), name, role.monarch))
        if role.after:
            before = _NAME_BEFORE_ROLE.search(text, max(0, start - 120), start)
            name = _clean_name(before.group("name"), is_place, before_role=True) if before else []
            if len(name) >= 2:  # "Hayashi, the minister" is too weak without a given name
                found.append((before.start("name"), name, role.monarch))
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
    for position, words, monarch in mentions:
        if len(words) == 1:
            # A given name alone ("Premier Felipe") is no one unless the article names the person in
            # full, and then that full name is listed already; kings go by their given name.
            if monarch or fold(words[0]) not in _given_names():
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
    # Surname alone, also in the German genitive ("Takaichis") and English possessive. The
    # word comes first and the test of the character before it after it: re then finds the
    # candidates by the literal (a leading lookbehind would be tried at every character).
    name = re.escape(word)
    return re.compile(rf"{name}(?<![\w-]{name})(?:s|['’]s)?(?![\w-])")


def _salience(name: str, text: str, title: str) -> float:
    """Mentions of the family name anywhere, title mentions counting double."""
    words = name.split()
    family = surname(words)
    pattern = _mention_pattern(family)
    return float(len(pattern.findall(text)) + (TITLE_WEIGHT - 1) * len(pattern.findall(title)))


def extract_leaders(title: str, body: str, lang: str) -> tuple[str, ...]:
    """Canonical names of the political leaders named, most salient first."""
    return tuple(name for name, _ in rank_leaders(title, body, lang))
