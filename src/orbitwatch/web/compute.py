"""Heavy computations (passes, imaging opportunities) in a child process with a memory and a time bound.

The searches bound their working memory by chunks (well under 1 GB for the sample over a region for a
week), but their time is not well predicted by the request: the whole sample over a region for a day takes
minutes. So each computation runs in a process forked from a clean fork server (modules preloaded, no
threads), limited to ``MAX_COMPUTATION_BYTES`` of address space more than it started with, and killed after
``MAX_COMPUTATION_S``; either gives the client a 422 problem naming the bound, and the server is unharmed.
At most ``MAX_CONCURRENT_COMPUTATIONS`` run at once (the others wait for a slot).
"""

import multiprocessing
import multiprocessing.context
import os
import resource
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from typing import Any, Final, TypeVar

from orbitwatch.core.elements.model import ElementSet
from orbitwatch.core.targets import Region, Site
from orbitwatch.errors import OrbitwatchError
from orbitwatch.services.overflights import (
    OpportunityReport,
    PassReport,
    SensorModel,
    TimeWindow,
    UncertaintyModels,
    pass_time_errors_s,
    search_opportunities,
    search_passes,
    with_history_errors,
)
from orbitwatch.web.limits import ComputeSlots
from orbitwatch.web.problems import bound_exceeded

R = TypeVar("R")

MAX_COMPUTATION_BYTES: Final = 3 * 1024**3
"""Memory one computation may take beyond what its process starts with (3 GiB)."""
MAX_COMPUTATION_S: Final = 300.0
"""How long one computation may run."""


def passes_job(
    elements: Sequence[ElementSet], sites: Sequence[Site], window: TimeWindow, min_elevation_deg: float,
    models: UncertaintyModels,
) -> tuple[PassReport, list[float]]:  # fmt: skip
    """The passes and their timing errors (s, 1 sigma)."""
    report = search_passes(elements, sites, window, min_elevation_deg=min_elevation_deg)
    return report, pass_time_errors_s(report, elements, models)


def opportunities_job(
    elements: Sequence[ElementSet], targets: Sequence[Site | Region], sensor: SensorModel, window: TimeWindow,
    models: UncertaintyModels, pad_sigma: float,
) -> OpportunityReport:  # fmt: skip
    """The imaging opportunities with history error bars, padded by ``pad_sigma`` sigmas."""
    report = with_history_errors(search_opportunities(elements, targets, sensor, window), elements, models)
    return report.padded(pad_sigma) if pad_sigma else report


def warm_up() -> None:
    """One tiny search of each kind (time scale, ephemerides and engines loaded), so that children forked
    afterwards start warm. Never fails: a cold child is only slower."""
    iss = ElementSet(25544, datetime(2026, 5, 27, tzinfo=UTC), 15.5, 0.0005, 51.64, 10.0, 90.0, 270.0)
    seoul = Site("Seoul", 37.5665, 126.978)
    window = TimeWindow(iss.epoch_utc, 3600.0)
    try:
        passes_job([iss], [seoul], window, 10.0, {})
        opportunities_job([iss], [seoul], SensorModel(30.0), window, {}, 0.0)
    except Exception:
        return


class Computations:
    """Runs computations in bounded child processes, a slot at a time."""

    def __init__(
        self,
        slots: ComputeSlots,
        memory_bytes: int = MAX_COMPUTATION_BYTES,
        timeout_s: float = MAX_COMPUTATION_S,
    ) -> None:
        self._slots = slots
        self.memory_bytes = memory_bytes
        self.timeout_s = timeout_s
        if "forkserver" in multiprocessing.get_all_start_methods():
            forkserver = multiprocessing.get_context("forkserver")
            forkserver.set_forkserver_preload([__name__, "orbitwatch.web.compute_warm"])
            self._context: multiprocessing.context.DefaultContext | Any = forkserver
        else:
            self._context = multiprocessing.get_context("spawn")

    def run(self, function: Callable[..., R], *args: Any) -> R:
        """``function(*args)`` in a child process (blocks the calling worker thread); a 422 problem when it
        goes over the memory or time bound."""
        with self._slots.slot():
            receiver, sender = self._context.Pipe(duplex=False)
            child = self._context.Process(
                target=_child, args=(sender, self.memory_bytes, function, args), daemon=True
            )
            child.start()
            sender.close()
            try:
                if not receiver.poll(self.timeout_s):
                    child.kill()
                    raise bound_exceeded(
                        "MAX_COMPUTATION_S", self.timeout_s, "s", None,
                        f"the computation ran longer than {self.timeout_s:g} s, this server's bound: "
                        "shorten the window, or select fewer satellites or targets",
                    )  # fmt: skip
                try:
                    ok, value = receiver.recv()
                except EOFError:
                    ok, value = False, MemoryError()
            finally:
                receiver.close()
                child.join(timeout=10)
                if child.is_alive():
                    child.kill()
                    child.join()
        if ok:
            result: R = value
            return result
        if isinstance(value, MemoryError):
            gib = self.memory_bytes / 1024**3
            raise bound_exceeded(
                "MAX_COMPUTATION_BYTES", self.memory_bytes, "bytes", None,
                f"the computation needs more than {gib:g} GiB of memory, this server's bound per request: "
                "shorten the window, or select fewer satellites or targets (regions seen by geostationary "
                "satellites cost most)",
            )  # fmt: skip
        raise value


def _child(
    sender: Connection, memory_bytes: int, function: Callable[..., Any], args: tuple[Any, ...]
) -> None:
    """In the child: bound the address space, compute, send (True, result) or (False, exception)."""
    try:
        _limit_memory(memory_bytes)
        message: tuple[bool, Any] = (True, function(*args))
    except MemoryError:
        message = (False, MemoryError())
    except OrbitwatchError as exc:
        message = (False, OrbitwatchError(str(exc)))
    except Exception as exc:  # a bug: the parent answers it as a 500 problem and logs it
        message = (False, RuntimeError(f"{type(exc).__name__}: {exc}"))
    try:
        sender.send(message)
    except MemoryError:
        sender.send((False, MemoryError()))
    finally:
        sender.close()


def _limit_memory(memory_bytes: int) -> None:
    """Limit the process's address space to what it has now plus ``memory_bytes`` (Linux)."""
    if not sys.platform.startswith("linux"):
        return
    with open("/proc/self/statm") as statm:
        current = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = current + memory_bytes
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
