"""Score newsfind.extract against the gold metadata of the shipped articles and against Reuters-21578.
Prints a table (or --json): date exactness, places and leaders P/R/F1, country-level Reuters P/R/F1, speed."""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from newsfind.extract import extract_metadata, leader_key  # noqa: E402
from newsfind.extract._text import fold  # noqa: E402
from newsfind.extract.leaders import rank_leaders  # noqa: E402
from newsfind.extract.places import country_salience  # noqa: E402

GOLD = ROOT / "tests" / "data" / "metadata_gold.json"
REUTERS = ROOT.parent / "shared" / "corpora" / "reuters-dev.jsonl.gz"

# Today's country (or a 1987 one the gazetteer knows) -> Reuters-21578 place code, where the
# code is not simply the name in lower case with hyphens (reuters-codes.md).
REUTERS_CODES = {
    "United States": "usa", "United Kingdom": "uk", "Germany": "west-germany", "West Germany": "west-germany",
    "East Germany": "east-germany", "Soviet Union": "ussr", "Russia": "ussr", "Ukraine": "ussr",
    "Belarus": "ussr", "Kazakhstan": "ussr", "Uzbekistan": "ussr", "Georgia": "ussr", "Armenia": "ussr",
    "Azerbaijan": "ussr", "Lithuania": "ussr", "Latvia": "ussr", "Estonia": "ussr", "Moldova": "ussr",
    "Kyrgyzstan": "ussr", "Tajikistan": "ussr", "Turkmenistan": "ussr",
    "Czechia": "czechoslovakia", "Slovakia": "czechoslovakia", "Serbia": "yugoslavia", "Croatia": "yugoslavia",
    "Slovenia": "yugoslavia", "Bosnia and Herzegovina": "yugoslavia", "North Macedonia": "yugoslavia",
    "Montenegro": "yugoslavia", "Kosovo": "yugoslavia", "Myanmar": "burma", "Cambodia": "kampuchea",
    "Democratic Republic of the Congo": "zaire", "Republic of the Congo": "congo", "Ivory Coast": "ivory-coast",
    "Eswatini": "swaziland", "United Arab Emirates": "uae", "Yemen": "yemen-arab-republic",
    "Samoa": "western-samoa", "Vatican": "vatican", "Trinidad and Tobago": "trinidad-tobago",
    "Curacao": "netherlands-antilles", "Sint Maarten": "netherlands-antilles", "Cabo Verde": "cape-verde",
    "Antigua and Barbuda": "antigua", "U.S. Virgin Islands": "us-virgin-islands", "Timor Leste": "indonesia",
}


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, predicted: set[str], gold: set[str]) -> None:
        self.tp += len(predicted & gold)
        self.fp += len(predicted - gold)
        self.fn += len(gold - predicted)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def row(self) -> dict[str, float]:
        return {"P": round(self.precision, 3), "R": round(self.recall, 3), "F1": round(self.f1, 3),
                "tp": self.tp, "fp": self.fp, "fn": self.fn}


def read_article(path: Path) -> tuple[str, str]:
    title, _, body = path.read_text(encoding="utf-8").partition("\n")
    return title, body


def evaluate_gold(gold_path: Path) -> dict[str, object]:
    gold = {k: v for k, v in json.loads(gold_path.read_text(encoding="utf-8")).items() if not k.startswith("_")}
    places, leaders = Score(), Score()
    dates_right, details = 0, {}
    for article_id, expected in gold.items():
        title, body = read_article(ROOT / expected["file"])
        found = extract_metadata(title, body, expected["lang"])
        dates_right += found.date == expected["date"]
        places.add(set(found.places), set(expected["places"]))
        leaders.add({leader_key(n) for n in found.leaders}, {leader_key(n) for n in expected["leaders"]})
        details[article_id] = asdict(found)
    return {"articles": len(gold), "dates_exact": f"{dates_right}/{len(gold)}",
            "places": places.row(), "leaders": leaders.row(), "extracted": details}


