"""Article records and the loaders that read them from .txt, .md, .json and .jsonl(.gz).

Owns the id rule of CLI.md, text decoding and the content hash; knows nothing of the index.
"""
from __future__ import annotations

import codecs
import gzip
import hashlib
import json
import os
import re
import stat
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Callable

from .errors import ArticlePathMissing, BadArticle

# A body longer than this is indexed capped (and the user told so): bounded memory
# for pathological files without refusing them.
MAX_BODY_CHARS = 2_000_000
MAX_FILE_BYTES = 8 * 1024 * 1024  # .txt and .md files are read up to this (and said so)
MAX_JSON_BYTES = 64 * 1024 * 1024  # a .json file is parsed whole, so it must fit
MAX_FRONT_MATTER_CHARS = 64 * 1024
MAX_LIST_ITEMS = 200

TEXT_SUFFIXES = (".txt",)
MARKDOWN_SUFFIXES = (".md", ".markdown")
JSON_SUFFIXES = (".json",)
JSONL_SUFFIXES = (".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz")
ARTICLE_SUFFIXES = TEXT_SUFFIXES + MARKDOWN_SUFFIXES + JSON_SUFFIXES + JSONL_SUFFIXES

LANG_NAMES = {"de": "de", "deu": "de", "ger": "de", "german": "de", "deutsch": "de",
              "en": "en", "eng": "en", "english": "en", "englisch": "en"}

Notice = Callable[[str], None]


@dataclass(frozen=True)
class Article:
    """One news article as read from a file; metadata fields hold what the file gives."""

    id: str
    title: str
    body: str
    source: str
    lang: str | None = None
    date: str | None = None
    places: tuple[str, ...] | None = None
    leaders: tuple[str, ...] | None = None
    url: str | None = None
    publisher: str | None = None
    hash: str = field(default="")

    def with_hash(self) -> Article:
        """The article, its content hash set: call it on an article just made (it sets the
        field in place, as a frozen dataclass's __post_init__ may; dataclasses.replace took
        ~2.4 µs a file)."""
        object.__setattr__(self, "hash", content_hash(self))
        return self


@dataclass(frozen=True, slots=True)
class SourceFile:
    """An article file found under a PATH, with the prefix its ids are relative to."""

    path: Path
    rel: str  # path relative to the PATH it was found under, '/' separators

    @property
    def id_stem(self) -> str:
        return strip_article_suffix(self.rel)


def content_hash(article: Article) -> str:
    """Hash of an article's content and given metadata; not of its id or path, so a moved
    file is recognised as the same article."""
    payload = json.dumps(
        [article.title, article.body, article.lang, article.date,
         article.places, article.leaders, article.url, article.publisher],
        ensure_ascii=False, separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]


def strip_article_suffix(name: str) -> str:
    lower = name.lower()
    for suffix in sorted(ARTICLE_SUFFIXES, key=len, reverse=True):
        if lower.endswith(suffix):
            return name[: -len(suffix)]
    return name


def is_article_file(name: str) -> bool:
    return not name.startswith(".") and name.lower().endswith(ARTICLE_SUFFIXES)


# --- finding files -----------------------------------------------------------------

def find_article_files(paths: Iterable[Path], notice: Notice = lambda _m: None) -> Iterator[SourceFile]:
    """Every article file under each PATH, sorted, each directory visited once (symlink loops)."""
    for path, rel, _abs_path in article_file_paths(paths, notice):
        yield SourceFile(Path(path), rel)


