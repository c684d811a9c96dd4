"""Targets on the ground: sites (a point) and regions (a GeoJSON polygon), validated.

Sites are geodetic (WGS-84) latitude and longitude in degrees and height in metres. On the command
line a site is ``NAME=LAT,LON[,ALT_M]`` (:func:`parse_site`); longitudes may be given east-positive
in -180..180 or 0..360, and are kept in -180..180.

Regions follow GeoJSON (RFC 7946): positions are ``(lon_deg, lat_deg)``, an edge between two
positions is a straight line in longitude and latitude (RFC 7946 §3.1.1), rings are closed, and
after validation every exterior ring is counter-clockwise and every hole clockwise (§3.1.6). A
region that crosses the antimeridian must be split there into a MultiPolygon (§3.1.9): an edge
spanning more than 180° of longitude is refused. Polygons around a pole must spell the pole edges
out (for example along latitude -90). Containment uses the even-odd rule over all rings.
"""

import itertools
import json
import math
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
from numpy.typing import ArrayLike, NDArray

from orbitwatch.core.constants import WGS84_A_KM, WGS84_F
from orbitwatch.errors import TargetError

LonLat = tuple[float, float]
Ring = tuple[LonLat, ...]
Polygon = tuple[Ring, ...]

SITE_FORMAT: Final = "NAME=LAT,LON[,ALT_M] (degrees north, degrees east, metres)"
MAX_SITE_ALT_M: Final = 100_000.0
"""A site is on or near the ground: heights beyond ±100 km (the Kármán line) are refused."""

_E2: Final = WGS84_F * (2.0 - WGS84_F)
# Longest arc of one degree on the WGS-84 ellipsoid: along a meridian at a pole, a / sqrt(1 - e^2).
_MAX_KM_PER_DEG_LAT: Final = math.radians(WGS84_A_KM / math.sqrt(1.0 - _E2))
_POINTS_PER_CHUNK: Final = 1 << 20


@dataclass(frozen=True, slots=True)
class Site:
    """A named point on the WGS-84 ellipsoid: geodetic latitude and longitude in degrees, height in metres.

    ``source`` says where the coordinates come from (a gazetteer citation, "command line", a user).
    Construction checks the values (:class:`~orbitwatch.errors.TargetError`): a non-empty name,
    latitude in -90..90, longitude in -180..180, height within ±100 km, all finite.
    """

    name: str
    lat_deg: float
    lon_deg: float
    alt_m: float = 0.0
    source: str = ""

    def __post_init__(self) -> None:
        where = f"site {self.name!r}" + (f" ({self.source})" if self.source else "")
        if not self.name.strip():
            raise TargetError(f"{where}: the name is empty")
        _check_range(where, "latitude", self.lat_deg, -90.0, 90.0)
        _check_range(where, "longitude", self.lon_deg, -180.0, 180.0)
        _check_range(where, "height (m)", self.alt_m, -MAX_SITE_ALT_M, MAX_SITE_ALT_M)


def target_key(name: str) -> str:
    """The name as looked up: case folded, runs of spaces, hyphens and underscores made one space."""
    return " ".join(_SEPARATORS.sub(" ", name).casefold().split())


_SEPARATORS: Final = re.compile(r"[\s_\-]+")


def _check_range(where: str, what: str, value: float, low: float, high: float) -> None:
    if not math.isfinite(value):
        raise TargetError(f"{where}: {what} {value} is not a finite number")
    if not low <= value <= high:
        raise TargetError(f"{where}: {what} {value:g} is outside {low:g}..{high:g}")


