"""Ascent assessment: from tracking of a rocket, its state now, its orbit, and will it reach orbit or where
does it come down.

**State at the last measurement** (:func:`estimate_ascent_state`). The parameters are the GCRS position
and velocity at the time of the last measurement t_L and, for tracking during powered flight
(``thrust=True``), a constant thrust acceleration (km/s^2, GCRS) over the window. The model is gravity
(central term and the zonals J2..J4, :func:`orbitwatch.core.propagation.numerical.acceleration_gcrs_km_s2`)
plus that acceleration, integrated backwards from t_L to each measurement (SciPy DOP853). The values come
from the measurement model of :mod:`orbitwatch.core.od.predict` (any kinds: radar az/el, range, range rate
from one or more sites, optical angles, positions). The fit is weighted Gauss-Newton (Montenbruck and Gill
2000, *Satellite Orbits*, sec. 8.1) with the trajectory partials from central differences of trajectories
integrated together as one system (as in :mod:`orbitwatch.core.propagation.numerical`); the covariance is
the formal (A^T W A)^-1, and with thrust the state's 6x6 block of it (the thrust's uncertainty included).
A constant acceleration over a short trailing window (``window_s``) is the usual local model of powered
flight; after burnout leave ``thrust`` off. The first guess is a quadratic fit of the positions that the
measurements give directly (range with az/el at one instant, or position kinds).

**Orbit** (osculating, two-body): perigee and apogee altitudes above the WGS-84 equatorial radius, and the
inclination to the Earth's true equator (its rotation axis, :func:`orbitwatch.core.propagation.numerical.
earth_axis`).

**Verdict.** The state is flown for one revolution (the osculating period) under gravity J2..J4 and drag
(exponential atmosphere, ``ballistic_m2_kg`` = C_D A / m, 0.01 m^2/kg by default: a spent stage or a small
satellite). *Orbital* when the trajectory never comes down through ``min_perigee_alt_km`` (100 km by
default, the Karman line) and the osculating perigee after that revolution is still above it, or when the
energy is positive (escape); otherwise *suborbital*.

**Instantaneous impact point** (suborbital): where the object would hit the WGS-84 ellipsoid with no more
thrust, in vacuum by default (the range-safety IIP; ``impact_drag=True`` adds drag with the same
ballistic coefficient). The integration is in the GCRS with J2..J4 and the impact position is turned into
the ITRS at the impact time, so the Earth's rotation during the fall and its oblateness are both in.
Uncertainty: Monte Carlo from the covariance (``samples`` states drawn from N(x, P) with the caller's
``numpy.random.Generator``, all integrated as one system), each sample's impact point expressed in the
local east/north plane at the nominal point; the ellipse is that of the samples' covariance scaled to hold
``probability`` (sqrt of the chi-square quantile with 2 degrees of freedom), centred on the nominal point.
Samples that do not come down within 1.5 times the nominal flight time plus 10 minutes are counted in
``impact_fraction``.

**Passes** (orbital): the first pass over each chosen site within ``pass_window_s`` of the state (the
nominal state flown with drag on a 10-second grid; rise and set by linear interpolation of the elevation,
culmination by a parabola through the highest grid point; ``min_elevation_deg`` above the geometric
horizon).
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

import numpy as np
from numpy.typing import NDArray
from scipy import stats
from scipy.integrate import solve_ivp

from orbitwatch.core.constants import WGS84_A_KM, WGS84_MU_KM3_S2
from orbitwatch.core.frames.geodesy import (
    SiteArray,
    elevation_deg,
    enu_from_itrs_matrix,
    geodetic_from_itrs,
    itrs_from_geodetic,
)
from orbitwatch.core.od.iod import radar_positions_gcrs
from orbitwatch.core.od.measurements import Measurement, Station
from orbitwatch.core.od.predict import (
    Stations,
    earth_orientation,
    gcrs_states_from_itrs,
    itrs_states_from_gcrs,
    measurement_geometry,
    measurement_partials,
    observed_sigmas,
    observed_values,
    predict_values,
    residuals,
    station_table,
)
from orbitwatch.core.od.state import OrbitState
from orbitwatch.core.propagation.numerical import (
    EarthAxis,
    ForceModel,
    acceleration_gcrs_km_s2,
    earth_axis,
    ellipsoid_height_km,
)
from orbitwatch.errors import ConvergenceError, ObservationError, PropagationError

FloatArray = NDArray[np.float64]

DEFAULT_MIN_PERIGEE_ALT_KM: Final = 100.0
DEFAULT_BALLISTIC_M2_KG: Final = 0.01
DEFAULT_SAMPLES: Final = 500
DEFAULT_PROBABILITY: Final = 0.95
DEFAULT_PASS_WINDOW_S: Final = 86400.0
DEFAULT_MIN_ELEVATION_DEG: Final = 10.0
PASS_GRID_STEP_S: Final = 10.0
_RTOL: Final = 1e-10
_ATOL: Final = 1e-9
_DELTA_R_KM: Final = 1e-3
_DELTA_V_KM_S: Final = 1e-6
_DELTA_A_KM_S2: Final = 1e-6
_MAX_ITERATIONS: Final = 15
_IMPACT_GRID_STEP_S: Final = 1.0
_POSITION_KINDS: Final = ("position_gcrs", "position_itrs", "pv_gcrs", "pv_itrs")


@dataclass(frozen=True, slots=True, eq=False)
class AscentState:
    """The estimated state at the last measurement (GCRS), its 6x6 covariance, and the fit.

    ``thrust_km_s2``: the estimated constant thrust acceleration (GCRS) with its 1-sigma per axis, or None.
    """

    state: OrbitState
    covariance_gcrs: FloatArray
    thrust_km_s2: tuple[float, float, float] | None
    thrust_sigma_km_s2: tuple[float, float, float] | None
    weighted_rms: float
    measurements_used: int
    iterations: int


@dataclass(frozen=True, slots=True)
class ImpactPoint:
    """Where and when a suborbital object comes down, and how uncertain that is.

    Ellipse: semi-axes (km) and azimuth of the major axis (deg from north through east, in [0, 180)) of
    the region holding ``probability`` of the Monte Carlo impact points, centred on the nominal point.
    ``impact_fraction``: the share of samples that came down within the search span.
    """

    time_utc: datetime
    lat_deg: float
    lon_deg: float
    time_sigma_s: float
    ellipse_semi_major_km: float
    ellipse_semi_minor_km: float
    ellipse_azimuth_deg: float
    probability: float
    samples: int
    impact_fraction: float
    with_drag: bool


@dataclass(frozen=True, slots=True)
class PredictedPass:
    """A pass of the object over a site: rise, culmination and set (UTC) and the highest elevation."""

    site: str
    rise_utc: datetime
    culmination_utc: datetime
    set_utc: datetime
    max_elevation_deg: float


@dataclass(frozen=True, slots=True, eq=False)
class AscentAssessment:
    """The verdict and what it rests on (module docstring).

    ``perigee_alt_km``/``apogee_alt_km``: osculating, above the WGS-84 equatorial radius (apogee None on an
    escape trajectory). ``perigee_after_one_rev_alt_km``: after one revolution under drag (None when the
    object came down first). ``impact`` for a suborbital verdict, ``passes`` for an orbital one.
    """

    verdict: str
    state: OrbitState
    covariance_gcrs: FloatArray
    perigee_alt_km: float
    apogee_alt_km: float | None
    inclination_deg: float
    min_perigee_alt_km: float
    ballistic_m2_kg: float
    perigee_after_one_rev_alt_km: float | None
    impact: ImpactPoint | None
    passes: tuple[PredictedPass, ...]


# --- the state from tracking ----------------------------------------------------------------------------


def _fly_back(
    x0: FloatArray, offsets_s: FloatArray, force: ForceModel, axis: EarthAxis, thrust: FloatArray | None
) -> FloatArray:
    """States (T, N, 6) of N trajectories (N, 6) with thrust (N, 3) at offsets (any sign, sorted or not)."""
    count = x0.shape[0]
    push = np.zeros((count, 3)) if thrust is None else thrust

    def rhs(_t: float, y: FloatArray) -> FloatArray:
        s = y.reshape(count, 6)
        acc = acceleration_gcrs_km_s2(s[:, :3], s[:, 3:], force, axis) + push
        return np.concatenate([s[:, 3:], acc], axis=1).reshape(-1)

    out = np.empty((offsets_s.size, count, 6))
    for sign in (1.0, -1.0):
        chosen = np.flatnonzero(offsets_s >= 0.0) if sign > 0 else np.flatnonzero(offsets_s < 0.0)
        if chosen.size == 0:
            continue
        distinct, inverse = np.unique(sign * offsets_s[chosen], return_inverse=True)
        result = np.empty((distinct.size, count, 6))
        at_zero = distinct == 0.0
        result[at_zero] = x0
        if not np.all(at_zero):
            solution = solve_ivp(
                rhs, (0.0, sign * float(distinct[-1])), x0.reshape(-1), method="DOP853",
                t_eval=sign * distinct, rtol=_RTOL, atol=_ATOL,
            )  # fmt: skip
            if solution.status != 0:
                raise PropagationError(f"ascent: the integration failed: {solution.message}")
            result[:] = solution.y.T.reshape(distinct.size, count, 6)
        out[chosen] = result[inverse.reshape(-1)]
    return out


def _first_guess(
    measurements: Sequence[Measurement], stations: Stations, last: datetime, thrust: bool
) -> FloatArray:
    """(r, v[, a]) at ``last`` from a quadratic fit of the positions the measurements give directly."""
    times, r = radar_positions_gcrs(measurements, stations) if stations else ([], np.empty((0, 3)))
    positions = [m for m in measurements if m.kind in _POSITION_KINDS]
    if positions:
        values = np.array([m.values[:3] for m in positions], dtype=np.float64)
        p_times = [m.time_utc for m in positions]
        itrs = np.array([m.kind.endswith("itrs") for m in positions])
        if np.any(itrs):
            gcrs, _ = gcrs_states_from_itrs(values, np.zeros_like(values), earth_orientation(p_times))
            values = np.where(itrs[:, None], gcrs, values)
        times, r = [*times, *p_times], np.concatenate([r, values])
    if len(times) < 3:
        raise ObservationError(
            "ascent: the measurements give fewer than three positions (a radar's az_el with range at one "
            "instant, or position measurements); angles alone do not fix a rocket's state"
        )
    dt = np.array([(t - last).total_seconds() for t in times])
    degree = 2 if len(times) >= 4 else 1
    coefficients = np.polynomial.polynomial.polyfit(dt, r, degree)  # (degree + 1, 3)
    guess = [coefficients[0], coefficients[1]]
    if thrust:
        guess.append(np.zeros(3))  # gravity is in the model: start from no thrust
    return np.concatenate(guess)


def estimate_ascent_state(
    measurements: Sequence[Measurement],
    stations: Stations,
    *,
    window_s: float | None = None,
    thrust: bool = False,
    zonal_degree: int = 4,
) -> AscentState:
    """The GCRS state (and covariance) at the last measurement from tracking of a rocket (module docstring).

    ``window_s``: use only the measurements within this many seconds before the last one.
    Raises ObservationError when the measurements cannot fix a state, ConvergenceError when the fit fails.
    """
    if not measurements:
        raise ObservationError("ascent: no measurements")
    table = station_table(stations)
    ordered = sorted(measurements, key=lambda m: m.time_utc)
    last = ordered[-1].time_utc
    if window_s is not None:
        if not (math.isfinite(window_s) and window_s > 0.0):
            raise ObservationError(f"ascent: the window must be a positive number of seconds, got {window_s}")
        ordered = [m for m in ordered if (last - m.time_utc).total_seconds() <= window_s]
    x = _first_guess(ordered, table, last, thrust)
    size = x.size
    geometry = measurement_geometry(ordered, table)
    observed, sigmas = observed_values(ordered), observed_sigmas(ordered)
    if observed.size <= size:
        raise ObservationError(f"ascent: {observed.size} measured values cannot fix {size} parameters")
    offsets = np.array([(m.time_utc - last).total_seconds() for m in ordered])
    owner = np.repeat(np.arange(len(ordered)), np.diff(geometry.value_offsets))
    axis = earth_axis(last)
    force = ForceModel(zonal_degree=zonal_degree)
    steps = np.array([_DELTA_R_KM] * 3 + [_DELTA_V_KM_S] * 3 + [_DELTA_A_KM_S2] * (size - 6))

    def evaluate(params: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Normalised residuals and the normalised Jacobian d(predicted)/d(params) / sigma."""
        rows = [params] + [params + s * steps[j] * np.eye(size)[j] for j in range(size) for s in (1.0, -1.0)]
        stack = np.array(rows)
        states = _fly_back(stack[:, :6], offsets, force, axis, stack[:, 6:] if thrust else None)  # (T, N, 6)
        r, v = states[:, 0, :3], states[:, 0, 3:]
        z = residuals(geometry, observed, predict_values(geometry, r, v))
        h = measurement_partials(geometry, r, v)  # (V, 6)
        plus, minus = states[:, 1::2, :], states[:, 2::2, :]  # (N, size, 6)
        dstate = (plus - minus) / (2.0 * steps)[None, :, None]  # d(state at t_i)/d(param j)
        jac = np.einsum("vk,vjk->vj", h, dstate[owner])
        return z / sigmas, jac / sigmas[:, None]

    iterations = 0
    covariance = np.full((size, size), np.nan)
    rms = math.inf
    try:
        while iterations < _MAX_ITERATIONS:
            iterations += 1
            z, a = evaluate(x)
            rms_now = float(np.sqrt(np.mean(z**2)))
            step, *_ = np.linalg.lstsq(a, z, rcond=None)
            covariance = np.linalg.pinv(a.T @ a)
            x = x + step
            done = bool(np.all(np.abs(step) <= 1e-4 * np.sqrt(np.maximum(np.diag(covariance), 1e-300))))
            rms = rms_now
            if done:
                break
        z, a = evaluate(x)
        rms = float(np.sqrt(np.mean(z**2)))
        covariance = np.linalg.pinv(a.T @ a)
    except (PropagationError, np.linalg.LinAlgError) as error:
        raise ConvergenceError(f"ascent: the state fit failed: {error}") from error
    if not np.all(np.isfinite(x)) or not np.all(np.isfinite(covariance)):
        raise ConvergenceError("ascent: the state fit diverged")
    sig = np.sqrt(np.maximum(np.diag(covariance), 0.0))
    return AscentState(
        state=OrbitState.from_arrays(last, "gcrs", x[:3], x[3:6]),
        covariance_gcrs=np.ascontiguousarray(covariance[:6, :6]),
        thrust_km_s2=(float(x[6]), float(x[7]), float(x[8])) if thrust else None,
        thrust_sigma_km_s2=(float(sig[6]), float(sig[7]), float(sig[8])) if thrust else None,
        weighted_rms=rms,
        measurements_used=len(ordered),
        iterations=iterations,
    )


