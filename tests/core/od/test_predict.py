"""The measurement model against Skyfield (the independent anchor), and its partials against differences.

Skyfield 1.4x computes the same quantities by its own route: ``(satellite - topos).at(t)`` for the
topocentric GCRS (ICRF-axis) vector, ``.radec()`` (ICRS right ascension/declination), ``.altaz()`` and
``frame_latlon_and_rates(topos)`` (range rate), ``frame_xyz_and_velocity(itrs)`` for Earth-fixed states,
with its IAU 2000A Earth orientation and the same offline IERS data.
"""

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from skyfield.api import EarthSatellite, wgs84
from skyfield.framelib import itrs

from orbitwatch.core.frames.time import timescale
from orbitwatch.core.od.measurements import MEASUREMENT_SIZES, Measurement, Station
from orbitwatch.core.od.predict import (
    earth_orientation,
    gcrs_states_from_itrs,
    gcrs_states_from_teme,
    itrs_states_from_gcrs,
    measurement_geometry,
    measurement_partials,
    predict_measurements,
    predict_values,
    residuals,
    station_states_gcrs,
)

ISS = (
    "1 25544U 98067A   26145.42220529  .00009654  00000+0  18076-3 0  9992",
    "2 25544  51.6330  52.7989 0007470  96.3597 263.8242 15.49365963568228",
)
STATION = Station("S", 40.0, -105.0, 1.6)
KINDS = ("ra_dec", "az_el", "range", "range_rate", "pv_itrs", "pv_gcrs")
T0 = datetime(2026, 5, 25, 10, tzinfo=UTC)


def _measurements(times: list[datetime]) -> list[Measurement]:
    return [
        Measurement(
            t,
            k,
            (1.0,) * MEASUREMENT_SIZES[k],
            (1.0,) * MEASUREMENT_SIZES[k],
            "S" if k in ("ra_dec", "az_el", "range", "range_rate") else "",
            "test",
        )
        for t in times
        for k in KINDS
    ]


@pytest.fixture(scope="module")
def skyfield_case() -> tuple[list[datetime], EarthSatellite, object]:
    times = [T0 + timedelta(seconds=37 * i) for i in range(300)]  # about three hours, all geometries
    return times, EarthSatellite(*ISS, "ISS", timescale()), timescale().from_datetimes(times)


def test_predictions_match_skyfield(skyfield_case: tuple[list[datetime], EarthSatellite, object]) -> None:
    times, sat, t = skyfield_case
    position = sat.at(t)
    r, v = position.position.km.T, position.velocity.km_per_s.T
    size = len(KINDS)
    pred = predict_measurements(_measurements(times), np.repeat(r, size, 0), np.repeat(v, size, 0), [STATION])
    pred = pred.reshape(len(times), -1)
    topos = wgs84.latlon(STATION.lat_deg, STATION.lon_deg, elevation_m=STATION.alt_km * 1000.0)
    topo = (sat - topos).at(t)
    ra, dec, distance = topo.radec()
    alt, az, _, _, _, range_rate = topo.frame_latlon_and_rates(topos)
    arcsec = 1.0 / 3600.0
    d_ra = (pred[:, 0] - ra._degrees + 180.0) % 360.0 - 180.0
    assert np.max(np.abs(d_ra * np.cos(dec.radians))) < 1e-4 * arcsec
    assert np.max(np.abs(pred[:, 1] - dec.degrees)) < 1e-4 * arcsec
    d_az = (pred[:, 2] - az.degrees + 180.0) % 360.0 - 180.0
    assert np.max(np.abs(d_az * np.cos(alt.radians))) < 1e-4 * arcsec
    assert np.max(np.abs(pred[:, 3] - alt.degrees)) < 1e-4 * arcsec
    assert np.max(np.abs(pred[:, 4] - distance.km)) < 1e-5  # 1 cm
    assert np.max(np.abs(pred[:, 5] - range_rate.km_per_s)) < 2e-6  # 2 mm/s
    r_itrs, v_itrs = position.frame_xyz_and_velocity(itrs)
    assert np.max(np.abs(pred[:, 6:9] - r_itrs.km.T)) < 1e-5
    assert np.max(np.abs(pred[:, 9:12] - v_itrs.km_per_s.T)) < 3e-6
    assert np.array_equal(pred[:, 12:15], r)
    assert np.array_equal(pred[:, 15:18], v)


