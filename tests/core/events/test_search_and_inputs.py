"""Search primitives, the detectors' algebra, bad input, and independence from how satellites are split."""

import math

import numpy as np
import pytest
from event_helpers import T0, Sat, by_name, itrs_states

from orbitwatch.core.events.detectors import (
    AllOf,
    ElevationAbove,
    GroundPoints,
    Negation,
    OffNadirBelow,
    Sample,
    SiteDark,
    Sunlit,
    SunTrack,
    elevation_deg,
)
from orbitwatch.core.events.passes import Pass, PassTable, find_passes, plan_pass_grids, window_grid
from orbitwatch.core.events.search import (
    HermiteSegments,
    bisect_crossings,
    cubic_root_guess,
    expand_ranges,
    golden_minimum,
    refine_roots,
)
from orbitwatch.core.frames.geodesy import SiteArray
from orbitwatch.core.frames.geodesy import elevation_deg as frames_elevation_deg
from orbitwatch.core.frames.sun import sunlit
from orbitwatch.core.propagation.states import StateGrid, TimeGrid
from orbitwatch.core.targets import Site

SEOUL = Site("Seoul", 37.5665, 126.9780, 38.0)
SOHAE = Site("Sohae", 39.660, 124.705, 30.0)


def test_hermite_curves_reproduce_a_cubic_exactly() -> None:
    t = np.linspace(0.0, 10.0, 5)
    coefficients = np.array([[1.0, -2.0, 0.5], [0.3, 0.1, -0.2], [0.01, 0.02, 0.03], [-0.001, 0.002, 0.0005]])

    def x(s: np.ndarray) -> np.ndarray:
        return np.stack([sum(coefficients[k, i] * s**k for k in range(4)) for i in range(3)])

    def v(s: np.ndarray) -> np.ndarray:
        return np.stack([sum(k * coefficients[k, i] * s ** (k - 1) for k in range(1, 4)) for i in range(3)])

    curves = HermiteSegments.from_states(t[:-1], t[1:], x(t[:-1]), v(t[:-1]), x(t[1:]), v(t[1:]))
    middle = 0.5 * (t[:-1] + t[1:]) + 0.7
    position, velocity = curves.state(None, middle)
    np.testing.assert_allclose(position, x(middle), atol=1e-12)
    np.testing.assert_allclose(velocity, v(middle), atol=1e-12)


