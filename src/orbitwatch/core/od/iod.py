"""Initial orbit determination (pure): a first two-body state from few measurements, with no prior orbit.

- :func:`gibbs`: three position vectors of one orbit -> velocity at the middle one (Gibbs' method as in
  Curtis 2014, "Orbital Mechanics for Engineering Students", 3rd ed., Algorithm 5.1; Vallado 2013,
  "Fundamentals of Astrodynamics and Applications", 4th ed., Algorithm 54). Needs well-spread vectors.
- :func:`herrick_gibbs`: the same from closely spaced, time-tagged vectors (Taylor series of the
  two-body motion; Vallado 2013, Algorithm 55).
- :func:`gauss`: three optical directions from known sites -> state at the middle time (Gauss' method
  with the iterative improvement by exact Lagrange coefficients; Curtis 2014, Algorithms 5.5 and 5.6).
- :func:`angles_only` and :func:`radar_track`: the same from :class:`Measurement` lists (optical
  right ascension/declination; radar azimuth/elevation/range over a pass), refined by
  :func:`fit_two_body`, a weighted Gauss-Newton least-squares fit of a two-body orbit to every
  measurement.

Two-body motion (:func:`kepler_states`) uses the universal variable and Stumpff functions (Curtis 2014,
Algorithms 3.3 and 3.4; Vallado 2013, Algorithm 8). IOD is two-body: over minutes of a LEO arc the
Earth's oblateness moves the satellite by tens of metres from a Keplerian path, which bounds how well
IOD can recover a real orbit; the batch estimator removes that.

Failures: :class:`~orbitwatch.errors.ObservationError` when the geometry cannot give an orbit (vectors
not coplanar, too close together or collinear; coplanar lines of sight; times not increasing; no root
of Gauss' polynomial above the Earth's surface), :class:`~orbitwatch.errors.ConvergenceError` when an
iteration does not converge. States are GCRS unless a ``frame`` is given for position inputs.
"""

import math
from collections.abc import Sequence
from datetime import datetime, timedelta

import numpy as np
from numpy.typing import ArrayLike, NDArray

from orbitwatch.core.constants import WGS84_A_KM, WGS84_MU_KM3_S2
from orbitwatch.core.frames.geodesy import enu_from_itrs_matrix, itrs_from_geodetic
from orbitwatch.core.od.measurements import Measurement
from orbitwatch.core.od.predict import (
    Stations,
    earth_orientation,
    gcrs_states_from_itrs,
    measurement_geometry,
    measurement_partials,
    observed_sigmas,
    observed_values,
    predict_values,
    residuals,
    station_table,
)
from orbitwatch.core.od.state import OrbitState
from orbitwatch.errors import ConvergenceError, ObservationError

FloatArray = NDArray[np.float64]

GIBBS_MIN_SEPARATION_DEG = 1.0
"""Below this angle between consecutive vectors Gibbs' method loses its accuracy: use Herrick-Gibbs."""
COPLANARITY_TOLERANCE_DEG = 3.0
"""Largest angle of r1 out of the plane of r2 and r3 accepted as one orbit (Vallado 2013, Alg. 54)."""
_KEPLER_ITERATIONS = 60
_MICROSECOND = timedelta(microseconds=1)


