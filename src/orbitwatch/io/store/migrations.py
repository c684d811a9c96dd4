"""Versioned schema migration: create a fresh catalog, upgrade an older one, refuse a newer one.

The ``schema_version`` table holds one row per version the database has been brought to; its
highest ``version`` is the database's version. A fresh database is created from
:mod:`orbitwatch.io.store.tables` (the newest schema) and stamped with :data:`SCHEMA_VERSION`; an
older one gets each :class:`Upgrade` above its version, in order. All of it runs in the caller's
transaction (DDL is transactional on both SQLite and PostgreSQL), so a failed step changes nothing.
Writers queue (:func:`~orbitwatch.io.store.engine.lock_for_writing`), so two processes never
migrate at once.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final

from sqlalchemy import Connection, func, insert, inspect, select

from orbitwatch.errors import StoreError
from orbitwatch.io.store import tables
from orbitwatch.io.store.engine import lock_for_writing

BASELINE_VERSION: Final = 1


@dataclass(frozen=True)
class Upgrade:
    """One migration step: ``apply`` brings a database at ``version - 1`` to ``version``."""

    version: int
    description: str
    apply: Callable[[Connection], None]


def _add_sites_and_regions(connection: Connection) -> None:
    """Version 2: the ``sites`` and ``regions`` tables. (Should a later version change these tables,
    this step must keep creating them as they were at version 2, written out here.)"""
    tables.sites.create(connection)
    tables.regions.create(connection)


def _add_events(connection: Connection) -> None:
    """Version 3: the ``events`` and ``event_objects`` tables (kept as they were at version 3)."""
    tables.events.create(connection)
    tables.event_objects.create(connection)


def _add_access_and_alerts(connection: Connection) -> None:
    """Version 4: ``api_tokens``, ``watch_lists``, ``alerts`` and ``alert_deliveries`` (kept as they were
    at version 4)."""
    for table in (tables.api_tokens, tables.watch_lists, tables.alerts, tables.alert_deliveries):
        table.create(connection)


def _add_measurements(connection: Connection) -> None:
    """Version 5: the ``measurements`` table (kept as it was at version 5)."""
    tables.measurements.create(connection)


def _add_watch_state(connection: Connection) -> None:
    """Version 6: the ``watch_state`` table of the watch loop (kept as it was at version 6)."""
    tables.watch_state.create(connection)


def _add_od_jobs(connection: Connection) -> None:
    """Version 7: the ``od_jobs`` table of the API's orbit-determination jobs (kept as at version 7)."""
    tables.od_jobs.create(connection)


UPGRADES: Final[tuple[Upgrade, ...]] = (
    Upgrade(2, "sites and regions", _add_sites_and_regions),
    Upgrade(3, "events", _add_events),
    Upgrade(4, "api tokens, watch lists and alerts", _add_access_and_alerts),
    Upgrade(5, "measurements", _add_measurements),
    Upgrade(6, "watch loop state", _add_watch_state),
    Upgrade(7, "orbit-determination jobs", _add_od_jobs),
)


def newest_version(upgrades: Sequence[Upgrade]) -> int:
    """The version a database has after every step of ``upgrades``."""
    return upgrades[-1].version if upgrades else BASELINE_VERSION


SCHEMA_VERSION: Final = newest_version(UPGRADES)


def migrate(connection: Connection, upgrades: Sequence[Upgrade] = UPGRADES) -> int:
    """Create or upgrade the schema within the connection's open transaction; the version it is at now."""
    lock_for_writing(connection)
    newest = newest_version(upgrades)
    found = stored_version(connection)
    if found is None:
        tables.metadata.create_all(connection)
        _stamp(connection, newest, f"created at version {newest}")
        return newest
    if found > newest:
        raise StoreError(
            f"the catalog database is at schema version {found}, newer than this orbitwatch knows "
            f"(version {newest}); upgrade orbitwatch, or open another database"
        )
    for step in upgrades:
        if step.version > found:
            step.apply(connection)
            _stamp(connection, step.version, step.description)
    return newest


def stored_version(connection: Connection) -> int | None:
    """The database's schema version; None for a database without orbitwatch tables."""
    names = set(inspect(connection).get_table_names())
    if tables.schema_version.name not in names:
        ours = sorted(names & set(tables.metadata.tables))
        if ours:
            raise StoreError(
                f"the database has tables named {', '.join(ours)} but no schema_version table: "
                "it is not an orbitwatch catalog (or was damaged); open another database"
            )
        return None
    version = connection.execute(select(func.max(tables.schema_version.c.version))).scalar_one()
    if version is None:
        raise StoreError("the catalog's schema_version table is empty; the database was damaged")
    return int(version)


def _stamp(connection: Connection, version: int, description: str) -> None:
    connection.execute(insert(tables.schema_version).values(version=version, description=description))