def reuters_stories(path: Path, limit: int | None) -> Iterator[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for number, line in enumerate(handle):
            if limit is not None and number >= limit:
                return
            yield json.loads(line)


def reuters_code(country: str) -> str:
    """A canonical country's Reuters-21578 code."""
    return REUTERS_CODES.get(country, country.lower().replace(" ", "-"))


def salient_countries(title: str, body: str, share: float) -> set[str]:
    """Reuters codes of the countries an article is about: those whose salience reaches
    `share` of the top country's (the dateline weighs in through country_salience)."""
    scores: dict[str, float] = {}
    for country, score in country_salience(title, body, "en").items():
        code = reuters_code(country)
        scores[code] = scores.get(code, 0.0) + score
    return {code for code, score in scores.items() if score >= share * max(scores.values())} if scores else set()


def surname_matches(names: Iterable[str], codes: Iterable[str]) -> tuple[set[str], set[str]]:
    """(predicted, gold) as comparable sets: a gold code counts as found when its surname is a word
    of a predicted name; predicted names that match no code stay as themselves (false positives)."""
    gold = set(codes)
    predicted = set()
    for name in names:
        words = set(fold(name).split())
        hit = next((code for code in gold if fold(code.split("-")[-1]) in words), None)
        predicted.add(hit or f"name:{name}")
    return predicted, gold


def evaluate_reuters(path: Path, limit: int | None, share: float) -> dict[str, object]:
    places, people, people_labelled = Score(), Score(), Score()
    chars, elapsed, count = 0, 0.0, 0
    for story in reuters_stories(path, limit):
        body = f"{story['dateline']} {story['body']}" if story.get("dateline") else story["body"]
        start = time.perf_counter()
        extract_metadata(story["title"], body, "en")
        elapsed += time.perf_counter() - start
        chars += len(story["title"]) + len(body)
        count += 1
        places.add(salient_countries(story["title"], body, share), set(story["places"]))
        names = [name for name, _ in rank_leaders(story["title"], body, "en")]
        predicted, gold = surname_matches(names, story["people"])
        people.add(predicted, gold)
        if story["people"]:
            people_labelled.add(predicted, gold)
    return {"stories": count, "share": share, "places_country": places.row(), "people_surname": people.row(),
            "people_labelled_stories": people_labelled.row(),
            "articles_per_s": round(count / elapsed, 1) if elapsed else None,
            "avg_chars": round(chars / count) if count else 0}


def print_table(gold: dict[str, object], reuters: dict[str, object] | None) -> None:
    print(f"shipped articles ({gold['articles']}): dates exact {gold['dates_exact']}")
    for field in ("places", "leaders"):
        r = gold[field]
        print(f"  {field:<8} P {r['P']:.3f}  R {r['R']:.3f}  F1 {r['F1']:.3f}   (tp {r['tp']} fp {r['fp']} fn {r['fn']})")
    if reuters:
        print(f"reuters-dev ({reuters['stories']} stories, share {reuters['share']}):")
        for field in ("places_country", "people_surname", "people_labelled_stories"):
            r = reuters[field]
            print(f"  {field:<24} P {r['P']:.3f}  R {r['R']:.3f}  F1 {r['F1']:.3f}   "
                  f"(tp {r['tp']} fp {r['fp']} fn {r['fn']})")
        print(f"  speed {reuters['articles_per_s']} articles/s (extract_metadata, avg {reuters['avg_chars']} chars)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--gold", type=Path, default=GOLD)
    parser.add_argument("--reuters", type=Path, default=REUTERS)
    parser.add_argument("--limit", type=int, default=None, help="score only the first N Reuters stories")
    parser.add_argument("--no-reuters", action="store_true")
    parser.add_argument("--share", type=float, default=0.35,
                        help="keep countries whose salience reaches this share of the top country's")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args()
    gold = evaluate_gold(args.gold)
    reuters = None if args.no_reuters else evaluate_reuters(args.reuters, args.limit, args.share)
    if args.json:
        print(json.dumps({"gold": gold, "reuters": reuters}, ensure_ascii=False, indent=2))
    else:
        print_table(gold, reuters)


if __name__ == "__main__":
    main()
