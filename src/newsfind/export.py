"""Machine-readable writers: json, jsonl, csv, tsv and ids over one stable field list.

Each writer streams records as they come, so `--all` exports start at once and stay small.
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, TextIO

HIT_FIELDS = ("id", "title", "date", "lang", "places", "leaders", "score", "snippet", "source")
FORMATS = ("json", "jsonl", "csv", "tsv", "ids")
LIST_SEPARATOR = "; "


def write_records(records: Iterable[dict[str, Any]], fmt: str, out: TextIO,
                  fields: tuple[str, ...] = HIT_FIELDS) -> int:
    """Write records in ``fmt``; returns how many were written."""
    if fmt == "json":
        return _write_json(records, out)
    if fmt == "jsonl":
        count = 0
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
        return count
    if fmt == "ids":
        count = 0
        for record in records:
            out.write(f"{record['id']}\n")
            count += 1
        return count
    if fmt in ("csv", "tsv"):
        return _write_table(records, out, fields, delimiter="," if fmt == "csv" else "\t")
    raise ValueError(f"unknown format {fmt!r}")


def _write_json(records: Iterable[dict[str, Any]], out: TextIO) -> int:
    """A JSON array written element by element, so it streams like jsonl."""
    count = 0
    out.write("[")
    for record in records:
        out.write(",\n " if count else "\n ")
        out.write(json.dumps(record, ensure_ascii=False))
        count += 1
    out.write("\n]\n" if count else "]\n")
    return count


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return LIST_SEPARATOR.join(str(v) for v in value)
    return str(value)


def _write_table(records: Iterable[dict[str, Any]], out: TextIO, fields: tuple[str, ...], delimiter: str) -> int:
    import csv  # only the table formats need it

    if delimiter == "\t":
        # TSV has no quoting: tabs and newlines inside values become spaces
        writer = csv.writer(out, delimiter="\t", quoting=csv.QUOTE_NONE, escapechar=None,
                            lineterminator="\n")
        clean = lambda text: " ".join(text.replace("\t", " ").splitlines())  # noqa: E731
    else:
        writer = csv.writer(out, lineterminator="\n")
        clean = lambda text: text  # noqa: E731
    writer.writerow(fields)
    count = 0
    for record in records:
        writer.writerow([clean(_cell(record.get(name))) for name in fields])
        count += 1
    return count