# --- orbit and verdict ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OsculatingOrbit:
    """Two-body orbit of a state: perigee and apogee altitudes (km above the WGS-84 equatorial radius,
    apogee None when not bound), inclination to the true equator (deg), period (s, None when not bound)."""

    perigee_alt_km: float
    apogee_alt_km: float | None
    inclination_deg: float
    period_s: float | None


def osculating_orbit(
    r_gcrs_km: FloatArray, v_gcrs_km_s: FloatArray, pole_gcrs: FloatArray
) -> OsculatingOrbit:
    """Perigee, apogee, inclination and period of a GCRS state (Vallado 2013, Algorithm 9)."""
    r, v = np.asarray(r_gcrs_km, dtype=np.float64), np.asarray(v_gcrs_km_s, dtype=np.float64)
    mu = WGS84_MU_KM3_S2
    r_norm, v2 = float(np.linalg.norm(r)), float(v @ v)
    h = np.cross(r, v)
    h_norm = float(np.linalg.norm(h))
    e_vec = ((v2 - mu / r_norm) * r - float(r @ v) * v) / mu
    e = float(np.linalg.norm(e_vec))
    p = h_norm * h_norm / mu  # semi-latus rectum
    inclination = math.degrees(math.acos(max(-1.0, min(1.0, float(h @ pole_gcrs) / h_norm))))
    perigee = p / (1.0 + e) - WGS84_A_KM
    energy = v2 / 2.0 - mu / r_norm
    if energy >= 0.0 or e >= 1.0:
        return OsculatingOrbit(perigee, None, inclination, None)
    a = -mu / (2.0 * energy)
    return OsculatingOrbit(
        perigee, a * (1.0 + e) - WGS84_A_KM, inclination, 2.0 * math.pi * math.sqrt(a**3 / mu)
    )


