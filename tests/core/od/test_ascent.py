"""Ascent assessment as a closed loop: a ballistic missile from the Sohae area (burnout state integrated with
the numerical propagator, J2..J4) and an orbital insertion, tracked by a radar in Korea; the verdicts, the
impact point against an independent integration (SciPy Radau, own two-body + J2 code, Skyfield's pole and
ITRS), and the Monte Carlo ellipse's coverage of the truth in repeated trials."""

import math
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from numpy.typing import NDArray
from scipy.integrate import solve_ivp
from skyfield.positionlib import Geocentric
from skyfield.toposlib import wgs84

from orbitwatch.core.constants import J2, WGS84_A_KM, WGS84_B_KM, WGS84_E2, WGS84_MU_KM3_S2
from orbitwatch.core.frames.geodesy import enu_from_itrs_matrix, itrs_from_geodetic
from orbitwatch.core.frames.time import skyfield_time
from orbitwatch.core.od.ascent import (
    assess_ascent,
    estimate_ascent_state,
    impact_point,
    inside_ellipse,
)
from orbitwatch.core.od.measurements import Measurement, Station
from orbitwatch.core.od.predict import earth_orientation, gcrs_states_from_itrs, predict_measurements
from orbitwatch.core.od.state import OrbitState
from orbitwatch.core.propagation.numerical import ForceModel, propagate_gcrs
from orbitwatch.core.propagation.states import TimeGrid
from orbitwatch.errors import ObservationError

FloatArray = NDArray[np.float64]
T0 = datetime(2026, 5, 25, 3, 0, tzinfo=UTC)
RADAR = Station("radar", 35.8, 129.2, 0.1)
SIGMAS = {"az_el": (0.01, 0.01), "range": (0.010,), "range_rate": (1e-5,)}
KM_PER_AU = 149_597_870.7


def burnout(lat: float, lon: float, alt_km: float, heading_deg: float, fpa_deg: float, speed_km_s: float):  # type: ignore[no-untyped-def]
    """GCRS state at T0 of a vehicle over (lat, lon) with an Earth-relative speed, heading and path angle."""
    r = itrs_from_geodetic(lat, lon, alt_km)
    enu = enu_from_itrs_matrix(lat, lon).reshape(3, 3)
    az, fpa = math.radians(heading_deg), math.radians(fpa_deg)
    v_enu = speed_km_s * np.array([math.cos(fpa) * math.sin(az), math.cos(fpa) * math.cos(az), math.sin(fpa)])
    rg, vg = gcrs_states_from_itrs(r[None], (enu.T @ v_enu)[None], earth_orientation([T0]))
    return rg[0], vg[0]


def radar_track(
    r: FloatArray, v: FloatArray, times: list[datetime], rng: np.random.Generator
) -> list[Measurement]:
    out = []
    for kind, sigma in SIGMAS.items():
        probe = [Measurement(t, kind, (0.0,) * len(sigma), sigma, "radar", "probe") for t in times]
        values = predict_measurements(probe, r, v, [RADAR]).reshape(len(times), -1)
        values = values + rng.standard_normal(values.shape) * np.array(sigma)
        for t, row in zip(times, values, strict=True):
            if kind == "az_el":
                row[0] %= 360.0
            out.append(Measurement(t, kind, tuple(float(x) for x in row), sigma, "radar", f"sim:{kind}"))
    return out


def missile(speed_km_s: float = 3.0, track_s: float = 120.0):  # type: ignore[no-untyped-def]
    """A missile from near Sohae heading south, burnout at 150 km; the truth every 5 s of the radar track."""
    r0, v0 = burnout(37.5, 124.8, 150.0, 170.0, 25.0, speed_km_s)
    offsets = np.arange(0.0, track_s + 1.0, 5.0)
    truth = propagate_gcrs(T0, r0, v0, offsets, ForceModel())
    times = [T0 + timedelta(seconds=float(s)) for s in offsets]
    return truth, times


# --- the independent reference: two-body + J2 about Skyfield's true pole, Radau, Skyfield's ITRS ------------


