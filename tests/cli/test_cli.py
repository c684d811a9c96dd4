"""The CLI end to end on the bundled real sample: ingest, catalog, show, export, and the error policy."""

import csv
import io
import json
from itertools import pairwise
from pathlib import Path

import pytest
from sgp4.api import Satrec


def _catalog_numbers(path: Path) -> set[int]:
    """Catalog numbers of a 3LE file, read independently of orbitwatch (python-sgp4)."""
    lines = path.read_text().splitlines()
    return {Satrec.twoline2rv(a, b).satnum for a, b in pairwise(lines) if a.startswith("1 ")}


def test_ingest_sample_then_again_adds_nothing(cli, sample_dir: Path) -> None:  # type: ignore[no-untyped-def]
    first = cli("ingest", str(sample_dir))
    assert first.code == 0, first.err
    assert "ingested" in first.out
    second = cli("ingest", str(sample_dir))
    assert second.code == 0
    assert "already ingested" in second.out
    assert second.out.count("already ingested (ingest") == len(list(sample_dir.rglob("*.tle")))
    assert "0 new element sets stored" in second.out


def test_catalog_json_lists_the_military_group(cli, sample_dir: Path) -> None:  # type: ignore[no-untyped-def]
    assert cli("ingest", str(sample_dir)).code == 0
    result = cli("catalog", "--group", "military", "--format", "json")
    assert result.code == 0, result.err
    rows = json.loads(result.out)
    assert {row["norad_id"] for row in rows} == _catalog_numbers(sample_dir / "2026-05-27" / "military.tle")
    for row in rows:
        assert {
            "norad_id",
            "name",
            "intl_designator",
            "owner",
            "object_type",
            "epoch_utc",
            "groups",
        } <= row.keys()
        assert "military" in row["groups"]
        assert row["epoch_utc"].endswith("Z")


def test_catalog_csv_has_a_header_row(cli, sample_dir: Path) -> None:  # type: ignore[no-untyped-def]
    assert cli("ingest", str(sample_dir / "2026-05-24")).code == 0
    result = cli("catalog", "--group", "weather", "--format", "csv")
    assert result.code == 0, result.err
    rows = list(csv.DictReader(io.StringIO(result.out)))
    assert len(rows) == len(_catalog_numbers(sample_dir / "2026-05-24" / "weather.tle"))
    assert {"norad_id", "name", "intl_designator", "owner", "object_type", "epoch_utc", "groups"} <= rows[
        0
    ].keys()


def test_show_gives_the_element_history(cli, sample_dir: Path) -> None:  # type: ignore[no-untyped-def]
    assert cli("ingest", str(sample_dir)).code == 0
    result = cli("show", "25544", "--format", "json")
    assert result.code == 0, result.err
    detail = json.loads(result.out)
    distinct_sets = {_lines_of(day / "stations.tle", 25544) for day in sample_dir.iterdir() if day.is_dir()}
    assert len(detail["history"]) == len(distinct_sets)
    assert detail["name"].startswith("ISS")


def _lines_of(path: Path, norad_id: int) -> tuple[str, str]:
    lines = path.read_text().splitlines()
    for a, b in pairwise(lines):
        if a.startswith("1 ") and int(a[2:7]) == norad_id:
            return a, b
    raise AssertionError(f"{norad_id} not in {path}")


def test_export_tle_is_read_by_python_sgp4(cli, sample_dir: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert cli("ingest", str(sample_dir / "2026-05-24")).code == 0
    out = tmp_path / "resource.tle"
    result = cli("export", "--group", "resource", "--format", "tle", "-o", str(out))
    assert result.code == 0, result.err
    assert _catalog_numbers(out) == _catalog_numbers(sample_dir / "2026-05-24" / "resource.tle")
    original = (sample_dir / "2026-05-24" / "resource.tle").read_text().splitlines()
    exported = out.read_text().splitlines()
    assert sorted(line for line in exported) == sorted(line for line in original if line[:2] in ("1 ", "2 "))


def test_a_refused_record_is_reported_and_exits_1(cli, sample_dir: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    lines = (sample_dir / "2026-05-24" / "military.tle").read_text().splitlines()
    lines[4] = lines[4][:20] + "X" + lines[4][21:]  # a letter in the epoch of the second record's line 1
    bad = tmp_path / "bad.tle"
    bad.write_text("\n".join(lines) + "\n")
    result = cli("ingest", str(bad))
    assert result.code == 1
    assert "line 5" in result.err
    assert "Traceback" not in result.err
    listing = json.loads(cli("catalog", "--format", "json").out)
    assert len(listing) == len(_catalog_numbers(bad)) - 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("ingest", "/nonexistent/file.tle"), "/nonexistent/file.tle"),
        (("show", "99999"), "99999"),
        (("catalog", "--format", "xml"), "--format"),
        (("ingest",), "nothing to ingest"),
    ],
)
def test_errors_are_one_line_without_traceback(cli, args: tuple[str, ...], message: str) -> None:  # type: ignore[no-untyped-def]
    result = cli(*args)
    assert result.code != 0
    assert message in result.err
    assert "Traceback" not in result.err + result.out


def test_a_bad_database_url_is_a_clear_error(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("--db", "nosuchdialect://x", "catalog", with_db=False)
    assert result.code == 2
    assert "nosuchdialect" in result.err
    assert "Traceback" not in result.err
