"""Measurement uploads and orbit-determination jobs: the use cases behind the API's ``/measurements`` and
``/od/jobs``.

An upload is one measurement file (CCSDS TDM in KVN or XML, or the measurement CSV) read by the same strict
readers and stored in one transaction as ``orbitwatch ingest`` (:func:`upload_measurements`).

A job is a request kept in the store (``od``, ``correlate`` or ``ascent`` over the stored measurements of a
span) that a :class:`JobRunner` runs in the background, one at a time, oldest first. The runner reads the
job's input from the store (:func:`prepare_job`: the measurements, their stations, for ``correlate`` the
selected objects' element sets) and hands it to a bounded computation (:func:`compute_job`, in the edge's
child process): what ``orbitwatch od/correlate/ascent --since/--until --format json`` computes, with the same
services and the same JSON builders (:mod:`orbitwatch.services.od`). A job whose input is bad (no
measurements in the span, an unknown station, a geometry that gives no orbit) or that goes over a bound ends
``failed`` with the one-line reason. A server stopped while a job ran leaves it ``running``; the next runner
to start marks it ``failed`` ("interrupted by a server restart"): it is not re-run, since it may be what
stopped the server. Jobs still ``queued`` are kept and run. One server runs the jobs of a database.
"""

import logging
import math
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from orbitwatch.core.elements.formats import decode_text
from orbitwatch.core.elements.model import ElementSet
from orbitwatch.core.od.correlate import DEFAULT_GATE_PROBABILITY
from orbitwatch.core.od.measurements import Measurement
from orbitwatch.core.od.pipeline import DEFAULT_FITTED_NORAD_ID
from orbitwatch.core.od.readers import MEASUREMENT_FORMATS, measurement_format
from orbitwatch.errors import ObservationError, OrbitwatchError
from orbitwatch.io.files import Fetched
from orbitwatch.io.store import CatalogStore
from orbitwatch.io.store.observations import MeasurementFilter
from orbitwatch.io.store.od_jobs import JOB_KINDS, JOB_STATUSES, OdJobFilter, StoredOdJob
from orbitwatch.services.catalog import Selection
from orbitwatch.services.ingest import IngestOutcome, ingest_fetched
from orbitwatch.services.od import (
    MeasurementSet,
    ascent,
    ascent_json,
    correlate_with,
    correlation_catalog,
    correlation_json,
    determine_orbit,
    od_json,
    read_measurements,
)

__all__ = [
    "INTERRUPTED",
    "JOB_KINDS",
    "JOB_STATUSES",
    "MAX_JOB_MEASUREMENTS",
    "MAX_UNFINISHED_JOBS",
    "ComputeBusyError",
    "JobFailedError",
    "JobInput",
    "JobRunner",
    "OdJobFilter",
    "QueueFullError",
    "StoredOdJob",
    "compute_job",
    "list_measurements",
    "prepare_job",
    "submit_job",
    "upload_measurements",
]

log = logging.getLogger("orbitwatch.od_jobs")

MAX_UNFINISHED_JOBS: Final = 100
"""The most jobs queued or running at once; a new one beyond is refused (:class:`QueueFullError`)."""
MAX_JOB_MEASUREMENTS: Final = 100_000
"""The most stored measurements one job reads."""
INTERRUPTED: Final = "interrupted by a server restart"
POLL_S: Final = 5.0
BUSY_RETRY_S: Final = 2.0


class JobFailedError(OrbitwatchError):
    """A job's computation went over a bound; the message names it."""


class ComputeBusyError(OrbitwatchError):
    """Every computing slot stayed busy: the runner tries again later."""


class QueueFullError(OrbitwatchError):
    """Too many jobs are queued or running."""


# --- measurements -----------------------------------------------------------------------------------------


def upload_measurements(
    store: CatalogStore, data: bytes, *, filename: str, now_utc: datetime, fmt: str | None = None
) -> IngestOutcome:
    """Read uploaded bytes as a measurement file (``fmt``: ``tdm`` or ``measurements-csv``, detected when
    None) and store its measurements; anything else, or an unreadable file, is reported, not raised."""
    item = Fetched.of(f"upload:{filename}", data, now_utc, None)
    try:
        found = measurement_format(decode_text(data, item.source))
    except OrbitwatchError as exc:
        return IngestOutcome(item.source, fmt or "", None, None, f"failed: {exc}")
    if found is None or (fmt is not None and fmt != found):
        expected = fmt or " or ".join(MEASUREMENT_FORMATS)
        why = (
            f"not a measurement file of format {expected} (a CCSDS TDM in KVN or XML, or a CSV whose header "
            "starts TIME_UTC,KIND,STATION); element files go to /ingest"
        )
        return IngestOutcome(item.source, fmt or "", None, None, f"failed: {item.source}: {why}")
    return ingest_fetched(store, item, now_utc=now_utc, fmt=found)


