"""Events in the store: rows from :class:`~orbitwatch.core.changes.ChangeEvent` and back, and their queries.

An event is identified by its fingerprint: the SHA-256 of its kind, its objects, its launch and the
epochs that bracket it. Storing an event whose fingerprint is already there changes nothing, so running
a detector again over the same data never gives the same event twice.
"""

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from sqlalchemy import Connection, Select, func, select

from orbitwatch.core.changes import ChangeEvent
from orbitwatch.core.changes.diff import Figure
from orbitwatch.io.store.queries import ids_in
from orbitwatch.io.store.rows import aware_utc, naive_utc
from orbitwatch.io.store.tables import event_objects, events

MAX_PAGE: Final = 10_000


@dataclass(frozen=True, slots=True)
class StoredEvent:
    """An event as the store keeps it: its id, the event, when it was detected (UTC) and by what."""

    event_id: int
    event: ChangeEvent
    detected_utc: datetime
    detector: str


@dataclass(frozen=True, slots=True)
class EventFilter:
    """Which events to read: any of ``kinds`` (all when empty), of any of ``norad_ids`` (all when None),
    whose later bracketing epoch is at or after ``since_utc``; ``limit`` rows after skipping ``offset``."""

    kinds: Sequence[str] = ()
    norad_ids: Sequence[int] | None = None
    since_utc: datetime | None = None
    limit: int = 1000
    offset: int = 0


def fingerprint(event: ChangeEvent) -> str:
    """The SHA-256 (hex) of what identifies an event: kind, objects, launch and bracketing epochs."""
    identity = [
        event.kind,
        sorted(event.norad_ids),
        event.launch_id,
        event.epoch_before.isoformat() if event.epoch_before else None,
        event.epoch_after.isoformat() if event.epoch_after else None,
    ]
    return hashlib.sha256(json.dumps(identity).encode()).hexdigest()


def event_row(event: ChangeEvent, detected_utc: datetime, detector: str) -> dict[str, Any]:
    """The ``events`` row of an event (without its id)."""
    return {
        "kind": event.kind,
        "launch_id": event.launch_id,
        "epoch_before": naive_utc(event.epoch_before) if event.epoch_before else None,
        "epoch_after": naive_utc(event.epoch_after) if event.epoch_after else None,
        "details": json.dumps(dict(event.details), sort_keys=True),
        "fingerprint": fingerprint(event),
        "detected_utc": naive_utc(detected_utc),
        "detector": detector,
    }


def object_rows(event_id: int, event: ChangeEvent) -> list[dict[str, Any]]:
    """The ``event_objects`` rows of an event, in the event's order of objects."""
    return [{"event_id": event_id, "norad_id": n, "seq": i} for i, n in enumerate(event.norad_ids)]


def stored_event(row: Mapping[Any, Any], norad_ids: Sequence[int]) -> StoredEvent:
    """The event of an ``events`` row and its objects."""
    details = {key: _figure(value) for key, value in json.loads(row["details"]).items()}
    event = ChangeEvent(
        kind=row["kind"],
        norad_ids=tuple(norad_ids),
        launch_id=row["launch_id"],
        epoch_before=aware_utc(row["epoch_before"]) if row["epoch_before"] else None,
        epoch_after=aware_utc(row["epoch_after"]) if row["epoch_after"] else None,
        details=details,
    )
    return StoredEvent(int(row["id"]), event, aware_utc(row["detected_utc"]), row["detector"])


def _figure(value: Any) -> Figure:
    return tuple(value) if isinstance(value, list) else value


def select_events(selected: EventFilter) -> Select[tuple[Any, ...]]:
    """The events of a filter, newest bracketing epoch first, then by id."""
    query = select(events)
    if selected.kinds:
        query = query.where(events.c.kind.in_(list(selected.kinds)))
    if selected.norad_ids is not None:
        of_objects = select(event_objects.c.event_id).where(
            ids_in(event_objects.c.norad_id, selected.norad_ids)
        )
        query = query.where(events.c.id.in_(of_objects))
    if selected.since_utc is not None:
        query = query.where(events.c.epoch_after >= naive_utc(selected.since_utc))
    order = (events.c.epoch_after.desc().nulls_last(), events.c.id.desc())
    return query.order_by(*order).limit(min(selected.limit, MAX_PAGE)).offset(selected.offset)


def objects_of(connection: Connection, event_ids: Sequence[int]) -> dict[int, list[int]]:
    """Event id -> its catalog numbers in order."""
    if not event_ids:
        return {}
    query = (
        select(event_objects.c.event_id, event_objects.c.norad_id)
        .where(ids_in(event_objects.c.event_id, event_ids))
        .order_by(event_objects.c.event_id, event_objects.c.seq)
    )
    found: dict[int, list[int]] = {}
    for row in connection.execute(query):
        found.setdefault(int(row.event_id), []).append(int(row.norad_id))
    return found


def known_fingerprints(connection: Connection, fingerprints: Sequence[str]) -> set[str]:
    """Those of the fingerprints already stored."""
    found: set[str] = set()
    for start in range(0, len(fingerprints), 500):
        chunk = list(fingerprints[start : start + 500])
        found.update(
            connection.execute(select(events.c.fingerprint).where(events.c.fingerprint.in_(chunk))).scalars()
        )
    return found


def count_events(connection: Connection) -> int:
    """How many events the store holds."""
    return int(connection.execute(select(func.count()).select_from(events)).scalar_one())
