"""Rendering of results for the terminal and for machines: rich tables, JSON and CSV.

The CLI is the only layer that prints (DESIGN.md). Tables go to stdout through rich; JSON and
CSV are plain text with UTC times in ISO 8601 with ``Z``.
"""

import csv
import io
import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from orbitwatch.core.elements.epochs import as_utc

PIPE_WIDTH = 160
"""Width of tables written to a pipe or a file (a terminal's own width is used otherwise)."""

stdout = Console(soft_wrap=True, width=None if sys.stdout.isatty() else PIPE_WIDTH)
stderr = Console(stderr=True, soft_wrap=True)

OUTPUT_FORMATS = ("table", "json", "csv")


def iso_utc(moment: datetime | None) -> str:
    """ISO 8601 UTC with milliseconds and ``Z``, or empty for None."""
    if moment is None:
        return ""
    return as_utc(moment).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def plain(value: Any) -> Any:
    """A JSON-friendly version of a value: datetimes as ISO UTC, dates as ISO, tuples as lists."""
    if isinstance(value, datetime):
        return iso_utc(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [plain(item) for item in value]
    if isinstance(value, Mapping):
        return {key: plain(item) for key, item in value.items()}
    return value


def print_json(rows: Iterable[Mapping[str, Any]] | Mapping[str, Any]) -> None:
    """Write rows (a list) or one object as indented JSON to stdout."""
    payload = plain(rows) if isinstance(rows, Mapping) else [plain(row) for row in rows]
    sys.stdout.write(json.dumps(payload, indent=2) + "\n")


def print_csv(columns: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> None:
    """Write rows as CSV with a header row; lists are joined with ``;``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        cells = [plain(row.get(column)) for column in columns]
        writer.writerow(
            [";".join(map(str, c)) if isinstance(c, list) else ("" if c is None else c) for c in cells]
        )
    sys.stdout.write(buffer.getvalue())


def print_table(title: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """A rich table on stdout."""
    table = Table(title=title, title_justify="left", header_style="bold")
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*("" if cell is None else str(cell) for cell in row))
    stdout.print(table)


def fail(message: str) -> None:
    """One clear line on stderr."""
    stderr.print(f"[bold red]error:[/] {escape(message)}", highlight=False)
