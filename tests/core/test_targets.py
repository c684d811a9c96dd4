"""Sites and regions: parsing, validation, containment (against matplotlib's Path), densified boundaries."""

import itertools
import json
import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.path import Path

from orbitwatch.core.targets import (
    Region,
    Site,
    contains,
    parse_site,
    region_boundary_points,
    region_centroid,
    region_from_geojson,
    region_to_geojson,
)
from orbitwatch.errors import OrbitwatchError, TargetError

SQUARE = [[0.0, 0.0], [10.0, 0.0], [10.0, 10.0], [0.0, 10.0], [0.0, 0.0]]
HOLE = [[4.0, 4.0], [6.0, 4.0], [6.0, 6.0], [4.0, 6.0], [4.0, 4.0]]
BOWTIE = [[0.0, 0.0], [10.0, 10.0], [10.0, 0.0], [0.0, 8.0], [0.0, 0.0]]


def polygon(*rings: list[list[Any]]) -> dict[str, object]:
    return {"type": "Polygon", "coordinates": list(rings)}


def signed_area(ring: tuple[tuple[float, float], ...]) -> float:
    return sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in itertools.pairwise(ring)) / 2.0


# --- sites -----------------------------------------------------------------------------------------


def test_a_site_is_parsed_with_and_without_height() -> None:
    assert parse_site("Seoul=37.5665,126.978") == Site("Seoul", 37.5665, 126.978, 0.0, "command line")
    assert parse_site(" Sohae LS = 39.660 , 124.705 , 30 ", source="cli") == Site(
        "Sohae LS", 39.66, 124.705, 30.0, "cli"
    )


def test_a_name_may_contain_an_equals_sign_and_the_last_one_splits() -> None:
    assert parse_site("a=b=1,2").name == "a=b"


def test_east_longitudes_to_360_are_wrapped() -> None:
    assert parse_site("X=10,200").lon_deg == pytest.approx(-160.0)
    assert parse_site("X=10,360").lon_deg == pytest.approx(0.0)
    assert parse_site("X=10,180").lon_deg == 180.0
    assert parse_site("X=10,-180").lon_deg == -180.0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Seoul", r"expected NAME=LAT,LON\[,ALT_M\]"),
        ("Seoul=37.5", "expected NAME"),
        ("Seoul=1,2,3,4", "expected NAME"),
        ("=37.5,127", "the name before '=' is empty"),
        ("   =37.5,127", "the name before '=' is empty"),
        ("Seoul=north,127", "latitude 'north' is not a number"),
        ("Seoul=37.5,127,high", r"height \(m\) 'high' is not a number"),
        ("Seoul=nan,127", "latitude 'nan' is not a finite number"),
        ("Seoul=37,inf", "longitude 'inf' is not a finite number"),
        ("Seoul=91,127", "latitude 91 is outside -90..90"),
        ("Seoul=-90.5,127", "latitude -90.5 is outside -90..90"),
        ("Seoul=37,-181", "longitude -181 is outside -180..360"),
        ("Seoul=37,361", "longitude 361 is outside -180..360"),
        ("Seoul=37,127,200000", r"height \(m\) 200000 is outside"),
    ],
)
def test_a_bad_site_is_refused_naming_the_text_and_the_fault(text: str, message: str) -> None:
    with pytest.raises(TargetError, match=message) as caught:
        parse_site(text, source="--site")
    assert str(caught.value).startswith(f"--site: site {text!r}")
    assert isinstance(caught.value, ValueError)
    assert isinstance(caught.value, OrbitwatchError)


def test_a_site_cannot_be_built_with_bad_values() -> None:
    with pytest.raises(TargetError, match="latitude 100 is outside"):
        Site("x", 100.0, 0.0)
    with pytest.raises(TargetError, match="the name is empty"):
        Site(" ", 0.0, 0.0)
    with pytest.raises(TargetError, match="not a finite number"):
        Site("x", 0.0, 0.0, math.nan)


# --- regions: reading and validation ---------------------------------------------------------------


