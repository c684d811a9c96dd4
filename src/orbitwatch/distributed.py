"""The overflight searches of :mod:`orbitwatch.services.overflights`, run on chunks of satellites over Dask.

A search's result for one satellite never depends on the others, so the catalog is cut into chunks of
``chunk_size`` satellites, each chunk goes through the very same service function (on a Dask cluster, or
in this process), and the chunk reports are joined: pass tables concatenated and sorted by rise,
opportunities sorted by start with their time errors, exclusions added. No search is implemented here.

``scheduler`` chooses where the chunks run: ``None`` in this process, one after the other;
``"local"`` on a :class:`~distributed.LocalCluster` started for the call (one single-threaded worker
process per core); any other value is the address of a running scheduler (``tcp://HOST:PORT``).
"""

import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import partial
from typing import TypedDict, TypeVar, Unpack

import dask
from distributed import Client, LocalCluster, as_completed
from distributed.comm.addressing import get_address_host_port

from orbitwatch.core.elements.model import ElementSet
from orbitwatch.core.events.imaging import SensorModel
from orbitwatch.core.events.passes import PassTable
from orbitwatch.core.targets import Region, Site
from orbitwatch.errors import OrbitwatchError
from orbitwatch.services.overflights import (
    Exclusions,
    OpportunityReport,
    PassReport,
    TimeWindow,
    search_opportunities,
    search_passes,
)

R = TypeVar("R")

Progress = Callable[[int, int], None]
"""Progress callback: (chunks done, chunks in all)."""

CONNECT_TIMEOUT_S = 10.0
ADDRESS_HINT = "give a running scheduler as tcp://HOST:PORT, or 'local' to start a cluster on this machine"
WORKER_ENVIRON: dict[str, str | None] = {
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "ASTROZ_THREADS": "1",
    "MALLOC_TRIM_THRESHOLD_": None,
}
"""The environment of each local worker, set before it starts (None: left unset). One thread per worker
process, so that the workers share the cores. glibc's malloc left to its own thresholds: Dask's default
``MALLOC_TRIM_THRESHOLD_=65536`` also fixes the mmap threshold, so every large NumPy temporary becomes a
fresh mapping, and a pass search ran 2.5 to 4 times slower (measured on the 2026-05-24 catalog)."""


class PassOptions(TypedDict, total=False):
    """Keyword options of :func:`~orbitwatch.services.overflights.search_passes`."""

    min_elevation_deg: float
    twilight_sun_elevation_deg: float
    engine: str


class OpportunityOptions(TypedDict, total=False):
    """Keyword options of :func:`~orbitwatch.services.overflights.search_opportunities`."""

    engine: str


def search_passes_chunked(
    elements: Sequence[ElementSet],
    sites: Sequence[Site],
    window: TimeWindow,
    *,
    scheduler: str | None = None,
    chunk_size: int = 2000,
    progress: Progress | None = None,
    connect_timeout_s: float = CONNECT_TIMEOUT_S,
    **options: Unpack[PassOptions],
) -> PassReport:
    """:func:`~orbitwatch.services.overflights.search_passes` over chunks of ``chunk_size`` satellites."""
    search = partial(search_passes, sites=sites, window=window, **options)
    reports = _run(search, _split(elements, chunk_size), scheduler, progress, connect_timeout_s)
    table = PassTable.concatenate([r.table for r in reports]).sorted_by_rise()
    return PassReport(table, _joined([r.exclusions for r in reports]))


def search_opportunities_chunked(
    elements: Sequence[ElementSet],
    targets: Sequence[Site | Region],
    sensor: SensorModel,
    window: TimeWindow,
    *,
    scheduler: str | None = None,
    chunk_size: int = 2000,
    progress: Progress | None = None,
    connect_timeout_s: float = CONNECT_TIMEOUT_S,
    **options: Unpack[OpportunityOptions],
) -> OpportunityReport:
    """:func:`~orbitwatch.services.overflights.search_opportunities` over chunks of ``chunk_size`` satellites.

    Opportunities come sorted by start, then catalog number, then target, each time error with its window.
    """
    search = partial(search_opportunities, targets=targets, sensor=sensor, window=window, **options)
    reports = _run(search, _split(elements, chunk_size), scheduler, progress, connect_timeout_s)
    pairs = sorted(
        ((o, e) for r in reports for o, e in zip(r.opportunities, r.time_error_s, strict=True)),
        key=lambda pair: (pair[0].start_utc, pair[0].norad_id, pair[0].target),
    )
    return OpportunityReport(
        tuple(o for o, _ in pairs), tuple(e for _, e in pairs), _joined([r.exclusions for r in reports])
    )


