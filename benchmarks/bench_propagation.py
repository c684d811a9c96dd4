"""Propagation speed: python-sgp4's SatrecArray against astroz's native batches, and the frame costs.

Measured in one run, each configuration in its own process (astroz reads ``ASTROZ_THREADS`` once per
process):

- python-sgp4 ``SatrecArray`` (Vallado's C++; one core, it holds the GIL), TEME;
- astroz native: ``Sgp4Constellation.propagate_into`` for near-Earth objects and
  ``sdp4_batch_propagate_into`` for deep-space ones, TEME, with 1 and with 2 threads;
- orbitwatch's whole pipeline, ``iter_states`` (engine, error codes, TEME -> ITRS into reused
  buffers), for the engines "sgp4" and "astroz" (1 and 2 threads);
- the frame conversions alone: TEME -> ITRS (positions and velocities) and ITRS -> WGS-84 geodetic.

Catalog: the 2026-05-24 CelesTrak snapshot (all groups, Starlink and OneWeb included, about 11,900
objects), committed in ``benchmarks/data/celestrak-2026-05-24``. Grid: 1440 one-minute steps from
2026-05-24 00:00 UTC.
The raw engines write into reused buffers in time chunks of 60 instants (freshly allocated
multi-gigabyte outputs make timings swing); every figure is the best of ``--repeats`` runs after one
warm-up run. The machine's load is printed: other jobs on a small machine slow everything down.

Run from the repository root:  ``.venv/bin/python benchmarks/bench_propagation.py``
"""

import argparse
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
CATALOG_DAY = ROOT / "benchmarks" / "data" / "celestrak-2026-05-24"
START = datetime(2026, 5, 24, tzinfo=UTC)
STEPS = 1440
STEP_S = 60.0
TIME_CHUNK = 60


def catalog_folder() -> Path:
    """The full snapshot of 2026-05-24 committed with the benchmarks."""
    return CATALOG_DAY


def load_elements(folder: Path) -> list:  # type: ignore[type-arg]
    """Every element set of the day's group files, one per catalog number."""
    from orbitwatch.core.elements.tle import read_tle

    unique = {}
    for path in sorted(folder.glob("*.tle")):
        for element in read_tle(path.read_text(encoding="utf-8"), path.name).records:
            unique.setdefault(element.norad_id, element)
    return list(unique.values())


def best_of(repeats: int, run: Callable[[], None]) -> float:
    """Seconds of the fastest of ``repeats`` runs, after one warm-up run."""
    run()
    timings = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        timings.append(time.perf_counter() - start)
    return min(timings)


def grid():  # type: ignore[no-untyped-def]
    from orbitwatch.core.propagation.states import TimeGrid

    return TimeGrid(START, np.arange(STEPS, dtype=np.float64) * STEP_S)


def time_chunks() -> list[slice]:
    return [slice(start, min(start + TIME_CHUNK, STEPS)) for start in range(0, STEPS, TIME_CHUNK)]


def worker_sgp4(elements: list, repeats: int) -> dict[str, float]:  # type: ignore[type-arg]
    from sgp4.api import SatrecArray

    array = SatrecArray([e.to_satrec() for e in elements])
    jd, fraction = grid().julian_dates()
    n = len(elements)
    codes = np.empty((n, TIME_CHUNK), dtype=np.uint8)
    r_km, v_km_s = np.empty((n, TIME_CHUNK, 3)), np.empty((n, TIME_CHUNK, 3))

    def run() -> None:
        for chunk in time_chunks():
            array._sgp4(jd[chunk], fraction[chunk], codes, r_km, v_km_s)

    return {"seconds": best_of(repeats, run), "states": n * STEPS}


def worker_astroz(elements: list, repeats: int) -> dict[str, float]:  # type: ignore[type-arg]
    from astroz import _astroz

    from orbitwatch.core.propagation.astroz_engine import astroz_satrec

    satrecs = [astroz_satrec(e) for e in elements]
    near = [(e, s) for e, s in zip(elements, satrecs, strict=True) if s.error == 0 and not s.is_deep_space]
    deep = [s for s in satrecs if s.error == 0 and s.is_deep_space]
    constellation = _astroz.Sgp4Constellation([s for _, s in near], gravity_model=_astroz.WGS72)
    offsets_min = np.array([(START - e.epoch_utc).total_seconds() / 60.0 for e, _ in near])
    times = grid()
    minutes = times.offsets_s / 60.0
    jd, fraction = times.julian_dates()
    r_near, v_near = np.empty((len(near), TIME_CHUNK, 3)), np.empty((len(near), TIME_CHUNK, 3))
    r_deep, v_deep = np.empty((len(deep), TIME_CHUNK, 3)), np.empty((len(deep), TIME_CHUNK, 3))

    def run_near() -> None:
        for chunk in time_chunks():
            constellation.propagate_into(
                np.ascontiguousarray(minutes[chunk]), r_near, v_near, epoch_offsets=offsets_min, output="teme"
            )

    def run_deep() -> None:
        for chunk in time_chunks():
            _astroz.sdp4_batch_propagate_into(
                deep, np.ascontiguousarray(jd[chunk]), np.ascontiguousarray(fraction[chunk]), r_deep, v_deep
            )

    return {
        "near_seconds": best_of(repeats, run_near),
        "near_states": len(near) * STEPS,
        "deep_seconds": best_of(repeats, run_deep),
        "deep_states": len(deep) * STEPS,
    }


