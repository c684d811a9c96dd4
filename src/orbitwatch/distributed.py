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
WORKER_ENVIRON = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "ASTROZ_THREADS": "1"}
"""Set in each local worker before it starts: one thread per worker process, so workers share the cores."""


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
    """``search`` of every chunk, in chunk order, calling ``progress`` as each one finishes."""
    report = progress or (lambda done, total: None)
    if scheduler is None:
        computed = []
        for done, chunk in enumerate(chunks, 1):
            computed.append(search(chunk))
            report(done, len(chunks))
        return computed
    with _client(scheduler, connect_timeout_s) as client:
        futures = client.map(search, chunks, pure=False)
        for done, _ in enumerate(as_completed(futures), 1):
            report(done, len(chunks))
        results: list[R] = client.gather(futures)
        return results


@contextmanager
def _client(scheduler: str, connect_timeout_s: float) -> Iterator[Client]:
    """A client of the scheduler at ``scheduler``, or of a local cluster started for it (``"local"``)."""
    if scheduler == "local":
        with _local_cluster() as cluster, Client(cluster, set_as_default=False) as client:
            yield client
        return
    try:
        client = Client(scheduler, timeout=connect_timeout_s, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise OrbitwatchError(
            f"cannot reach the Dask scheduler at {scheduler!r} within {connect_timeout_s:g} s ({exc}); "
            "give its address as tcp://HOST:PORT, or 'local' to start a cluster on this machine"
        ) from None
    with client:
        yield client


@contextmanager
def _local_cluster() -> Iterator[LocalCluster]:
    """One single-threaded worker process per core, its numeric libraries held to one thread."""
    environ = {f"distributed.nanny.pre-spawn-environ.{k}": v for k, v in WORKER_ENVIRON.items()}
    with dask.config.set(environ):
        cluster = LocalCluster(
            n_workers=os.cpu_count() or 1, threads_per_worker=1, processes=True, dashboard_address=None
        )
    with cluster:
        yield cluster