def _fly_until_down(
    x0: FloatArray, span_s: float, force: ForceModel, axis: EarthAxis, floor_km: float
) -> tuple[bool, float, FloatArray]:
    """Fly one state forward up to ``span_s``; stop where it comes down through ``floor_km`` (geodetic,
    along the radius). Returns (came down, time, state then)."""

    def rhs(_t: float, y: FloatArray) -> FloatArray:
        return np.concatenate([y[3:], acceleration_gcrs_km_s2(y[:3], y[3:], force, axis)])

    def down(_t: float, y: FloatArray) -> float:
        return float(ellipsoid_height_km(y[:3], axis.pole_gcrs)) - floor_km

    down.terminal = True  # type: ignore[attr-defined]
    down.direction = -1.0  # type: ignore[attr-defined]
    solution = solve_ivp(rhs, (0.0, span_s), x0, method="DOP853", events=down, rtol=_RTOL, atol=_ATOL)
    if solution.status == -1:
        raise PropagationError(f"ascent: the integration failed: {solution.message}")
    t_events, y_events = solution.t_events, solution.y_events
    if t_events is not None and y_events is not None and t_events[0].size:
        return True, float(t_events[0][0]), np.asarray(y_events[0][0], dtype=np.float64)
    return False, float(solution.t[-1]), np.asarray(solution.y[:, -1], dtype=np.float64)


