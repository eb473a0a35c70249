"""German/English detection by counting each language's distinctive stopwords.
Zero dependencies; texts without stopwords fall back to the shipped word-frequency lists."""

from __future__ import annotations

import re
from functools import lru_cache

from ._fold import fold_chars
from ._lexicon import frequencies, stopwords

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_GERMAN_LETTERS = re.compile(r"[äöüßÄÖÜ]")
_MAX_WORDS = 400  # a title and a first paragraph are plenty
# German stopwords that are also common English words: no evidence either way.
_AMBIGUOUS = frozenset("dies war man will also hat bin hin um so was am in an".split())


@lru_cache(maxsize=1)
def _distinctive() -> tuple[frozenset[str], frozenset[str]]:
    """Stopwords of one language that are not also words of the other (in, an, so, was, will)."""
    german, english = stopwords("de"), stopwords("en")
    return german - english - _AMBIGUOUS, english - german


def detect(text: str) -> str:
    """The language of a text, by which language's function words it uses more."""
    german, english = _distinctive()
    score = 0
    for match in _WORD.finditer(text[:4000]):
        word = fold_chars(match.group())
        score += (word in german) - (word in english)
        if abs(score) >= _MAX_WORDS:
            break
    if score:
        return "de" if score > 0 else "en"
    if _GERMAN_LETTERS.search(text):
        return "de"
    return _by_word_frequencies(text)


def _by_word_frequencies(text: str) -> str:
    """For texts without stopwords ('Rund zehn Prozent', 'summit Tokyo'): which language's
    word list knows the words better. Loaded only for such texts. German words are also
    looked up with transliterated umlauts (Suedkorea) and, when unknown to both lists, count
    as German if they split as German compounds (Kohlebergwerk)."""
    from ._compounds import split_compound
    from ._lexicon import transliterate_german

    german, english = frequencies("de"), frequencies("en")
    balance = 0
    for match in _WORD.finditer(text[:1000]):
        word = fold_chars(match.group())
        in_german = german.get(word, 0) or german.get(transliterate_german(word), 0)
        in_english = english.get(word, 0)
        if not in_german and not in_english and split_compound(transliterate_german(word)):
            in_german = 1
        balance += in_german - in_english
    return "de" if balance > 0 else "en"