def reference_impact(state: OrbitState) -> tuple[datetime, float, float]:
    ts_time = skyfield_time(TimeGrid(state.epoch_utc, np.zeros(1)))
    pole = np.asarray(ts_time.M)[2, :, 0]  # the true pole in GCRS: the third row of N P B (shape 3, 3, 1)

    def rhs(_t: float, y: FloatArray) -> FloatArray:
        r = y[:3]
        rn = np.linalg.norm(r)
        z = r @ pole
        a = -WGS84_MU_KM3_S2 * r / rn**3
        k = 1.5 * J2 * WGS84_MU_KM3_S2 * WGS84_A_KM**2 / rn**5
        a += k * ((5.0 * z * z / rn**2 - 1.0) * r - 2.0 * z * pole)
        return np.concatenate([y[3:], a])

    def ground(_t: float, y: FloatArray) -> float:
        r = y[:3]
        rn = np.linalg.norm(r)
        cos2 = 1.0 - (r @ pole / rn) ** 2
        return float(rn - WGS84_B_KM / math.sqrt(1.0 - WGS84_E2 * cos2))

    ground.terminal = True  # type: ignore[attr-defined]
    ground.direction = -1.0  # type: ignore[attr-defined]
    y0 = np.concatenate([state.r_array_km, state.v_array_km_s])
    sol = solve_ivp(rhs, (0.0, 7200.0), y0, method="Radau", events=ground, rtol=1e-12, atol=1e-10)
    assert sol.t_events is not None
    assert sol.y_events is not None
    t_hit = float(sol.t_events[0][0])
    when = state.epoch_utc + timedelta(seconds=t_hit)
    t = skyfield_time(TimeGrid(when, np.zeros(1)))
    r_gcrs = np.asarray(sol.y_events[0][0][:3])
    position = Geocentric(r_gcrs / KM_PER_AU, t=t[0])
    place = wgs84.geographic_position_of(position)
    return when, float(place.latitude.degrees), float(place.longitude.degrees)


def test_vacuum_impact_point_matches_an_independent_integration() -> None:
    for speed in (2.0, 3.5, 5.0):
        r0, v0 = burnout(37.5, 124.8, 150.0, 170.0, 25.0, speed)
        state = OrbitState.from_arrays(T0, "gcrs", r0, v0)
        ours = impact_point(state, np.eye(6) * 1e-14, np.random.default_rng(0), samples=20, zonal_degree=2)
        assert ours is not None
        when, lat, lon = reference_impact(state)
        assert abs((ours.time_utc - when).total_seconds()) < 0.05
        north_km = math.radians(ours.lat_deg - lat) * 6371.0
        east_km = math.radians(ours.lon_deg - lon) * 6371.0 * math.cos(math.radians(lat))
        assert math.hypot(north_km, east_km) < 0.05, (speed, north_km, east_km)


def test_suborbital_missile_tracked_by_radar() -> None:
    truth, times = missile()
    measurements = radar_track(truth.r_gcrs_km, truth.v_gcrs_km_s, times, np.random.default_rng(2))
    estimate = estimate_ascent_state(measurements, [RADAR])
    assert estimate.state.epoch_utc == times[-1]
    assert estimate.measurements_used == len(measurements)
    assert 0.7 < estimate.weighted_rms < 1.3
    error = np.concatenate([estimate.state.r_array_km - truth.r_gcrs_km[-1],
                            estimate.state.v_array_km_s - truth.v_gcrs_km_s[-1]])  # fmt: skip
    assert float(error @ np.linalg.solve(estimate.covariance_gcrs, error)) < 30.0  # chi2(6) 99.99 % ~ 27.9
    assessment = assess_ascent(
        estimate.state, estimate.covariance_gcrs, np.random.default_rng(0), samples=300
    )
    assert assessment.verdict == "suborbital"
    assert assessment.perigee_alt_km < 0.0 < assessment.apogee_alt_km  # type: ignore[operator]
    assert assessment.passes == ()
    impact = assessment.impact
    assert impact is not None
    assert not impact.with_drag
    assert impact.impact_fraction == 1.0
    assert 0.0 < impact.ellipse_semi_minor_km <= impact.ellipse_semi_major_km < 5.0
    assert 0.0 <= impact.ellipse_azimuth_deg < 180.0
    true_state = OrbitState.from_arrays(times[-1], "gcrs", truth.r_gcrs_km[-1], truth.v_gcrs_km_s[-1])
    true_impact = impact_point(true_state, np.eye(6) * 1e-14, np.random.default_rng(1), samples=20)
    assert true_impact is not None
    assert 20.0 < impact.lat_deg < 37.0
    assert 124.0 < impact.lon_deg < 130.0
    assert abs((impact.time_utc - true_impact.time_utc).total_seconds()) < 5 * impact.time_sigma_s + 0.01


