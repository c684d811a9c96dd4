"""The Sun (JPL DE421 through Skyfield, offline), the Earth's shadow on satellites, and the Sun's elevation.

The Sun's position is its astrometric place seen from the Earth's centre (light-time corrected, no
aberration: the direction of the light that reaches the Earth at each instant, which is what casts the
Earth's shadow), from the ``de421.bsp`` file that ``skyfield-data`` ships. It is computed exactly on
the whole hours that bracket the requested instants and interpolated in TEME, where it moves about
0.04 deg an hour; ITRS then follows from the same TEME -> ITRS rotation as the satellites, so that
satellite and Sun share one Earth-fixed frame. Against Skyfield's ``earth.at(t).observe(sun)`` in
ITRS the direction agrees within 2e-6 deg over 2020-2030 (tests/core/frames/test_sun.py).

The shadow model is the conical one of Montenbruck and Gill (2000), "Satellite Orbits", section 3.4.2:
a spherical Earth of the WGS-84 equatorial radius and a spherical Sun of the IAU 2015 nominal radius;
no atmosphere (refraction and absorption move the boundary by a few km, up to about 1 s for LEO).
"""

from functools import cache

import numpy as np
from numpy.typing import ArrayLike, NDArray
from skyfield.jpllib import SpiceKernel

from orbitwatch.core.constants import SUN_RADIUS_KM, WGS84_A_KM
from orbitwatch.core.frames.geodesy import SiteArray
from orbitwatch.core.frames.rotations import (
    EarthRotation,
    earth_rotation,
    hour_nodes,
    interpolate_on_nodes,
    teme_from_gcrs_exact,
    teme_to_itrs,
)
from orbitwatch.core.frames.time import EPHEMERIS_FILE, data_file, skyfield_time
from orbitwatch.core.propagation.states import TimeGrid

FloatArray = NDArray[np.float64]


@cache
def ephemeris() -> SpiceKernel:
    """The JPL DE421 planetary ephemeris (1900-2050) from skyfield-data's offline file."""
    return SpiceKernel(data_file(EPHEMERIS_FILE))


def sun_gcrs_km(grid: TimeGrid) -> FloatArray:
    """Astrometric geocentric position of the Sun (km) in GCRS, (M, 3), evaluated exactly at each instant."""
    if grid.size == 0:
        return np.empty((0, 3))
    planets = ephemeris()
    astrometric = planets["earth"].at(skyfield_time(grid)).observe(planets["sun"])
    return np.ascontiguousarray(np.asarray(astrometric.position.km, dtype=np.float64).T)


def sun_teme_km(grid: TimeGrid) -> FloatArray:
    """Astrometric geocentric position of the Sun (km) in TEME, (M, 3), interpolated between whole hours.

    Direction and distance are interpolated separately (the chord of an hour's arc is 10 km short).
    """
    node_offsets_s = hour_nodes(grid.offsets_s)
    nodes = TimeGrid(grid.t0_utc, node_offsets_s)
    node_teme_km = np.einsum("mij,mj->mi", teme_from_gcrs_exact(nodes), sun_gcrs_km(nodes))
    node_distance_km = np.linalg.norm(node_teme_km, axis=-1)
    offsets_s = np.asarray(grid.offsets_s, dtype=np.float64)
    direction = interpolate_on_nodes(node_offsets_s, node_teme_km / node_distance_km[:, None], offsets_s)
    distance_km = interpolate_on_nodes(node_offsets_s, node_distance_km, offsets_s)
    result: FloatArray = direction * (distance_km / np.linalg.norm(direction, axis=-1))[:, None]
    return result


def sun_itrs_km(grid: TimeGrid, rotation: EarthRotation | None = None) -> FloatArray:
    """Astrometric geocentric position of the Sun (km) in ITRS, (M, 3).

    ``rotation`` is the grid's TEME -> ITRS rotation when the caller already has it (for example from
    propagation), so that the Sun and the satellites use the same one.
    """
    teme_km = sun_teme_km(grid)
    itrs_km, _ = teme_to_itrs(teme_km, np.zeros_like(teme_km), rotation or earth_rotation(grid))
    return itrs_km


