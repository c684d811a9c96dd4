"""Alerts kept in the store (the watch loop records them), with their deliveries."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query

from orbitwatch.core.elements.model import MAX_NORAD_ID
from orbitwatch.services.alerts import find_alert, list_alerts
from orbitwatch.web.auth import authorize
from orbitwatch.web.deps import Now, Store
from orbitwatch.web.params import MAX_TEXT, PRINTABLE, Paging, check_texts, parse_instant
from orbitwatch.web.problems import not_found, responses
from orbitwatch.web.routers.objects import page_info
from orbitwatch.web.schemas.events import AlertPage, AlertRecord

router = APIRouter(prefix="/alerts", tags=["alerts"], dependencies=[Depends(authorize)])

MAX_ALERT_ID = 2**62


@router.get("", summary="List alerts")
def get_alerts(
    store: Store,
    now: Now,
    page: Paging,
    kinds: Annotated[list[str], Query(alias="kind", max_length=50, description="Any of these kinds")] = [],  # noqa: B006
    norad: Annotated[int | None, Query(ge=1, le=MAX_NORAD_ID, description="About this object")] = None,
    since: Annotated[
        str | None,
        Query(min_length=1, max_length=MAX_TEXT, pattern=PRINTABLE, description="ISO 8601: created since"),
    ] = None,
) -> AlertPage:
    """Stored alerts, newest first: of any of the kinds, about an object, created since a time."""
    check_texts("query.kind", kinds)
    since_utc = parse_instant(since, "query.since", now) if since is not None else None
    found = list_alerts(
        store,
        kinds=kinds,
        norad_id=norad,
        since_utc=since_utc,
        limit=page.limit + 1,
        offset=page.offset,
    )
    items = [AlertRecord.of(a) for a in found[: page.limit]]
    return AlertPage(items=items, page=page_info(page, len(found) > page.limit))


@router.get("/{alert_id}", summary="One alert", responses=responses(404))
def get_alert(store: Store, alert_id: Annotated[int, Path(ge=1, le=MAX_ALERT_ID)]) -> AlertRecord:
    """An alert and its deliveries."""
    found = find_alert(store, alert_id)
    if found is None:
        raise not_found(f"no alert has the id {alert_id}")
    return AlertRecord.of(found)