def test_every_geojson_container_gives_the_same_region() -> None:
    geometry = polygon(SQUARE)
    feature = {"type": "Feature", "properties": {"name": "Box", "source": "test"}, "geometry": geometry}
    collection = {"type": "FeatureCollection", "features": [feature]}
    multi = {"type": "MultiPolygon", "coordinates": [[SQUARE]]}

    regions = [
        region_from_geojson(o, name="Box", source="test") for o in (geometry, feature, collection, multi)
    ]
    regions.append(region_from_geojson(json.dumps(collection)))

    assert all(region == regions[0] for region in regions)
    assert regions[0].name == "Box"
    assert regions[0].source == "test"


def test_all_features_of_a_collection_make_one_region() -> None:
    east = [[20.0, 0.0], [30.0, 0.0], [30.0, 10.0], [20.0, 0.0]]
    features = [
        {"type": "Feature", "properties": {"name": "first"}, "geometry": polygon(SQUARE)},
        {"type": "Feature", "properties": None, "geometry": polygon(east)},
    ]
    region = region_from_geojson({"type": "FeatureCollection", "features": features})

    assert region.name == "first"
    assert len(region.polygons) == 2
    assert contains(region, [5.0, 2.0, 5.0], [5.0, 27.0, 15.0]).tolist() == [True, True, False]


def test_rings_are_normalised_exterior_counter_clockwise_holes_clockwise() -> None:
    clockwise_exterior = SQUARE[::-1]
    counter_clockwise_hole = HOLE
    region = region_from_geojson(polygon(clockwise_exterior, counter_clockwise_hole), name="r")

    exterior, hole = region.polygons[0]
    assert signed_area(exterior) == pytest.approx(100.0)
    assert signed_area(hole) == pytest.approx(-4.0)
    assert exterior[0] == exterior[-1]


def test_repeated_positions_are_dropped_and_a_third_coordinate_ignored() -> None:
    ring = [[0.0, 0.0, 5.0], [10.0, 0.0, 5.0], [10.0, 0.0, 5.0], [10.0, 10.0, 5.0], [0.0, 0.0, 5.0]]
    region = region_from_geojson(polygon(ring), name="r")

    assert region.polygons[0][0] == ((0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 0.0))


@pytest.mark.parametrize(
    ("obj", "message"),
    [
        (polygon(BOWTIE), r"edge 1 of ring 1 and edge 3 of ring 1 cross or touch"),
        (polygon(SQUARE[:-1]), "ring 1 is not closed"),
        (polygon([[0, 0], [1, 1], [0, 0]]), "ring 1 has 3 positions; a closed ring needs at least 4"),
        (polygon([[0, 0], [1, 1], [1, 1], [0, 0]]), "has 2 distinct vertices"),
        (polygon([[0, 0], [1, 1], [2, 2], [0, 0]]), "cross or touch"),
        (polygon([[0, 0], [5, 0], [10, 0], [5, 0], [5, 5], [0, 0]]), "cross or touch"),
        (polygon([[0, 0], [10, 0], [10, 91], [0, 0]]), r"position 3: \[10.0, 91.0\] is not a finite"),
        (polygon([[0, 0], [10, 0], [10, math.nan], [0, 0]]), "position 3"),
        (polygon([[179, 0], [-179, 0], [-179, 5], [179, 0]]), "crosses the antimeridian"),
        (polygon([[0, 0], [10, 0], ["x", 5], [0, 0]]), r"every position must be \[longitude, latitude\]"),
        (polygon(SQUARE, [[20, 20], [21, 20], [21, 21], [20, 20]]), "ring 2: the hole is not inside"),
        (polygon(SQUARE, [[5, 0], [6, 5], [4, 5], [5, 0]]), "cross or touch"),
        (polygon(), "polygon 1 has no ring"),
        ({"type": "MultiPolygon", "coordinates": []}, "it has no polygon"),
        ({"type": "Point", "coordinates": [1, 2]}, "GeoJSON type 'Point' is not a region"),
        ({"type": "Feature", "geometry": {"type": "LineString"}}, "geometry 'LineString' is not a region"),
        ({"type": "FeatureCollection", "features": []}, "has no features"),
        ({"type": "FeatureCollection", "features": [1]}, "feature 1 is not a GeoJSON Feature"),
        ({"type": "Polygon"}, "has no coordinates array"),
        ({"type": "Polygon", "coordinates": [5]}, "array of rings"),
        ("{not json", "not JSON"),
        ("[1, 2]", "must be a JSON object"),
    ],
)
def test_an_invalid_region_is_refused_with_the_reason(obj: object, message: str) -> None:
    with pytest.raises(TargetError, match=message):
        region_from_geojson(obj, name="bad", source="test.geojson")  # type: ignore[arg-type]


