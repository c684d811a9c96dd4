"""OMM in CSV, as CelesTrak (``gp.php?FORMAT=CSV``) and Space-Track (``class/gp/format/csv``) serve it.

The header names OMM keywords (CCSDS 502.0-B-3 section 4); the header decides which column is
which, so CelesTrak's 17 columns and Space-Track's longer rows are read alike, and columns that
are not OMM keywords are kept in ``ElementSet.extras``.
"""

import csv
import io
from collections.abc import Iterable

from orbitwatch.core.elements.model import ElementSet
from orbitwatch.core.elements.omm_fields import (
    CELESTRAK_KEYS,
    MANDATORY_KEYWORDS,
    FieldError,
    celestrak_values,
    element_set_from_fields,
    written,
)
from orbitwatch.core.elements.result import ReadResult, Refusal, gathered
from orbitwatch.core.elements.textrows import CsvRow, csv_table
from orbitwatch.errors import ElementsError

FORMAT = "omm-csv"


def read_omm_csv(text: str, source: str) -> ReadResult[ElementSet]:
    """Every row of an OMM CSV text, each refused on its own (at the line where the row starts).

    A refusal gives the row's line and its index among the data rows (``record``). A row with
    more or fewer values than the header (a file cut mid-row) is refused. Raises ElementsError
    when the header lacks a mandatory keyword or names a column twice.
    """
    table = csv_table(text, source)
    missing = [keyword for keyword in MANDATORY_KEYWORDS if table.header and keyword not in table.header]
    if missing:
        raise ElementsError(f"{source}: the CSV header lacks {', '.join(missing)}; it is not an OMM CSV")
    return gathered(source, FORMAT, ((_outcome(row, table.header, source), row.text) for row in table.rows))


def write_omm_csv(elements: Iterable[ElementSet]) -> str:
    """CelesTrak's CSV: its 17-column header, one row per element set, CRLF line endings (RFC 4180).

    Floats are written with ``repr``, which reads back to the same float. Raises ElementsError for
    an element set no OMM can carry.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CELESTRAK_KEYS)
    writer.writerows([written(value) for value in celestrak_values(es).values()] for es in elements)
    return buffer.getvalue()


def _outcome(row: CsvRow, header: tuple[str, ...], source: str) -> ElementSet | Refusal:
    if len(row.values) != len(header):
        return Refusal(source, _count_reason(row, header), line=row.line, record=row.record, text=row.text)
    try:
        return element_set_from_fields(dict(zip(header, row.values, strict=True)))
    except FieldError as exc:
        return Refusal(source, exc.reason, line=row.line, record=row.record, field=exc.keyword, text=exc.text)


def _count_reason(row: CsvRow, header: tuple[str, ...]) -> str:
    column = header.index("NORAD_CAT_ID") if "NORAD_CAT_ID" in header else len(row.values)
    which = f"the row of NORAD_CAT_ID {row.values[column].strip()}" if column < len(row.values) else "the row"
    return f"{which} has {len(row.values)} values; the header has {len(header)} columns (a row cut short?)"
