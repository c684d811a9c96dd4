"""The imaging search evaluates window samples sparsely and a bounded number at a time, with the same answer.

``find_opportunities`` samples each candidate window every grid step / 50 but evaluates a sample only
where a Lipschitz bound cannot vouch for it (module docstring of :mod:`orbitwatch.core.events.imaging`),
chunk by chunk. Checked here on real satellites of the sample -- geostationary (one inclined 12 deg), a
Molniya orbit, low orbits -- over sites and a region: the answer equals that of evaluating every sample
(``COARSE_STRIDES = (1,)``, the search as it was before) whatever the chunk size; the bounds hold on every
sample; and a geostationary satellite over the Korean peninsula for a day (7 GB and 30 s when every sample
was held at once) stays under 500 MB. test_imaging.py checks the same search against Skyfield.
"""

import json
import subprocess
import sys
from dataclasses import astuple
from datetime import timedelta

import numpy as np
import pytest
from event_helpers import T0, Sat, by_name, itrs_states

from orbitwatch.core.events import imaging
from orbitwatch.core.events.detectors import SunTrack
from orbitwatch.core.events.imaging import Opportunity, SensorModel, find_opportunities
from orbitwatch.core.events.passes import plan_pass_grids, usable_satellites
from orbitwatch.core.propagation.states import StateGrid
from orbitwatch.core.targets import Region, Site

NAMES = (
    "FLTSATCOM 8 (USA 46)", "GEO-KOMPSAT-2A", "FENGYUN 2G", "ARKTIKA-M 1",
    "SENTINEL-2A", "KOMPSAT-3A", "ISS (ZARYA)",
)  # fmt: skip
SEOUL = Site("Seoul", 37.5665, 126.9780, 38.0)
SOHAE = Site("Sohae", 39.660, 124.705, 30.0)
PYONGYANG = Region(
    "Pyongyang box", ((((125.2, 38.6), (126.3, 38.6), (126.3, 39.5), (125.2, 39.5), (125.2, 38.6)),),)
)
START = T0 + timedelta(hours=8)  # the Sun sets in Korea inside the window
HOURS = 4.0
SENSORS = [
    SensorModel.optical(30.0, 10.0),
    SensorModel.sar(45.0),
    SensorModel(40.0, min_elevation_deg=20.0, min_sun_elevation_deg=-6.0, name="limits"),
]


@pytest.fixture(scope="module")
def grids(sample_sats: dict[str, list[Sat]]) -> list[StateGrid]:
    """The satellites' states on the grids the pass planner gives them (one grid per step)."""
    sats = by_name(sample_sats, *NAMES)
    plans = plan_pass_grids([s.element for s in sats], START, HOURS * 3600.0)
    return [itrs_states([sats[i] for i in plan.element_index], plan.grid) for plan in plans]


def search(grids: list[StateGrid], sensor: SensorModel, max_samples: int) -> list[Opportunity]:
    targets: list[Site | Region] = [SEOUL, SOHAE, PYONGYANG]
    found = [
        o
        for states in grids
        for o in find_opportunities(states, targets, sensor, max_samples=max_samples).opportunities
    ]
    return sorted(found, key=lambda o: (o.start_utc, o.norad_id, o.target))


def assert_same(got: list[Opportunity], want: list[Opportunity]) -> None:
    """The same windows, times within 1 ms and angles within 1e-9 deg."""
    assert len(got) == len(want)
    for a, b in zip(got, want, strict=True):
        assert (a.norad_id, a.target, a.start_clipped, a.end_clipped) == (
            b.norad_id, b.target, b.start_clipped, b.end_clipped,
        )  # fmt: skip
        for t_a, t_b in ((a.start_utc, b.start_utc), (a.best_utc, b.best_utc), (a.end_utc, b.end_utc)):
            assert abs((t_a - t_b).total_seconds()) <= 1e-3
        assert a.min_off_nadir_deg == pytest.approx(b.min_off_nadir_deg, abs=1e-9)
        assert a.ground_range_km == pytest.approx(b.ground_range_km, abs=1e-6)