def _shadow_geometry(r_km: ArrayLike, sun_km: ArrayLike) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Apparent radii (rad) of the Sun (a) and the Earth (b) from the satellite, and their separation c."""
    r = np.asarray(r_km, dtype=np.float64)
    to_sun = np.asarray(sun_km, dtype=np.float64) - r
    r_norm = np.linalg.norm(r, axis=-1)
    sun_dist = np.linalg.norm(to_sun, axis=-1)
    sun_radius = np.arcsin(np.minimum(SUN_RADIUS_KM / sun_dist, 1.0))
    earth_radius = np.arcsin(np.minimum(WGS84_A_KM / r_norm, 1.0))
    separation = np.arctan2(
        np.linalg.norm(np.cross(-r, to_sun), axis=-1), np.einsum("...i,...i->...", -r, to_sun)
    )
    return sun_radius, earth_radius, separation


def illumination(r_km: ArrayLike, sun_km: ArrayLike) -> FloatArray:
    """Fraction of the Sun's disc visible from each satellite, in [0, 1] (0 umbra, 1 full sunlight).

    ``r_km`` (..., M, 3) and ``sun_km`` (M, 3) are geocentric positions in the same frame (ITRS or
    TEME); they broadcast, so (N, M, 3) satellites take one (M, 3) Sun. Montenbruck and Gill (2000),
    eq. 3.85-3.87: the occulted area of two overlapping discs of apparent radii a (Sun) and b (Earth)
    at separation c, written as two circular segments on their common chord so that it stays exact
    when one disc is much larger than the other.
    """
    a, b, c = _shadow_geometry(r_km, sun_km)
    with np.errstate(invalid="ignore", divide="ignore"):
        x = ((c - b) * (c + b) + a * a) / (2.0 * c)  # from the Sun's centre to the common chord
        half_chord = np.sqrt(np.maximum(a * a - x * x, 0.0))
        occulted = _segment_area(a, np.arctan2(half_chord, x)) + _segment_area(
            b, np.arctan2(half_chord, c - x)
        )
        partial = 1.0 - occulted / (np.pi * a * a)
    fraction = np.where(
        c >= a + b, 1.0, np.where(c <= b - a, 0.0, np.where(c <= a - b, 1.0 - (b / a) ** 2, partial))
    )
    return np.clip(fraction, 0.0, 1.0)


def _segment_area(radius: FloatArray, half_angle: FloatArray) -> FloatArray:
    """Area of a circular segment of central angle t = 2 ``half_angle``: r^2 (t - sin t) / 2."""
    t = 2.0 * half_angle
    small = t < 0.1
    t2 = t * t
    series = t * t2 / 6.0 * (1.0 - t2 / 20.0 * (1.0 - t2 / 42.0 * (1.0 - t2 / 72.0)))
    result: FloatArray = radius * radius * np.where(small, series, t - np.sin(t)) / 2.0
    return result


def sunlit(r_km: ArrayLike, sun_km: ArrayLike) -> NDArray[np.bool_]:
    """True where the centre of the Sun is not hidden by the Earth's disc (Skyfield's ``is_sunlit`` test).

    Same inputs as :func:`illumination`. The boundary lies inside the penumbra, where about half of the
    Sun is visible; use :func:`illumination` for the fraction.
    """
    _, earth_radius, separation = _shadow_geometry(r_km, sun_km)
    result: NDArray[np.bool_] = separation > earth_radius
    return result


def sun_elevation_deg(
    lat_deg: ArrayLike, lon_deg: ArrayLike, grid: TimeGrid, alt_km: ArrayLike = 0.0
) -> FloatArray:
    """Geometric elevation of the Sun's centre (deg, no refraction) at K ground points, shape (K, M).

    Geodetic points (1-D arrays or scalars); the elevation is measured from the ellipsoid's local
    horizontal plane, with the Sun's parallax. Civil twilight ends at -6 deg.
    """
    points = SiteArray.from_geodetic(lat_deg, lon_deg, alt_km)
    return sun_elevation_from_itrs_deg(points, sun_itrs_km(grid))


def sun_elevation_from_itrs_deg(sites: SiteArray, sun_itrs: ArrayLike) -> FloatArray:
    """Geometric elevation of the Sun (deg) at each site, given the Sun in ITRS (M, 3); shape (K, M)."""
    to_sun = np.asarray(sun_itrs, dtype=np.float64)[None, :, :] - sites.r_itrs_km[:, None, :]
    sine = np.einsum("kmi,ki->km", to_sun, sites.up_itrs) / np.linalg.norm(to_sun, axis=-1)
    result: FloatArray = np.degrees(np.arcsin(np.clip(sine, -1.0, 1.0)))
    return result
