"""Watch lists: named sets of selections ("DPRK reconnaissance" = owner NKOR and type PAY), their objects."""

from fastapi import APIRouter, Depends, Path, Query, Response

from orbitwatch.services.watchlists import (
    create_watch_list,
    delete_watch_list,
    find_watch_list,
    list_watch_lists,
    watch_list_objects,
)
from orbitwatch.web.auth import authorize
from orbitwatch.web.deps import Now, Store
from orbitwatch.web.params import Paging
from orbitwatch.web.problems import ProblemError, not_found, responses
from orbitwatch.web.routers.objects import page_info
from orbitwatch.web.schemas.catalog import CatalogObject, ObjectPage
from orbitwatch.web.schemas.places import NAME, NewWatchList, WatchListRecord

router = APIRouter(prefix="/watchlists", tags=["watch lists"], dependencies=[Depends(authorize)])
NamePath = Path(
    min_length=1, max_length=100, pattern=NAME, description="The name (case and separators ignored)"
)


@router.get("", summary="List watch lists")
def list_all(store: Store) -> list[WatchListRecord]:
    """Every stored watch list, by name."""
    return [WatchListRecord.of(w) for w in list_watch_lists(store)]


@router.post("", status_code=201, summary="Store a watch list", responses=responses(409, 413))
def create(
    store: Store,
    now: Now,
    new: NewWatchList,
    replace: bool = Query(False, description="Overwrite a stored one of the same name"),
) -> WatchListRecord:
    """Store a watch list; a name already stored is a 409 unless ``replace``."""
    if not replace and find_watch_list(store, new.name) is not None:
        raise ProblemError(
            409, "Conflict", f"a watch list named {new.name!r} is already stored; delete it or replace=true"
        )
    selections = [s.selection() for s in new.selections]
    return WatchListRecord.of(create_watch_list(store, new.name, selections, now_utc=now, replace=replace))


@router.get("/{name}", summary="One watch list", responses=responses(404))
def get_one(store: Store, name: str = NamePath) -> WatchListRecord:
    """The watch list of that name."""
    found = find_watch_list(store, name)
    if found is None:
        raise not_found(f"no stored watch list is named {name!r}")
    return WatchListRecord.of(found)


@router.delete("/{name}", status_code=204, summary="Delete a watch list", responses=responses(404))
def delete(store: Store, name: str = NamePath) -> Response:
    """Delete the watch list of that name."""
    if not delete_watch_list(store, name):
        raise not_found(f"no stored watch list is named {name!r}")
    return Response(status_code=204)


@router.get("/{name}/objects", summary="The objects of a watch list", responses=responses(404))
def objects(store: Store, page: Paging, name: str = NamePath) -> ObjectPage:
    """The objects of any of the watch list's selections, by catalog number."""
    found = find_watch_list(store, name)
    if found is None:
        raise not_found(f"no stored watch list is named {name!r}")
    entries = watch_list_objects(store, found)
    chosen = entries[page.offset : page.offset + page.limit]
    return ObjectPage(
        items=[CatalogObject.of(e) for e in chosen],
        page=page_info(page, len(entries) > page.offset + page.limit),
    )
