"""Tests of newsfind.analysis on real German and English news sentences."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from newsfind.analysis import (
    LANGS,
    detect_language,
    fold,
    index_tokens,
    is_stopword,
    phrase_tokens,
    query_tokens,
    query_words,
    translations,
)

ARTICLES = Path(__file__).resolve().parents[1] / "articles"

# Sentences from the shipped articles (000-002 German, 003-004 English).
DE_SUMMIT = (
    "Am 13. Januar 2026 trafen sich Präsident Lee Jae-myung und die japanische "
    "Premierministerin Sanae Takaichi zum Gipfeltreffen in Nara, Japan."
)
DE_SHUTTLE = "Es war der erste Besuch und setzte die Tradition der Shuttle-Diplomatie zwischen beiden Ländern fort."
DE_PENINSULA = "eine vollständige Denuklearisierung der koreanischen Halbinsel zu erreichen"
DE_MISSILES = "Sie verabschiedeten eine Erklärung, die die nordkoreanischen Atom- und Raketenprogramme verurteilt."
DE_ISHIBA = "Japans Ministerpräsident Shigeru Ishiba und der südkoreanische Präsident Lee Jae Myung haben in Tokio verhandelt."
DE_RELATIONS = "wächst die Bedeutung der japanisch-südkoreanischen Beziehungen, erklärte Ishiba"
EN_SUMMIT = (
    "The pledge came after a summit between Japanese Prime Minister Sanae Takaichi and "
    "South Korean President Lee Jae Myung in Nara."
)
EN_YOON = "members of a delegation sent by South Korean President-elect Yoon Suk-yeol agreed on Monday"


def terms(tokens: list[tuple[str, int, int, int]]) -> list[str]:
    return [t[0] for t in tokens]


def index_terms(text: str, lang: str) -> set[str]:
    return set(terms(index_tokens(text, lang)))


def single_term(word: str, lang: str) -> str:
    return terms(phrase_tokens(word, lang))[0]


# --- folding ---------------------------------------------------------------------------


@pytest.mark.parametrize("spelling", ["Südkorea", "Suedkorea", "Sudkorea", "SÜDKOREA", "Su\u0308dkorea"])
def test_umlaut_spellings_of_suedkorea_give_one_term(spelling: str) -> None:
    assert terms(query_tokens(spelling, "de")) == terms(query_tokens("Südkorea", "de"))
    assert single_term(spelling, "de") in index_terms("Beziehungen zu Südkorea", "de")


def test_eszett_and_ss_fold_alike() -> None:
    assert fold("Straße") == fold("STRASSE") == "strasse"
    assert terms(query_tokens("Außenminister", "de")) == terms(query_tokens("Aussenminister", "de"))


def test_fold_maps_transliterated_umlauts_but_leaves_english_names() -> None:
    assert fold("Suedkorea") == fold("Südkorea") == "sudkorea"
    assert fold("Mueller") == fold("Müller")
    assert fold("Israel Michael Rafael Joel Samuel queue aerial aktuell") == (
        "israel michael rafael joel samuel queue aerial aktuell"
    )


def test_english_analysis_does_not_fold_ae_oe_ue() -> None:
    assert single_term("Israel", "en") == "israel"
    assert single_term("issues", "en") == single_term("issue", "en")


# --- tokens, hyphens, positions, offsets ----------------------------------------------


def test_hyphenated_word_indexed_whole_and_parts_at_consecutive_positions() -> None:
    tokens = index_tokens(DE_SHUTTLE, "de")
    shuttle = {t[0]: t[1] for t in tokens if t[0] in {"shuttlediplomati", "shuttl", "diplomati"}}
    assert set(shuttle) == {"shuttlediplomati", "shuttl", "diplomati"}
    # joined and first part at one position, the second part at the next: phrases see
    # "Shuttle-Diplomatie" like "Shuttle Diplomatie"
    assert shuttle["shuttlediplomati"] == shuttle["shuttl"] == shuttle["diplomati"] - 1
    spans = {DE_SHUTTLE[t[2] : t[3]] for t in tokens if t[0] in shuttle}
    assert spans == {"Shuttle-Diplomatie"}


def test_whole_word_term_comes_first_at_each_position() -> None:
    tokens = index_tokens("Japan-Südkorea-Beziehungen", "de")
    assert tokens[0][0] == query_words("Japan-Südkorea-Beziehungen", "de")[0].whole
    assert {"japan", "sudkorea", "bezieh"} <= set(terms(tokens))
    assert {t[1] for t in tokens} == {0, 1, 2}
    assert [t[0] for t in phrase_tokens("Japan-Südkorea-Beziehungen", "de")] == ["japan", "sudkorea", "bezieh"]


def test_hyphenated_phrase_matches_spaced_text_positions() -> None:
    text = "Präsident Lee Jae Myung und Präsident Lee Jae-myung"
    first = {}
    for term, position, _, _ in index_tokens(text, "de"):
        first.setdefault(position, set()).add(term)
    for query in ("Lee Jae-myung", "Lee Jae Myung"):
        phrase = terms(phrase_tokens(query, "de"))
        hits = [p for p in first if all(phrase[i] in first.get(p + i, set()) for i in range(len(phrase)))]
        assert len(hits) == 2, query


def test_query_of_hyphenated_name_equals_spaced_name() -> None:
    assert terms(query_tokens("Lee Jae-myung", "de")) == terms(query_tokens("Lee Jae Myung", "de"))
    assert terms(query_tokens("Yoon Suk-yeol", "en")) == terms(query_tokens("Yoon Suk Yeol", "en"))
    assert [t[1] for t in query_tokens("Lee Jae-myung", "de")] == [0, 1, 2]


def test_hyphenated_name_in_text_matches_spaced_query_terms() -> None:
    wanted = set(terms(query_tokens("Lee Jae Myung", "de")))
    assert wanted <= index_terms(DE_SUMMIT, "de")
    assert set(terms(query_tokens("Yoon Suk Yeol", "en"))) <= index_terms(EN_YOON, "en")


def test_query_never_contains_the_joined_form() -> None:
    assert "shuttlediplomati" not in terms(query_tokens("Shuttle-Diplomatie", "de"))
    assert terms(query_tokens("Shuttle-Diplomatie", "de")) == ["shuttl", "diplomati"]


def test_numbers_and_dates_survive() -> None:
    assert {"13", "2026"} <= index_terms(DE_SUMMIT, "de")
    date = index_terms("am 13.01.2026 in Nara", "de")
    assert {"13.01.2026", "13", "01", "2026"} <= date


def test_positions_grow_by_one_per_surface_word_for_phrases() -> None:
    tokens = index_tokens(DE_PENINSULA, "de")
    first = {}
    for term, position, _, _ in tokens:
        first.setdefault(position, term)
    assert [first[p] for p in sorted(first)] == terms(phrase_tokens(DE_PENINSULA, "de"))
    phrase = terms(phrase_tokens("koreanischen Halbinsel", "de"))
    words = [first[p] for p in sorted(first)]
    assert any(words[i : i + 2] == phrase for i in range(len(words)))


def test_english_phrase_shuttle_diplomacy_positions_are_consecutive() -> None:
    tokens = index_tokens("the tradition of shuttle diplomacy between both", "en")
    positions = {term: pos for term, pos, _, _ in tokens}
    assert positions["diplomaci"] == positions["shuttl"] + 1


def test_apostrophes_and_typographic_quotes() -> None:
    assert "yoon" in index_terms("A series of meetings between Yoon’s representatives", "en")
    assert "yoon" in index_terms("Yoon's inauguration", "en")
    quoted = index_tokens("„Es gibt verschiedene Probleme“, sagte Nagashima.", "de")
    assert terms(quoted)[0] == "es" and "nagashima" in terms(quoted)


# --- compounds --------------------------------------------------------------------------


def test_gipfeltreffen_indexed_with_parts_highlighting_the_whole_word() -> None:
    tokens = index_tokens(DE_SUMMIT, "de")
    gipfel = [t for t in tokens if t[0] in {"gipfeltreff", "gipfel", "treff"}]
    assert {t[0] for t in gipfel} == {"gipfeltreff", "gipfel", "treff"}
    assert {DE_SUMMIT[t[2] : t[3]] for t in gipfel} == {"Gipfeltreffen"}
    assert len({t[1] for t in gipfel}) == 1


def test_query_gipfeltreffen_gives_only_its_parts() -> None:
    assert terms(query_tokens("Gipfeltreffen", "de")) == ["gipfel", "treff"]
    assert terms(query_tokens("Gipfel", "de")) == ["gipfel"]


def test_kohlebergwerksunglueck_splits_into_kohle_bergwerk_unglueck() -> None:
    found = index_terms("Das Kohlebergwerksunglück forderte Opfer", "de")
    for part in ("Kohle", "Bergwerk", "Unglück"):
        assert single_term(part, "de") in found


def test_compound_query_whole_or_atoms_are_all_indexed_for_longer_compound() -> None:
    # issue 4: query Kohlebergwerk split kohle|berg|werk, text Kohlebergwerksunglück kohle|bergwerk|unglück
    found = index_terms("Das Kohlebergwerksunglück forderte Opfer", "de")
    for query in ("Kohlebergwerk", "Bergwerk", "Kohle", "Berg", "Werk"):
        word = query_words(query, "de")[0]
        assert word.whole in found, query
        assert set(word.atoms) <= found, query


def test_parts_of_parts_and_sub_compounds_are_indexed() -> None:
    found = index_terms("Das letzte Braunkohlekraftwerk geht vom Netz", "de")
    for query in ("Braunkohle", "Kraftwerk", "Kohlekraftwerk", "Braun", "Kohle"):
        assert query_words(query, "de")[0].whole in found, query


def test_query_words_give_whole_term_and_atoms() -> None:
    words = query_words("Lee Jae-myung Kohlebergwerk", "de")
    assert [w.surface for w in words] == ["Lee", "Jae-myung", "Kohlebergwerk"]
    assert words[1].atoms == tuple(terms(query_tokens("Jae Myung", "de")))
    assert words[2].atoms == tuple(terms(query_tokens("Kohle Berg Werk", "de")))
    assert words[2].whole == single_term("Kohlebergwerk", "de")


def test_single_words_without_stopwords_get_their_language() -> None:
    for word in ("Suedkorea", "Kohlebergwerk", "Gipfel", "Tokio", "Oesterreich"):
        assert detect_language(word) == "de", word
    for word in ("Tokyo", "summit", "ceasefire", "coal mine"):
        assert detect_language(word) == "en", word


def test_raketenprogramme_parts_match_rakete_and_programm() -> None:
    found = index_terms(DE_MISSILES, "de")
    assert single_term("Rakete", "de") in found
    assert single_term("Programm", "de") in found


@pytest.mark.parametrize("name", ["Takaichi", "Gyeongju", "Nagashima", "Seoul", "Ishiba", "Washington", "Deutschland"])
def test_names_and_short_words_are_not_split(name: str) -> None:
    assert len(query_tokens(name, "de")) == 1
    assert len(index_tokens(name, "de")) == 1


def test_country_names_stay_whole() -> None:
    assert terms(query_tokens("Südkorea", "de")) == ["sudkorea"]
    assert terms(query_tokens("Nordkorea", "de")) == ["nordkorea"]


# --- stems ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("inflected", "base", "lang"),
    [
        ("Nordkoreas", "Nordkorea", "de"),
        ("Tokios", "Tokio", "de"),
        ("Takaichis", "Takaichi", "de"),
        ("Abgeordneter", "Abgeordnete", "de"),
        ("Präsidenten", "Präsident", "de"),
        ("Gipfeltreffens", "Gipfeltreffen", "de"),
        ("summits", "summit", "en"),
        ("relations", "relation", "en"),
    ],
)
def test_inflected_forms_share_a_stem(inflected: str, base: str, lang: str) -> None:
    assert single_term(inflected, lang) == single_term(base, lang)


def test_nordkoreas_in_text_found_by_query_nordkorea() -> None:
    text = "unter anderem durch Nordkoreas Raketentests sowie die zunehmende Aktivität"
    assert set(terms(query_tokens("Nordkorea", "de"))) <= index_terms(text, "de")


# --- stopwords --------------------------------------------------------------------------


def test_stopwords_are_kept_and_recognised_as_surface_or_term() -> None:
    assert "die" in index_terms(DE_SUMMIT, "de")
    assert is_stopword("Die", "de") and is_stopword("über", "de") and is_stopword("uber", "de")
    assert is_stopword("the", "en") and is_stopword("The", "en")
    assert not is_stopword("Gipfel", "de") and not is_stopword("summit", "en")


def test_content_word_sharing_a_stem_with_a_stopword_is_no_stopword() -> None:
    # 'weiter' (stopword) and 'Weite' both stem to 'weit'.
    assert not is_stopword(single_term("Weite", "de"), "de")
    assert is_stopword(single_term("andere", "de"), "de")
    assert not is_stopword("Einigung", "de")


# --- language detection -----------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(ARTICLES.glob("*.txt")))
def test_detects_language_of_shipped_articles(path: Path) -> None:
    expected = "de" if path.name[:3] in {"000", "001", "002"} else "en"
    assert detect_language(path.read_text(encoding="utf-8")[:600]) == expected


def test_detection_of_short_titles() -> None:
    assert detect_language("Japan und Südkorea vertiefen die Zusammenarbeit") == "de"
    assert detect_language("Japan and South Korea deepen cooperation") == "en"
    assert detect_language("") in LANGS


# --- translations -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("Tokio", "de", "Tokyo"),
        ("Gipfeltreffen", "de", "summit"),
        ("Gipfeltreffens", "de", "summit"),
        ("Präsidenten", "de", "president"),
        ("South Korea", "en", "Südkorea"),
        ("Suedkorea", "de", "South Korea"),
        ("summits", "en", "Gipfeltreffen"),
        ("Moskau", "de", "Moscow"),
        ("Peninsula", "en", "Halbinsel"),
    ],
)
def test_translations_after_folding_and_stemming(text: str, lang: str, expected: str) -> None:
    assert expected in translations(text, lang)


def test_prime_minister_translates_to_german_titles() -> None:
    found = translations("prime minister", "en")
    assert "Ministerpräsident" in found and "Premierminister" in found


def test_unknown_word_has_no_translation() -> None:
    assert translations("Takaichi", "de") == []
    assert translations("", "en") == []


def test_unsupported_language_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        index_tokens("Bonjour", "fr")


# --- properties -------------------------------------------------------------------------

_TEXT = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8"),
        st.sampled_from(list("äöüßÄÖÜ-–'’„“.,:/ 0123456789aeouqAEOU\u0308")),
    ),
    max_size=80,
)


@settings(max_examples=200, deadline=None)
@given(text=_TEXT, lang=st.sampled_from(LANGS))
def test_index_tokens_of_any_text_are_well_formed(text: str, lang: str) -> None:
    tokens = index_tokens(text, lang)
    previous = 0
    for term, position, start, end in tokens:
        assert term
        assert 0 <= start < end <= len(text) and text[start:end]
        assert position >= previous
        previous = position


@settings(max_examples=150, deadline=None)
@given(text=_TEXT | st.text(alphabet=st.sampled_from(list("ab1_-–'’.,;:!?\"()«»„“…/*$ \n\t\xa0\u0301ß")), max_size=60))
def test_surface_word_set_is_the_set_of_surface_words(text: str) -> None:
    from newsfind.analysis import surface_word_set, surface_word_texts

    assert surface_word_set(text) == set(surface_word_texts(text))


@given(text=st.lists(st.sampled_from(["Jae-myung", "Lee", "Korea", "Koreas", "13.01.2026", "_", "’s", "Kohlebergwerk",
                                        "Gipfel-Treffen", "der", "Der", "3,5", "-", "Nord-Süd-Dialog", "O'Brien", "x"]),
                     max_size=30).map(" ".join) | _TEXT, lang=st.sampled_from(LANGS))
def test_index_positions_are_index_tokens_by_term(text: str, lang: str) -> None:
    expected: dict[str, list[int]] = {}
    for term, position, _start, _end in index_tokens(text, lang):
        expected.setdefault(term, []).append(position)
    from newsfind.analysis import index_positions

    assert index_positions(text, lang) == expected


@given(
    parts=st.lists(st.text(alphabet="abcdefghijklmnopqrstuvwxyzäöüß", min_size=1, max_size=10), min_size=2, max_size=4),
    lang=st.sampled_from(LANGS),
)
def test_query_tokens_of_hyphenated_and_spaced_forms_agree(parts: list[str], lang: str) -> None:
    assert terms(query_tokens("-".join(parts), lang)) == terms(query_tokens(" ".join(parts), lang))


# --- labelled compounds ------------------------------------------------------------------

LABELS = Path(__file__).resolve().parent / "data" / "compounds_de.tsv"


def test_labelled_corpus_compounds_split_with_high_precision_and_recall() -> None:
    """scripts/eval_compounds.py prints the details; this guards against regressions."""
    tp = fp = fn = 0
    for line in LABELS.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        word, _, expected = line.partition("\t")
        split = len(query_tokens(word, "de")) > 1
        tp += split and bool(expected.split())
        fp += split and not expected.split()
        fn += not split and bool(expected.split())
    assert tp / (tp + fp) >= 0.9
    assert tp / (tp + fn) >= 0.9


def test_word_cache_stays_bounded_and_answers_alike(monkeypatch: pytest.MonkeyPatch) -> None:
    from newsfind import analysis

    expected = analysis.index_positions("Das Gipfeltreffen in Nara, Kohlebergwerk und Suedkorea", "de")
    monkeypatch.setattr(analysis, "_WORD_CACHES", {"de": {}, "en": {}})
    monkeypatch.setattr(analysis, "_WORD_CACHE_SIZE", 8)
    for i in range(200):
        analysis.index_positions(f"Wort{i} Meldung{i}", "de")
        analysis.index_positions(f"word{i}", "en")
        assert sum(map(len, analysis._WORD_CACHES.values())) <= 8
    assert analysis.index_positions("Das Gipfeltreffen in Nara, Kohlebergwerk und Suedkorea", "de") == expected


_LEXICON_WORDS = st.dictionaries(st.text("abcdeäöü", min_size=2, max_size=7), st.integers(1, 80), max_size=300)


@given(_LEXICON_WORDS, st.lists(st.text("abcdeäöü", min_size=0, max_size=7), max_size=60),
       st.integers(1, 50), st.booleans())
@settings(max_examples=150, deadline=None)
def test_lexicon_lookups_agree_with_the_whole_file(words: dict[str, int], probes: list[str],
                                                   load_all_after: int, header: bool) -> None:
    """Lookups by bucket (and after LOAD_ALL_AFTER buckets, in the whole parsed file) give
    what the file says, for words in it and not in it."""
    from newsfind.analysis._lexicon import Lexicon

    lines = "".join(f"{word}\t{zipf}\n" for word, zipf in sorted(words.items(), key=lambda kv: kv[0].encode()))
    data = (("# word\tzipf\n" if header else "") + lines).encode("utf-8")
    lexicon = Lexicon(data)
    lexicon.LOAD_ALL_AFTER = load_all_after
    for word in [*probes, *words]:
        assert lexicon.get(word, 0) == words.get(word, 0)


def test_german_lexicon_by_buckets_is_the_whole_lexicon() -> None:
    from newsfind.analysis._lexicon import DATA_DIR, Lexicon

    with open(Path(DATA_DIR) / "lexicon_de.tsv", "rb") as handle:
        data = handle.read()
    whole = Lexicon(data).load_all()
    lazy = Lexicon(data)
    sample = [*list(whole)[::97], "gipfeltreffen", "xyzzy", "südkorea", "zu"]
    assert [lazy.get(word, 0) for word in sample] == [whole.get(word, 0) for word in sample]
    assert lazy._full is not None  # ~860 buckets read: the rest were parsed at once


def _decompose_all(words: list[str], *, mode: str) -> list[tuple[tuple[str, ...], ...]]:
    """decompose() of each word, judging parts by the rule with every cut tried ("rule", as
    searches do), by the rule with the whole lexicon's early stop ("lexicon", small indexing
    runs) or by the part table with its beginnings ("table", bulk indexing)."""
    from newsfind.analysis import _compounds, _lexicon

    saved = _compounds._part_table, _compounds._part_beginnings
    caches = (_compounds.decompose, _compounds.split_compound, _compounds._modifier_forms)
    lexicon = _lexicon.frequencies("de")
    may_begin = lexicon.may_begin
    try:
        if mode == "table":
            _compounds.load_part_table()
        else:
            _compounds._part_table, _compounds._part_beginnings = None, frozenset()
            lexicon.load_all()
            if mode == "rule":
                lexicon.may_begin = lambda _prefix: True  # type: ignore[method-assign]
        for cached in caches:
            cached.cache_clear()
        return [_compounds.decompose(word) for word in words]
    finally:
        _compounds._part_table, _compounds._part_beginnings = saved
        lexicon.may_begin = may_begin  # type: ignore[method-assign]
        for cached in caches:
            cached.cache_clear()


def _labelled_words() -> list[str]:
    from newsfind.analysis import fold

    lines = LABELS.read_text(encoding="utf-8").splitlines()
    return [fold(line.partition("\t")[0]) for line in lines if line.strip() and not line.startswith("#")]


def test_part_table_splits_as_the_rule_does_on_labelled_compounds() -> None:
    words = _labelled_words()
    assert len(words) > 100
    by_rule = _decompose_all(words, mode="rule")
    assert _decompose_all(words, mode="table") == by_rule
    assert _decompose_all(words, mode="lexicon") == by_rule


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.tuples(st.sampled_from(["gipfel", "treffen", "kohle", "berg", "werk", "unglück", "schul",
                                                    "amt", "antritt", "bundes", "regierung", "haus", "halt", "xq"]),
                                   st.sampled_from(["", "s", "es", "n", "e", "en", "er"])),
                         min_size=1, max_size=5), min_size=1, max_size=25))
def test_part_table_splits_as_the_rule_does_on_made_up_compounds(words: list[list[tuple[str, str]]]) -> None:
    """The table's early stop (no part begins with the chunk) never drops a cut the rule finds."""
    made = ["".join(part + link for part, link in word) for word in words]
    by_rule = _decompose_all(made, mode="rule")
    assert _decompose_all(made, mode="table") == by_rule
    assert _decompose_all(made, mode="lexicon") == by_rule