def _impact_site(epoch: datetime, seconds: float, r_gcrs: FloatArray) -> tuple[datetime, float, float]:
    when = epoch + timedelta(seconds=seconds)
    r_itrs, _ = itrs_states_from_gcrs(r_gcrs[None], np.zeros((1, 3)), earth_orientation([when]))
    lat, lon, _ = geodetic_from_itrs(r_itrs[0])
    return when, float(lat), float(lon)


def _sample_states(
    x: FloatArray, covariance: FloatArray, samples: int, rng: np.random.Generator
) -> FloatArray:
    values, vectors = np.linalg.eigh(0.5 * (covariance + covariance.T))
    root = vectors * np.sqrt(np.maximum(values, 0.0))
    result: FloatArray = x[None, :] + rng.standard_normal((samples, 6)) @ root.T
    return result


def _monte_carlo_impacts(
    states: FloatArray, span_s: float, force: ForceModel, axis: EarthAxis
) -> tuple[FloatArray, FloatArray]:
    """Impact times (s, NaN when none within ``span_s``) and GCRS impact positions (N, 3) of N states."""
    count = states.shape[0]

    def rhs(_t: float, y: FloatArray) -> FloatArray:
        s = y.reshape(count, 6)
        r = s[:, :3]
        below = np.minimum(ellipsoid_height_km(r, axis.pole_gcrs), 0.0)
        radius = np.sqrt((r * r).sum(axis=-1))
        at = r * ((radius - below) / radius)[:, None]  # underground: the force of the surface point above
        acc = acceleration_gcrs_km_s2(at, s[:, 3:], force, axis)
        return np.concatenate([s[:, 3:], acc], axis=1).reshape(-1)

    grid = np.arange(0.0, span_s + _IMPACT_GRID_STEP_S, _IMPACT_GRID_STEP_S)
    solution = solve_ivp(
        rhs, (0.0, float(grid[-1])), states.reshape(-1), method="DOP853", t_eval=grid, rtol=1e-9, atol=1e-8
    )
    if solution.status != 0:
        raise PropagationError(f"ascent: the Monte Carlo integration failed: {solution.message}")
    path = solution.y.T.reshape(grid.size, count, 6)
    height = ellipsoid_height_km(path[..., :3], axis.pole_gcrs)  # (T, N)
    below = height <= 0.0
    hit = np.any(below, axis=0) & ~below[0]
    first = np.argmax(below, axis=0)
    k = np.clip(first, 1, grid.size - 1)
    cols = np.arange(count)
    h0, h1 = height[k - 1, cols], height[k, cols]
    frac = np.where(h0 != h1, h0 / np.where(h0 != h1, h0 - h1, 1.0), 0.0)
    r0, r1 = path[k - 1, cols, :3], path[k, cols, :3]
    times = np.where(hit, grid[k - 1] + frac * _IMPACT_GRID_STEP_S, np.nan)
    positions = r0 + frac[:, None] * (r1 - r0)
    return times, positions


