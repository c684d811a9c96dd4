"""Chunked propagation: bounded reused buffers, and results identical to one unchunked run."""

import os
import subprocess
import sys

import numpy as np
import pytest

from orbitwatch.core.frames.rotations import earth_rotation, teme_to_itrs
from orbitwatch.core.propagation.engine import iter_states, propagate
from orbitwatch.core.propagation.states import TimeGrid

ENGINES = ["sgp4", "astroz"]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("max_states", [1, 37, 5000, 10**9])
def test_chunks_reassemble_exactly_to_the_unchunked_result(
    engine: str, max_states: int, sample_days: list
) -> None:
    day = sample_days[1]
    elements = day.elements[::7] if max_states > 1 else day.elements[::97]
    grid = TimeGrid(day.midnight_utc, np.arange(-3600.0, 7200.0, 120.0))
    whole = propagate(elements, grid, engine=engine, with_teme=True, max_states=10**9).states
    r_itrs = np.full_like(whole.r_itrs_km, np.inf)
    v_teme = np.full_like(whole.v_teme_km_s, np.inf)
    code = np.full_like(whole.error_code, -1)
    seen_buffers = set()
    for chunk in iter_states(elements, grid, engine=engine, with_teme=True, max_states=max_states):
        states = chunk.states
        assert states.error_code.size <= max(max_states, 1)
        assert np.array_equal(states.times.offsets_s, grid.offsets_s[chunk.times])
        assert np.array_equal(states.norad_ids, [elements[i].norad_id for i in chunk.element_index])
        rows = chunk.element_index
        r_itrs[rows, chunk.times] = states.r_itrs_km
        v_teme[rows, chunk.times] = states.v_teme_km_s
        code[rows, chunk.times] = states.error_code
        seen_buffers.add(states.r_itrs_km.__array_interface__["data"][0])
    assert np.array_equal(r_itrs, whole.r_itrs_km)
    assert np.array_equal(v_teme, whole.v_teme_km_s)
    assert np.array_equal(code, whole.error_code)
    assert len(seen_buffers) == 1  # every chunk was written into the same buffer
    chunked = propagate(elements, grid, engine=engine, max_states=max_states).states
    assert np.array_equal(chunked.r_itrs_km, whole.r_itrs_km)
    assert np.array_equal(chunked.v_itrs_km_s, whole.v_itrs_km_s)


def test_progress_reports_every_chunk(sample_days: list) -> None:
    day = sample_days[0]
    grid = TimeGrid(day.midnight_utc, np.arange(0.0, 3600.0, 60.0))
    calls: list[tuple[int, int]] = []
    propagate(
        day.elements[:100], grid, max_states=1000, progress=lambda done, total: calls.append((done, total))
    )
    assert calls[-1] == (6000, 6000)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)
    assert len(calls) > 5


def test_polar_motion_can_be_left_out(sample_days: list) -> None:
    day = sample_days[0]
    grid = TimeGrid(day.midnight_utc, np.arange(0.0, 3600.0, 300.0))
    pef = propagate(day.elements[:50], grid, polar_motion=False, with_teme=True).states
    assert pef.r_teme_km is not None
    assert pef.v_teme_km_s is not None
    expected, _ = teme_to_itrs(pef.r_teme_km, pef.v_teme_km_s, earth_rotation(grid, polar_motion=False))
    assert np.array_equal(pef.r_itrs_km, expected)
    itrs = propagate(day.elements[:50], grid).states
    shift_m = np.linalg.norm(itrs.r_itrs_km - pef.r_itrs_km, axis=-1) * 1000.0
    assert 1.0 < np.max(shift_m) < 100.0  # polar motion: a few metres at LEO, tens at GEO


_THREADS_SCRIPT = """
import hashlib, sys
from datetime import datetime, UTC
from pathlib import Path
import numpy as np
from orbitwatch.core.elements.tle import read_tle
from orbitwatch.core.propagation.engine import propagate
from orbitwatch.core.propagation.states import TimeGrid
elements = []
for path in sorted(Path(sys.argv[1]).glob("*.tle")):
    elements.extend(read_tle(path.read_text(encoding="utf-8"), path.name).records)
grid = TimeGrid(datetime(2026, 5, 24, tzinfo=UTC), np.arange(0.0, 2 * 86400.0, 900.0))
states = propagate(elements, grid, engine="astroz").states
print(hashlib.sha256(states.r_itrs_km.tobytes() + states.v_itrs_km_s.tobytes()).hexdigest())
"""


def test_astroz_results_do_not_depend_on_the_thread_count(sample_dir) -> None:
    """ASTROZ_THREADS is read once per process, so each thread count runs in its own process."""
    digests = set()
    for threads in ("1", "2"):
        run = subprocess.run(
            [sys.executable, "-c", _THREADS_SCRIPT, str(sample_dir / "2026-05-24")],
            env={**os.environ, "ASTROZ_THREADS": threads},
            capture_output=True,
            text=True,
            check=True,
        )
        digests.add(run.stdout.strip())
    assert len(digests) == 1
