"""Pre-launch plans: a direct ascent's plane (from an azimuth, an inclination or hazard areas), its proxy."""

import math
from datetime import UTC, datetime

import numpy as np
import pytest
from skyfield.api import wgs84
from skyfield.sgp4lib import TEME

from orbitwatch.core.changes.prelaunch import (
    fit_hazard_areas,
    plan_from_azimuth,
    plan_from_hazard_areas,
    plan_from_inclination,
)
from orbitwatch.core.changes.synthetic_launch import synthesize_launch
from orbitwatch.core.elements.hypothetical import HYPOTHETICAL_NORAD_BASE
from orbitwatch.core.elements.model import ElementSet
from orbitwatch.core.frames.time import timescale
from orbitwatch.core.launch_sites import LaunchSite
from orbitwatch.errors import TargetError
from orbitwatch.io.launch_sites import find_launch_site

LAUNCH = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
EARTH_KM = 6371.0


def _plane_normal(inc_deg: float, raan_deg: float) -> np.ndarray:
    i, o = math.radians(inc_deg), math.radians(raan_deg)
    return np.array([math.sin(i) * math.sin(o), -math.sin(i) * math.cos(o), math.cos(i)])


def _site_teme_skyfield(site: LaunchSite, moment: datetime) -> np.ndarray:
    """The site in TEME by Skyfield (GCRS -> TEME, IAU 2000A), independent of the module's GMST path."""
    place = wgs84.latlon(site.site.lat_deg, site.site.lon_deg, site.site.alt_m)
    return np.asarray(place.at(timescale().from_datetime(moment)).frame_xyz(TEME).km)


def test_the_plane_from_an_azimuth_contains_the_site_at_the_launch_instant() -> None:
    site = find_launch_site("sohae")
    plan = plan_from_azimuth(site, 190.0, LAUNCH, 500.0)
    s = _site_teme_skyfield(site, LAUNCH)

    miss_km = abs(s @ _plane_normal(plan.inclination_deg, plan.raan_deg))
    assert miss_km < 0.5  # Skyfield's TEME (nutation, UT1) against GMST of UT1: about 0.1 km
    assert plan.inclination_deg == pytest.approx(97.70, abs=0.01)
    assert not plan.ascending
    assert plan.details["azimuth_allowed"] == "yes"


def test_the_proxy_is_an_ordinary_element_set_named_for_the_site_and_time() -> None:
    plan = plan_from_azimuth(find_launch_site("sohae"), 190.0, LAUNCH, 500.0)
    proxy = plan.proxy

    assert isinstance(proxy, ElementSet)
    assert proxy.name == "PROXY SOHAE 2026-12-01T03:00Z"
    assert proxy.norad_id >= HYPOTHETICAL_NORAD_BASE
    assert proxy.epoch_utc == datetime(2026, 12, 1, 3, 10, tzinfo=UTC)
    assert (
        plan_from_azimuth(find_launch_site("sohae"), 190.0, LAUNCH, 500.0, norad_id=99999).proxy.norad_id
        == 99999
    )


def test_the_proxy_follows_a_simulated_ascent_for_a_day() -> None:
    site = find_launch_site("sohae")
    proxy = plan_from_azimuth(site, 190.0, LAUNCH, 500.0).proxy.to_satrec()
    truth = synthesize_launch(site, LAUNCH, 190.0, perigee_alt_km=500.0).elements.to_satrec()

    misses = []
    for hours in (0.5, 3.0, 12.0, 24.0):
        fr = proxy.jdsatepochF + hours / 24.0
        _, r_proxy, _ = proxy.sgp4(proxy.jdsatepoch, fr)
        _, r_truth, _ = truth.sgp4(proxy.jdsatepoch, fr)
        misses.append(float(np.linalg.norm(np.subtract(r_proxy, r_truth))))
    # Measured 13, 43, 216 and 380 km: along-track drift from the altitude convention (under a minute a day).
    assert max(misses) < 500.0


