"""Manoeuvre detection: errors, re-fits, formulas, floors on injected manoeuvres in real-noise histories."""

import collections
import dataclasses
import math
from datetime import timedelta
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from orbitwatch.core.changes.element_noise import learn_noise, learn_noise_prior
from orbitwatch.core.changes.injection import (
    InjectedManoeuvre,
    NoisePool,
    add_refits,
    campaign_burns,
    inject,
    learn_noise_pool,
    match,
    synthetic_history,
)
from orbitwatch.core.changes.manoeuvres import (
    detect_manoeuvres,
    estimate_burn_time,
    in_plane_delta_v_mps,
    plane_change_delta_v_mps,
)
from orbitwatch.core.constants import WGS72_MU_KM3_S2
from orbitwatch.core.elements.formats import read_elements
from orbitwatch.core.elements.model import ElementSet
from orbitwatch.errors import ElementsError

SAMPLE = Path(__file__).resolve().parents[3] / "src/orbitwatch/io/bundled/sample"


@cache
def _sample() -> tuple[dict[int, list[ElementSet]], dict[int, str]]:
    histories: dict[int, list[ElementSet]] = collections.defaultdict(list)
    groups: dict[int, str] = {}
    for path in sorted(SAMPLE.glob("2026-05-2*/*.tle")):
        for s in read_elements(path.read_bytes(), path.name).records:
            histories[s.norad_id].append(s)
            groups[s.norad_id] = path.stem
    return dict(histories), groups


@cache
def _pools() -> dict[str, NoisePool]:
    histories, groups = _sample()
    by_group: dict[str, list[list[ElementSet]]] = collections.defaultdict(list)
    for k, h in histories.items():
        by_group[groups[k]].append(h)
    return {g: learn_noise_pool(hs) for g, hs in by_group.items()}


def _leo_seed() -> ElementSet:
    histories, groups = _sample()
    return next(
        h[0]
        for k, h in histories.items()
        if groups[k] == "resource" and h[0].eccentricity < 0.01 and 14.5 < h[0].mean_motion_rev_per_day < 15.3
    )


def _clean(days: int = 10, per_day: int = 2) -> list[ElementSet]:
    seed = _leo_seed()
    epochs = [seed.epoch_utc + timedelta(days=k / per_day) for k in range(days * per_day)]
    return synthetic_history(seed, epochs, None, np.random.default_rng(0))


def test_a_single_element_set_cannot_be_analysed() -> None:
    seed = _leo_seed()
    with pytest.raises(
        ElementsError, match=rf"NORAD {seed.norad_id}: .*at least two element sets are needed"
    ):
        detect_manoeuvres([seed])
    with pytest.raises(ElementsError, match="at least two element sets"):
        detect_manoeuvres([seed, seed])  # one epoch twice is still one set


def test_several_objects_are_refused() -> None:
    seed = _leo_seed()
    with pytest.raises(ElementsError, match="mixes NORAD ids"):
        detect_manoeuvres([seed, dataclasses.replace(seed, norad_id=seed.norad_id + 1)])


def test_quiet_history_and_its_refits_give_nothing() -> None:
    history = _clean()
    assert detect_manoeuvres(history) == ()
    with_refits = add_refits(history, np.random.default_rng(1), fraction=0.6)
    assert len(with_refits) > len(history)
    assert detect_manoeuvres(list(reversed(with_refits))) == ()


def test_one_bad_element_set_is_a_spike_not_a_manoeuvre() -> None:
    history = _clean()
    bad = history[9]
    history[9] = dataclasses.replace(bad, mean_motion_rev_per_day=bad.mean_motion_rev_per_day * (1 + 2e-4))
    assert detect_manoeuvres(history) == ()


def test_an_along_track_burn_is_found_with_its_time_and_delta_v() -> None:
    history = _clean()
    when = history[8].epoch_utc + timedelta(hours=5)
    found = detect_manoeuvres(inject(history, InjectedManoeuvre(history[0].norad_id, when, dv_along_mps=0.8)))
    assert len(found) == 1
    m = found[0]
    assert m.kind == "in_plane"
    assert m.epoch_before == history[8].epoch_utc
    assert m.epoch_after == history[9].epoch_utc
    assert abs((m.estimated_time_utc - when).total_seconds()) < 1800.0
    assert m.delta_v_mps == pytest.approx(0.8, rel=0.05)
    assert m.delta_a_km > 0.0
    assert 0.5 < m.confidence <= 1.0
    assert m.details["time_method"] == "along_track_crossing"


def test_a_normal_burn_is_out_of_plane_at_the_interval_midpoint() -> None:
    history = _clean()
    when = history[12].epoch_utc + timedelta(hours=2)
    found = detect_manoeuvres(
        inject(history, InjectedManoeuvre(history[0].norad_id, when, dv_normal_mps=-2.0))
    )
    assert [m.kind for m in found] == ["out_of_plane"]
    assert found[0].delta_v_mps == pytest.approx(2.0, rel=0.05)
    assert (
        found[0].estimated_time_utc
        == history[12].epoch_utc + (history[13].epoch_utc - history[12].epoch_utc) / 2
    )