def article_file_paths(paths: Iterable[Path], notice: Notice = lambda _m: None) -> Iterator[tuple[str, str, str]]:
    """``find_article_files`` as (path, SourceFile.rel, os.path.abspath(path)) strings: an
    index run over 100,000 files would spend a fifth of a run without changes making Path
    objects. The absolute path is made once per directory (the same string as the path
    when that is absolute already): os.path.abspath per file took 6% of a 10k run
    without changes."""
    for root in paths:
        if not root.exists():
            raise ArticlePathMissing(f"article path {str(root)!r} does not exist")
        if root.is_file():
            yield str(root), root.name, os.path.abspath(root)
            continue
        seen_dirs: set[str] = set()
        for dirpath, dirnames, filenames in os.walk(root, followlinks=True, onerror=_walk_error(notice)):
            real = os.path.realpath(dirpath)
            if real in seen_dirs:
                notice(f"skipping {dirpath}: directory already visited (symlink loop)")
                dirnames[:] = []
                continue
            seen_dirs.add(real)
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            # one Path (which normalises: ./a//b -> a/b) and one relative prefix per directory:
            # a folder may hold 100,000 files; the paths are those Path(folder) / name gives
            folder = str(Path(dirpath))
            relative = os.path.relpath(dirpath, root)
            prefix = "" if relative == os.curdir else relative.replace(os.sep, "/") + "/"
            # a file name is one component (never "", "." or ".."), so abspath(folder/name)
            # is abspath(folder)/name
            absolute = os.path.abspath(folder)
            for name in sorted(filenames):
                if is_article_file(name):
                    path = name if folder == os.curdir else os.path.join(folder, name)
                    yield path, prefix + name, path if folder == absolute else os.path.join(absolute, name)


def _walk_error(notice: Notice) -> Callable[[OSError], None]:
    def report(error: OSError) -> None:
        notice(f"cannot read {error.filename}: {error.strerror or error}")
    return report


# --- decoding ----------------------------------------------------------------------

def decode_text(data: bytes, where: str) -> str:
    """Bytes to text: UTF-8 (BOM or not), UTF-16 with BOM, else a detected 8-bit codepage.

    Raises BadArticle rather than returning mojibake.
    """
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise BadArticle(where, f"invalid UTF-16 at byte {error.start}") from None
        if not _plausible(text):  # two bytes that look like a BOM are common in binary data
            raise BadArticle(where, "not German or English text (binary data behind a UTF-16 mark?)")
        return text
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        text = _decode_damaged_utf8(data) or _decode_legacy(data, where)
        if error.start >= len(data) - 3 and text.endswith("\ufffd"):
            text = text.rstrip("\ufffd")  # a multi-byte character cut by a size cap
    else:
        # In UTF-8 a control character is its own byte, and no other byte is one: a file
        # without such bytes (nearly all) needs no count over its text (1 µs instead of 8).
        if not data.translate(None, _NOT_CONTROL_BYTES):
            return text
    if "\x00" in text or _control_ratio(text) > 0.05:
        raise BadArticle(where, "binary data, not text")
    return text


