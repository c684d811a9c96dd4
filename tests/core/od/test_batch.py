"""Batch least squares as a closed loop: truth from a real satellite (SGP4 of a bundled element set, or
the numerical model started from it), simulated noisy measurements, estimate, compare with the truth."""

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from numpy.typing import NDArray
from scipy import stats

from orbitwatch.core.elements.formats import read_elements
from orbitwatch.core.elements.model import ElementSet
from orbitwatch.core.od.batch import batch_least_squares
from orbitwatch.core.od.measurements import Measurement, Station
from orbitwatch.core.od.predict import gcrs_states_from_teme, predict_measurements
from orbitwatch.core.od.state import OrbitState
from orbitwatch.core.propagation.numerical import ForceModel, propagate_gcrs
from orbitwatch.core.propagation.states import TimeGrid
from orbitwatch.errors import ConvergenceError, ObservationError

FloatArray = NDArray[np.float64]
GNSS_SIGMA_KM = 0.010


@pytest.fixture(scope="module")
def yaogan3(sample_dir: Path) -> ElementSet:
    """YAOGAN-3 (32289), a 590 km sun-synchronous reconnaissance satellite, from the 2026-05-25 sample."""
    path = sample_dir / "2026-05-25" / "resource.tle"
    return next(e for e in read_elements(path.read_bytes(), path.name).records if e.norad_id == 32289)


def sgp4_truth(elements: ElementSet, t: FloatArray) -> tuple[list, FloatArray, FloatArray]:  # type: ignore[type-arg]
    grid = TimeGrid(elements.epoch_utc, t)
    jd, fr = grid.julian_dates()
    codes, r, v = elements.to_satrec().sgp4_array(jd, fr)
    assert not np.any(codes)
    times = [grid.utc(s) for s in t]
    rg, vg = gcrs_states_from_teme(r, v, times)
    return times, rg, vg


def positions(times: Sequence, r: FloatArray, rng: np.random.Generator) -> list[Measurement]:  # type: ignore[type-arg]
    noisy = r + rng.normal(0.0, GNSS_SIGMA_KM, r.shape)
    return [
        Measurement(t, "position_gcrs", tuple(p), (GNSS_SIGMA_KM,) * 3, "", f"sim:{i}")
        for i, (t, p) in enumerate(zip(times, noisy, strict=True))
    ]


def perturbed(epoch: datetime, r0: FloatArray, v0: FloatArray) -> OrbitState:
    """The truth moved by about 2.3 km and 3 m/s: where an initial orbit determination might leave it."""
    return OrbitState.from_arrays(
        epoch, "gcrs", r0 + np.array([2.0, -1.0, 0.5]), v0 + np.array([0.002, 0.001, -0.002])
    )


def test_sgp4_truth_gnss_positions_recover_the_state(yaogan3: ElementSet) -> None:
    """3 hours of 10 m GNSS-like positions every 2 min; the truth is SGP4, the model J2..J4 (no drag).

    Model error (SGP4 vs the numerical model, fitted over 3 h) is metre-level: measured post-fit RMS 1.13
    sigma, state error 8 m and 6 mm/s. Bound: 30 m and 30 mm/s.
    """
    t = np.arange(0.0, 3 * 3600.0 + 1.0, 120.0)
    times, r, v = sgp4_truth(yaogan3, t)
    measurements = positions(times, r, np.random.default_rng(1))
    solution = batch_least_squares(measurements, {}, perturbed(times[0], r[0], v[0]))
    assert solution.converged
    assert solution.iterations <= 6
    assert solution.state.frame == "gcrs"
    assert solution.state.epoch_utc == times[0]
    assert np.linalg.norm(solution.state.r_array_km - r[0]) < 0.030
    assert np.linalg.norm(solution.state.v_array_km_s - v[0]) < 3e-5
    assert 0.8 < solution.weighted_rms < 1.5
    assert solution.rms_by_kind["position_gcrs"] == pytest.approx((GNSS_SIGMA_KM,) * 3, rel=0.5)
    assert set(solution.weighted_rms_by_station) == {""}
    assert solution.covariance_gcrs.shape == (6, 6)
    assert np.all(solution.sigma_position_km < 0.005)
    assert np.all(solution.sigma_position_km > 0.0002)
    assert len(solution.residuals) == len(measurements)
    assert solution.residuals[5].kind == "position_gcrs"