def list_measurements(
    store: CatalogStore,
    *,
    since_utc: datetime | None = None,
    until_utc: datetime | None = None,
    stations: Sequence[str] = (),
    kinds: Sequence[str] = (),
    limit: int = 100,
    offset: int = 0,
) -> list[Measurement]:
    """Stored measurements by time: within [since, until], of any of the stations and kinds, a page."""
    selected = MeasurementFilter(since_utc, until_utc, tuple(stations), tuple(kinds))
    return store.measurement_page(selected, limit=limit, offset=offset)


# --- jobs ------------------------------------------------------------------------------------------------


def submit_job(
    store: CatalogStore, kind: str, request: Mapping[str, Any], *, now_utc: datetime
) -> StoredOdJob:
    """Queue a job (``request`` is its JSON); :class:`QueueFullError` when too many are unfinished."""
    if kind not in JOB_KINDS:
        raise OrbitwatchError(f"a job's kind is one of {', '.join(JOB_KINDS)}, not {kind!r}")
    unfinished = store.unfinished_od_jobs()
    if unfinished >= MAX_UNFINISHED_JOBS:
        raise QueueFullError(
            f"{unfinished} orbit-determination jobs are queued or running, this server's bound "
            f"(MAX_UNFINISHED_JOBS = {MAX_UNFINISHED_JOBS}); retry when some have finished"
        )
    job_id = store.add_od_job(kind, request, created_utc=now_utc)
    stored = store.od_job(job_id)
    assert stored is not None
    return stored


@dataclass(frozen=True, slots=True)
class JobInput:
    """What a job computes on, read from the store: its measurements and stations, and for ``correlate``
    the selected objects' element sets."""

    kind: str
    request: dict[str, Any]
    data: MeasurementSet
    catalog: tuple[ElementSet, ...] = ()


def prepare_job(store: CatalogStore, kind: str, request: Mapping[str, Any]) -> JobInput:
    """Read a job's input from the store: the stored measurements of its span and stations (at most
    ``MAX_JOB_MEASUREMENTS``) with their stations resolved among its sites, the store's and the gazetteer's.
    Bad input raises an :class:`~orbitwatch.errors.OrbitwatchError` with the one-line reason."""
    if kind not in JOB_KINDS:
        raise OrbitwatchError(f"a job's kind is one of {', '.join(JOB_KINDS)}, not {kind!r}")
    since, until = _instant(request.get("since")), _instant(request.get("until"))
    stations = tuple(str(s) for s in request.get("stations") or ())
    selected = MeasurementFilter(since, until, stations)
    if not store.measurement_page(selected, limit=1):
        span = " ".join(
            f"{word} {request[key]}" for word, key in (("from", "since"), ("to", "until")) if request.get(key)
        )
        of = f"of station {', '.join(stations)}" if stations else ""
        where = " ".join(part for part in (span, of) if part)
        raise ObservationError(
            f"no stored measurement{' ' + where if where else ''}: upload measurements first"
        )
    if store.measurement_page(selected, limit=1, offset=MAX_JOB_MEASUREMENTS):
        raise OrbitwatchError(
            f"the span holds more than {MAX_JOB_MEASUREMENTS} measurements, this server's bound per job "
            "(MAX_JOB_MEASUREMENTS): narrow it with since, until or stations"
        )
    sites = [str(s) for s in request.get("sites") or ()]
    data = read_measurements([], sites, store, stored_between=(since, until), stored_stations=stations)
    catalog: tuple[ElementSet, ...] = ()
    if kind == "correlate":
        catalog = tuple(correlation_catalog(data, store, _selection(request.get("selection") or {})))
    return JobInput(kind, dict(request), data, catalog)


