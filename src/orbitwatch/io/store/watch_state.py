"""The watch loop's state in the store (schema version 6), and the catalog as it was after an ingest.

``watch_state`` keeps small JSON values by name: a watch's change-detection cursor (the last ingest its
comparison covered), its event high-water mark, each source's health. The catalog "through an ingest" is
the catalog as the store held it right after that ingest was written (ingests are numbered in the order
written): each group's members by its newest ingest among those, each object with its newest element
set among those. Unlike the catalog at a time (``CatalogStore.state_at``, by ``retrieved_utc``), it does
not move when a file whose contents are older than what is held is ingested later.
"""

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from orbitwatch.core.elements.model import ElementSet
from orbitwatch.errors import StoreError
from orbitwatch.io.store import events as stored_events
from orbitwatch.io.store import queries, rows
from orbitwatch.io.store.tables import events, ingests, watch_state

MAX_VALUE_CHARS = 1_000_000


def read_value(connection: Connection, name: str) -> Any:
    """The JSON value kept under ``name``; None when there is none."""
    text = connection.execute(select(watch_state.c.value).where(watch_state.c.name == name)).scalar()
    return None if text is None else json.loads(text)


def write_value(connection: Connection, name: str, value: Any, updated_utc: datetime) -> None:
    """Keep ``value`` (JSON) under ``name``, replacing what was there."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"))
    if "\x00" in name or "\\u0000" in text or len(text) > MAX_VALUE_CHARS or not name.strip():
        raise StoreError(f"watch state {name!r}: a blank name, a NUL character, or a value too long")
    at = rows.naive_utc(updated_utc)
    known = select(watch_state.c.name).where(watch_state.c.name == name)
    if connection.execute(known).first() is None:
        connection.execute(insert(watch_state).values(name=name, value=text, updated_utc=at))
    else:
        connection.execute(
            update(watch_state).where(watch_state.c.name == name).values(value=text, updated_utc=at)
        )


def values_under(connection: Connection, prefix: str) -> Mapping[str, Any]:
    """Every value whose name starts with ``prefix``, by name."""
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    query = select(watch_state.c.name, watch_state.c.value).where(
        watch_state.c.name.like(f"{escaped}%", escape="\\")
    )
    return {row.name: json.loads(row.value) for row in connection.execute(query)}


def latest_ingest_id(connection: Connection) -> int | None:
    """The id of the newest ingest written; None for an empty store."""
    found = connection.execute(select(func.max(ingests.c.id))).scalar()
    return None if found is None else int(found)


def state_through(
    connection: Connection, ingest_id: int
) -> tuple[dict[str, list[ElementSet]], datetime | None]:
    """The catalog through the ingest ``ingest_id`` (each group's element sets), and the newest
    ``retrieved_utc`` of the group ingests among those (None when there is none)."""
    members = [
        (row.group_name, int(row.norad_id))
        for row in connection.execute(queries.memberships_at(None, through_ingest_id=ingest_id))
    ]
    ids = sorted({norad_id for _, norad_id in members})
    latest: dict[int, ElementSet] = {}
    if ids:
        query = queries.latest_elements(None, ids, (), through_ingest_id=ingest_id)
        latest = {e.norad_id: e for e in map(rows.element_from_row, connection.execute(query).mappings())}
    groups: dict[str, list[ElementSet]] = {}
    for group, norad_id in members:
        if norad_id in latest:
            groups.setdefault(group, []).append(latest[norad_id])
    newest = connection.execute(
        select(func.max(ingests.c.retrieved_utc)).where(ingests.c.id <= ingest_id, ingests.c.group_name != "")
    ).scalar()
    return groups, None if newest is None else rows.aware_utc(newest)


def latest_event_id(connection: Connection) -> int:
    """The id of the newest stored event; 0 when there is none."""
    return int(connection.execute(select(func.max(events.c.id))).scalar() or 0)


def events_after(connection: Connection, event_id: int, limit: int) -> list[stored_events.StoredEvent]:
    """The stored events whose id is above ``event_id``, in the order stored, at most ``limit``."""
    query = select(events).where(events.c.id > int(event_id)).order_by(events.c.id).limit(limit)
    found = list(connection.execute(query).mappings())
    objects = stored_events.objects_of(connection, [int(row["id"]) for row in found])
    return [stored_events.stored_event(row, objects.get(int(row["id"]), [])) for row in found]
