"""``orbitwatch export`` end to end: element formats still come from the store, map and window formats from
satellites read directly, and the error policy (one line, exit 2)."""

import csv
import io
import json
from pathlib import Path

import icalendar
import pytest

START = "2026-05-27T00:00:00Z"


@pytest.fixture
def stations(sample_dir: Path, tmp_path: Path) -> str:
    """The ISS alone, as a 3LE file (``--norad`` selects from the store, not from files)."""
    lines = (sample_dir / "2026-05-27" / "stations.tle").read_text().splitlines()
    first = next(k for k, line in enumerate(lines) if line.startswith("1 25544U"))
    path = tmp_path / "iss.tle"
    path.write_text("\n".join(lines[first - 1 : first + 2]) + "\n")
    return str(path)


def test_geojson_to_stdout_has_tracks_and_a_site(cli, stations: str) -> None:  # type: ignore[no-untyped-def]
    result = cli("export", "-e", stations, "--site", "Seoul", "--start", START,
                 "--hours", "6", "-f", "geojson")  # fmt: skip
    assert result.code == 0, result.err
    document = json.loads(result.out)
    kinds = [f["properties"]["kind"] for f in document["features"]]
    assert kinds.count("ground_track") == 1
    assert "site" in kinds
    assert "footprint" in kinds


@pytest.mark.parametrize(("fmt", "check"), [("czml", "[{"), ("kml", "<?xml")])
def test_map_formats_to_a_file(cli, stations: str, tmp_path: Path, fmt: str, check: str) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / f"iss.{fmt}"
    result = cli("export", "-e", stations, "--region", "korean-peninsula",
                 "--start", START, "--hours", "6", "--step-s", "120", "-f", fmt, "-o", str(out))  # fmt: skip
    assert result.code == 0, result.err
    assert out.read_text().startswith(check)
    assert f"({fmt})" in result.err


def test_csv_and_ical_write_the_same_windows(cli, stations: str) -> None:  # type: ignore[no-untyped-def]
    args = (
        "export",
        "-e",
        stations,
        "--region",
        "korean-peninsula",
        "--start",
        START,
        "--hours",
        "24",
        "--sar",
    )
    table = cli(*args, "-f", "csv")
    assert table.code == 0, table.err
    rows = list(csv.DictReader(io.StringIO(table.out, newline="")))
    assert rows
    calendar = cli(*args, "-f", "ical")
    assert calendar.code == 0, calendar.err
    events = icalendar.Calendar.from_ical(calendar.out).walk("VEVENT")
    assert len(events) == len(rows)


def test_element_formats_still_come_from_the_store(cli, sample_dir: Path) -> None:  # type: ignore[no-untyped-def]
    assert cli("ingest", str(sample_dir / "2026-05-24")).code == 0
    result = cli("export", "--group", "stations", "--format", "3le")
    assert result.code == 0, result.err
    assert result.out.startswith("ISS") or "1 25544U" in result.out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("-f", "pdf"), "--format 'pdf' is not one of"),
        (("-f", "csv"), "give --site or --region"),
        (("-f", "tle", "--site", "Seoul"), "apply to the map and window formats"),
        (("-f", "kml", "--footprints", "all"), "--footprints 'all' is not one of"),
        (("-f", "kml", "--step-s", "0"), "--step-s must be positive"),
    ],
)
def test_errors_are_one_line_exit_2(cli, stations: str, args: tuple[str, ...], message: str) -> None:  # type: ignore[no-untyped-def]
    result = cli("export", "-e", stations, "--start", START, "--hours", "1", *args)
    assert result.code == 2
    assert message in result.err
    assert "Traceback" not in result.err
    assert len(result.err.strip().splitlines()) == 1
