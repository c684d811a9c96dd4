"""The headline figures of orbit determination (issue 5): closed loops on real sample satellites.

Truth: a bundled 2026-05-25 element set propagated by SGP4. Measurements: the simulator
(:mod:`orbitwatch.core.od.simulate`), Gaussian noise. Estimate: the growing-arc batch least squares of
:func:`orbitwatch.core.od.pipeline.solve_orbit` (numerical J2..J4, drag estimated on arcs over 12 h),
and SGP4 mean elements fitted to the same measurements (:func:`orbitwatch.core.od.pipeline.fit_tle_to`).
Figure: the distance between the predicted and the true position one day after the last measurement.

Run ``.venv/bin/pytest -m slow -s tests/core/od/test_od_figures.py`` to print the figures.
"""

from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest
from numpy.typing import NDArray

from orbitwatch.core.elements.formats import read_elements
from orbitwatch.core.elements.model import ElementSet
from orbitwatch.core.od.measurements import Measurement, Station
from orbitwatch.core.od.pipeline import fit_tle_to, solve_orbit, split_tracks
from orbitwatch.core.od.predict import gcrs_states_from_teme
from orbitwatch.core.od.simulate import Sensor, simulate_measurements
from orbitwatch.core.propagation.numerical import propagate_gcrs
from orbitwatch.core.propagation.states import TimeGrid

FloatArray = NDArray[np.float64]
SOCORRO = Station("socorro", 33.817, -106.659, 1.51)
MAUI = Station("maui", 20.708, -156.257, 3.058)
TEIDE = Station("teide", 28.30, -16.51, 2.39)
SIDING_SPRING = Station("siding-spring", -31.27, 149.07, 1.16)
TELESCOPES = (SOCORRO, MAUI, TEIDE, SIDING_SPRING)
RADAR = Station("radar", 35.8, 129.2, 0.1)


def sample(sample_dir: Path, norad_id: int) -> ElementSet:
    return next(
        e
        for path in sorted((sample_dir / "2026-05-25").glob("*.tle"))
        for e in read_elements(path.read_bytes(), path.name).records
        if e.norad_id == norad_id
    )


def truth_gcrs(element: ElementSet, when: object) -> FloatArray:
    grid = TimeGrid(when, np.zeros(1))  # type: ignore[arg-type]
    jd, fr = grid.julian_dates()
    codes, r, v = element.to_satrec().sgp4_array(jd, fr)
    assert not np.any(codes)
    rg, _ = gcrs_states_from_teme(np.asarray(r), np.asarray(v), [when])  # type: ignore[list-item]
    result: FloatArray = rg[0]
    return result


def day_later_errors_km(element: ElementSet, measurements: list[Measurement], stations: dict[str, Station]):  # type: ignore[no-untyped-def]
    """(batch error km, TLE-fit error km, batch 1-sigma km predicted by the covariance, the solution)."""
    determination = solve_orbit(measurements, stations)
    solution = determination.solution
    target = measurements[-1].time_utc + timedelta(days=1)
    dt = (target - solution.state.epoch_utc).total_seconds()
    state = solution.state
    predicted = propagate_gcrs(state.epoch_utc, state.r_array_km, state.v_array_km_s, [dt], solution.force,
                               stm=True)  # fmt: skip
    assert predicted.stm is not None
    p = predicted.stm[0] @ solution.covariance_gcrs @ predicted.stm[0].T
    truth = truth_gcrs(element, target)
    batch_error = float(np.linalg.norm(predicted.r_gcrs_km[0] - truth))
    fit = fit_tle_to(state, measurements, stations, bstar=determination.arc_s > 12 * 3600)
    grid = TimeGrid(target, np.zeros(1))
    jd, fr = grid.julian_dates()
    _, r_fit, v_fit = fit.elements.to_satrec().sgp4_array(jd, fr)
    fitted, _ = gcrs_states_from_teme(np.asarray(r_fit), np.asarray(v_fit), [target])
    tle_error = float(np.linalg.norm(fitted[0] - truth))
    return batch_error, tle_error, float(np.sqrt(np.trace(p[:3, :3]))), determination