def _seconds(later: datetime, earlier: datetime) -> float:
    return ((later - earlier) // _MICROSECOND) * 1e-6


def _three(times_utc: Sequence[datetime], vectors: ArrayLike, what: str) -> tuple[list[float], FloatArray]:
    if len(times_utc) != 3:
        raise ObservationError(f"{what}: expected three times, got {len(times_utc)}")
    array = np.asarray(vectors, dtype=np.float64)
    if array.shape != (3, 3) or not np.all(np.isfinite(array)):
        raise ObservationError(f"{what}: expected three finite 3-vectors, got shape {array.shape}")
    offsets = [_seconds(t, times_utc[1]) for t in times_utc]
    if not offsets[0] < 0.0 < offsets[2]:
        raise ObservationError(f"{what}: the three times must be strictly increasing, got {list(times_utc)}")
    return offsets, array


def _angle_deg(a: FloatArray, b: FloatArray) -> float:
    return math.degrees(math.atan2(float(np.linalg.norm(np.cross(a, b))), float(np.dot(a, b))))


def coplanarity_deg(r_km: ArrayLike) -> float:
    """Angle (deg) of r1 out of the plane of r2 and r3 (90 deg minus its angle to r2 x r3)."""
    r = np.asarray(r_km, dtype=np.float64)
    normal = np.cross(r[1], r[2])
    return math.degrees(
        math.asin(float(np.dot(r[0], normal) / (np.linalg.norm(r[0]) * np.linalg.norm(normal))))
    )


def gibbs(
    times_utc: Sequence[datetime],
    r_km: ArrayLike,
    *,
    frame: str = "gcrs",
    mu_km3_s2: float = WGS84_MU_KM3_S2,
    coplanarity_tolerance_deg: float = COPLANARITY_TOLERANCE_DEG,
    min_separation_deg: float = GIBBS_MIN_SEPARATION_DEG,
) -> OrbitState:
    """The state at the second of three positions (3, 3) of one orbit, by Gibbs' method.

    v2 = sqrt(mu / (N D)) (D x r2 / r2 + S), with N = r1 (r2 x r3) + r2 (r3 x r1) + r3 (r1 x r2),
    D = r1 x r2 + r2 x r3 + r3 x r1, S = r1 (r2 - r3) + r2 (r3 - r1) + r3 (r1 - r2) (Curtis 2014,
    eqs. 5.12-5.14 and 5.22). The times serve only for the epoch and the order; the method needs none.
    Raises ObservationError for vectors out of one plane, closer than ``min_separation_deg``, or whose
    N and D are not parallel (no conic through them about the Earth's centre).
    """
    _, r = _three(times_utc, r_km, "Gibbs")
    tilt = coplanarity_deg(r)
    if abs(tilt) > coplanarity_tolerance_deg:
        raise ObservationError(
            f"Gibbs: the three positions are not coplanar (r1 is {tilt:.3f} deg out of the plane of r2, r3; "
            f"tolerance {coplanarity_tolerance_deg} deg)"
        )
    separations = (_angle_deg(r[0], r[1]), _angle_deg(r[1], r[2]))
    if min(separations) < min_separation_deg:
        raise ObservationError(
            f"Gibbs: the positions are {separations[0]:.3f} and {separations[1]:.3f} deg apart, under "
            f"{min_separation_deg} deg: too short an arc for Gibbs' method; use Herrick-Gibbs"
        )
    mag = np.linalg.norm(r, axis=1)
    n = mag[0] * np.cross(r[1], r[2]) + mag[1] * np.cross(r[2], r[0]) + mag[2] * np.cross(r[0], r[1])
    d = np.cross(r[0], r[1]) + np.cross(r[1], r[2]) + np.cross(r[2], r[0])
    s = r[0] * (mag[1] - mag[2]) + r[1] * (mag[2] - mag[0]) + r[2] * (mag[0] - mag[1])
    nd = float(np.dot(n, d))
    if not nd > 0.0:
        raise ObservationError(
            "Gibbs: N . D is not positive; the three positions admit no orbit about the Earth"
        )
    v2 = math.sqrt(mu_km3_s2 / nd) * (np.cross(d, r[1]) / mag[1] + s)
    return OrbitState.from_arrays(times_utc[1], frame, r[1], v2)


def herrick_gibbs(
    times_utc: Sequence[datetime],
    r_km: ArrayLike,
    *,
    frame: str = "gcrs",
    mu_km3_s2: float = WGS84_MU_KM3_S2,
    coplanarity_tolerance_deg: float = COPLANARITY_TOLERANCE_DEG,
) -> OrbitState:
    """The state at the second of three closely spaced, time-tagged positions (3, 3), by Herrick-Gibbs.

    v2 = -dt32 (1/(dt21 dt31) + mu/(12 r1^3)) r1 + (dt32 - dt21) (1/(dt21 dt32) + mu/(12 r2^3)) r2
    + dt21 (1/(dt32 dt31) + mu/(12 r3^3)) r3 (Vallado 2013, Algorithm 55, eq. 7-27). Accurate for
    separations of a few degrees at most (Vallado recommends it below about 5 deg).
    """
    offsets, r = _three(times_utc, r_km, "Herrick-Gibbs")
    tilt = coplanarity_deg(r)
    if abs(tilt) > coplanarity_tolerance_deg:
        raise ObservationError(f"Herrick-Gibbs: the positions are not coplanar ({tilt:.3f} deg out of plane)")
    dt21, dt32 = -offsets[0], offsets[2]
    dt31 = dt21 + dt32
    m = np.linalg.norm(r, axis=1) ** 3
    v2 = (
        -dt32 * (1.0 / (dt21 * dt31) + mu_km3_s2 / (12.0 * m[0])) * r[0]
        + (dt32 - dt21) * (1.0 / (dt21 * dt32) + mu_km3_s2 / (12.0 * m[1])) * r[1]
        + dt21 * (1.0 / (dt32 * dt31) + mu_km3_s2 / (12.0 * m[2])) * r[2]
    )
    return OrbitState.from_arrays(times_utc[1], frame, r[1], v2)


def three_positions(
    times_utc: Sequence[datetime], r_km: ArrayLike, *, frame: str = "gcrs", mu_km3_s2: float = WGS84_MU_KM3_S2
) -> OrbitState:
    """Gibbs for vectors at least 5 deg apart, else Herrick-Gibbs (Vallado 2013, sec. 7.5.2's advice)."""
    _, r = _three(times_utc, r_km, "three positions")
    if min(_angle_deg(r[0], r[1]), _angle_deg(r[1], r[2])) >= 5.0:
        return gibbs(times_utc, r, frame=frame, mu_km3_s2=mu_km3_s2)
    return herrick_gibbs(times_utc, r, frame=frame, mu_km3_s2=mu_km3_s2)


# --- two-body motion with the universal variable ------------------------------------------------------


def stumpff(z: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Stumpff functions C(z) and S(z) (Curtis 2014, eqs. 3.50-3.51), by series near z = 0."""
    z = np.asarray(z, dtype=np.float64)
    c, s = np.empty_like(z), np.empty_like(z)
    small = np.abs(z) < 1e-3
    pos, neg = (z > 0) & ~small, (z < 0) & ~small
    zs = z[small]
    c[small] = 0.5 - zs / 24.0 + zs * zs / 720.0 - zs**3 / 40320.0
    s[small] = 1.0 / 6.0 - zs / 120.0 + zs * zs / 5040.0 - zs**3 / 362880.0
    sq = np.sqrt(z[pos])
    c[pos] = (1.0 - np.cos(sq)) / z[pos]
    s[pos] = (sq - np.sin(sq)) / sq**3
    sq = np.sqrt(-z[neg])
    c[neg] = (np.cosh(sq) - 1.0) / -z[neg]
    s[neg] = (np.sinh(sq) - sq) / sq**3
    return c, s


def _universal_anomaly(
    r0: FloatArray, vr0: FloatArray, alpha: FloatArray, dt_s: FloatArray, mu: float
) -> FloatArray:
    sqrt_mu = math.sqrt(mu)
    chi = sqrt_mu * np.abs(alpha) * dt_s
    chi = np.where(np.abs(alpha) < 1e-12, sqrt_mu * dt_s / r0, chi)
    for _ in range(_KEPLER_ITERATIONS):
        z = alpha * chi * chi
        c, s = stumpff(z)
        f = r0 * vr0 / sqrt_mu * chi * chi * c + (1.0 - alpha * r0) * chi**3 * s + r0 * chi - sqrt_mu * dt_s
        df = r0 * vr0 / sqrt_mu * chi * (1.0 - z * s) + (1.0 - alpha * r0) * chi * chi * c + r0
        step = f / df
        chi = chi - step
        if np.all(np.abs(step) <= 1e-12 * np.maximum(1.0, np.abs(chi))):
            return chi
    raise ConvergenceError(
        f"Kepler's equation (universal variable) did not converge in {_KEPLER_ITERATIONS} steps"
    )


def lagrange_coefficients(
    r0_km: ArrayLike, v0_km_s: ArrayLike, dt_s: ArrayLike, mu_km3_s2: float = WGS84_MU_KM3_S2
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray]:
    """Exact two-body f, g, f_dot, g_dot for time steps (M,) from one state; and |r| at each step.

    r(t) = f r0 + g v0 and v(t) = f_dot r0 + g_dot v0 (Curtis 2014, eq. 3.69, Algorithm 3.4).
    """
    r0v, v0v = np.asarray(r0_km, dtype=np.float64), np.asarray(v0_km_s, dtype=np.float64)
    dt = np.atleast_1d(np.asarray(dt_s, dtype=np.float64))
    r0 = float(np.linalg.norm(r0v))
    vr0 = float(np.dot(r0v, v0v)) / r0
    alpha = 2.0 / r0 - float(np.dot(v0v, v0v)) / mu_km3_s2
    alphas = np.full_like(dt, alpha)
    chi = _universal_anomaly(np.full_like(dt, r0), np.full_like(dt, vr0), alphas, dt, mu_km3_s2)
    z = alpha * chi * chi
    c, s = stumpff(z)
    f = 1.0 - chi * chi / r0 * c
    g = dt - chi**3 / math.sqrt(mu_km3_s2) * s
    r_vec = f[:, None] * r0v + g[:, None] * v0v
    r = np.linalg.norm(r_vec, axis=-1)
    f_dot = math.sqrt(mu_km3_s2) / (r * r0) * (z * s - 1.0) * chi
    g_dot = 1.0 - chi * chi / r * c
    return f, g, f_dot, g_dot, r


def kepler_states(
    r0_km: ArrayLike, v0_km_s: ArrayLike, dt_s: ArrayLike, mu_km3_s2: float = WGS84_MU_KM3_S2
) -> tuple[FloatArray, FloatArray]:
    """Two-body positions and velocities (M, 3) at time steps dt_s (M,) from the state (r0, v0)."""
    r0v, v0v = np.asarray(r0_km, dtype=np.float64), np.asarray(v0_km_s, dtype=np.float64)
    f, g, f_dot, g_dot, _ = lagrange_coefficients(r0v, v0v, dt_s, mu_km3_s2)
    return f[:, None] * r0v + g[:, None] * v0v, f_dot[:, None] * r0v + g_dot[:, None] * v0v


# --- Gauss' method ---------------------------------------------------------------------------------


def gauss(
    times_utc: Sequence[datetime],
    los_gcrs: ArrayLike,
    site_gcrs_km: ArrayLike,
    *,
    mu_km3_s2: float = WGS84_MU_KM3_S2,
    improve: bool = True,
    max_iterations: int = 100,
    tolerance_km: float = 1e-8,
    min_radius_km: float = WGS84_A_KM,
) -> OrbitState:
    """GCRS state at the middle of three observations from lines of sight (3, 3) and site positions (3, 3).

    Gauss' method (Curtis 2014, Algorithm 5.5): the slant ranges follow from the eighth-degree polynomial
    x^8 + a x^6 + b x^3 + c = 0 in r2, with Lagrange coefficients truncated after the second term;
    with ``improve`` (Algorithm 5.6) they are refined with exact coefficients from the universal variable
    until the slant ranges change by under ``tolerance_km`` (the f and g of successive steps averaged,
    as Curtis does). Raises ObservationError for coplanar lines of sight (the determinant D0 vanishes),
    for no root above ``min_radius_km`` or several (ambiguous), and ConvergenceError when the improvement
    does not converge.
    """
    offsets, los = _three(times_utc, los_gcrs, "Gauss")
    sites = np.asarray(site_gcrs_km, dtype=np.float64)
    if sites.shape != (3, 3):
        raise ObservationError(f"Gauss: expected three site positions, got shape {sites.shape}")
    rho_hat = los / np.linalg.norm(los, axis=1)[:, None]
    tau1, tau3 = offsets[0], offsets[2]
    tau = tau3 - tau1
    p = np.array(
        [np.cross(rho_hat[1], rho_hat[2]), np.cross(rho_hat[0], rho_hat[2]), np.cross(rho_hat[0], rho_hat[1])]
    )
    d0 = float(np.dot(rho_hat[0], p[0]))
    dd = sites @ p.T  # dd[i, j] = R_i . p_j  (Curtis's D_(i+1)(j+1))
    if abs(d0) < 1e-14:
        raise ObservationError(
            f"Gauss: the three lines of sight are coplanar (D0 = {d0:.3e}); no range follows from them"
        )
    mu = mu_km3_s2
    a_ = (-dd[0, 1] * tau3 / tau + dd[1, 1] + dd[2, 1] * tau1 / tau) / d0
    b_ = (
        dd[0, 1] * (tau3 * tau3 - tau * tau) * tau3 / tau + dd[2, 1] * (tau * tau - tau1 * tau1) * tau1 / tau
    ) / (6.0 * d0)
    e_ = float(np.dot(sites[1], rho_hat[1]))
    r2_site2 = float(np.dot(sites[1], sites[1]))
    a = -(a_ * a_ + 2.0 * a_ * e_ + r2_site2)
    b = -2.0 * mu * b_ * (a_ + e_)
    c = -((mu * b_) ** 2)
    roots = np.roots([1.0, 0.0, a, 0.0, 0.0, b, 0.0, 0.0, c])
    real = sorted(
        float(x.real) for x in roots if abs(x.imag) < 1e-6 * max(1.0, abs(x)) and x.real > min_radius_km
    )
    if not real:
        raise ObservationError(
            f"Gauss: no root of the eighth-degree polynomial lies above {min_radius_km:.0f} km; "
            "the lines of sight are inconsistent with an orbit (or the arc is too short)"
        )
    if len(real) > 1:
        raise ObservationError(
            f"Gauss: several roots {real} km are possible radii; the solution is ambiguous"
        )
    x = real[0]
    x3 = x**3
    rho1 = (
        (
            6.0 * (dd[2, 0] * tau1 / tau3 + dd[1, 0] * tau / tau3) * x3
            + mu * dd[2, 0] * (tau * tau - tau1 * tau1) * tau1 / tau3
        )
        / (6.0 * x3 + mu * (tau * tau - tau3 * tau3))
        - dd[0, 0]
    ) / d0
    rho2 = a_ + mu * b_ / x3
    rho3 = (
        (
            6.0 * (dd[0, 2] * tau3 / tau1 - dd[1, 2] * tau / tau1) * x3
            + mu * dd[0, 2] * (tau * tau - tau3 * tau3) * tau3 / tau1
        )
        / (6.0 * x3 + mu * (tau * tau - tau1 * tau1))
        - dd[2, 2]
    ) / d0
    rho = np.array([rho1, rho2, rho3])
    f1 = 1.0 - 0.5 * mu * tau1 * tau1 / x3
    f3 = 1.0 - 0.5 * mu * tau3 * tau3 / x3
    g1 = tau1 - mu * tau1**3 / (6.0 * x3)
    g3 = tau3 - mu * tau3**3 / (6.0 * x3)
    r = sites + rho[:, None] * rho_hat
    v2 = (-f3 * r[0] + f1 * r[2]) / (f1 * g3 - f3 * g1)
    if improve:
        for _ in range(max_iterations):
            f, g, _, _, _ = lagrange_coefficients(r[1], v2, [tau1, tau3], mu)
            f1, f3 = 0.5 * (f1 + f[0]), 0.5 * (f3 + f[1])
            g1, g3 = 0.5 * (g1 + g[0]), 0.5 * (g3 + g[1])
            det = f1 * g3 - f3 * g1
            c1, c3 = g3 / det, -g1 / det
            new_rho = np.array(
                [
                    (-dd[0, 0] + dd[1, 0] / c1 - dd[2, 0] * c3 / c1) / d0,
                    (-c1 * dd[0, 1] + dd[1, 1] - c3 * dd[2, 1]) / d0,
                    (-c1 / c3 * dd[0, 2] + dd[1, 2] / c3 - dd[2, 2]) / d0,
                ]
            )
            r = sites + new_rho[:, None] * rho_hat
            v2 = (-f3 * r[0] + f1 * r[2]) / det
            change = float(np.max(np.abs(new_rho - rho)))
            rho = new_rho
            if change < tolerance_km:
                break
        else:
            raise ConvergenceError(
                f"Gauss: the iterative improvement did not converge in {max_iterations} steps"
            )
    if np.any(rho < 0.0):
        raise ObservationError(f"Gauss: a slant range is negative ({rho} km); the geometry gives no orbit")
    return OrbitState.from_arrays(times_utc[1], "gcrs", r[1], v2)


# --- from measurements -----------------------------------------------------------------------------


def _site_states(measurements: Sequence[Measurement], stations: Stations) -> tuple[FloatArray, FloatArray]:
    geometry = measurement_geometry(measurements, stations)
    return geometry.site_r_gcrs_km, geometry.orientation.matrix


def angles_only(
    measurements: Sequence[Measurement],
    stations: Stations,
    *,
    mu_km3_s2: float = WGS84_MU_KM3_S2,
    refine: bool = True,
) -> OrbitState:
    """GCRS state from optical right ascension/declination measurements (three or more, any stations).

    Gauss' method on the first, the middle and the last measurement (:func:`gauss`); with ``refine`` and
    more than three measurements, :func:`fit_two_body` then fits all of them. Raises ObservationError for
    fewer than three ``ra_dec`` measurements or repeated times.
    """
    optical = sorted((m for m in measurements if m.kind == "ra_dec"), key=lambda m: m.time_utc)
    if len(optical) < 3:
        raise ObservationError(f"angles-only IOD needs three ra_dec measurements, got {len(optical)}")
    chosen = [optical[0], optical[len(optical) // 2], optical[-1]]
    ra, dec = np.radians([m.values[0] for m in chosen]), np.radians([m.values[1] for m in chosen])
    los = np.stack([np.cos(dec) * np.cos(ra), np.cos(dec) * np.sin(ra), np.sin(dec)], axis=-1)
    sites, _ = _site_states(chosen, stations)
    state = gauss([m.time_utc for m in chosen], los, sites, mu_km3_s2=mu_km3_s2)
    if refine and len(optical) > 3:
        state = fit_two_body(state, optical, stations, mu_km3_s2=mu_km3_s2)
    return state


def radar_positions_gcrs(
    measurements: Sequence[Measurement], stations: Stations
) -> tuple[list[datetime], FloatArray]:
    """GCRS positions (km) of the instants where one station has both ``az_el`` and ``range``, time order."""
    table = station_table(stations)
    ranges = {(m.station, m.time_utc): m.values[0] for m in measurements if m.kind == "range"}
    pairs = sorted(
        ((m.time_utc, m.station, m.values, ranges[(m.station, m.time_utc)]) for m in measurements
         if m.kind == "az_el" and (m.station, m.time_utc) in ranges),
        key=lambda item: item[0],
    )  # fmt: skip
    times = [p[0] for p in pairs]
    r_itrs = np.empty((len(pairs), 3))
    for i, (_, name, (az_deg, el_deg), range_km) in enumerate(pairs):
        if name not in table:
            raise ObservationError(f"radar track: station {name!r} is not among the stations given")
        st = table[name]
        az, el = math.radians(az_deg), math.radians(el_deg)
        enu = range_km * np.array([math.cos(el) * math.sin(az), math.cos(el) * math.cos(az), math.sin(el)])
        r_itrs[i] = itrs_from_geodetic(st.lat_deg, st.lon_deg, st.alt_km) + enu @ enu_from_itrs_matrix(
            st.lat_deg, st.lon_deg
        )
    r_gcrs, _ = gcrs_states_from_itrs(r_itrs, np.zeros_like(r_itrs), earth_orientation(times))
    return times, r_gcrs


def radar_track(
    measurements: Sequence[Measurement],
    stations: Stations,
    *,
    mu_km3_s2: float = WGS84_MU_KM3_S2,
    refine: bool = True,
) -> OrbitState:
    """GCRS state from a radar pass: azimuth/elevation with range (and optionally range rate) at >= 3 times.

    The paired az/el/range give GCRS positions (:func:`radar_positions_gcrs`); the first, middle and last
    give a state by :func:`three_positions` (Gibbs or Herrick-Gibbs) at the middle time; with ``refine``
    :func:`fit_two_body` fits every measurement of the stations' kinds (range rate included).
    """
    times, r = radar_positions_gcrs(measurements, stations)
    if len(times) < 3:
        raise ObservationError(
            f"a radar track needs az_el with range at three times or more, got {len(times)}"
        )
    if len(set(times)) != len(times):
        raise ObservationError("a radar track has two az_el/range pairs at one instant (two stations?)")
    middle = len(times) // 2
    chosen = [0, middle, len(times) - 1]
    state = three_positions([times[i] for i in chosen], r[chosen], mu_km3_s2=mu_km3_s2)
    if refine:
        used = [m for m in measurements if m.kind in {"az_el", "range", "range_rate"}]
        state = fit_two_body(state, used, stations, mu_km3_s2=mu_km3_s2)
    return state


def fit_two_body(
    initial: OrbitState,
    measurements: Sequence[Measurement],
    stations: Stations,
    *,
    mu_km3_s2: float = WGS84_MU_KM3_S2,
    max_iterations: int = 25,
    tolerance: float = 1e-3,
) -> OrbitState:
    """Weighted least-squares two-body state (GCRS, at ``initial``'s epoch) fitting every measurement.

    Gauss-Newton on the six components: the measurement partials of :mod:`orbitwatch.core.od.predict`
    chained with the state transition of two-body motion, taken by central differences of
    :func:`kepler_states` (steps 1e-3 km and 1e-6 km/s). Stops when the step, scaled by the state's
    formal standard deviations, is under ``tolerance``; ConvergenceError after ``max_iterations``.
    """
    if initial.frame != "gcrs":
        raise ObservationError(f"two-body fit: the initial state must be GCRS, got {initial.frame}")
    geometry = measurement_geometry(measurements, stations)
    observed = observed_values(measurements)
    weights = 1.0 / observed_sigmas(measurements)
    dt = np.array([_seconds(m.time_utc, initial.epoch_utc) for m in measurements])
    x = np.concatenate([initial.r_array_km, initial.v_array_km_s])
    steps = np.array([1e-3, 1e-3, 1e-3, 1e-6, 1e-6, 1e-6])
    for _ in range(max_iterations):
        r, v = kepler_states(x[:3], x[3:], dt, mu_km3_s2)
        h_state = measurement_partials(geometry, r, v)  # (values, 6) w.r.t. the state at each time
        stm = np.empty((dt.size, 6, 6))
        for j in range(6):
            dx = np.zeros(6)
            dx[j] = steps[j]
            rp, vp = kepler_states(x[:3] + dx[:3], x[3:] + dx[3:], dt, mu_km3_s2)
            rm, vm = kepler_states(x[:3] - dx[:3], x[3:] - dx[3:], dt, mu_km3_s2)
            stm[:, :3, j] = (rp - rm) / (2.0 * steps[j])
            stm[:, 3:, j] = (vp - vm) / (2.0 * steps[j])
        rows = np.repeat(np.arange(dt.size), np.diff(geometry.value_offsets))
        jac = np.einsum("vk,vkj->vj", h_state, stm[rows])
        res = residuals(geometry, observed, predict_values(geometry, r, v))
        a = jac * weights[:, None]
        b = res * weights
        step, *_ = np.linalg.lstsq(a, b, rcond=None)
        x = x + step
        try:
            formal = np.sqrt(np.diag(np.linalg.inv(a.T @ a)))
        except np.linalg.LinAlgError:
            raise ObservationError(
                "two-body fit: the measurements do not determine the six state components"
            ) from None
        if np.all(np.abs(step) <= tolerance * np.maximum(formal, 1e-12)):
            return OrbitState.from_arrays(initial.epoch_utc, "gcrs", x[:3], x[3:])
    raise ConvergenceError(f"two-body fit did not converge in {max_iterations} iterations")
