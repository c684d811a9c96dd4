"""Real satellites of the bundled sample for the frame tests: LEO, sun-synchronous, HEO and GEO objects."""

from datetime import UTC, datetime
from pathlib import Path

import pytest
from skyfield.api import EarthSatellite

from orbitwatch.core.elements.model import ElementSet
from orbitwatch.core.elements.tle import read_tle
from orbitwatch.core.frames.time import timescale

DAY = "2026-05-24"
T0 = datetime(2026, 5, 24, tzinfo=UTC)
# ISS, a sun-synchronous imager, a Molniya-type HEO and a GEO satellite, by name in the sample.
NAMES = ("ISS (ZARYA)", "SENTINEL-2A", "ARKTIKA-M 1", "GOES 18")


@pytest.fixture(scope="session")
def sample_satellites(sample_dir: Path) -> list[tuple[ElementSet, EarthSatellite]]:
    """(element set, Skyfield EarthSatellite from the same two lines) for each name in NAMES."""
    found: dict[str, tuple[ElementSet, EarthSatellite]] = {}
    for path in sorted((sample_dir / DAY).glob("*.tle")):
        result = read_tle(path.read_text(encoding="utf-8"), path.name)
        for element, text in zip(result.records, result.texts, strict=True):
            if element.name in NAMES and element.name not in found:
                line1, line2 = text.split("\n")[-2:]
                found[element.name] = (element, EarthSatellite(line1, line2, element.name, timescale()))
    assert set(found) == set(NAMES)
    return [found[name] for name in NAMES]