@pytest.mark.slow
@pytest.mark.parametrize("sensor", SENSORS, ids=lambda s: s.name)
def test_sparse_chunked_sampling_gives_the_answer_of_every_sample(
    grids: list[StateGrid], sensor: SensorModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    sparse = search(grids, sensor, imaging.SAMPLES_PER_CHUNK)
    small_chunks = search(grids, sensor, 5_000)
    with monkeypatch.context() as patch:
        patch.setattr(imaging, "COARSE_STRIDES", (1,))
        dense = search(grids, sensor, 10**9)
    assert {o.norad_id for o in dense} >= {20253, 43823, 47719}  # GEO and Molniya windows are compared
    assert any(o.end_utc - o.start_utc > timedelta(hours=1) for o in dense)
    assert_same(sparse, dense)
    assert [astuple(o) for o in small_chunks] == [astuple(o) for o in sparse]


@pytest.mark.parametrize("sensor", SENSORS[:2], ids=lambda s: s.name)
def test_the_rate_bounds_hold_on_every_sample(grids: list[StateGrid], sensor: SensorModel) -> None:
    """|g(t') - g(t)| <= L |t' - t| between consecutive samples of every window, for the condition and the
    off-nadir angle: the bounds that let the search skip samples."""
    checked = 0
    for states in grids:
        rows, _ = usable_satellites(states)
        offsets = states.times.offsets_s
        sun = SunTrack.over(states.times.t0_utc, float(offsets[0]), float(offsets[-1]))
        targets = imaging._Targets.of([SEOUL, SOHAE, PYONGYANG], imaging.BOUNDARY_SPACING_KM)
        field = imaging._Field.of(states, rows, targets, sensor, sun)
        plan = imaging._Plan.of(field.screen(targets.points.unit_itrs, field.field_of_regard), offsets)
        rate_g, rate_on = field.rates(plan)
        index, window = imaging.expand_ranges(np.zeros(plan.count.size, dtype=np.int64), plan.count - 1)
        every = field.evaluate(plan, window, index)
        same = window[1:] == window[:-1]
        dt = np.diff(every.t_s)[same]
        for values, rate in ((every.g_deg, rate_g), (every.off_nadir_deg, rate_on)):
            change = np.abs(np.diff(values))[same]
            assert np.all(change <= rate[window[:-1][same]] * dt + 1e-6)
        checked += int(same.sum())
    assert checked > 100_000


SCRIPT = """
import json, resource, sys, time, tracemalloc
from pathlib import Path
from orbitwatch.core.elements.tle import read_tle
from orbitwatch.core.events.imaging import SensorModel
from orbitwatch.io.gazetteer import load_region
from orbitwatch.services.overflights import TimeWindow, search_opportunities

text = Path(sys.argv[1]).read_text()
[element] = [e for e in read_tle(text, "geo.tle").records if e.norad_id == 20253]
region = load_region("korean-peninsula")
window = TimeWindow(element.epoch_utc, 86400.0)
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
tracemalloc.start()
clock = time.perf_counter()
report = search_opportunities([element], [region], SensorModel.optical(30.0, 10.0), window, engine="sgp4")
seconds = time.perf_counter() - clock
_, peak = tracemalloc.get_traced_memory()
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"peak_bytes": peak, "rss_growth_kib": after - before, "seconds": seconds,
                  "found": len(report.opportunities)}))
"""


def test_a_geostationary_satellite_over_a_region_for_a_day_stays_small(sample_dir) -> None:  # type: ignore[no-untyped-def]
    """FLTSATCOM 8 sees the whole Korean peninsula (2,077 boundary points) all day: each point's window is a
    day long (7,200 samples). Measured in a fresh process: the search's peak of traced allocations (NumPy's
    included) and the growth of its resident set."""
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(sample_dir / "2026-05-24" / "geo.tle")],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    measured = json.loads(done.stdout.splitlines()[-1])
    assert measured["found"] >= 1
    assert measured["peak_bytes"] < 500 * 1024**2, measured
    assert measured["rss_growth_kib"] < 500 * 1024, measured
