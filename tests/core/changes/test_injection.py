"""The manoeuvre injector: Gauss's equations, SGP4-consistent synthetic histories, re-fits, matching."""

import math
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest

from orbitwatch.core.changes.element_noise import brouwer_a_km
from orbitwatch.core.changes.injection import (
    InjectedManoeuvre,
    add_refits,
    campaign_burns,
    inject,
    kozai_mean_motion_rev_per_day,
    learn_noise_pool,
    match,
    synthetic_history,
)
from orbitwatch.core.changes.manoeuvres import Manoeuvre
from orbitwatch.core.constants import MINUTES_PER_DAY, TWO_PI, WGS72_MU_KM3_S2
from orbitwatch.core.elements.formats import read_elements
from orbitwatch.core.elements.model import ElementSet

SAMPLE = Path(__file__).resolve().parents[3] / "src/orbitwatch/io/bundled/sample"


def _seed() -> ElementSet:
    records = read_elements((SAMPLE / "2026-05-24/resource.tle").read_bytes(), "resource.tle").records
    return next(s for s in records if s.eccentricity < 0.01 and 14.0 < s.mean_motion_rev_per_day < 15.5)


def _history(days: int = 6) -> list[ElementSet]:
    seed = _seed()
    return synthetic_history(
        seed, [seed.epoch_utc + timedelta(days=k) for k in range(days)], None, np.random.default_rng(0)
    )


def test_synthetic_history_matches_python_sgp4_propagation_of_the_seed() -> None:
    seed = _seed()
    history = _history()
    satrec = seed.to_satrec()
    for s in history[1:]:
        minutes = (s.epoch_utc - seed.epoch_utc).total_seconds() / 60.0
        _, r_seed, _ = satrec.sgp4_tsince(minutes)
        _, r_set, _ = s.to_satrec().sgp4_tsince(0.0)
        assert math.dist(r_seed, r_set) < 0.5  # km: the mean elements at t re-initialised reproduce SGP4


def test_kozai_inversion_round_trips_through_sgp4_initl() -> None:
    seed = _seed()
    satrec = seed.to_satrec()
    satrec.sgp4_tsince(0.0)  # sets the mean elements at epoch: nm is the Brouwer (un-Kozai) mean motion
    n = kozai_mean_motion_rev_per_day(satrec.nm, seed.eccentricity, seed.inclination_deg)
    assert n == pytest.approx(seed.mean_motion_rev_per_day, rel=1e-12)


def test_along_track_burn_raises_a_by_vis_viva_and_later_sets_carry_it() -> None:
    history = _history()
    when = history[2].epoch_utc + timedelta(hours=7)
    out = inject(history, InjectedManoeuvre(history[0].norad_id, when, dv_along_mps=1.0))
    a_km = history[2].semi_major_axis_km
    v_mps = 1000.0 * math.sqrt(WGS72_MU_KM3_S2 / a_km)
    expected_km = 2.0 * a_km * 1.0 / v_mps
    assert out[:3] == history[:3]
    for before, after in zip(history[3:], out[3:], strict=True):
        assert after.semi_major_axis_km - before.semi_major_axis_km == pytest.approx(expected_km, rel=2e-3)
        assert after.inclination_deg == pytest.approx(before.inclination_deg, abs=1e-12)


def test_normal_burn_tilts_the_plane_by_dv_over_v() -> None:
    history = _history()
    when = history[1].epoch_utc + timedelta(hours=5)
    out = inject(history, InjectedManoeuvre(history[0].norad_id, when, dv_normal_mps=2.0))
    before, after = history[2], out[2]
    i1, i2 = math.radians(before.inclination_deg), math.radians(after.inclination_deg)
    d_node = math.radians(after.raan_deg - before.raan_deg)
    angle = math.acos(math.cos(i1) * math.cos(i2) + math.sin(i1) * math.sin(i2) * math.cos(d_node))
    v_mps = 1000.0 * math.sqrt(WGS72_MU_KM3_S2 / before.semi_major_axis_km)
    assert angle == pytest.approx(2.0 / v_mps, rel=1e-2)  # plus the differential J2 precession since
    assert after.mean_motion_rev_per_day == pytest.approx(before.mean_motion_rev_per_day, rel=1e-12)


def test_campaign_burns_add_up_to_the_requested_rate() -> None:
    seed = _seed()
    burns = campaign_burns(seed.norad_id, seed.epoch_utc, 5.0, 4.0, seed.semi_major_axis_km)
    assert len(burns) == 20
    assert len({b.campaign for b in burns}) == 1
    v_mps = 1000.0 * math.sqrt(WGS72_MU_KM3_S2 / seed.semi_major_axis_km)
    total_km = sum(2.0 * seed.semi_major_axis_km * b.dv_along_mps / v_mps for b in burns)
    assert total_km == pytest.approx(20.0)


def test_refits_sit_within_minutes_of_their_set() -> None:
    history = _history(20)
    out = add_refits(history, np.random.default_rng(3), fraction=0.5)
    extra = out[len(history) :]
    assert extra
    for refit in extra:
        nearest = min(history, key=lambda s: abs((s.epoch_utc - refit.epoch_utc).total_seconds()))
        assert 0.0 <= (refit.epoch_utc - nearest.epoch_utc).total_seconds() <= 300.0


def test_noise_pool_learns_scales_from_real_histories() -> None:
    histories: dict[int, list[ElementSet]] = {}
    for day in sorted(SAMPLE.glob("2026-05-2*")):
        for s in read_elements((day / "weather.tle").read_bytes(), "weather.tle").records:
            histories.setdefault(s.norad_id, []).append(s)
    pool = learn_noise_pool(histories.values())
    assert pool.n_objects > 30
    assert pool.z_rows.shape[1] == 5
    assert np.all(np.abs(pool.z_rows) <= 8.0)
    assert np.all(pool.scales > 0.0)


def test_match_pairs_a_bracketing_detection_and_counts_the_rest_as_false_alarms() -> None:
    history = _history()
    burn = InjectedManoeuvre(history[0].norad_id, history[2].epoch_utc + timedelta(hours=3), dv_along_mps=0.5)

    def found(k: int) -> Manoeuvre:
        return Manoeuvre(
            history[0].norad_id, history[k].epoch_utc, history[k + 1].epoch_utc, history[k].epoch_utc,
            "in_plane", 0.0, 0.0, 0.0, 0.0, 0.5, 0.9, {},
        )  # fmt: skip

    matches, extra = match([burn], [found(0), found(2)])
    assert matches[0].found == found(2)
    assert extra == [found(0)]


def test_brouwer_a_matches_the_element_set_property() -> None:
    seed = _seed()
    a = brouwer_a_km(
        np.array([seed.mean_motion_rev_per_day]),
        np.array([seed.eccentricity]),
        np.array([seed.inclination_deg]),
    )
    assert float(a[0]) == pytest.approx(seed.semi_major_axis_km, rel=1e-12)
    assert seed.mean_motion_rev_per_day * TWO_PI / MINUTES_PER_DAY > 0.0
