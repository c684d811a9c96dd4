"""Screening on a coarse grid with a proven bound: which satellite, point and instants can hold an event.

Seen from the Earth's centre, a satellite at radius R can be above elevation e at a ground point (or
see it within an off-nadir angle) only while the angle theta between the two geocentric directions is
at most a "cap" radius Lambda(R) (Vallado, Fundamentals of Astrodynamics and Applications, 4th ed.,
2013, §5.4 and Wertz, Space Mission Engineering: The New SMAD, 2011, §8.3.1: the Earth central angle
of the visibility circle). Between grid instants the satellite's geocentric direction turns at most
``omega`` rad/s and its radius changes at most ``radial_rate`` km/s. So if the condition holds at some
instant t*, then at the grid instant t_j nearest to t* (|t* - t_j| <= w_j, half the larger of the two
steps around t_j):

    theta(t_j) <= theta(t*) + omega w_j <= Lambda(R(t_j) + radial_rate w_j) + omega w_j.

Flagging every grid instant that satisfies the right-hand test therefore flags, for every instant
at which the condition holds, a grid instant within half a step of it: nothing can be missed,
whatever the step. The test is one matrix product of unit vectors, (K, 4) x (4, N M), in single
precision, with a 1e-6 allowance for its rounding (about 1e-6 rad of angle).

The motion bounds come from each satellite's own states: the osculating orbit at every grid instant
(Vallado 2013, §2.5, algorithm 9) bounds the radius from below by its perigee (an osculating ellipse
passes through the current position, so r(t) >= q(t)) and from above by its apogee, the inertial
speed by the vis-viva equation at the smallest perigee and largest semi-major axis, and the radial
speed by e sqrt(mu/p). The osculating elements change slowly between grid instants (J2 short-period
terms of order J2 (R_E/a)^2 ~ 1e-3); the bounds take 0.5 % on the radii and 20 % + 50 m/s on the
radial speed as room for that, and the tests check them against densely sampled real orbits.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from orbitwatch.core.constants import J2, WGS84_A_KM, WGS84_MU_KM3_S2

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
CapFunction = Callable[[FloatArray], FloatArray]
"""Lambda(R): the cap radius (rad) as a function of the satellite's geocentric radius (km)."""

EARTH_ROTATION_RAD_S = 7.292115e-5
"""Earth's rotation rate (IERS Conventions 2010, nominal), for inertial <-> Earth-fixed velocities."""
AXIS_ORIGIN_MAX_KM = 21.5
"""The largest distance from the Earth's centre to where a WGS-84 normal meets the polar axis (N e^2)."""

_RADIUS_ROOM = 0.005
_RADIAL_RATE_FACTOR = 1.2
_RADIAL_RATE_ROOM_KM_S = 0.05
_FLOAT32_ROOM = 1e-6
_ELEMENTS_PER_PRODUCT = 4_000_000


