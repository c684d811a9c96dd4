"""CZML exports: parsed back with czml3's models, checked against the CZML structure (document packet first,
version 1.0, FIXED-frame samples with an epoch, availability), and the positions against Skyfield's ITRS."""

import json
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from czml3 import Document
from export_samples import START, STEP_S, WINDOW, Scene, build_scene
from skyfield.api import load
from skyfield.framelib import itrs

from orbitwatch.io.exports.czml import czml_text


@pytest.fixture(scope="module")
def scene(sample_dir: Path) -> Scene:
    return build_scene(sample_dir)


@pytest.fixture(scope="module")
def packets(scene: Scene) -> list[dict[str, object]]:
    loaded: list[dict[str, object]] = json.loads(czml_text(scene[0]))
    return loaded


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_czml3_parses_it(scene: Scene) -> None:
    document = Document.model_validate_json(czml_text(scene[0]))
    assert document.packets[0].id == "document"
    assert len(document.packets) == len(json.loads(czml_text(scene[0])))


def test_document_packet_first_then_satellites_with_fixed_samples(packets: list[dict[str, object]]) -> None:
    document = packets[0]
    assert document["id"] == "document"
    assert document["version"] == "1.0"
    satellites = [p for p in packets if str(p["id"]).startswith("satellite/")]
    assert len(satellites) == 4
    for packet in satellites:
        position = packet["position"]
        assert isinstance(position, dict)
        assert position["referenceFrame"] == "FIXED"
        assert _utc(position["epoch"]) == START
        samples = position["cartesian"]
        assert len(samples) % 4 == 0
        assert len(samples) // 4 == int(WINDOW.duration_s / STEP_S) + 1
        start, end = (_utc(t) for t in str(packet["availability"]).split("/"))
        assert (start, end) == (START, START + timedelta(seconds=WINDOW.duration_s))


def test_positions_match_skyfield_within_a_kilometre(scene: Scene, packets: list[dict[str, object]]) -> None:
    ts = load.timescale(builtin=True)
    for packet in (p for p in packets if str(p["id"]).startswith("satellite/")):
        satellite = scene[1][int(str(packet["id"]).removeprefix("satellite/"))]
        position = packet["position"]
        assert isinstance(position, dict)
        samples = np.array(position["cartesian"]).reshape(-1, 4)
        times = ts.from_datetimes([START + timedelta(seconds=float(t)) for t in samples[:, 0]])
        reference_km = satellite.at(times).frame_xyz(itrs).km.T
        error_km = np.linalg.norm(samples[:, 1:] / 1e3 - reference_km, axis=1)
        assert error_km.max() < 1.0


def test_opportunities_are_lines_shown_during_their_windows(
    scene: Scene, packets: list[dict[str, object]]
) -> None:
    ids = {str(p["id"]) for p in packets}
    windows = [p for p in packets if str(p["id"]).startswith("opportunity/")]
    assert len(windows) == len(scene[0].opportunities)
    for packet, o in zip(windows, scene[0].opportunities, strict=True):
        start, end = (_utc(t) for t in str(packet["availability"]).split("/"))
        assert start == o.start_utc.replace(microsecond=o.start_utc.microsecond // 1000 * 1000)
        assert end > start
        polyline = packet["polyline"]
        assert isinstance(polyline, dict)
        references = polyline["positions"]["references"]
        assert [r.split("#")[1] for r in references] == ["position", "position"]
        assert {r.split("#")[0] for r in references} <= ids
    assert any(str(p["id"]).startswith("region/") and "polygon" in p for p in packets)
    assert any(p["id"] == "site/Seoul" for p in packets)