def _decode_damaged_utf8(data: bytes) -> str | None:
    """UTF-8 with a few broken bytes (a bad copy, a cut) decodes with replacements, rather
    than as a legacy codepage that would turn every umlaut into mojibake."""
    text = data.decode("utf-8", errors="replace")
    broken = text.count("\ufffd")
    multibyte = sum(1 for ch in text if ord(ch) > 127 and ch != "\ufffd")
    return text if multibyte >= 3 * broken and broken <= max(3, len(data) // 1000) else None


# Western 8-bit codepages are hard to tell apart on short texts; German and English news
# files in any of them are almost always Windows-1252 (a superset of Latin-1's letters).
_WESTERN_PREFIXES = ("cp12", "cp8", "cp7", "latin", "iso8859", "mac_")


def _decode_legacy(data: bytes, where: str) -> str:
    if b"\x00" in data:
        raise BadArticle(where, "binary data, not text")
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        text = None
    if text is None or not _plausible(text):
        from charset_normalizer import from_bytes  # only files that are not UTF-8 pay for it

        matches = from_bytes(data[:200_000])
        best = matches.best()
        western = any(match.encoding.startswith(_WESTERN_PREFIXES) for match in matches)
        text = None
        for encoding in (("cp1252", "latin_1") if western else (best.encoding,) if best else ()):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
    if text is None or not _plausible(text):
        raise BadArticle(where, "invalid UTF-8, and not Windows-1252/Latin-1 text either (save it as UTF-8)")
    return text


# Non-ASCII characters that German and English text written in a Western codepage has:
# accented letters and typographic punctuation. Mojibake and binary bring other ones.
_PLAUSIBLE_NON_ASCII = re.compile(r"[À-ÖØ-öø-ÿ„“”‚‘’–—…€£§°«»·×]")


def _plausible(text: str) -> bool:
    sample = text[:20_000]
    non_ascii = sum(1 for ch in sample if ord(ch) > 127)
    if not non_ascii:
        return True
    good = len(_PLAUSIBLE_NON_ASCII.findall(sample))
    return good >= 0.9 * non_ascii and non_ascii <= 0.3 * len(sample)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_NOT_CONTROL_BYTES = bytes(byte for byte in range(256) if not _CONTROL.match(chr(byte)))


def _control_ratio(text: str) -> float:
    sample = text[:10_000]
    if not sample:
        return 0.0
    return len(_CONTROL.findall(sample)) / len(sample)


def read_bytes(path: Path, where: str, limit: int = MAX_FILE_BYTES) -> tuple[bytes, bool]:
    """The file's bytes (at most ``limit``) and whether it was longer."""
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            raise BadArticle(where, "not a regular file")
        # read(limit + 1) would allocate the whole limit for every file (~40 µs a file for
        # 8 MB); the size asked for is the file's, plus one byte to see if it has grown
        want = min(info.st_size, limit) + 1
        with open(path, "rb") as handle:
            data = handle.read(want)
            if len(data) == want and want <= limit:  # longer than its size said: go on
                data += handle.read(limit + 1 - want)
    except FileNotFoundError:
        raise BadArticle(where, "file vanished while indexing") from None
    except IsADirectoryError:
        raise BadArticle(where, "is a directory") from None
    except OSError as error:
        raise BadArticle(where, error.strerror or str(error)) from None
    return data[:limit], len(data) > limit


# --- field coercion ------------------------------------------------------------------

def _as_text(value: Any, name: str, where: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise BadArticle(where, f"field {name!r} must be text, not {type(value).__name__}")
    return str(value)


def _as_list(value: Any, name: str, where: str) -> tuple[str, ...] | None:
    if value is None:
        return None
    if isinstance(value, str):
        items = [part.strip() for part in re.split(r"[;,]", value)]
    elif isinstance(value, list):
        items = value[:MAX_LIST_ITEMS]
        if not all(isinstance(item, (str, int, float)) and not isinstance(item, bool) for item in items):
            raise BadArticle(where, f"field {name!r} must be a list of names")
        items = [str(item).strip() for item in items]
    else:
        raise BadArticle(where, f"field {name!r} must be a list of names, not {type(value).__name__}")
    return tuple(dict.fromkeys(item for item in items if item))


def _as_lang(value: Any, where: str, notice: Notice) -> str | None:
    text = _as_text(value, "lang", where)
    if text is None or not text.strip():
        return None
    code = LANG_NAMES.get(text.strip().lower().replace("_", "-").split("-")[0])
    if code is None:
        notice(f"warning: {where}: lang {text!r} is not de or en; detecting the language instead")
    return code


_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][0-9:.+\-Z]*)?\s*$")


