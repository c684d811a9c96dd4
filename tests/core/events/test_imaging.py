"""Imaging opportunities against a second-by-second check built on Skyfield, for sites and regions."""

import itertools
from datetime import timedelta

import numpy as np
import pytest
from event_helpers import T0, Sat, by_name, itrs_states
from matplotlib.path import Path
from skyfield.api import wgs84

from orbitwatch.core.events.imaging import Opportunity, SensorModel, find_opportunities
from orbitwatch.core.events.passes import window_grid
from orbitwatch.core.frames.sun import ephemeris
from orbitwatch.core.frames.time import timescale
from orbitwatch.core.propagation.states import StateGrid
from orbitwatch.core.targets import Region, Site

SEOUL = Site("Seoul", 37.5665, 126.9780, 38.0)
SOHAE = Site("Sohae", 39.660, 124.705, 30.0)
NAMES = ("SAR-LUPE 2", "KOMPSAT-3A", "SENTINEL-2A", "ISS (ZARYA)")
DAY_S = 86400.0
BOX = Region("box", ((((124.5, 35.5), (128.5, 35.5), (128.5, 39.5), (124.5, 39.5), (124.5, 35.5)),),))


def off_nadir_deg(r_km: np.ndarray, point_km: np.ndarray) -> np.ndarray:
    """Angle at the satellite between nadir (-r) and the line to a point: r (N, 3), point (3,) or (N, 3)."""
    line = point_km - r_km
    cosine = -np.sum(r_km * line, axis=-1) / (np.linalg.norm(r_km, axis=-1) * np.linalg.norm(line, axis=-1))
    return np.degrees(np.arccos(np.clip(cosine, -1.0, 1.0)))


def above_horizon(r_km: np.ndarray, site: Site) -> np.ndarray:
    """(r - s) . up, with the WGS-84 normal at the site and Skyfield's position of it."""
    lat, lon = np.radians(site.lat_deg), np.radians(site.lon_deg)
    up = np.array([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)])
    result: np.ndarray = (r_km - wgs84.latlon(site.lat_deg, site.lon_deg, site.alt_m).itrs_xyz.km) @ up
    return result


def subpoint(r_km: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Geodetic longitude and latitude (deg) of the foot of the WGS-84 normal, by fixed-point iteration."""
    a, e2 = 6378.137, 0.00669437999014
    x, y, z = r_km.T
    p = np.hypot(x, y)
    lat = np.arctan2(z, p * (1.0 - e2))
    for _ in range(6):
        lat = np.arctan2(z + e2 * a / np.sqrt(1.0 - e2 * np.sin(lat) ** 2) * np.sin(lat), p)
    return np.degrees(np.arctan2(y, x)), np.degrees(lat)


def dense_track(sat: Sat, step_s: float) -> tuple[np.ndarray, np.ndarray]:
    """Offsets and ITRS positions (N, 3) over the day (python-sgp4 and Skyfield's TEME -> ITRF)."""
    grid = window_grid(T0, DAY_S, step_s)
    return grid.offsets_s, itrs_states([sat], grid).r_itrs_km[0]


def runs(ok: np.ndarray, offsets: np.ndarray) -> list[tuple[float, float]]:
    edges = np.diff(np.concatenate([[0], ok.astype(int), [0]]))
    return [
        (offsets[a], offsets[b - 1])
        for a, b in zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1), strict=True)
    ]


@pytest.fixture(scope="module")
def sats(sample_sats: dict[str, list[Sat]]) -> list[Sat]:
    return by_name(sample_sats, *NAMES)


@pytest.fixture(scope="module")
def states(sats: list[Sat]):  # type: ignore[no-untyped-def]
    return itrs_states(sats, window_grid(T0, DAY_S, 100.0))


@pytest.mark.parametrize("sensor", [SensorModel.sar(45.0), SensorModel.optical(30.0, 10.0)])
def test_site_windows_agree_with_a_second_by_second_check(
    sats: list[Sat], states, sensor: SensorModel
) -> None:  # type: ignore[no-untyped-def]
    ours = find_opportunities(states, [SEOUL, SOHAE], sensor).opportunities
    scale = timescale()
    planets = ephemeris()
    compared = 0
    for sat in sats:
        offsets, r = dense_track(sat, 1.0)
        for site in (SEOUL, SOHAE):
            topos = wgs84.latlon(site.lat_deg, site.lon_deg, site.alt_m)
            angle = off_nadir_deg(r, topos.itrs_xyz.km)
            ok = (angle <= sensor.max_off_nadir_deg) & (above_horizon(r, site) >= 0.0)
            if sensor.min_sun_elevation_deg is not None and ok.any():
                near = np.flatnonzero(ok)
                when = scale.utc(T0.year, T0.month, T0.day, 0, 0, offsets[near])
                sun = (
                    (planets["earth"] + topos).at(when).observe(planets["sun"]).apparent().altaz()[0].degrees
                )
                ok[near] = sun >= sensor.min_sun_elevation_deg
            mine = [o for o in ours if o.norad_id == sat.element.norad_id and o.target == site.name]
            truth = [w for w in runs(ok, offsets) if w[1] - w[0] >= 3.0]
            assert len(mine) == len(truth), (sat.element.name, site.name, sensor.name)
            for o, (start, end) in zip(sorted(mine, key=lambda o: o.start_utc), truth, strict=True):
                assert (o.start_utc - T0).total_seconds() == pytest.approx(start, abs=1.1)
                assert (o.end_utc - T0).total_seconds() == pytest.approx(end, abs=1.1)
                inside = (offsets >= start) & (offsets <= end)
                assert o.min_off_nadir_deg <= angle[inside].min() + 1e-3
                assert o.min_off_nadir_deg >= angle[inside].min() - 0.05
                compared += 1
    assert compared >= 2


