"""The date of the reported event: the first complete day-month-year date in German or English.
Only complete, valid dates count; a year alone or a day without a year gives None, never a guess."""

from __future__ import annotations

import datetime
import re
from functools import lru_cache
from pathlib import Path

from newsfind.extract._text import lead_end

DATA_DIR = Path(__file__).parent / "data"
MIN_YEAR, MAX_YEAR = 1800, 2199
_YEAR = re.compile(r"\d{4}")


@lru_cache(maxsize=1)
def _months() -> dict[str, int]:
    text = (DATA_DIR / "months.tsv").read_text(encoding="utf-8")
    rows = [line.split("\t") for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return {name: int(number) for name, number in rows}


def _alternation(words: list[str]) -> str:
    """A regex matching any of words, as a trie: each position tries a few letters, not every word.

    Longer continuations come before ending a word, so "Januar" is never read as "Jan" + "uar".
    """
    tree: dict[str, dict] = {}
    for word in words:
        node = tree
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def branch(node: dict[str, dict]) -> str:
        options = [re.escape(char) + branch(child) for char, child in sorted(node.items()) if char]
        if not options:
            return ""
        if "" in node:
            options.append("")
        return options[0] if len(options) == 1 else "(?:" + "|".join(options) + ")"

    return branch(tree)


@lru_cache(maxsize=1)
def _date_pattern() -> re.Pattern[str]:
    month = _alternation(list(_months()))
    day = r"(?:0?[1-9]|[12][0-9]|3[01])"
    # The lookahead only lets the scan skip words that start no date (a speed-up, same matches).
    first_chars = re.escape("".join(sorted({name[0] for name in _months()})))
    return re.compile(
        rf"""(?<![\w.])(?=[\d{first_chars}])(?:
            (?P<iso_y>\d{{4}})-(?P<iso_m>\d{{1,2}})-(?P<iso_d>\d{{1,2}})(?![\d-])
          | (?P<num_d>{day})\.\s?(?P<num_m>0?[1-9]|1[0-2])\.\s?(?P<num_y>\d{{4}})(?!\d)
          | (?P<dmy_d>{day})\.?\s+(?P<dmy_m>{month})\.?,?\s+(?P<dmy_y>\d{{4}})(?!\d)
          | (?P<mdy_m>{month})\.?\s+(?P<mdy_d>{day})(?:st|nd|rd|th)?\.?,?\s+(?P<mdy_y>\d{{4}})(?!\d)
        )""",
        re.IGNORECASE | re.VERBOSE,
    )


def _iso(year: str, month: int | str, day: str) -> str | None:
    if not MIN_YEAR <= int(year) <= MAX_YEAR:
        return None
    try:
        return datetime.date(int(year), int(month), int(day)).isoformat()
    except ValueError:  # 31 February and friends
        return None


def _match_to_iso(match: re.Match[str]) -> str | None:
    groups = match.groupdict()
    months = _months()
    if groups["iso_y"]:
        return _iso(groups["iso_y"], groups["iso_m"], groups["iso_d"])
    if groups["num_y"]:
        return _iso(groups["num_y"], groups["num_m"], groups["num_d"])
    if groups["dmy_y"]:
        return _iso(groups["dmy_y"], months[groups["dmy_m"].lower()], groups["dmy_d"])
    return _iso(groups["mdy_y"], months[groups["mdy_m"].lower()], groups["mdy_d"])


def first_date(text: str) -> str | None:
    """The first complete, valid date written anywhere in text."""
    if not _YEAR.search(text):
        return None  # every form has a four-digit year: most texts without one are skipped cheaply
    for match in _date_pattern().finditer(text):
        found = _match_to_iso(match)
        if found:
            return found
    return None


def parse_date(text: str) -> str | None:
    """A single date expression in any supported form -> "YYYY-MM-DD"; None if not a valid date."""
    match = _date_pattern().search(text.strip())
    if match is None or text.strip()[: match.start()].strip():
        return None
    return _match_to_iso(match)


def extract_date(title: str, body: str) -> str | None:
    """The first date in the title or the first two paragraphs, else the first one anywhere."""
    lead = body[: lead_end(body)]
    return first_date(f"{title}\n{lead}") or first_date(body[len(lead):])
