"""The overflight warning on the command line: formats, selections, hypothetical satellites, errors.

The geometry itself is checked against Skyfield in tests/core/events; here the commands are checked
end to end on the bundled real sample, read directly from files (no database needed).
"""

import csv
import io
import json
from datetime import datetime, timedelta
from pathlib import Path

import icalendar
import pytest

from orbitwatch.core.elements.formats import read_elements
from orbitwatch.core.elements.model import ElementSet
from orbitwatch.core.elements.tle import write_tle

START = "2026-05-27T00:00:00Z"
DAY = "2026-05-27"


@pytest.fixture
def resource(sample_dir: Path) -> str:
    return str(sample_dir / DAY / "resource.tle")


def _json(result) -> list[dict[str, object]]:  # type: ignore[no-untyped-def]
    assert result.code == 0, result.err
    rows: list[dict[str, object]] = json.loads(result.out)
    return rows


def test_passes_csv_has_the_documented_columns_and_times(cli, sample_dir: Path) -> None:  # type: ignore[no-untyped-def]
    stations = str(sample_dir / DAY / "stations.tle")
    result = cli("passes", "--site", "Seoul", "-e", stations, "--start", START, "--hours", "24", "-f", "csv")
    assert result.code == 0, result.err
    rows = list(csv.DictReader(io.StringIO(result.out)))
    header = result.out.splitlines()[0]
    assert header == (
        "norad_id,name,site,rise_utc,culmination_utc,set_utc,max_elevation_deg,"
        "rise_azimuth_deg,set_azimuth_deg,visible"
    )
    assert rows
    for row in rows:
        rise, culm, end = (
            datetime.fromisoformat(row[k].replace("Z", "+00:00"))
            for k in ("rise_utc", "culmination_utc", "set_utc")
        )
        assert rise <= culm <= end
        assert row["rise_utc"].endswith("Z")
        assert len(row["rise_utc"]) == len("2026-05-27T00:00:00.000Z")
        assert float(row["max_elevation_deg"]) >= 10.0 - 1e-6
        assert row["visible"] in ("true", "false")
    assert any(row["norad_id"] == "25544" for row in rows)


def test_visible_only_keeps_only_visible_passes(cli, sample_dir: Path) -> None:  # type: ignore[no-untyped-def]
    stations = str(sample_dir / DAY / "stations.tle")
    every = _json(cli("passes", "-s", "Seoul", "-e", stations, "--start", START, "-f", "json"))
    visible = _json(
        cli("passes", "-s", "Seoul", "-e", stations, "--start", START, "-f", "json", "--visible-only")
    )
    assert visible == [p for p in every if p["visible"]]


def test_overflights_json_csv_and_ics_agree(cli, resource: str) -> None:  # type: ignore[no-untyped-def]
    args = ("overflights", "--site", "Pyongyang", "-e", resource, "--start", START, "--hours", "12")
    rows = _json(cli(*args, "-f", "json"))
    assert rows
    assert [r["start_utc"] for r in rows] == sorted(r["start_utc"] for r in rows)  # type: ignore[type-var]
    for r in rows:
        assert float(r["min_off_nadir_deg"]) <= 30.0 + 1e-6  # type: ignore[arg-type]
        assert float(r["sun_elevation_deg"]) >= 10.0 - 1e-6  # type: ignore[arg-type]
    table = cli(*args, "-f", "csv")
    header = table.out.splitlines()[0]
    assert header == (
        "norad_id,name,target,start_utc,best_utc,end_utc,min_off_nadir_deg,ground_range_km,sun_elevation_deg"
    )
    assert len(table.out.splitlines()) == len(rows) + 1
    calendar = icalendar.Calendar.from_ical(cli(*args, "-f", "ics").out)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == len(rows)
    assert {str(e["UID"]) for e in events}.__len__() == len(rows)


