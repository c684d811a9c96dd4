"""Sites and regions kept in the store: list, create, read, delete."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Response
from starlette.concurrency import run_in_threadpool

from orbitwatch.core.targets import Site, region_from_geojson
from orbitwatch.web.auth import authorize
from orbitwatch.web.deps import Now, Store
from orbitwatch.web.limits import MAX_REGION_POSITIONS, check_count
from orbitwatch.web.problems import ProblemError, not_found, responses
from orbitwatch.web.schemas.places import NAME, NewRegion, NewSite, RegionRecord, SiteRecord

router = APIRouter(tags=["places"], dependencies=[Depends(authorize)])
SOURCE = "added through the API"
NamePath = Path(
    min_length=1, max_length=100, pattern=NAME, description="The name (case and separators ignored)"
)
Replace = Annotated[bool, Query(description="Overwrite a stored one of the same name")]


def _taken(kind: str, name: str) -> ProblemError:
    return ProblemError(
        409, "Conflict", f"a {kind} named {name!r} is already stored; delete it or replace=true"
    )


@router.get("/sites", summary="List stored sites")
def list_sites(store: Store) -> list[SiteRecord]:
    """Every stored site, by name (gazetteer places and inline sites need none)."""
    return [SiteRecord.of(s) for s in store.sites()]


@router.post("/sites", status_code=201, summary="Store a site", responses=responses(409, 413))
def create_site(store: Store, now: Now, new: NewSite, replace: Replace = False) -> SiteRecord:
    """Store a site; a name already stored is a 409 unless ``replace``."""
    site = Site(new.name, new.lat_deg, new.lon_deg, new.alt_m, source=SOURCE)
    if not replace and store.site(site.name) is not None:
        raise _taken("site", site.name)
    store.add_site(site, created_utc=now, replace=replace)
    return SiteRecord.of(site)


@router.get("/sites/{name}", summary="One stored site", responses=responses(404))
def get_site(store: Store, name: str = NamePath) -> SiteRecord:
    """The stored site of that name."""
    site = store.site(name)
    if site is None:
        raise not_found(f"no stored site is named {name!r}")
    return SiteRecord.of(site)


@router.delete("/sites/{name}", status_code=204, summary="Delete a stored site", responses=responses(404))
def delete_site(store: Store, name: str = NamePath) -> Response:
    """Delete the stored site of that name."""
    if not store.delete_site(name):
        raise not_found(f"no stored site is named {name!r}")
    return Response(status_code=204)


@router.get("/regions", summary="List stored regions")
def list_regions(store: Store) -> list[RegionRecord]:
    """Every stored region, by name (bundled regions need none)."""
    return [RegionRecord.of(r) for r in store.regions()]


@router.post("/regions", status_code=201, summary="Store a region", responses=responses(409, 413))
async def create_region(store: Store, now: Now, new: NewRegion, replace: Replace = False) -> RegionRecord:
    """Store a region from GeoJSON (at most ``MAX_REGION_POSITIONS`` positions); a name already stored is a
    409 unless ``replace``."""
    check_count("MAX_REGION_POSITIONS", _positions(new.geojson), MAX_REGION_POSITIONS, "positions")
    return await run_in_threadpool(_store_region, store, now, new, replace)


def _store_region(store: Store, now: Now, new: NewRegion, replace: bool) -> RegionRecord:
    region = region_from_geojson(new.geojson, name=new.name, source=SOURCE)
    if not replace and store.region(region.name) is not None:
        raise _taken("region", region.name)
    store.add_region(region, created_utc=now, replace=replace)
    return RegionRecord.of(region)


@router.get("/regions/{name}", summary="One stored region", responses=responses(404))
def get_region(store: Store, name: str = NamePath) -> RegionRecord:
    """The stored region of that name."""
    region = store.region(name)
    if region is None:
        raise not_found(f"no stored region is named {name!r}")
    return RegionRecord.of(region)


@router.delete("/regions/{name}", status_code=204, summary="Delete a stored region", responses=responses(404))
def delete_region(store: Store, name: str = NamePath) -> Response:
    """Delete the stored region of that name."""
    if not store.delete_region(name):
        raise not_found(f"no stored region is named {name!r}")
    return Response(status_code=204)


def _positions(value: Any, depth: int = 0) -> int:
    """How many positions (lists of numbers) a JSON value holds, counting deep nesting as over the bound."""
    if depth > 12:
        return MAX_REGION_POSITIONS + 1
    if isinstance(value, dict):
        return sum(_positions(v, depth + 1) for v in value.values())
    if isinstance(value, list):
        if value and all(isinstance(v, int | float) for v in value):
            return 1
        return sum(_positions(v, depth + 1) for v in value)
    return 0
