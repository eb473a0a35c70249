"""Build the German word-frequency lexicon shipped in newsfind/analysis/data/.
Dev-time only (needs `pip install wordfreq`); the product reads the generated file."""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from newsfind.analysis._fold import fold_chars  # noqa: E402

OUT = ROOT / "src/newsfind/analysis/data/lexicon_de.tsv.gz"
MIN_ZIPF = 2.5  # ~3 per 10M words: below this wordfreq's lists are mostly noise and names


def build(min_zipf: float = MIN_ZIPF) -> dict[str, int]:
    """Folded German word -> Zipf frequency x 10, keeping the max over folding collisions."""
    import wordfreq

    lexicon: dict[str, int] = {}
    for word in wordfreq.iter_wordlist("de", wordlist="large"):
        zipf = wordfreq.zipf_frequency(word, "de", wordlist="large")
        if zipf < min_zipf:
            break  # the word list is sorted by frequency
        key = fold_chars(word)
        if len(key) < 2 or not key.isalpha() or not key.isascii():
            continue
        lexicon[key] = max(lexicon.get(key, 0), round(zipf * 10))
    return lexicon


def main() -> None:
    lexicon = build()
    lines = sorted(lexicon.items(), key=lambda kv: (-kv[1], kv[0]))
    with gzip.open(OUT, "wt", encoding="utf-8", compresslevel=9) as out:
        out.write("# German word frequencies (Zipf x 10), folded; from wordfreq 3.1 (CC BY-SA 4.0)\n")
        for word, zipf10 in lines:
            out.write(f"{word}\t{zipf10}\n")
    print(f"{len(lines)} words -> {OUT} ({OUT.stat().st_size // 1024} KiB)")


if __name__ == "__main__":
    main()
