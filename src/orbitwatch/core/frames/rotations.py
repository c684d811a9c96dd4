"""Rotations between TEME (SGP4's frame), ITRS (Earth-fixed) and GCRS, vectorised over many instants.

TEME -> ITRS follows Vallado, Crawford, Hujsak and Kelso (2006), "Revisiting Spacetrack Report #3",
AIAA 2006-6753, Appendix C: a rotation about z by the IAU 1982 Greenwich mean sidereal time of UT1
(TEME -> PEF), then polar motion W = R_x(y_p) R_y(x_p) (PEF -> ITRS, IERS Conventions 2010 eq. 5.3
without the TIO locator s', which is 12 micro-arcseconds in 2026, under 3 mm at GEO distance). This is
the transformation of Skyfield's ``skyfield.sgp4lib.TEME_to_ITRF``. The Earth-fixed velocity is the
derivative of the Earth-fixed position: v_itrs = C v_teme + dC/dt r_teme (the omega x r term; the slow
change of W is neglected, as Skyfield and Vallado do).

One 3x3 matrix per instant serves every satellite: states are (N, M, 3) arrays, satellite-major,
rotated in blocks of satellites as M stacked (n, 3) x (3, 3) matrix products.
"""

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from skyfield.sgp4lib import TEME

from orbitwatch.core.constants import DAYS_PER_JULIAN_CENTURY, JD_J2000, SECONDS_PER_DAY
from orbitwatch.core.frames.time import polar_motion_rad, skyfield_time, ut1_julian_dates
from orbitwatch.core.propagation.states import TimeGrid

_SATELLITES_PER_BLOCK = 64
_NODE_STEP_S = 3600.0
_TWO_PI = 2.0 * math.pi


@dataclass(frozen=True, slots=True, eq=False)
class EarthRotation:
    """TEME -> ITRS at M instants.

    ``r_itrs = matrix @ r_teme`` and ``v_itrs = matrix @ v_teme + rate_per_s @ r_teme``.

    ``matrix`` and ``rate_per_s`` are (M, 3, 3); ``rate_per_s`` is the time derivative of ``matrix``
    in 1/s (Earth rotation rate from the GMST 1982 polynomial, about 7.292116e-5 rad/s).
    """

    matrix: NDArray[np.float64]
    rate_per_s: NDArray[np.float64]

    def take(self, times: slice) -> "EarthRotation":
        """The rotation at a contiguous range of the instants."""
        return EarthRotation(self.matrix[times], self.rate_per_s[times])