def test_a_sar_sensor_sees_at_night_too(cli, resource: str) -> None:  # type: ignore[no-untyped-def]
    base = ("overflights", "-s", "Pyongyang", "-e", resource, "--start", START, "-f", "json")
    optical, sar = _json(cli(*base)), _json(cli(*base, "--sar"))
    assert len(sar) > len(optical)
    assert any(float(r["sun_elevation_deg"]) < 0 for r in sar)  # type: ignore[arg-type]


def test_a_region_sees_at_least_what_its_sites_see(cli, resource: str) -> None:  # type: ignore[no-untyped-def]
    base = ("overflights", "-e", resource, "--start", START, "--hours", "6", "-f", "json")
    at_site = {r["norad_id"] for r in _json(cli(*base, "-s", "Pyongyang"))}
    in_region = {r["norad_id"] for r in _json(cli(*base, "-r", "korean-peninsula"))}
    assert at_site <= in_region


def test_hypothetical_satellites_add_revisit(cli, resource: str) -> None:  # type: ignore[no-untyped-def]
    base = ("revisit", "-s", "Sohae", "-e", resource, "--start", START, "-f", "json")
    [before] = _json(cli(*base))
    [after] = _json(cli(*base, "--hypothetical", "sso:alt=500,ltdn=10:30,count=3,spacing=120"))
    assert after["opportunities"] > before["opportunities"]  # type: ignore[operator]
    assert after["max_gap_s"] <= before["max_gap_s"]  # type: ignore[operator]
    gaps = before["unobserved"]
    assert isinstance(gaps, list)
    assert gaps


def test_who_saw_finds_the_satellite_of_a_known_opportunity(cli, resource: str) -> None:  # type: ignore[no-untyped-def]
    [first, *_] = _json(cli("overflights", "-s", "Pyongyang", "-e", resource, "--start", START, "-f", "json"))
    result = cli("who-saw", "-s", "Pyongyang", "--time", str(first["best_utc"]), "-e", resource, "-f", "json",
                 "--max-off-nadir", "30", "--min-sun-elevation", "10")  # fmt: skip
    assert first["norad_id"] in {r["norad_id"] for r in _json(result)}


def test_tables_show_the_chosen_time_zone(cli, sample_dir: Path) -> None:  # type: ignore[no-untyped-def]
    stations = str(sample_dir / DAY / "stations.tle")
    [first, *_] = _json(
        cli("passes", "-s", "Seoul", "-e", stations, "--start", START, "-f", "json", "-n", "25544")
    )
    seoul = cli("passes", "-s", "Seoul", "-e", stations, "--start", START, "--tz", "Asia/Seoul")
    rise = datetime.fromisoformat(str(first["rise_utc"]).replace("Z", "+00:00")) + timedelta(hours=9)
    assert rise.strftime("%Y-%m-%d %H:%M:%S") in seoul.out
    assert "Asia/Seoul" in seoul.out


def _decaying(sample_dir: Path, tmp_path: Path) -> str:
    """The military file plus one element set that SGP4 gives up on within hours (it decays)."""
    [sat, *_] = read_elements((sample_dir / DAY / "military.tle").read_bytes(), "m").records
    fields = {f: getattr(sat, f) for f in ElementSet.__dataclass_fields__}
    bad = ElementSet(**{**fields, "norad_id": 99001, "name": "DOOMED", "mean_motion_rev_per_day": 16.4,
                        "eccentricity": 0.02, "bstar_per_earth_radius": 0.5})  # fmt: skip
    path = tmp_path / "with-bad.tle"
    path.write_text((sample_dir / DAY / "military.tle").read_text() + write_tle([bad], with_names=True))
    return str(path)


