"""German compound splitting against the shipped wordfreq lexicon (Koehn & Knight style).
Gipfeltreffen -> gipfel + treffen; names and short words are left whole."""

from __future__ import annotations

from functools import lru_cache

from ._lexicon import frequencies, german_zipf, stopwords, unsplittable_words

MIN_COMPOUND_LENGTH = 8
MAX_PARTS = 4
# Linking elements (Fugenelemente) that may follow a non-final part: Bergwerk-s-unglück.
_LINKS = ("", "s", "es", "n", "en", "er", "e", "ens")
_NO_LINK = ("",)
# Heads that are derivational suffixes, not words: Freund|schaft, Gesund|heit.
_SUFFIX_HEADS = frozenset(
    "schaft schaften heit heiten keit keiten ung ungen lich liche lichen licher liches "
    "isch ische ischen ischer tum tums nis nisse ling linge bar bare baren sam same samen "
    # -nisch adjectives look like Nische: korea|nischen, amerika|nischen
    "nische nischen "
    # present participles: leit|enden, schlepp|enden
    "enden ender endes endem chen schen".split()
)
# Three-letter words common enough in compounds (Amt|s|antritt, National|rat); any other
# three-letter chunk is more likely a prefix or noise (ver-, ent-, -end, -ten).
_SHORT_PARTS = frozenset(
    "amt rat tag see bau tor gas ol eis arm ohr bus zug tal tat not ort hof rad ski tee zoo uhr "
    "kur akt art bad rot tod weg bar bein dorf".split()
)
# Verb prefixes, particles and adverbs: ver|mieten, weg|gebracht, ge|schoben are not compounds.
_NON_PARTS = frozenset(
    "ab an auf aus bei ein ent er ge her hin los miss mit nach ob um un ur ver vor zer zu "
    "zuruck voran vorbei heraus herein hinaus weiter oben eben unten gesch".split()
)
_PART_PENALTY = 0.6  # per part beyond two, so Bergwerk is not cut into Berg + Werk


# Indexing tries many candidate parts per word: it looks them up in a table of every
# lexicon word that may stand as a part (load_part_table) instead of applying the rules.
_part_table: dict[str, float] | None = None
# With the table, every beginning (3 letters or more) of a part: a cut whose chunk is neither a
# part nor in here cannot be lengthened into a modifier, so the cuts further on are not tried.
_part_beginnings: frozenset[str] = frozenset()


def load_part_table() -> None:
    """Judge every lexicon word as a part once (indexing: before the workers fork)."""
    global _part_table, _part_beginnings
    table = {word: zipf for word in frequencies("de").load_all() if (zipf := _part_rule(word))}
    _part_beginnings = frozenset(word[:end] for word in table for end in range(3, len(word)))
    _part_table = table


def _part_zipf(part: str) -> float:
    """Frequency of a candidate part, 0.0 when it may not stand as a part at all."""
    table = _part_table
    return _part_rule(part) if table is None else table.get(part, 0.0)


def _part_rule(part: str) -> float:
    if part in stopwords("de") or part in _NON_PARTS or (len(part) == 3 and part not in _SHORT_PARTS):
        return 0.0
    zipf = german_zipf(part)
    # Short parts must be very common words: Amt, Rat, Tag pass, noise like 'ert' does not.
    minimum = 4.0 if len(part) == 3 else 3.3 if len(part) <= 7 else 2.8
    return zipf if zipf >= minimum else 0.0


def _head_forms(rest: str) -> list[tuple[str, float]]:
    """The final part as a lexicon word (Treffens, Programme), or one inflected (Kuriers)."""
    if len(rest) < 3 or rest in _SUFFIX_HEADS:
        return []
    if zipf := _part_zipf(rest):
        return [(rest, zipf)]
    for ending in ("s", "es", "n", "en"):
        base = rest[: -len(ending)]
        if rest.endswith(ending) and len(base) >= 4 and base not in _SUFFIX_HEADS and (zipf := _part_zipf(base)):
            return [(rest, zipf)]
    return []


@lru_cache(maxsize=16_384)
def _modifier_forms(chunk: str) -> list[tuple[str, float]]:
    """A non-final part: the lexicon word itself, or with the dropped final -e (Schul- -> Schule)."""
    forms: list[tuple[str, float]] = []
    if len(chunk) >= 3 and (zipf := _part_zipf(chunk)):
        forms.append((chunk, zipf))
    elif len(chunk) >= 4 and chunk not in _NON_PARTS and (zipf := _part_zipf(chunk + "e")):
        forms.append((chunk + "e", zipf))
    return forms


