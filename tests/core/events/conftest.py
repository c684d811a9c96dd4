"""Fixtures of the events tests: the bundled sample's satellites, read once."""

from pathlib import Path

import pytest
from event_helpers import Sat, sample_groups


@pytest.fixture(scope="session")
def sample_sats(sample_dir: Path) -> dict[str, list[Sat]]:
    """Every satellite of the 2026-05-24 sample, by group file (stations, resource, geo, ...)."""
    return sample_groups(sample_dir)
