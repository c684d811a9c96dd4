"""KML exports: valid against the OGC KML 2.2 schema (the XSD that fastkml ships), read back with the
standard library's XML parser and with fastkml; the ground tracks against Skyfield's sub-satellite points."""

import math
import xml.etree.ElementTree as ET
from datetime import timedelta
from importlib import resources
from pathlib import Path

import fastkml
import pytest
from export_samples import START, STEP_S, WINDOW, Scene, build_scene
from lxml import etree
from skyfield.api import load, wgs84

from orbitwatch.io.exports.kml import kml_text

NS = {"kml": "http://www.opengis.net/kml/2.2"}


@pytest.fixture(scope="module")
def scene(sample_dir: Path) -> Scene:
    return build_scene(sample_dir)


@pytest.fixture(scope="module")
def text(scene: Scene) -> str:
    return kml_text(scene[0])


def test_valid_against_the_kml_22_schema(text: str) -> None:
    schema_dir = resources.files("fastkml") / "schema"
    with resources.as_file(schema_dir / "ogckml22.xsd") as xsd:
        schema = etree.XMLSchema(etree.parse(str(xsd)))
    document = etree.fromstring(text.encode("utf-8"))
    assert schema.validate(document), schema.error_log


def test_structure_read_back_with_the_standard_parser(scene: Scene, text: str) -> None:
    root = ET.fromstring(text)
    assert root.tag == "{http://www.opengis.net/kml/2.2}kml"
    folders = {f.findtext("kml:name", namespaces=NS): f for f in root.findall("kml:Document/kml:Folder", NS)}
    assert set(folders) == {"Ground tracks", "Footprints", "Sites", "Regions"}
    assert len(folders["Ground tracks"].findall("kml:Placemark", NS)) == 4
    [site] = folders["Sites"].findall("kml:Placemark", NS)
    lon, lat, alt = (float(v) for v in site.findtext("kml:Point/kml:coordinates", namespaces=NS).split(","))
    assert (lon, lat, alt) == pytest.approx((126.978, 37.5665, 0.0))
    footprints = folders["Footprints"].findall("kml:Placemark", NS)
    assert len(footprints) == len(scene[0].footprints)
    for placemark in footprints:
        assert (
            placemark.find("kml:TimeSpan", NS) is not None or placemark.find("kml:TimeStamp", NS) is not None
        )
        for ring in placemark.iterfind(".//kml:LinearRing/kml:coordinates", NS):
            points = [tuple(map(float, p.split(","))) for p in ring.text.split()]
            assert points[0] == points[-1]
            assert all(-180.0 <= x <= 180.0 and -90.0 <= y <= 90.0 for x, y, _ in points)


def test_fastkml_reads_it_back(text: str) -> None:
    document = fastkml.KML.from_string(text.encode("utf-8"))
    [root] = document.features
    assert [folder.name for folder in root.features] == ["Ground tracks", "Footprints", "Sites", "Regions"]


def test_ground_tracks_match_skyfield(scene: Scene, text: str) -> None:
    root = ET.fromstring(text)
    ts = load.timescale(builtin=True)
    tracks = root.findall("kml:Document/kml:Folder/kml:Placemark", NS)
    checked = 0
    for placemark in tracks:
        identifier = placemark.get("id") or ""
        if not identifier.startswith("satellite-"):
            continue
        satellite = scene[1][int(identifier.removeprefix("satellite-"))]
        points = []
        for line in placemark.iterfind("kml:MultiGeometry/kml:LineString/kml:coordinates", NS):
            points += [tuple(map(float, p.split(","))) for p in line.text.split()]
        points = [p for p in points if abs(p[0]) != 180.0]
        assert len(points) == int(WINDOW.duration_s / STEP_S) + 1
        for k, (lon, lat, _) in enumerate(points):
            reference = wgs84.subpoint_of(
                satellite.at(ts.from_datetime(START + timedelta(seconds=k * STEP_S)))
            )
            assert _ground_km(lat, lon, reference.latitude.degrees, reference.longitude.degrees) < 1.0
        checked += 1
    assert checked == 4


def _ground_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2, dl = math.radians(lat1), math.radians(lat2), math.radians(lon2 - lon1)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))