def _ellipse(east_north_km: FloatArray, probability: float) -> tuple[float, float, float]:
    """Semi-major, semi-minor (km) and azimuth of the major axis (deg, [0, 180)) at ``probability``."""
    cov = np.cov(east_north_km.T)
    values, vectors = np.linalg.eigh(cov)
    scale = float(stats.chi2.ppf(probability, 2))
    major = vectors[:, 1]
    azimuth = math.degrees(math.atan2(major[0], major[1])) % 180.0
    return (
        math.sqrt(max(values[1], 0.0) * scale),
        math.sqrt(max(values[0], 0.0) * scale),
        azimuth,
    )


def impact_point(
    state: OrbitState,
    covariance_gcrs: FloatArray,
    rng: np.random.Generator,
    *,
    samples: int = DEFAULT_SAMPLES,
    probability: float = DEFAULT_PROBABILITY,
    drag: bool = False,
    ballistic_m2_kg: float = DEFAULT_BALLISTIC_M2_KG,
    zonal_degree: int = 4,
    max_flight_s: float = 4.0 * 3600.0,
) -> ImpactPoint | None:
    """The instantaneous impact point of a GCRS state and its Monte Carlo ellipse (module docstring), or
    None when the nominal trajectory does not come down within ``max_flight_s``."""
    if not 0.0 < probability < 1.0:
        raise ObservationError(f"ascent: the ellipse probability must be in (0, 1), got {probability}")
    if samples < 10:
        raise ObservationError(f"ascent: at least 10 Monte Carlo samples are needed, got {samples}")
    if state.frame != "gcrs":
        raise ObservationError(f"ascent: the state must be in GCRS, got {state.frame!r}")
    axis = earth_axis(state.epoch_utc)
    force = ForceModel(zonal_degree=zonal_degree, drag=drag, ballistic_m2_kg=ballistic_m2_kg if drag else 0.0)
    x = np.concatenate([state.r_array_km, state.v_array_km_s])
    came_down, t_hit, at_hit = _fly_until_down(x, max_flight_s, force, axis, 0.0)
    if not came_down:
        return None
    when, lat, lon = _impact_site(state.epoch_utc, t_hit, at_hit[:3])
    drawn = _sample_states(x, np.asarray(covariance_gcrs, dtype=np.float64), samples, rng)
    times, positions = _monte_carlo_impacts(drawn, 1.5 * t_hit + 600.0, force, axis)
    hit = np.isfinite(times)
    if np.count_nonzero(hit) < 3:
        raise ConvergenceError("ascent: fewer than three Monte Carlo samples come down; no impact ellipse")
    epochs = [state.epoch_utc + timedelta(seconds=float(t)) for t in times[hit]]
    r_itrs, _ = itrs_states_from_gcrs(
        positions[hit], np.zeros_like(positions[hit]), earth_orientation(epochs)
    )
    centre = _itrs_point(lat, lon)
    enu = np.einsum("ij,nj->ni", enu_from_itrs_matrix(lat, lon).reshape(3, 3), r_itrs - centre)
    semi_major, semi_minor, azimuth = _ellipse(enu[:, :2], probability)
    return ImpactPoint(
        time_utc=when,
        lat_deg=lat,
        lon_deg=lon,
        time_sigma_s=float(np.std(times[hit], ddof=1)),
        ellipse_semi_major_km=semi_major,
        ellipse_semi_minor_km=semi_minor,
        ellipse_azimuth_deg=azimuth,
        probability=probability,
        samples=samples,
        impact_fraction=float(np.count_nonzero(hit)) / samples,
        with_drag=drag,
    )


