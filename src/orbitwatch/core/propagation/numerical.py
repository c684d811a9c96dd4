"""Numerical orbit propagation for orbit determination: two-body, J2..J4 zonal harmonics and drag.

Frame. The equations of motion are integrated in the GCRS, treated as inertial: the GCRS is the
geocentric, kinematically non-rotating frame of the IAU (2000) resolutions; the only approximations are
that the Earth's geodesic precession (about 1.9 arcseconds a century) and the accelerations of the
geocentre by the Moon and Sun (third-body terms, not modelled here) are ignored.

Gravity. The central term plus the zonal harmonics J2, J3 and J4 of EGM-96 (unnormalised,
``constants.J2..J4``), with the WGS-84 ``mu`` and equatorial radius. The zonal accelerations are those
of Vallado, *Fundamentals of Astrodynamics and Applications*, 4th ed. (2013), eq. 8-30 (the gradients
of the zonal potential U = mu/r [1 - sum_n J_n (R/r)^n P_n(sin phi)], also Montenbruck & Gill,
*Satellite Orbits* (2000), §3.2), written about the Earth's rotation axis. That axis (the Celestial
Intermediate Pole, the z-axis of TEME to 0.3 arcsecond of polar motion) is taken from the frames module
(``teme_from_gcrs_exact``) once, at the epoch of the propagation, and held fixed: precession and
nutation move it by under 0.2 arcsecond a day, which changes the zonal acceleration by under 1e-6 of
itself (millimetres over days).

Drag (optional). a = -1/2 rho (C_D A / m) |v_rel| v_rel with the velocity relative to an atmosphere
that co-rotates with the Earth, v_rel = v - omega x r (omega: the Earth's rotation rate from the IAU
1982 GMST of ``frames.rotations.gmst82_rad`` about the same axis). The density is the static
exponential model of Vallado (2013), Table 8-4 (from CIRA-72 and the U.S. Standard Atmosphere 1976),
as a function of the height above the WGS-84 ellipsoid (``ellipsoid_height_km``). The ballistic
parameter is ``C_D A / m`` in m^2/kg (the inverse of Vallado's BC = m / (C_D A)).

Integration. SciPy's ``solve_ivp`` with DOP853 (Hairer, Norsett & Wanner's 8(5,3) Dormand-Prince
pair), relative tolerance 1e-10 by default, output at the requested instants (forwards and backwards
from the epoch in one call).

State transition matrix. By central finite differences of whole trajectories: the nominal trajectory
and its 12 (14 with drag: +-C_D A/m) perturbed neighbours are integrated together as one system, so
they share one step sequence and the difference quotient is a smooth function of the initial state
("internal numerical differentiation", Bock 1981; see Montenbruck & Gill §7.2.3 for the alternative,
the variational equations). Perturbations: 1 m in position, 1 mm/s in velocity, 1e-3 of C_D A/m
(at least 1e-5 m^2/kg). This captures every term of the force model, drag included.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.integrate import solve_ivp

from orbitwatch.core.constants import J2, J3, J4, WGS84_A_KM, WGS84_B_KM, WGS84_E2, WGS84_MU_KM3_S2
from orbitwatch.core.elements.epochs import as_utc
from orbitwatch.core.frames.rotations import gmst82_rad, teme_from_gcrs_exact
from orbitwatch.core.frames.time import skyfield_time, ut1_julian_dates
from orbitwatch.core.propagation.states import TimeGrid
from orbitwatch.errors import PropagationError

FloatArray = NDArray[np.float64]

# Vallado (2013), Table 8-4: base geodetic height h0 (km), nominal density rho0 (kg/m^3) and scale
# height H (km) of the exponential atmosphere rho = rho0 exp(-(h - h0) / H), valid from h0 to the next h0.
EXPONENTIAL_ATMOSPHERE: Final = np.array(
    [
        (0.0, 1.225, 7.249),
        (25.0, 3.899e-2, 6.349),
        (30.0, 1.774e-2, 6.682),
        (40.0, 3.972e-3, 7.554),
        (50.0, 1.057e-3, 8.382),
        (60.0, 3.206e-4, 7.714),
        (70.0, 8.770e-5, 6.549),
        (80.0, 1.905e-5, 5.799),
        (90.0, 3.396e-6, 5.382),
        (100.0, 5.297e-7, 5.877),
        (110.0, 9.661e-8, 7.263),
        (120.0, 2.438e-8, 9.473),
        (130.0, 8.484e-9, 12.636),
        (140.0, 3.845e-9, 16.149),
        (150.0, 2.070e-9, 22.523),
        (180.0, 5.464e-10, 29.740),
        (200.0, 2.789e-10, 37.105),
        (250.0, 7.248e-11, 45.546),
        (300.0, 2.418e-11, 53.628),
        (350.0, 9.518e-12, 53.298),
        (400.0, 3.725e-12, 58.515),
        (450.0, 1.585e-12, 60.828),
        (500.0, 6.967e-13, 63.822),
        (600.0, 1.454e-13, 71.835),
        (700.0, 3.614e-14, 88.667),
        (800.0, 1.170e-14, 124.64),
        (900.0, 5.245e-15, 181.05),
        (1000.0, 3.019e-15, 268.00),
    ]
)

_M_PER_KM = 1000.0
_DELTA_R_KM = 1e-3
_DELTA_V_KM_S = 1e-6
_DELTA_BALLISTIC_REL = 1e-3
_DELTA_BALLISTIC_MIN_M2_KG = 1e-5
_SURFACE_MARGIN_KM = 25.0  # polar radius 6356.75 km: below WGS84_A_KM - 25 km the orbit is inside the Earth


@dataclass(frozen=True, slots=True)
class ForceModel:
    """What the propagator integrates.

    ``zonal_degree``: 0 or 1 for two-body only, 2 for J2, 3 for J2+J3, 4 for J2..J4 (default).
    ``drag``: exponential-atmosphere drag with ``ballistic_m2_kg`` = C_D A / m (m^2/kg; about 0.01 to 0.02
    for a typical LEO satellite with C_D = 2.2).
    """

    zonal_degree: int = 4
    drag: bool = False
    ballistic_m2_kg: float = 0.0
    mu_km3_s2: float = WGS84_MU_KM3_S2
    radius_km: float = WGS84_A_KM

    def __post_init__(self) -> None:
        if self.zonal_degree not in (0, 1, 2, 3, 4):
            raise ValueError(f"zonal_degree must be 0..4, got {self.zonal_degree}")
        if not (math.isfinite(self.ballistic_m2_kg) and self.ballistic_m2_kg >= 0.0):
            raise ValueError(f"ballistic_m2_kg must be a finite number >= 0, got {self.ballistic_m2_kg}")


@dataclass(frozen=True, slots=True, eq=False)
class EarthAxis:
    """The Earth's rotation axis (unit vector in GCRS) and rotation rate (rad/s) at one epoch."""

    pole_gcrs: FloatArray
    rotation_rate_rad_s: float

    @property
    def omega_gcrs_rad_s(self) -> FloatArray:
        """The Earth's angular velocity vector in GCRS (rad/s)."""
        result: FloatArray = self.pole_gcrs * self.rotation_rate_rad_s
        return result