def test_lexicon_tells_which_beginnings_some_word_has() -> None:
    from newsfind.analysis._lexicon import Lexicon

    lexicon = Lexicon(b"gipfel\t40\ngipfeltreffen\t30\ntreffen\t50\n")
    assert lexicon.may_begin("zzz")  # cannot tell before the whole lexicon is parsed
    lexicon.load_all()
    assert lexicon.may_begin("gip") and lexicon.may_begin("gipfelt") and lexicon.may_begin("treffen")
    assert not lexicon.may_begin("gipfelx") and not lexicon.may_begin("zzz") and not lexicon.may_begin("a")


# --- analyses saved by a build for later runs ----------------------------------------------

def test_saved_analyses_give_every_word_as_analysed_before(monkeypatch: pytest.MonkeyPatch) -> None:
    import marshal

    from newsfind import analysis

    texts = {"de": [DE_SUMMIT, DE_SHUTTLE, DE_PENINSULA, DE_MISSILES, DE_RELATIONS], "en": [EN_SUMMIT, EN_YOON]}
    monkeypatch.setattr(analysis, "_WORD_CACHES", {"de": {}, "en": {}})
    monkeypatch.setattr(analysis, "_SAVED", {"de": {}, "en": {}})
    expected = {lang: [(analysis.index_positions(t, lang), query_tokens(t, lang), phrase_tokens(t, lang))
                       for t in lang_texts] for lang, lang_texts in texts.items()}
    saved = {lang: marshal.loads(marshal.dumps(analysis.saved_analyses(lang, 10_000))) for lang in texts}
    assert "Gipfeltreffen" in saved["de"] and "Yoon" in saved["en"]
    assert any(type(plain) is str and plain[0] != "\x1e" for plain in saved["de"].values())  # most words: their term
    assert any(type(plain) is str and plain[0] == "\x1e" for plain in saved["de"].values())  # compounds: packed
    monkeypatch.setattr(analysis, "_WORD_CACHES", {"de": {}, "en": {}})
    assert all(analysis.use_saved_analyses(lang, saved[lang]) for lang in texts)

    def never(surface: str, lang: str) -> None:
        raise AssertionError(f"{surface!r} analysed again")

    monkeypatch.setattr(analysis, "_analyse_word", never)
    for lang, lang_texts in texts.items():
        assert [(analysis.index_positions(t, lang), query_tokens(t, lang), phrase_tokens(t, lang))
                for t in lang_texts] == expected[lang]


