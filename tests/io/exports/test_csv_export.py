"""CSV of opportunity windows: read back with the csv module, the documented columns, values as written."""

import csv
import io
from datetime import datetime
from pathlib import Path

import pytest
from export_samples import Scene, build_scene

from orbitwatch.io.exports.csv_export import OPPORTUNITY_COLUMNS, opportunities_csv


@pytest.fixture(scope="module")
def scene(sample_dir: Path) -> Scene:
    return build_scene(sample_dir)


def test_round_trip_through_the_csv_module(scene: Scene) -> None:
    opportunities = scene[0].opportunities
    errors = [float(k) + 0.3 for k in range(len(opportunities))]
    text = opportunities_csv(opportunities, errors)
    assert text.endswith("\r\n")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert tuple(rows[0].keys()) == OPPORTUNITY_COLUMNS
    assert len(rows) == len(opportunities)
    for row, o, error in zip(rows, opportunities, errors, strict=True):
        assert int(row["norad_id"]) == o.norad_id
        assert row["name"] == o.name
        assert row["target"] == o.target
        for column, moment in (("start_utc", o.start_utc), ("best_utc", o.best_utc), ("end_utc", o.end_utc)):
            assert row[column].endswith("Z")
            read = datetime.fromisoformat(row[column].replace("Z", "+00:00"))
            assert abs((read - moment).total_seconds()) < 1e-3
        assert float(row["duration_s"]) == pytest.approx(o.duration_s, abs=1e-3)
        assert float(row["min_off_nadir_deg"]) == pytest.approx(o.min_off_nadir_deg, abs=1e-3)
        assert float(row["ground_range_km"]) == pytest.approx(o.ground_range_km, abs=1e-3)
        assert float(row["time_error_s"]) == pytest.approx(error, abs=0.05)
        assert row["start_clipped"] in ("true", "false")


def test_names_with_commas_and_quotes_survive() -> None:
    from dataclasses import replace

    from orbitwatch.core.events.imaging import Opportunity

    base = Opportunity(
        1, 'SAT "A", B', "Site, X", *(datetime(2026, 5, 27),) * 3, 1.0, 2.0, 3.0, 4.0, False, True, None
    )
    text = opportunities_csv([base, replace(base, norad_id=2)])
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert [r["name"] for r in rows] == ['SAT "A", B'] * 2
    assert rows[0]["element_age_days"] == ""
    assert rows[0]["time_error_s"] == ""
    assert rows[0]["end_clipped"] == "true"


def test_error_count_must_match() -> None:
    with pytest.raises(ValueError, match="timing errors"):
        opportunities_csv([], [1.0])
