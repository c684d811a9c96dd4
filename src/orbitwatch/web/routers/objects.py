"""Objects of the catalog and their element history."""

from fastapi import APIRouter, Depends, Path

from orbitwatch.core.elements.model import MAX_NORAD_ID
from orbitwatch.services.catalog import CatalogEntry, Selection, list_catalog
from orbitwatch.services.watchlists import find_watch_list, watch_list_objects
from orbitwatch.web.auth import authorize
from orbitwatch.web.deps import Store
from orbitwatch.web.params import ObjectQuery, Objects, Page, Paging
from orbitwatch.web.problems import not_found, responses
from orbitwatch.web.schemas.catalog import CatalogObject, ElementSetRecord, HistoryPage, ObjectPage, PageInfo

router = APIRouter(prefix="/objects", tags=["objects"], dependencies=[Depends(authorize)])
NoradPath = Path(ge=1, le=MAX_NORAD_ID, description="Catalog number")


def page_info(page: Page, more: bool) -> PageInfo:
    """Where a page is, and the offset of the next one when there are more items."""
    return PageInfo(
        limit=page.limit, offset=page.offset, next_offset=page.offset + page.limit if more else None
    )


def selected_entries(store: Store, objects: ObjectQuery, upto: int | None) -> list[CatalogEntry]:
    """The entries of the query's selection and of its watch list (at least ``upto`` of them when only the
    selection is asked for); 404 for an unknown watch list."""
    if objects.watch_list is None:
        return list_catalog(store, objects.selection, limit=upto)
    watch_list = find_watch_list(store, objects.watch_list)
    if watch_list is None:
        raise not_found(f"no stored watch list is named {objects.watch_list!r}")
    found = {e.norad_id: e for e in watch_list_objects(store, watch_list)}
    if not objects.selection.is_empty():
        found.update((e.norad_id, e) for e in list_catalog(store, objects.selection))
    return [found[n] for n in sorted(found)]


@router.get("", summary="List objects", responses=responses(404))
def list_objects(store: Store, objects: Objects, page: Paging) -> ObjectPage:
    """Objects by catalog number: those of the selection (every filter narrows), and of the watch list."""
    entries = selected_entries(store, objects, page.offset + page.limit + 1)
    chosen = entries[page.offset : page.offset + page.limit]
    more = len(entries) > page.offset + page.limit
    return ObjectPage(items=[CatalogObject.of(e) for e in chosen], page=page_info(page, more))


@router.get("/{norad_id}", summary="One object", responses=responses(404))
def get_object(store: Store, norad_id: int = NoradPath) -> CatalogObject:
    """An object's identity, metadata, latest epoch and groups."""
    found = list_catalog(store, Selection(norad_ids=(norad_id,)))
    if not found:
        raise not_found(f"object {norad_id} is not in the catalog")
    return CatalogObject.of(found[0])


@router.get("/{norad_id}/history", summary="An object's element history", responses=responses(404))
def get_history(store: Store, page: Paging, norad_id: int = NoradPath) -> HistoryPage:
    """Every stored element set of an object, oldest epoch first, a page at a time."""
    if not list_catalog(store, Selection(norad_ids=(norad_id,))):
        raise not_found(f"object {norad_id} is not in the catalog")
    history = store.history(norad_id)
    chosen = history[page.offset : page.offset + page.limit]
    return HistoryPage(
        norad_id=norad_id,
        items=[ElementSetRecord.of(s) for s in chosen],
        total=len(history),
        page=page_info(page, len(history) > page.offset + page.limit),
    )
