"""Exports for analysts' tools: maps (CZML, KML, GeoJSON) and opportunity windows (CSV, iCalendar) as files.

The same query as ``/overflights`` (sites, regions, the selection, a watch list, the window and the sensor)
plus the map's options; the answer is the file, with its media type and a ``Content-Disposition`` naming
it. The whole export -- the opportunity search, the satellites' paths and the text -- runs as one bounded
computation (:mod:`orbitwatch.web.compute`), and the text is the services' own
(:mod:`orbitwatch.services.exports`, which the CLI's ``export`` writes to a file).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Final, Literal

from fastapi import APIRouter, Depends, Path, Query, Response

from orbitwatch.core.elements.model import ElementSet
from orbitwatch.core.targets import Region, Site
from orbitwatch.errors import OrbitwatchError
from orbitwatch.services.exports import (
    DEFAULT_STEP_S,
    WINDOW_FORMATS,
    FootprintChoice,
    FootprintSpec,
    map_scene,
    map_text,
    windows_text,
)
from orbitwatch.services.overflights import SensorModel, TimeWindow, UncertaintyModels
from orbitwatch.web.auth import authorize
from orbitwatch.web.compute import opportunities_job
from orbitwatch.web.deps import Compute, Now, Store
from orbitwatch.web.jobs import resolve_job, resolve_targets, sensor_model
from orbitwatch.web.params import Objects
from orbitwatch.web.problems import responses
from orbitwatch.web.routers.overflights import (
    Hours,
    OffNadir,
    PadSigma,
    Regions,
    Sar,
    Sites,
    Start,
    SunElevation,
)

router = APIRouter(tags=["exports"], dependencies=[Depends(authorize)])

ExportFormat = Literal["czml", "kml", "geojson", "csv", "ical"]

MEDIA_TYPES: Final[dict[str, str]] = {
    "czml": "application/json",
    "kml": "application/vnd.google-earth.kml+xml",
    "geojson": "application/geo+json",
    "csv": "text/csv; charset=utf-8",
    "ical": "text/calendar; charset=utf-8",
}
EXTENSIONS: Final[dict[str, str]] = {
    "czml": "czml", "kml": "kml", "geojson": "geojson", "csv": "csv", "ical": "ics",
}  # fmt: skip
MIN_STEP_S: Final = 10.0
MAX_STEP_S: Final = 3600.0
MIN_FOOTPRINT_EVERY_MIN: Final = 1.0
MAX_FOOTPRINT_EVERY_MIN: Final = 7 * 24 * 60.0

FootprintEvery = Annotated[
    float | None,
    Query(
        ge=MIN_FOOTPRINT_EVERY_MIN,
        le=MAX_FOOTPRINT_EVERY_MIN,
        description="Maps: a footprint every this many minutes (default: one at the start of the window)",
    ),
]


@dataclass(frozen=True, slots=True)
class MapOptions:
    """How a map draws the satellites: path sample step (s) and footprints."""

    step_s: float
    footprints: FootprintSpec


def export_job(
    fmt: str, elements: Sequence[ElementSet], targets: Sequence[Site | Region], sensor: SensorModel,
    window: TimeWindow, models: UncertaintyModels, pad_sigma: float, options: MapOptions,
) -> str:  # fmt: skip
    """The export's text: with targets, their opportunities (history error bars, padded by ``pad_sigma``
    sigmas) as windows (csv, ical) or drawn on the map (czml, kml, geojson); without, the map alone."""
    if fmt in WINDOW_FORMATS and not targets:
        raise OrbitwatchError(f"the {fmt} export lists opportunity windows: give a site or a region")
    report = opportunities_job(elements, targets, sensor, window, models, pad_sigma) if targets else None
    if fmt in WINDOW_FORMATS:
        assert report is not None
        return windows_text(report, sensor, fmt, created_utc=window.start_utc)
    start = window.start_utc.strftime("%Y-%m-%dT%H:%M:%SZ")
    scene, _ = map_scene(
        elements,
        window,
        title=f"orbitwatch {start} + {window.duration_s / 3600:g} h ({sensor.name})",
        step_s=options.step_s,
        targets=targets,
        sensor=sensor,
        report=report,
        footprints=options.footprints,
    )
    return map_text(scene, fmt)


@router.get(
    "/exports/{format}",
    summary="Maps and opportunity windows as files (CZML, KML, GeoJSON, CSV, iCalendar)",
    response_class=Response,
    responses={
        200: {
            "description": "The file, with Content-Disposition: attachment",
            "content": {media_type.split(";")[0]: {} for media_type in MEDIA_TYPES.values()},
        },
        **responses(404),
    },
)
def export(
    store: Store,
    computations: Compute,
    now: Now,
    objects: Objects,
    fmt: Annotated[
        ExportFormat, Path(alias="format", description="czml, kml, geojson (maps); csv, ical (windows)")
    ],
    sites: Sites = [],  # noqa: B006 (FastAPI copies defaults)
    regions: Regions = [],  # noqa: B006
    start: Start = "now",
    hours: Hours = 24.0,
    max_off_nadir: OffNadir = 30.0,
    min_sun_elevation: SunElevation = None,
    sar: Sar = False,
    pad_sigma: PadSigma = 0.0,
    step_s: Annotated[
        float, Query(ge=MIN_STEP_S, le=MAX_STEP_S, description="Maps: seconds between path samples")
    ] = DEFAULT_STEP_S,
    footprints: Annotated[
        FootprintChoice, Query(description="Maps: imaging or visibility footprints along the tracks, or none")
    ] = "imaging",
    footprint_every: FootprintEvery = None,
    min_elevation: Annotated[
        float, Query(ge=0.0, lt=90.0, description="Visibility footprints: elevation mask, deg")
    ] = 10.0,
) -> Response:
    """The selected satellites' paths, footprints, the targets and their opportunity windows as a map
    (czml, kml, geojson), or the opportunity windows alone (csv, ical: a site or a region is needed)."""
    sensor = sensor_model(max_off_nadir, min_sun_elevation, sar)
    targets = resolve_targets(store, sites, regions)
    if fmt in WINDOW_FORMATS and not targets:
        raise OrbitwatchError(f"the {fmt} export lists opportunity windows: give a site or a region")
    every_s = None if footprint_every is None else footprint_every * 60.0
    options = MapOptions(step_s, FootprintSpec(footprints, every_s, min_elevation))
    job = resolve_job(store, objects, start, hours, now)
    text = computations.run(
        export_job, fmt, job.elements, targets, sensor, job.window, job.models, pad_sigma, options
    )
    name = f"orbitwatch-{job.window.start_utc:%Y%m%dT%H%M%SZ}.{EXTENSIONS[fmt]}"
    return Response(
        content=text.encode("utf-8"),
        media_type=MEDIA_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