@pytest.mark.slow
@pytest.mark.parametrize(("norad_id", "name"), [(27424, "AQUA"), (25994, "TERRA"), (28376, "AURA")])
def test_three_optical_tracks_over_two_nights_predict_a_day_ahead_within_1_km(
    sample_dir: Path, norad_id: int, name: str
) -> None:
    """Four telescopes (Socorro, Maui, Teide, Siding Spring), 1 arcsec, 10 s cadence, tracklets of at most
    30 points (5 min).
    The tracks: the first three tracklets of ten points or more, which fall on two nights."""
    element = sample(sample_dir, norad_id)
    sensors = [Sensor(s, ("ra_dec",), max_points_per_pass=30) for s in TELESCOPES]
    simulation = simulate_measurements(element, sensors, element.epoch_utc, 2.5 * 86400.0, 10.0,
                                       np.random.default_rng(1))  # fmt: skip
    tracks = [t for t in split_tracks(simulation.measurements) if len(t) >= 10]
    first = tracks[0][0].time_utc
    later = [t for t in tracks[1:] if 20 * 3600 < (t[0].time_utc - first).total_seconds() < 32 * 3600]
    chosen = [tracks[0], tracks[1], later[0]] if tracks[1] is not later[0] else [tracks[0], *later[:2]]
    hours = [(t[0].time_utc - first).total_seconds() / 3600 for t in chosen]
    assert 20.0 < hours[2] < 32.0  # two nights
    measurements = [m for track in chosen for m in track]
    stations = {s.name: s for s in TELESCOPES}
    batch_km, tle_km, sigma_km, determination = day_later_errors_km(element, measurements, stations)
    span_h = (measurements[-1].time_utc - first).total_seconds() / 3600
    print(
        f"\n{name} ({norad_id}) optical, 3 tracks / {len(measurements)} ra_dec over {span_h:.1f} h: "
        "1 day after "
        f"the last, batch (J2..J4 + drag) {batch_km * 1000:.0f} m (formal 1-sigma {sigma_km * 1000:.0f} m), "
        f"SGP4 element fit {tle_km * 1000:.0f} m; weighted RMS {determination.solution.weighted_rms:.2f}, "
        f"C_D A/m {determination.solution.ballistic_m2_kg:.4f} m^2/kg"
    )
    assert determination.solution.converged
    assert determination.tracks == 3
    assert batch_km < 1.0
    assert tle_km < 1.0


@pytest.mark.slow
@pytest.mark.parametrize(("norad_id", "name"), [(27424, "AQUA"), (25544, "ISS")])
def test_one_radar_pass_predicts_a_day_ahead_within_the_stated_bound(
    sample_dir: Path, norad_id: int, name: str
) -> None:
    """One pass over a radar in Korea: az/el 0.01 deg, range 10 m, range rate 1 cm/s, every 10 s above 10
    degrees, the highest pass of the first day. A pass of minutes fixes the period to a few parts in 1e5:
    the stated bound a day later is 50 km. The formal sigma leaves out the force-model error (SGP4's drag
    against no drag here: kilometres a day for the ISS), so the error is only checked to be within 5 formal
    sigmas plus 5 km."""
    element = sample(sample_dir, norad_id)
    sensor = Sensor(RADAR, ("az_el", "range", "range_rate"), min_elevation_deg=10.0)
    simulation = simulate_measurements(element, [sensor], element.epoch_utc, 86400.0, 10.0,
                                       np.random.default_rng(3))  # fmt: skip
    tracks = split_tracks(simulation.measurements)
    longest = max(tracks, key=lambda t: (t[-1].time_utc - t[0].time_utc).total_seconds())
    batch_km, tle_km, sigma_km, determination = day_later_errors_km(element, longest, {"radar": RADAR})
    minutes = (longest[-1].time_utc - longest[0].time_utc).total_seconds() / 60
    print(
        f"\n{name} ({norad_id}) radar, one {minutes:.1f}-min pass ({len(longest)} measurements): "
        f"1 day after, batch (J2..J4) {batch_km:.2f} km (formal 1-sigma {sigma_km:.2f} km), "
        f"SGP4 element fit {tle_km:.2f} km"
    )
    assert determination.solution.converged
    assert batch_km < 50.0
    assert batch_km < 5.0 * sigma_km + 5.0
    assert tle_km < 50.0