def test_a_low_thrust_raising_is_one_campaign() -> None:
    history = _clean(days=24)
    start = history[6].epoch_utc + timedelta(hours=1)
    burns = campaign_burns(history[0].norad_id, start, 10.0, 5.0, history[0].semi_major_axis_km)
    for burn in burns:
        history = inject(history, burn)
    found = detect_manoeuvres(history)
    assert [m.kind for m in found] == ["campaign"]
    campaign = found[0]
    assert campaign.details["direction"] == "raising"
    assert campaign.delta_a_km == pytest.approx(50.0, rel=0.1)
    a1 = history[0].semi_major_axis_km
    edelbaum = 1000.0 * (math.sqrt(WGS72_MU_KM3_S2 / a1) - math.sqrt(WGS72_MU_KM3_S2 / (a1 + 50.0)))
    assert campaign.delta_v_mps == pytest.approx(edelbaum, rel=0.1)
    assert int(campaign.details["n_intervals"]) >= 15


def test_delta_v_formulas() -> None:
    a_km = 7000.0
    v_mps = 1000.0 * math.sqrt(WGS72_MU_KM3_S2 / a_km)
    delta_a = 2.0 * a_km * 1.0 / v_mps  # a 1 m/s tangential burn
    assert in_plane_delta_v_mps(a_km, delta_a, delta_a / a_km) == pytest.approx(1.0)
    assert in_plane_delta_v_mps(a_km, 0.0, 1.0 / v_mps) == pytest.approx(1.0)  # a pure radial burn
    assert plane_change_delta_v_mps(a_km, 53.0, 1.0, 0.0) == pytest.approx(
        2.0 * v_mps * math.sin(math.radians(0.5))
    )


def test_burn_time_from_the_along_track_crossing() -> None:
    history = _clean(days=3, per_day=1)
    when = history[0].epoch_utc + timedelta(hours=15)
    after = inject(history, InjectedManoeuvre(history[0].norad_id, when, dv_along_mps=0.3))
    estimate = estimate_burn_time(after[0], after[1])
    assert estimate is not None
    assert abs((estimate - when).total_seconds()) < 600.0


def test_the_prior_lets_four_sets_work_and_the_object_model_takes_over_with_length() -> None:
    histories, groups = _sample()
    prior = learn_noise_prior(h for k, h in histories.items() if groups[k] == "resource")
    short = learn_noise(_clean(days=2), prior)
    long = learn_noise(_clean(days=30), prior)
    assert short.source == long.source == "blended"
    assert short.sigma_a_km > long.sigma_a_km  # the noise-free object pulls its scale down with length
    assert "leo" in prior.by_regime


def _measure(count: int, seed: int) -> tuple[float, dict[tuple[str, int], float], int]:
    """Synthetic 30-day histories with real noise (bundled sample), one or two burns each."""
    histories, groups = _sample()
    pools = _pools()
    rng = np.random.default_rng(seed)
    seeds = [h[0] for k, h in histories.items() if h[0].eccentricity < 0.1 and len(h) >= 4]
    hits: dict[tuple[str, int], list[bool]] = collections.defaultdict(list)
    true_pos = false_alarms = 0
    for _ in range(count):
        s0 = seeds[int(rng.integers(len(seeds)))]
        epochs = [s0.epoch_utc]
        while epochs[-1] < s0.epoch_utc + timedelta(days=30):
            epochs.append(epochs[-1] + timedelta(hours=float(rng.uniform(8, 24))))
        sets = synthetic_history(s0, epochs, pools[groups[s0.norad_id]], rng)
        truths = []
        for _b in range(int(rng.integers(1, 3))):
            k = int(rng.integers(1, len(sets) - 2))
            lo, hi = sets[k].epoch_utc, sets[k + 1].epoch_utc
            dv = float(np.exp(rng.uniform(math.log(0.05), math.log(5.0)))) * float(rng.choice([-1.0, 1.0]))
            when = lo + (hi - lo) * float(rng.uniform(0.05, 0.95))
            kind = "in_plane" if rng.random() < 0.5 else "out_of_plane"
            if kind == "in_plane":
                burn = InjectedManoeuvre(s0.norad_id, when, dv_along_mps=dv)
            else:
                burn = InjectedManoeuvre(s0.norad_id, when, dv_normal_mps=dv)
            truths.append(burn)
        for burn in sorted(truths, key=lambda b: b.time_utc):
            sets = inject(sets, burn)
        matched, extra = match(truths, detect_manoeuvres(add_refits(sets, rng)))
        false_alarms += len(extra)
        for m in matched:
            true_pos += m.found is not None
            hits[(m.truth.kind, int(m.truth.delta_v_mps >= 1.0))].append(m.found is not None)
    recall = {key: float(np.mean(v)) for key, v in hits.items()}
    return true_pos / max(true_pos + false_alarms, 1), recall, true_pos


def test_floors_on_injected_manoeuvres_in_histories_with_real_noise() -> None:
    precision, recall, found = _measure(120, seed=7)
    assert found > 100
    assert recall[("in_plane", 1)] >= 0.85
    assert recall[("out_of_plane", 1)] >= 0.75
    assert recall[("in_plane", 0)] >= 0.80
    assert precision >= 0.7
