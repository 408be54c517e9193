"""Reading uploaded CSV, XLSX and JSONL files into numbered rows of named cells.

Row numbers are what a person sees: the spreadsheet row (header = row 1) for CSV and XLSX,
the line number for JSONL, so "row 7: empty text" points at the right place.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import PurePath

from assistant.errors import InvalidInput
from assistant.qa.encodings import REPLACEMENT, decode

FORMATS = ("csv", "xlsx", "jsonl")


@dataclass
class Row:
    number: int
    cells: dict[str, object]
    problem: str = ""  # set when the row could not be read at all


@dataclass
class Table:
    columns: list[str]
    rows: Iterator[Row]
    encoding_detected: str = ""
    encoding_used: str = ""
    estimated_rows: int = 0  # for progress bars; the exact count is known only at the end


def guess_format(file_name: str) -> str:
    suffix = PurePath(file_name).suffix.lower().lstrip(".")
    if suffix in ("csv", "txt", "tsv"):
        return "csv"
    if suffix in ("xlsx", "xlsm"):
        return "xlsx"
    if suffix in ("jsonl", "ndjson", "json"):
        return "jsonl"
    raise InvalidInput(f"{file_name}: unknown file type {suffix!r}; use CSV, XLSX or JSONL "
                       "(or say which with --format)")


def read_table(data: bytes, fmt: str, *, encoding: str = "auto", name: str = "file") -> Table:
    """Open DATA as a table; rows are produced lazily, so big files stream."""
    if not data.strip():
        raise InvalidInput(f"{name}: the file is empty")
    if fmt == "csv":
        return _read_csv(data, encoding, name)
    if fmt == "jsonl":
        return _read_jsonl(data, encoding, name)
    if fmt == "xlsx":
        return _read_xlsx(data, name)
    raise InvalidInput(f"{name}: unknown format {fmt!r}; use one of {', '.join(FORMATS)}")


def _read_csv(data: bytes, encoding: str, name: str) -> Table:
    decoded = decode(data, encoding, where=name)
    text = decoded.text
    # newline="" lets the csv module handle \r\n, \n and lone \r in one file.
    reader = csv.reader(io.StringIO(text, newline=""), dialect=_sniff_dialect(text))
    try:
        header = next(reader)
    except StopIteration as exc:
        raise InvalidInput(f"{name}: the file is empty") from exc
    if any(REPLACEMENT in h for h in header):
        raise InvalidInput(f"{name}: row 1 (the header) is not valid {decoded.used}; "
                           "choose another encoding")
    columns = _clean_header(header, name)

    def rows() -> Iterator[Row]:
        while True:
            start = reader.line_num + 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield Row(start, {}, f"unreadable CSV ({exc})")
                continue
            if not any(c.strip() for c in cells):
                continue  # a blank line between records
            yield _csv_row(start, cells, columns)

    estimate = max(0, text.count("\n") + text.count("\r") - text.count("\r\n") - 1)
    return Table(columns, rows(), decoded.detected, decoded.used, estimate)


def _csv_row(number: int, cells: list[str], columns: list[str]) -> Row:
    if any(REPLACEMENT in c for c in cells):
        return Row(number, {}, "undecodable bytes (wrong encoding, or the file is cut off)")
    if len(cells) < len(columns):
        return Row(number, dict(zip(columns, cells, strict=False)),
                   f"has {len(cells)} of {len(columns)} columns")
    if len(cells) > len(columns) and any(c.strip() for c in cells[len(columns):]):
        return Row(number, {}, f"has {len(cells)} cells but the header names {len(columns)}")
    return Row(number, dict(zip(columns, cells, strict=False)))


def _sniff_dialect(text: str) -> type[csv.Dialect] | csv.Dialect:
    sample = text[:64 * 1024]
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        return csv.excel


def _read_jsonl(data: bytes, encoding: str, name: str) -> Table:
    decoded = decode(data, encoding, where=name)
    lines = decoded.text.splitlines()
    columns: list[str] = []
    for line in lines[:200]:  # the columns offered for mapping: keys seen near the top
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict):
            columns.extend(k for k in record if k not in columns)

    def rows() -> Iterator[Row]:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            if REPLACEMENT in line:
                yield Row(number, {}, "undecodable bytes (wrong encoding, or the file is cut off)")
                continue
            try:
                record = json.loads(line)
            except ValueError as exc:
                yield Row(number, {}, f"not valid JSON ({exc.args[0] if exc.args else exc})")
                continue
            if not isinstance(record, dict):
                yield Row(number, {}, "not a JSON object")
                continue
            yield Row(number, record)

    return Table(columns, rows(), decoded.detected, decoded.used, len(lines))


def _read_xlsx(data: bytes, name: str) -> Table:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise InvalidInput(f"{name}: not a readable XLSX workbook ({exc}); the file may be "
                           "cut off, or saved in another format") from exc
    sheet = workbook.worksheets[0]
    values = sheet.iter_rows(values_only=True)
    header = next(values, None)
    if header is None:
        raise InvalidInput(f"{name}: the first sheet is empty")
    columns = _clean_header(["" if h is None else str(h) for h in header], name)

    def rows() -> Iterator[Row]:
        for number, cells in enumerate(values, start=2):
            if all(c is None or str(c).strip() == "" for c in cells):
                continue
            yield Row(number, {col: _xlsx_value(v) for col, v in zip(columns, cells, strict=False)})
        workbook.close()

    return Table(columns, rows(), "", "", max(0, (sheet.max_row or 1) - 1))


def _xlsx_value(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, datetime | date | time):
        return value  # parsed as a time by the mapping, not re-read from text
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _clean_header(header: list[str], name: str) -> list[str]:
    columns = [h.strip().lstrip("\ufeff") for h in header]
    while columns and not columns[-1]:
        columns.pop()
    if not columns:
        raise InvalidInput(f"{name}: row 1 should name the columns but is empty")
    columns = [c or f"column {i + 1}" for i, c in enumerate(columns)]
    seen: set[str] = set()
    for c in columns:
        if c in seen:
            raise InvalidInput(f"{name}: row 1 names the column {c!r} twice")
        seen.add(c)
    return columns