def gmst82_rad(
    jd_ut1_whole: NDArray[np.float64], jd_ut1_fraction: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Greenwich mean sidereal time (IAU 1982) in radians and its rate in rad/s, at UT1 Julian dates.

    The TEME -> PEF angle of Vallado et al. (2006), Appendix C, written as Skyfield's
    ``theta_GMST1982`` so that the whole date and the fraction keep their precision.
    """
    t_centuries = (jd_ut1_whole - JD_J2000 + jd_ut1_fraction) / DAYS_PER_JULIAN_CENTURY
    g_s = 67310.54841 + (8640184.812866 + (0.093104 + (-6.2e-6) * t_centuries) * t_centuries) * t_centuries
    dg_s = 8640184.812866 + (0.093104 * 2.0 + (-6.2e-6 * 3.0) * t_centuries) * t_centuries
    theta_rad = (jd_ut1_whole % 1.0 + jd_ut1_fraction + g_s / SECONDS_PER_DAY % 1.0) % 1.0 * _TWO_PI
    rate_rad_s = (1.0 + dg_s / (SECONDS_PER_DAY * DAYS_PER_JULIAN_CENTURY)) * _TWO_PI / SECONDS_PER_DAY
    return theta_rad, rate_rad_s


def polar_motion_matrix(xp_rad: NDArray[np.float64], yp_rad: NDArray[np.float64]) -> NDArray[np.float64]:
    """W = R_x(y_p) R_y(x_p), PEF -> ITRS, shape (M, 3, 3) (right-handed rotations as in Skyfield)."""
    cx, sx = np.cos(xp_rad), np.sin(xp_rad)
    cy, sy = np.cos(yp_rad), np.sin(yp_rad)
    zero = np.zeros_like(cx)
    return np.stack(
        [
            np.stack([cx, zero, sx], axis=-1),
            np.stack([sy * sx, cy, -sy * cx], axis=-1),
            np.stack([-cy * sx, sy, cy * cx], axis=-1),
        ],
        axis=-2,
    )


def teme_to_pef(
    theta_rad: NDArray[np.float64], rate_rad_s: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """R_z(-theta) (TEME -> PEF) and its time derivative in 1/s, each (M, 3, 3)."""
    c, s = np.cos(theta_rad), np.sin(theta_rad)
    zero, one = np.zeros_like(c), np.ones_like(c)
    matrix = np.stack(
        [np.stack([c, s, zero], -1), np.stack([-s, c, zero], -1), np.stack([zero, zero, one], -1)], -2
    )
    rate = rate_rad_s[:, None, None] * np.stack(
        [np.stack([-s, c, zero], -1), np.stack([-c, -s, zero], -1), np.stack([zero, zero, zero], -1)], -2
    )
    return matrix, rate


def earth_rotation(grid: TimeGrid, *, polar_motion: bool = True) -> EarthRotation:
    """The TEME -> ITRS rotation at every instant of ``grid`` (UT1 and pole from the offline IERS file).

    With ``polar_motion=False`` the result is TEME -> PEF (about 10 m different at the Earth's surface).
    """
    time = skyfield_time(grid)
    theta_rad, rate_rad_s = gmst82_rad(*ut1_julian_dates(time))
    matrix, rate = teme_to_pef(theta_rad, rate_rad_s)
    if polar_motion:
        w = polar_motion_matrix(*polar_motion_rad(time))
        matrix, rate = w @ matrix, w @ rate
    return EarthRotation(matrix, rate)


def teme_to_itrs(
    r_teme_km: NDArray[np.float64],
    v_teme_km_s: NDArray[np.float64],
    rotation: EarthRotation,
    *,
    r_out_km: NDArray[np.float64] | None = None,
    v_out_km_s: NDArray[np.float64] | None = None,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """ITRS positions (km) and Earth-fixed velocities (km/s) from TEME states.

    ``r_teme_km`` and ``v_teme_km_s`` are (M, 3) for one satellite or (N, M, 3) for N satellites at
    the M instants of ``rotation``. ``r_out_km`` / ``v_out_km_s`` (same shape, any strides, not
    overlapping the inputs) receive the result when given, so callers can reuse buffers.
    """
    r_in, v_in = np.asarray(r_teme_km, dtype=np.float64), np.asarray(v_teme_km_s, dtype=np.float64)
    r_out = np.empty_like(r_in) if r_out_km is None else r_out_km
    v_out = np.empty_like(v_in) if v_out_km_s is None else v_out_km_s
    rotate_states(r_in, v_in, rotation.matrix, rotation.rate_per_s, r_out, v_out)
    return r_out, v_out


def rotate_states(
    r_km: NDArray[np.float64],
    v_km_s: NDArray[np.float64],
    matrix: NDArray[np.float64],
    rate_per_s: NDArray[np.float64],
    r_out_km: NDArray[np.float64],
    v_out_km_s: NDArray[np.float64],
) -> None:
    """r_out = matrix r and v_out = matrix v + rate r, per instant, for (M, 3) or (N, M, 3) states."""
    if r_km.ndim == 2:
        rotate_states(r_km[None], v_km_s[None], matrix, rate_per_s, r_out_km[None], v_out_km_s[None])
        return
    matrix_t = np.ascontiguousarray(matrix.transpose(0, 2, 1))
    rate_t = np.ascontiguousarray(rate_per_s.transpose(0, 2, 1))
    block = min(_SATELLITES_PER_BLOCK, r_km.shape[0])
    scratch = np.empty((block, r_km.shape[1], 3))
    for start in range(0, r_km.shape[0], block):
        rows = slice(start, start + block)
        r_tm = r_km[rows].transpose(1, 0, 2)  # time-major views: one (n, 3) @ (3, 3) product per instant
        np.matmul(r_tm, matrix_t, out=r_out_km[rows].transpose(1, 0, 2))
        np.matmul(v_km_s[rows].transpose(1, 0, 2), matrix_t, out=v_out_km_s[rows].transpose(1, 0, 2))
        omega_cross_r = scratch[: r_tm.shape[1]]
        np.matmul(r_tm, rate_t, out=omega_cross_r.transpose(1, 0, 2))
        v_out_km_s[rows] += omega_cross_r


def teme_from_gcrs_exact(grid: TimeGrid) -> NDArray[np.float64]:
    """GCRS -> TEME rotation at each instant, (M, 3, 3), from Skyfield's ``TEME.rotation_at`` (IAU 2000A)."""
    if grid.size == 0:
        return np.empty((0, 3, 3))
    return np.ascontiguousarray(np.moveaxis(TEME.rotation_at(skyfield_time(grid)), -1, 0))


def teme_from_gcrs_matrix(grid: TimeGrid) -> NDArray[np.float64]:
    """GCRS -> TEME rotation at each instant, (M, 3, 3), interpolated between whole hours.

    TEME differs from GCRS by precession, nutation and the equation of the equinoxes, all of which
    change by under 0.01 arcsecond an hour. The matrix is computed exactly (:func:`teme_from_gcrs_exact`)
    on the whole hours that bracket the instants and interpolated linearly in between (error below
    1e-10 rad, 20 micro-arcseconds), so that its cost does not grow with the number of instants.
    """
    node_offsets_s = hour_nodes(grid.offsets_s)
    node_matrices = teme_from_gcrs_exact(TimeGrid(grid.t0_utc, node_offsets_s))
    return interpolate_on_nodes(node_offsets_s, node_matrices, np.asarray(grid.offsets_s, dtype=np.float64))


def hour_nodes(offsets_s: NDArray[np.float64]) -> NDArray[np.float64]:
    """The whole hours (as offsets in s from the same origin) that bracket each offset, sorted, unique."""
    hours = np.floor(np.asarray(offsets_s, dtype=np.float64) / _NODE_STEP_S)
    result: NDArray[np.float64] = np.unique(np.concatenate([hours, hours + 1.0])) * _NODE_STEP_S
    return result


def interpolate_on_nodes(
    node_offsets_s: NDArray[np.float64], node_values: NDArray[np.float64], offsets_s: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Linear interpolation of values (K, ...) given at increasing node offsets, at offsets within them."""
    if offsets_s.size == 0:
        return np.empty((0, *node_values.shape[1:]))
    right = np.clip(np.searchsorted(node_offsets_s, offsets_s, side="right"), 1, node_offsets_s.size - 1)
    left = right - 1
    weight = (offsets_s - node_offsets_s[left]) / (node_offsets_s[right] - node_offsets_s[left])
    weight = weight.reshape(weight.shape + (1,) * (node_values.ndim - 1))
    result: NDArray[np.float64] = node_values[left] + weight * (node_values[right] - node_values[left])
    return result


def teme_to_gcrs(r_teme_km: NDArray[np.float64], grid: TimeGrid) -> NDArray[np.float64]:
    """GCRS positions (km) from TEME positions (M, 3) or (N, M, 3) at the instants of ``grid``."""
    gcrs_from_teme = teme_from_gcrs_matrix(grid).transpose(0, 2, 1)
    result: NDArray[np.float64] = np.einsum("mij,...mj->...mi", gcrs_from_teme, r_teme_km)
    return result