def test_roots_peaks_and_crossings_of_known_functions() -> None:
    lo, hi = np.array([0.0, 2.0]), np.array([2.0, 5.0])

    def g(index: np.ndarray | None, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return np.cos(t), -np.sin(t)

    guess = cubic_root_guess(lo, hi, np.cos(lo), np.cos(hi), -np.sin(lo), -np.sin(hi))
    roots = refine_roots(g, lo, hi, np.array([False, True]), guess, tolerance_s=1e-9, newton_step_s=1e-6)
    np.testing.assert_allclose(roots, [math.pi / 2, 3 * math.pi / 2], atol=1e-9)
    crossings = bisect_crossings(lambda i, t: np.cos(t), lo, hi, np.array([False, True]), tolerance_s=1e-6)
    np.testing.assert_allclose(crossings, [math.pi / 2, 3 * math.pi / 2], atol=1e-6)
    minimum = golden_minimum(
        lambda i, t: (t - 1.234) ** 2, np.array([0.0]), np.array([3.0]), tolerance_s=1e-6
    )
    np.testing.assert_allclose(minimum, [1.234], atol=1e-6)
    values, ranges = expand_ranges(np.array([3, 10]), np.array([5, 10]))
    assert values.tolist() == [3, 4, 5, 10]
    assert ranges.tolist() == [0, 0, 0, 1]


def test_detectors_compose_and_agree_with_the_frames(sample_sats: dict[str, list[Sat]]) -> None:
    states = itrs_states(by_name(sample_sats, "ISS (ZARYA)"), window_grid(T0, 6 * 3600.0, 60.0))
    points = GroundPoints.from_sites([SEOUL])
    r, v = states.r_itrs_km[0].T, states.v_itrs_km_s[0].T
    sun = SunTrack.over(T0, 0.0, 6 * 3600.0).position(states.times.offsets_s)
    sample = Sample(states.times.offsets_s, r, v, np.zeros(r.shape[1], dtype=np.int64), points, sun)
    elevation = elevation_deg(sample)
    np.testing.assert_allclose(
        elevation, frames_elevation_deg(states.r_itrs_km[0], SiteArray.from_sites([SEOUL]))[0]
    )
    both = ElevationAbove(10.0) & Sunlit()
    assert isinstance(both, AllOf)
    np.testing.assert_allclose(both.g(sample), np.minimum(elevation - 10.0, Sunlit().g(sample)))
    np.testing.assert_allclose(
        (ElevationAbove(10.0) | SiteDark()).g(sample), np.maximum(elevation - 10.0, SiteDark().g(sample))
    )
    assert isinstance(~OffNadirBelow(30.0), Negation)
    np.testing.assert_array_equal(Sunlit().g(sample) > 0.0, sunlit(r.T, sun.T))


def test_bad_input_is_refused_with_a_clear_message(sample_sats: dict[str, list[Sat]]) -> None:
    states = itrs_states(by_name(sample_sats, "ISS (ZARYA)"), window_grid(T0, 3600.0, 100.0))
    with pytest.raises(ValueError, match="minimum elevation"):
        find_passes(states, [SEOUL], min_elevation_deg=95.0)
    with pytest.raises(ValueError, match="element epochs"):
        find_passes(states, [SEOUL], element_epochs_utc=[T0, T0])
    with pytest.raises(ValueError, match="no sites"):
        find_passes(states, [])
    one = StateGrid(TimeGrid(T0, states.times.offsets_s[:1]), states.norad_ids, states.names,
                    states.r_itrs_km[:, :1], states.v_itrs_km_s[:, :1], states.error_code[:, :1])  # fmt: skip
    with pytest.raises(ValueError, match="zero or negative length"):
        find_passes(one, [SEOUL])
    with pytest.raises(ValueError, match="zero or negative length"):
        window_grid(T0, 0.0, 60.0)
    with pytest.raises(ValueError, match="zero or negative length"):
        plan_pass_grids([], T0, -5.0)


def test_satellites_with_sgp4_errors_are_skipped_and_reported(sample_sats: dict[str, list[Sat]]) -> None:
    sats = by_name(sample_sats, "ISS (ZARYA)", "SENTINEL-2A")
    states = itrs_states(sats, window_grid(T0, 86400.0, 100.0))
    code = states.error_code.copy()
    code[0, 500:] = 6
    r = states.r_itrs_km.copy()
    r[0, 500:] = np.nan
    broken = StateGrid(states.times, states.norad_ids, states.names, r, states.v_itrs_km_s, code)
    result = find_passes(broken, [SEOUL])
    assert [s.norad_id for s in result.skipped] == [sats[0].element.norad_id]
    assert "decayed" in result.skipped[0].reason
    assert result.skipped[0].first_bad_utc == states.times.utc(float(states.times.offsets_s[500]))
    assert set(result.table.norad_ids[result.table.satellite]) == {sats[1].element.norad_id}


def test_results_do_not_depend_on_how_the_satellites_are_split(sample_sats: dict[str, list[Sat]]) -> None:
    sats = sample_sats["military"] + sample_sats["stations"]
    grid = window_grid(T0, 86400.0, 100.0)
    sats = [s for s in sats if s.element.period_min < 110.0 and s.element.perigee_alt_km > 300.0]
    whole = find_passes(itrs_states(sats, grid), [SEOUL, SOHAE]).table
    half = len(sats) // 2
    parts = PassTable.concatenate(
        [find_passes(itrs_states(sats[:half], grid), [SEOUL, SOHAE]).table,
         find_passes(itrs_states(sats[half:], grid), [SEOUL, SOHAE]).table]
    )  # fmt: skip
    a, b = whole.sorted_by_rise().passes(), parts.sorted_by_rise().passes()
    assert len(a) > 50
    assert a == b
    assert isinstance(a[0], Pass)