def parse_site(text: str, source: str = "command line") -> Site:
    """The site written ``NAME=LAT,LON[,ALT_M]``: degrees north, degrees east, metres (default 0).

    The name is everything before the last ``=`` (spaces around it dropped). A longitude in
    180..360 (east longitude counted to 360) is taken as that minus 360. A malformed text, an
    empty name, a value that is not a finite number or one out of range raises
    :class:`~orbitwatch.errors.TargetError` naming the source, the text and what is wrong.
    """
    where = f"{source}: site {text!r}"
    name, equals, values = text.rpartition("=")
    fields = [field.strip() for field in values.split(",")]
    if not equals or len(fields) not in (2, 3):
        raise TargetError(f"{where}: expected {SITE_FORMAT}")
    if not name.strip():
        raise TargetError(f"{where}: the name before '=' is empty; expected {SITE_FORMAT}")
    lat_deg, lon_deg, *alt = (
        _number(where, label, field) for label, field in zip(_LABELS, fields, strict=False)
    )
    alt_m = alt[0] if alt else 0.0
    _check_range(where, "latitude", lat_deg, -90.0, 90.0)
    _check_range(where, "longitude", lon_deg, -180.0, 360.0)
    _check_range(where, "height (m)", alt_m, -MAX_SITE_ALT_M, MAX_SITE_ALT_M)
    east_deg = lon_deg - 360.0 if lon_deg > 180.0 else lon_deg
    return Site(name.strip(), lat_deg, east_deg, alt_m, source=source)


_LABELS: Final = ("latitude", "longitude", "height (m)")


def _number(where: str, label: str, field: str) -> float:
    try:
        value = float(field)
    except ValueError:
        raise TargetError(f"{where}: {label} {field!r} is not a number; expected {SITE_FORMAT}") from None
    if not math.isfinite(value):
        raise TargetError(f"{where}: {label} {field!r} is not a finite number")
    return value


@dataclass(frozen=True, slots=True)
class Region:
    """A named area: one or more polygons of ``(lon_deg, lat_deg)`` rings, exterior ring first, then holes.

    Construction validates and normalises (:class:`~orbitwatch.errors.TargetError` "a region that is
    not a valid polygon" otherwise): every ring closed with at least four positions (three distinct
    vertices), coordinates finite and in range, no edge crossing the antimeridian, no two edges of a
    polygon crossing, touching or doubling back (an O(n^2) segment test, quick for a few hundred
    vertices; it also refuses rings without area), holes inside their exterior. Repeated consecutive
    positions are dropped; exteriors become counter-clockwise, holes clockwise.
    """

    name: str
    polygons: tuple[Polygon, ...]
    source: str = ""

    def __post_init__(self) -> None:
        where = f"region {self.name!r}" + (f" ({self.source})" if self.source else "")
        if not self.name.strip():
            raise TargetError(f"{where}: the name is empty")
        if not self.polygons:
            raise TargetError(f"{where}: a region that is not a valid polygon: it has no polygon")
        polygons = tuple(
            _valid_polygon(f"{where}: a region that is not a valid polygon: polygon {index}", polygon)
            for index, polygon in enumerate(self.polygons, start=1)
        )
        object.__setattr__(self, "polygons", polygons)


def _valid_polygon(where: str, polygon: Sequence[Sequence[Sequence[float]]]) -> Polygon:
    if not polygon:
        raise TargetError(f"{where} has no ring")
    rings = [_valid_ring(f"{where}, ring {index}", ring) for index, ring in enumerate(polygon, start=1)]
    _check_no_crossing(where, rings)
    exterior, holes = rings[0], rings[1:]
    for index, hole in enumerate(holes, start=2):
        if not _crossing_number(_closed((exterior,)), hole[0:1, 0], hole[0:1, 1])[0]:
            raise TargetError(f"{where}, ring {index}: the hole is not inside the exterior ring 1")
    oriented = [_oriented(exterior, counter_clockwise=True)]
    oriented += [_oriented(hole, counter_clockwise=False) for hole in holes]
    return tuple(_as_ring(ring) for ring in oriented)


def _valid_ring(where: str, ring: Sequence[Sequence[float]]) -> NDArray[np.float64]:
    """The ring's distinct consecutive vertices, shape (n, 2), without the closing position."""
    positions = _positions(where, ring)
    if len(positions) < 4:
        raise TargetError(f"{where} has {len(positions)} positions; a closed ring needs at least 4")
    if not np.array_equal(positions[0], positions[-1]):
        raise TargetError(
            f"{where} is not closed: its first position {positions[0].tolist()} differs from its last "
            f"{positions[-1].tolist()}"
        )
    _check_coordinates(where, positions)
    step = np.diff(positions, axis=0)
    vertices = positions[:-1][np.any(step != 0.0, axis=1)]
    if len(vertices) < 3:
        raise TargetError(f"{where} has {len(vertices)} distinct vertices; a ring needs at least 3")
    return vertices


