"""Measurements as plain CSV: one measurement per row, any kind, positions included.

Columns (header required, names in any case and order; RFC 4180 quoting)::

    TIME_UTC,KIND,STATION,V1,V2,V3,V4,V5,V6,S1,S2,S3,S4,S5,S6

``TIME_UTC`` is CCSDS/ISO 8601 UTC (``2026-05-25T01:02:03.250`` with an optional ``Z``); ``KIND`` one of
:data:`~orbitwatch.core.od.measurements.MEASUREMENT_SIZES`; ``STATION`` the station's name (empty for
``position_*`` and ``pv_*``); ``V1..Vn`` the kind's n values in its units (degrees, km, km/s; the order
of :mod:`orbitwatch.core.od.measurements`), the rest empty; ``S1..Sn`` their standard deviations, or all
empty for the default (``station_sigmas[station][kind]``, else ``default_sigmas[kind]``, else
:data:`~orbitwatch.core.od.measurements.DEFAULT_SIGMAS`). V/S columns beyond the widest kind used may
be left out of the header. An optional ``SOURCE`` column is kept in each measurement's source.

Each row is read on its own: a bad row is refused with its line and reason, the others go through.
"""

import csv
import io
from collections.abc import Iterable, Mapping, Sequence

from orbitwatch.core.elements.epochs import ccsds_epoch, ccsds_epoch_text
from orbitwatch.core.elements.result import ReadResult, Refusal, gathered
from orbitwatch.core.elements.textrows import csv_table
from orbitwatch.core.od.measurements import DEFAULT_SIGMAS, MEASUREMENT_SIZES, Measurement
from orbitwatch.errors import ElementsError, ObservationError

FORMAT = "measurements-csv"
MAX_VALUES = 6
HEADER = ("TIME_UTC", "KIND", "STATION", *(f"V{i}" for i in range(1, 7)), *(f"S{i}" for i in range(1, 7)))
Sigmas = Mapping[str, Sequence[float]]


def read_measurements_csv(
    data: bytes | str,
    source: str,
    *,
    default_sigmas: Sigmas | None = None,
    station_sigmas: Mapping[str, Sigmas] | None = None,
) -> ReadResult[Measurement]:
    """Measurements of a CSV text (see the module); ObservationError for a text with no usable header."""
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ObservationError(f"{source}: byte {exc.start} is not UTF-8 ({exc.reason})") from None
    else:
        text = data
    try:
        table = csv_table(text, source)
    except ElementsError as exc:
        raise ObservationError(str(exc)) from None
    missing = [name for name in ("TIME_UTC", "KIND", "STATION", "V1") if name not in table.header]
    if missing:
        raise ObservationError(
            f"{source}: the CSV header lacks {', '.join(missing)} (expected {','.join(HEADER)})"
        )
    column = {name: i for i, name in enumerate(table.header)}
    defaults = default_sigmas if default_sigmas is not None else DEFAULT_SIGMAS
    stations = station_sigmas or {}

    def outcome(line: int, values: tuple[str, ...]) -> Measurement | Refusal:
        def cell(name: str) -> str:
            i = column.get(name)
            return values[i].strip() if i is not None and i < len(values) else ""

        if len(values) != len(table.header):
            return Refusal(
                source, f"the row has {len(values)} values, the header {len(table.header)}", line=line
            )
        kind = cell("KIND").lower()
        size = MEASUREMENT_SIZES.get(kind)
        if size is None:
            return Refusal(source, f"unknown kind {kind!r}; expected one of {', '.join(MEASUREMENT_SIZES)}",
                           line=line, field="KIND")  # fmt: skip
        try:
            time_utc = ccsds_epoch(cell("TIME_UTC"))
        except ValueError as exc:
            return Refusal(source, str(exc), line=line, field="TIME_UTC")
        station = cell("STATION")
        try:
            numbers = tuple(float(cell(f"V{i}")) for i in range(1, size + 1))
        except ValueError:
            return Refusal(source, f"V1..V{size} must be numbers for {kind}", line=line, field="V")
        extra = [f"V{i}" for i in range(size + 1, MAX_VALUES + 1) if cell(f"V{i}")]
        if extra:
            return Refusal(source, f"{kind} has {size} values; {', '.join(extra)} must be empty", line=line)
        sigma_cells = [cell(f"S{i}") for i in range(1, size + 1)]
        try:
            if any(sigma_cells):
                sigmas = tuple(float(s) for s in sigma_cells)
            else:
                chosen = stations.get(station, {}).get(kind, defaults.get(kind))
                if chosen is None:
                    return Refusal(source, f"no standard deviation for {kind}", line=line, field="S")
                sigmas = tuple(float(s) for s in chosen)
        except ValueError:
            return Refusal(source, f"S1..S{size} must all be numbers or all empty", line=line, field="S")
        label = cell("SOURCE")
        where = f"{source}:{line}" + (f" ({label})" if label else "")
        try:
            return Measurement(time_utc, kind, numbers, sigmas, station, where)
        except ObservationError as exc:
            return Refusal(source, str(exc), line=line)

    return gathered(source, FORMAT, ((outcome(row.line, row.values), row.text) for row in table.rows))


def write_measurements_csv(measurements: Iterable[Measurement], *, with_source: bool = False) -> str:
    """The CSV of measurements (all 15 columns, plus SOURCE when asked); floats written with ``repr``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([*HEADER, *(["SOURCE"] if with_source else [])])
    for m in measurements:
        pad = [""] * (MAX_VALUES - len(m.values))
        row = [ccsds_epoch_text(m.time_utc) + "Z", m.kind, m.station,
               *(repr(v) for v in m.values), *pad, *(repr(s) for s in m.sigmas), *pad]  # fmt: skip
        writer.writerow([*row, *([m.source] if with_source else [])])
    return buffer.getvalue()
