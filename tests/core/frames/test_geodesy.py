"""WGS-84 geodesy and topocentric geometry against Skyfield, on real satellites and sites.

References: Skyfield's ``wgs84.latlon_of`` / ``height_of``, ``(satellite - wgs84.latlon(...)).at(t)``
``.altaz()`` and ``frame_latlon_and_rates`` (range rate), with the same offline time scale (so the
same UT1 and polar motion on both sides).
"""

from datetime import UTC, datetime

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from skyfield.api import EarthSatellite, wgs84

from orbitwatch.core.elements.model import ElementSet
from orbitwatch.core.frames.geodesy import (
    SiteArray,
    elevation_deg,
    geodetic_from_itrs,
    itrs_from_geodetic,
    sin_elevation,
    topocentric,
)
from orbitwatch.core.frames.rotations import earth_rotation, teme_to_itrs
from orbitwatch.core.frames.time import skyfield_time
from orbitwatch.core.propagation.states import TimeGrid
from orbitwatch.core.targets import Site

SITES = (
    Site("Seoul", 37.5665, 126.9780, 38.0, "test"),
    Site("Sohae", 39.660, 124.705, 20.0, "test"),
    Site("Svalbard", 78.2298, 15.4078, 500.0, "test"),
    Site("Quito", -0.1807, -78.4678, 2850.0, "test"),
    Site("McMurdo", -77.8419, 166.6863, 10.0, "test"),
)
GRID = TimeGrid(datetime(2026, 5, 24, tzinfo=UTC), np.arange(0.0, 86400.0, 600.0) + 0.5)
MM = 1e-6  # km


def _itrs_states(satellites: list[tuple[ElementSet, EarthSatellite]]) -> tuple[np.ndarray, np.ndarray]:
    jd, fraction = GRID.julian_dates()
    teme = [sat.model.sgp4_array(jd, fraction) for _, sat in satellites]
    r_teme = np.stack([r for _, r, _ in teme])
    v_teme = np.stack([v for _, _, v in teme])
    return teme_to_itrs(r_teme, v_teme, earth_rotation(GRID))


def test_geodetic_matches_skyfield(sample_satellites: list[tuple[ElementSet, EarthSatellite]]) -> None:
    r_itrs, _ = _itrs_states(sample_satellites)
    lat_deg, lon_deg, alt_km = geodetic_from_itrs(r_itrs)
    time = skyfield_time(GRID)
    for i, (_, satellite) in enumerate(sample_satellites):
        # Skyfield's forward transform of our coordinates returns our point to 1 micrometre ...
        back = wgs84.latlon(lat_deg[i], lon_deg[i], elevation_m=alt_km[i] * 1000.0).itrs_xyz.km.T
        assert np.max(np.abs(back - r_itrs[i])) < 1e-9
        # ... and its inverse (three fixed-point steps, about 1e-8 deg) agrees to 1 cm.
        position = satellite.at(time)
        lat_ref, lon_ref = wgs84.latlon_of(position)
        assert np.max(np.abs(lat_deg[i] - lat_ref.degrees)) < 1e-7
        assert np.max(np.abs((lon_deg[i] - lon_ref.degrees + 180.0) % 360.0 - 180.0)) < 1e-7
        assert np.max(np.abs(alt_km[i] - wgs84.height_of(position).km)) < 1e-5


@settings(max_examples=300, deadline=None)
@given(
    lat=st.floats(-90.0, 90.0),
    lon=st.floats(-180.0, 180.0),
    alt=st.floats(-10.0, 400_000.0),
)
def test_geodetic_round_trip_is_exact(lat: float, lon: float, alt: float) -> None:
    lat_deg, lon_deg, alt_km = geodetic_from_itrs(itrs_from_geodetic(lat, lon, alt))
    assert alt_km == pytest.approx(alt, abs=1e-9)  # 1 micrometre
    assert lat_deg == pytest.approx(lat, abs=1e-11)
    if abs(lat) < 89.9999:
        assert (lon_deg - lon + 180.0) % 360.0 - 180.0 == pytest.approx(0.0, abs=1e-9)


