"""The spelled-out character classes bulk indexing tokenises with: the same words as re's own."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsfind import _bmp, analysis
from newsfind.extract import leaders, places, prepare_bulk_extraction

PATTERNS = {
    "analysis words": analysis._SURFACE_WORDS,
    "places words": places._TOKEN_PARTS,
    "role words": leaders._ROLE_WORD_PARTS,
}


@pytest.fixture
def prepared() -> Iterator[None]:
    """The bulk patterns prepared for the test, then back to plain as before."""
    saved = {name: pattern._fast for name, pattern in PATTERNS.items()}
    for pattern in PATTERNS.values():
        pattern.prepare()
    try:
        yield
    finally:
        for name, pattern in PATTERNS.items():
            pattern._fast = saved[name]


@pytest.mark.parametrize("field", _bmp.Classes.FIELDS)
def test_spelled_out_classes_match_every_bmp_character_as_re_does(field: str) -> None:
    plain = re.compile(f"[{getattr(_bmp.PLAIN, field)}]")
    spelled = re.compile(f"[{getattr(_bmp.spelled_out(), field)}]")
    every = "".join(map(chr, range(0x10000)))
    assert plain.findall(every) == spelled.findall(every)
    assert "\\w" not in getattr(_bmp.spelled_out(), field)


def test_in_bmp() -> None:
    assert _bmp.in_bmp("Gipfeltreffen „in Nara“ – 13.01.2026")
    assert _bmp.in_bmp("")
    assert _bmp.in_bmp("lone \ud800 surrogate")  # as decoded with surrogateescape
    assert not _bmp.in_bmp("Mathe 𝐀𝐁 und Emoji 🙂")


def test_indexing_prepares_the_patterns_and_keeps_the_plain_ones_for_other_texts(prepared: None) -> None:
    sentence = "Präsident Lee Jae-myung traf am 13.01.2026 in Nara ein."
    assert analysis._SURFACE_WORDS.for_text(sentence) is not analysis._SURFACE
    assert analysis._SURFACE_WORDS.for_text(sentence + " 🙂") is analysis._SURFACE
    positions = analysis.index_positions(sentence, "de")
    assert positions["13.01.2026"] == [6] and positions["nara"] == [8]


def test_plain_patterns_are_the_documented_ones() -> None:
    sentence = "U.S.-Präsident Biden und Japans Premier trafen sich_in Tokio, O'Brien’s Büro."
    assert places._TOKEN_PARTS.plain.split(sentence)[1::2] == places._TOKEN.findall(sentence)
    assert leaders._ROLE_WORD_PARTS.plain.split(sentence)[1::2] == re.findall(r"[^\W\d_][\w-]*\.?", sentence)


_TEXT = st.text(
    alphabet=st.one_of(
        st.sampled_from("aäbßcdeéOÖUÜXyz AZ.-_'’,:/0123456789²½٣\u0301\u0308 „“”–—\n\t<>"),
        st.characters(max_codepoint=0x2FFF),
        st.characters(min_codepoint=0x10000, max_codepoint=0x1F9FF),
    ),
    max_size=80,
)


@settings(max_examples=300, deadline=None)
@given(text=_TEXT)
@pytest.mark.usefixtures("prepared")
def test_bulk_patterns_find_the_same_words_as_the_plain_ones(text: str) -> None:
    for pattern in PATTERNS.values():
        pattern.prepare()
        fast = pattern.for_text(text)
        assert fast.findall(text) == pattern.plain.findall(text)
        assert fast.split(text) == pattern.plain.split(text)


@settings(max_examples=300, deadline=None)
@given(text=_TEXT)
def test_word_patterns_find_what_their_readable_forms_find(text: str) -> None:
    plain = _bmp.PLAIN
    letter, digit = rf"[{plain.word}\u0300-\u036f]", rf"[{plain.digit}]"
    words = rf"{digit}+(?:[.,:/]{digit}+)+|{letter}+(?:[-‐‑–'’]{letter}+)*"
    assert analysis._SURFACE.findall(text) == re.findall(words, text)
    assert places._TOKEN.findall(text) == re.findall(rf"[A-Z]\.(?:[A-Z]\.)+|[{plain.letter}]+", text)


def test_prepare_bulk_extraction_prepares_both_extractors(prepared: None) -> None:
    prepare_bulk_extraction()
    assert places._TOKEN_PARTS.for_text("Nara") is not places._TOKEN_PARTS.plain
    assert leaders._ROLE_WORD_PARTS.for_text("Premier") is not leaders._ROLE_WORD_PARTS.plain