def normalise_date(value: Any, where: str, notice: Notice) -> str | None:
    """A date field given in a file as YYYY-MM-DD (also a YAML date or ISO datetime)."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    match = _ISO_DATE.match(str(value)) if isinstance(value, (str, int)) else None
    if match:
        try:
            return date(int(match[1]), int(match[2]), int(match[3])).isoformat()
        except ValueError:
            pass
    notice(f"warning: {where}: date {str(value)[:40]!r} is not a date (YYYY-MM-DD); ignoring it")
    return None


def _cap_body(body: str, where: str, notice: Notice) -> str:
    if len(body) > MAX_BODY_CHARS:
        notice(f"warning: {where}: body of {len(body):,} characters capped at {MAX_BODY_CHARS:,} for indexing")
        return body[:MAX_BODY_CHARS]
    return body


def article_from_record(record: Any, default_id: str, source: str, where: str, notice: Notice) -> Article:
    """A JSON object or front-matter mapping (plus body) made into an Article."""
    if not isinstance(record, dict):
        raise BadArticle(where, f"expected a JSON object, found {type(record).__name__}")
    article_id = _as_text(record.get("id"), "id", where)
    title = _as_text(record.get("title"), "title", where) or ""
    body = record.get("body", record.get("text"))
    body = _as_text(body, "body", where) or ""
    title, body = title.strip(), body.strip()
    if not title and not body:
        raise BadArticle(where, "no title and no body")
    if not title:
        title, body = _split_title(body)
    return Article(
        id=article_id.strip() if article_id and article_id.strip() else default_id,
        title=title,
        body=_cap_body(body, where, notice),
        source=source,
        lang=_as_lang(record.get("lang", record.get("language")), where, notice),
        date=normalise_date(record.get("date"), where, notice),
        places=_as_list(record.get("places"), "places", where),
        leaders=_as_list(record.get("leaders"), "leaders", where),
        url=_as_text(record.get("url"), "url", where),
        publisher=_as_text(record.get("source"), "source", where),
    ).with_hash()


def _split_title(text: str) -> tuple[str, str]:
    """First non-empty line is the title, the rest the body (the .txt rule)."""
    lines = text.strip().split("\n", 1)
    title = lines[0].strip()
    body = lines[1].strip() if len(lines) > 1 else ""
    if len(title) > 500:  # one unbroken paragraph: take its first sentence as the title
        sentence = re.match(r"(.{20,300}?[.!?])\s", title)
        if sentence:
            return sentence[1], text.strip()
    return title, body


# --- loaders -------------------------------------------------------------------------

def load_text(file: SourceFile, source: str, notice: Notice) -> Iterator[Article]:
    data, capped = read_bytes(file.path, source)
    if capped:
        notice(f"warning: {source}: file larger than {MAX_FILE_BYTES // 2**20} MB; indexing its beginning")
    text = decode_text(data, source)
    if not text.strip():
        raise BadArticle(source, "empty file")
    title, body = _split_title(text.replace("\r\n", "\n").replace("\r", "\n"))
    yield Article(id=file.id_stem, title=title, body=_cap_body(body, source, notice), source=source).with_hash()


_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$")


def load_markdown(file: SourceFile, source: str, notice: Notice) -> Iterator[Article]:
    data, capped = read_bytes(file.path, source)
    if capped:
        notice(f"warning: {source}: file larger than {MAX_FILE_BYTES // 2**20} MB; indexing its beginning")
    text = decode_text(data, source).replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise BadArticle(source, "empty file")
    meta: dict[str, Any] = {}
    match = _FRONT_MATTER.match(text)
    if match:
        meta = parse_front_matter(match[1], source)
        text = text[match.end():]
    body = text.strip()
    if not meta.get("title"):
        lines = body.split("\n", 1)
        heading = _HEADING.match(lines[0]) if lines else None
        if heading:
            meta["title"] = heading[1]
            body = lines[1].strip() if len(lines) > 1 else ""
    meta["body"] = body
    meta.pop("text", None)
    yield article_from_record(meta, file.id_stem, source, source, notice)


# Front matter as most tools write it: one `key: value` a line, each value a quoted string
# (escapes only \" and \\), an ISO date or plain words. Read here in ~4 µs instead of YAML's ~39
# (libyaml's, for the four fields of a bench article); any other line sends the whole text
# to YAML, and what this reads is what YAML reads (tests/test_articles.py checks both).
_UNPRINTABLE = r"\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff"  # or line breaks, to YAML
_SIMPLE_FIELD = re.compile(
    r"(?P<key>[A-Za-z_][A-Za-z0-9_-]*):[ \t]+(?:"
    rf'"(?P<double>[^"\\{_UNPRINTABLE}]*(?:\\["\\][^"\\{_UNPRINTABLE}]*)*)"'
    rf"|'(?P<single>[^'{_UNPRINTABLE}]*)'"
    r"|(?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2})"
    r"|(?P<plain>[^\W\d_][\w .,'’()/&+-]*?)"
    r")[ \t]*"
)
_QUOTE_ESCAPE = re.compile(r'\\(["\\])')
_YAML_WORDS = frozenset({"yes", "no", "true", "false", "on", "off", "null"})  # YAML 1.1 booleans, null


def _simple_front_matter(text: str) -> dict[str, Any] | None:
    """The fields of front matter in the simple form above; None for any other."""
    meta: dict[str, Any] = {}
    for line in text.split("\n"):
        if not line:
            continue
        match = _SIMPLE_FIELD.fullmatch(line)
        if match is None or match["key"].lower() in _YAML_WORDS:
            return None
        value: Any
        if match["double"] is not None:
            value = match["double"]
            if "\\" in value:
                value = _QUOTE_ESCAPE.sub(r"\1", value)
        elif match["single"] is not None:
            value = match["single"]
        elif match["date"] is not None:
            try:
                value = date.fromisoformat(match["date"])
            except ValueError:
                return None  # YAML's error, then
        else:
            value = match["plain"]
            if value.lower() in _YAML_WORDS:
                return None
        meta[match["key"]] = value
    return meta


def parse_front_matter(text: str, where: str) -> dict[str, Any]:
    """YAML front matter, loaded safely (no Python tags) and bounded in size."""
    # Bounded: the size is capped, the safe loader builds no Python objects, and aliases
    # ("billion laughs") stay shared references that the strict field checks never expand.
    if len(text) > MAX_FRONT_MATTER_CHARS:
        raise BadArticle(where, f"front matter longer than {MAX_FRONT_MATTER_CHARS // 1024} KB")
    simple = _simple_front_matter(text)
    if simple is not None:
        return simple
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        meta = yaml.load(text, Loader=loader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f" at line {mark.line + 2}" if mark is not None else ""
        problem = getattr(error, "problem", None) or "invalid YAML"
        raise BadArticle(where, f"broken YAML front matter{line}: {problem}") from None
    if meta is None:
        return {}
    if not isinstance(meta, dict):
        raise BadArticle(where, "front matter is not a mapping of fields")
    return {str(key): value for key, value in meta.items()}


def load_json(file: SourceFile, source: str, notice: Notice) -> Iterator[Article | BadArticle]:
    data, capped = read_bytes(file.path, source, limit=MAX_JSON_BYTES)
    if capped:
        raise BadArticle(source, f"JSON file larger than {MAX_JSON_BYTES // 2**20} MB; split it into JSONL")
    text = decode_text(data, source)
    if not text.strip():
        raise BadArticle(source, "empty file")
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        raise BadArticle(source, f"not valid JSON: {error.msg}", line=error.lineno) from None
    except RecursionError:
        raise BadArticle(source, "JSON nested too deeply") from None
    if isinstance(value, dict):
        yield article_from_record(value, file.id_stem, source, source, notice)
    elif isinstance(value, list):
        for position, record in enumerate(value, start=1):
            where = f"{source} (item {position})"
            try:
                yield article_from_record(record, f"{file.id_stem}:{position}", source, where, notice)
            except BadArticle as problem:
                yield problem
    else:
        raise BadArticle(source, f"expected a JSON object or a list of objects, found {type(value).__name__}")


def load_jsonl(file: SourceFile, source: str, notice: Notice) -> Iterator[Article | BadArticle]:
    compressed = file.path.name.lower().endswith(".gz")
    try:
        if not stat.S_ISREG(os.stat(file.path).st_mode):
            raise BadArticle(source, "not a regular file")
        raw = gzip.open(file.path, "rb") if compressed else open(file.path, "rb")
    except FileNotFoundError:
        raise BadArticle(source, "file vanished while indexing") from None
    except OSError as error:
        raise BadArticle(source, error.strerror or str(error)) from None
    any_record = False
    with raw:
        line_no = 0
        try:
            for line_no, line in enumerate(raw, start=1):
                if not line.strip():
                    continue
                any_record = True
                try:
                    yield _jsonl_record(line, file, source, line_no, notice)
                except BadArticle as problem:
                    yield problem
        except (EOFError, OSError, zlib.error) as error:
            reason = "compressed file is truncated" if isinstance(error, EOFError) else f"cannot decompress: {error}"
            yield BadArticle(source, f"{reason} (after line {line_no})")
            return
    if not any_record:
        raise BadArticle(source, "empty file")


ESTIMATE_SAMPLE = 4 << 20  # decompressed bytes read to estimate a JSON Lines file's length


def estimate_jsonl_records(path: Path) -> int | None:
    """About how many records a JSON Lines file holds (None if it cannot be read): its
    lines, counted in the first ESTIMATE_SAMPLE bytes (decompressed) and scaled by the
    file's size; exact for a file that small. A fresh build cuts the workers' shares into
    even segments by it; the sample costs ~30 ms where counting a 100k-article .jsonl.gz
    whole takes ~2.7 s."""
    gzipped = path.name.lower().endswith(".gz")
    lines = read = consumed = 0
    last = b"\n"
    try:
        with open(path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            inflate = zlib.decompressobj(wbits=31)
            while read < ESTIMATE_SAMPLE:
                chunk = handle.read(1 << 16)
                if not chunk:
                    if gzipped and not inflate.eof:
                        return None  # truncated
                    return lines + (last != b"\n")  # all of it read: exact
                consumed += len(chunk)
                data = chunk
                if gzipped:
                    data = inflate.decompress(chunk)
                    while inflate.eof and inflate.unused_data:  # the next gzip member
                        rest = inflate.unused_data
                        inflate = zlib.decompressobj(wbits=31)
                        data += inflate.decompress(rest)
                if data:
                    lines += data.count(b"\n")
                    read += len(data)
                    last = data[-1:]
    except (OSError, zlib.error):
        return None
    return round(lines * size / consumed) if lines else None


def _jsonl_record(line: bytes, file: SourceFile, source: str, line_no: int, notice: Notice) -> Article:
    text = decode_text(line, f"{source}:{line_no}")
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        raise BadArticle(source, f"not valid JSON ({error.msg})", line=line_no) from None
    except RecursionError:
        raise BadArticle(source, "JSON nested too deeply", line=line_no) from None
    return article_from_record(value, f"{file.id_stem}:{line_no}", source, f"{source}:{line_no}", notice)


def load_file(file: SourceFile, source: str, notice: Notice = lambda _m: None) -> Iterator[Article | BadArticle]:
    """Every article in one file, or a BadArticle for each part that cannot be read."""
    name = file.path.name.lower()
    try:
        if name.endswith(JSONL_SUFFIXES):
            yield from load_jsonl(file, source, notice)
        elif name.endswith(JSON_SUFFIXES):
            yield from load_json(file, source, notice)
        elif name.endswith(MARKDOWN_SUFFIXES):
            yield from load_markdown(file, source, notice)
        else:
            yield from load_text(file, source, notice)
    except BadArticle as problem:
        yield problem
    except RecursionError:
        yield BadArticle(source, "nested too deeply")


def load_path(path: Path, notice: Notice = lambda _m: None) -> list[Article | BadArticle]:
    """All articles of a file or directory (a convenience for the API and tests)."""
    return [
        item
        for file in find_article_files([path], notice)
        for item in load_file(file, str(file.path), notice)
    ]