def test_the_error_says_it_is_not_a_valid_polygon_and_where_it_came_from() -> None:
    with pytest.raises(TargetError) as caught:
        region_from_geojson(polygon(BOWTIE), name="Zone", source="zone.geojson")

    assert str(caught.value).startswith(
        "region 'Zone' (zone.geojson): a region that is not a valid polygon: polygon 1: edge 1"
    )


def test_a_region_split_at_the_antimeridian_is_accepted() -> None:
    east = [[170.0, -10.0], [180.0, -10.0], [180.0, 10.0], [170.0, 10.0], [170.0, -10.0]]
    west = [[-180.0, -10.0], [-170.0, -10.0], [-170.0, 10.0], [-180.0, 10.0], [-180.0, -10.0]]
    region = region_from_geojson({"type": "MultiPolygon", "coordinates": [[east], [west]]}, name="Fiji")

    assert contains(region, [0.0, 0.0, 0.0, 0.0], [175.0, -175.0, 185.0, 0.0]).tolist() == [
        True,
        True,
        True,
        False,
    ]
    lat, lon = region_centroid(region)
    assert lat == pytest.approx(0.0, abs=1e-9)
    assert abs(lon) == pytest.approx(180.0)


def test_geojson_round_trip_keeps_the_region() -> None:
    region = region_from_geojson(polygon(SQUARE, HOLE), name="Ring", source="test")

    assert region_from_geojson(json.dumps(region_to_geojson(region))) == region


# --- containment, boundary, centroid ------------------------------------------------------------------


def test_containment_honours_holes_and_broadcasts() -> None:
    region = region_from_geojson(polygon(SQUARE, HOLE), name="r")
    lat = np.array([[5.0, 2.0], [5.0, 11.0]])
    lon = np.array([[5.0, 2.0], [2.0, 5.0]])

    assert contains(region, lat, lon).tolist() == [[False, True], [True, False]]
    assert contains(region, 2.0, 362.0).shape == ()
    assert bool(contains(region, 2.0, 362.0))


@st.composite
def star_polygons(draw: st.DrawFn) -> list[list[float]]:
    """Simple (star-shaped) polygons: vertices at increasing angles about a centre, random radii."""
    count = draw(st.integers(3, 40))
    radii = draw(st.lists(st.floats(0.5, 20.0), min_size=count, max_size=count))
    centre_lon, centre_lat = draw(st.floats(-150, 150)), draw(st.floats(-60, 60))
    angles = np.sort(
        draw(st.lists(st.floats(0, 2 * math.pi - 1e-3), min_size=count, max_size=count, unique=True))
    )
    gaps = np.diff(np.append(angles, angles[0] + 2 * math.pi))  # including the gap through 0
    if np.min(gaps) < 1e-2 or np.max(gaps) >= math.pi:
        angles = np.linspace(0.0, 2 * math.pi, count, endpoint=False)
    ring = [
        [centre_lon + r * math.cos(a), centre_lat + r * math.sin(a)]
        for r, a in zip(radii, angles, strict=True)
    ]
    return [*ring, ring[0]]


