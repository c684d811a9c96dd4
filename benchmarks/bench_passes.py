"""Passes of a whole catalog over 100 sites for 24 hours: orbitwatch against Skyfield's ``find_events``.

Measured in the same run:

- orbitwatch: the 2026-05-24 CelesTrak snapshot (all groups, Starlink included: about 11,900 objects,
  ``benchmarks/data/celestrak-2026-05-24``, committed) x the first 100 places of the bundled gazetteer
  (``src/orbitwatch/io/bundled/gazetteer.csv``: capitals, launch sites, tracking stations; a fixed,
  documented set) x 24 h from 2026-05-24 00:00 UTC, mask 10 deg: grid planning, propagation (default
  engine, chunked) and the pass search with visibility, end to end;
- Skyfield: ``EarthSatellite.find_events`` on ``--pairs`` random (seeded) satellite-site pairs of the
  same job, timed per pair and extrapolated to the whole job;
- on the sampled pairs, the passes each found (Skyfield's culminations against orbitwatch's passes):
  a pass Skyfield reports that orbitwatch lacks is a miss.

Both cores: the catalog is dealt into ``2 x --workers`` shares (satellite i to share i mod shares) that
``--workers`` processes take in turn, each running on its share the service that every front end calls
(``orbitwatch.services.overflights.search_passes``: plan the grids, propagate, search), as the Dask
layer does with chunks of satellites; a share's table travels back (its arrays through files in
/dev/shm, mapped, not piped) while the next one is computed, and the tables are joined at the end. Each
process runs one thread of astroz and of OpenBLAS (set below, before numpy loads), so that the workers
do not compete for the cores. The time covers grid planning, propagation, the search and gathering the
4.8 million passes in this process.

Prints both times, the ratio, the peak resident memory and the pass counts. Run from the repository
root:  ``.venv/bin/python benchmarks/bench_passes.py``  (``--help`` for options).
"""

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("ASTROZ_THREADS", "1")

import argparse  # the thread settings above must come before numpy is imported
import csv
import mmap
import multiprocessing
import pickle
import resource
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
from skyfield.api import EarthSatellite, wgs84

from orbitwatch.core.elements.model import ElementSet
from orbitwatch.core.elements.tle import read_tle
from orbitwatch.core.events.passes import PassTable
from orbitwatch.core.frames.time import timescale
from orbitwatch.core.targets import Site
from orbitwatch.services.overflights import TimeWindow, search_passes

ROOT = Path(__file__).resolve().parents[1]
CATALOG = ROOT / "benchmarks" / "data" / "celestrak-2026-05-24"
GAZETTEER = ROOT / "src" / "orbitwatch" / "io" / "bundled" / "gazetteer.csv"
START = datetime(2026, 5, 24, tzinfo=UTC)
HOURS = 24.0
MASK_DEG = 10.0
SHARES_PER_WORKER = 2


def load_catalog(folder: Path) -> tuple[list[ElementSet], dict[int, tuple[str, str, str]]]:
    """Element sets of every group file, and each object's TLE text (for Skyfield's own parser)."""
    elements: list[ElementSet] = []
    texts: dict[int, tuple[str, str, str]] = {}
    for path in sorted(folder.glob("*.tle")):
        text = path.read_text()
        result = read_tle(text, path.name)
        elements.extend(result.records)
        for element, record in zip(result.records, result.texts, strict=True):
            lines = record.splitlines()
            texts[element.norad_id] = (lines[0].strip(), lines[-2], lines[-1])
    unique = {e.norad_id: e for e in elements}
    return list(unique.values()), texts


def load_sites(count: int) -> list[Site]:
    """The first ``count`` places of the bundled gazetteer."""
    with GAZETTEER.open(newline="") as handle:
        rows = list(csv.DictReader(handle))[:count]
    return [
        Site(r["name"], float(r["lat_deg"]), float(r["lon_deg"]), float(r["alt_m"]), r["source"])
        for r in rows
    ]


_JOB: dict[str, object] = {}
"""The catalog, sites and exchange folder, set before the worker processes fork (they inherit it)."""


def search_share(share: int, shares: int) -> tuple[bytes, list[str], int]:
    """Passes of satellites share, share + shares, ... of the job, and how many were skipped.

    The table travels as a pickle whose array buffers (protocol 5, out of band) are written to files in
    the exchange folder (in memory, /dev/shm, where it exists), which the main process maps instead of
    reading hundreds of megabytes through a pipe.
    """
    elements: list[ElementSet] = _JOB["elements"]  # type: ignore[assignment]
    sites: list[Site] = _JOB["sites"]  # type: ignore[assignment]
    folder = Path(str(_JOB["folder"]))
    mine = elements[share::shares]
    report = search_passes(mine, sites, TimeWindow(START, HOURS * 3600.0), min_elevation_deg=MASK_DEG)
    buffers: list[pickle.PickleBuffer] = []
    data = pickle.dumps(report.table, protocol=5, buffer_callback=buffers.append)
    paths = []
    for k, buffer in enumerate(buffers):
        path = folder / f"{share}-{k}.bin"
        path.write_bytes(buffer.raw())
        paths.append(str(path))
    return data, paths, len(report.exclusions.skipped)


def _received(data: bytes, paths: list[str]) -> PassTable:
    """A table sent by :func:`search_share`, its arrays mapped from the exchange files."""
    buffers = []
    for path in paths:
        with open(path, "rb") as handle:
            buffers.append(
                mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) if os.path.getsize(path) else b""
            )
    table: PassTable = pickle.loads(data, buffers=buffers)
    return table