def _positions(where: str, ring: Sequence[Sequence[float]]) -> NDArray[np.float64]:
    try:
        positions = np.array([[float(p[0]), float(p[1])] for p in ring], dtype=np.float64)
    except (TypeError, ValueError, IndexError):
        raise TargetError(f"{where}: every position must be [longitude, latitude] numbers") from None
    return positions.reshape(-1, 2)


def _check_coordinates(where: str, positions: NDArray[np.float64]) -> None:
    lon, lat = positions[:, 0], positions[:, 1]
    bad = ~np.isfinite(positions).all(axis=1) | (np.abs(lon) > 180.0) | (np.abs(lat) > 90.0)
    if bad.any():
        index = int(np.argmax(bad))
        raise TargetError(
            f"{where}, position {index + 1}: {positions[index].tolist()} is not a finite "
            "[longitude in -180..180, latitude in -90..90]"
        )
    jumps = np.abs(np.diff(lon)) > 180.0
    if jumps.any():
        index = int(np.argmax(jumps))
        raise TargetError(
            f"{where}, positions {index + 1}-{index + 2}: the edge crosses the antimeridian; split the "
            "polygon at ±180° into a MultiPolygon (RFC 7946 §3.1.9)"
        )


def _twice_signed_area(vertices: NDArray[np.float64]) -> float:
    """Shoelace formula in the lon/lat plane: positive for a counter-clockwise ring."""
    x, y = vertices[:, 0], vertices[:, 1]
    return float(np.sum(x * np.roll(y, -1) - np.roll(x, -1) * y))


def _oriented(vertices: NDArray[np.float64], *, counter_clockwise: bool) -> NDArray[np.float64]:
    is_ccw = _twice_signed_area(vertices) > 0.0
    return vertices if is_ccw == counter_clockwise else vertices[::-1]


def _as_ring(vertices: NDArray[np.float64]) -> Ring:
    closed = np.vstack([vertices, vertices[:1]])
    return tuple((float(lon), float(lat)) for lon, lat in closed)


def _closed(rings: Sequence[NDArray[np.float64]]) -> tuple[Polygon, ...]:
    return (tuple(_as_ring(ring) for ring in rings),)


def _check_no_crossing(where: str, rings: Sequence[NDArray[np.float64]]) -> None:
    """Refuse two edges of the polygon that cross, touch or overlap (edges next to each other may share their
    common vertex only). Orientation-sign segment test (Cormen et al., Introduction to Algorithms, §33.1)."""
    starts = np.vstack(rings)
    ends = np.vstack([np.roll(ring, -1, axis=0) for ring in rings])
    ring_of = np.concatenate([np.full(len(ring), k) for k, ring in enumerate(rings)])
    index_in_ring = np.concatenate([np.arange(len(ring)) for ring in rings])
    size_of = np.array([len(ring) for ring in rings])[ring_of]
    for i in range(len(starts)):
        hits = _touching(starts[i], ends[i], starts[i + 1 :], ends[i + 1 :])
        same_ring = ring_of[i + 1 :] == ring_of[i]
        gap = index_in_ring[i + 1 :] - index_in_ring[i]
        neighbour = same_ring & ((gap == 1) | (gap == size_of[i] - 1))
        spike = neighbour & _reversing(starts[i], ends[i], starts[i + 1 :], ends[i + 1 :])
        bad = (hits & ~neighbour) | spike
        if bad.any():
            j = i + 1 + int(np.argmax(bad))
            raise TargetError(
                f"{where}: edge {_edge_name(ring_of, index_in_ring, i)} and edge "
                f"{_edge_name(ring_of, index_in_ring, j)} cross or touch (self-intersection)"
            )


def _edge_name(ring_of: NDArray[np.int_], index_in_ring: NDArray[np.int_], edge: int) -> str:
    return f"{index_in_ring[edge] + 1} of ring {ring_of[edge] + 1}"


def _cross(
    origin: NDArray[np.float64], a: NDArray[np.float64], b: NDArray[np.float64]
) -> NDArray[np.float64]:
    """z of (a - origin) x (b - origin), over the last axis."""
    return np.asarray(
        (a[..., 0] - origin[..., 0]) * (b[..., 1] - origin[..., 1])
        - (a[..., 1] - origin[..., 1]) * (b[..., 0] - origin[..., 0])
    )