@settings(max_examples=60, deadline=None)
@given(star_polygons(), st.integers(0, 2**32 - 1))
def test_containment_agrees_with_matplotlib_path(ring: list[list[float]], seed: int) -> None:
    region = region_from_geojson(polygon(ring), name="star")
    rng = np.random.default_rng(seed)
    lon = rng.uniform(-180, 180, 500)
    lat = rng.uniform(-85, 85, 500)
    near = np.array(ring[:-1])
    lon[:250] = rng.uniform(near[:, 0].min() - 1, near[:, 0].max() + 1, 250)
    lat[:250] = rng.uniform(near[:, 1].min() - 1, near[:, 1].max() + 1, 250)

    expected = Path(np.array(ring)).contains_points(np.column_stack([lon, lat]))
    far_from_edges = _distance_to_ring(lon, lat, near) > 1e-6
    assert np.array_equal(contains(region, lat, lon)[far_from_edges], expected[far_from_edges])


def _distance_to_ring(lon: np.ndarray, lat: np.ndarray, vertices: np.ndarray) -> np.ndarray:
    starts, ends = vertices, np.roll(vertices, -1, axis=0)
    points = np.column_stack([lon, lat])[:, None, :]
    edge = ends - starts
    t = np.clip(np.sum((points - starts) * edge, axis=-1) / np.sum(edge * edge, axis=-1), 0.0, 1.0)
    return np.asarray(np.min(np.linalg.norm(points - (starts + t[..., None] * edge), axis=-1), axis=1))


def haversine_km(lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray) -> np.ndarray:
    """Great-circle distance on a sphere of radius 6371.0088 km (IUGG mean radius)."""
    p1, p2, dl = np.radians(lat1), np.radians(lat2), np.radians(lon2 - lon1)
    h = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return np.asarray(2 * 6371.0088 * np.arcsin(np.sqrt(h)))


@pytest.mark.parametrize("spacing_km", [5.0, 50.0, 500.0])
def test_boundary_points_are_no_farther_apart_than_asked(spacing_km: float) -> None:
    region = region_from_geojson(polygon(SQUARE), name="r")
    lat, lon = region_boundary_points(region, spacing_km)

    closed_lat, closed_lon = np.append(lat, lat[0]), np.append(lon, lon[0])
    gaps = haversine_km(closed_lat[:-1], closed_lon[:-1], closed_lat[1:], closed_lon[1:])
    assert gaps.max() <= spacing_km
    assert gaps.max() > 0.5 * spacing_km
    assert lat.size == np.unique(np.column_stack([lat, lon]), axis=0).shape[0]
    assert all(np.any((lon == x) & (lat == y)) for x, y in SQUARE)


def test_boundary_points_follow_every_ring() -> None:
    region = region_from_geojson(polygon(SQUARE, HOLE), name="r")
    lat, lon = region_boundary_points(region, 100.0)

    assert all(np.any((lon == x) & (lat == y)) for x, y in SQUARE + HOLE)
    on_hole = (lon >= 4) & (lon <= 6) & (lat >= 4) & (lat <= 6)
    assert 4 < np.count_nonzero(on_hole) < lat.size / 2


def test_boundary_spacing_must_be_positive() -> None:
    region = region_from_geojson(polygon(SQUARE), name="r")
    with pytest.raises(TargetError, match="must be positive"):
        region_boundary_points(region, 0.0)


def test_the_centroid_of_a_square_with_an_off_centre_hole() -> None:
    hole = [[1.0, 1.0], [3.0, 1.0], [3.0, 3.0], [1.0, 3.0], [1.0, 1.0]]
    region = region_from_geojson(polygon(SQUARE, hole), name="r")
    lat, lon = region_centroid(region)

    expected = (100 * 5.0 - 4 * 2.0) / 96
    assert lat == pytest.approx(expected)
    assert lon == pytest.approx(expected)


def test_a_region_cannot_be_built_without_a_name() -> None:
    with pytest.raises(TargetError, match="the name is empty"):
        Region("", region_from_geojson(polygon(SQUARE), name="r").polygons)
