"""``manoeuvres``, ``maneuvers``, ``history``, ``launch-estimate``, ``prelaunch`` on the real sample."""

import json
from pathlib import Path

import pytest

SHENZHOU_23 = 69180
EXPRESS_103 = 45985  # GEO; a north-south station-keeping burn between 2026-05-20 and 2026-05-25


@pytest.fixture
def ingested(cli, sample_dir: Path):  # type: ignore[no-untyped-def]
    assert cli("ingest", str(sample_dir)).code in (0, 1)
    return cli


def test_manoeuvres_json_has_the_documented_fields_and_are_kept_once(ingested) -> None:  # type: ignore[no-untyped-def]
    first = ingested("manoeuvres", "--group", "geo", "-f", "json")
    again = ingested("maneuvers", "--group", "geo")

    assert first.code == 0, first.err
    found = json.loads(first.out)
    assert found
    fields = {"norad_id", "epoch_before", "epoch_after", "estimated_time_utc", "kind", "delta_a_km",
              "delta_i_deg", "delta_v_mps", "confidence"}  # fmt: skip
    assert all(fields <= m.keys() for m in found)
    assert {m["kind"] for m in found} <= {"in_plane", "out_of_plane", "both", "campaign"}
    assert f"{len(found)} manoeuvres (0 new to the store)" in again.out


def test_a_geo_plane_burn_is_out_of_plane_with_its_delta_v(ingested) -> None:  # type: ignore[no-untyped-def]
    found = json.loads(ingested("manoeuvres", "--norad", str(EXPRESS_103), "-f", "json").out)
    (burn,) = [m for m in found if m["kind"] == "out_of_plane"]
    assert burn["epoch_before"] < burn["estimated_time_utc"] < burn["epoch_after"]
    # 2 v sin(di/2) with v = 3.07 km/s and di = 0.0022 deg: 0.118 m/s.
    assert burn["delta_v_mps"] == pytest.approx(0.118, abs=0.005)


def test_since_keeps_only_later_manoeuvres(ingested) -> None:  # type: ignore[no-untyped-def]
    later = json.loads(ingested("manoeuvres", "--group", "geo", "--since", "2026-05-26", "-f", "json").out)
    assert all(m["estimated_time_utc"] >= "2026-05-26" for m in later)


def test_manoeuvre_attribution_lists_station_passes_and_overflight_changes(ingested) -> None:  # type: ignore[no-untyped-def]
    (burn,) = json.loads(ingested("manoeuvres", "--norad", "43488", "--station", "Kiruna=67.86,20.96",
                                  "--watch", "Seoul", "-f", "json").out)  # fmt: skip
    assert "command_passes" in burn
    assert burn["overflight_changes"]
    assert all(change["site"] == "Seoul" for change in burn["overflight_changes"])


def test_an_object_with_a_single_element_set_is_one_clear_line(cli, tmp_path: Path, sample_dir: Path) -> None:  # type: ignore[no-untyped-def]
    cli("ingest", str(sample_dir / "2026-05-27" / "stations.tle"))
    result = cli("manoeuvres", "--norad", str(SHENZHOU_23))
    assert result.code == 2
    assert "single element set" in result.err
    assert "no manoeuvre analysis possible" in result.err
    assert "Traceback" not in result.err


def test_an_unknown_object_is_one_clear_line(ingested) -> None:  # type: ignore[no-untyped-def]
    for command in (("manoeuvres", "--norad", "1"), ("history", "1"), ("launch-estimate", "1")):
        result = ingested(*command)
        assert result.code == 2, command
        assert "object 1 is not in the catalog" in result.err
        assert "Traceback" not in result.err


def test_history_plot_is_written_with_the_events(ingested, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    plot = tmp_path / "express.png"
    result = ingested("history", str(EXPRESS_103), "--plot", str(plot), "-f", "json")
    assert result.code == 0, result.err
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    shown = json.loads(result.out)
    assert len(shown["history"]) == 4
    assert shown["events"]
    assert {e["kind"] for e in shown["events"]} == {"manoeuvre"}


def test_launch_estimate_of_shenzhou_23_ranks_jiuquan_first_and_says_the_orbit_is_inherited(ingested) -> None:  # type: ignore[no-untyped-def]
    (estimate,) = json.loads(ingested("launch-estimate", str(SHENZHOU_23), "-f", "json").out)
    assert estimate["candidates"][0]["site"] == "Jiuquan"
    assert estimate["inherited_orbit"] is True
    assert any("28965" in note for note in estimate["notes"])
    assert all(c["launch_time_utc"] is None for c in estimate["candidates"])


def test_launch_estimate_needs_one_of_a_number_or_a_file(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("launch-estimate")
    assert result.code == 2
    assert "give a catalog number or --elements PATH" in result.err


def test_prelaunch_from_an_inclination_gives_a_proxy_the_overflight_commands_take(
    cli, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    args = (
        "prelaunch",
        "--site",
        "Sohae",
        "--inclination",
        "97.5",
        "--time",
        "2026-12-01T03:00Z",
        "--altitude",
        "500",
    )
    plan = json.loads(cli(*args).out)
    assert plan["inclination_deg"] == pytest.approx(97.5, abs=0.05)
    omm = tmp_path / "proxy.kvn"
    omm.write_text(cli(*args, "-f", "omm").out)

    passes = cli("passes", "--elements", str(omm), "--site", "Seoul", "--start", "2026-12-01T03:00Z",
                 "--hours", "24", "-f", "json", with_db=False)  # fmt: skip
    assert passes.code == 0, passes.err
    assert json.loads(passes.out)


def test_prelaunch_tle_uses_a_placeholder_number_and_says_so(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("prelaunch", "--site", "Tonghae", "--azimuth", "90", "--time", "2026-12-01T03:00Z",
                 "--altitude", "400", "-f", "tle")  # fmt: skip
    assert result.code == 0, result.err
    assert result.out.splitlines()[1].startswith("1 99999U")
    assert "99999" in result.err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--inclination", "30"), "below"),
        (("--azimuth", "90", "--inclination", "41"), "exactly one of"),
        (("--hazard-areas", "/nonexistent.geojson"), "not a readable GeoJSON file"),
    ],
)
def test_prelaunch_bad_input_is_one_clear_line(cli, args: tuple[str, ...], message: str) -> None:  # type: ignore[no-untyped-def]
    result = cli("prelaunch", "--site", "Jiuquan", "--time", "2026-12-01T03:00Z", "--altitude", "400", *args)
    assert result.code == 2
    assert message in result.err
    assert "Traceback" not in result.err
