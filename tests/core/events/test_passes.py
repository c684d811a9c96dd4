"""Passes against Skyfield: event times, look angles, sunlight and visibility.

Skyfield is an independent implementation (its own SGP4 call, TEME -> GCRS -> topocentric chain and
event finder). Its ``find_events`` refines to about half a second and, like any sampled search, may
omit passes that barely graze the mask; so every pass it reports must be found here, and a pass found
here that it lacks must be one it may legitimately omit: clipped by the window, or cresting within
0.01 deg of the mask. Topocentric positions at given instants are compared with Skyfield by the frames
tests (tests/core/frames/test_geodesy.py); here the look angles at the refined event times are.
"""

from datetime import timedelta

import numpy as np
import pytest
from event_helpers import T0, Sat, by_name, itrs_states
from skyfield.api import EarthSatellite, wgs84

from orbitwatch.core.events.detectors import SunTrack, sunlit_margin_deg
from orbitwatch.core.events.passes import PassTable, find_passes, pass_grid_step_s, window_grid
from orbitwatch.core.frames.sun import ephemeris
from orbitwatch.core.frames.time import timescale
from orbitwatch.core.propagation.states import TimeGrid
from orbitwatch.core.targets import Site

SITES = (
    Site("Seoul", 37.5665, 126.9780, 38.0),
    Site("Sohae", 39.660, 124.705, 30.0),
    Site("Svalbard", 78.2297, 15.4077, 450.0),
    Site("Hobart", -42.8821, 147.3272, 50.0),
)
# The ISS, sun-synchronous imagers, a SAR satellite, a Molniya-type HEO, GEO and an inclined QZSS orbit.
NAMES = (
    "ISS (ZARYA)",
    "SENTINEL-2A",
    "KOMPSAT-3A",
    "SAR-LUPE 2",
    "ARKTIKA-M 1",
    "GOES 18",
    "QZS-2 (MICHIBIKI-2)",
)
MASK_DEG = 10.0
DAY_S = 86400.0


def planned_grid(sat: Sat) -> TimeGrid:
    e = sat.element
    step = pass_grid_step_s(np.array([e.mean_motion_rev_per_day]), np.array([e.eccentricity]))[0]
    return window_grid(T0, DAY_S, float(step))


def skyfield_events(sat: Sat, site: Site) -> list[tuple[float, int, float]]:
    """(offset s, 0 rise / 1 culmination / 2 set, elevation deg) from Skyfield's find_events over the day."""
    scale = timescale()
    satellite = EarthSatellite(sat.line1, sat.line2, sat.element.name, scale)
    topos = wgs84.latlon(site.lat_deg, site.lon_deg, site.alt_m)
    t0, t1 = scale.from_datetime(T0), scale.from_datetime(T0 + timedelta(seconds=DAY_S))
    times, kinds = satellite.find_events(topos, t0, t1, altitude_degrees=MASK_DEG)
    if not len(times):
        return []
    elevations = (satellite - topos).at(times).altaz()[0].degrees
    offsets = (times - t0) * DAY_S
    return [(float(t), int(k), float(el)) for t, k, el in zip(offsets, kinds, elevations, strict=True)]


def rows_of(table: PassTable, norad_id: int, site: str) -> np.ndarray:
    ids = table.norad_ids[table.satellite]
    names = np.array(table.site_names)[table.site]
    return np.flatnonzero((ids == norad_id) & (names == site))


@pytest.fixture(scope="module")
def reference_sats(sample_sats: dict[str, list[Sat]]) -> list[Sat]:
    return by_name(sample_sats, *NAMES)


@pytest.fixture(scope="module")
def day_table(reference_sats: list[Sat]) -> PassTable:
    tables = [
        find_passes(itrs_states([sat], planned_grid(sat)), SITES, min_elevation_deg=MASK_DEG).table
        for sat in reference_sats
    ]
    return PassTable.concatenate(tables)


def test_every_skyfield_event_is_found_within_a_second(
    reference_sats: list[Sat], day_table: PassTable
) -> None:
    compared = 0
    for sat in reference_sats:
        for site in SITES:
            rows = rows_of(day_table, sat.element.norad_id, site.name)
            rise, end = day_table.rises.t_s[rows], day_table.sets.t_s[rows]
            events = skyfield_events(sat, site)
            culminations = [(t, el) for t, k, el in events if k == 1]
            for t, kind, _ in events:
                if kind != 1:
                    ours = rise if kind == 0 else end
                    assert np.min(np.abs(ours - t)) < 1.0, (sat.element.name, site.name, kind, t)
                    compared += 1
            for t, el in culminations:
                holder = np.flatnonzero((rise - 1.0 <= t) & (t <= end + 1.0))
                assert holder.size == 1, (sat.element.name, site.name, t)
                p = rows[holder[0]]
                assert day_table.max_elevation_deg[p] >= el - 1e-3
                alone = (
                    sum(1 for c, _ in culminations if rise[holder[0]] - 1.0 <= c <= end[holder[0]] + 1.0) == 1
                )
                if alone and not (day_table.rise_clipped[p] or day_table.set_clipped[p]):
                    assert abs(day_table.culminations.t_s[p] - t) < 1.0, (sat.element.name, site.name, t)
                    assert abs(day_table.max_elevation_deg[p] - el) < 1e-3
                compared += 1
    assert compared > 150


