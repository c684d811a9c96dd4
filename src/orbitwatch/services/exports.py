"""Exports for the tools analysts use: satellites' paths, footprints and opportunity windows as CZML, KML,
GeoJSON, CSV and iCalendar text.

Each function takes plain arguments (element sets, a window, targets, an opportunity report) and returns
the text; the CLI writes it to a file or stdout and the API returns it, so both call the same code.
The element formats (TLE, 3LE, OMM) stay in :func:`orbitwatch.services.catalog.export_elements`.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final, Literal

import numpy as np
from numpy.typing import NDArray

from orbitwatch.core.elements.model import ElementSet
from orbitwatch.core.events.footprint import Footprint, FootprintKind, footprint_rings
from orbitwatch.core.events.imaging import Opportunity, SensorModel
from orbitwatch.core.frames.geodesy import geodetic_from_itrs
from orbitwatch.core.propagation.engine import Rejected, propagate
from orbitwatch.core.propagation.states import StateGrid, TimeGrid
from orbitwatch.core.targets import Region, Site
from orbitwatch.errors import OrbitwatchError
from orbitwatch.io.exports.csv_export import opportunities_csv
from orbitwatch.io.exports.czml import czml_text
from orbitwatch.io.exports.geojson import geojson_text
from orbitwatch.io.exports.kml import kml_text
from orbitwatch.io.exports.scene import MapScene
from orbitwatch.services.calendar import opportunities_calendar
from orbitwatch.services.overflights import OpportunityReport, TimeWindow

MAP_FORMATS: Final = ("czml", "kml", "geojson")
WINDOW_FORMATS: Final = ("csv", "ical")
FOOTPRINT_CHOICES: Final = ("imaging", "visibility", "none")
DEFAULT_STEP_S: Final = 60.0
MAX_PATH_STATES: Final = 5_000_000
"""Satellite states one map export may sample (about 200 MB of CZML): beyond, ask for a longer step."""
PATH_ENGINE: Final = "sgp4"
"""Paths are drawn with python-sgp4, the reference engine."""

FloatArray = NDArray[np.float64]
FootprintChoice = Literal["imaging", "visibility", "none"]


@dataclass(frozen=True, slots=True)
class FootprintSpec:
    """Which footprints to draw: ``kind`` along the tracks (``none``: only the opportunities' imaging
    footprints), every ``every_s`` seconds (None: once, at the start of the window)."""

    kind: FootprintChoice = "imaging"
    every_s: float | None = None
    min_elevation_deg: float = 10.0

    def __post_init__(self) -> None:
        if self.kind not in FOOTPRINT_CHOICES:
            raise OrbitwatchError(f"footprints {self.kind!r} is not one of {', '.join(FOOTPRINT_CHOICES)}")
        if self.every_s is not None and not (math.isfinite(self.every_s) and self.every_s > 0):
            raise OrbitwatchError(f"the footprint interval must be positive, got {self.every_s} s")
        if not 0.0 <= self.min_elevation_deg < 90.0:
            raise OrbitwatchError(
                f"the minimum elevation must be in [0, 90) deg, got {self.min_elevation_deg}"
            )


def satellite_paths(
    elements: Sequence[ElementSet], window: TimeWindow, step_s: float = DEFAULT_STEP_S
) -> tuple[StateGrid, tuple[Rejected, ...]]:
    """Earth-fixed states of the satellites every ``step_s`` over the window (SGP4 TEME rotated to the
    ITRS), and the element sets refused before propagation."""
    if not (math.isfinite(step_s) and step_s > 0):
        raise OrbitwatchError(f"--step-s must be positive, got {step_s}")
    grid = TimeGrid.regular(window.start_utc, window.duration_s, step_s)
    if len(elements) * grid.size > MAX_PATH_STATES:
        raise OrbitwatchError(
            f"{len(elements)} satellites x {grid.size} samples is more than {MAX_PATH_STATES:,} states; "
            "use a longer --step-s, a shorter window or fewer satellites"
        )
    result = propagate(elements, grid, engine=PATH_ENGINE)
    return result.states, result.rejected


def track_footprints(
    paths: StateGrid, spec: FootprintSpec, sensor: SensorModel, window: TimeWindow
) -> tuple[Footprint, ...]:
    """Footprints along each path: at the window's start, or every ``spec.every_s`` (each shown until the
    next); imaging footprints from the sensor's field of regard, visibility ones from the elevation."""
    if spec.kind == "none" or paths.times.size == 0:
        return ()
    offsets = paths.times.offsets_s
    every_s = spec.every_s if spec.every_s is not None else window.duration_s
    chosen = np.unique(np.searchsorted(offsets, np.arange(0.0, window.duration_s, every_s) - 1e-9))
    chosen = chosen[chosen < offsets.size]
    kind: FootprintKind = spec.kind
    footprints: list[Footprint] = []
    for row in range(paths.count):
        index = chosen[paths.error_code[row, chosen] == 0]
        if index.size == 0:
            continue
        r = paths.r_itrs_km[row, index]
        lat, lon = _rings(r, kind, sensor, spec.min_elevation_deg)
        nadir_lat, nadir_lon, _ = geodetic_from_itrs(r)
        for k, j in enumerate(index):
            at = paths.times.utc(float(offsets[j]))
            until = at + timedelta(seconds=every_s) if spec.every_s is not None else at
            footprints.append(
                Footprint(
                    int(paths.norad_ids[row]),
                    paths.names[row],
                    kind,
                    at,
                    at,
                    min(until, window.end_utc),
                    float(nadir_lat[k]),
                    float(nadir_lon[k]),
                    lat[k],
                    lon[k],
                )
            )
    return tuple(footprints)