def _on_segment(
    start: NDArray[np.float64], end: NDArray[np.float64], point: NDArray[np.float64]
) -> NDArray[np.bool_]:
    low, high = np.minimum(start, end), np.maximum(start, end)
    return np.asarray(np.all((low <= point) & (point <= high), axis=-1))


def _touching(
    p1: NDArray[np.float64], p2: NDArray[np.float64], q1: NDArray[np.float64], q2: NDArray[np.float64]
) -> NDArray[np.bool_]:
    """Segment p1-p2 against each segment q1-q2: True where they share any point."""
    d1, d2 = _cross(q1, q2, p1), _cross(q1, q2, p2)
    d3, d4 = _cross(p1, p2, q1), _cross(p1, p2, q2)
    proper = (d1 * d2 < 0.0) & (d3 * d4 < 0.0)
    collinear_touch = (
        ((d1 == 0.0) & _on_segment(q1, q2, p1))
        | ((d2 == 0.0) & _on_segment(q1, q2, p2))
        | ((d3 == 0.0) & _on_segment(p1, p2, q1))
        | ((d4 == 0.0) & _on_segment(p1, p2, q2))
    )
    return np.asarray(proper | collinear_touch)


def _reversing(
    p1: NDArray[np.float64], p2: NDArray[np.float64], q1: NDArray[np.float64], q2: NDArray[np.float64]
) -> NDArray[np.bool_]:
    """Collinear segments pointing in opposite directions (a spike: A -> B -> A)."""
    u, v = p2 - p1, q2 - q1
    return np.asarray((u[0] * v[:, 1] - u[1] * v[:, 0] == 0.0) & (u[0] * v[:, 0] + u[1] * v[:, 1] < 0.0))


def region_from_geojson(
    obj: Mapping[str, Any] | str, name: str | None = None, source: str = "", fallback_name: str = "region"
) -> Region:
    """The region of a GeoJSON Polygon, MultiPolygon, Feature or FeatureCollection (object or JSON text).

    Every polygon of every feature of a FeatureCollection belongs to the region (a region counts as
    seen when any part of it is). The name is ``name`` if given, else the first feature's ``name``
    property, else ``fallback_name``; the source likewise (``source``, else a ``source`` property).
    Anything else raises :class:`~orbitwatch.errors.TargetError`, as does an invalid polygon.
    """
    label = source or "GeoJSON"
    document = _loaded(obj, label)
    polygons: list[Polygon] = []
    properties: list[Mapping[str, Any]] = []
    for geometry, props in _geometries(document, label):
        polygons.extend(_polygons_of(geometry, label))
        properties.append(props)
    first = properties[0] if properties else {}
    chosen_name = name or str(first.get("name") or fallback_name)
    return Region(chosen_name, tuple(polygons), source or str(first.get("source") or ""))


def _loaded(obj: Mapping[str, Any] | str, label: str) -> Mapping[str, Any]:
    if isinstance(obj, str):
        try:
            obj = json.loads(obj)
        except json.JSONDecodeError as exc:
            raise TargetError(
                f"{label}: not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
            ) from None
    if not isinstance(obj, Mapping):
        raise TargetError(f"{label}: a GeoJSON object must be a JSON object, not {type(obj).__name__}")
    return obj


_ACCEPTED: Final = "Polygon, MultiPolygon, Feature or FeatureCollection"


def _geometries(
    document: Mapping[str, Any], label: str
) -> Iterator[tuple[Mapping[str, Any], Mapping[str, Any]]]:
    kind = document.get("type")
    if kind in ("Polygon", "MultiPolygon"):
        yield document, {}
    elif kind == "Feature":
        yield _feature_geometry(document, label), document.get("properties") or {}
    elif kind == "FeatureCollection":
        features = document.get("features")
        if not isinstance(features, list) or not features:
            raise TargetError(f"{label}: the FeatureCollection has no features")
        for index, feature in enumerate(features, start=1):
            if not isinstance(feature, Mapping) or feature.get("type") != "Feature":
                raise TargetError(f"{label}: feature {index} is not a GeoJSON Feature")
            yield _feature_geometry(feature, f"{label}, feature {index}"), feature.get("properties") or {}
    else:
        raise TargetError(f"{label}: GeoJSON type {kind!r} is not a region; expected {_ACCEPTED}")


