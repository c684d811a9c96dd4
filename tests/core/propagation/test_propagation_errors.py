"""SGP4 failures are codes per satellite and instant, never NaN without a code and never an exception.

The reference for every code is python-sgp4 (``Satrec.sgp4init`` with the same element values); the
crafted element sets are real sample objects with one field changed so that SGP4 fails.
"""

import dataclasses

import numpy as np
import pytest
from sgp4.api import SatrecArray

from orbitwatch.core.elements.model import ElementSet
from orbitwatch.core.propagation import engine as engine_module
from orbitwatch.core.propagation.engine import XP_REFUSAL, Rejected, iter_states, propagate
from orbitwatch.core.propagation.states import DIVERGED, ERROR_MESSAGES, TimeGrid
from orbitwatch.errors import PropagationError

ENGINES = ["sgp4", "astroz"]


def _by_name(sample_days: list, name: str) -> ElementSet:
    return next(e for e in sample_days[0].elements if e.name == name)


def _python_sgp4_codes(elements: list[ElementSet], grid: TimeGrid) -> np.ndarray:
    jd, fraction = grid.julian_dates()
    codes, _, _ = SatrecArray([e.to_satrec() for e in elements]).sgp4(jd, fraction)
    return codes.astype(np.int8)


@pytest.mark.parametrize("engine", ENGINES)
def test_decaying_satellite_gets_sgp4_codes_and_others_are_unaffected(engine: str, sample_days: list) -> None:
    iss = _by_name(sample_days, "ISS (ZARYA)")
    geo = _by_name(sample_days, "GOES 18")
    decaying = dataclasses.replace(iss, norad_id=99001, name="DECAYING", bstar_per_earth_radius=0.02)
    grid = TimeGrid(sample_days[0].midnight_utc, np.arange(0.0, 20 * 86400.0, 1800.0))
    states = propagate([iss, decaying, geo], grid, engine=engine).states
    expected = _python_sgp4_codes([iss, decaying, geo], grid)
    assert np.array_equal(states.error_code, expected)
    assert set(np.unique(states.error_code[1])) >= {0, 6}  # valid first, then decayed
    assert not states.error_code[[0, 2]].any()
    failed = states.error_code != 0
    assert np.all(np.isnan(states.r_itrs_km[failed]))
    assert np.all(np.isnan(states.v_itrs_km_s[failed]))
    assert np.all(np.isfinite(states.r_itrs_km[~failed]))
    alone = propagate([iss, geo], grid, engine=engine).states
    assert np.array_equal(alone.r_itrs_km, states.r_itrs_km[[0, 2]])


@pytest.mark.parametrize("engine", ENGINES)
def test_elements_sgp4init_rejects_carry_its_code_at_every_instant(engine: str, sample_days: list) -> None:
    iss = _by_name(sample_days, "ISS (ZARYA)")
    hyperbolic_perigee = dataclasses.replace(iss, norad_id=99002, eccentricity=0.99)
    assert hyperbolic_perigee.to_satrec().error == 4
    grid = TimeGrid(sample_days[0].midnight_utc, np.arange(0.0, 5 * 86400.0, 3600.0))
    states = propagate([hyperbolic_perigee, iss], grid, engine=engine).states
    assert np.all(states.error_code[0] == 4)  # python-sgp4 itself returns 0 at some of these instants
    assert np.all(np.isnan(states.r_itrs_km[0]))
    assert not states.error_code[1].any()


def test_astroz_engine_reproduces_python_sgp4_on_a_decaying_catalog(sample_days: list) -> None:
    """Every near-Earth object of a day with its B* raised so that most decay within 20 days.

    astroz 0.17 returns NaN without codes and some finite states after a decay; the engine must route
    all such satellites to python-sgp4, also when the window is cut into time chunks and when it
    starts long after the decay.
    """
    rng = np.random.default_rng(7)
    near = [e for e in sample_days[0].elements if not e.is_deep_space]
    bstars = rng.choice([0.0, 0.002, 0.01, 0.05, 0.2, 1.0], size=len(near))
    catalog = [
        dataclasses.replace(e, bstar_per_earth_radius=float(b)) for e, b in zip(near, bstars, strict=True)
    ]
    for start_days, max_states in ((0.0, 1_000_000), (0.0, 200), (15.0, 1_000_000)):
        offsets_s = (start_days + np.linspace(0.0, 20.0, 481)) * 86400.0
        grid = TimeGrid(sample_days[0].midnight_utc, offsets_s)
        reference = propagate(catalog, grid, engine="sgp4").states
        fast = propagate(catalog, grid, engine="astroz", max_states=max_states).states
        assert np.count_nonzero(reference.error_code) > 10_000
        assert np.array_equal(fast.error_code, reference.error_code), (start_days, max_states)
        ok = reference.error_code == 0
        assert np.max(np.linalg.norm(fast.r_itrs_km - reference.r_itrs_km, axis=-1)[ok]) < 1e-3