def compute_job(job: JobInput) -> dict[str, Any]:
    """The JSON of ``orbitwatch od``, ``correlate`` or ``ascent`` (``--format json``) on a job's input with
    its options; no store needed (it runs in a bounded child process). A float that is not finite is given
    as null (JSON has no NaN). Bad input raises an :class:`~orbitwatch.errors.OrbitwatchError`."""
    request = job.request
    if job.kind == "od":
        determination = determine_orbit(
            job.data,
            initial=str(request.get("initial", "auto")),
            drag=None if request.get("drag") is None else bool(request["drag"]),
            fit_tle=bool(request.get("fit_tle", False)),
            norad_id=int(request.get("norad_id", DEFAULT_FITTED_NORAD_ID)),
            name=str(request.get("name", "")),
        )
        payload = od_json(determination)
    elif job.kind == "correlate":
        correlation = correlate_with(
            job.data,
            job.catalog,
            probability=float(request.get("probability", DEFAULT_GATE_PROBABILITY)),
            top=int(request.get("top", 10)),
            solve=bool(request.get("solve", False)),
        )
        payload = correlation_json(correlation)
    elif job.kind == "ascent":
        window = request.get("window_s")
        report = ascent(
            job.data,
            window_s=None if window is None else float(window),
            powered=bool(request.get("powered", False)),
            min_perigee_alt_km=float(request.get("min_perigee_km", 100.0)),
            ballistic_m2_kg=float(request.get("ballistic_m2_kg", 0.01)),
            samples=int(request.get("samples", 500)),
            probability=float(request.get("probability", 0.95)),
            seed=int(request.get("seed", 0)),
            impact_drag=bool(request.get("impact_drag", False)),
        )
        payload = ascent_json(report)
    else:
        raise OrbitwatchError(f"a job's kind is one of {', '.join(JOB_KINDS)}, not {job.kind!r}")
    finite: dict[str, Any] = _finite(payload)
    return finite


def _selection(chosen: Mapping[str, Any]) -> Selection:
    return Selection(
        groups=tuple(chosen.get("groups") or ()),
        owner=chosen.get("owner"),
        object_type=chosen.get("object_type"),
        name_like=chosen.get("name_like"),
        norad_ids=tuple(chosen.get("norad_ids") or ()),
    )


def _instant(value: Any) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise OrbitwatchError(f"{value!r} is not an ISO 8601 instant") from None


def _finite(value: Any) -> Any:
    """``value`` with every float that is not finite replaced by None."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, Mapping):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_finite(item) for item in value]
    return value


Compute = Callable[..., Any]
"""Runs ``function(*args)`` within bounds (``compute(function, *args)``): the edge's bounded child process.
It raises :class:`JobFailedError` for a bound exceeded and :class:`ComputeBusyError` when no slot is free."""
Clock = Callable[[], datetime]


class JobRunner:
    """Runs the store's queued jobs in a background thread, one at a time, oldest first."""

    def __init__(self, store: CatalogStore, compute: Compute, clock: Clock) -> None:
        self._store = store
        self._compute = compute
        self._clock = clock
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> int:
        """Mark the jobs a stopped server left running ``failed`` (how many), then start running the
        queued ones."""
        interrupted = self._store.interrupt_od_jobs(INTERRUPTED, finished_utc=self._clock())
        if interrupted:
            log.warning("%d orbit-determination job(s) marked failed: %s", interrupted, INTERRUPTED)
        self._thread = threading.Thread(target=self._loop, name="od-jobs", daemon=True)
        self._thread.start()
        return interrupted

    def notify(self) -> None:
        """A job was queued: look now."""
        self._wake.set()

    def stop(self, timeout_s: float = 5.0) -> None:
        """Stop taking jobs; a job running past ``timeout_s`` is left to the next start."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=timeout_s)

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._wake.clear()
            try:
                job = self._store.claim_od_job(started_utc=self._clock())
            except OrbitwatchError as exc:
                log.warning("cannot take an orbit-determination job: %s", exc)
                job = None
            if job is None:
                self._wake.wait(POLL_S)
                continue
            self._run(job)

    def _run(self, job: StoredOdJob) -> None:
        result: dict[str, Any] | None = None
        error: str | None = None
        try:
            result = self._computed(job)
        except OrbitwatchError as exc:
            error = str(exc) or type(exc).__name__
        except Exception as exc:  # a bug: logged, and the job fails without internals
            log.error("orbit-determination job %d failed unexpectedly", job.job_id, exc_info=exc)
            error = f"internal error ({type(exc).__name__}); the server log has the traceback"
        if result is None and error is None:  # stopped while waiting for a slot
            return
        try:
            self._store.finish_od_job(job.job_id, result=result, error=error, finished_utc=self._clock())
        except OrbitwatchError as exc:
            log.error("cannot record orbit-determination job %d: %s", job.job_id, exc)

    def _computed(self, job: StoredOdJob) -> dict[str, Any] | None:
        """The job's result; None when the runner was stopped while waiting for a computing slot."""
        prepared = prepare_job(self._store, job.kind, job.request)
        while True:
            try:
                computed: dict[str, Any] = self._compute(compute_job, prepared)
                return computed
            except ComputeBusyError:
                if self._stop.wait(BUSY_RETRY_S):
                    return None