@dataclass(frozen=True, slots=True, eq=False)
class MotionBounds:
    """Per-satellite bounds (arrays (N,)) on its motion over the states it was built from.

    ``omega_rad_s`` bounds how fast the Earth-fixed direction from the Earth's centre turns;
    ``axis_omega_rad_s`` the same seen from any point within :data:`AXIS_ORIGIN_MAX_KM` of the centre;
    ``radial_rate_km_s`` bounds dR/dt; ``transverse_accel_rad_s2`` bounds the acceleration of that
    direction across the line of sight (gravity's part off the line, J2, Coriolis and centrifugal
    terms, and the radial-rate coupling 2 R' omega / R), used for second-order bounds.
    """

    min_radius_km: FloatArray
    max_radius_km: FloatArray
    omega_rad_s: FloatArray
    axis_omega_rad_s: FloatArray
    radial_rate_km_s: FloatArray
    transverse_accel_rad_s2: FloatArray

    @classmethod
    def of_states(cls, r_itrs_km: FloatArray, v_itrs_km_s: FloatArray) -> "MotionBounds":
        """Bounds for N satellites from their valid ITRS states, component-major (3, N, M) (no NaN)."""
        x, y, z = r_itrs_km
        vx = v_itrs_km_s[0] - EARTH_ROTATION_RAD_S * y
        vy = v_itrs_km_s[1] + EARTH_ROTATION_RAD_S * x
        vz = v_itrs_km_s[2]
        radius = np.sqrt(x * x + y * y + z * z)
        speed2 = vx * vx + vy * vy + vz * vz
        momentum2 = (y * vz - z * vy) ** 2 + (z * vx - x * vz) ** 2 + (x * vy - y * vx) ** 2
        inverse_a = 2.0 / radius - speed2 / WGS84_MU_KM3_S2
        p = momentum2 / WGS84_MU_KM3_S2
        e = np.sqrt(np.maximum(1.0 - p * inverse_a, 0.0))
        min_radius = (p / (1.0 + e)).min(axis=1) * (1.0 - _RADIUS_ROOM)
        apogee = np.where(e < 1.0, p / np.maximum(1.0 - e, 1e-12), np.inf)
        max_radius = np.maximum(apogee.max(axis=1), radius.max(axis=1)) * (1.0 + _RADIUS_ROOM)
        max_inverse_a = inverse_a.max(axis=1) * (1.0 + _RADIUS_ROOM)
        inertial_speed = np.sqrt(WGS84_MU_KM3_S2 * np.maximum(2.0 / min_radius - max_inverse_a, 0.0))
        fixed_speed = inertial_speed + EARTH_ROTATION_RAD_S * max_radius
        radial_rate = (
            _RADIAL_RATE_FACTOR * (e * np.sqrt(WGS84_MU_KM3_S2 / p)).max(axis=1) + _RADIAL_RATE_ROOM_KM_S
        )
        axis_radius = min_radius - AXIS_ORIGIN_MAX_KM
        axis_omega = fixed_speed / axis_radius
        gravity = WGS84_MU_KM3_S2 / min_radius**2
        accel = (
            gravity * (AXIS_ORIGIN_MAX_KM / axis_radius + 4.0 * J2 * (WGS84_A_KM / min_radius) ** 2)
            + 2.0 * EARTH_ROTATION_RAD_S * fixed_speed
            + EARTH_ROTATION_RAD_S**2 * max_radius
        )
        axis_radial_rate = radial_rate + fixed_speed * AXIS_ORIGIN_MAX_KM / axis_radius
        transverse = (accel + 2.0 * axis_radial_rate * axis_omega) / axis_radius
        return cls(min_radius, max_radius, fixed_speed / min_radius, axis_omega, axis_radial_rate, transverse)

    def take(self, index: IntArray) -> "MotionBounds":
        """The bounds of satellites ``index``."""
        return MotionBounds(
            self.min_radius_km[index],
            self.max_radius_km[index],
            self.omega_rad_s[index],
            self.axis_omega_rad_s[index],
            self.radial_rate_km_s[index],
            self.transverse_accel_rad_s2[index],
        )


def half_widths_s(offsets_s: FloatArray) -> FloatArray:
    """For each grid instant, the largest distance (s) to an instant nearer to it than to its neighbours."""
    steps = np.diff(offsets_s)
    left = np.concatenate([[0.0], steps])
    right = np.concatenate([steps, [0.0]])
    result: FloatArray = 0.5 * np.maximum(left, right)
    return result


def elevation_cap_rad(radius_km: FloatArray, site_radius_km: float, elevation_rad: float) -> FloatArray:
    """Earth central angle of the circle where a satellite at ``radius_km`` is at ``elevation_rad``.

    Exact for a site at distance ``site_radius_km`` from the centre with the elevation measured from the
    plane normal to the geocentric direction (the triangle centre-site-satellite, Vallado 2013, §5.4):
    Lambda = arccos(s cos(e) / R) - e; never negative.
    """
    ratio = np.clip(site_radius_km * np.cos(elevation_rad) / radius_km, -1.0, 1.0)
    result: FloatArray = np.maximum(np.arccos(ratio) - elevation_rad, 0.0)
    return result