def earth_axis(epoch_utc: datetime) -> EarthAxis:
    """The rotation axis (the z-axis of TEME, IAU 2000A precession-nutation via Skyfield) and the GMST 1982
    rate at ``epoch_utc`` (offline IERS data, ``orbitwatch.core.frames``)."""
    grid = TimeGrid(epoch_utc, np.zeros(1))
    pole = np.array(teme_from_gcrs_exact(grid)[0, 2, :], dtype=np.float64)
    _, rate = gmst82_rad(*ut1_julian_dates(skyfield_time(grid)))
    return EarthAxis(pole / np.linalg.norm(pole), float(rate[0]))


def exponential_density_kg_m3(height_km: ArrayLike) -> FloatArray:
    """Atmospheric density (kg/m^3) at geodetic heights (km), Vallado (2013) Table 8-4.

    Below 0 km the sea-level layer is extended; above 1000 km the last layer (H = 268 km) continues.
    """
    h = np.asarray(height_km, dtype=np.float64)
    table = EXPONENTIAL_ATMOSPHERE
    layer = np.clip(np.searchsorted(table[:, 0], h, side="right") - 1, 0, table.shape[0] - 1)
    result: FloatArray = table[layer, 1] * np.exp(-(h - table[layer, 0]) / table[layer, 2])
    return result


