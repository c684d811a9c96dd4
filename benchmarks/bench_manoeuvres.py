"""Manoeuvre detection measured on injected manoeuvres: precision, recall, time and Δv error.

Not a test. Two data sets, both from real CelesTrak element sets (Data: CelesTrak, T.S. Kelso, public):

(a) real 4-day histories (one set a day, 2026-05-24..27) of objects on which the detector finds nothing,
    each with one burn injected at a random time in a random interval;
(b) 30-day histories at 1-3 sets a day evolved from one real set by SGP4's secular J2 + drag model,
    with noise drawn from the real residuals of quiet objects of the same group, 0-2 burns each, a
    Starlink-like raising campaign in 10 % of them, and re-fits of 10 % of the sets.

Burns: Δv log-uniform in 0.05-5 m/s, half along-track (in-plane), half normal (out-of-plane), random sign.
Ours (orbitwatch.core.changes.manoeuvres) and the peer (maneuver-detect's ClassicalDetector, when
installed) see the same histories.

    .venv/bin/python benchmarks/bench_manoeuvres.py                       # bundled sample only
    .venv/bin/python benchmarks/bench_manoeuvres.py --data ../shared/data/celestrak --seed 1
"""

import argparse
import collections
import math
import time
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

from orbitwatch.core.changes.element_noise import interval_residuals
from orbitwatch.core.changes.injection import (
    InjectedManoeuvre,
    Match,
    NoisePool,
    add_refits,
    campaign_burns,
    inject,
    learn_noise_pool,
    match,
    synthetic_history,
)
from orbitwatch.core.changes.manoeuvres import Manoeuvre, detect_manoeuvres
from orbitwatch.core.elements.formats import read_elements
from orbitwatch.core.elements.model import ElementSet

BUNDLED = Path(__file__).resolve().parents[1] / "src/orbitwatch/io/bundled/sample"
BINS = ((0.05, 0.2), (0.2, 1.0), (1.0, 5.0))
Detector = Callable[[list[ElementSet]], list[Manoeuvre]]


def load(root: Path) -> tuple[dict[int, list[ElementSet]], dict[int, str]]:
    """Every object's element sets in the dated snapshot folders under ``root``, and its group."""
    histories: dict[int, dict[tuple[datetime, int], ElementSet]] = collections.defaultdict(dict)
    groups: dict[int, str] = {}
    for path in sorted(root.glob("2026-05-2*/*.tle")):
        for s in read_elements(path.read_bytes(), str(path)).records:
            histories[s.norad_id][(s.epoch_utc, s.element_set_no)] = s
            groups[s.norad_id] = path.stem
    return {k: [v[x] for x in sorted(v)] for k, v in histories.items()}, groups


def random_burn(rng: np.random.Generator, norad_id: int, lo: datetime, hi: datetime) -> InjectedManoeuvre:
    dv = float(np.exp(rng.uniform(math.log(0.05), math.log(5.0)))) * float(rng.choice([-1.0, 1.0]))
    when = lo + (hi - lo) * float(rng.uniform(0.05, 0.95))
    if rng.random() < 0.5:
        return InjectedManoeuvre(norad_id, when, dv_along_mps=dv)
    return InjectedManoeuvre(norad_id, when, dv_normal_mps=dv)


def ours(history: list[ElementSet]) -> list[Manoeuvre]:
    return list(detect_manoeuvres(history))


