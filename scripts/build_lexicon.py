"""Build the German and English word-frequency lexicons shipped in newsfind/analysis/data/.
Dev-time only (needs `pip install wordfreq`); the product reads the generated file."""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from newsfind.analysis._fold import fold_chars  # noqa: E402

DATA = ROOT / "src/newsfind/analysis/data"
# Zipf 2.5 is ~3 per 10M words: below it wordfreq's lists are mostly noise and names. The
# English list only breaks ties in language detection, so it can be shorter.
MIN_ZIPF = {"de": 2.5, "en": 3.0}


def build(lang: str) -> dict[str, int]:
    """Folded word -> Zipf frequency x 10, keeping the max over folding collisions."""
    import wordfreq

    lexicon: dict[str, int] = {}
    min_zipf = MIN_ZIPF[lang]
    for word in wordfreq.iter_wordlist(lang, wordlist="large"):
        zipf = wordfreq.zipf_frequency(word, lang, wordlist="large")
        if zipf < min_zipf:
            break  # the word list is sorted by frequency
        key = fold_chars(word)
        if len(key) < 2 or not key.isalpha() or not key.isascii():
            continue
        lexicon[key] = max(lexicon.get(key, 0), round(zipf * 10))
    return lexicon


def main() -> None:
    for lang in ("de", "en"):
        out_path = DATA / f"lexicon_{lang}.tsv.gz"
        lines = sorted(build(lang).items(), key=lambda kv: (-kv[1], kv[0]))
        # mtime=0: the same word list gives the same bytes
        with open(out_path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9, mtime=0) as gz:
            gz.write(f"# {lang} word frequencies (Zipf x 10), folded; from wordfreq 3.1 (CC BY-SA 4.0)\n".encode())
            gz.write("".join(f"{word}\t{zipf10}\n" for word, zipf10 in lines).encode())
        print(f"{len(lines)} words -> {out_path} ({out_path.stat().st_size // 1024} KiB)")


if __name__ == "__main__":
    main()
