"""CelesTrak SATCAT: object metadata (owner, type, launch, decay, orbit summary).

Columns as CelesTrak serves ``https://celestrak.org/pub/satcat.csv`` and
``satcat/records.php?FORMAT=CSV`` (see https://celestrak.org/satcat/satcat-format.php):
OBJECT_NAME, OBJECT_ID, NORAD_CAT_ID, OBJECT_TYPE, OPS_STATUS_CODE, OWNER, LAUNCH_DATE,
LAUNCH_SITE, DECAY_DATE, PERIOD, INCLINATION, APOGEE, PERIGEE, RCS, DATA_STATUS_CODE,
ORBIT_CENTER, ORBIT_TYPE. Units: PERIOD in minutes, INCLINATION in degrees, APOGEE and PERIGEE in
km above the Earth, RCS (radar cross-section) in m^2.
"""

import csv
import io
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Final

from orbitwatch.core.elements.omm_fields import FieldError, parse_norad_id, real_number, shown
from orbitwatch.core.elements.result import ReadResult, Refusal, gathered
from orbitwatch.core.elements.textrows import CsvRow, csv_table
from orbitwatch.errors import ElementsError

FORMAT: Final = "satcat-csv"
SATCAT_COLUMNS: Final = (
    "OBJECT_NAME",
    "OBJECT_ID",
    "NORAD_CAT_ID",
    "OBJECT_TYPE",
    "OPS_STATUS_CODE",
    "OWNER",
    "LAUNCH_DATE",
    "LAUNCH_SITE",
    "DECAY_DATE",
    "PERIOD",
    "INCLINATION",
    "APOGEE",
    "PERIGEE",
    "RCS",
    "DATA_STATUS_CODE",
    "ORBIT_CENTER",
    "ORBIT_TYPE",
)
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@dataclass(frozen=True, slots=True)
class ObjectMetadata:
    """What the catalog knows of one object besides its elements.

    ``object_type`` is CelesTrak's code: PAY (payload), R/B (rocket body), DEB (debris), UNK.
    ``owner`` and ``launch_site`` are CelesTrak's source and site codes (``PRC``, ``NKOR``, ``TSC``).
    Numbers are None when the catalog leaves them empty.
    """

    norad_id: int
    name: str = ""
    intl_designator: str = ""
    object_type: str = ""
    ops_status: str = ""
    owner: str = ""
    launch_date: date | None = None
    launch_site: str = ""
    decay_date: date | None = None
    period_min: float | None = None
    inclination_deg: float | None = None
    apogee_km: float | None = None
    perigee_km: float | None = None
    rcs_m2: float | None = None
    data_status: str = ""
    orbit_center: str = ""
    orbit_type: str = ""


def read_satcat_csv(text: str, source: str) -> ReadResult[ObjectMetadata]:
    """Every row of a CelesTrak SATCAT CSV, each refused on its own (at the line where the row starts).

    The header decides which column is which; only NORAD_CAT_ID must be there, and missing columns
    leave their fields empty. Empty numbers and dates are None; dates are ``YYYY-MM-DD``; numbers are
    plain decimals. Raises ElementsError when the header has no NORAD_CAT_ID or names a column twice.
    """
    table = csv_table(text, source)
    if table.header and "NORAD_CAT_ID" not in table.header:
        raise ElementsError(f"{source}: the CSV header has no NORAD_CAT_ID; it is not a SATCAT CSV")
    return gathered(source, FORMAT, ((_metadata(row, table.header, source), row.text) for row in table.rows))


def write_satcat_csv(records: Iterable[ObjectMetadata]) -> str:
    """CelesTrak's SATCAT CSV: its 17-column header, one row per object, CRLF line endings.

    Numbers are written as CelesTrak prints them (PERIOD and INCLINATION with 2 decimals, APOGEE
    and PERIGEE whole, RCS with 4) when that text reads back to the same float, else with ``repr``.
    Raises ElementsError for a number that is not finite.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(SATCAT_COLUMNS)
    writer.writerows(_row(record) for record in records)
    return buffer.getvalue()


def _metadata(row: CsvRow, header: tuple[str, ...], source: str) -> ObjectMetadata | Refusal:
    if len(row.values) != len(header):
        reason = f"the row has {len(row.values)} values; the header has {len(header)} columns"
        return Refusal(source, reason, line=row.line, record=row.record, text=row.text)
    values = {column: value.strip() for column, value in zip(header, row.values, strict=True)}
    try:
        return _object(values)
    except FieldError as exc:
        return Refusal(source, exc.reason, line=row.line, record=row.record, field=exc.keyword, text=exc.text)


def _object(values: dict[str, str]) -> ObjectMetadata:
    try:
        norad_id = parse_norad_id(values["NORAD_CAT_ID"])
    except ValueError as exc:
        raise FieldError("NORAD_CAT_ID", values["NORAD_CAT_ID"], str(exc)) from None
    return ObjectMetadata(
        norad_id=norad_id,
        name=values.get("OBJECT_NAME", ""),
        intl_designator=values.get("OBJECT_ID", ""),
        object_type=values.get("OBJECT_TYPE", ""),
        ops_status=values.get("OPS_STATUS_CODE", ""),
        owner=values.get("OWNER", ""),
        launch_date=_date(values, "LAUNCH_DATE"),
        launch_site=values.get("LAUNCH_SITE", ""),
        decay_date=_date(values, "DECAY_DATE"),
        period_min=_number(values, "PERIOD"),
        inclination_deg=_number(values, "INCLINATION"),
        apogee_km=_number(values, "APOGEE"),
        perigee_km=_number(values, "PERIGEE"),
        rcs_m2=_number(values, "RCS"),
        data_status=values.get("DATA_STATUS_CODE", ""),
        orbit_center=values.get("ORBIT_CENTER", ""),
        orbit_type=values.get("ORBIT_TYPE", ""),
    )


def _date(values: dict[str, str], column: str) -> date | None:
    text = values.get(column, "")
    if not text:
        return None
    try:
        if not _DATE.fullmatch(text):
            raise ValueError("not YYYY-MM-DD")
        return date.fromisoformat(text)
    except ValueError as exc:
        raise FieldError(column, text, f"{column} {shown(text)} is not a date YYYY-MM-DD ({exc})") from None


def _number(values: dict[str, str], column: str) -> float | None:
    text = values.get(column, "")
    return real_number(column, text) if text else None


def _row(record: ObjectMetadata) -> list[str]:
    return [
        record.name,
        record.intl_designator,
        str(record.norad_id),
        record.object_type,
        record.ops_status,
        record.owner,
        record.launch_date.isoformat() if record.launch_date else "",
        record.launch_site,
        record.decay_date.isoformat() if record.decay_date else "",
        _number_text(record.period_min, 2),
        _number_text(record.inclination_deg, 2),
        _number_text(record.apogee_km, 0),
        _number_text(record.perigee_km, 0),
        _number_text(record.rcs_m2, 4),
        record.data_status,
        record.orbit_center,
        record.orbit_type,
    ]


def _number_text(value: float | None, decimals: int) -> str:
    if value is None:
        return ""
    if not math.isfinite(value):
        raise ElementsError(f"a SATCAT number must be finite, got {value!r}")
    text = f"{value:.{decimals}f}"
    return text if float(text) == value else repr(value)
