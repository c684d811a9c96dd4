"""Tracking measurements in the store: rows from :class:`~orbitwatch.core.od.measurements.Measurement` and
back, and their query. A measurement is identified by its fingerprint (time, kind, station, values), so the
same measurement in two files is stored once."""

import hashlib
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select

from orbitwatch.core.elements.result import ReadResult
from orbitwatch.core.od.measurements import Measurement
from orbitwatch.errors import StoreError
from orbitwatch.io.store.rows import aware_utc, naive_utc
from orbitwatch.io.store.tables import measurements


@dataclass(frozen=True, slots=True)
class MeasurementFilter:
    """Which stored measurements to read: within [``since_utc``, ``until_utc``] (either open), of any of
    ``stations`` and ``kinds`` (all when empty), by time."""

    since_utc: datetime | None = None
    until_utc: datetime | None = None
    stations: Sequence[str] = ()
    kinds: Sequence[str] = ()


def fingerprint(m: Measurement) -> str:
    """The SHA-256 (hex) of what identifies a measurement: its time, kind, station and values."""
    identity = [naive_utc(m.time_utc).isoformat(), m.kind, m.station, [repr(v) for v in m.values]]
    return hashlib.sha256(json.dumps(identity).encode()).hexdigest()


def check_measurements(result: ReadResult[Measurement]) -> None:
    """StoreError naming the first measurement that cannot be stored faithfully; nothing is written then."""
    for index, m in enumerate(result.records):
        if not all(math.isfinite(x) for x in (*m.values, *m.sigmas)):
            raise StoreError(f"{result.source}: measurement {index + 1}: a value is not finite")
        if "\x00" in m.station + m.source:
            raise StoreError(
                f"{result.source}: measurement {index + 1}: a NUL character in the station or source"
            )


def measurement_row(m: Measurement, ingest_id: int) -> dict[str, Any]:
    """The ``measurements`` row of a measurement (without its id)."""
    return {
        "ingest_id": ingest_id,
        "time_utc": naive_utc(m.time_utc),
        "kind": m.kind,
        "station": m.station,
        "values": json.dumps(list(m.values)),
        "sigmas": json.dumps(list(m.sigmas)),
        "source": m.source,
        "fingerprint": fingerprint(m),
    }


def measurement_from_row(row: Mapping[Any, Any]) -> Measurement:
    """The measurement of a ``measurements`` row."""
    return Measurement(
        time_utc=aware_utc(row["time_utc"]),
        kind=row["kind"],
        values=tuple(float(v) for v in json.loads(row["values"])),
        sigmas=tuple(float(v) for v in json.loads(row["sigmas"])),
        station=row["station"],
        source=row["source"],
    )


def select_measurements(selected: MeasurementFilter) -> Select[tuple[Any, ...]]:
    """The measurements of a filter, by time then id."""
    query = select(measurements)
    if selected.since_utc is not None:
        query = query.where(measurements.c.time_utc >= naive_utc(selected.since_utc))
    if selected.until_utc is not None:
        query = query.where(measurements.c.time_utc <= naive_utc(selected.until_utc))
    if selected.stations:
        query = query.where(measurements.c.station.in_(list(selected.stations)))
    if selected.kinds:
        query = query.where(measurements.c.kind.in_(list(selected.kinds)))
    return query.order_by(measurements.c.time_utc, measurements.c.id)
