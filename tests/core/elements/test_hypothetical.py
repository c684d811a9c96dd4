"""Hypothetical satellites: sun-synchronous inclination against published values, and the element sets
checked by propagating them with python-sgp4 (altitude, node drift) and Skyfield (local time of the node).
"""

import math
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from sgp4.api import jday
from skyfield.api import Loader
from skyfield.sgp4lib import TEME_to_ITRF
from skyfield_data import get_skyfield_data_path

from orbitwatch.core.constants import WGS72_RADIUS_KM
from orbitwatch.core.elements.hypothetical import (
    HYPOTHETICAL_NORAD_BASE,
    SUN_MEAN_RATE_DEG_PER_DAY,
    ConstellationSpec,
    circular_mean_motion_rev_per_day,
    hypothetical_constellation,
    is_hypothetical,
    ltan_hours_of,
    parse_hypothetical,
    raan_for_ltan_deg,
    sgp4_sun_synchronous_inclination_deg,
    sun_synchronous_inclination_deg,
)
from orbitwatch.core.elements.model import ElementSet
from orbitwatch.errors import ElementsError

EPOCH = datetime(2026, 5, 24, 3, 17, 42, 250000, tzinfo=UTC)


def propagate(elements: ElementSet, days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """TEME position and velocity (km, km/s) at the epoch plus ``days``, by python-sgp4."""
    satrec = elements.to_satrec()
    errors, r, v = satrec.sgp4_array(np.full(days.shape, satrec.jdsatepoch), satrec.jdsatepochF + days)
    assert not errors.any()
    return r, v


def node_ra_deg(r: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Right ascension of the osculating ascending node, from the angular momentum h = r x v."""
    h = np.cross(r, v)
    return np.degrees(np.arctan2(h[:, 0], -h[:, 1])) % 360.0


# Wertz & Larson, Space Mission Analysis and Design, 3rd ed. (1999), "Earth Satellite Parameters"
# (sun-synchronous inclination by altitude): 97.40° at 500 km, 98.60° at 800 km. Landsat 8 flies a
# sun-synchronous orbit at 705 km and 98.2° (USGS, Landsat 8 Data Users Handbook, v5, 2019, §2.1).
@pytest.mark.parametrize(
    ("alt_km", "published_deg", "tolerance_deg"),
    [(500.0, 97.40, 0.01), (800.0, 98.60, 0.01), (705.0, 98.2, 0.05)],
)
def test_sun_synchronous_inclination_matches_published_values(
    alt_km: float, published_deg: float, tolerance_deg: float
) -> None:
    assert sun_synchronous_inclination_deg(alt_km) == pytest.approx(published_deg, abs=tolerance_deg)


def test_eccentricity_lowers_the_sun_synchronous_inclination() -> None:
    """A smaller semi-latus rectum p = a(1 - e^2) speeds the precession: cos i needs less magnitude."""
    assert sun_synchronous_inclination_deg(700.0, ecc=0.1) < sun_synchronous_inclination_deg(700.0) - 0.1


def test_an_orbit_too_high_or_too_low_is_refused() -> None:
    with pytest.raises(ElementsError, match="too high"):
        sun_synchronous_inclination_deg(7000.0)
    with pytest.raises(ElementsError, match=r"outside 100\.\.50000 km"):
        sun_synchronous_inclination_deg(50.0)


@pytest.mark.parametrize("alt_km", [400.0, 500.0, 800.0, 1200.0])
def test_sgp4_node_of_a_sun_synchronous_satellite_follows_the_mean_sun(alt_km: float) -> None:
    inc_deg = sgp4_sun_synchronous_inclination_deg(alt_km, EPOCH)
    (elements,) = hypothetical_constellation(ConstellationSpec(EPOCH, alt_km, inc_deg, 40.0))

    rate_deg_per_day = math.degrees(elements.to_satrec().nodedot) * 1440.0
    assert rate_deg_per_day == pytest.approx(SUN_MEAN_RATE_DEG_PER_DAY, abs=1e-9)
    assert abs(inc_deg - sun_synchronous_inclination_deg(alt_km)) < 0.05


def test_the_node_drifts_with_the_sun_over_30_days() -> None:
    spec = parse_hypothetical("sso:alt=500,ltdn=10:30", EPOCH)
    (elements,) = hypothetical_constellation(spec)
    one_orbit = np.linspace(0.0, elements.period_min / 1440.0, 200, endpoint=False)

    start = node_ra_deg(*propagate(elements, one_orbit))
    end = node_ra_deg(*propagate(elements, 30.0 + one_orbit))

    drift_deg = (np.mean(end) - np.mean(start)) % 360.0
    assert drift_deg / 30.0 == pytest.approx(SUN_MEAN_RATE_DEG_PER_DAY, abs=1e-4)


@pytest.mark.parametrize(
    ("alt_km", "inc_deg"), [(500.0, 97.4), (550.0, 53.0), (400.0, 51.6), (1200.0, 0.0), (20_200.0, 55.0)]
)
def test_sgp4_radius_averages_the_intended_altitude(alt_km: float, inc_deg: float) -> None:
    n_rev_per_day = circular_mean_motion_rev_per_day(alt_km, inc_deg)
    (elements,) = hypothetical_constellation(ConstellationSpec(EPOCH, alt_km, inc_deg, 0.0))
    assert elements.mean_motion_rev_per_day == n_rev_per_day
    revolutions = np.linspace(0.0, 3 * elements.period_min / 1440.0, 3000, endpoint=False)

    r, _ = propagate(elements, revolutions)

    mean_alt_km = np.mean(np.linalg.norm(r, axis=1)) - WGS72_RADIUS_KM
    assert mean_alt_km == pytest.approx(alt_km, abs=0.3)


def test_the_local_time_of_the_node_is_as_set_seen_by_skyfield() -> None:
    """The ascending node's Earth-fixed longitude (Skyfield's TEME -> ITRF) gives the mean local time."""
    (elements,) = hypothetical_constellation(parse_hypothetical("sso:alt=500,ltan=13:45", EPOCH))
    r, v = propagate(elements, np.array([0.0]))
    node_teme = np.cross([0.0, 0.0, 1.0], np.cross(r[0], v[0]))
    jd, fraction = jday(EPOCH.year, EPOCH.month, EPOCH.day, EPOCH.hour, EPOCH.minute, EPOCH.second + 0.25)

    node_itrf, _ = TEME_to_ITRF(jd, node_teme, np.zeros(3), fraction_ut1=fraction)

    lon_deg = math.degrees(math.atan2(node_itrf[1], node_itrf[0]))
    ut_hours = EPOCH.hour + EPOCH.minute / 60 + (EPOCH.second + 0.25) / 3600
    local_mean_time_hours = (ut_hours + lon_deg / 15.0) % 24.0
    assert local_mean_time_hours == pytest.approx(13.75, abs=1.0 / 60.0)
    assert ltan_hours_of(elements) == pytest.approx(13.75, abs=1e-9)


@pytest.mark.filterwarnings("ignore:The file finals2000A.all has expired")
def test_the_node_sits_where_the_apparent_sun_puts_it_within_the_equation_of_time() -> None:
    """An LTAN of 12:00 puts the node at the mean Sun, east of the apparent Sun by the equation of time
    (apparent minus mean solar time: about +3.2 minutes on 24 May)."""
    load = Loader(get_skyfield_data_path(), verbose=False)
    ts = load.timescale(builtin=True)
    sun = load("de421.bsp")["sun"]
    earth = load("de421.bsp")["earth"]
    ra, _, _ = earth.at(ts.from_datetime(EPOCH)).observe(sun).apparent().radec(epoch="date")

    raan_deg = raan_for_ltan_deg(EPOCH, 12.0)

    minutes = ((raan_deg - ra.hours * 15.0 + 180.0) % 360.0 - 180.0) * 4.0
    assert 2.5 < minutes < 4.0


def test_ltdn_is_ltan_plus_or_minus_12_hours_and_both_round_trip() -> None:
    morning = hypothetical_constellation(parse_hypothetical("sso:alt=600,ltdn=10:30", EPOCH))[0]
    evening = hypothetical_constellation(parse_hypothetical("sso:alt=600,ltan=22.5", EPOCH))[0]

    assert ltan_hours_of(morning) == pytest.approx(22.5, abs=1e-9)
    assert morning.raan_deg == pytest.approx(evening.raan_deg, abs=1e-9)
    for hours in (0.0, 6.25, 18.0, 23.99):
        raan = raan_for_ltan_deg(EPOCH, hours)
        probe = ElementSet(1, EPOCH, 15.0, 0.0, 97.0, raan, 0.0, 0.0)
        assert ltan_hours_of(probe) == pytest.approx(hours, abs=1e-9)


def test_the_same_local_time_a_day_later_is_a_degree_further_east() -> None:
    today = raan_for_ltan_deg(EPOCH, 10.5)
    tomorrow = raan_for_ltan_deg(EPOCH + timedelta(days=1), 10.5)

    assert (tomorrow - today) % 360.0 == pytest.approx(SUN_MEAN_RATE_DEG_PER_DAY, abs=1e-4)


def test_a_constellation_gets_hypothetical_numbers_names_and_spacing() -> None:
    spec = parse_hypothetical("sso:alt=500,ltdn=10:30,count=3,spacing=120,ma=30", EPOCH)
    satellites = hypothetical_constellation(spec)

    assert [s.norad_id for s in satellites] == [900_000_001, 900_000_002, 900_000_003]
    assert [s.name for s in satellites] == ["HYPO-SSO500-1", "HYPO-SSO500-2", "HYPO-SSO500-3"]
    assert [s.mean_anomaly_deg for s in satellites] == [30.0, 150.0, 270.0]
    assert all(
        is_hypothetical(s) and s.eccentricity == 0.0 and s.bstar_per_earth_radius == 0.0 for s in satellites
    )
    assert len({(s.inclination_deg, s.raan_deg, s.mean_motion_rev_per_day) for s in satellites}) == 1
    assert all(s.epoch_utc == EPOCH for s in satellites)


def test_a_walker_like_plane_with_defaults() -> None:
    spec = parse_hypothetical(
        "circ:alt=550,inc=53,raan=400,count=4,name=Shell", EPOCH, first_norad_id=950_000_000
    )
    satellites = hypothetical_constellation(spec)

    assert [s.mean_anomaly_deg for s in satellites] == [0.0, 90.0, 180.0, 270.0]
    assert [s.norad_id for s in satellites] == [950_000_000 + k for k in range(4)]
    assert satellites[0].name == "HYPO-Shell-1"
    assert satellites[0].raan_deg == pytest.approx(40.0)
    assert satellites[0].inclination_deg == 53.0
    assert satellites[0].norad_id >= HYPOTHETICAL_NORAD_BASE


def test_catalog_numbers_above_the_alpha5_limit_still_propagate() -> None:
    (elements,) = hypothetical_constellation(
        ConstellationSpec(EPOCH, 700.0, 98.2, 10.0, first_norad_id=999_999_999)
    )
    r, _ = propagate(elements, np.array([0.0, 1.0]))
    assert np.all(np.isfinite(r))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("sso", "expected sso:alt=KM"),
        ("geo:alt=35786", "expected sso:alt=KM"),
        ("sso:ltdn=10:30", "missing alt"),
        ("circ:alt=500", "missing inc"),
        ("sso:alt=500", "exactly one of ltan=HH:MM and ltdn=HH:MM"),
        ("sso:alt=500,ltan=10:30,ltdn=22:30", "exactly one of"),
        ("sso:alt=500,ltdn=25:00", "not a time of day in 00:00..23:59"),
        ("sso:alt=500,ltdn=10:75", "not a time of day in 00:00..23:59"),
        ("sso:alt=500,ltdn=ten", "is not a time of day HH:MM"),
        ("sso:alt=abc,ltdn=10:30", "alt='abc' is not a number"),
        ("sso:alt=500,ltdn=10:30,inc=97", "unknown key 'inc' for sso"),
        ("sso:alt=500,alt=600,ltdn=10:30", "alt is given twice"),
        ("sso:alt=500,,ltdn=10:30", "'' is not KEY=VALUE"),
        ("sso:alt=500,ltdn=", "'ltdn=' is not KEY=VALUE"),
        ("sso:alt=500,ltdn=10:30,count=0", "count 0 is outside 1..10000"),
        ("sso:alt=500,ltdn=10:30,count=2.5", "count='2.5' is not a finite whole number"),
        ("sso:alt=9000,ltdn=10:30", "too high"),
        ("circ:alt=50,inc=10", "altitude 50 km is outside"),
        ("circ:alt=500,inc=190", "inclination 190° is outside 0..180"),
        ("circ:alt=500,inc=nan", "inc='nan' is not a finite number"),
        ("circ:alt=500,inc=50,count=3", None),
    ],
)
def test_a_bad_spec_is_refused_naming_the_text(text: str, message: str | None) -> None:
    if message is None:
        with pytest.raises(ElementsError, match=r"catalog numbers 999999999\.\.1000000001"):
            parse_hypothetical(text, EPOCH, first_norad_id=999_999_999)
        return
    with pytest.raises(ElementsError, match=message) as caught:
        parse_hypothetical(text, EPOCH)
    assert str(caught.value).startswith(f"hypothetical {text!r}: ")
