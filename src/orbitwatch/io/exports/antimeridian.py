"""Longitude/latitude lines and rings cut at the antimeridian, for the map formats (GeoJSON, KML).

RFC 7946 (GeoJSON) §3.1.9: a geometry that crosses the antimeridian SHOULD be represented by cutting it
in two, so that no part of it needs a longitude outside [-180, 180] and no edge spans more than 180°.
KML (OGC 07-147r2) draws an edge between two points the short way, but many KML readers do not, so the
KML writer uses the same cut pieces. Satellite tracks and footprints are sampled densely, so an edge
between two successive points is always shorter than 180° of longitude except where it crosses the
antimeridian (or passes close to a pole), which is how a crossing is told.
"""

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

LonLat = tuple[float, float]
FloatArray = NDArray[np.float64]


def split_line(lon_deg: ArrayLike, lat_deg: ArrayLike) -> list[list[LonLat]]:
    """A track as pieces of ``(lon, lat)`` points: cut at NaN points and at each antimeridian crossing.

    At a crossing the piece ends on the antimeridian (±180°, at the latitude interpolated along the
    edge) and the next one starts on the other side of it. Pieces of fewer than two points are dropped.
    """
    lon, lat = np.asarray(lon_deg, dtype=np.float64), np.asarray(lat_deg, dtype=np.float64)
    pieces: list[list[LonLat]] = []
    current: list[LonLat] = []
    previous: LonLat | None = None
    for x, y in zip(lon.tolist(), lat.tolist(), strict=True):
        if not (np.isfinite(x) and np.isfinite(y)):
            pieces.append(current)
            current, previous = [], None
            continue
        if previous is not None and abs(x - previous[0]) > 180.0:
            side = 180.0 if previous[0] > 0.0 else -180.0
            step = x + 2.0 * side - previous[0]
            fraction = (side - previous[0]) / step
            y_cross = previous[1] + fraction * (y - previous[1])
            current.append((side, y_cross))
            pieces.append(current)
            current = [(-side, y_cross)]
        current.append((x, y))
        previous = (x, y)
    pieces.append(current)
    return [piece for piece in pieces if len(piece) >= 2]


def split_ring(lon_deg: ArrayLike, lat_deg: ArrayLike) -> list[list[LonLat]]:
    """A closed area (an open ring of points, in any order of travel) as closed counter-clockwise rings
    within [-180, 180] of longitude: one ring, or two where it crosses the antimeridian.

    A ring that goes once around a pole (a footprint over it) is closed along the pole's latitude
    (±90°), so that the area it encloses is the cap holding the pole.
    """
    lon = np.unwrap(np.asarray(lon_deg, dtype=np.float64), period=360.0)
    lat = np.asarray(lat_deg, dtype=np.float64)
    closing = lon[-1] + _wrap(lon[0] - lon[-1])
    turns = round((closing - lon[0]) / 360.0)
    if turns != 0:
        return [_polar_cap(lon, lat)]
    vertices = np.column_stack([lon, lat])
    shift = -360.0 * np.floor((vertices[:, 0].min() + 180.0) / 360.0)
    vertices = vertices + np.array([shift, 0.0])
    rings: list[list[LonLat]] = []
    for offset in (0.0, -360.0):
        clipped = _clip(_clip(vertices + np.array([offset, 0.0]), -180.0, keep_above=True), 180.0, False)
        if len(clipped) >= 3 and abs(_twice_area(clipped)) > 1e-12:
            if _twice_area(clipped) < 0:
                clipped = clipped[::-1]
            ring = [(float(x), float(y)) for x, y in clipped]
            rings.append([*ring, ring[0]])
    return rings


def _polar_cap(lon: FloatArray, lat: FloatArray) -> list[LonLat]:
    """The ring around a pole as one polygon: from -180° to 180° along the ring, then along the pole."""
    eastward = lon[-1] > lon[0]
    x, y = (lon, lat) if eastward else (lon[::-1], lat[::-1])
    x = x - 360.0 * np.floor((x[0] + 180.0) / 360.0)
    x = np.append(x, x[0] + 360.0)
    y = np.append(y, y[0])
    crossing = int(np.searchsorted(x, 180.0))
    fraction = (180.0 - x[crossing - 1]) / (x[crossing] - x[crossing - 1])
    y_cross = float(y[crossing - 1] + fraction * (y[crossing] - y[crossing - 1]))
    pole_deg = 90.0 if float(np.mean(lat)) > 0 else -90.0
    points = [(float(a) - 360.0, float(b)) for a, b in zip(x[crossing:-1], y[crossing:-1], strict=True)]
    points += [(float(a), float(b)) for a, b in zip(x[:crossing], y[:crossing], strict=True)]
    ring = [(-180.0, y_cross), *points, (180.0, y_cross), (180.0, pole_deg), (-180.0, pole_deg)]
    if _twice_area(np.array(ring)) < 0:
        ring.reverse()
    return [*ring, ring[0]]


def _wrap(delta_deg: float) -> float:
    return float((delta_deg + 180.0) % 360.0 - 180.0)


def _twice_area(vertices: FloatArray) -> float:
    x, y = vertices[:, 0], vertices[:, 1]
    return float(np.sum(x * np.roll(y, -1) - np.roll(x, -1) * y))


def _clip(vertices: FloatArray, lon_deg: float, keep_above: bool) -> FloatArray:
    """Sutherland-Hodgman: the polygon cut to one side of the meridian ``lon_deg`` (x >= or <= it)."""
    if len(vertices) == 0:
        return vertices
    sign = 1.0 if keep_above else -1.0
    kept: list[Sequence[float]] = []
    for start, end in zip(vertices, np.roll(vertices, -1, axis=0), strict=True):
        start_in = sign * (start[0] - lon_deg) >= 0.0
        end_in = sign * (end[0] - lon_deg) >= 0.0
        if start_in:
            kept.append(start)
        if start_in != end_in:
            fraction = (lon_deg - start[0]) / (end[0] - start[0])
            kept.append((lon_deg, start[1] + fraction * (end[1] - start[1])))
    return np.array(kept, dtype=np.float64).reshape(-1, 2)