def test_orbital_insertion_and_first_passes() -> None:
    """Insertion at 250 km, horizontal, 7.85 km/s Earth-relative heading 100 degrees: an orbit."""
    r0, v0 = burnout(39.66, 124.7, 250.0, 100.0, 0.0, 7.85)
    state = OrbitState.from_arrays(T0, "gcrs", r0, v0)
    covariance = np.diag([0.05**2] * 3 + [5e-5**2] * 3)
    sites = [RADAR, Station("maui", 20.708, -156.257, 3.058)]
    assessment = assess_ascent(state, covariance, np.random.default_rng(0), pass_sites=sites)
    assert assessment.verdict == "orbital"
    assert assessment.impact is None
    assert 150.0 < assessment.perigee_alt_km < 260.0
    assert assessment.apogee_alt_km is not None
    assert assessment.apogee_alt_km > 240.0
    assert 38.0 < assessment.inclination_deg < 60.0
    assert assessment.perigee_after_one_rev_alt_km is not None
    assert assessment.perigee_after_one_rev_alt_km > assessment.min_perigee_alt_km
    assert {p.site for p in assessment.passes} <= {"radar", "maui"}
    assert assessment.passes
    for p in assessment.passes:
        assert T0 < p.rise_utc < p.culmination_utc < p.set_utc < T0 + timedelta(days=1)
        assert 10.0 <= p.max_elevation_deg <= 90.0
    # the same place, 1 km/s slower: it comes down within the revolution
    r1, v1 = burnout(39.66, 124.7, 250.0, 100.0, 0.0, 6.85)
    low = assess_ascent(
        OrbitState.from_arrays(T0, "gcrs", r1, v1), covariance, np.random.default_rng(0), samples=50
    )
    assert low.verdict == "suborbital"
    assert low.impact is not None


def test_powered_flight_with_a_constant_thrust() -> None:
    """Tracking during a burn of 20 m/s^2 along the velocity: the thrust is estimated with the state."""
    r0, v0 = burnout(38.5, 125.0, 120.0, 170.0, 20.0, 3.0)
    thrust = 0.020 * v0 / np.linalg.norm(v0)

    def rhs(_t: float, y: FloatArray) -> FloatArray:
        r = y[:3]
        return np.concatenate([y[3:], -WGS84_MU_KM3_S2 * r / np.linalg.norm(r) ** 3 + thrust])

    offsets = np.arange(0.0, 61.0, 2.0)
    sol = solve_ivp(rhs, (0.0, 60.0), np.concatenate([r0, v0]), t_eval=offsets, rtol=1e-12, atol=1e-12)
    times = [T0 + timedelta(seconds=float(s)) for s in offsets]
    measurements = radar_track(sol.y[:3].T, sol.y[3:].T, times, np.random.default_rng(5))
    coasting = estimate_ascent_state(measurements, [RADAR])
    powered = estimate_ascent_state(measurements, [RADAR], thrust=True, zonal_degree=0)
    assert coasting.weighted_rms > 10.0  # a ballistic arc cannot follow a burn
    assert powered.weighted_rms < 1.3
    assert powered.thrust_km_s2 is not None
    assert powered.thrust_sigma_km_s2 is not None
    assert np.all(np.abs(np.array(powered.thrust_km_s2) - thrust) < 5 * np.array(powered.thrust_sigma_km_s2))
    assert np.linalg.norm(powered.state.r_array_km - sol.y[:3, -1]) < 0.1
    window = estimate_ascent_state(measurements, [RADAR], thrust=True, window_s=30.0, zonal_degree=0)
    assert window.measurements_used < len(measurements)


def test_refusals() -> None:
    angles = [Measurement(T0 + timedelta(seconds=i), "az_el", (10.0, 20.0 + i), (0.01, 0.01), "radar", "x")
              for i in range(5)]  # fmt: skip
    with pytest.raises(ObservationError, match="fewer than three positions"):
        estimate_ascent_state(angles, [RADAR])
    with pytest.raises(ObservationError, match="no measurements"):
        estimate_ascent_state([], [RADAR])
    with pytest.raises(ObservationError, match="window"):
        estimate_ascent_state(angles, [RADAR], window_s=-1.0)
    state = OrbitState.from_arrays(T0, "gcrs", np.array([7000.0, 0, 0]), np.array([0, 7.5, 0]))
    with pytest.raises(ObservationError, match="probability"):
        impact_point(state, np.eye(6), np.random.default_rng(0), probability=1.5)


@pytest.mark.slow
def test_the_ellipse_covers_the_truth_at_its_probability() -> None:
    """100 independent radar tracks of the same missile: the 90 % ellipse must hold the true impact point
    in about 90 of them (binomial, accepted 82..97: under a 1-in-100 chance of failing when right)."""
    truth, times = missile(track_s=60.0)
    true_state = OrbitState.from_arrays(times[-1], "gcrs", truth.r_gcrs_km[-1], truth.v_gcrs_km_s[-1])
    true_impact = impact_point(true_state, np.eye(6) * 1e-14, np.random.default_rng(1), samples=20)
    assert true_impact is not None
    inside = 0
    for trial in range(100):
        rng = np.random.default_rng(100 + trial)
        measurements = radar_track(truth.r_gcrs_km, truth.v_gcrs_km_s, times, rng)
        estimate = estimate_ascent_state(measurements, [RADAR])
        impact = impact_point(estimate.state, estimate.covariance_gcrs, rng, samples=200, probability=0.9)
        assert impact is not None
        inside += inside_ellipse(impact, true_impact.lat_deg, true_impact.lon_deg)
    print(f"\n90 % impact ellipse held the true impact point in {inside} of 100 trials")
    assert 82 <= inside <= 97, inside
