"""The bundled real sample (4 days x 6 CelesTrak groups) as element sets with their original two lines."""

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from orbitwatch.core.elements.model import ElementSet
from orbitwatch.core.elements.tle import read_tle


@dataclass(frozen=True)
class SampleDay:
    """Every element set of one day of the sample, its two TLE lines, and that day's midnight (UTC)."""

    day: str
    midnight_utc: datetime
    elements: tuple[ElementSet, ...]
    lines: tuple[tuple[str, str], ...]


@pytest.fixture(scope="session")
def sample_days(sample_dir: Path) -> list[SampleDay]:
    """All four bundled days, all six groups each (about 900 objects a day)."""
    days = []
    for folder in sorted(p for p in sample_dir.iterdir() if p.is_dir()):
        elements: list[ElementSet] = []
        lines: list[tuple[str, str]] = []
        for path in sorted(folder.glob("*.tle")):
            result = read_tle(path.read_text(encoding="utf-8"), path.name)
            elements.extend(result.records)
            lines.extend(tuple(text.split("\n")[-2:]) for text in result.texts)  # type: ignore[misc]
        midnight = datetime.fromisoformat(folder.name).replace(tzinfo=UTC)
        days.append(SampleDay(folder.name, midnight, tuple(elements), tuple(lines)))
    assert len(days) == 4
    return days
