"""Correlation against the real 2026-05-25 sample (~900 objects): a simulated track of a real satellite
(truth: its *next day's* element set, so the catalog's own prediction error is in the test) ranks that
satellite first and passes the gate; a track of an object that is not in the catalog is "uncorrelated"."""

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest

from orbitwatch.core.elements.formats import read_elements
from orbitwatch.core.elements.model import ElementSet
from orbitwatch.core.od.correlate import (
    CatalogErrorModel,
    correlate_orbit,
    correlate_track,
)
from orbitwatch.core.od.measurements import Measurement, Station
from orbitwatch.core.od.predict import gcrs_states_from_teme
from orbitwatch.core.od.simulate import Sensor, simulate_measurements
from orbitwatch.core.od.state import OrbitState
from orbitwatch.core.propagation.states import TimeGrid
from orbitwatch.errors import ObservationError

AQUA = 27424
RADAR = Station("radar", 35.8, 129.2, 0.1)
TELESCOPE = Station("telescope", 33.817, -106.659, 1.51)


def day(sample_dir: Path, date: str) -> list[ElementSet]:
    return [
        e
        for path in sorted((sample_dir / date).glob("*.tle"))
        for e in read_elements(path.read_bytes(), path.name).records
    ]


@pytest.fixture(scope="module")
def catalog(sample_dir: Path) -> list[ElementSet]:
    return day(sample_dir, "2026-05-25")


@pytest.fixture(scope="module")
def truth(sample_dir: Path) -> ElementSet:
    """AQUA's element set of the next day: the 'real' orbit the catalog (a day older) must recognise."""
    return next(e for e in day(sample_dir, "2026-05-26") if e.norad_id == AQUA)


def first_track(element: ElementSet, sensor: Sensor, seed: int = 1) -> list[Measurement]:
    sim = simulate_measurements(
        element, [sensor], element.epoch_utc, 86400.0, 10.0, np.random.default_rng(seed)
    )
    track = [sim.measurements[0]]
    for m in sim.measurements[1:]:
        if (m.time_utc - track[-1].time_utc).total_seconds() > 60.0:
            break
        track.append(m)
    return track


def test_radar_track_ranks_the_satellite_first(catalog: list[ElementSet], truth: ElementSet) -> None:
    track = first_track(truth, Sensor(RADAR, ("az_el", "range"), max_points_per_pass=20))
    assert len(catalog) > 850
    result = correlate_track(track, [RADAR], catalog)
    assert result.considered + len(result.skipped) == len(catalog)
    assert result.verdict == "correlated"
    assert result.best is not None
    assert result.best.norad_id == AQUA
    assert result.candidates[0].p_value > 1e-3
    assert not result.candidates[1].passes_gate
    assert result.candidates[1].distance_sq > 100 * result.gate.threshold
    assert result.gate.degrees_of_freedom == sum(2 if m.kind == "az_el" else 1 for m in track)
    assert result.gate.probability == 0.999
    # the catalog set is ~1 day older than the truth: the explained offset is km-level, mostly along-track
    assert 0.01 < result.candidates[0].position_offset_km < 10.0
    assert result.candidates[0].angular_rms_deg is not None
    assert result.candidates[0].angular_rms_deg < 0.5


def test_optical_track_ranks_the_satellite_first(catalog: list[ElementSet], truth: ElementSet) -> None:
    track = first_track(truth, Sensor(TELESCOPE, ("ra_dec",), max_points_per_pass=20))
    assert all(m.kind == "ra_dec" for m in track)
    result = correlate_track(track, [TELESCOPE], catalog)
    assert result.best is not None
    assert result.best.norad_id == AQUA
    assert result.gate.degrees_of_freedom == 2 * len(track)
    assert sum(c.passes_gate for c in result.candidates) == 1


def test_an_object_not_in_the_catalog_is_uncorrelated(catalog: list[ElementSet], truth: ElementSet) -> None:
    """The same orbit turned 1 degree in node and 3 degrees along the track: a neighbour that the catalog
    does not hold (tens to hundreds of km from AQUA)."""
    stranger = replace(truth, norad_id=900001, raan_deg=truth.raan_deg + 1.0,
                       mean_anomaly_deg=(truth.mean_anomaly_deg + 3.0) % 360.0)  # fmt: skip
    for sensor, station in [
        (Sensor(RADAR, ("az_el", "range"), max_points_per_pass=20), RADAR),
        (Sensor(TELESCOPE, ("ra_dec",), max_points_per_pass=20), TELESCOPE),
    ]:
        result = correlate_track(first_track(stranger, sensor), [station], catalog)
        assert result.verdict == "uncorrelated"
        assert result.best is None
        assert result.candidates
        assert not any(c.passes_gate for c in result.candidates)
        assert "chi-square" in result.gate.describe()


def _sgp4_gcrs(element: ElementSet, when: object) -> tuple[np.ndarray, np.ndarray]:
    grid = TimeGrid(when, np.zeros(1))  # type: ignore[arg-type]
    jd, fr = grid.julian_dates()
    _, r, v = element.to_satrec().sgp4_array(jd, fr)
    rg, vg = gcrs_states_from_teme(np.asarray(r), np.asarray(v), [when])  # type: ignore[list-item]
    return rg[0], vg[0]


def test_a_solved_orbit_correlates(catalog: list[ElementSet], truth: ElementSet) -> None:
    when = truth.epoch_utc + timedelta(hours=2)
    r, v = _sgp4_gcrs(truth, when)
    covariance = np.diag([0.05**2] * 3 + [5e-5**2] * 3)
    result = correlate_orbit(OrbitState.from_arrays(when, "gcrs", r, v), covariance, catalog)
    assert result.best is not None
    assert result.best.norad_id == AQUA
    assert result.gate.degrees_of_freedom == 6
    moved = OrbitState.from_arrays(when, "gcrs", r + 60.0 * v / np.linalg.norm(v), v)  # 60 km along track
    assert correlate_orbit(moved, covariance, catalog).verdict == "uncorrelated"
    lenient = CatalogErrorModel(along_track_epoch_km=60.0)
    assert correlate_orbit(moved, covariance, catalog, error_model=lenient).verdict == "correlated"


def test_refusals(catalog: list[ElementSet], truth: ElementSet) -> None:
    track = first_track(truth, Sensor(RADAR, ("az_el", "range"), max_points_per_pass=5))
    with pytest.raises(ObservationError, match="no measurements"):
        correlate_track([], [RADAR], catalog)
    with pytest.raises(ObservationError, match="catalog is empty"):
        correlate_track(track, [RADAR], [])
    with pytest.raises(ObservationError, match="probability"):
        correlate_track(track, [RADAR], catalog, probability=1.0)
    with pytest.raises(ObservationError, match="positive"):
        CatalogErrorModel(radial_km=0.0)
    state = OrbitState.from_arrays(truth.epoch_utc, "teme", np.ones(3) * 5000, np.ones(3))
    with pytest.raises(ObservationError, match="GCRS"):
        correlate_orbit(state, np.eye(6), catalog)
