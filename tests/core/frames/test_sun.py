"""The Sun, the Earth's shadow and the Sun's elevation against Skyfield with DE421 (skyfield-data)."""

from datetime import UTC, datetime

import numpy as np
import pytest
from skyfield.api import EarthSatellite, wgs84
from skyfield.framelib import itrs

from orbitwatch.core.constants import SUN_RADIUS_KM, WGS84_A_KM
from orbitwatch.core.elements.model import ElementSet
from orbitwatch.core.frames.rotations import earth_rotation, teme_to_itrs
from orbitwatch.core.frames.sun import (
    ephemeris,
    illumination,
    sun_elevation_deg,
    sun_gcrs_km,
    sun_itrs_km,
    sun_teme_km,
    sunlit,
)
from orbitwatch.core.frames.time import skyfield_time
from orbitwatch.core.propagation.states import TimeGrid

T0 = datetime(2026, 5, 24, tzinfo=UTC)


def _angle_deg(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    cross = np.linalg.norm(np.cross(a, b), axis=-1)
    return np.degrees(np.arctan2(cross, np.einsum("...i,...i->...", a, b)))


def _observe_sun(grid: TimeGrid):  # type: ignore[no-untyped-def]
    planets = ephemeris()
    return planets["earth"].at(skyfield_time(grid)).observe(planets["sun"])


@pytest.mark.parametrize("year", [2020, 2026, 2030])
def test_sun_itrs_matches_skyfield_de421(year: int) -> None:
    rng = np.random.default_rng(year)
    grid = TimeGrid(datetime(year, 1, 1, tzinfo=UTC), np.sort(rng.uniform(0.0, 365.0 * 86400.0, 60)))
    reference = _observe_sun(grid)
    ours = sun_itrs_km(grid)
    reference_itrs_km = reference.frame_xyz(itrs).km.T
    assert np.max(_angle_deg(ours, reference_itrs_km)) < 1e-5  # measured 2e-6 deg; the need is 0.01 deg
    assert np.max(np.abs(np.linalg.norm(ours, axis=-1) - reference.distance().km)) < 1.0  # km of 1.5e8
    assert np.max(np.abs(sun_gcrs_km(grid) - reference.position.km.T)) < 1e-3


def test_sun_teme_interpolation_is_exact_at_whole_hours() -> None:
    grid = TimeGrid(T0, np.arange(-3.0, 4.0) * 3600.0)
    teme = sun_teme_km(grid)
    itrs_exact = _observe_sun(grid).frame_xyz(itrs).km.T
    itrs_ours, _ = teme_to_itrs(teme, np.zeros_like(teme), earth_rotation(grid))
    assert np.max(_angle_deg(itrs_ours, itrs_exact)) < 1e-7


def _satellite_itrs(satellite: EarthSatellite, grid: TimeGrid) -> np.ndarray:
    jd, fraction = grid.julian_dates()
    _, r_teme, v_teme = satellite.model.sgp4_array(jd, fraction)
    r_itrs, _ = teme_to_itrs(r_teme, v_teme, earth_rotation(grid))
    return r_itrs


def _satellite_and_sun(satellite: EarthSatellite, grid: TimeGrid) -> tuple[np.ndarray, np.ndarray]:
    return _satellite_itrs(satellite, grid), sun_itrs_km(grid)


def test_sunlit_matches_skyfield_except_at_shadow_boundaries(
    sample_satellites: list[tuple[ElementSet, EarthSatellite]],
) -> None:
    grid = TimeGrid(T0, np.arange(0.0, 43200.0, 10.0))
    sun = {d: sun_itrs_km(TimeGrid(T0, grid.offsets_s + d)) for d in (-1.0, 0.0, 1.0)}
    for _, satellite in sample_satellites:
        r_itrs = {d: _satellite_itrs(satellite, TimeGrid(T0, grid.offsets_s + d)) for d in sun}
        ours = sunlit(r_itrs[0.0], sun[0.0])
        reference = satellite.at(skyfield_time(grid)).is_sunlit(ephemeris())
        fraction = illumination(r_itrs[0.0], sun[0.0])
        # Boundaries: where our answer changes within 1 s. Anywhere else both must agree, and the
        # lit fraction must be above one half in Skyfield's sunlight and below it in its shadow.
        away = (sunlit(r_itrs[-1.0], sun[-1.0]) == ours) & (sunlit(r_itrs[1.0], sun[1.0]) == ours)
        assert np.array_equal(ours[away], reference[away]), satellite.name
        assert np.all(fraction[reference & away] > 0.5), satellite.name
        assert np.all(fraction[~reference & away] < 0.5), satellite.name


def test_leo_eclipse_has_umbra_and_penumbra(
    sample_satellites: list[tuple[ElementSet, EarthSatellite]],
) -> None:
    iss = next(sat for element, sat in sample_satellites if element.name == "ISS (ZARYA)")
    grid = TimeGrid(T0, np.arange(0.0, 3 * 5560.0, 1.0))
    fraction = illumination(*_satellite_and_sun(iss, grid))
    assert np.any(fraction == 0.0)
    assert np.any(fraction == 1.0)
    penumbra_s = np.count_nonzero((fraction > 0.0) & (fraction < 1.0))
    umbra_s = np.count_nonzero(fraction == 0.0)
    assert 3 * 2 * 5 < penumbra_s < 3 * 2 * 15  # ~8-12 s per crossing for the ISS
    assert 3 * 25 * 60 < umbra_s < 3 * 40 * 60
    # entering and leaving the shadow, the fraction moves monotonically through the penumbra
    steps = np.diff(fraction)
    assert np.all((steps[:-1] * steps[1:] >= 0.0) | (fraction[1:-1] == 0.0) | (fraction[1:-1] == 1.0))


def test_illumination_geometry_cases() -> None:
    sun = np.array([[1.496e8, 0.0, 0.0]])
    behind = np.array([[-7000.0, 0.0, 0.0]])
    beside = np.array([[0.0, 7000.0, 0.0]])
    assert illumination(behind, sun)[0] == 0.0
    assert illumination(beside, sun)[0] == 1.0
    # On the shadow cone through the Sun's centre (separation = Earth's apparent radius) about half is lit.
    r_km = 7000.0
    earth_radius = np.arcsin(WGS84_A_KM / r_km)
    edge = r_km * np.array([[-np.cos(earth_radius), np.sin(earth_radius), 0.0]])
    assert illumination(edge, sun * 1e3)[0] == pytest.approx(0.5, abs=0.01)
    # Far beyond the umbra's tip (1.4 million km) the Earth is a small disc: an annular eclipse.
    far = np.array([[-3.0e6, 0.0, 0.0]])
    annular = illumination(far, sun)[0]
    sun_radius = np.arcsin(SUN_RADIUS_KM / (1.496e8 + 3.0e6))
    assert annular == pytest.approx(1.0 - (np.arcsin(WGS84_A_KM / 3.0e6) / sun_radius) ** 2, rel=1e-9)
    assert not sunlit(far, sun)[0]  # the Sun's centre is behind the Earth's disc, its rim shows


def test_sun_elevation_matches_skyfield_altaz() -> None:
    grid = TimeGrid(T0, np.arange(0.0, 2 * 86400.0, 900.0))
    lat = np.array([37.5665, 39.660, 78.2298, -0.1807, -77.8419])
    lon = np.array([126.9780, 124.705, 15.4078, -78.4678, 166.6863])
    ours = sun_elevation_deg(lat, lon, grid)
    assert ours.shape == (lat.size, grid.size)
    planets = ephemeris()
    time = skyfield_time(grid)
    for k in range(lat.size):
        observer = planets["earth"] + wgs84.latlon(lat[k], lon[k])
        # the geometric (astrometric, unrefracted) elevation in the observer's horizon frame
        alt, _, _ = observer.at(time).observe(planets["sun"]).frame_latlon(wgs84.latlon(lat[k], lon[k]))
        assert np.max(np.abs(ours[k] - alt.degrees)) < 1e-5
