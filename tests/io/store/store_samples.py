"""Synthetic catalogs and database snapshots for the store tests.

The synthetic element sets are random but deterministic (seeded), with values in the ranges real
GP data has; they are never propagated, only stored and compared, so they need not be physical.
"""

import hashlib
import random
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from sqlalchemy import RowMapping, Select, create_engine, select

from orbitwatch.core.elements.model import ElementSet
from orbitwatch.core.elements.result import ReadResult
from orbitwatch.io.store import tables

T0 = datetime(2026, 5, 24, tzinfo=UTC)


def sha(label: str) -> str:
    """A SHA-256 hex digest standing for the bytes of an input file named ``label``."""
    return hashlib.sha256(label.encode()).hexdigest()


def element_set(norad_id: int, epoch_utc: datetime, rng: random.Random, name: str = "") -> ElementSet:
    """One random element set of an object at an epoch."""
    return ElementSet(
        norad_id=norad_id,
        epoch_utc=epoch_utc,
        mean_motion_rev_per_day=rng.uniform(1.0, 16.4),
        eccentricity=rng.uniform(0.0, 0.3),
        inclination_deg=rng.uniform(0.0, 180.0),
        raan_deg=rng.uniform(0.0, 360.0),
        arg_perigee_deg=rng.uniform(0.0, 360.0),
        mean_anomaly_deg=rng.uniform(0.0, 360.0),
        bstar_per_earth_radius=rng.uniform(-1e-3, 1e-3),
        mean_motion_dot_rev_per_day2=rng.uniform(-1e-4, 1e-4),
        mean_motion_ddot_rev_per_day3=0.0,
        name=name or f"SAT {norad_id}",
        intl_designator=f"{1960 + norad_id % 66}-{norad_id % 999 + 1:03d}A",
        element_set_no=rng.randrange(1, 1000),
        rev_at_epoch=rng.randrange(0, 100_000),
    )


def synthetic_result(
    norad_ids: Iterable[int], day: datetime, *, seed: int, source: str = "synthetic.tle", name: str = ""
) -> ReadResult[ElementSet]:
    """A reader's result: one element set per object, its epoch at a random time of ``day``'s 24 h."""
    rng = random.Random(seed)
    records = tuple(
        element_set(n, day + timedelta(microseconds=rng.randrange(86_400_000_000)), rng, name)
        for n in norad_ids
    )
    texts = tuple(f"{es.name}\n1 {es.norad_id} {es.epoch_utc.isoformat()}" for es in records)
    return ReadResult(source=source, format="tle", records=records, texts=texts)


def snapshot(url: str) -> dict[str, tuple[int, str]]:
    """Row count and SHA-256 of the content of every table, rows in primary-key order."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            result = {}
            for table in tables.metadata.sorted_tables:
                query = select(table).order_by(*table.primary_key.columns)
                found = [tuple(row) for row in connection.execute(query)]
                result[table.name] = (len(found), hashlib.sha256(repr(found).encode()).hexdigest())
            return result
    finally:
        engine.dispose()


def fetch(url: str, query: Select[tuple[object, ...]]) -> list[RowMapping]:
    """The rows of a query, read on a connection of its own (outside the store)."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return list(connection.execute(query).mappings())
    finally:
        engine.dispose()