def test_covariance_is_consistent_with_the_errors(yaogan3: ElementSet) -> None:
    """Same-model Monte Carlo (truth: the numerical model from YAOGAN-3's SGP4 state): the normalised
    state errors e^T P^-1 e of 30 independent noise draws follow chi-square with 6 degrees of freedom."""
    _, r_sgp4, v_sgp4 = sgp4_truth(yaogan3, np.zeros(1))
    t = np.arange(0.0, 2 * 3600.0 + 1.0, 180.0)
    truth = propagate_gcrs(yaogan3.epoch_utc, r_sgp4[0], v_sgp4[0], t)
    times = [yaogan3.epoch_utc + timedelta(seconds=float(s)) for s in t]
    rng = np.random.default_rng(7)
    x_true = np.concatenate([r_sgp4[0], v_sgp4[0]])
    scores = []
    for _ in range(30):
        solution = batch_least_squares(
            positions(times, truth.r_gcrs_km, rng), {}, perturbed(times[0], r_sgp4[0], v_sgp4[0]),
            edit_outliers=False,
        )  # fmt: skip
        error = np.concatenate([solution.state.r_array_km, solution.state.v_array_km_s]) - x_true
        scores.append(float(error @ np.linalg.solve(solution.covariance_gcrs, error)))
    assert np.mean(scores) == pytest.approx(6.0, abs=3 * np.sqrt(12.0 / 30))
    assert stats.kstest(scores, stats.chi2(6).cdf).pvalue > 0.01


def test_injected_outliers_are_rejected(yaogan3: ElementSet) -> None:
    t = np.arange(0.0, 3 * 3600.0 + 1.0, 120.0)
    times, r, v = sgp4_truth(yaogan3, t)
    measurements = positions(times, r, np.random.default_rng(3))
    bad = {4: (0.5, 0.0, 0.0), 30: (0.0, -0.3, 0.2), 60: (0.0, 0.0, 2.0), 80: (0.1, 0.1, -0.1)}
    for index, offset in bad.items():
        m = measurements[index]
        values = tuple(a + b for a, b in zip(m.values, offset, strict=True))
        measurements[index] = Measurement(m.time_utc, m.kind, values, m.sigmas, m.station, m.source)
    solution = batch_least_squares(measurements, {}, perturbed(times[0], r[0], v[0]))
    assert set(bad) <= set(solution.rejected)
    assert len(solution.rejected) <= len(bad) + 3  # 3-sigma editing of 3-vectors drops ~0.8 % of good data
    assert all(solution.residuals[i].rejected for i in bad)
    assert np.linalg.norm(solution.state.r_array_km - r[0]) < 0.030
    assert solution.weighted_rms < 1.5
    kept = batch_least_squares(measurements, {}, perturbed(times[0], r[0], v[0]), edit_outliers=False)
    assert kept.rejected == ()
    assert kept.weighted_rms > 5.0


STATIONS = {
    "maui": Station("maui", 20.708, -156.257, 3.058),
    "socorro": Station("socorro", 33.817, -106.659, 1.51),
    "diego": Station("diego", -7.41, 72.45, 0.0),
}


def visible(times: Sequence, r: FloatArray, v: FloatArray) -> list[tuple[int, str]]:  # type: ignore[type-arg]
    """(index, station) of every instant where the satellite is above 15 degrees from a station."""
    chosen: list[tuple[int, str]] = []
    for name in STATIONS:
        probe = [Measurement(t, "az_el", (0.0, 0.0), (1.0, 1.0), name, "probe") for t in times]
        el = predict_measurements(probe, r, v, STATIONS).reshape(-1, 2)[:, 1]
        chosen.extend((int(i), name) for i in np.flatnonzero(el > 15.0))
    return sorted(chosen)