def off_nadir_cap_rad(radius_km: FloatArray, site_radius_km: float, off_nadir_rad: float) -> FloatArray:
    """Earth central angle within which a satellite at ``radius_km`` sees a point within an off-nadir angle.

    Sine rule in the triangle (centre, point, satellite): Lambda = arcsin(R sin(eta) / s) - eta while the
    cone stays inside the Earth's disc; the horizon, arccos(s / R), once it reaches beyond.
    """
    ratio = radius_km * np.sin(off_nadir_rad) / site_radius_km
    horizon = np.arccos(np.clip(site_radius_km / radius_km, -1.0, 1.0))
    inside = np.arcsin(np.clip(ratio, -1.0, 1.0)) - off_nadir_rad
    result: FloatArray = np.where(ratio >= 1.0, horizon, np.minimum(inside, horizon))
    return result


@dataclass(frozen=True, slots=True, eq=False)
class Windows:
    """Runs of flagged grid instants, widened by one instant on each side (clipped to the grid).

    Row w: ground point ``point[w]``, satellite ``satellite[w]`` (index into the screened block),
    grid instants ``first[w]`` to ``last[w]`` inclusive. Any instant at which the condition holds lies
    within a window's span; a window's widened ends are not flagged, so the condition fails there.
    """

    point: IntArray
    satellite: IntArray
    first: IntArray
    last: IntArray

    @property
    def size(self) -> int:
        """Number of windows."""
        return int(self.point.size)


def cap_cosines(
    radius_km: FloatArray, bounds: MotionBounds, half_width_s: FloatArray, cap: CapFunction
) -> FloatArray:
    """cos of the flagging angle Lambda(R + R' w) + omega w at every (satellite, instant), (N, M)."""
    widened = radius_km + bounds.radial_rate_km_s[:, None] * half_width_s[None, :]
    angle = cap(widened) + bounds.omega_rad_s[:, None] * half_width_s[None, :]
    result: FloatArray = np.cos(np.minimum(angle, np.pi))
    return result


def candidate_windows(r_itrs_km: FloatArray, cos_cap: FloatArray, point_unit: FloatArray) -> Windows:
    """The windows of every (point, satellite) in which theta(t_j) passes the flagging test.

    ``r_itrs_km`` component-major (3, N, M), ``cos_cap`` (N, M), ``point_unit`` (K, 3) geocentric unit
    vectors. Works in blocks of satellites so that each (K, n M) product holds about four million numbers.
    """
    n, m = cos_cap.shape
    k = point_unit.shape[0]
    lhs = np.concatenate([point_unit, np.ones((k, 1))], axis=1).astype(np.float32)
    unit = (r_itrs_km / np.sqrt(np.einsum("inm,inm->nm", r_itrs_km, r_itrs_km))).astype(np.float32)
    block = max(1, _ELEMENTS_PER_PRODUCT // max(k * m, 1))
    parts = [
        _windows_of_block(lhs, unit[:, s : s + block], cos_cap[s : s + block], s) for s in range(0, n, block)
    ]
    return Windows(
        np.concatenate([p.point for p in parts]),
        np.concatenate([p.satellite for p in parts]),
        np.concatenate([p.first for p in parts]),
        np.concatenate([p.last for p in parts]),
    )


def _windows_of_block(
    lhs: NDArray[np.float32], unit: NDArray[np.float32], cos_cap: FloatArray, offset: int
) -> Windows:
    n, m = cos_cap.shape
    rhs = np.empty((4, n * m), dtype=np.float32)
    rhs[:3] = unit.reshape(3, -1)
    rhs[3] = -(cos_cap.ravel() - _FLOAT32_ROOM)
    starts, ends = _runs(np.flatnonzero(lhs @ rhs >= 0.0), m)
    row, first = np.divmod(starts, m)
    last = ends - row * m
    point, satellite = np.divmod(row, n)
    return Windows(point, satellite + offset, np.maximum(first - 1, 0), np.minimum(last + 1, m - 1))


def _runs(flagged: IntArray, row_length: int) -> tuple[IntArray, IntArray]:
    """First and last flat index of each run of consecutive indices that stays within one row."""
    following = flagged[1:]
    breaks = np.flatnonzero((following != flagged[:-1] + 1) | (following % row_length == 0))
    starts = flagged[np.concatenate([[0], breaks + 1])] if flagged.size else flagged
    ends = flagged[np.concatenate([breaks, [flagged.size - 1]])] if flagged.size else flagged
    return starts.astype(np.int64), ends.astype(np.int64)
