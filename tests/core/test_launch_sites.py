"""Launch-site geometry: cos i = cos(lat) sin(az), azimuth ranges with wrap-around, and validation."""

import math

import pytest

from orbitwatch.core.launch_sites import LaunchSite
from orbitwatch.core.targets import Site
from orbitwatch.errors import TargetError


def _site(lat_deg: float, ranges: tuple[tuple[float, float], ...] = ((0.0, 360.0),)) -> LaunchSite:
    return LaunchSite(Site("Test", lat_deg, 0.0), "T", "XX", ranges, 0.0, 180.0, "https://example.org", "")


@pytest.mark.parametrize(
    ("lat_deg", "az_deg", "inc_deg"),
    [
        (28.5, 90.0, 28.5),  # Cape Canaveral due east: the inclination is the latitude
        (45.9, 90.0, 45.9),  # Baikonur due east
        (0.0, 90.0, 0.0),  # equator due east: equatorial
        (28.5, 0.0, 90.0),  # due north: polar from anywhere
        (28.5, 270.0, 151.5),  # due west: retrograde, 180 - latitude
    ],
)
def test_inclination_for_azimuth_matches_textbook_cases(
    lat_deg: float, az_deg: float, inc_deg: float
) -> None:
    assert _site(lat_deg).inclination_for_azimuth(az_deg) == pytest.approx(inc_deg, abs=1e-9)


def test_the_iss_plane_from_28_5_degrees_needs_an_azimuth_of_about_44_degrees() -> None:
    # Vallado §6.4 / Curtis §4.7: sin(az) = cos(51.6) / cos(28.5) = 0.7069 -> 45.0 deg (ascending).
    ascending_deg, descending_deg = _site(28.5).azimuths_for_inclination(51.6)

    assert ascending_deg == pytest.approx(
        math.degrees(math.asin(math.cos(math.radians(51.6)) / math.cos(math.radians(28.5))))
    )
    assert ascending_deg == pytest.approx(44.98, abs=0.01)
    assert descending_deg == pytest.approx(180.0 - ascending_deg)


def test_retrograde_azimuths_are_northwest_and_southwest() -> None:
    ascending_deg, descending_deg = _site(31.9).azimuths_for_inclination(143.0)

    assert 270.0 < ascending_deg < 300.0
    assert 240.0 < descending_deg < 270.0


@pytest.mark.parametrize("inc_deg", [5.0, 28.5, 51.6, 63.4, 97.8, 143.0])
@pytest.mark.parametrize("lat_deg", [-39.3, 0.0, 5.2, 28.5, 45.9, 62.9])
def test_azimuths_for_an_inclination_give_that_inclination_back(lat_deg: float, inc_deg: float) -> None:
    site = _site(lat_deg)
    if inc_deg < abs(lat_deg) or inc_deg > 180.0 - abs(lat_deg):
        with pytest.raises(TargetError, match="cannot be reached"):
            site.azimuths_for_inclination(inc_deg)
        return
    for az_deg in site.azimuths_for_inclination(inc_deg):
        assert 0.0 <= az_deg < 360.0
        assert site.inclination_for_azimuth(az_deg) == pytest.approx(inc_deg, abs=1e-9)


def test_wrapping_azimuth_ranges_cross_north() -> None:
    site = _site(62.9, ((340.0, 95.0),))

    assert all(site.allows_azimuth(az) for az in (340.0, 359.9, 0.0, 360.0, 45.0, 95.0, -10.0, 400.0))
    assert not any(site.allows_azimuth(az) for az in (96.0, 180.0, 339.0))


def test_a_range_ending_at_360_includes_north() -> None:
    assert _site(10.0, ((300.0, 360.0),)).allows_azimuth(0.0)


def test_reachable_inclinations_of_an_eastward_site_start_at_its_latitude() -> None:
    site = _site(28.4889, ((35.0, 120.0), (170.0, 195.0)))

    (low_deg, high_deg), (polar_low_deg, polar_high_deg) = site.reachable_inclinations()

    assert low_deg == pytest.approx(28.4889)
    assert high_deg == pytest.approx(site.inclination_for_azimuth(35.0))
    assert polar_low_deg == pytest.approx(site.inclination_for_azimuth(170.0))
    assert polar_high_deg == pytest.approx(site.inclination_for_azimuth(195.0))
    assert site.reaches_inclination(51.6)
    assert site.reaches_inclination(97.9)
    assert not site.reaches_inclination(70.0)


def test_a_westward_range_reaches_only_retrograde_inclinations() -> None:
    site = _site(31.8978, ((260.0, 300.0),))

    ((low_deg, high_deg),) = site.reachable_inclinations()

    assert high_deg == pytest.approx(180.0 - 31.8978)  # due west is inside the range
    assert low_deg == pytest.approx(site.inclination_for_azimuth(300.0))


def test_overlapping_ranges_are_merged() -> None:
    site = _site(40.0, ((80.0, 100.0), (95.0, 130.0)))

    ((low_deg, high_deg),) = site.reachable_inclinations()

    assert low_deg == pytest.approx(40.0)
    assert high_deg == pytest.approx(site.inclination_for_azimuth(130.0))


@pytest.mark.parametrize(
    ("ranges", "low_deg", "high_deg", "message"),
    [
        ((), 0.0, 180.0, "no azimuth range"),
        (((10.0, 361.0),), 0.0, 180.0, "azimuth 361"),
        (((-5.0, 10.0),), 0.0, 180.0, "azimuth -5"),
        (((float("nan"), 10.0),), 0.0, 180.0, "azimuth nan"),
        (((10.0, 20.0),), 100.0, 90.0, "exceeds"),
        (((10.0, 20.0),), 0.0, 181.0, "maximum inclination 181"),
    ],
)
def test_invalid_launch_sites_are_refused(
    ranges: tuple[tuple[float, float], ...], low_deg: float, high_deg: float, message: str
) -> None:
    with pytest.raises(TargetError, match=message):
        LaunchSite(Site("Bad", 10.0, 0.0), "B", "XX", ranges, low_deg, high_deg, "https://example.org")


def test_an_empty_code_is_refused() -> None:
    with pytest.raises(TargetError, match="code is empty"):
        LaunchSite(Site("Bad", 10.0, 0.0), " ", "XX", ((0.0, 90.0),), 10.0, 90.0, "https://example.org")
