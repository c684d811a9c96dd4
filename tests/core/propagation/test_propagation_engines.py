"""Every engine against python-sgp4's own TLE reader (Satrec.twoline2rv) on the whole bundled sample.

The reference is independent of orbitwatch's element model: each object's two original lines go
through ``Satrec.twoline2rv`` and ``SatrecArray``; orbitwatch propagates the ElementSet it read.
Positions must agree within 1 m near-Earth and 5 m deep-space (TEME), error codes exactly, and the
ITRS states must be the reference rotated by :func:`teme_to_itrs`.
"""

import numpy as np
import pytest
from sgp4.api import Satrec, SatrecArray

from orbitwatch.core.frames.rotations import earth_rotation, teme_to_itrs
from orbitwatch.core.propagation.engine import propagate
from orbitwatch.core.propagation.states import TimeGrid

OFFSETS_S = np.linspace(-86400.0, 86400.0, 25) + 317.25  # +-1 day around each day's midnight
NEAR_EARTH_KM = 1e-3
DEEP_SPACE_KM = 5e-3


def _reference(day, grid: TimeGrid) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    satrecs = [Satrec.twoline2rv(line1, line2) for line1, line2 in day.lines]
    jd, fraction = grid.julian_dates()
    return SatrecArray(satrecs).sgp4(jd, fraction)


@pytest.mark.parametrize("engine", ["sgp4", "astroz"])
def test_engine_matches_twoline2rv_on_every_sample_object(engine: str, sample_days: list) -> None:
    for day in sample_days:
        grid = TimeGrid(day.midnight_utc, OFFSETS_S)
        code_ref, r_ref, v_ref = _reference(day, grid)
        result = propagate(day.elements, grid, engine=engine, with_teme=True)
        states = result.states
        assert result.rejected == ()
        assert np.array_equal(result.element_index, np.arange(len(day.elements)))
        assert np.array_equal(states.error_code, code_ref.astype(np.int8)), day.day
        deep = np.array([e.is_deep_space for e in day.elements])
        assert deep.sum() > 100
        assert (~deep).sum() > 100
        ok = code_ref == 0
        error_km = np.linalg.norm(states.r_teme_km - r_ref, axis=-1)
        assert np.max(error_km[ok & ~deep[:, None]]) < NEAR_EARTH_KM, day.day
        assert np.max(error_km[ok & deep[:, None]]) < DEEP_SPACE_KM, day.day
        assert np.max(np.abs(states.v_teme_km_s - v_ref)[ok]) < 1e-5, day.day
        r_itrs, v_itrs = teme_to_itrs(r_ref, v_ref, earth_rotation(grid))
        assert np.max(np.linalg.norm(states.r_itrs_km - r_itrs, axis=-1)[ok]) < DEEP_SPACE_KM
        assert np.max(np.abs(states.v_itrs_km_s - v_itrs)[ok]) < 1e-5
        assert np.array_equal(states.norad_ids, [e.norad_id for e in day.elements])


def test_auto_engine_is_the_default_engine(sample_days: list) -> None:
    day = sample_days[0]
    grid = TimeGrid(day.midnight_utc, OFFSETS_S)
    auto = propagate(day.elements[:200], grid).states
    astroz = propagate(day.elements[:200], grid, engine="astroz").states
    assert np.array_equal(auto.r_itrs_km, astroz.r_itrs_km)
