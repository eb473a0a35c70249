"""Build the German and English word-frequency lexicons shipped in newsfind/analysis/data/.
Dev-time only (needs `pip install wordfreq`); the product reads the generated file.

The files are plain text sorted by word (byte order), one ``word<TAB>zipf10`` line each
after a comment line: searches find the few words they need by binary search over the
bytes (analysis/_lexicon.py), which neither gzip nor a frequency order would allow."""

from __future__ import annotations

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


def write(lang: str, lexicon: dict[str, int]) -> Path:
    """The shipped file of one language: a header line, then words in byte order."""
    out_path = DATA / f"lexicon_{lang}.tsv"
    lines = sorted(lexicon.items(), key=lambda kv: kv[0].encode("utf-8"))
    with open(out_path, "wb") as out:
        out.write(f"# {lang} word frequencies (Zipf x 10), folded, sorted by word; "
                  "from wordfreq 3.1 (CC BY-SA 4.0)\n".encode())
        out.write("".join(f"{word}\t{zipf10}\n" for word, zipf10 in lines).encode())
    return out_path


def main() -> None:
    for lang in ("de", "en"):
        lexicon = build(lang)
        out_path = write(lang, lexicon)
        print(f"{len(lexicon)} words -> {out_path} ({out_path.stat().st_size // 1024} KiB)")


if __name__ == "__main__":
    main()