def test_a_satellite_sgp4_rejects_is_reported_and_the_rest_computed(  # type: ignore[no-untyped-def]
    cli, sample_dir: Path, tmp_path: Path
) -> None:
    result = cli(
        "passes", "-s", "Seoul", "-e", _decaying(sample_dir, tmp_path), "--start", START, "-f", "json"
    )
    assert result.code == 0, result.err
    assert "99001 DOOMED skipped" in result.err
    assert json.loads(result.out)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("passes", "-s", "Atlantis"), "Atlantis"),
        (("passes", "-s", "Here=91,10"), "Here=91,10"),
        (("passes", "-s", "Here=abc"), "Here=abc"),
        (("passes", "-s", "Seoul", "--hours", "0"), "positive length"),
        (("passes", "-s", "Seoul", "--hours", "-3"), "positive length"),
        (("passes", "-s", "Seoul", "--start", "yesterday"), "ISO 8601"),
        (("passes", "-s", "Seoul", "--min-elevation", "95"), "elevation"),
        (("overflights", "-s", "Seoul", "--tz", "Mars/Olympus"), "Mars/Olympus"),
        (("overflights", "-r", "nowhere-land"), "nowhere-land"),
        (("overflights", "-s", "Seoul", "--max-off-nadir", "120"), "off"),
    ],
)
def test_bad_input_is_one_clear_line(cli, resource: str, args: tuple[str, ...], message: str) -> None:  # type: ignore[no-untyped-def]
    result = (
        cli(*args, "-e", resource, "--start", START) if "--start" not in args else cli(*args, "-e", resource)
    )
    assert result.code == 2, result.out
    assert message in result.err
    assert "Traceback" not in result.err


def test_a_region_that_is_not_a_polygon_is_refused(cli, resource: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bowtie = tmp_path / "bowtie.geojson"
    bowtie.write_text(
        json.dumps({"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]})
    )
    result = cli("overflights", "-r", str(bowtie), "-e", resource, "--start", START)
    assert result.code == 2
    assert "not a valid polygon" in result.err


def test_padding_widens_each_window_by_its_error_bar(cli, resource: str) -> None:  # type: ignore[no-untyped-def]
    base = ("overflights", "-s", "Pyongyang", "-e", resource, "--start", START, "--hours", "6", "-f", "json")
    plain, wide = _json(cli(*base)), _json(cli(*base, "--pad-sigma", "3"))
    assert len(plain) == len(wide)
    for a, b in zip(plain, wide, strict=True):
        pad_s = 3 * float(a["time_error_s"])  # type: ignore[arg-type]
        start_a, start_b = (
            datetime.fromisoformat(str(x).replace("Z", "+00:00")) for x in (a["start_utc"], b["start_utc"])
        )
        assert abs((start_a - start_b).total_seconds() - pad_s) < 0.16  # errors are printed to 0.1 s


def test_error_bars_come_from_the_stored_history(cli, sample_dir: Path) -> None:  # type: ignore[no-untyped-def]
    assert cli("ingest", str(sample_dir)).code == 0
    passes = _json(cli("passes", "-s", "Seoul", "-n", "25544", "--start", START, "-f", "json"))
    assert passes
    for p in passes:
        assert float(p["time_error_s"]) > 0  # type: ignore[arg-type]
        assert p["element_age_days"] is not None


def test_stored_sites_and_regions_are_used_by_name(cli, resource: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert cli("sites", "add", "Hill 203=38.9,125.7,120").code == 0
    assert "Hill 203" in cli("sites", "list").out
    box = tmp_path / "box.geojson"
    box.write_text(
        json.dumps(
            {"type": "Polygon", "coordinates": [[[125, 38], [127, 38], [127, 40], [125, 40], [125, 38]]]}
        )
    )
    assert cli("regions", "add", "Box", str(box)).code == 0
    rows = _json(
        cli("overflights", "-s", "Hill 203", "-r", "Box", "-e", resource, "--start", START, "-f", "json")
    )
    assert {r["target"] for r in rows} == {"Hill 203", "Box"}
    assert cli("sites", "delete", "Hill 203").code == 0
    assert cli("sites", "delete", "Hill 203").code == 2