def test_site_array_matches_skyfield_positions() -> None:
    sites = SiteArray.from_sites(SITES)
    for k, site in enumerate(SITES):
        reference = wgs84.latlon(site.lat_deg, site.lon_deg, elevation_m=site.alt_m).itrs_xyz.km
        assert np.max(np.abs(sites.r_itrs_km[k] - reference)) < MM
        assert np.allclose(sites.enu_from_itrs[k] @ sites.enu_from_itrs[k].T, np.eye(3), atol=1e-15)
        assert np.allclose(sites.enu_from_itrs[k, 2], sites.up_itrs[k])
    assert sites.names == tuple(s.name for s in SITES)


def test_topocentric_matches_skyfield_altaz(
    sample_satellites: list[tuple[ElementSet, EarthSatellite]],
) -> None:
    r_itrs, v_itrs = _itrs_states(sample_satellites)
    sites = SiteArray.from_sites(SITES)
    look = topocentric(r_itrs, v_itrs, sites)
    assert look.el_deg.shape == (len(SITES), len(sample_satellites), GRID.size)
    time = skyfield_time(GRID)
    for k, site in enumerate(SITES):
        observer = wgs84.latlon(site.lat_deg, site.lon_deg, elevation_m=site.alt_m)
        for i, (_, satellite) in enumerate(sample_satellites):
            relative = (satellite - observer).at(time)
            alt, az, distance = relative.altaz()
            rates = relative.frame_latlon_and_rates(observer)
            assert np.max(np.abs(look.el_deg[k, i] - alt.degrees)) < 1e-3 * 1e-2
            # azimuth is undefined at the zenith; weight its error by the horizontal distance
            az_error = np.abs((look.az_deg[k, i] - az.degrees + 180.0) % 360.0 - 180.0)
            assert np.max(az_error * np.cos(np.radians(alt.degrees))) < 1e-5
            assert np.max(np.abs(look.range_km[k, i] - distance.km)) < 1e-3  # 1 m
            assert np.max(np.abs(look.range_rate_km_s[k, i] - rates[5].km_per_s)) < 1e-5  # 1 cm/s


def test_elevation_fast_path_agrees_with_topocentric(
    sample_satellites: list[tuple[ElementSet, EarthSatellite]],
) -> None:
    r_itrs, v_itrs = _itrs_states(sample_satellites)
    sites = SiteArray.from_sites(SITES)
    reference = topocentric(r_itrs, v_itrs, sites).el_deg
    assert np.max(np.abs(elevation_deg(r_itrs, sites) - reference)) < 1e-9
    assert np.max(np.abs(np.degrees(np.arcsin(sin_elevation(r_itrs, sites))) - reference)) < 1e-9


@pytest.mark.parametrize("shape", [(3,), (7, 3), (2, 5, 3)])
def test_topocentric_shapes(shape: tuple[int, ...]) -> None:
    r_itrs = itrs_from_geodetic(
        np.full(shape[:-1], 38.0), np.full(shape[:-1], 127.0), np.full(shape[:-1], 500.0)
    )
    sites = SiteArray.from_sites(SITES[:2])
    look = topocentric(r_itrs, np.zeros(shape), sites)
    for field in (look.az_deg, look.el_deg, look.range_km, look.range_rate_km_s):
        assert field.shape == (2, *shape[:-1])
    assert elevation_deg(r_itrs, sites).shape == (2, *shape[:-1])
    assert np.all(look.range_rate_km_s == 0.0)


def test_zenith_and_horizon_geometry() -> None:
    site = SiteArray.from_geodetic(45.0, 10.0, 0.0)
    zenith = itrs_from_geodetic(45.0, 10.0, 700.0)
    look = topocentric(zenith, np.zeros(3), site)
    assert look.el_deg[0] == pytest.approx(90.0, abs=1e-9)
    assert look.range_km[0] == pytest.approx(700.0, abs=1e-9)
    north = itrs_from_geodetic(46.0, 10.0, 0.0)
    east = itrs_from_geodetic(45.0, 11.0, 0.0)
    assert topocentric(north, np.zeros(3), site).az_deg[0] == pytest.approx(0.0, abs=0.5)
    assert topocentric(east, np.zeros(3), site).az_deg[0] == pytest.approx(90.0, abs=0.5)