def _itrs_point(lat_deg: float, lon_deg: float) -> FloatArray:
    result: FloatArray = np.asarray(itrs_from_geodetic(lat_deg, lon_deg, 0.0), dtype=np.float64).reshape(3)
    return result


def inside_ellipse(impact: ImpactPoint, lat_deg: float, lon_deg: float) -> bool:
    """True when a ground point lies inside the impact ellipse (in the local east/north plane)."""
    centre = _itrs_point(impact.lat_deg, impact.lon_deg)
    enu = enu_from_itrs_matrix(impact.lat_deg, impact.lon_deg).reshape(3, 3) @ (
        _itrs_point(lat_deg, lon_deg) - centre
    )
    az = math.radians(impact.ellipse_azimuth_deg)
    along = enu[0] * math.sin(az) + enu[1] * math.cos(az)
    across = enu[0] * math.cos(az) - enu[1] * math.sin(az)
    a, b = impact.ellipse_semi_major_km, impact.ellipse_semi_minor_km
    return bool((along / a) ** 2 + (across / max(b, 1e-12)) ** 2 <= 1.0)


def first_passes(
    state: OrbitState,
    sites: Sequence[Station],
    *,
    window_s: float = DEFAULT_PASS_WINDOW_S,
    min_elevation_deg: float = DEFAULT_MIN_ELEVATION_DEG,
    ballistic_m2_kg: float = DEFAULT_BALLISTIC_M2_KG,
    zonal_degree: int = 4,
) -> tuple[PredictedPass, ...]:
    """The first pass over each site that rises after the state's epoch, within ``window_s`` (module doc);
    sites without one are left out. The object is flown with drag and stops where it comes down."""
    if not sites:
        return ()
    axis = earth_axis(state.epoch_utc)
    force = ForceModel(zonal_degree=zonal_degree, drag=ballistic_m2_kg > 0.0, ballistic_m2_kg=ballistic_m2_kg)
    x = np.concatenate([state.r_array_km, state.v_array_km_s])
    _, t_end, _ = _fly_until_down(x, window_s, force, axis, 0.0)
    grid = np.arange(0.0, t_end, PASS_GRID_STEP_S)
    if grid.size < 3:
        return ()
    path = _fly_back(x[None, :], grid, force, axis, None)[:, 0, :]
    times = [state.epoch_utc + timedelta(seconds=float(s)) for s in grid]
    r_itrs, _ = itrs_states_from_gcrs(path[:, :3], path[:, 3:], earth_orientation(times))
    site_array = SiteArray.from_geodetic(
        [s.lat_deg for s in sites],
        [s.lon_deg for s in sites],
        [s.alt_km for s in sites],
        [s.name for s in sites],
    )
    elevation = elevation_deg(r_itrs, site_array) - min_elevation_deg  # (K, T)
    passes = []
    for k, site in enumerate(sites):
        found = _first_pass(site.name, elevation[k], grid, state.epoch_utc, min_elevation_deg)
        if found is not None:
            passes.append(found)
    return tuple(sorted(passes, key=lambda p: p.rise_utc))


