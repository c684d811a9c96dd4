"""Alerts in the catalog store (schema version 4): their rows, their deliveries, and the statements on them.

An alert is identified by its ``dedupe_key``: recording an alert whose key is already stored changes
nothing, so a watch loop that sees the same finding again never alerts twice. Each alert has one delivery
row per channel (``pending`` until a deliverer marks it ``delivered`` or ``failed``, counting attempts).
A deliverer marks a delivery ``in_flight`` (one more attempt) before it sends, in its own transaction, so a
delivery found ``in_flight`` after a crash is one whose outcome is unknown: it is sent again.
Catalog numbers are kept as ``,N1,N2,`` text so that "alerts about object N" is one LIKE on a bound value.
"""

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from sqlalchemy import Connection, Select, insert, select, update

from orbitwatch.errors import StoreError
from orbitwatch.io.store.queries import ids_in
from orbitwatch.io.store.rows import aware_utc, naive_utc
from orbitwatch.io.store.tables import alert_deliveries, alerts

DELIVERY_STATUSES: Final = ("pending", "in_flight", "delivered", "failed")
UNFINISHED_STATUSES: Final = ("pending", "in_flight")
"""The statuses of a delivery still to be sent: never tried, or tried with an outcome not recorded."""
MAX_PAGE: Final = 10_000


@dataclass(frozen=True, slots=True)
class StoredAlert:
    """An alert as stored: id, kind, dedupe key, creation time (UTC), title, payload and its objects."""

    alert_id: int
    kind: str
    dedupe_key: str
    created_utc: datetime
    title: str
    payload: dict[str, Any]
    norad_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class AlertDelivery:
    """The delivery of one alert on one channel: status (pending, delivered, failed), attempts, last error."""

    alert_id: int
    channel: str
    status: str
    attempts: int
    last_error: str
    updated_utc: datetime


@dataclass(frozen=True, slots=True)
class AlertFilter:
    """Which alerts to read: any of ``kinds`` (all when empty), about ``norad_id`` (any when None), created
    at or after ``since_utc``; ``limit`` rows after skipping ``offset``, newest first."""

    kinds: Sequence[str] = ()
    norad_id: int | None = None
    since_utc: datetime | None = None
    limit: int = 1000
    offset: int = 0


def alert_row(
    kind: str,
    dedupe_key: str,
    title: str,
    payload: Mapping[str, Any],
    norad_ids: Sequence[int],
    created_utc: datetime,
) -> dict[str, Any]:
    """The ``alerts`` row of an alert (without its id); StoreError for text PostgreSQL cannot store."""
    text = json.dumps(dict(payload), sort_keys=True, separators=(",", ":"))
    for what, value in (("kind", kind), ("dedupe key", dedupe_key), ("title", title), ("payload", text)):
        if "\x00" in value or "\\u0000" in value:
            raise StoreError(f"alert {dedupe_key!r}: its {what} contains a NUL character")
    if not kind.strip() or not dedupe_key.strip():
        raise StoreError("an alert needs a kind and a dedupe key that are not blank")
    ids = [int(n) for n in norad_ids]
    return {
        "kind": kind,
        "dedupe_key": dedupe_key,
        "created_utc": naive_utc(created_utc),
        "title": title,
        "payload": text,
        "norad_ids": f",{','.join(map(str, ids))}," if ids else "",
    }


def add_alert(connection: Connection, row: Mapping[str, Any], channels: Sequence[str]) -> StoredAlert | None:
    """Insert the alert and a pending delivery per channel; None (nothing written) when its key is stored."""
    known = select(alerts.c.id).where(alerts.c.dedupe_key == row["dedupe_key"])
    if connection.execute(known).first() is not None:
        return None
    alert_id = int(connection.execute(insert(alerts).values(row).returning(alerts.c.id)).scalar_one())
    deliveries = [
        {
            "alert_id": alert_id,
            "channel": channel,
            "status": "pending",
            "attempts": 0,
            "last_error": "",
            "updated_utc": row["created_utc"],
        }
        for channel in dict.fromkeys(channels)
    ]
    if deliveries:
        connection.execute(insert(alert_deliveries), deliveries)
    return stored_alert({**row, "id": alert_id})


def select_alerts(selected: AlertFilter) -> Select[tuple[Any, ...]]:
    """The alerts of a filter, newest first (then by id, newest first)."""
    query = select(alerts)
    if selected.kinds:
        query = query.where(alerts.c.kind.in_(list(selected.kinds)))
    if selected.norad_id is not None:
        query = query.where(alerts.c.norad_ids.like(f"%,{int(selected.norad_id)},%"))
    if selected.since_utc is not None:
        query = query.where(alerts.c.created_utc >= naive_utc(selected.since_utc))
    order = (alerts.c.created_utc.desc(), alerts.c.id.desc())
    return query.order_by(*order).limit(min(selected.limit, MAX_PAGE)).offset(selected.offset)