def test_a_region_holds_every_window_of_a_site_inside_it(states) -> None:  # type: ignore[no-untyped-def]
    """Seoul lies in the box: every Seoul window is inside a box window, never at a smaller angle."""
    result = find_opportunities(states, [SEOUL, BOX], SensorModel.sar(45.0)).opportunities
    boxes = [o for o in result if o.target == "box"]
    for seoul in (o for o in result if o.target == "Seoul"):
        holder = [
            b
            for b in boxes
            if b.norad_id == seoul.norad_id and b.start_utc <= seoul.start_utc + timedelta(seconds=0.1)
        ]
        holder = [b for b in holder if b.end_utc >= seoul.end_utc - timedelta(seconds=0.1)]
        assert len(holder) == 1
        assert holder[0].min_off_nadir_deg <= seoul.min_off_nadir_deg + 1e-6
    assert boxes


@pytest.mark.slow
def test_region_windows_agree_with_a_dense_check(sats: list[Sat], states) -> None:  # type: ignore[no-untyped-def]
    """The box seen when its boundary (every 1.1 km) is in the field of regard or the nadir is inside it;
    some passes cross it, so the interior is exercised too."""
    sensor = SensorModel.sar(30.0)
    ours = find_opportunities(states, [BOX], sensor).opportunities
    ring = np.array(BOX.polygons[0][0])
    dense = np.concatenate(
        [
            a + np.linspace(0.0, 1.0, 400, endpoint=False)[:, None] * (b - a)
            for a, b in itertools.pairwise(ring)
        ]
    )
    boundary = wgs84.latlon(dense[:, 1], dense[:, 0]).itrs_xyz.km.T
    outline = Path(ring)
    crossings = 0
    center = wgs84.latlon(37.5, 126.5).itrs_xyz.km
    compared = 0
    for sat in sats:
        offsets, r = dense_track(sat, 1.0)
        cos_arc = (r @ center) / (np.linalg.norm(r, axis=1) * np.linalg.norm(center))
        near = np.flatnonzero(cos_arc > np.cos(np.radians(12.0)))  # nadir within 12 deg of the box's middle
        seen = np.zeros(offsets.size, dtype=bool)
        unit = boundary / np.linalg.norm(boundary, axis=1, keepdims=True)
        for chunk in np.array_split(near, max(1, near.size // 256)):
            line = boundary[None, :, :] - r[chunk, None, :]
            distance = np.linalg.norm(line, axis=2)
            cosine = -np.einsum("nkj,nj->nk", line, r[chunk]) / (
                distance * np.linalg.norm(r[chunk], axis=1)[:, None]
            )
            clear = np.einsum("nkj,kj->nk", -line, unit) >= 0.0  # above a sphere's horizon: enough here
            fits = np.degrees(np.arccos(np.clip(cosine, -1.0, 1.0))) <= sensor.max_off_nadir_deg
            seen[chunk] = np.any(fits & clear, axis=1)
        lon, lat = subpoint(r[near])
        seen[near] |= outline.contains_points(np.column_stack([lon, lat]))
        truth = [w for w in runs(seen, offsets) if w[1] - w[0] >= 3.0]
        mine = sorted((o for o in ours if o.norad_id == sat.element.norad_id), key=lambda o: o.start_utc)
        assert len(mine) == len(truth), sat.element.name
        crossings += sum(1 for o in mine if o.min_off_nadir_deg == 0.0)
        for o, (start, end) in zip(mine, truth, strict=True):
            assert (o.start_utc - T0).total_seconds() == pytest.approx(start, abs=2.1)
            assert (o.end_utc - T0).total_seconds() == pytest.approx(end, abs=2.1)
            compared += 1
    assert compared >= 2
    assert crossings >= 1


def test_sensor_model_refuses_impossible_limits() -> None:
    for kwargs in (
        {"max_off_nadir_deg": 0.0},
        {"max_off_nadir_deg": 95.0},
        {"max_off_nadir_deg": 30.0, "min_elevation_deg": 90.0},
    ):
        with pytest.raises(ValueError, match="must be"):
            SensorModel(**kwargs)  # type: ignore[arg-type]


def test_an_opportunity_reports_its_geometry(states) -> None:  # type: ignore[no-untyped-def]
    result = find_opportunities(
        states, [SEOUL], SensorModel.sar(45.0), element_epochs_utc=[T0] * states.count
    )
    assert result.opportunities
    assert not result.skipped
    for o in result.opportunities:
        assert isinstance(o, Opportunity)
        assert o.start_utc <= o.best_utc <= o.end_utc
        assert 0.0 <= o.min_off_nadir_deg <= 45.0
        assert o.ground_range_km > 0.0
        assert 0.0 < o.elevation_deg <= 90.0
        assert o.element_age_days is not None
        assert 0.0 <= o.element_age_days <= 1.0


def test_nothing_seen_and_nothing_usable_give_empty_answers(states) -> None:  # type: ignore[no-untyped-def]
    pole = Site("South Pole", -90.0, 0.0)
    assert find_opportunities(states, [pole], SensorModel.sar(1.0)).opportunities == ()
    broken = StateGrid(
        states.times, states.norad_ids, states.names, states.r_itrs_km, states.v_itrs_km_s,
        np.full_like(states.error_code, 6),
    )  # fmt: skip
    result = find_opportunities(broken, [SEOUL], SensorModel.sar(45.0))
    assert result.opportunities == ()
    assert len(result.skipped) == states.count
