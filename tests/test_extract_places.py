"""Places: canonical English names, disambiguation by context, no ordinary words taken for places."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsfind.extract import Metadata, canonical_place, extract_metadata, place_country
from newsfind.extract.places import country_salience, extract_places, gazetteer

ROOT = Path(__file__).resolve().parent.parent
GOLD = json.loads((ROOT / "tests" / "data" / "metadata_gold.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("spelling", "canonical"),
    [("Tokio", "Tokyo"), ("Südkorea", "South Korea"), ("Suedkorea", "South Korea"), ("Sudkorea", "South Korea"),
     ("SÜDKOREA", "South Korea"), ("Peking", "Beijing"), ("Nordkorea", "North Korea"), ("Japan", "Japan"),
     ("USA", "United States"), ("U.S.", "United States"), ("Vereinigte Staaten", "United States"),
     ("München", "Munich"), ("Muenchen", "Munich"), ("Wien", "Vienna"), ("Moskau", "Moscow"),
     ("koreanische Halbinsel", "Korean Peninsula"), ("Korean Peninsula", "Korean Peninsula"),
     ("Ostasien", "East Asia"), ("Gyeongju", "Gyeongju"), ("Deutschland", "Germany"),
     ("Russland", "Russia"), ("Großbritannien", "United Kingdom"), ("West Germany", "West Germany"),
     ("USSR", "Soviet Union")],
)
def test_canonical_place_maps_german_and_english_spellings(spelling: str, canonical: str) -> None:
    assert canonical_place(spelling) == canonical


def test_canonical_place_returns_none_for_unknown_names() -> None:
    assert canonical_place("Atlantis-upon-Nowhere") is None
    assert canonical_place("") is None


def test_us_pronoun_is_not_the_united_states() -> None:
    assert canonical_place("us") is None


@pytest.mark.parametrize(
    ("place", "country"),
    [("Nara", "Japan"), ("Japan", "Japan"), ("Seoul", "South Korea"), ("Ube", "Japan"), ("Gyeongju", "South Korea"),
     ("Tokio", "Japan"), ("Sado", "Japan")],
)
def test_place_country_gives_the_country_of_a_place(place: str, country: str) -> None:
    assert place_country(place) == country


def test_place_country_of_a_multinational_region_is_none() -> None:
    assert place_country("East Asia") is None


@pytest.mark.parametrize("article_id", [k for k in GOLD if not k.startswith("_")])
def test_shipped_article_places_match_gold(article_id: str) -> None:
    gold = GOLD[article_id]
    title, _, body = (ROOT / gold["file"]).read_text(encoding="utf-8").partition("\n")
    assert set(extract_places(title, body, gold["lang"])) == set(gold["places"])


def test_nara_in_an_article_about_japan_is_nara_japan() -> None:
    places = extract_places("Gipfel in Nara", "Der Präsident reiste nach Nara, Japan, zum Gipfeltreffen.", "de")
    assert "Nara" in places
    assert place_country("Nara") == "Japan"


def test_ambiguous_city_takes_the_reading_that_fits_the_other_places() -> None:
    british = extract_places("Talks", "Ministers met in Birmingham and later in London, England.", "en")
    american = extract_places("Talks", "The governor spoke in Birmingham, Alabama, before flying to Atlanta.", "en")
    assert "Birmingham" in british
    assert place_country("Birmingham") == "United Kingdom"
    assert "Birmingham, United States" in american
    assert place_country("Birmingham, United States") == "United States"


def test_salience_puts_the_most_mentioned_place_first() -> None:
    body = "Japan und Südkorea vereinbarten mehr Zusammenarbeit. Japan will auch mit China reden.\nIn Japan begrüßte man das."
    assert extract_places("Japan und Südkorea", body, "de")[0] == "Japan"


@pytest.mark.parametrize(
    "sentence",
    ["Nach dem Essen gingen die Delegierten in den Hof.", "Der Zug hatte Verspätung, das Bad war kalt.",
     "In der Halle sprach er über die Mark und den Euro.", "It was a nice day for reading in the bath.",
     "Of all the proposals, the mobile one was best.", "In May and March the talks continued.",
     "May we split the bill?", "Reading the report, officials saw a nice surplus.",
     "Die japanische Regierung und japanische Firmen reagierten.", "Japanese officials and Korean lawmakers met."],
)
def test_ordinary_words_and_adjectives_are_not_places(sentence: str) -> None:
    lang = "de" if any(w in sentence for w in ("Der ", "Die ", "Nach ", "In der")) else "en"
    assert extract_places("Bericht", sentence, lang) == ()


def test_city_names_after_a_locative_preposition_count() -> None:
    assert "Essen" in extract_places("Messe", "Die Messe findet in Essen statt.", "de")
    assert "Nice" in extract_places("Summit", "Leaders gathered in Nice on Friday.", "en")


def test_korean_name_syllable_is_not_a_place() -> None:
    assert extract_places("Treffen", "Joo Ho-young, Leiter der südkoreanischen Gruppe, sprach.", "de") == ()


def test_genitive_and_compound_forms_are_found() -> None:
    places = extract_places("Besuch", "Japans Regierung plant Gespräche über die Nordkorea-Politik und die Sado-Insel.", "de")
    assert set(places) == {"Japan", "North Korea", "Sado"}


def test_wire_dateline_and_state_abbreviation_set_the_country() -> None:
    salience = country_salience("DAHLBERG INC 4TH QTR NET", "GOLDEN VALLEY, MINN., Feb 26 - Shr profit 10 cts", "en")
    assert next(iter(salience)) == "United States"


def test_country_adjectives_add_salience_but_are_not_places() -> None:
    title, body = "Talks", "Japanese officials met Korean lawmakers in Seoul."
    assert "Japan" not in extract_places(title, body, "en")
    assert "Japan" in country_salience(title, body, "en")


def test_gazetteer_loads_fast_and_once() -> None:
    gazetteer.cache_clear()
    start = time.perf_counter()
    gazetteer()
    assert time.perf_counter() - start < 0.5  # ~20 ms here; generous for slow CI machines
    assert gazetteer() is gazetteer()


@given(st.text(max_size=300), st.text(max_size=1000), st.sampled_from(["de", "en"]))
@settings(max_examples=150, deadline=None)
def test_extract_metadata_never_raises(title: str, body: str, lang: str) -> None:
    result = extract_metadata(title, body, lang)
    assert isinstance(result, Metadata)
    assert all(isinstance(p, str) and p for p in result.places)


def test_world_capital_beats_a_small_namesake_in_the_article_country() -> None:
    body = "The US team, coached in Texas and Florida, won two upsets in Athens last summer."
    assert "Athens" in extract_places("US athletes", body, "en")
    assert place_country("Athens") == "Greece"


def test_short_capitals_word_is_an_acronym_not_a_town() -> None:
    body = "WASHINGTON, Feb 26 - A study from the Government Accounting Office (GAO) is due."
    assert extract_places("GAO STUDY", body, "en") == ("Washington",)


def test_town_that_is_a_first_name_is_not_a_place() -> None:
    assert "Gary" not in extract_places("Tore", "Die Tore erzielten Alexis Sanchez und Gary Medel in Santiago de Chile.", "de")


# Real sentences from DER STANDARD and BBC articles that gave false places.
@pytest.mark.parametrize(
    ("sentence", "lang", "not_a_place"),
    [("Dabei können Dateien vom Computer synchronisiert werden.", "de", "Dubai"),
     ("In einer Kita im Bundesstaat Pennsylvania an der Ostküste sei der Wert höher.", "de", "Quito"),
     ("Schulen werben mit Logos, Emblemen und Marken.", "de", "Lagos"),
     ("T-Mobiles LTE-Ausbau wird mit der Aktion beschleunigt.", "de", "Mobile"),
     ("Die Werbeagentur Young Enterprises ist auf Schulwerbung spezialisiert.", "de", "Enterprise"),
     ("Das Drallrad im Inneren des Landers sollte sich bewegen.", "de", "Lander"),
     ("Offenbar wurde beim Basteln daran ja Asbest im Funkhaus entdeckt.", "de", "Asbest"),
     ("Indiana Jones und der Tempel des Todes (Indiana Jones and the Temple of Doom, USA 1984).", "de", "Temple")],
)
def test_everyday_words_that_spell_a_place_are_not_places(sentence: str, lang: str, not_a_place: str) -> None:
    assert not_a_place not in extract_places("Bericht", sentence, lang)


@pytest.mark.parametrize(
    ("sentence", "lang", "not_a_place"),
    [("Der spanische Ministerpräsident Mariano Rajoy hat Neuwahlen ausgeschlossen.", "de", "Mariano"),
     ("Ronaldo converted a low cross from Santiago Solari.", "en", "Santiago"),
     ("Hosts Ant and Dec said so. Natalie Appleton's decision to quit the show surprised them.", "en", "Appleton"),
     ("England were without Will Greenwood for the entire Six Nations.", "en", "Greenwood"),
     ("One of the young stars, Vladimir Girin, drowned in a lake.", "en", "Jilin"),
     ("C Lambert (Belgrave Harriers). D Garland (Channel Islands AC).", "en", "Garland"),
     ("5. Claudia Rath (Deutschland) 6441 Punkte.", "de", "Rāth")],
)
def test_place_name_inside_a_person_name_is_not_a_place(sentence: str, lang: str, not_a_place: str) -> None:
    assert not_a_place not in extract_places("Bericht", sentence, lang)


def test_article_a_before_a_place_is_no_initial() -> None:
    assert "Texas" in extract_places("Hunting", "A Texas company is considering letting people hunt online.", "en")


@pytest.mark.parametrize(
    "sentence",
    ["Essen ist fertig.", "Hof und Garten sind gepflegt.", "Zug um Zug geht es weiter.", "Bad und Küche sind neu.",
     "Nice weather is expected.", "Mobile phones are popular.", "Reading is fun.", "Bath time is at seven."],
)
def test_town_names_that_are_words_at_sentence_start_are_not_places(sentence: str) -> None:
    lang = "en" if sentence.split()[0] in {"Nice", "Mobile", "Reading", "Bath"} else "de"
    assert extract_places("Bericht", sentence, lang) == ()


@given(st.text(alphabet=st.sampled_from("abcdeinrstxyzABCDENRSTXYZÄÖÜäöüß .,-1\n"), max_size=200))
def test_is_caps_is_the_80_percent_rule(text: str) -> None:
    """Its shortcuts (counts of frequent lower-case letters) never change the answer."""
    from newsfind.extract._text import is_caps

    letters = [c for c in text if c.isalpha()]
    assert is_caps(text) == (bool(letters) and sum(c.isupper() for c in letters) > 0.8 * len(letters))


@given(st.lists(st.sampled_from(list("USAKab .,-'\n1ÄßÉ_") + ["U.S.", "U.K.", "A.", "S.A"]), max_size=40).map("".join))
def test_place_tokens_are_letter_runs_or_dotted_abbreviations(text: str) -> None:
    """places._TOKEN as first written, (?:[A-Z]\\.){2,}|[^\\W\\d_]+, which the faster spelling must match."""
    import re

    from newsfind.extract.places import _TOKEN

    reference = re.compile(r"(?:[A-Z]\.){2,}|[^\W\d_]+")
    assert [m.span() for m in _TOKEN.finditer(text)] == [m.span() for m in reference.finditer(text)]
