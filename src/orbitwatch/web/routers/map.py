"""The dashboard's map data: the bundled land, the sites' and regions' outlines, and the selected
satellites at an instant with their ground tracks and footprints.

The land is public (Natural Earth, public domain; no catalog data); the rest reads the catalog like every
other read. Satellites on the map are bounded (``MAX_MAP_SATELLITES``) and computed in one of the server's
bounded child processes, as passes and opportunities are.
"""

import functools
import hashlib
from typing import Annotated, Final, Literal

from fastapi import APIRouter, Depends, Query, Request, Response

from orbitwatch.services.map_data import MAX_TRACK_ORBITS, land_geojson, map_regions, map_snapshot
from orbitwatch.web.auth import authorize
from orbitwatch.web.deps import Compute, Now, Store
from orbitwatch.web.jobs import resolve_job
from orbitwatch.web.limits import check_count
from orbitwatch.web.params import Objects
from orbitwatch.web.routers.overflights import OffNadir, Start
from orbitwatch.web.schemas.map import MapSatellites
from orbitwatch.web.schemas.places import RegionRecord

MAX_MAP_SATELLITES: Final = 500
"""The most satellites on one map (each brings a track of about 240 points and a footprint ring)."""
LAND_MAX_AGE_S: Final = 86400
GEOJSON: Final = "application/geo+json"

router = APIRouter(prefix="/map", tags=["map"])


@functools.cache
def _etag(scale: str) -> str:
    return '"' + hashlib.sha256(land_geojson(scale)).hexdigest()[:32] + '"'


@router.get(
    "/land",
    summary="Land outlines (Natural Earth)",
    response_class=Response,
    responses={200: {"content": {GEOJSON: {}}, "description": "A FeatureCollection of land polygons"}},
)
def land(
    request: Request,
    scale: Annotated[
        Literal["110m", "50m"], Query(description="Natural Earth scale: 1:110m or 1:50m")
    ] = "110m",
) -> Response:
    """The bundled Natural Earth land polygons as GeoJSON (public; cached by clients for a day)."""
    etag = _etag(scale)
    headers = {"Cache-Control": f"public, max-age={LAND_MAX_AGE_S}", "ETag": etag}
    if etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    return Response(land_geojson(scale), media_type=GEOJSON, headers=headers)


@router.get("/regions", summary="Regions to draw", dependencies=[Depends(authorize)])
def regions(store: Store) -> list[RegionRecord]:
    """The stored regions, then the bundled ones (``orbitwatch overflights --region NAME`` takes both)."""
    return [RegionRecord.of(r) for r in map_regions(store)]


@router.get(
    "/satellites",
    summary="Satellites, tracks and footprints at an instant",
    dependencies=[Depends(authorize)],
)
def satellites(
    store: Store,
    computations: Compute,
    now: Now,
    objects: Objects,
    start: Start = "now",
    orbits: Annotated[
        float, Query(ge=0.0, le=MAX_TRACK_ORBITS, description="Track length either side, in orbits")
    ] = 1.0,
    footprint: Annotated[
        Literal["imaging", "visibility", "none"],
        Query(description="imaging: the field of regard; visibility: above min_elevation; none"),
    ] = "imaging",
    max_off_nadir: OffNadir = 30.0,
    min_elevation: Annotated[float, Query(ge=0.0, lt=90.0, description="Visibility footprint, deg")] = 10.0,
) -> MapSatellites:
    """The selected satellites (newest element set of each, at most ``MAX_MAP_SATELLITES``) at ``start``
    (``now``, ``epoch``: their newest epoch, or ISO 8601): sub-satellite points, ground tracks ``orbits``
    periods either side, and footprints."""
    job = resolve_job(store, objects, start, 1.0, now)
    check_count("MAX_MAP_SATELLITES", len(job.elements), MAX_MAP_SATELLITES, "satellites")
    compute = functools.partial(
        map_snapshot,
        orbits=orbits,
        footprint=footprint,
        max_off_nadir_deg=max_off_nadir,
        min_elevation_deg=min_elevation,
    )
    snapshot = computations.run(compute, job.elements, job.window.start_utc)
    return MapSatellites.of(snapshot, orbits)
