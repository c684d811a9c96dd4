"""GeoJSON exports checked with the ``geojson`` and ``shapely`` libraries (RFC 7946 validity, antimeridian
cuts) and the track positions against Skyfield's sub-satellite points."""

import itertools
import json
import math
from datetime import timedelta
from pathlib import Path

import geojson
import numpy as np
import pytest
import shapely.geometry
from export_samples import START, STEP_S, WINDOW, Scene, build_scene
from skyfield.api import load, wgs84

from orbitwatch.core.events.footprint import Footprint, footprint_rings
from orbitwatch.core.frames.geodesy import itrs_from_geodetic
from orbitwatch.core.propagation.states import StateGrid, TimeGrid
from orbitwatch.io.exports.geojson import geojson_text
from orbitwatch.io.exports.scene import MapScene


@pytest.fixture(scope="module")
def scene(sample_dir: Path) -> Scene:
    return build_scene(sample_dir)


def test_the_document_is_valid_geojson(scene: Scene) -> None:
    text = geojson_text(scene[0])
    collection = geojson.loads(text)
    assert collection.is_valid, collection.errors()
    kinds = {f["properties"]["kind"] for f in collection["features"]}
    assert kinds == {"ground_track", "footprint", "site", "region"}
    for feature in collection["features"]:
        geometry = shapely.geometry.shape(feature["geometry"])
        assert geometry.is_valid, feature["properties"]
        for x, y in _positions(feature["geometry"]):
            assert -180.0 <= x <= 180.0
            assert -90.0 <= y <= 90.0


def _positions(geometry: dict[str, object]) -> list[tuple[float, float]]:
    def walk(value: object) -> list[tuple[float, float]]:
        if isinstance(value, list) and value and isinstance(value[0], float | int):
            return [(float(value[0]), float(value[1]))]
        return [p for item in value for p in walk(item)] if isinstance(value, list) else []

    return walk(geometry["coordinates"])


def test_tracks_cut_at_the_antimeridian_and_match_skyfield(
    scene: Scene,
) -> None:
    collection = json.loads(geojson_text(scene[0]))
    tracks = [f for f in collection["features"] if f["properties"]["kind"] == "ground_track"]
    assert len(tracks) == 4
    ts = load.timescale(builtin=True)
    crossings = 0
    for track in tracks:
        geometry = track["geometry"]
        lines = (
            geometry["coordinates"] if geometry["type"] == "MultiLineString" else [geometry["coordinates"]]
        )
        for line in lines:
            for (x0, _), (x1, _) in itertools.pairwise(line):
                assert abs(x1 - x0) < 180.0
        crossings += len(lines) - 1
        points = [p for line in lines for p in line if abs(p[0]) != 180.0]
        satellite = scene[1][track["properties"]["norad_id"]]
        assert len(points) == int(WINDOW.duration_s / STEP_S) + 1
        for k, (lon, lat) in enumerate(points):
            t = ts.from_datetime(START + timedelta(seconds=k * STEP_S))
            reference = wgs84.subpoint_of(satellite.at(t))
            assert _ground_km(lat, lon, reference.latitude.degrees, reference.longitude.degrees) < 1.0
    assert crossings >= 4  # each low orbit crosses the antimeridian several times in 12 h


def _ground_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2, dl = math.radians(lat1), math.radians(lat2), math.radians(lon2 - lon1)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def test_opportunity_footprints_carry_the_window(scene: Scene) -> None:
    collection = json.loads(geojson_text(scene[0]))
    windows = [f for f in collection["features"] if "target" in f["properties"]]
    assert len(windows) == len(scene[0].opportunities)
    for feature, o in zip(windows, scene[0].opportunities, strict=True):
        properties = feature["properties"]
        assert properties["footprint"] == "imaging"
        assert properties["target"] == o.target
        assert properties["start_utc"] < properties["best_utc"] <= properties["end_utc"]
        footprint = shapely.geometry.shape(feature["geometry"])
        nadir = shapely.geometry.Point(properties["nadir_lon_deg"], properties["nadir_lat_deg"])
        assert footprint.buffer(1e-6).contains(nadir)


def test_a_polar_footprint_becomes_a_cap_over_the_pole() -> None:
    lat, lon = footprint_rings(itrs_from_geodetic(88.0, 30.0, 800.0), min_elevation_deg=0.0)
    footprint = Footprint(1, "POLAR", "visibility", START, START, START, 88.0, 30.0, lat, lon)
    empty = StateGrid(TimeGrid(START, np.zeros(1)), np.zeros(0, dtype=np.int64), (), np.zeros((0, 1, 3)),
                      np.zeros((0, 1, 3)), np.zeros((0, 1), dtype=np.int8))  # fmt: skip
    collection = geojson.loads(geojson_text(MapScene("polar", empty, footprints=(footprint,))))
    assert collection.is_valid
    [feature] = collection["features"]
    cap = shapely.geometry.shape(feature["geometry"])
    assert cap.is_valid
    assert cap.buffer(1e-9).contains(shapely.geometry.Point(0.0, 89.999))
    assert cap.buffer(1e-9).contains(shapely.geometry.Point(179.9, 89.0))
    assert not cap.contains(shapely.geometry.Point(0.0, 0.0))