def _first_pass(
    name: str, g: FloatArray, grid: FloatArray, epoch: datetime, min_elevation_deg: float
) -> PredictedPass | None:
    rises = np.flatnonzero((g[:-1] < 0.0) & (g[1:] >= 0.0))
    if rises.size == 0:
        return None
    i = int(rises[0])
    sets = np.flatnonzero((g[i + 1 : -1] >= 0.0) & (g[i + 2 :] < 0.0))
    if sets.size == 0:
        return None
    j = i + 1 + int(sets[0])

    def crossing(a: int) -> float:
        return float(grid[a] + g[a] / (g[a] - g[a + 1]) * (grid[a + 1] - grid[a]))

    top = i + 1 + int(np.argmax(g[i + 1 : j + 1]))
    t_top, g_top = float(grid[top]), float(g[top])
    if 0 < top < grid.size - 1:
        y0, y1, y2 = g[top - 1], g[top], g[top + 1]
        denom = y0 - 2.0 * y1 + y2
        if denom < 0.0:
            shift = 0.5 * (y0 - y2) / denom
            t_top = float(grid[top] + shift * PASS_GRID_STEP_S)
            g_top = float(y1 - 0.25 * (y0 - y2) * shift)
    return PredictedPass(
        site=name,
        rise_utc=epoch + timedelta(seconds=crossing(i)),
        culmination_utc=epoch + timedelta(seconds=t_top),
        set_utc=epoch + timedelta(seconds=crossing(j)),
        max_elevation_deg=g_top + min_elevation_deg,
    )


