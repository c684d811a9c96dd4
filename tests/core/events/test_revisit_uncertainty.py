"""Revisit statistics, unobserved windows, timing uncertainty and who-saw."""

from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest
from event_helpers import T0, Sat, by_name, itrs_states

from orbitwatch.core.elements.tle import read_tle
from orbitwatch.core.events.imaging import Opportunity, SensorModel, find_opportunities
from orbitwatch.core.events.passes import window_grid
from orbitwatch.core.events.revisit import Interval, observed_periods, revisit_statistics, unobserved_windows
from orbitwatch.core.events.uncertainty import (
    DEFAULT_LEO_GROWTH_KM_PER_DAY,
    default_model,
    model_from_history,
    orbital_speed_km_s,
    padded,
    time_errors_s,
    timing_uncertainty,
)
from orbitwatch.core.events.whosaw import who_saw
from orbitwatch.core.targets import Site

SEOUL = Site("Seoul", 37.5665, 126.9780, 38.0)
HOUR = timedelta(hours=1)


def window(target: str, start_h: float, end_h: float, norad_id: int = 1) -> Opportunity:
    return Opportunity(
        norad_id, "SAT", target, T0 + start_h * HOUR, T0 + (start_h + end_h) / 2 * HOUR, T0 + end_h * HOUR,
        10.0, 100.0, 60.0, 20.0, False, False, None,
    )  # fmt: skip


def test_unobserved_windows_are_the_complement_of_the_union() -> None:
    ops = [window("A", 1, 2), window("A", 1.5, 3, 2), window("A", 5, 6), window("B", 0, 24)]
    assert observed_periods(ops, "A", T0, T0 + 10 * HOUR) == (
        Interval(T0 + HOUR, T0 + 3 * HOUR),
        Interval(T0 + 5 * HOUR, T0 + 6 * HOUR),
    )
    assert unobserved_windows(ops, "A", T0, T0 + 10 * HOUR) == (
        Interval(T0, T0 + HOUR),
        Interval(T0 + 3 * HOUR, T0 + 5 * HOUR),
        Interval(T0 + 6 * HOUR, T0 + 10 * HOUR),
    )
    assert unobserved_windows(ops, "B", T0, T0 + 10 * HOUR) == ()


def test_revisit_statistics() -> None:
    ops = [window("A", 1, 2), window("A", 1.5, 3, 2), window("A", 5, 6)]
    (a, b) = revisit_statistics(ops, ["A", "B"], T0, T0 + 10 * HOUR)
    assert (a.opportunities, a.observed_periods) == (3, 2)
    assert a.max_gap_s == pytest.approx(4 * 3600.0)
    assert a.mean_gap_s == pytest.approx((1 + 2 + 4) / 3 * 3600.0)
    assert a.coverage_fraction == pytest.approx(0.3)
    assert (b.opportunities, b.coverage_fraction, b.max_gap_s) == (0, 0.0, 10 * 3600.0)


def test_a_window_of_no_length_is_refused() -> None:
    with pytest.raises(ValueError, match="zero or negative length"):
        revisit_statistics([], ["A"], T0, T0)


def test_the_growth_rate_comes_from_the_objects_own_history(sample_dir: Path) -> None:
    """The ISS over the four days of the bundled sample: consecutive sets propagated to the next epoch."""
    history = []
    for day in ("24", "25", "26", "27"):
        text = (sample_dir / f"2026-05-{day}" / "stations.tle").read_text(encoding="utf-8")
        history += [e for e in read_tle(text, "stations.tle").records if e.name == "ISS (ZARYA)"]
    model = model_from_history(history)
    assert "median" in model.source
    assert 0.0 < model.growth_km_per_day < 20.0
    lone = model_from_history(history[:1])
    assert lone == default_model(history[0])
    assert lone.growth_km_per_day == DEFAULT_LEO_GROWTH_KM_PER_DAY


def test_timing_error_and_padding(sample_sats: dict[str, list[Sat]]) -> None:
    iss = by_name(sample_sats, "ISS (ZARYA)")[0].element
    speed = orbital_speed_km_s(iss)
    assert 7.5 < speed < 7.8
    error = timing_uncertainty(default_model(iss), 2.0, speed)
    np.testing.assert_allclose(
        time_errors_s(default_model(iss), [2.0, -1.0], speed), [5.0 / speed, 3.0 / speed]
    )
    assert error.along_track_km == pytest.approx(1.0 + 2.0 * 2.0)
    assert error.time_error_s == pytest.approx(5.0 / speed)
    wide = padded(window("A", 1, 2), error.time_error_s, sigmas=3.0)
    assert wide.start_utc == T0 + HOUR - timedelta(seconds=3.0 * error.time_error_s)
    assert wide.end_utc == T0 + 2 * HOUR + timedelta(seconds=3.0 * error.time_error_s)
    with pytest.raises(ValueError, match="must not be negative"):
        padded(wide, error.time_error_s, sigmas=-1.0)


def test_who_saw_finds_the_satellite_over_the_site_at_the_time(sample_sats: dict[str, list[Sat]]) -> None:
    sats = by_name(sample_sats, "SAR-LUPE 2", "KOMPSAT-3A", "SENTINEL-2A", "ISS (ZARYA)")
    states = itrs_states(sats, window_grid(T0, 86400.0, 100.0))
    sensor = SensorModel.sar(45.0)
    ops = find_opportunities(states, [SEOUL], sensor).opportunities
    target = ops[0]
    answer = who_saw(states, SEOUL, target.best_utc, tolerance_s=60.0, sensor=sensor)
    assert answer.opportunities[0].norad_id == target.norad_id
    quiet = max(unobserved_windows(ops, "Seoul", T0, T0 + 24 * HOUR), key=lambda g: g.duration_s)
    middle = quiet.start_utc + (quiet.end_utc - quiet.start_utc) / 2
    assert who_saw(states, SEOUL, middle, tolerance_s=60.0, sensor=sensor).opportunities == ()
    with pytest.raises(ValueError, match="not all of"):
        who_saw(states, SEOUL, T0 + 30 * HOUR)
    with pytest.raises(ValueError, match="must not be negative"):
        who_saw(states, SEOUL, middle, tolerance_s=-1.0)
    assert np.isfinite(answer.opportunities[0].min_off_nadir_deg)