def test_radar_passes_through_the_measurement_model(yaogan3: ElementSet) -> None:
    """Range (10 m) and az/el (0.02 deg) every 20 s over the passes of 12 hours from three stations,
    SGP4 truth; the orbit is recovered to within 200 m, and a custom predict function (central
    difference partials) gives the same answer as the default one (analytic partials)."""
    t = np.arange(0.0, 12 * 3600.0 + 1.0, 20.0)
    times, r, v = sgp4_truth(yaogan3, t)
    picks = visible(times, r, v)
    assert len(picks) > 40
    rng = np.random.default_rng(11)
    index = np.array([i for i, _ in picks for _ in range(2)])
    templates = [
        Measurement(times[i], kind, (0.0,) * len(sigma), sigma, name, f"sim:{i}")
        for i, name in picks
        for kind, sigma in (("range", (0.010,)), ("az_el", (0.02, 0.02)))
    ]
    true_values = predict_measurements(templates, r[index], v[index], STATIONS)
    sigmas = np.array([s for m in templates for s in m.sigmas])
    noisy = true_values + rng.normal(0.0, sigmas)
    measurements, start = [], 0
    for m in templates:
        size = len(m.values)
        values = tuple(float(x) for x in noisy[start : start + size])
        measurements.append(Measurement(m.time_utc, m.kind, values, m.sigmas, m.station, m.source))
        start += size
    solution = batch_least_squares(measurements, STATIONS, perturbed(times[0], r[0], v[0]))
    assert solution.converged
    assert np.linalg.norm(solution.state.r_array_km - r[0]) < 0.2
    assert set(solution.rms_by_kind) == {"range", "az_el"}
    assert solution.rms_by_kind["range"][0] < 0.03
    assert set(solution.weighted_rms_by_station) <= set(STATIONS)

    def custom(
        ms: Sequence[Measurement], rr: FloatArray, vv: FloatArray, st: Mapping[str, Station]
    ) -> FloatArray:
        return predict_measurements(ms, rr, vv, st)

    again = batch_least_squares(measurements, STATIONS, perturbed(times[0], r[0], v[0]), custom)
    assert np.abs(again.state.r_array_km - solution.state.r_array_km).max() < 1e-4
    assert np.allclose(again.covariance_gcrs, solution.covariance_gcrs, rtol=1e-3, atol=1e-14)


def test_refusals(yaogan3: ElementSet) -> None:
    t = np.array([0.0, 60.0])
    times, r, v = sgp4_truth(yaogan3, t)
    two = positions(times, r, np.random.default_rng(0))
    with pytest.raises(ConvergenceError, match="cannot determine"):
        batch_least_squares(two, {}, perturbed(times[0], r[0], v[0]))
    t = np.arange(0.0, 3600.0, 120.0)
    times, r, v = sgp4_truth(yaogan3, t)
    ms = positions(times, r, np.random.default_rng(0))
    inside = OrbitState.from_arrays(times[0], "gcrs", r[0] * 0.5, v[0])
    with pytest.raises(ConvergenceError):
        batch_least_squares(ms, {}, inside)
    with pytest.raises(ObservationError, match="drag"):
        batch_least_squares(ms, {}, perturbed(times[0], r[0], v[0]), estimate_ballistic=True)


@pytest.mark.slow
def test_a_day_of_positions_with_drag_estimated_and_outliers(yaogan3: ElementSet) -> None:
    """24 h of positions every 5 min (SGP4 truth): with C_D A / m estimated the numerical model follows
    SGP4 to the noise (measured RMS 1.02 sigma, 10 m, 2 mm/s; C_D A / m absorbs part of the model
    difference), and three injected outliers are rejected."""
    t = np.arange(0.0, 86400.0 + 1.0, 300.0)
    times, r, v = sgp4_truth(yaogan3, t)
    measurements = positions(times, r, np.random.default_rng(1))
    for index in (10, 100, 200):
        m = measurements[index]
        measurements[index] = Measurement(
            m.time_utc, m.kind, (m.values[0] + 0.5, *m.values[1:]), m.sigmas, m.station, m.source
        )
    force = ForceModel(drag=True, ballistic_m2_kg=0.01)
    solution = batch_least_squares(measurements, {}, perturbed(times[0], r[0], v[0]), force=force,
                                   estimate_ballistic=True)  # fmt: skip
    assert solution.converged
    assert {10, 100, 200} <= set(solution.rejected)
    assert solution.weighted_rms < 1.2
    assert np.linalg.norm(solution.state.r_array_km - r[0]) < 0.030
    assert solution.ballistic_m2_kg is not None
    assert solution.ballistic_sigma_m2_kg is not None
    assert 0.0 < solution.ballistic_m2_kg < 0.1
