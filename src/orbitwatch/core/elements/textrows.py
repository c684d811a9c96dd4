"""Lines and CSV rows of a text, each with its 1-based line number and its original text.

Readers report a refused record by the line where it starts and keep each accepted record's text,
so they need the physical lines as they stood: split only at CR, LF or CRLF (``str.splitlines``
also splits at form feeds and Unicode separators, which may stand inside a satellite's name).
"""

import csv
import re
from dataclasses import dataclass

from orbitwatch.errors import ElementsError

_PHYSICAL_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def physical_lines(text: str) -> list[str]:
    """The lines of a text, each with its own line ending (the last may have none)."""
    return _PHYSICAL_LINE.findall(text)


def without_bom(text: str) -> str:
    """The text without a leading byte-order mark."""
    return text.removeprefix("\ufeff")


@dataclass(frozen=True, slots=True)
class CsvRow:
    """One data row of a CSV text: where it starts, its values and its original text."""

    line: int
    record: int
    values: tuple[str, ...]
    text: str


@dataclass(frozen=True, slots=True)
class CsvTable:
    """The header of a CSV text (names upper-cased and stripped) and its data rows."""

    header: tuple[str, ...]
    rows: tuple[CsvRow, ...]


def csv_table(text: str, source: str) -> CsvTable:
    """Header and rows of a CSV text (RFC 4180, as CelesTrak and Space-Track write it); blank rows skipped.

    A malformed row (a stray quote, a row cut short) comes back as it was split and is refused by the
    reader for its count of values. Raises ElementsError for a text the csv module cannot split at all
    (a field over its size limit) or a header naming a column twice.
    """
    lines = physical_lines(without_bom(text))
    reader = csv.reader(lines)
    rows: list[CsvRow] = []
    header: tuple[str, ...] = ()
    start = 0
    try:
        for values in reader:
            first_line, start = start + 1, reader.line_num
            if not any(value.strip() for value in values):
                continue
            if not header:
                header = _header(values, first_line, source)
                continue
            row_text = "".join(lines[first_line - 1 : start]).rstrip("\r\n")
            rows.append(CsvRow(first_line, len(rows) + 1, tuple(values), row_text))
    except csv.Error as exc:
        raise ElementsError(f"{source}: line {reader.line_num}: the CSV is malformed ({exc})") from None
    return CsvTable(header, tuple(rows))


def _header(values: list[str], line: int, source: str) -> tuple[str, ...]:
    names = tuple(value.strip().upper() for value in values)
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise ElementsError(
            f"{source}: line {line}: the CSV header names {', '.join(repeated)} more than once"
        )
    return names