def _split(elements: Sequence[ElementSet], chunk_size: int) -> list[list[ElementSet]]:
    """Consecutive chunks of at most ``chunk_size`` element sets; one empty chunk for no elements, so that
    the service still checks the other arguments and gives its empty report."""
    if chunk_size < 1:
        raise OrbitwatchError(f"the chunk size must be at least one satellite, got {chunk_size}")
    starts = range(0, max(len(elements), 1), chunk_size)
    return [list(elements[i : i + chunk_size]) for i in starts]


def _joined(exclusions: Sequence[Exclusions]) -> Exclusions:
    return sum(exclusions, Exclusions())


def _run(
    search: Callable[[list[ElementSet]], R],
    chunks: list[list[ElementSet]],
    scheduler: str | None,
    progress: Progress | None,
    connect_timeout_s: float,
) -> list[R]:
    """``search`` of every chunk, in chunk order, calling ``progress`` as each one finishes; on Dask each
    result is fetched as soon as its chunk is done, while the others are still computed."""
    report = progress or (lambda done, total: None)
    if scheduler is None:
        computed = []
        for done, chunk in enumerate(chunks, 1):
            computed.append(search(chunk))
            report(done, len(chunks))
        return computed
    with _client(scheduler, connect_timeout_s) as client:
        futures = client.map(search, chunks, pure=False)
        position = {future.key: k for k, future in enumerate(futures)}
        results: dict[int, R] = {}
        finished = as_completed(futures, with_results=True, loop=client.loop)
        for done, (future, result) in enumerate(finished, 1):
            results[position[future.key]] = result
            report(done, len(chunks))
        return [results[k] for k in range(len(chunks))]


@contextmanager
def _client(scheduler: str, connect_timeout_s: float) -> Iterator[Client]:
    """A client of the scheduler at ``scheduler`` with at least one worker, or of a local cluster started
    for it (``"local"``); an :class:`OrbitwatchError` when there is none within ``connect_timeout_s``.

    The address is checked before connecting: a client that fails on a malformed address is left
    half-started and stalls the interpreter's exit.
    """
    if scheduler == "local":
        with local_cluster() as cluster, Client(cluster, set_as_default=False) as client:
            yield client
        return
    try:
        get_address_host_port(scheduler)
    except ValueError as exc:
        raise OrbitwatchError(
            f"{scheduler!r} is not a Dask scheduler address: {exc}; {ADDRESS_HINT}"
        ) from None
    try:
        client = Client(scheduler, timeout=connect_timeout_s, set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise OrbitwatchError(
            f"cannot reach the Dask scheduler at {scheduler!r}: {exc}; {ADDRESS_HINT}"
        ) from None
    with client:
        try:
            client.wait_for_workers(1, timeout=connect_timeout_s)
        except TimeoutError:
            raise OrbitwatchError(
                f"the Dask scheduler at {scheduler!r} has no worker (none joined within "
                f"{connect_timeout_s:g} s): start workers with `dask worker {scheduler}`"
            ) from None
        yield client


@contextmanager
def local_cluster(n_workers: int | None = None) -> Iterator[LocalCluster]:
    """A cluster on this machine: ``n_workers`` (default: one per core) single-threaded worker processes
    in the environment :data:`WORKER_ENVIRON` (set before each worker starts).

    Its scheduler's HTTP server takes a free port on the loopback interface, not the shared default
    8787, so that clusters started side by side neither collide nor warn.
    """
    environ = {f"distributed.nanny.pre-spawn-environ.{k}": v for k, v in WORKER_ENVIRON.items()}
    with _environment_kept(), dask.config.set(environ):
        cluster = LocalCluster(
            n_workers=(os.cpu_count() or 1) if n_workers is None else n_workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address="127.0.0.1:0",
        )
    with cluster:
        yield cluster


@contextmanager
def _environment_kept() -> Iterator[None]:
    """This process's environment as it was: Dask's nanny writes the workers' environment into its own
    process's before spawning them, which would pass to every process this one starts later."""
    saved = dict(os.environ)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)