def ellipsoid_height_km(r_gcrs_km: FloatArray, pole_gcrs: FloatArray) -> FloatArray:
    """Height (km) above the WGS-84 ellipsoid measured along the geocentric radius, of positions (..., 3).

    r - b / sqrt(1 - e^2 cos^2(phi')) with phi' the geocentric latitude about ``pole_gcrs``. It differs from
    the geodetic height (along the ellipsoid normal) by under 10 m below 1000 km (the normal and the radius
    differ by at most 0.19 degree), far below what the exponential density table resolves.
    """
    r = np.asarray(r_gcrs_km, dtype=np.float64)
    r2 = (r * r).sum(axis=-1)
    z = r @ pole_gcrs
    cos2 = np.maximum(r2 - z * z, 0.0) / r2
    result: FloatArray = np.sqrt(r2) - WGS84_B_KM / np.sqrt(1.0 - WGS84_E2 * cos2)
    return result


def acceleration_gcrs_km_s2(
    r_gcrs_km: FloatArray,
    v_gcrs_km_s: FloatArray,
    force: ForceModel,
    axis: EarthAxis,
    ballistic_m2_kg: FloatArray | float | None = None,
) -> FloatArray:
    """Acceleration (km/s^2) of states (..., 3) in GCRS under ``force`` (module docstring).

    ``ballistic_m2_kg`` overrides ``force.ballistic_m2_kg`` (a scalar or one value per state, shape (...)).
    """
    r = np.asarray(r_gcrs_km, dtype=np.float64)
    mu, radius = force.mu_km3_s2, force.radius_km
    r2 = (r * r).sum(axis=-1)
    r_norm = np.sqrt(r2)
    acc: FloatArray = -(mu / (r2 * r_norm))[..., None] * r
    if force.zonal_degree >= 2:
        pole = axis.pole_gcrs
        z = r @ pole
        u2 = z * z / r2  # sin^2 of the geocentric latitude
        rr = radius / r_norm
        base = mu / r2 * rr * rr  # mu R^2 / r^4
        # Vallado eq. 8-30 in the form a = c_r r_hat + c_z pole (components along r_hat and the axis).
        c_r = -1.5 * J2 * base * (1.0 - 5.0 * u2)
        c_z = -3.0 * J2 * base * (z / r_norm)
        if force.zonal_degree >= 3:
            u = z / r_norm
            base3 = base * rr
            c_r += -2.5 * J3 * base3 * u * (3.0 - 7.0 * u2)
            c_z += -2.5 * J3 * base3 * (3.0 * u2 - 0.6)
        if force.zonal_degree >= 4:
            base4 = base * rr * rr
            c_r += 1.875 * J4 * base4 * (1.0 - 14.0 * u2 + 21.0 * u2 * u2)
            c_z += 1.875 * J4 * base4 * (z / r_norm) * (4.0 - 28.0 / 3.0 * u2)
        acc = acc + (c_r / r_norm)[..., None] * r + c_z[..., None] * pole
    if force.drag:
        ballistic = force.ballistic_m2_kg if ballistic_m2_kg is None else ballistic_m2_kg
        v = np.asarray(v_gcrs_km_s, dtype=np.float64)
        w = axis.omega_gcrs_rad_s
        x, y, zz = r[..., 0], r[..., 1], r[..., 2]
        v_rel = v - np.stack([w[1] * zz - w[2] * y, w[2] * x - w[0] * zz, w[0] * y - w[1] * x], axis=-1)
        rho = exponential_density_kg_m3(ellipsoid_height_km(r, axis.pole_gcrs))
        speed = np.sqrt((v_rel * v_rel).sum(axis=-1))
        scale = -0.5 * _M_PER_KM * rho * np.asarray(ballistic, dtype=np.float64) * speed
        acc = acc + scale[..., None] * v_rel
    return acc


