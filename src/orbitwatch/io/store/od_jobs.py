"""Orbit-determination jobs in the catalog store (schema version 7): their rows and the statements on them.

A job is created ``queued``; a runner claims the oldest queued job by one conditional update (``queued`` ->
``running``, so two runners never take the same job), then records it ``done`` with its result or ``failed``
with its one-line error. A job found ``running`` when a server starts was cut short by a stop of the server:
:func:`interrupt_running` marks it ``failed``. Requests and results are JSON text.
"""

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from sqlalchemy import Connection, Select, func, insert, select, update

from orbitwatch.errors import StoreError
from orbitwatch.io.store.rows import aware_utc, naive_utc
from orbitwatch.io.store.tables import od_jobs

JOB_KINDS: Final = ("od", "correlate", "ascent")
JOB_STATUSES: Final = ("queued", "running", "done", "failed")
UNFINISHED: Final = ("queued", "running")
MAX_JSON_CHARS: Final = 10_000_000
MAX_ERROR_CHARS: Final = 2000


@dataclass(frozen=True, slots=True)
class StoredOdJob:
    """An orbit-determination job as stored: id, kind, request, status, times (UTC), result and error."""

    job_id: int
    kind: str
    request: dict[str, Any]
    status: str
    created_utc: datetime
    started_utc: datetime | None
    finished_utc: datetime | None
    result: dict[str, Any] | None
    error: str | None


@dataclass(frozen=True, slots=True)
class OdJobFilter:
    """Which jobs to read: of any of ``statuses`` and ``kinds`` (all when empty); ``limit`` rows after
    skipping ``offset``, newest first."""

    statuses: Sequence[str] = ()
    kinds: Sequence[str] = ()
    limit: int = 100
    offset: int = 0


def _json_text(value: Mapping[str, Any], what: str) -> str:
    """Compact JSON text that PostgreSQL can store (no NUL), bounded in length."""
    try:
        text = json.dumps(dict(value), sort_keys=True, separators=(",", ":"), allow_nan=False)
    except ValueError as exc:
        raise StoreError(f"the {what} of an orbit-determination job is not JSON: {exc}") from None
    if "\\u0000" in text or len(text) > MAX_JSON_CHARS:
        raise StoreError(f"the {what} of an orbit-determination job has a NUL character or is too long")
    return text


def add_job(connection: Connection, kind: str, request: Mapping[str, Any], created_utc: datetime) -> int:
    """Store a new ``queued`` job; its id."""
    if kind not in JOB_KINDS:
        raise StoreError(f"an orbit-determination job's kind is one of {', '.join(JOB_KINDS)}, not {kind!r}")
    values = {
        "kind": kind,
        "request": _json_text(request, "request"),
        "status": "queued",
        "created_utc": naive_utc(created_utc),
    }
    return int(connection.execute(insert(od_jobs).values(**values).returning(od_jobs.c.id)).scalar_one())


def job(connection: Connection, job_id: int) -> StoredOdJob | None:
    """The job of this id; None when there is none."""
    row = connection.execute(select(od_jobs).where(od_jobs.c.id == int(job_id))).mappings().first()
    return None if row is None else _stored(row)


def select_jobs(selected: OdJobFilter) -> Select[tuple[Any, ...]]:
    """The jobs of a filter, newest first."""
    query = select(od_jobs)
    if selected.statuses:
        query = query.where(od_jobs.c.status.in_(list(selected.statuses)))
    if selected.kinds:
        query = query.where(od_jobs.c.kind.in_(list(selected.kinds)))
    return query.order_by(od_jobs.c.id.desc()).limit(selected.limit).offset(selected.offset)


def jobs(connection: Connection, selected: OdJobFilter) -> list[StoredOdJob]:
    """The jobs of a filter, newest first."""
    return [_stored(row) for row in connection.execute(select_jobs(selected)).mappings()]


def unfinished_count(connection: Connection) -> int:
    """How many jobs are queued or running."""
    query = select(func.count()).select_from(od_jobs).where(od_jobs.c.status.in_(UNFINISHED))
    return int(connection.execute(query).scalar_one())


def claim_next(connection: Connection, started_utc: datetime) -> StoredOdJob | None:
    """Mark the oldest queued job ``running`` and return it; None when no job is queued (or another runner
    took it first)."""
    oldest = connection.execute(
        select(od_jobs.c.id).where(od_jobs.c.status == "queued").order_by(od_jobs.c.id).limit(1)
    ).scalar()
    if oldest is None:
        return None
    claimed = connection.execute(
        update(od_jobs)
        .where(od_jobs.c.id == oldest, od_jobs.c.status == "queued")
        .values(status="running", started_utc=naive_utc(started_utc))
    )
    return job(connection, int(oldest)) if claimed.rowcount == 1 else None


def finish_job(
    connection: Connection,
    job_id: int,
    *,
    result: Mapping[str, Any] | None,
    error: str | None,
    finished_utc: datetime,
) -> bool:
    """Record a running job ``done`` with its result, or ``failed`` with its error (when ``error`` is not
    None); True when the job was running."""
    values: dict[str, Any] = {"finished_utc": naive_utc(finished_utc)}
    if error is not None:
        values |= {"status": "failed", "error": _one_line(error), "result": None}
    else:
        values |= {"status": "done", "error": None, "result": _json_text(result or {}, "result")}
    done = connection.execute(
        update(od_jobs).where(od_jobs.c.id == int(job_id), od_jobs.c.status == "running").values(**values)
    )
    return bool(done.rowcount == 1)


def interrupt_running(connection: Connection, error: str, finished_utc: datetime) -> int:
    """Mark every ``running`` job ``failed`` with ``error``; how many there were."""
    done = connection.execute(
        update(od_jobs)
        .where(od_jobs.c.status == "running")
        .values(status="failed", error=_one_line(error), finished_utc=naive_utc(finished_utc))
    )
    return int(done.rowcount)


def _one_line(text: str) -> str:
    line = " ".join(text.replace("\x00", " ").split())
    return line if len(line) <= MAX_ERROR_CHARS else line[: MAX_ERROR_CHARS - 3] + "..."


def _stored(row: Mapping[Any, Any]) -> StoredOdJob:
    return StoredOdJob(
        job_id=int(row["id"]),
        kind=row["kind"],
        request=json.loads(row["request"]),
        status=row["status"],
        created_utc=aware_utc(row["created_utc"]),
        started_utc=None if row["started_utc"] is None else aware_utc(row["started_utc"]),
        finished_utc=None if row["finished_utc"] is None else aware_utc(row["finished_utc"]),
        result=None if row["result"] is None else json.loads(row["result"]),
        error=row["error"],
    )