def _feature_geometry(feature: Mapping[str, Any], label: str) -> Mapping[str, Any]:
    geometry = feature.get("geometry")
    if not isinstance(geometry, Mapping) or geometry.get("type") not in ("Polygon", "MultiPolygon"):
        kind = geometry.get("type") if isinstance(geometry, Mapping) else geometry
        raise TargetError(f"{label}: geometry {kind!r} is not a region; expected Polygon or MultiPolygon")
    return geometry


def _polygons_of(geometry: Mapping[str, Any], label: str) -> list[Polygon]:
    coordinates = geometry.get("coordinates")
    if not isinstance(coordinates, list | tuple):
        raise TargetError(f"{label}: the {geometry.get('type')} has no coordinates array")
    nested = [coordinates] if geometry["type"] == "Polygon" else coordinates
    if not all(isinstance(polygon, list | tuple) for polygon in nested):
        raise TargetError(f"{label}: the {geometry['type']} coordinates are not arrays of rings")
    return [tuple(tuple(_lonlat(p) for p in ring) for ring in _rings(polygon, label)) for polygon in nested]


def _rings(polygon: Sequence[Any], label: str) -> Sequence[Sequence[Any]]:
    if not all(isinstance(ring, list | tuple) for ring in polygon):
        raise TargetError(f"{label}: a polygon must be an array of rings (arrays of positions)")
    return polygon


def _lonlat(position: Any) -> LonLat:
    """(lon, lat) of a GeoJSON position (an altitude, if any, is dropped); bad ones fail validation."""
    if isinstance(position, list | tuple) and len(position) >= 2:
        return (position[0], position[1])
    return (math.nan, math.nan)


def region_to_geojson(region: Region) -> dict[str, Any]:
    """The region as a GeoJSON Feature (MultiPolygon; properties ``name`` and ``source``)."""
    return {
        "type": "Feature",
        "properties": {"name": region.name, "source": region.source},
        "geometry": {
            "type": "MultiPolygon",
            "coordinates": [[[list(p) for p in ring] for ring in polygon] for polygon in region.polygons],
        },
    }


def contains(region: Region, lat_deg: ArrayLike, lon_deg: ArrayLike) -> NDArray[np.bool_]:
    """True where a point is inside the region (even-odd rule on the lon/lat plane), broadcast shapes.

    Longitudes of any turn are wrapped to -180..180 first. Points exactly on the boundary may fall
    either way. Crossing-number test (Shimrat, "Algorithm 112: Position of point relative to
    polygon", CACM 5(8), 1962), vectorised over points and edges in chunks.
    """
    lat, lon = np.broadcast_arrays(
        np.asarray(lat_deg, dtype=np.float64), np.asarray(lon_deg, dtype=np.float64)
    )
    wrapped = (lon + 180.0) % 360.0 - 180.0
    inside = _crossing_number(region.polygons, wrapped.ravel(), lat.ravel())
    return inside.reshape(lat.shape)