_TERMS = st.text(st.sampled_from("ab\x1c\x1d\x1e\x1fü-."), max_size=4)


@given(st.builds(lambda whole, positions, phrase, atoms: (whole, positions, phrase, atoms), _TERMS,
                 st.lists(st.lists(_TERMS, max_size=3).map(tuple), max_size=3).map(tuple),
                 st.lists(_TERMS, max_size=3).map(tuple), st.lists(_TERMS, max_size=3).map(tuple)))
@example(("\x1e", (("\x1e",),), ("\x1e",), ("\x1e",)))  # a term that looks packed
@example(("", (), (), ()))
def test_a_saved_analysis_comes_back_as_it_was(fields: tuple[object, ...]) -> None:
    """Packed into one string or kept as tuples (where a term holds a separator, or is
    empty), through marshal, a word's analysis comes back field for field."""
    import marshal

    from newsfind import analysis

    found = analysis._WordAnalysis(*fields)
    back = analysis._from_plain(marshal.loads(marshal.dumps(analysis._plain(found))))
    assert (back.whole, back.index_positions, back.phrase_terms, back.atoms, back.single) == \
        (found.whole, found.index_positions, found.phrase_terms, found.atoms, found.single)


def test_saved_analyses_that_disagree_with_todays_analysis_are_not_used(monkeypatch: pytest.MonkeyPatch) -> None:
    from newsfind import analysis

    monkeypatch.setattr(analysis, "_WORD_CACHES", {"de": {}, "en": {}})
    monkeypatch.setattr(analysis, "_SAVED", {"de": {}, "en": {}})
    analysis.index_positions(DE_SUMMIT, "de")
    saved = analysis.saved_analyses("de", 100)
    saved["Gipfeltreffen"] = "gipfeltreffen"  # as if compounds were not split when it was saved
    assert not analysis.use_saved_analyses("de", saved, spot_checks=len(saved))
    assert analysis._SAVED["de"] == {}
    with pytest.raises(ValueError, match="unsupported language"):
        analysis.saved_analyses("fr", 10)