def find_alert(connection: Connection, alert_id: int) -> StoredAlert | None:
    """The alert of that id, None when there is none."""
    row = connection.execute(select(alerts).where(alerts.c.id == int(alert_id))).mappings().one_or_none()
    return stored_alert(row) if row is not None else None


def deliveries_of(connection: Connection, alert_ids: Sequence[int]) -> list[AlertDelivery]:
    """The deliveries of these alerts, by alert and channel."""
    if not alert_ids:
        return []
    query = (
        select(alert_deliveries)
        .where(ids_in(alert_deliveries.c.alert_id, alert_ids))
        .order_by(alert_deliveries.c.alert_id, alert_deliveries.c.channel)
    )
    return [_delivery(row) for row in connection.execute(query).mappings()]


def pending_deliveries(connection: Connection, channel: str, limit: int) -> list[AlertDelivery]:
    """The pending deliveries of a channel, oldest alert first, at most ``limit``."""
    query = (
        select(alert_deliveries)
        .where(alert_deliveries.c.channel == channel, alert_deliveries.c.status == "pending")
        .order_by(alert_deliveries.c.alert_id)
        .limit(min(limit, MAX_PAGE))
    )
    return [_delivery(row) for row in connection.execute(query).mappings()]


def mark_delivery(
    connection: Connection, alert_id: int, channel: str, status: str, error: str, updated_utc: datetime
) -> bool:
    """Set a delivery's status (one more attempt) and last error; True when there was such a delivery."""
    if status not in DELIVERY_STATUSES:
        raise StoreError(f"delivery status {status!r} is not one of {', '.join(DELIVERY_STATUSES)}")
    d = alert_deliveries
    result = connection.execute(
        update(d)
        .where(d.c.alert_id == int(alert_id), d.c.channel == channel)
        .values(
            status=status, attempts=d.c.attempts + 1, last_error=error, updated_utc=naive_utc(updated_utc)
        )
    )
    return bool(result.rowcount)


def unfinished_deliveries(connection: Connection, channel: str, limit: int) -> list[AlertDelivery]:
    """The deliveries of a channel still to be sent (pending or in flight), oldest alert first."""
    d = alert_deliveries
    query = (
        select(d)
        .where(d.c.channel == channel, d.c.status.in_(list(UNFINISHED_STATUSES)))
        .order_by(d.c.alert_id)
        .limit(min(limit, MAX_PAGE))
    )
    return [_delivery(row) for row in connection.execute(query).mappings()]


def begin_attempt(connection: Connection, alert_id: int, channel: str, updated_utc: datetime) -> int | None:
    """Mark an unfinished delivery ``in_flight`` with one more attempt; the attempt's number, or None when
    the delivery is finished (delivered or failed) or there is none."""
    d = alert_deliveries
    mine = (d.c.alert_id == int(alert_id), d.c.channel == channel)
    result = connection.execute(
        update(d)
        .where(*mine, d.c.status.in_(list(UNFINISHED_STATUSES)))
        .values(status="in_flight", attempts=d.c.attempts + 1, updated_utc=naive_utc(updated_utc))
    )
    if not result.rowcount:
        return None
    return int(connection.execute(select(d.c.attempts).where(*mine)).scalar_one())


def end_attempt(
    connection: Connection, alert_id: int, channel: str, status: str, error: str, updated_utc: datetime
) -> bool:
    """Record the outcome of the attempt in flight (``delivered``, ``failed``, or ``in_flight`` with the
    error of an attempt to be repeated) without counting another; True when the delivery was in flight."""
    if status not in DELIVERY_STATUSES:
        raise StoreError(f"delivery status {status!r} is not one of {', '.join(DELIVERY_STATUSES)}")
    d = alert_deliveries
    result = connection.execute(
        update(d)
        .where(d.c.alert_id == int(alert_id), d.c.channel == channel, d.c.status == "in_flight")
        .values(status=status, last_error=error, updated_utc=naive_utc(updated_utc))
    )
    return bool(result.rowcount)


def stored_alert(row: Mapping[Any, Any]) -> StoredAlert:
    """The alert of an ``alerts`` row."""
    ids = tuple(int(n) for n in row["norad_ids"].strip(",").split(",") if n)
    return StoredAlert(
        int(row["id"]),
        row["kind"],
        row["dedupe_key"],
        aware_utc(row["created_utc"]),
        row["title"],
        json.loads(row["payload"]),
        ids,
    )


def _delivery(row: Mapping[Any, Any]) -> AlertDelivery:
    return AlertDelivery(
        int(row["alert_id"]),
        row["channel"],
        row["status"],
        int(row["attempts"]),
        row["last_error"],
        aware_utc(row["updated_utc"]),
    )