def run_orbitwatch(
    elements: list[ElementSet], sites: list[Site], workers: int
) -> tuple[PassTable, float, int]:
    """All passes of the job; returns the table, the wall time (s) and the number of skipped satellites."""
    shm = Path("/dev/shm")
    with tempfile.TemporaryDirectory(dir=shm if shm.is_dir() else None) as folder:
        _JOB.update(elements=elements, sites=sites, folder=folder)
        began = time.perf_counter()
        shares = SHARES_PER_WORKER * workers
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            results = list(pool.map(search_share, range(shares), [shares] * shares))
        table = PassTable.concatenate([_received(data, paths) for data, paths, _ in results])
        seconds = time.perf_counter() - began
    return table, seconds, sum(skipped for _, _, skipped in results)


def run_skyfield(
    pairs: list[tuple[ElementSet, Site]], texts: dict[int, tuple[str, str, str]]
) -> tuple[dict[tuple[int, str], list[datetime]], float]:
    """Skyfield's culminations for each pair, and the mean time per pair (s)."""
    scale = timescale()
    t0, t1 = scale.from_datetime(START), scale.from_datetime(START + timedelta(hours=HOURS))
    found: dict[tuple[int, str], list[datetime]] = {}
    began = time.perf_counter()
    for element, site in pairs:
        name, line1, line2 = texts[element.norad_id]
        satellite = EarthSatellite(line1, line2, name, scale)
        topos = wgs84.latlon(site.lat_deg, site.lon_deg, site.alt_m)
        t, kinds = satellite.find_events(topos, t0, t1, altitude_degrees=MASK_DEG)
        found[(element.norad_id, site.name)] = [
            ti.utc_datetime() for ti, k in zip(t, kinds, strict=True) if k == 1
        ]
    return found, (time.perf_counter() - began) / max(len(pairs), 1)


@dataclass
class Tally:
    """Passes on the sampled pairs: Skyfield's, orbitwatch's, Skyfield's that orbitwatch lacks, and
    orbitwatch's that Skyfield lacks (clipped by the window, or cresting within 0.01 deg of the mask,
    where Skyfield's sampled search may skip them; ``unexplained`` counts any other)."""

    skyfield: int = 0
    orbitwatch: int = 0
    missed: int = 0
    clipped: int = 0
    grazing: int = 0
    unexplained: int = 0


def compare(table: PassTable, skyfield: dict[tuple[int, str], list[datetime]]) -> Tally:
    """Match Skyfield's culminations with orbitwatch's passes (rise - 1 s <= culmination <= set + 1 s)."""
    ids = table.norad_ids[table.satellite]
    sites = np.array(table.site_names)[table.site]
    tally = Tally()
    for (norad_id, site), culminations in skyfield.items():
        rows = np.flatnonzero((ids == norad_id) & (sites == site))
        rise, end = table.rises.t_s[rows], table.sets.t_s[rows]
        seconds = np.array([(c - table.t0_utc).total_seconds() for c in culminations])
        inside = np.array([(rise - 1.0 <= t) & (t <= end + 1.0) for t in seconds]).reshape(
            seconds.size, rows.size
        )
        tally.orbitwatch += rows.size
        tally.skyfield += len({int(np.argmax(i)) if i.any() else -1 - k for k, i in enumerate(inside)})
        tally.missed += int(np.count_nonzero(~inside.any(axis=1)))
        for p in rows[~inside.any(axis=0)]:
            if table.rise_clipped[p] or table.set_clipped[p]:
                tally.clipped += 1
            elif table.max_elevation_deg[p] < MASK_DEG + 0.01:
                tally.grazing += 1
            else:
                tally.unexplained += 1
    return tally


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--catalog", type=Path, default=CATALOG, help="folder of *.tle files")
    parser.add_argument("--sites", type=int, default=100, help="number of gazetteer places")
    parser.add_argument("--pairs", type=int, default=200, help="satellite-site pairs for Skyfield")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="worker processes")
    args = parser.parse_args()

    elements, texts = load_catalog(args.catalog)
    sites = load_sites(args.sites)
    table, seconds, skipped = run_orbitwatch(elements, sites, args.workers)
    parent_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    worker_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0

    rng = np.random.default_rng(20260524)
    chosen = rng.choice(len(elements) * len(sites), size=args.pairs, replace=False)
    pairs = [(elements[i // len(sites)], sites[i % len(sites)]) for i in chosen]
    skyfield, per_pair = run_skyfield(pairs, texts)
    skyfield_total = per_pair * len(elements) * len(sites)
    tally = compare(table, skyfield)

    print(f"job: {len(elements)} objects x {len(sites)} sites x {HOURS:g} h, mask {MASK_DEG:g} deg")
    print(f"orbitwatch: {seconds:.2f} s, {len(table)} passes, {skipped} satellites skipped")
    print(f"peak RSS: {parent_mb:.0f} MB main process, {worker_mb:.0f} MB largest worker")
    print(
        f"skyfield find_events: {per_pair * 1e3:.2f} ms a pair; the job extrapolated: {skyfield_total:.0f} s"
    )
    print(f"ratio: orbitwatch is {skyfield_total / seconds:.0f}x faster")
    print(
        f"sampled pairs: {len(pairs)}; passes: skyfield {tally.skyfield}, orbitwatch {tally.orbitwatch}; "
        f"missed by orbitwatch {tally.missed}; found only by orbitwatch: {tally.clipped} clipped by the "
        f"window, {tally.grazing} within 0.01 deg of the mask, {tally.unexplained} other"
    )
    return 0 if tally.missed == tally.unexplained == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