@dataclass(frozen=True, slots=True, eq=False)
class Trajectory:
    """Numerically propagated states at requested instants (offsets in s from ``epoch_utc``).

    ``r_gcrs_km`` and ``v_gcrs_km_s`` are (M, 3). ``stm`` (M, 6, 6), when requested, is the state
    transition matrix d(r, v)(t) / d(r, v)(epoch) (km, km/s); ``ballistic_partials`` (M, 6), with drag, is
    d(r, v)(t) / d(C_D A / m) in km (km/s) per m^2/kg.
    """

    epoch_utc: datetime
    offsets_s: FloatArray
    r_gcrs_km: FloatArray
    v_gcrs_km_s: FloatArray
    stm: FloatArray | None = None
    ballistic_partials: FloatArray | None = None


def offsets_s(epoch_utc: datetime, times_utc: Sequence[datetime]) -> FloatArray:
    """Seconds from ``epoch_utc`` to each of ``times_utc`` (exact to the microsecond)."""
    epoch = as_utc(epoch_utc)
    return np.array([(as_utc(t) - epoch).total_seconds() for t in times_utc], dtype=np.float64)


def propagate_gcrs(
    epoch_utc: datetime,
    r_gcrs_km: ArrayLike,
    v_gcrs_km_s: ArrayLike,
    offsets_s: ArrayLike,
    force: ForceModel | None = None,
    *,
    stm: bool = False,
    rtol: float = 1e-10,
    atol: float = 1e-9,
    axis: EarthAxis | None = None,
) -> Trajectory:
    """Propagate one GCRS state to the instants ``offsets_s`` (s after ``epoch_utc``; any order, either sign).

    With ``stm=True`` the state transition matrix (and, with drag, the partials with respect to C_D A / m)
    come by central differences of trajectories integrated together (module docstring). ``atol`` is in km
    and km/s. Raises :class:`~orbitwatch.errors.PropagationError` when the integration fails or the orbit
    enters the Earth.
    """
    force = ForceModel() if force is None else force
    axis = earth_axis(epoch_utc) if axis is None else axis
    r0 = np.asarray(r_gcrs_km, dtype=np.float64).reshape(3)
    v0 = np.asarray(v_gcrs_km_s, dtype=np.float64).reshape(3)
    if not (np.all(np.isfinite(r0)) and np.all(np.isfinite(v0))):
        raise PropagationError(f"the initial state at {epoch_utc.isoformat()} is not finite: {r0}, {v0}")
    times = np.asarray(offsets_s, dtype=np.float64).reshape(-1)
    if not np.all(np.isfinite(times)):
        raise PropagationError("the requested offsets are not all finite")
    initial, ballistic = _initial_states(r0, v0, force, stm)
    states = np.empty((times.size, initial.shape[0], 6))
    for sign in (1.0, -1.0):
        chosen = np.flatnonzero(times >= 0.0) if sign > 0 else np.flatnonzero(times < 0.0)
        if chosen.size == 0:
            continue
        distinct, inverse = np.unique(sign * times[chosen], return_inverse=True)  # increasing |t|
        solved = _integrate(initial, ballistic, sign * distinct, force, axis, rtol, atol, epoch_utc)
        states[chosen] = solved[inverse.reshape(-1)]
    radius = np.linalg.norm(states[:, :, :3], axis=-1)
    if states.size and float(radius.min()) < force.radius_km - _SURFACE_MARGIN_KM:
        bad = int(np.argmin(radius.min(axis=1)))
        raise PropagationError(
            f"the orbit from {epoch_utc.isoformat()} enters the Earth by {times[bad]:.0f} s "
            f"(radius {radius[bad].min():.1f} km)"
        )
    nominal = states[:, 0, :]
    trajectory_stm: FloatArray | None = None
    partials: FloatArray | None = None
    if stm:
        steps = np.concatenate([np.full(3, _DELTA_R_KM), np.full(3, _DELTA_V_KM_S)])
        plus, minus = states[:, 1:13:2, :], states[:, 2:13:2, :]
        trajectory_stm = np.ascontiguousarray(
            ((plus - minus) / (2.0 * steps)[None, :, None]).transpose(0, 2, 1)
        )
        if force.drag:
            step_b = _ballistic_step(force)
            partials = (states[:, 13, :] - states[:, 14, :]) / (2.0 * step_b)
    return Trajectory(
        as_utc(epoch_utc),
        times,
        np.ascontiguousarray(nominal[:, :3]),
        np.ascontiguousarray(nominal[:, 3:]),
        trajectory_stm,
        partials,
    )


