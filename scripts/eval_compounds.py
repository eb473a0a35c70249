"""Score the German compound splitter against hand labels in tests/data/compounds_de.tsv.
Prints split precision/recall, exact-split accuracy and per-part precision/recall."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from newsfind.analysis import _analyse_segment, index_tokens, phrase_tokens, query_tokens  # noqa: E402

LABELS = ROOT / "tests/data/compounds_de.tsv"


def load_labels(path: Path = LABELS) -> dict[str, list[tuple[str, list[str]]]]:
    """Labelled rows by set: 'tuning' (seen while tuning) and 'held-out' (after a '# held-out' line)."""
    sets: dict[str, list[tuple[str, list[str]]]] = {"tuning": [], "held-out": []}
    current = "tuning"
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# held-out"):
            current = "held-out"
        elif line.strip() and not line.startswith("#"):
            word, _, parts = line.partition("\t")
            sets[current].append((word, parts.split()))
    return sets


def stem(word: str) -> str:
    """A labelled part as an index term (folded, stemmed), so Raketen == Rakete."""
    return index_tokens(word, "de")[0][0]


def _part_queries(parts: list[str]) -> list[str]:
    """Each labelled part and each pair of adjacent parts (Kohle Bergwerk -> Kohlebergwerk)."""
    pairs = [parts[i] + parts[i + 1].lower() for i in range(len(parts) - 1)] if len(parts) > 2 else []
    return [*parts, *pairs]


def _finds(query: str, word: str) -> bool:
    """Does a search for the query word match the compound, by whole term or by all its parts?"""
    terms = {t[0] for t in index_tokens(word, "de")}
    return phrase_tokens(query, "de")[0][0] in terms or all(t[0] in terms for t in query_tokens(query, "de"))


def report(name: str, rows: list[tuple[str, list[str]]], verbose: bool) -> None:
    tp = fp = fn = tn = exact = 0
    part_hits = part_found = part_expected = 0
    part_queries = found_by_part = 0
    errors = []
    for word, expected in rows:
        found = list(_analyse_segment(word, "de")[1])
        gold = [stem(p) for p in expected]
        if found and gold:
            tp += 1
            exact += found == gold
        elif found:
            fp += 1
        elif gold:
            fn += 1
        else:
            tn += 1
        part_hits += len(set(found) & set(gold))
        part_found += len(set(found))
        part_expected += len(set(gold))
        for query in _part_queries(expected):
            part_queries += 1
            found_by_part += _finds(query, word)
        if found != gold:
            errors.append(f"  {word}: expected {gold or '-'}, got {found or '-'}")
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    print(f"[{name}] {len(rows)} labelled words: {tp + fn} compounds, {fp + tn} non-compounds")
    print(f"split decision: precision {precision:.3f}  recall {recall:.3f}  (tp {tp}, fp {fp}, fn {fn}, tn {tn})")
    print(f"exact split (all parts right) among detected compounds: {exact}/{tp} = {exact / max(tp, 1):.3f}")
    print(f"parts: precision {part_hits / max(part_found, 1):.3f}  recall {part_hits / max(part_expected, 1):.3f}")
    print(f"parts as queries: {found_by_part}/{part_queries} = {found_by_part / max(part_queries, 1):.3f} "
          "of labelled parts (and adjacent part pairs) find the compound")
    if verbose and errors:
        print("\n".join(errors))


def main() -> None:
    sets = load_labels()
    for name, rows in [*sets.items(), ("all", [row for labelled in sets.values() for row in labelled])]:
        report(name, rows, verbose="-v" in sys.argv and name != "all")


if __name__ == "__main__":
    main()