def peer_detector() -> Detector | None:
    try:
        import pandas as pd  # type: ignore[import-untyped,import-not-found,unused-ignore]
        from maneuver_detect.detectors.classical import ClassicalDetector
    except ImportError:
        return None
    detector = ClassicalDetector()

    def run(history: list[ElementSet]) -> list[Manoeuvre]:
        frame = pd.DataFrame(
            {
                "epoch": pd.to_datetime([s.epoch_utc for s in history], utc=True),
                "norad_id": [s.norad_id for s in history],
                "semi_major_axis": [s.semi_major_axis_km for s in history],
                "eccentricity": [s.eccentricity for s in history],
                "inclination": [s.inclination_deg for s in history],
                "raan": [s.raan_deg for s in history],
                "arg_perigee": [s.arg_perigee_deg for s in history],
            }
        )
        out = []
        for row in detector.detect(frame).itertuples():
            dv = row.delta_v_estimate
            out.append(
                Manoeuvre(
                    norad_id=int(row.norad_id),
                    epoch_before=row.elset_epoch_before.to_pydatetime(),
                    epoch_after=row.elset_epoch_after.to_pydatetime(),
                    estimated_time_utc=row.epoch.to_pydatetime(),
                    kind=str(row.type.value if hasattr(row.type, "value") else row.type),
                    delta_a_km=float("nan"),
                    delta_e=float("nan"),
                    delta_i_deg=float("nan"),
                    delta_raan_deg=float("nan"),
                    delta_v_mps=float("nan") if dv is None or pd.isna(dv) else float(dv),
                    confidence=float(row.confidence),
                    details={},
                )
            )
        return out

    return run


class Tally:
    def __init__(self) -> None:
        self.matches: list[Match] = []
        self.false_alarms = 0
        self.histories = 0
        self.seconds = 0.0

    def add(self, truths: Sequence[InjectedManoeuvre], found: list[Manoeuvre], seconds: float) -> None:
        matched, extra = match(truths, found)
        self.matches += matched
        self.false_alarms += len(extra)
        self.histories += 1
        self.seconds += seconds

    def report(self, title: str) -> None:
        singles = [m for m in self.matches if not m.truth.campaign]
        found = [m for m in singles if m.found is not None]
        tp = len(found) + sum(1 for m in self.matches if m.truth.campaign and m.found is not None)
        precision = tp / max(tp + self.false_alarms, 1)
        print(f"\n{title}: {self.histories} histories, {len(singles)} burns, {self.seconds:.1f} s")
        print(f"  precision {precision:.3f}  false alarms {self.false_alarms}")
        for kind in ("in_plane", "out_of_plane"):
            cells = []
            for lo, hi in BINS:
                sel = [m for m in singles if m.truth.kind == kind and lo <= m.truth.delta_v_mps < hi]
                hit = sum(1 for m in sel if m.found is not None)
                cells.append(f"{lo:g}-{hi:g}: {hit / max(len(sel), 1):.2f} ({len(sel)})")
            print(f"  recall {kind:12s} " + "  ".join(cells))
        campaigns = [m for m in self.matches if m.truth.campaign]
        if campaigns:
            hit = sum(1 for m in campaigns if m.found is not None)
            print(f"  campaigns found {hit}/{len(campaigns)}")
        for kind in ("in_plane", "out_of_plane"):
            sel = [m for m in found if m.truth.kind == kind and m.found is not None]
            if not sel:
                continue
            t_err = np.array(
                [
                    abs((m.found.estimated_time_utc - m.truth.time_utc).total_seconds()) / 3600
                    for m in sel
                    if m.found
                ]
            )
            dv = [
                (m.found.delta_v_mps, m.truth.delta_v_mps)
                for m in sel
                if m.found and math.isfinite(m.found.delta_v_mps)
            ]
            dv_err = np.array([abs(f - t) / t for f, t in dv]) if dv else np.array([math.nan])
            print(
                f"  {kind:12s} time error h: median {np.median(t_err):.2f} p95 {np.percentile(t_err, 95):.2f}"
                f"   |Δv error|/Δv: median {np.median(dv_err):.2f} p95 {np.percentile(dv_err, 95):.2f}"
                f" ({len(dv)} with Δv)"
            )


