"""The simulator: visibility checked against Skyfield, noise statistics, gaps, the TDM round trip."""

from collections import Counter

import numpy as np
import pytest
from skyfield.api import EarthSatellite, wgs84

from orbitwatch.core.elements.model import ElementSet
from orbitwatch.core.elements.tle import write_tle
from orbitwatch.core.frames.sun import ephemeris
from orbitwatch.core.frames.time import timescale
from orbitwatch.core.od.measurements import Station
from orbitwatch.core.od.predict import measurement_geometry, observed_values, predict_values, residuals
from orbitwatch.core.od.simulate import Sensor, simulate_measurements
from orbitwatch.core.od.tdm import read_tdm, write_tdm_kvn
from orbitwatch.errors import ObservationError

RADAR = Station("RADAR", 35.0, 139.0, 0.05)
TELESCOPE = Station("TEL", 32.0, -110.0, 2.0)


def test_radar_sees_only_above_its_mask_and_noise_has_its_sigma(iss: ElementSet) -> None:
    sensor = Sensor(RADAR, ("az_el", "range"), {"range": (0.02,)}, min_elevation_deg=15.0)
    sim = simulate_measurements(iss, [sensor], iss.epoch_utc, 86400.0, 10.0, np.random.default_rng(7))
    counts = Counter(m.kind for m in sim.measurements)
    assert counts["az_el"] == counts["range"] > 30
    times = sorted({m.time_utc for m in sim.measurements})
    line1, line2 = write_tle([iss], with_names=False).splitlines()[:2]
    sat = EarthSatellite(line1, line2, "ISS", timescale())
    topos = wgs84.latlon(RADAR.lat_deg, RADAR.lon_deg, elevation_m=RADAR.alt_km * 1000.0)
    alt, _, _ = (sat - topos).at(timescale().from_datetimes(times)).altaz()
    assert np.all(alt.degrees >= 15.0 - 1e-6)
    all_times = [sim.grid.utc(o) for o in sim.grid.offsets_s]
    alt_all, _, _ = (sat - topos).at(timescale().from_datetimes(all_times)).altaz()
    assert int(np.sum(alt_all.degrees >= 15.0)) == len(times)  # every visible instant, nothing more
    ranges = [m for m in sim.measurements if m.kind == "range"]
    geometry = measurement_geometry(ranges, [RADAR])
    rows = [round((m.time_utc - sim.grid.t0_utc).total_seconds() / 10.0) for m in ranges]
    truth = predict_values(geometry, sim.r_gcrs_km[rows], sim.v_gcrs_km_s[rows])
    noise = residuals(geometry, observed_values(ranges), truth)
    assert np.std(noise) == pytest.approx(0.02, rel=0.25)


def test_optical_needs_dark_station_and_sunlit_satellite(iss: ElementSet) -> None:
    sim = simulate_measurements(
        iss, [Sensor(TELESCOPE, ("ra_dec",))], iss.epoch_utc, 2 * 86400.0, 10.0, np.random.default_rng(1)
    )
    assert len(sim.measurements) > 10
    t = timescale().from_datetimes([m.time_utc for m in sim.measurements])
    line1, line2 = write_tle([iss], with_names=False).splitlines()[:2]
    sat = EarthSatellite(line1, line2, "ISS", timescale())
    planets = ephemeris()
    topos = wgs84.latlon(TELESCOPE.lat_deg, TELESCOPE.lon_deg, elevation_m=TELESCOPE.alt_km * 1000.0)
    sun_alt, _, _ = (planets["earth"] + topos).at(t).observe(planets["sun"]).apparent().altaz()
    assert np.all(sun_alt.degrees < -12.0 + 0.05)  # apparent vs geometric: within refraction-free margin
    assert np.all(sat.at(t).is_sunlit(planets))


def test_dropouts_and_tracklets_thin_the_data(iss: ElementSet) -> None:
    rng = np.random.default_rng(2)
    full = simulate_measurements(iss, [Sensor(RADAR, ("range",))], iss.epoch_utc, 86400.0, 10.0, rng)
    short = Sensor(RADAR, ("range",), max_points_per_pass=5)
    thin = simulate_measurements(iss, [short], iss.epoch_utc, 86400.0, 10.0, rng, dropout_probability=0.5)
    assert 0 < len(thin.measurements) < len(full.measurements) / 2


def test_gnss_positions_and_seed_reproducibility(iss: ElementSet) -> None:
    sensors = [Sensor(None, ("pv_itrs",))]
    a = simulate_measurements(iss, sensors, iss.epoch_utc, 600.0, 60.0, np.random.default_rng(5))
    b = simulate_measurements(iss, sensors, iss.epoch_utc, 600.0, 60.0, np.random.default_rng(5))
    assert len(a.measurements) == 11
    assert a.measurements == b.measurements
    assert all(m.station == "" and m.source == "simulated:gnss" for m in a.measurements)


def test_written_tdm_reads_back(iss: ElementSet) -> None:
    sensors = [Sensor(RADAR, ("az_el", "range", "range_rate")), Sensor(TELESCOPE, ("ra_dec",))]
    sim = simulate_measurements(iss, sensors, iss.epoch_utc, 2 * 86400.0, 30.0, np.random.default_rng(3))
    text = write_tdm_kvn(sim.measurements, object_name="1998-067A")
    back = read_tdm(text.encode(), "sim.tdm")
    assert not back.refusals
    key = lambda m: (m.time_utc, m.station, m.kind)  # noqa: E731
    assert [(key(m), m.values, m.sigmas) for m in sorted(back.records, key=key)] == [
        (key(m), m.values, m.sigmas) for m in sorted(sim.measurements, key=key)
    ]


def test_sensor_checks_its_kinds() -> None:
    with pytest.raises(ObservationError):
        Sensor(None, ("ra_dec",))
    with pytest.raises(ObservationError):
        Sensor(RADAR, ("range",), {"range": (1.0, 2.0)})