def test_an_inclination_picks_the_allowed_side() -> None:
    site = find_launch_site("jiuquan")
    plan = plan_from_inclination(site, 41.47, LAUNCH, 380.0)

    assert plan.inclination_deg == pytest.approx(41.47, abs=1e-9)
    assert not plan.ascending  # Jiuquan allows 95-200: the south-east side, about 98 deg
    lat_gc = math.atan(0.99330562 * math.tan(math.radians(site.site.lat_deg)))  # WGS-84 (1 - e^2) tan(phi)
    expected = 180.0 - math.degrees(math.asin(math.cos(math.radians(41.47)) / math.cos(lat_gc)))
    assert plan.azimuth_deg == pytest.approx(expected, abs=1e-6)
    assert plan.azimuth_deg == pytest.approx(98.4, abs=0.1)
    north = plan_from_inclination(site, 41.47, LAUNCH, 380.0, ascending=True)
    assert north.details["azimuth_allowed"] == "no"
    assert "outside the ranges" in str(north.details["warning"])


def test_an_unreachable_inclination_is_refused_in_one_line() -> None:
    with pytest.raises(TargetError, match=r"inclination 30.00° is below the latitude of Jiuquan \(40.96°\)"):
        plan_from_inclination(find_launch_site("jiuquan"), 30.0, LAUNCH, 400.0)
    with pytest.raises(TargetError, match="Sohae allows 165-200"):
        plan_from_inclination(find_launch_site("sohae"), 45.0, LAUNCH, 400.0)


def _square(lon_deg: float, lat_deg: float, half_km: float = 25.0) -> list[tuple[float, float]]:
    d_lat = math.degrees(half_km / EARTH_KM)
    d_lon = d_lat / math.cos(math.radians(lat_deg))
    return [
        (lon_deg - d_lon, lat_deg - d_lat),
        (lon_deg + d_lon, lat_deg - d_lat),
        (lon_deg + d_lon, lat_deg + d_lat),
        (lon_deg - d_lon, lat_deg + d_lat),
        (lon_deg - d_lon, lat_deg - d_lat),
    ]


def _along(site: LaunchSite, bearing_deg: float, distance_km: float) -> tuple[float, float]:
    """Destination on a sphere (Williams, Aviation Formulary): an independent great-circle construction."""
    lat1, lon1 = math.radians(site.site.lat_deg), math.radians(site.site.lon_deg)
    d, b = distance_km / EARTH_KM, math.radians(bearing_deg)
    lat2 = math.asin(math.sin(lat1) * math.cos(d) + math.cos(lat1) * math.sin(d) * math.cos(b))
    lon2 = lon1 + math.atan2(
        math.sin(b) * math.sin(d) * math.cos(lat1), math.cos(d) - math.sin(lat1) * math.sin(lat2)
    )
    return math.degrees(lon2), math.degrees(lat2)


def test_hazard_areas_along_a_great_circle_give_its_bearing() -> None:
    site = find_launch_site("sohae")
    areas = [_square(*_along(site, 192.6, km)) for km in (450.0, 1200.0, 2600.0)]

    fit = fit_hazard_areas(site, areas)
    assert fit.bearing_deg == pytest.approx(192.6, abs=0.05)
    assert fit.rms_cross_track_km < 2.0

    plan = plan_from_hazard_areas(site, areas, LAUNCH, 500.0)
    assert plan.details["ground_azimuth_deg"] == pytest.approx(192.6, abs=0.05)
    # The ground heading of a sun-synchronous track from 39.7 N: the plane itself is at about 190 deg.
    assert plan.azimuth_deg == pytest.approx(190.0, abs=0.2)
    assert plan.inclination_deg == pytest.approx(97.6, abs=0.3)


def test_hazard_areas_that_do_not_line_up_with_the_site_are_refused() -> None:
    site = find_launch_site("sohae")
    lon, lat = _along(site, 190.0, 600.0)
    mid_lon, mid_lat = _along(site, 190.0, 1200.0)
    far_lon, far_lat = _along(site, 190.0, 1800.0)
    # The middle area 5 degrees of longitude (about 500 km) east of the track.
    shifted = [_square(lon, lat), _square(mid_lon + 5.0, mid_lat), _square(far_lon, far_lat)]
    with pytest.raises(TargetError, match="do not line up with Sohae"):
        fit_hazard_areas(site, shifted)
    reversed_order = [_square(far_lon, far_lat), _square(lon, lat)]
    with pytest.raises(TargetError, match="not in flight order"):
        fit_hazard_areas(site, reversed_order)
    with pytest.raises(TargetError, match="at least 3 vertices"):
        fit_hazard_areas(site, [[(lon, lat), (lon + 1.0, lat)]])
