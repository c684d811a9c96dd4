"""Reading the alerts the store keeps, with their deliveries (the watch loop records and delivers them)."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from orbitwatch.io.store import CatalogStore
from orbitwatch.io.store.alerts import AlertDelivery, AlertFilter, StoredAlert

__all__ = ["AlertDelivery", "AlertFilter", "AlertWithDeliveries", "StoredAlert", "find_alert", "list_alerts"]


@dataclass(frozen=True, slots=True)
class AlertWithDeliveries:
    """An alert and its deliveries, one per channel."""

    alert: StoredAlert
    deliveries: tuple[AlertDelivery, ...]


def list_alerts(
    store: CatalogStore,
    *,
    kinds: Sequence[str] = (),
    norad_id: int | None = None,
    since_utc: datetime | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[AlertWithDeliveries]:
    """The stored alerts of any of ``kinds`` (all when empty), about ``norad_id``, created at or after
    ``since_utc``; newest first, ``limit`` after skipping ``offset``; each with its deliveries."""
    selected = AlertFilter(
        kinds=tuple(kinds), norad_id=norad_id, since_utc=since_utc, limit=limit, offset=offset
    )
    found = store.alerts(selected)
    deliveries = store.alert_deliveries([a.alert_id for a in found])
    return [AlertWithDeliveries(a, tuple(d for d in deliveries if d.alert_id == a.alert_id)) for a in found]


def find_alert(store: CatalogStore, alert_id: int) -> AlertWithDeliveries | None:
    """The alert of that id with its deliveries, None when there is none."""
    alert = store.alert(alert_id)
    if alert is None:
        return None
    return AlertWithDeliveries(alert, tuple(store.alert_deliveries([alert_id])))