def test_station_and_teme_conversions_match_skyfield(
    skyfield_case: tuple[list[datetime], EarthSatellite, object],
) -> None:
    times, sat, t = skyfield_case
    topos = wgs84.latlon(STATION.lat_deg, STATION.lon_deg, elevation_m=STATION.alt_km * 1000.0)
    site = topos.at(t)
    r_site, v_site = station_states_gcrs(STATION, times)
    assert np.max(np.abs(r_site - site.position.km.T)) < 1e-5
    # 0.6 mm/s apart: Skyfield's station velocity differs slightly from the GMST 1982 rate used here
    assert np.max(np.abs(v_site - site.velocity.km_per_s.T)) < 1e-6
    r_teme, v_teme, _ = (np.asarray(x) for x in sat._position_and_velocity_TEME_km(t))
    r_gcrs, v_gcrs = gcrs_states_from_teme(r_teme.T, v_teme.T, times)
    position = sat.at(t)
    assert np.max(np.abs(r_gcrs - position.position.km.T)) < 1e-5
    assert np.max(np.abs(v_gcrs - position.velocity.km_per_s.T)) < 1e-8


def test_itrs_round_trip() -> None:
    times = [T0 + timedelta(minutes=i) for i in range(5)]
    orientation = earth_orientation(times)
    rng = np.random.default_rng(3)
    r, v = rng.normal(0, 7000, (5, 3)), rng.normal(0, 7, (5, 3))
    r2, v2 = gcrs_states_from_itrs(*itrs_states_from_gcrs(r, v, orientation), orientation)
    np.testing.assert_allclose(r2, r, atol=1e-9)
    np.testing.assert_allclose(v2, v, atol=1e-12)


def test_partials_match_central_differences(
    skyfield_case: tuple[list[datetime], EarthSatellite, object],
) -> None:
    times, sat, t = skyfield_case
    chosen = times[::50]
    position = sat.at(t)
    r = np.repeat(position.position.km.T[::50], len(KINDS), 0)
    v = np.repeat(position.velocity.km_per_s.T[::50], len(KINDS), 0)
    geometry = measurement_geometry(_measurements(chosen), [STATION])
    analytic = measurement_partials(geometry, r, v)
    numeric = np.empty_like(analytic)
    for j, step in enumerate((1e-3,) * 3 + (1e-6,) * 3):
        dr, dv = np.zeros(3), np.zeros(3)
        (dr if j < 3 else dv)[j % 3] = step
        plus = predict_values(geometry, r + dr, v + dv)
        minus = predict_values(geometry, r - dr, v - dv)
        numeric[:, j] = residuals(geometry, plus, minus) / (2 * step)
    scale = np.maximum(np.abs(analytic).max(axis=1, keepdims=True), 1e-12)
    assert np.max(np.abs(analytic - numeric) / scale) < 1e-5


def test_light_time_moves_a_leo_satellite_by_arcseconds(
    skyfield_case: tuple[list[datetime], EarthSatellite, object],
) -> None:
    times, sat, t = skyfield_case
    position = sat.at(t)
    ms = [Measurement(tt, "range", (1.0,), (1.0,), "S", "x") for tt in times]
    r, v = position.position.km.T, position.velocity.km_per_s.T
    geometric = predict_measurements(ms, r, v, [STATION])
    delayed = predict_measurements(ms, r, v, [STATION], light_time=True)
    # the retarded range differs by about -rho_dot * tau: under 8 km/s x 0.05 s for any Earth satellite
    assert 0.0 < np.max(np.abs(delayed - geometric)) < 8.0 * np.max(geometric) / 299_792.458


def test_residuals_wrap_right_ascension() -> None:
    ms = [Measurement(T0, "ra_dec", (359.9, 0.0), (1.0, 1.0), "S", "x")]
    geometry = measurement_geometry(ms, [STATION])
    np.testing.assert_allclose(residuals(geometry, [359.9, 0.0], [0.1, 0.0]), [-0.2, 0.0], atol=1e-12)
