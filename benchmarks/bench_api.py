"""Load on the REST API: concurrent clients on loopback against a real ``orbitwatch serve`` process.

The server runs on a temporary SQLite catalog holding the bundled sample (SATCAT excerpt and four days of
GP snapshots, uploaded through ``POST /ingest``). For each scenario, ``--clients`` asyncio clients (httpx,
one connection each) send requests back to back for ``--seconds``; the script prints requests per second
and the 50th and 99th percentile latencies. The peer, measured in the same run, is the same service
function called in this process without HTTP (sequentially): the ratio is the cost of the API (HTTP,
validation, JSON, the computation's child process) per request.

Scenarios: common reads (an object list page, one object, an element history, events) and an overflight
query (passes of the military group over Seoul for 24 h from the newest epoch).

Run from the repository root:  ``.venv/bin/python benchmarks/bench_api.py``  (``--help`` for options).
"""

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from orbitwatch.services.catalog import Selection, list_catalog, object_detail, open_store
from orbitwatch.services.events import list_events
from orbitwatch.services.overflights import TimeWindow, search_passes
from orbitwatch.services.targets import resolve_sites

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = ROOT / "src" / "orbitwatch" / "io" / "bundled"
TOKEN = "bench-" + "t" * 40


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(db_url: str, port: int, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "ORBITWATCH_TOKEN": TOKEN}
    command = [
        sys.executable,
        "-m",
        "orbitwatch",
        "--db",
        db_url,
        "serve",
        "--port",
        str(port),
        "--no-access-log",
    ]
    process = subprocess.Popen(command, stdout=log.open("wb"), stderr=subprocess.STDOUT, env=env)
    for _ in range(600):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit(f"the server did not start:\n{log.read_text()}")


def upload_sample(base: str) -> None:
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=300) as client:
        satcat = (BUNDLED / "satcat" / "satcat-sample.csv").read_bytes()
        client.post("/ingest", params={"filename": "satcat.csv"}, content=satcat).raise_for_status()
        for path in sorted((BUNDLED / "sample").glob("*/*.tle")):
            params = {"filename": f"{path.parent.name}-{path.name}", "group": path.stem}
            client.post("/ingest", params=params, content=path.read_bytes()).raise_for_status()


async def load(base: str, path: str, params: dict[str, Any], clients: int, seconds: float) -> list[float]:
    """Latencies (s) of every request sent by ``clients`` concurrent clients for ``seconds``."""
    latencies: list[float] = []
    stop = time.perf_counter() + seconds

    async def one_client() -> None:
        async with httpx.AsyncClient(base_url=base, timeout=300) as client:
            while time.perf_counter() < stop:
                began = time.perf_counter()
                answer = await client.get(path, params=params)
                answer.raise_for_status()
                latencies.append(time.perf_counter() - began)

    await asyncio.gather(*(one_client() for _ in range(clients)))
    return latencies


def peer_time(call: Callable[[], object], repeats: int) -> float:
    """The median time (s) of the service call in this process."""
    times = []
    for _ in range(repeats):
        began = time.perf_counter()
        call()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients (default 16)")
    parser.add_argument("--seconds", type=float, default=10.0, help="load per scenario, s (default 10)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db_url = f"sqlite:///{Path(folder) / 'catalog.sqlite'}"
        port = free_port()
        server = start_server(db_url, port, Path(folder) / "server.log")
        base = f"http://127.0.0.1:{port}"
        try:
            upload_sample(base)
            store = open_store(db_url)
            military = store.latest_elements(groups=["military"])
            seoul = resolve_sites(["Seoul"], store)
            window = TimeWindow(max(e.epoch_utc for e in military), 86400.0)
            scenarios: list[tuple[str, str, dict[str, Any], Callable[[], object]]] = [
                ("object list (military, 100)", "/objects", {"group": "military", "limit": 100},
                 lambda: list_catalog(store, Selection(groups=("military",)), limit=101)),
                ("one object", "/objects/25544", {},
                 lambda: list_catalog(store, Selection(norad_ids=(25544,)))),
                ("element history", "/objects/25544/history", {}, lambda: object_detail(store, 25544)),
                ("events (100)", "/events", {}, lambda: list_events(store, limit=101)),
                ("passes: military over Seoul, 24 h", "/passes",
                 {"site": "Seoul", "group": "military", "start": "epoch", "hours": 24},
                 lambda: search_passes(military, seoul, window)),
            ]  # fmt: skip
            print(f"{args.clients} clients, {args.seconds:g} s per scenario, SQLite, bundled sample\n")
            print(f"{'scenario':36} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'peer ms':>8} {'p50/peer':>9}")
            for name, path, params, call in scenarios:
                latencies = asyncio.run(load(base, path, params, args.clients, args.seconds))
                latencies.sort()
                p50 = latencies[len(latencies) // 2]
                p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
                peer = peer_time(call, 5)
                rate = len(latencies) / args.seconds
                times = f"{p50 * 1e3:8.1f} {p99 * 1e3:8.1f} {peer * 1e3:8.1f}"
                print(f"{name:36} {rate:8.1f} {times} {p50 / peer:9.1f}")
            store.close()
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