def _ballistic_step(force: ForceModel) -> float:
    return max(force.ballistic_m2_kg * _DELTA_BALLISTIC_REL, _DELTA_BALLISTIC_MIN_M2_KG)


def _initial_states(
    r0: FloatArray, v0: FloatArray, force: ForceModel, stm: bool
) -> tuple[FloatArray, FloatArray]:
    """The nominal state, then (with ``stm``) +- perturbations of each component and of C_D A / m."""
    nominal = np.concatenate([r0, v0])
    if not stm:
        return nominal[None, :], np.full(1, force.ballistic_m2_kg)
    steps = np.concatenate([np.full(3, _DELTA_R_KM), np.full(3, _DELTA_V_KM_S)])
    rows = [nominal]
    for j in range(6):
        delta = np.zeros(6)
        delta[j] = steps[j]
        rows.extend([nominal + delta, nominal - delta])
    ballistic = [force.ballistic_m2_kg] * 13
    if force.drag:
        step_b = _ballistic_step(force)
        rows.extend([nominal, nominal])
        ballistic.extend([force.ballistic_m2_kg + step_b, force.ballistic_m2_kg - step_b])
    return np.array(rows), np.array(ballistic)


def _integrate(
    initial: FloatArray,
    ballistic: FloatArray,
    times_s: FloatArray,
    force: ForceModel,
    axis: EarthAxis,
    rtol: float,
    atol: float,
    epoch_utc: datetime,
) -> FloatArray:
    """States (T, N, 6) of N trajectories at monotonic ``times_s`` (all >= 0 or all < 0), one system."""
    count = initial.shape[0]

    def rhs(_t: float, y: FloatArray) -> FloatArray:
        state = y.reshape(count, 6)
        acc = acceleration_gcrs_km_s2(state[:, :3], state[:, 3:], force, axis, ballistic)
        return np.concatenate([state[:, 3:], acc], axis=1).reshape(-1)

    end = float(times_s[-1])
    result = np.empty((times_s.size, count, 6))
    at_start = times_s == 0.0
    result[at_start] = initial
    if np.all(at_start):
        return result
    solution = solve_ivp(
        rhs,
        (0.0, end),
        initial.reshape(-1),
        method="DOP853",
        t_eval=times_s,
        rtol=rtol,
        atol=atol,
    )
    if solution.status != 0 or not np.all(np.isfinite(solution.y)):
        raise PropagationError(
            f"numerical propagation from {epoch_utc.isoformat()} to {end:+.0f} s failed: {solution.message}"
        )
    result[:] = solution.y.T.reshape(times_s.size, count, 6)
    return result
