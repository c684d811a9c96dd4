"""Catalog events (launches, decays, manoeuvres ...) kept in the store, filtered and a page at a time."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from orbitwatch.services.events import EVENT_KINDS, list_events
from orbitwatch.web.auth import authorize
from orbitwatch.web.deps import Now, Store
from orbitwatch.web.limits import MAX_OBJECTS
from orbitwatch.web.params import MAX_TEXT, PRINTABLE, Paging, parse_instant
from orbitwatch.web.routers.objects import page_info
from orbitwatch.web.schemas.events import EventPage, EventRecord

router = APIRouter(prefix="/events", tags=["events"], dependencies=[Depends(authorize)])

Kinds = Annotated[
    list[str],
    Query(alias="kind", max_length=len(EVENT_KINDS), description=f"Any of: {', '.join(EVENT_KINDS)}"),
]
Norads = Annotated[
    list[int], Query(alias="norad", max_length=MAX_OBJECTS, description="About any of these objects")
]
Since = Annotated[
    str | None,
    Query(min_length=1, max_length=MAX_TEXT, pattern=PRINTABLE,
          description="ISO 8601: events whose later bracketing epoch is at or after this"),
]  # fmt: skip


@router.get("", summary="List events")
def get_events(
    store: Store,
    now: Now,
    page: Paging,
    kinds: Kinds = [],  # noqa: B006 (FastAPI copies defaults)
    norads: Norads = [],  # noqa: B006
    since: Since = None,
) -> EventPage:
    """Stored events, latest first: of any of the kinds, about any of the objects, since a time."""
    since_utc = parse_instant(since, "query.since", now) if since is not None else None
    found = list_events(
        store,
        kinds=kinds,
        norad_ids=norads or None,
        since_utc=since_utc,
        limit=page.limit + 1,
        offset=page.offset,
    )
    items = [EventRecord.of(e) for e in found[: page.limit]]
    return EventPage(items=items, page=page_info(page, len(found) > page.limit))