def worker_pipeline(elements: list, repeats: int, engine: str) -> dict[str, float]:  # type: ignore[type-arg]
    from orbitwatch.core.propagation.engine import iter_states

    times = grid()

    def run() -> None:
        for _ in iter_states(elements, times, engine=engine):
            pass

    return {"seconds": best_of(repeats, run), "states": len(elements) * STEPS}


def worker_frames(elements: list, repeats: int) -> dict[str, float]:  # type: ignore[type-arg]
    from sgp4.api import SatrecArray

    from orbitwatch.core.frames.geodesy import geodetic_from_itrs
    from orbitwatch.core.frames.rotations import earth_rotation, teme_to_itrs

    times = grid()
    sample = elements[:: max(len(elements) // 700, 1)][:700]
    jd, fraction = times.julian_dates()
    _, r_teme, v_teme = SatrecArray([e.to_satrec() for e in sample]).sgp4(jd, fraction)
    rotation = earth_rotation(times)
    r_itrs, v_itrs = np.empty_like(r_teme), np.empty_like(v_teme)
    states = r_teme.shape[0] * r_teme.shape[1]
    return {
        "rotation_setup_seconds": best_of(repeats, lambda: earth_rotation(times) and None),
        "teme_to_itrs_seconds": best_of(
            repeats,
            lambda: teme_to_itrs(r_teme, v_teme, rotation, r_out_km=r_itrs, v_out_km_s=v_itrs) and None,
        ),
        "geodetic_seconds": best_of(repeats, lambda: geodetic_from_itrs(r_itrs) and None),
        "states": states,
    }


def run_worker(kind: str, threads: int, repeats: int, folder: Path) -> dict[str, float]:
    """One measurement in a fresh process with ASTROZ_THREADS set; its JSON result."""
    env = {**os.environ, "ASTROZ_THREADS": str(threads)}
    command = [sys.executable, __file__, "--worker", kind, "--repeats", str(repeats), "--folder", str(folder)]
    output = subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout
    result: dict[str, float] = json.loads(output.strip().splitlines()[-1])
    return result


def line(label: str, states_per_s: float, note: str = "") -> None:
    """One aligned result line."""
    print(f"{label:<44}{states_per_s / 1e6:7.2f} M states/s  {note}")


def report(repeats: int) -> None:
    folder = catalog_folder()
    count = len(load_elements(folder))
    print(f"catalog: {folder}, {count} objects x {STEPS} one-minute steps = {count * STEPS:,} states")
    print(
        f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} at start; best of {repeats}"
    )
    print()
    sgp4 = run_worker("sgp4", 1, repeats, folder)
    sgp4_rate = sgp4["states"] / sgp4["seconds"]
    line("python-sgp4 SatrecArray (1 core)", sgp4_rate, f"({sgp4['seconds']:.2f} s)")
    for threads in (1, 2):
        astroz = run_worker("astroz", threads, repeats, folder)
        near = astroz["near_states"] / astroz["near_seconds"]
        deep = astroz["deep_states"] / astroz["deep_seconds"]
        total = (astroz["near_states"] + astroz["deep_states"]) / (
            astroz["near_seconds"] + astroz["deep_seconds"]
        )
        ratio = total / sgp4_rate
        note = f"= {ratio:5.1f} x python-sgp4 (near-Earth {near / 1e6:.1f}, deep-space {deep / 1e6:.1f})"
        line(f"astroz native, ASTROZ_THREADS={threads}", total, note)
    print()
    pipeline_sgp4 = run_worker("pipeline-sgp4", 1, repeats, folder)
    sgp4_pipe = pipeline_sgp4["states"] / pipeline_sgp4["seconds"]
    line("orbitwatch iter_states, engine sgp4", sgp4_pipe, f"({pipeline_sgp4['seconds']:.2f} s)")
    for threads in (1, 2):
        pipeline = run_worker("pipeline-astroz", threads, repeats, folder)
        pipe = pipeline["states"] / pipeline["seconds"]
        note = f"({pipeline['seconds']:.2f} s) = {pipe / sgp4_pipe:4.1f} x engine sgp4"
        line(f"orbitwatch iter_states, astroz, THREADS={threads}", pipe, note)
    print()
    frames = run_worker("frames", 1, repeats, folder)
    rotation = frames["states"] / frames["teme_to_itrs_seconds"]
    setup_ms = frames["rotation_setup_seconds"] * 1e3
    note = f"(whole catalog {count * STEPS / rotation:.2f} s; rotation matrices {setup_ms:.0f} ms)"
    line("TEME -> ITRS, positions and velocities", rotation, note)
    line("ITRS -> WGS-84 geodetic", frames["states"] / frames["geodetic_seconds"])
    print(f"\nload average at the end {os.getloadavg()[0]:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeats", type=int, default=3, help="timed runs per figure (best is kept)")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker is None:
        report(args.repeats)
        return
    elements = load_elements(Path(args.folder))
    workers: dict[str, Callable[[], dict[str, float]]] = {
        "sgp4": lambda: worker_sgp4(elements, args.repeats),
        "astroz": lambda: worker_astroz(elements, args.repeats),
        "pipeline-sgp4": lambda: worker_pipeline(elements, args.repeats, "sgp4"),
        "pipeline-astroz": lambda: worker_pipeline(elements, args.repeats, "astroz"),
        "frames": lambda: worker_frames(elements, args.repeats),
    }
    print(json.dumps(workers[args.worker]()))


if __name__ == "__main__":
    main()
