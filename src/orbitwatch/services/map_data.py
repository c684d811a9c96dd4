"""What the web dashboard's map draws: the bundled Natural Earth land, the sites and regions, and the
selected satellites at one instant with their ground tracks and footprints.

The satellites are propagated with python-sgp4 (the reference engine, as every path export:
:data:`orbitwatch.services.exports.PATH_ENGINE`) and their footprints are the core's
(:func:`orbitwatch.core.events.footprint.footprint_rings`), so the dashboard shows what the CZML, KML and
GeoJSON exports and the PNG maps show. Plain arguments in, plain frozen results out: the API runs
:func:`map_snapshot` in its bounded child processes.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final, Literal

import numpy as np
from numpy.typing import NDArray

from orbitwatch.core.constants import WGS84_A_KM
from orbitwatch.core.elements.epochs import as_utc
from orbitwatch.core.elements.model import ElementSet
from orbitwatch.core.events.footprint import footprint_rings
from orbitwatch.core.frames.geodesy import geodetic_from_itrs
from orbitwatch.core.propagation.engine import Rejected, propagate
from orbitwatch.core.propagation.states import TimeGrid
from orbitwatch.core.targets import Region, target_key
from orbitwatch.errors import OrbitwatchError
from orbitwatch.io.gazetteer import bundled_region_names, load_region
from orbitwatch.io.naturalearth import LAND_SCALES, land_geojson_bytes
from orbitwatch.io.store import CatalogStore
from orbitwatch.services.exports import PATH_ENGINE

FloatArray = NDArray[np.float64]
MapFootprint = Literal["imaging", "visibility", "none"]

MAP_FOOTPRINTS: Final = ("imaging", "visibility", "none")
SAMPLES_PER_ORBIT: Final = 120
"""Track samples per orbit (one every 45 s for a 90-minute orbit)."""
MAX_TRACK_ORBITS: Final = 3.0
"""The longest track drawn, in orbits before and after the instant."""
RING_POINTS: Final = 72
"""Points on a footprint ring (one every 5 deg of azimuth)."""
_PERIOD_BUCKET: Final = 1.25
"""Satellites whose periods are within this factor share one time grid."""


@dataclass(frozen=True, slots=True)
class SatelliteOnMap:
    """One satellite at the instant: its sub-satellite point and height (None where SGP4 has no state
    then, with the reason), its ground track as lines of (lon, lat) points (deg) from ``orbits`` before to
    ``orbits`` after the instant, broken where SGP4 has no state, and its footprint ring (lon, lat; open,
    clockwise seen from above; empty when not drawn)."""

    norad_id: int
    name: str
    period_min: float
    epoch_utc: datetime
    lat_deg: float | None
    lon_deg: float | None
    alt_km: float | None
    track: tuple[tuple[tuple[float, float], ...], ...]
    footprint: tuple[tuple[float, float], ...]
    problem: str | None = None


@dataclass(frozen=True, slots=True)
class MapSnapshot:
    """The satellites at ``at_utc`` (catalog order), the footprint kind drawn, and the element sets
    refused before propagation."""

    at_utc: datetime
    footprint: MapFootprint
    satellites: tuple[SatelliteOnMap, ...]
    rejected: tuple[Rejected, ...]


def land_geojson(scale: str = "110m") -> bytes:
    """The bundled Natural Earth land polygons at 1:110m or 1:50m, as GeoJSON bytes (read once)."""
    if scale not in LAND_SCALES:
        raise OrbitwatchError(f"land scale {scale!r} is not one of {', '.join(LAND_SCALES)}")
    return land_geojson_bytes(scale)


def map_regions(store: CatalogStore) -> list[Region]:
    """The stored regions, then the bundled ones whose names no stored region takes."""
    stored = store.regions()
    taken = {target_key(r.name) for r in stored}
    bundled = [load_region(name) for name in bundled_region_names() if target_key(name) not in taken]
    return [*stored, *bundled]


def map_snapshot(
    elements: Sequence[ElementSet],
    at_utc: datetime,
    *,
    orbits: float = 1.0,
    footprint: MapFootprint = "imaging",
    max_off_nadir_deg: float = 30.0,
    min_elevation_deg: float = 10.0,
) -> MapSnapshot:
    """The satellites at ``at_utc``: sub-satellite points, tracks ``orbits`` periods either side, and
    footprints -- ``imaging`` (the field of regard: ``max_off_nadir_deg`` from nadir, the satellite above
    the horizon), ``visibility`` (the satellite at least ``min_elevation_deg`` high) or ``none``."""
    if not (math.isfinite(orbits) and 0.0 <= orbits <= MAX_TRACK_ORBITS):
        raise OrbitwatchError(f"the track must be 0 to {MAX_TRACK_ORBITS:g} orbits either side, got {orbits}")
    if footprint not in MAP_FOOTPRINTS:
        raise OrbitwatchError(f"footprint {footprint!r} is not one of {', '.join(MAP_FOOTPRINTS)}")
    if footprint == "imaging" and not 0.0 < max_off_nadir_deg < 90.0:
        raise OrbitwatchError(f"the field of regard must be in (0, 90) deg, got {max_off_nadir_deg}")
    if footprint == "visibility" and not 0.0 <= min_elevation_deg < 90.0:
        raise OrbitwatchError(f"the minimum elevation must be in [0, 90) deg, got {min_elevation_deg}")
    at = as_utc(at_utc)
    found: dict[int, SatelliteOnMap] = {}
    rejected: list[Rejected] = []
    for group in _by_period(elements):
        done, refused = _group_on_map(group, at, orbits, footprint, max_off_nadir_deg, min_elevation_deg)
        found.update((s.norad_id, s) for s in done)
        rejected.extend(refused)
    chosen = tuple(found[e.norad_id] for e in elements if e.norad_id in found)
    return MapSnapshot(at, footprint, chosen, tuple(rejected))


def _by_period(elements: Sequence[ElementSet]) -> list[list[ElementSet]]:
    """The element sets in groups of similar period (each group gets one time grid)."""
    groups: dict[int, list[ElementSet]] = {}
    for e in elements:
        period = e.period_min if e.mean_motion_rev_per_day > 0 else 1.0
        groups.setdefault(math.floor(math.log(max(period, 1.0)) / math.log(_PERIOD_BUCKET)), []).append(e)
    return [groups[key] for key in sorted(groups)]


def _group_on_map(
    group: Sequence[ElementSet], at: datetime, orbits: float, footprint: MapFootprint,
    max_off_nadir_deg: float, min_elevation_deg: float,
) -> tuple[list[SatelliteOnMap], tuple[Rejected, ...]]:  # fmt: skip
    periods_s = [e.period_min * 60.0 if e.mean_motion_rev_per_day > 0 else 0.0 for e in group]
    step_s = max(min(p for p in periods_s if p > 0) if any(periods_s) else 60.0, 60.0) / SAMPLES_PER_ORBIT
    half = math.ceil(orbits * max(periods_s) / step_s) if orbits > 0 else 0
    offsets = np.arange(-half, half + 1, dtype=np.float64) * step_s
    grid = TimeGrid(at, offsets)
    result = propagate(group, grid, engine=PATH_ENGINE)
    states = result.states
    valid = states.error_code == 0
    r = np.where(valid[..., None], states.r_itrs_km, np.nan)
    lat, lon, alt = geodetic_from_itrs(r)
    rings = _footprints(r[:, half], valid[:, half], footprint, max_off_nadir_deg, min_elevation_deg)
    done = []
    for row, index in enumerate(result.element_index):
        e = group[int(index)]
        inside = np.abs(offsets) <= orbits * periods_s[int(index)] + 1e-6
        now_valid = bool(valid[row, half])
        done.append(
            SatelliteOnMap(
                norad_id=e.norad_id,
                name=states.names[row],
                period_min=e.period_min if e.mean_motion_rev_per_day > 0 else math.inf,
                epoch_utc=e.epoch_utc,
                lat_deg=float(lat[row, half]) if now_valid else None,
                lon_deg=float(lon[row, half]) if now_valid else None,
                alt_km=float(alt[row, half]) if now_valid else None,
                track=_lines(lon[row], lat[row], valid[row] & inside),
                footprint=rings.get(row, ()),
                problem=None if now_valid else f"SGP4 error {int(states.error_code[row, half])} at this time",
            )
        )
    return done, result.rejected


def _footprints(
    r_itrs_km: FloatArray, valid: NDArray[np.bool_], footprint: MapFootprint, max_off_nadir_deg: float,
    min_elevation_deg: float,
) -> dict[int, tuple[tuple[float, float], ...]]:  # fmt: skip
    """The footprint rings (lon, lat) of the rows with a state above the ellipsoid."""
    if footprint == "none":
        return {}
    above = valid & (np.linalg.norm(np.nan_to_num(r_itrs_km), axis=-1) > WGS84_A_KM + 1.0)
    rows = np.flatnonzero(above)
    if rows.size == 0:
        return {}
    if footprint == "imaging":
        lat, lon = footprint_rings(r_itrs_km[rows], max_off_nadir_deg=max_off_nadir_deg, points=RING_POINTS)
    else:
        lat, lon = footprint_rings(r_itrs_km[rows], min_elevation_deg=min_elevation_deg, points=RING_POINTS)
    return {int(row): tuple(zip(lon[k].tolist(), lat[k].tolist(), strict=True)) for k, row in enumerate(rows)}


def _lines(
    lon_deg: FloatArray, lat_deg: FloatArray, shown: NDArray[np.bool_]
) -> tuple[tuple[tuple[float, float], ...], ...]:
    """The runs of shown points as lines of (lon, lat); a run of one point is no line."""
    lines = []
    edges = np.diff(np.concatenate(([0], shown.astype(np.int8), [0])))
    for start, end in zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1), strict=True):
        if end - start >= 2:
            lines.append(tuple(zip(lon_deg[start:end].tolist(), lat_deg[start:end].tolist(), strict=True)))
    return tuple(lines)
