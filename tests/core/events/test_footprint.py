"""Footprints against independent computations: the elevation of the satellite seen from each edge point
(Skyfield's WGS-84 topocentric geometry), its off-nadir angle (plain vector algebra), and the
spherical-Earth formula of The New SMAD (Wertz 2011, §8.3.1)."""

import math

import numpy as np
import pytest
from skyfield.api import load, wgs84

from orbitwatch.core.constants import WGS84_A_KM, WGS84_B_KM
from orbitwatch.core.events.footprint import footprint_rings
from orbitwatch.core.frames.geodesy import itrs_from_geodetic

_T0 = load.timescale(builtin=True).utc(2026, 5, 27)
SATELLITES = [(0.0, 0.0, 500.0), (37.5, 127.0, 700.0), (-63.0, -170.0, 1200.0), (89.9, 40.0, 600.0)]


def _smad_central_angle_deg(
    earth_km: float, radius_km: float, *, off_nadir_deg: float | None, elevation_deg: float
) -> float:
    """Earth-central angle of the footprint edge on a sphere of radius ``earth_km`` (SMAD eqs. 8-26..8-28)."""
    sin_rho = earth_km / radius_km
    eta = math.asin(math.cos(math.radians(elevation_deg)) * sin_rho)
    if off_nadir_deg is not None:
        eta = min(eta, math.radians(off_nadir_deg))
    epsilon = math.acos(min(math.sin(eta) / sin_rho, 1.0))
    return math.degrees(math.pi / 2 - eta - epsilon)


@pytest.mark.parametrize(("lat_deg", "lon_deg", "alt_km"), SATELLITES)
def test_visibility_edge_sees_the_satellite_at_the_mask(
    lat_deg: float, lon_deg: float, alt_km: float
) -> None:
    r = itrs_from_geodetic(lat_deg, lon_deg, alt_km)
    lat, lon = footprint_rings(r[None], min_elevation_deg=10.0, points=36)
    satellite = wgs84.latlon(lat_deg, lon_deg, alt_km * 1000.0)
    for la, lo in zip(lat[0], lon[0], strict=True):
        elevation, _, _ = (satellite - wgs84.latlon(la, lo)).at(_T0).altaz()
        assert elevation.degrees == pytest.approx(10.0, abs=1e-6)


@pytest.mark.parametrize(("lat_deg", "lon_deg", "alt_km"), SATELLITES)
def test_imaging_edge_is_at_the_off_nadir_limit(lat_deg: float, lon_deg: float, alt_km: float) -> None:
    r = itrs_from_geodetic(lat_deg, lon_deg, alt_km)
    lat, lon = footprint_rings(r[None], max_off_nadir_deg=30.0, points=36)
    ground = itrs_from_geodetic(lat[0], lon[0], 0.0)
    line = ground - r
    cos_off = -(line @ r) / (np.linalg.norm(line, axis=-1) * np.linalg.norm(r))
    np.testing.assert_allclose(np.degrees(np.arccos(cos_off)), 30.0, atol=1e-6)


def test_a_wide_field_of_regard_is_cut_by_the_horizon() -> None:
    r = itrs_from_geodetic(10.0, 20.0, 600.0)
    wide = footprint_rings(r, max_off_nadir_deg=80.0, min_elevation_deg=5.0)
    visible = footprint_rings(r, min_elevation_deg=5.0)
    np.testing.assert_allclose(wide, visible, atol=1e-9)


@pytest.mark.parametrize(("lat_deg", "lon_deg", "alt_km"), SATELLITES)
@pytest.mark.parametrize(("off_nadir", "elevation"), [(None, 0.0), (None, 10.0), (20.0, 0.0), (45.0, 0.0)])
def test_central_angle_matches_the_spherical_formula(
    lat_deg: float, lon_deg: float, alt_km: float, off_nadir: float | None, elevation: float
) -> None:
    r = itrs_from_geodetic(lat_deg, lon_deg, alt_km)
    lat, lon = footprint_rings(r[None], max_off_nadir_deg=off_nadir, min_elevation_deg=elevation)
    up = r / np.linalg.norm(r)
    edge = itrs_from_geodetic(lat[0], lon[0], 0.0)
    angles = np.degrees(np.arccos(np.clip(edge @ up / np.linalg.norm(edge, axis=-1), -1.0, 1.0)))
    # The sphere: the ellipsoid's geocentric radius under the satellite.
    earth_km = 1.0 / math.sqrt((up[0] ** 2 + up[1] ** 2) / WGS84_A_KM**2 + up[2] ** 2 / WGS84_B_KM**2)
    expected = _smad_central_angle_deg(
        earth_km, float(np.linalg.norm(r)), off_nadir_deg=off_nadir, elevation_deg=elevation
    )
    # The ellipsoid's tilt against that sphere (up to 0.19 deg) moves a grazing edge by a few tenths of a
    # degree at most; a steep one (a narrow field of regard) by a few hundredths.
    np.testing.assert_allclose(angles, expected, rtol=0.03, atol=0.1)


def test_rings_are_vectorised_and_start_north() -> None:
    r = itrs_from_geodetic([0.0, 10.0, -30.0], [0.0, 100.0, -60.0], [500.0, 800.0, 20000.0])
    lat, lon = footprint_rings(r, max_off_nadir_deg=30.0, points=8)
    assert lat.shape == lon.shape == (3, 8)
    for row in range(3):
        one_lat, one_lon = footprint_rings(r[row], max_off_nadir_deg=30.0, points=8)
        np.testing.assert_allclose(one_lat, lat[row], atol=1e-9)
        np.testing.assert_allclose(one_lon, lon[row], atol=1e-9)
    assert lat[0, 0] > 0.0
    assert lon[0, 0] == pytest.approx(0.0, abs=1e-9)
    assert lon[0, 2] > 0.0  # a quarter turn on: due east


@pytest.mark.parametrize(
    "kwargs",
    [{"min_elevation_deg": -1.0}, {"min_elevation_deg": 90.0}, {"max_off_nadir_deg": 0.0}, {"points": 2}],
)
def test_bad_limits_are_refused(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError, match=r"must be|at least 3"):
        footprint_rings(itrs_from_geodetic(0.0, 0.0, 500.0), **kwargs)  # type: ignore[arg-type]


def test_a_position_inside_the_earth_is_refused() -> None:
    with pytest.raises(ValueError, match="outside the ellipsoid"):
        footprint_rings(np.array([6000.0, 0.0, 0.0]))