Part = tuple[str, float, int, int]  # (lexicon form, zipf, start, end in word)


def _segmentations(word: str, start: int, memo: dict[int, list[list[Part]]]) -> list[list[Part]]:
    """All ways (of at most MAX_PARTS parts) to cut word[start:], memoised per start."""
    if start in memo:
        return memo[start]
    results: list[list[Part]] = [[(form, zipf, start, len(word))] for form, zipf in _head_forms(word[start:])]
    table, beginnings = _part_table, _part_beginnings
    lexicon = frequencies("de") if table is None else None
    size = len(word)
    for end in range(start + 3, size - 2):
        chunk = word[start:end]
        if table is not None:
            if chunk not in beginnings and chunk not in table:
                break  # no part starts with chunk: neither it nor a longer one is a modifier
        elif not lexicon.may_begin(chunk):  # type: ignore[union-attr]
            break  # no lexicon word does: the same, from the (whole) lexicon
        modifiers = _modifier_forms(chunk)
        if not modifiers:
            continue
        # every link but the empty one starts with e, n or s
        for link in _LINKS if word[end] in "ens" else _NO_LINK:
            next_start = end + len(link)
            if size - next_start >= 3 and word.startswith(link, end):
                tails = memo.get(next_start)
                if tails is None:
                    tails = _segmentations(word, next_start, memo)
                for tail in tails:
                    if len(tail) < MAX_PARTS:
                        results += [[(form, zipf, start, end), *tail] for form, zipf in modifiers]
    memo[start] = results
    return results


@lru_cache(maxsize=8_192)
def split_compound(word: str) -> tuple[tuple[str, int, int], ...]:
    """Best split of a folded German word into (part, start, end); () when it is no compound.

    A split wins when its parts are, on average, more frequent than the whole word, so
    frequent simple words (Deutschland, Freundschaft) and unknown names stay whole.
    """
    if len(word) < MIN_COMPOUND_LENGTH or not word.isalpha() or word in unsplittable_words():
        return ()
    best: list[Part] = []
    best_score = german_zipf(word)
    for parts in _segmentations(word, 0, {}):
        if len(parts) < 2:
            continue
        score = sum(p[1] for p in parts) / len(parts) - _PART_PENALTY * (len(parts) - 2)
        if score > best_score:
            best, best_score = parts, score
    return tuple((form, start, end) for form, _, start, end in best)


MAX_ATOMS = 6  # bounds the sub-compounds of one word to 15 (contiguous runs of atoms)


def _atoms(word: str) -> list[tuple[str, int, int]]:
    """Finest split of a word: its compound parts, each split again where it is itself a
    compound (Kohle|Bergwerk -> Kohle|Berg|Werk); (lexicon form, start, end) in word."""
    parts = split_compound(word)
    if not parts:
        return [(word, 0, len(word))]
    atoms: list[tuple[str, int, int]] = []
    for form, start, end in parts:
        # a form may restore a dropped -e (Braunkohl- -> Braunkohle): clamp offsets to the word
        atoms += [(sub, start + sub_start, min(start + sub_end, end)) for sub, sub_start, sub_end in _atoms(form)]
    return atoms


@lru_cache(maxsize=8_192)
def decompose(word: str) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """(top-level parts, atoms, sub-compounds) of a folded German word; all () for no compound.

    Atoms are the finest split; sub-compounds every contiguous run of two or more atoms short of
    the whole word, as spelled in it (Kohlebergwerksunglück: kohlebergwerk, bergwerk,
    bergwerksunglück). Indexing all three makes any split of a query compound that coarsens
    the atoms (Kohlebergwerk, Bergwerk, Berg) find the text compound.
    """
    parts = split_compound(word)
    if not parts:
        return (), (), ()
    atoms = _atoms(word)
    if len(atoms) > MAX_ATOMS:
        atoms = [(form, start, end) for form, start, end in parts]
    spans = [word[atoms[i][1] : atoms[j][2]]
             for i in range(len(atoms)) for j in range(i + 1, len(atoms))
             if (i, j) != (0, len(atoms) - 1)]
    return tuple(form for form, _, _ in parts), tuple(form for form, _, _ in atoms), tuple(spans)


def compound_spans(word: str) -> list[str]:
    """Parts of a compound plus its atoms and sub-compounds (Kohle|Bergwerk|Unglück + Berg, Werk,
    Kohlebergwerk, Bergwerksunglück), deduplicated, parts first."""
    parts, atoms, spans = decompose(word)
    return list(dict.fromkeys([*parts, *atoms, *spans]))