def assess_ascent(
    state: OrbitState,
    covariance_gcrs: FloatArray,
    rng: np.random.Generator,
    *,
    min_perigee_alt_km: float = DEFAULT_MIN_PERIGEE_ALT_KM,
    ballistic_m2_kg: float = DEFAULT_BALLISTIC_M2_KG,
    pass_sites: Sequence[Station] = (),
    pass_window_s: float = DEFAULT_PASS_WINDOW_S,
    min_elevation_deg: float = DEFAULT_MIN_ELEVATION_DEG,
    samples: int = DEFAULT_SAMPLES,
    probability: float = DEFAULT_PROBABILITY,
    impact_drag: bool = False,
    zonal_degree: int = 4,
) -> AscentAssessment:
    """Orbit, verdict, and the impact point (suborbital) or the first passes over ``pass_sites`` (orbital)
    of a GCRS state with its covariance (module docstring). ``rng`` draws the Monte Carlo samples."""
    if state.frame != "gcrs":
        raise ObservationError(f"ascent: the state must be in GCRS, got {state.frame!r}")
    if not (math.isfinite(ballistic_m2_kg) and ballistic_m2_kg >= 0.0):
        raise ObservationError(f"ascent: C_D A / m must be a number >= 0, got {ballistic_m2_kg}")
    axis = earth_axis(state.epoch_utc)
    x = np.concatenate([state.r_array_km, state.v_array_km_s])
    orbit = osculating_orbit(x[:3], x[3:], axis.pole_gcrs)
    force = ForceModel(zonal_degree=zonal_degree, drag=ballistic_m2_kg > 0.0, ballistic_m2_kg=ballistic_m2_kg)
    after: float | None = None
    if orbit.period_s is None:
        orbital = True
    else:
        came_down, _, final = _fly_until_down(x, orbit.period_s, force, axis, min_perigee_alt_km)
        if came_down:
            orbital = False
        else:
            after = osculating_orbit(final[:3], final[3:], axis.pole_gcrs).perigee_alt_km
            orbital = after >= min_perigee_alt_km
    impact = None
    passes: tuple[PredictedPass, ...] = ()
    if orbital:
        passes = first_passes(
            state, pass_sites, window_s=pass_window_s, min_elevation_deg=min_elevation_deg,
            ballistic_m2_kg=ballistic_m2_kg, zonal_degree=zonal_degree,
        )  # fmt: skip
    else:
        impact = impact_point(
            state, covariance_gcrs, rng, samples=samples, probability=probability, drag=impact_drag,
            ballistic_m2_kg=ballistic_m2_kg, zonal_degree=zonal_degree,
        )  # fmt: skip
    return AscentAssessment(
        verdict="orbital" if orbital else "suborbital",
        state=state,
        covariance_gcrs=np.asarray(covariance_gcrs, dtype=np.float64),
        perigee_alt_km=orbit.perigee_alt_km,
        apogee_alt_km=orbit.apogee_alt_km,
        inclination_deg=orbit.inclination_deg,
        min_perigee_alt_km=min_perigee_alt_km,
        ballistic_m2_kg=ballistic_m2_kg,
        perigee_after_one_rev_alt_km=after,
        impact=impact,
        passes=passes,
    )