def test_passes_skyfield_lacks_are_clipped_or_grazing(
    reference_sats: list[Sat], day_table: PassTable
) -> None:
    for sat in reference_sats:
        for site in SITES:
            culminations = [t for t, k, _ in skyfield_events(sat, site) if k == 1]
            for p in rows_of(day_table, sat.element.norad_id, site.name):
                rise, end = day_table.rises.t_s[p], day_table.sets.t_s[p]
                if any(rise - 1.0 <= t <= end + 1.0 for t in culminations):
                    continue
                clipped = day_table.rise_clipped[p] or day_table.set_clipped[p]
                assert clipped or day_table.max_elevation_deg[p] < MASK_DEG + 0.01, (
                    sat.element.name,
                    site.name,
                )


def test_look_angles_at_events_agree_with_skyfield(reference_sats: list[Sat], day_table: PassTable) -> None:
    """Azimuth, elevation and range at the refined rise, culmination and set (interpolated states)."""
    scale = timescale()
    checked = 0
    for sat in reference_sats[:4]:
        satellite = EarthSatellite(sat.line1, sat.line2, sat.element.name, scale)
        for site in SITES[:2]:
            topos = wgs84.latlon(site.lat_deg, site.lon_deg, site.alt_m)
            rows = rows_of(day_table, sat.element.norad_id, site.name)
            for event in (day_table.rises, day_table.culminations, day_table.sets):
                when = scale.from_datetimes([T0 + timedelta(seconds=float(t)) for t in event.t_s[rows]])
                alt, az, distance = (satellite - topos).at(when).altaz()
                np.testing.assert_allclose(event.el_deg[rows], alt.degrees, atol=1e-3)
                np.testing.assert_allclose(
                    (event.az_deg[rows] - az.degrees + 180.0) % 360.0 - 180.0, 0.0, atol=1e-3
                )
                np.testing.assert_allclose(event.range_km[rows], distance.km, atol=0.01)
                checked += rows.size
    assert checked > 50


def test_rise_and_set_are_at_the_mask_and_the_culmination_is_highest(day_table: PassTable) -> None:
    inner = ~day_table.rise_clipped & ~day_table.set_clipped
    assert np.all(np.abs(day_table.rises.el_deg[inner] - MASK_DEG) < 1e-3)
    assert np.all(np.abs(day_table.sets.el_deg[inner] - MASK_DEG) < 1e-3)
    assert np.all(
        day_table.max_elevation_deg >= np.maximum(day_table.rises.el_deg, day_table.sets.el_deg) - 1e-9
    )
    assert np.all(day_table.rises.t_s <= day_table.culminations.t_s)
    assert np.all(day_table.culminations.t_s <= day_table.sets.t_s)


def test_sunlit_at_culmination_agrees_with_skyfield(reference_sats: list[Sat], day_table: PassTable) -> None:
    """Skyfield's is_sunlit against the sign of the sunlit margin, away from shadow boundaries (1 s)."""
    scale = timescale()
    sun = SunTrack.over(T0, 0.0, DAY_S)
    compared = 0
    for sat in reference_sats:
        rows = np.flatnonzero(day_table.norad_ids[day_table.satellite] == sat.element.norad_id)
        t = np.unique(day_table.culminations.t_s[rows])
        if t.size == 0:
            continue
        satellite = EarthSatellite(sat.line1, sat.line2, sat.element.name, scale)
        theirs = satellite.at(scale.from_datetimes([T0 + timedelta(seconds=float(x)) for x in t])).is_sunlit(
            ephemeris()
        )
        margin = sunlit_margin_deg(itrs_states([sat], TimeGrid(T0, t)).r_itrs_km[0].T, sun.position(t))
        clear = np.abs(margin) > 0.07  # the margin moves at most ~0.07 deg/s (LEO): 1 s from a boundary
        assert np.array_equal((margin > 0.0)[clear], theirs[clear]), sat.element.name
        compared += int(np.count_nonzero(clear))
    assert compared > 50


def test_visible_agrees_with_a_dense_skyfield_check(reference_sats: list[Sat], day_table: PassTable) -> None:
    """Visible = sunlit while the site's Sun is at or below -6 deg at some instant of the pass: checked every
    second for low orbits, every 20 s for the long passes of the inclined QZSS orbit."""
    scale = timescale()
    planets = ephemeris()
    earth, sun = planets["earth"], planets["sun"]
    checked = 0
    outcomes: set[bool] = set()
    for sat, step in [(s, 1.0) for s in reference_sats[:3]] + [(reference_sats[-1], 20.0)]:
        satellite = EarthSatellite(sat.line1, sat.line2, sat.element.name, scale)
        for site in SITES[:3]:
            topos = wgs84.latlon(site.lat_deg, site.lon_deg, site.alt_m)
            for p in rows_of(day_table, sat.element.norad_id, site.name):
                seconds = np.arange(day_table.rises.t_s[p], day_table.sets.t_s[p], step)
                when = scale.utc(T0.year, T0.month, T0.day, 0, 0, seconds)
                lit = satellite.at(when).is_sunlit(planets)
                sun_alt = (earth + topos).at(when).observe(sun).apparent().altaz()[0].degrees
                both = lit & (sun_alt <= -6.0)
                if 0 < np.count_nonzero(both) < 3 or np.any(np.abs(sun_alt + 6.0) < 0.01 * step):
                    continue  # at a boundary, within a sample or two
                assert bool(day_table.visible[p]) == bool(both.any()), (sat.element.name, site.name, p)
                outcomes.add(bool(both.any()))
                checked += 1
    assert checked > 20
    assert outcomes == {True, False}
