"""``orbitwatch diff`` on the real May 2026 snapshots: JSON shape, order, and bad input."""

import json
from pathlib import Path

DAY_24, DAY_25, DAY_26 = "2026-05-24", "2026-05-25", "2026-05-26"


def test_the_shenzhou_23_launch_is_reported_in_json(cli, sample_dir: Path) -> None:  # type: ignore[no-untyped-def]
    result = cli("diff", str(sample_dir / DAY_24), str(sample_dir / DAY_25), "-f", "json")
    assert result.code == 0, result.err
    events = json.loads(result.out)
    for event in events:
        assert {"kind", "norad_ids", "launch_id", "epoch_before", "epoch_after", "details"} <= event.keys()
    [launch] = [e for e in events if e["kind"] == "launch"]
    assert launch["launch_id"] == "2026-113"
    assert "SHENZHOU-23" in launch["details"]["names"]


def test_dsp_satellites_joining_geo_are_not_a_launch(cli, sample_dir: Path) -> None:  # type: ignore[no-untyped-def]
    events = json.loads(cli("diff", str(sample_dir / DAY_25), str(sample_dir / DAY_26), "-f", "json").out)
    added = {n for e in events if e["kind"] == "group_added" for n in e["norad_ids"]}
    assert {26356, 26880, 28158} <= added
    assert not [e for e in events if e["kind"] == "launch"]


def test_states_in_reverse_order_are_swapped_with_a_warning(cli, sample_dir: Path) -> None:  # type: ignore[no-untyped-def]
    forward = cli("diff", str(sample_dir / DAY_24), str(sample_dir / DAY_25), "-f", "json")
    backward = cli("diff", str(sample_dir / DAY_25), str(sample_dir / DAY_24), "-f", "json")
    assert backward.code == 0
    assert "newer state" in backward.err
    assert json.loads(backward.out) == json.loads(forward.out)


def test_a_folder_without_element_files_is_one_clear_line(cli, sample_dir: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = cli("diff", str(tmp_path), str(sample_dir / DAY_25))
    assert result.code == 2
    assert "no element files" in result.err
    assert "Traceback" not in result.err


def test_store_states_at_two_times_give_the_same_launch_and_keep_it_once(cli, sample_dir: Path) -> None:  # type: ignore[no-untyped-def]
    for day in (DAY_24, DAY_25):
        assert cli("ingest", str(sample_dir / day)).code in (0, 1)

    first = cli("diff", "@2026-05-24T12:00Z", "@2026-05-25T18:00Z", "-f", "json")
    again = cli("diff", "@2026-05-24T12:00Z", "@2026-05-25T18:00Z")

    assert first.code == 0, first.err
    [launch] = [e for e in json.loads(first.out) if e["kind"] == "launch"]
    assert launch["launch_id"] == "2026-113"
    assert "(0 new to the store)" in again.out


def test_a_time_before_any_ingest_is_one_clear_line(cli, sample_dir: Path) -> None:  # type: ignore[no-untyped-def]
    cli("ingest", str(sample_dir / DAY_24))
    result = cli("diff", "@2020-01-01", "@2026-05-25")
    assert result.code == 2
    assert "holds no group ingested by 2020-01-01" in result.err
    assert "Traceback" not in result.err