def opportunity_footprints(
    elements: Sequence[ElementSet], opportunities: Sequence[Opportunity], sensor: SensorModel
) -> tuple[Footprint, ...]:
    """The imaging footprint of each opportunity at its best instant, standing for its whole window."""
    by_id = {e.norad_id: e for e in elements}
    found: dict[int, Footprint] = {}
    for norad_id in sorted({o.norad_id for o in opportunities}):
        if norad_id not in by_id:
            raise OrbitwatchError(f"opportunity of {norad_id}, which is not among the element sets")
        mine = [(i, o) for i, o in enumerate(opportunities) if o.norad_id == norad_id]
        t0 = min(o.best_utc for _, o in mine)
        offsets = np.array(sorted({(o.best_utc - t0).total_seconds() for _, o in mine}))
        states = propagate([by_id[norad_id]], TimeGrid(t0, offsets), engine=PATH_ENGINE).states
        for i, o in mine:
            j = int(np.searchsorted(offsets, (o.best_utc - t0).total_seconds()))
            if states.error_code[0, j] != 0:
                continue
            r = states.r_itrs_km[0, j][None]
            lat, lon = _rings(r, "imaging", sensor, 0.0)
            nadir_lat, nadir_lon, _ = geodetic_from_itrs(r[0])
            found[i] = Footprint(
                o.norad_id,
                o.name,
                "imaging",
                o.best_utc,
                o.start_utc,
                o.end_utc,
                float(nadir_lat),
                float(nadir_lon),
                lat[0],
                lon[0],
                opportunity=o,
            )
    return tuple(found[i] for i in sorted(found))


def _rings(
    r_itrs_km: FloatArray, kind: FootprintKind, sensor: SensorModel, min_elevation_deg: float
) -> tuple[FloatArray, FloatArray]:
    if kind == "imaging":
        return footprint_rings(
            r_itrs_km,
            max_off_nadir_deg=sensor.max_off_nadir_deg,
            min_elevation_deg=max(sensor.elevation_limit_deg, 0.0),
        )
    return footprint_rings(r_itrs_km, min_elevation_deg=min_elevation_deg)


def map_scene(
    elements: Sequence[ElementSet],
    window: TimeWindow,
    *,
    title: str,
    step_s: float = DEFAULT_STEP_S,
    targets: Sequence[Site | Region] = (),
    sensor: SensorModel | None = None,
    report: OpportunityReport | None = None,
    footprints: FootprintSpec | None = None,
) -> tuple[MapScene, tuple[Rejected, ...]]:
    """Everything a map export draws: the satellites' paths over the window, their footprints (as
    ``footprints`` says, with ``sensor``'s field of regard; default optical 30°), the targets, and
    -- with a report -- the opportunity windows and their imaging footprints."""
    sensor = sensor or SensorModel.optical()
    spec = footprints or FootprintSpec()
    paths, rejected = satellite_paths(elements, window, step_s)
    opportunities = report.opportunities if report is not None else ()
    drawn = track_footprints(paths, spec, sensor, window)
    if spec.kind != "none":
        drawn += opportunity_footprints(elements, opportunities, sensor)
    scene = MapScene(
        title=title,
        paths=paths,
        footprints=drawn,
        opportunities=opportunities,
        sites=tuple(t for t in targets if isinstance(t, Site)),
        regions=tuple(t for t in targets if isinstance(t, Region)),
    )
    return scene, rejected


def map_text(scene: MapScene, fmt: str) -> str:
    """The scene as ``czml``, ``kml`` or ``geojson`` text."""
    if fmt == "czml":
        return czml_text(scene)
    if fmt == "kml":
        return kml_text(scene)
    if fmt == "geojson":
        return geojson_text(scene)
    raise OrbitwatchError(f"map format {fmt!r} is not one of {', '.join(MAP_FORMATS)}")


def windows_text(report: OpportunityReport, sensor: SensorModel, fmt: str, *, created_utc: datetime) -> str:
    """The opportunity windows as ``csv`` or ``ical`` (iCalendar, stamped ``created_utc``) text."""
    if fmt == "csv":
        return opportunities_csv(report.opportunities, report.time_error_s)
    if fmt == "ical":
        return opportunities_calendar(report, sensor, created_utc=created_utc)
    raise OrbitwatchError(f"window format {fmt!r} is not one of {', '.join(WINDOW_FORMATS)}")