def _crossing_number(
    polygons: Sequence[Polygon], lon_deg: NDArray[np.float64], lat_deg: NDArray[np.float64]
) -> NDArray[np.bool_]:
    """The crossing-number test of flat arrays of points (lon in -180..180) against polygons."""
    starts = np.array([p for polygon in polygons for ring in polygon for p in ring[:-1]], dtype=np.float64)
    ends = np.array([p for polygon in polygons for ring in polygon for p in ring[1:]], dtype=np.float64)
    inside = np.zeros(lon_deg.shape, dtype=bool)
    chunk = max(1, _POINTS_PER_CHUNK // len(starts))
    for first in range(0, len(lon_deg), chunk):
        x = lon_deg[first : first + chunk, None]
        y = lat_deg[first : first + chunk, None]
        x1, y1, x2, y2 = starts[:, 0], starts[:, 1], ends[:, 0], ends[:, 1]
        straddles = (y1 > y) != (y2 > y)
        with np.errstate(divide="ignore", invalid="ignore"):
            x_at_y = x1 + (y - y1) * (x2 - x1) / (y2 - y1)
        crossings = np.count_nonzero(straddles & (x < x_at_y), axis=1)
        inside[first : first + chunk] = crossings % 2 == 1
    return inside


def region_boundary_points(
    region: Region, max_spacing_km: float
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Points along every ring, ``(lat_deg, lon_deg)``, neighbours at most ``max_spacing_km`` apart.

    Each edge (a straight line in lon/lat, as GeoJSON draws it) is cut into equal parts; the length
    used is an upper bound on the WGS-84 ellipsoid (a degree of latitude is at most a/sqrt(1-e^2)
    long, a degree of longitude at most N(phi) cos(phi) at the edge's latitude nearest the equator),
    so the true spacing never exceeds the limit. Every vertex is included once.
    """
    if not math.isfinite(max_spacing_km) or max_spacing_km <= 0.0:
        raise TargetError(f"region {region.name!r}: boundary spacing {max_spacing_km} km must be positive")
    lats: list[NDArray[np.float64]] = []
    lons: list[NDArray[np.float64]] = []
    for polygon in region.polygons:
        for ring in polygon:
            vertices = np.array(ring, dtype=np.float64)
            start, end = vertices[:-1], vertices[1:]
            parts = np.maximum(1, np.ceil(_edge_length_bound_km(start, end) / max_spacing_km)).astype(int)
            edge = np.repeat(np.arange(len(start)), parts)
            fraction = (np.arange(edge.size) - np.repeat(np.cumsum(parts) - parts, parts)) / parts[edge]
            points = start[edge] + fraction[:, None] * (end[edge] - start[edge])
            lons.append(points[:, 0])
            lats.append(points[:, 1])
    return np.concatenate(lats), np.concatenate(lons)


def _edge_length_bound_km(start: NDArray[np.float64], end: NDArray[np.float64]) -> NDArray[np.float64]:
    lat1, lat2 = start[:, 1], end[:, 1]
    nearest_equator = np.where(lat1 * lat2 <= 0.0, 0.0, np.minimum(np.abs(lat1), np.abs(lat2)))
    sin_lat = np.sin(np.radians(nearest_equator))
    km_per_deg_lon = (
        np.radians(WGS84_A_KM) * np.cos(np.radians(nearest_equator)) / np.sqrt(1 - _E2 * sin_lat**2)
    )
    d_lon, d_lat = np.abs(end[:, 0] - start[:, 0]), np.abs(lat2 - lat1)
    return np.asarray(np.hypot(d_lat * _MAX_KM_PER_DEG_LAT, d_lon * km_per_deg_lon))


def region_centroid(region: Region) -> tuple[float, float]:
    """The area centroid ``(lat_deg, lon_deg)`` of the region in the lon/lat plane (holes subtract).

    Longitudes west of the widest band of longitude the region leaves uncovered are first moved
    east by 360°, so that a region split at the antimeridian gets its centroid there, not near 0°.
    The plane centroid is close to the surface one for regions up to a few thousand kilometres.
    """
    cut_deg = _uncovered_band_end_deg(region)
    area_sum = x_sum = y_sum = 0.0
    for polygon in region.polygons:
        for ring in polygon:
            vertices = np.array(ring[:-1], dtype=np.float64)
            x = np.where(vertices[:, 0] < cut_deg, vertices[:, 0] + 360.0, vertices[:, 0])
            y = vertices[:, 1]
            x_next, y_next = np.roll(x, -1), np.roll(y, -1)
            cross = x * y_next - x_next * y
            area_sum += float(cross.sum()) / 2.0
            x_sum += float(((x + x_next) * cross).sum()) / 6.0
            y_sum += float(((y + y_next) * cross).sum()) / 6.0
    lon = (x_sum / area_sum + 180.0) % 360.0 - 180.0
    return y_sum / area_sum, lon


def _uncovered_band_end_deg(region: Region) -> float:
    """The eastern end of the widest band of longitude that no edge covers (-180 when none is left)."""
    spans = sorted(
        (min(a[0], b[0]), max(a[0], b[0]))
        for polygon in region.polygons
        for ring in polygon
        for a, b in itertools.pairwise(ring)
    )
    best_width, best_end = 0.0, -180.0
    covered_to = spans[0][1]
    for west, east in spans[1:]:
        if west - covered_to > best_width:
            best_width, best_end = west - covered_to, west
        covered_to = max(covered_to, east)
    if spans[0][0] + 360.0 - covered_to > best_width:
        best_end = spans[0][0]
    return best_end