def run_real(
    histories: dict[int, list[ElementSet]],
    detectors: dict[str, Detector],
    rng: np.random.Generator,
    limit: int,
) -> None:
    candidates = []
    for norad_id, history in histories.items():
        sets = sorted(history, key=lambda s: s.epoch_utc)
        if len({s.epoch_utc for s in sets}) < 4 or sets[0].eccentricity > 0.1 or detect_manoeuvres(sets):
            continue
        candidates.append(norad_id)
    rng.shuffle(candidates)
    tallies = {name: Tally() for name in detectors}
    for norad_id in candidates[:limit]:
        sets = sorted(histories[norad_id], key=lambda s: s.epoch_utc)
        k = int(rng.integers(len(sets) - 1))
        burn = random_burn(rng, norad_id, sets[k].epoch_utc, sets[k + 1].epoch_utc)
        injected = inject(sets, burn)
        for name, detector in detectors.items():
            start = time.perf_counter()
            found = detector(injected)
            tallies[name].add([burn], found, time.perf_counter() - start)
    for name, tally in tallies.items():
        tally.report(f"(a) real 4-day histories + 1 injected burn — {name}")


def run_synthetic(
    histories: dict[int, list[ElementSet]],
    groups: dict[int, str],
    pools: dict[str, NoisePool],
    detectors: dict[str, Detector],
    rng: np.random.Generator,
    count: int,
    days: float,
) -> None:
    seeds = [h[0] for k, h in histories.items() if groups[k] in pools and h[0].eccentricity < 0.1]
    tallies = {name: Tally() for name in detectors}
    for _ in range(count):
        seed = seeds[int(rng.integers(len(seeds)))]
        epochs, t = [], seed.epoch_utc
        while t < seed.epoch_utc + timedelta(days=days):
            epochs.append(t)
            t += timedelta(hours=float(rng.uniform(8.0, 24.0)))
        try:
            sets = synthetic_history(seed, epochs, pools[groups[seed.norad_id]], rng)
        except Exception:
            continue
        truths: list[InjectedManoeuvre] = []
        for _burn in range(int(rng.integers(0, 3))):
            k = int(rng.integers(1, len(sets) - 2))
            truths.append(random_burn(rng, seed.norad_id, sets[k].epoch_utc, sets[k + 1].epoch_utc))
        if seed.semi_major_axis_km < 7200 and rng.random() < 0.1:
            start = sets[2].epoch_utc + timedelta(hours=3)
            truths = [b for b in truths if b.time_utc < start]
            truths += campaign_burns(
                seed.norad_id,
                start,
                float(rng.uniform(7, 20)),
                float(rng.uniform(2, 12)),
                seed.semi_major_axis_km,
            )
        for burn in sorted(truths, key=lambda b: b.time_utc):
            sets = inject(sets, burn)
        sets = add_refits(sets, rng)
        for name, detector in detectors.items():
            start_s = time.perf_counter()
            found = detector(sets)
            tallies[name].add(truths, found, time.perf_counter() - start_s)
    for name, tally in tallies.items():
        tally.report(f"(b) synthetic {days:g}-day histories — {name}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=BUNDLED, help="folder of dated snapshot folders")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--real", type=int, default=1500, help="real histories to inject into")
    parser.add_argument("--synthetic", type=int, default=600, help="synthetic histories")
    parser.add_argument("--days", type=float, default=30.0)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    histories, groups = load(args.data)
    by_group: dict[str, list[list[ElementSet]]] = collections.defaultdict(list)
    for k, h in histories.items():
        by_group[groups[k]].append(h)
    pools = {
        g: learn_noise_pool(hs[:2000])
        for g, hs in by_group.items()
        if g in {"starlink", "oneweb", "resource", "weather", "science", "military", "stations", "geo"}
    }
    print(
        f"data {args.data}: {len(histories)} objects; noise pools "
        + ", ".join(f"{g} {p.n_objects} objects" for g, p in pools.items())
    )
    detectors: dict[str, Detector] = {"orbitwatch": ours}
    peer = peer_detector()
    if peer is None:
        print("peer maneuver-detect not installed: only orbitwatch is measured")
    else:
        detectors["maneuver-detect 0.3.0 classical"] = peer
    run_real(histories, detectors, rng, args.real)
    run_synthetic(histories, groups, pools, detectors, rng, args.synthetic, args.days)
    _ = interval_residuals


if __name__ == "__main__":
    main()
