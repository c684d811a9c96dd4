"""Reading the catalog events the store keeps (launches, decays, manoeuvres ...), by kind, object and time."""

from collections.abc import Sequence
from datetime import datetime

from orbitwatch.core.changes import EVENT_KINDS
from orbitwatch.errors import OrbitwatchError
from orbitwatch.io.store import CatalogStore, EventFilter, StoredEvent

__all__ = ["EVENT_KINDS", "EventFilter", "StoredEvent", "list_events"]


def list_events(
    store: CatalogStore,
    *,
    kinds: Sequence[str] = (),
    norad_ids: Sequence[int] | None = None,
    since_utc: datetime | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[StoredEvent]:
    """The stored events of any of ``kinds`` (all when empty), of any of ``norad_ids``, whose later
    bracketing epoch is at or after ``since_utc``; latest first, ``limit`` after skipping ``offset``."""
    unknown = sorted(set(kinds) - set(EVENT_KINDS))
    if unknown:
        raise OrbitwatchError(f"event kind {unknown[0]!r} is not one of {', '.join(EVENT_KINDS)}")
    selected = EventFilter(
        kinds=tuple(kinds), norad_ids=norad_ids, since_utc=since_utc, limit=limit, offset=offset
    )
    return store.events(selected)
