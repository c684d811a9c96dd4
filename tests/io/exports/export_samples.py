"""A small real scene for the export tests (each test module has the ``scene`` fixture): four satellites
of the bundled sample over 12 hours, Seoul and the Korean peninsula, their SAR opportunities, hourly
visibility footprints; and Skyfield's satellites from the same element lines, the independent reference."""

from datetime import UTC, datetime
from pathlib import Path

from skyfield.api import EarthSatellite, load

from orbitwatch.core.elements.formats import read_elements
from orbitwatch.core.elements.model import ElementSet
from orbitwatch.core.events.imaging import SensorModel
from orbitwatch.core.targets import Region, Site
from orbitwatch.io.exports.scene import MapScene
from orbitwatch.io.gazetteer import load_region
from orbitwatch.services.exports import FootprintSpec, map_scene
from orbitwatch.services.overflights import TimeWindow, search_opportunities

Scene = tuple[MapScene, dict[int, EarthSatellite]]

START = datetime(2026, 5, 27, tzinfo=UTC)
WINDOW = TimeWindow(START, 12 * 3600.0)
STEP_S = 120.0


def _satellites(sample_dir: Path) -> tuple[list[ElementSet], dict[int, EarthSatellite]]:
    day = sample_dir / "2026-05-27"
    chosen: list[ElementSet] = []
    skyfield: dict[int, EarthSatellite] = {}
    ts = load.timescale(builtin=True)
    for name, keep in (("stations.tle", {25544}), ("resource.tle", {22490, 25397, 25504})):
        result = read_elements((day / name).read_text(), name)
        for element, text in zip(result.records, result.texts, strict=True):
            if element.norad_id in keep:
                chosen.append(element)
                line1, line2 = text.split("\n")[-2:]
                skyfield[element.norad_id] = EarthSatellite(line1, line2, element.name, ts)
    return chosen, skyfield


def build_scene(sample_dir: Path) -> Scene:
    elements, skyfield = _satellites(sample_dir)
    targets: list[Site | Region] = [Site("Seoul", 37.5665, 126.978), load_region("korean-peninsula")]
    sensor = SensorModel.sar(45.0)
    report = search_opportunities(elements, targets, sensor, WINDOW)
    built, rejected = map_scene(
        elements, WINDOW, title="test", step_s=STEP_S, targets=targets, sensor=sensor, report=report,
        footprints=FootprintSpec("visibility", every_s=3600.0),
    )  # fmt: skip
    assert not rejected
    assert built.opportunities
    return built, skyfield