@pytest.mark.parametrize("engine", ENGINES)
def test_diverged_states_get_code_7(engine: str, sample_days: list, monkeypatch: pytest.MonkeyPatch) -> None:
    iss = _by_name(sample_days, "ISS (ZARYA)")
    grid = TimeGrid(sample_days[0].midnight_utc, np.arange(0.0, 6000.0, 60.0))
    assert not propagate([iss], grid, engine=engine).states.error_code.any()
    # With a bound below the orbit every state SGP4 returns is beyond it.
    monkeypatch.setattr(engine_module, "DIVERGED_APOGEE_FACTOR", 0.99)
    states = propagate([iss], grid, engine=engine).states
    assert np.all(states.error_code == DIVERGED)
    assert np.all(np.isnan(states.r_itrs_km))
    assert ERROR_MESSAGES[DIVERGED].startswith("diverged")


def test_no_real_sample_object_is_flagged_diverged(sample_days: list) -> None:
    for day in sample_days:
        grid = TimeGrid(day.midnight_utc, np.linspace(-3 * 86400.0, 3 * 86400.0, 61))
        assert not np.any(propagate(day.elements, grid).states.error_code == DIVERGED)


@pytest.mark.parametrize("engine", ENGINES)
def test_sgp4_xp_elements_are_refused_with_a_reason(engine: str, sample_days: list) -> None:
    iss = _by_name(sample_days, "ISS (ZARYA)")
    geo = _by_name(sample_days, "GOES 18")
    xp = dataclasses.replace(iss, norad_id=99003, name="XP OBJECT", ephemeris_type=4)
    grid = TimeGrid(sample_days[0].midnight_utc, np.array([0.0, 60.0]))
    result = propagate([iss, xp, geo], grid, engine=engine)
    assert result.rejected == (Rejected(99003, "XP OBJECT", XP_REFUSAL),)
    assert np.array_equal(result.element_index, [0, 2])
    assert list(result.states.norad_ids) == [iss.norad_id, geo.norad_id]
    assert [chunk.element_index.tolist() for chunk in iter_states([iss, xp, geo], grid, engine=engine)] == [
        [0, 2]
    ]


@pytest.mark.parametrize("engine", ENGINES)
def test_catalog_numbers_beyond_alpha5_propagate(engine: str, sample_days: list) -> None:
    iss = _by_name(sample_days, "ISS (ZARYA)")
    big = dataclasses.replace(iss, norad_id=400_000_123)
    grid = TimeGrid(sample_days[0].midnight_utc, np.arange(0.0, 86400.0, 600.0))
    states = propagate([iss, big], grid, engine=engine).states
    assert states.norad_ids.tolist() == [iss.norad_id, 400_000_123]
    assert np.array_equal(states.r_itrs_km[0], states.r_itrs_km[1])


def test_bad_arguments_raise_propagation_error(sample_days: list) -> None:
    grid = TimeGrid(sample_days[0].midnight_utc, np.array([0.0]))
    with pytest.raises(PropagationError, match="engine 'fast' is not one of auto, sgp4, astroz"):
        propagate(sample_days[0].elements[:1], grid, engine="fast")
    with pytest.raises(PropagationError, match="max_states must be at least 1"):
        propagate(sample_days[0].elements[:1], grid, max_states=0)


def test_empty_catalog_gives_empty_states(sample_days: list) -> None:
    grid = TimeGrid(sample_days[0].midnight_utc, np.arange(0.0, 600.0, 60.0))
    states = propagate([], grid).states
    assert states.r_itrs_km.shape == (0, 10, 3)
    assert states.error_code.shape == (0, 10)
