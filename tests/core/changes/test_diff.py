"""Snapshot comparison on small hand-built states: each event kind and its figures."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from orbitwatch.core.changes import ChangeEvent, catalog_state, diff_states, group_by_orbit, launch_id
from orbitwatch.core.elements.model import ElementSet
from orbitwatch.errors import ElementsError

T0 = datetime(2026, 5, 24, tzinfo=UTC)
T1 = T0 + timedelta(days=1)


def _sat(
    norad_id: int,
    designator: str,
    name: str = "SAT",
    *,
    mean_motion_rev_per_day: float = 15.5,
    inclination_deg: float = 51.6,
    raan_deg: float = 100.0,
) -> ElementSet:
    return ElementSet(
        norad_id=norad_id,
        epoch_utc=T0 - timedelta(hours=1),
        mean_motion_rev_per_day=mean_motion_rev_per_day,
        eccentricity=0.0005,
        inclination_deg=inclination_deg,
        raan_deg=raan_deg,
        arg_perigee_deg=0.0,
        mean_anomaly_deg=0.0,
        name=name,
        intl_designator=designator,
    )


def _later(e: ElementSet, name: str | None = None) -> ElementSet:
    return replace(e, epoch_utc=e.epoch_utc + timedelta(days=1), name=e.name if name is None else name)


OLD_SAT = _sat(25544, "1998-067A", "ISS (ZARYA)")
RECENT = _sat(69000, "2026-100A", "RECENT")


def _states(old: dict[str, list[ElementSet]], new: dict[str, list[ElementSet]]) -> tuple[ChangeEvent, ...]:
    return diff_states(catalog_state(old, T0), catalog_state(new, T1))


def test_identical_states_have_no_events() -> None:
    groups = {"stations": [OLD_SAT, RECENT], "visual": [OLD_SAT]}
    assert _states(groups, groups) == ()


def test_a_new_launch_is_one_event_with_its_pieces_and_orbit() -> None:
    pieces = [_sat(69180, "2026-113A", "SHENZHOU"), _sat(69181, "2026-113B", "CZ-2F R/B", raan_deg=101.0)]
    (event,) = diff_states(catalog_state({"s": [RECENT]}, T0), catalog_state({"s": [RECENT, *pieces]}, T1))
    assert event.kind == "launch"
    assert event.launch_id == "2026-113"
    assert event.norad_ids == (69180, 69181)
    assert event.epoch_before == T0
    assert event.epoch_after == pieces[0].epoch_utc
    assert event.details["pieces"] == 2
    assert event.details["names"] == ("SHENZHOU", "CZ-2F R/B")
    assert event.details["inclination_deg"] == (51.6, 51.6)


def test_a_new_piece_of_a_known_launch_is_a_new_object() -> None:
    piece = _sat(69001, "2026-100C", "RECENT DEB")
    (event,) = diff_states(catalog_state({"s": [RECENT]}, T0), catalog_state({"s": [RECENT, piece]}, T1))
    assert (event.kind, event.norad_ids, event.launch_id) == ("new_object", (69001,), "2026-100")


def test_an_old_object_new_to_every_group_is_group_added_not_a_launch() -> None:
    dsp = _sat(26356, "2000-024A", "USA 149 (DSP 20)", mean_motion_rev_per_day=1.0027, inclination_deg=5.0)
    (event,) = diff_states(catalog_state({"geo": [RECENT]}, T0), catalog_state({"geo": [RECENT, dsp]}, T1))
    assert (event.kind, event.norad_ids, event.epoch_before) == ("group_added", (26356,), None)
    assert event.details["new_groups"] == ("geo",)
    assert event.details["old_groups"] == ()


def test_an_earlier_launch_of_this_year_new_to_every_group_is_group_added() -> None:
    older = _sat(60000, "2026-050A", "OLDER THIS YEAR")
    (event,) = diff_states(catalog_state({"s": [RECENT]}, T0), catalog_state({"s": [RECENT, older]}, T1))
    assert event.kind == "group_added"


def test_moving_between_groups_gives_group_added_and_group_removed() -> None:
    later = _later(OLD_SAT)
    events = _states({"stations": [OLD_SAT]}, {"visual": [later]})
    assert [(e.kind, e.details["groups"]) for e in events] == [
        ("group_added", ("stations", "visual")),
        ("group_removed", ("stations", "visual")),
    ]
    assert all(e.epoch_before == OLD_SAT.epoch_utc and e.epoch_after == later.epoch_utc for e in events)


def test_a_renamed_object_is_reported_with_both_names() -> None:
    (event,) = _states({"s": [OLD_SAT]}, {"s": [_later(OLD_SAT, name="ISS")]})
    assert event.kind == "renamed"
    assert dict(event.details) == {"old_name": "ISS (ZARYA)", "new_name": "ISS"}


def test_a_removed_high_object_is_removed_without_a_reentry_window() -> None:
    (event,) = _states({"s": [OLD_SAT, RECENT]}, {"s": [_later(RECENT)]})
    assert (event.kind, event.norad_ids, event.epoch_after) == ("removed", (25544,), T1)
    assert event.details["reentry_central_utc"] is None


def test_a_removed_low_object_with_drag_is_a_decay_candidate() -> None:
    low = replace(_sat(46168, "2020-057BD", mean_motion_rev_per_day=16.45), mean_motion_dot_rev_per_day2=0.1)
    (event,) = _states({"s": [low, RECENT]}, {"s": [_later(RECENT)]})
    assert event.kind == "decay_candidate"
    assert isinstance(event.details["reentry_central_utc"], str)
    assert event.details["perigee_alt_km"] == pytest.approx(low.perigee_alt_km, abs=0.1)


def test_objects_without_designator_are_grouped_by_orbit_similarity() -> None:
    a = _sat(80001, "")
    b = _sat(80002, "", raan_deg=101.5, inclination_deg=51.9, mean_motion_rev_per_day=15.6)
    c = _sat(80003, "", raan_deg=103.0)  # within 2 deg of b but not of a: joins by single linkage
    far = _sat(80004, "", inclination_deg=97.5)
    assert [[e.norad_id for e in g] for g in group_by_orbit([far, c, b, a])] == [
        [80001, 80002, 80003],
        [80004],
    ]
    events = diff_states(catalog_state({"s": []}, T0), catalog_state({"s": [a, b, c, far]}, T1))
    assert [(e.kind, e.launch_id, e.norad_ids) for e in events] == [
        ("launch", "", (80001, 80002, 80003)),
        ("launch", "", (80004,)),
    ]


def test_raan_similarity_wraps_around_360_degrees() -> None:
    groups = group_by_orbit([_sat(1, "", raan_deg=359.5), _sat(2, "", raan_deg=0.5)])
    assert len(groups) == 1


def test_launch_id_and_state_time() -> None:
    assert launch_id("2026-113A") == "2026-113"
    assert launch_id("") == ""
    assert launch_id("98067A") == ""
    epochs = [T0 + timedelta(hours=h) for h in (0, 1, 50)]
    state = catalog_state({"s": [replace(OLD_SAT, norad_id=i, epoch_utc=t) for i, t in enumerate(epochs)]})
    assert state.time_utc == epochs[1]
    with pytest.raises(ElementsError, match="time_utc"):
        catalog_state({"s": []})
