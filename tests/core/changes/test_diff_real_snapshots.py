"""Snapshot comparison on real CelesTrak snapshots of 2026-05-24 to 2026-05-26.

The 24th is the full benchmark catalog; the 25th is the bundled sample plus the Starlink and OneWeb
groups of ``tests/data/snapshots``; the GEO groups of the 25th and 26th are the bundled sample.
"""

import math
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest

from orbitwatch.core.changes import CatalogState, ChangeEvent, catalog_state, diff_states
from orbitwatch.core.elements.formats import read_elements
from orbitwatch.core.elements.model import ElementSet

ROOT = Path(__file__).resolve().parents[3]
SAMPLE = ROOT / "src" / "orbitwatch" / "io" / "bundled" / "sample"
FULL_24 = ROOT / "benchmarks" / "data" / "celestrak-2026-05-24"
EXTRA_25 = ROOT / "tests" / "data" / "snapshots" / "2026-05-25"
DECAYED_STARLINK_24_TO_25 = {46168: "STARLINK-1627", 46749: "STARLINK-1911", 48592: "STARLINK-2249"}


def _read(path: Path) -> tuple[ElementSet, ...]:
    return tuple(read_elements(path.read_bytes(), str(path)).records)


def _state(*folders: Path, groups: tuple[str, ...] = ()) -> CatalogState:
    files = [f for folder in folders for f in sorted(folder.glob("*.tle")) if not groups or f.stem in groups]
    return catalog_state({f.stem: _read(f) for f in files})


@pytest.fixture(scope="module")
def full_24_to_25() -> tuple[ChangeEvent, ...]:
    return diff_states(_state(FULL_24), _state(SAMPLE / "2026-05-25", EXTRA_25))


def test_the_full_catalog_changes_by_one_launch_and_four_decay_candidates(
    full_24_to_25: tuple[ChangeEvent, ...],
) -> None:
    assert Counter(e.kind for e in full_24_to_25) == {"launch": 1, "decay_candidate": 4}


def test_a_starlink_still_listed_but_decaying_is_a_decay_candidate(
    full_24_to_25: tuple[ChangeEvent, ...],
) -> None:
    # STARLINK-1624 is still in the snapshot of the 25th with a perigee near 200 km; its central re-entry
    # estimate is 2026-05-27T10:41Z, and CelesTrak indeed dropped it from the snapshot of the 27th.
    (still,) = [e for e in full_24_to_25 if e.kind == "decay_candidate" and e.details.get("still_in_catalog")]
    assert still.norad_ids == (46130,)
    assert still.details["name"] == "STARLINK-1624"
    window = [str(still.details[k]) for k in ("reentry_earliest_utc", "reentry_latest_utc")]
    assert window[0] < "2026-05-27T00:00" < window[1]


def test_shenzhou_23_is_a_launch_with_its_designator(full_24_to_25: tuple[ChangeEvent, ...]) -> None:
    (launch,) = [e for e in full_24_to_25 if e.kind == "launch"]
    assert launch.launch_id == "2026-113"
    assert launch.norad_ids == (69180,)
    assert launch.details["names"] == ("SHENZHOU-23",)
    assert launch.details["intl_designators"] == ("2026-113A",)
    assert launch.details["pieces"] == 1
    assert isinstance(launch.epoch_before, datetime)
    assert isinstance(launch.epoch_after, datetime)
    assert launch.epoch_before < launch.epoch_after


def test_shenzhou_23_orbit_figures_agree_with_keplers_third_law(
    full_24_to_25: tuple[ChangeEvent, ...],
) -> None:
    (launch,) = [e for e in full_24_to_25 if e.kind == "launch"]
    (shenzhou,) = [e for e in _read(SAMPLE / "2026-05-25" / "stations.tle") if e.norad_id == 69180]
    n_rad_s = shenzhou.mean_motion_rev_per_day * 2.0 * math.pi / 86_400.0
    a_km = (398_600.8 / n_rad_s**2) ** (1.0 / 3.0)
    perigee_by_hand_km = a_km * (1 - shenzhou.eccentricity) - 6378.135
    apogee_by_hand_km = a_km * (1 + shenzhou.eccentricity) - 6378.135
    figures = {
        k: _one_float(launch, k) for k in ("perigee_alt_km", "apogee_alt_km", "period_min", "inclination_deg")
    }
    assert figures["perigee_alt_km"] == pytest.approx(perigee_by_hand_km, abs=15.0)
    assert figures["apogee_alt_km"] == pytest.approx(apogee_by_hand_km, abs=15.0)
    assert figures["period_min"] == pytest.approx(1440.0 / shenzhou.mean_motion_rev_per_day, abs=1e-3)
    assert figures["inclination_deg"] == pytest.approx(41.47, abs=0.01)


def _one_float(event: ChangeEvent, key: str) -> float:
    value = event.details[key]
    assert isinstance(value, tuple)
    (only,) = value
    assert isinstance(only, float)
    return only


def test_removed_starlinks_are_decay_candidates_with_a_window(full_24_to_25: tuple[ChangeEvent, ...]) -> None:
    decays = [e for e in full_24_to_25 if e.kind == "decay_candidate" and "old_groups" in e.details]
    assert {e.norad_ids[0]: e.details["name"] for e in decays} == DECAYED_STARLINK_24_TO_25
    for event in decays:
        details = event.details
        perigee_km = details["perigee_alt_km"]
        assert isinstance(perigee_km, float)
        assert perigee_km < 160.0
        assert details["old_groups"] == ("starlink",)
        earliest, central, latest = (
            str(details[k]) for k in ("reentry_earliest_utc", "reentry_central_utc", "reentry_latest_utc")
        )
        assert earliest < central < latest
        # CelesTrak dropped them from the snapshot of the 25th: the central estimate is before it.
        assert event.epoch_after is not None
        assert datetime.fromisoformat(central) < event.epoch_after


def test_dsp_satellites_joining_geo_are_group_added_not_launches() -> None:
    events = diff_states(
        _state(SAMPLE / "2026-05-25", groups=("geo",)), _state(SAMPLE / "2026-05-26", groups=("geo",))
    )
    added = {e.norad_ids[0]: e for e in events if e.kind == "group_added"}
    assert not [e for e in events if e.kind in ("launch", "new_object")]
    dsp = {i: e.details["name"] for i, e in added.items() if "DSP" in str(e.details["name"])}
    assert dsp == {26356: "USA 149 (DSP 20)", 26880: "USA 159 (DSP 21)", 28158: "USA 176 (DSP 22)"}
    assert all(added[i].details["new_groups"] == ("geo",) for i in dsp)


def test_dsp_satellites_are_group_added_in_the_whole_sample_too() -> None:
    events = diff_states(_state(SAMPLE / "2026-05-25"), _state(SAMPLE / "2026-05-26"))
    kinds = {e.norad_ids[0]: e.kind for e in events}
    assert {kinds[i] for i in (26356, 26880, 28158)} == {"group_added"}
    assert "launch" not in kinds.values()
