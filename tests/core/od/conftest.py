"""A real satellite of the bundled sample (the ISS, CelesTrak 2026-05-25)."""

from pathlib import Path

import pytest

from orbitwatch.core.elements.formats import read_elements
from orbitwatch.core.elements.model import ElementSet


@pytest.fixture(scope="session")
def iss(sample_dir: Path) -> ElementSet:
    """The ISS element set of the bundled 2026-05-25 stations file."""
    path = sample_dir / "2026-05-25" / "stations.tle"
    records = read_elements(path.read_bytes(), path.name).records
    return next(e for e in records if e.name == "ISS (ZARYA)")
