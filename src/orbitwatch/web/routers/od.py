"""Orbit-determination jobs: ``od``, ``correlate`` and ``ascent`` on the stored measurements, in the
background.

``POST /od/jobs`` checks the request (its times, its sites), keeps the job in the store and answers 202 with
its id and ``Location``. The server's :class:`~orbitwatch.services.od_jobs.JobRunner` runs queued jobs one
at a time in the bounded child process of :mod:`orbitwatch.web.compute` (memory and time bounds; over
either, the job ends ``failed`` naming the bound). ``GET /od/jobs/{job_id}`` gives its status, times and,
once ``done``, the JSON of ``orbitwatch od/correlate/ascent --format json``; a job whose input is bad ends
``failed`` with the reason. Jobs live in the store: a restarted server keeps queued jobs and marks those it
was running ``failed`` ("interrupted by a server restart").
"""

from typing import Annotated, Any, Final

from fastapi import APIRouter, Body, Depends, FastAPI, Path, Query, Request, Response

from orbitwatch.services.catalog import CatalogStore
from orbitwatch.services.od_jobs import (
    ComputeBusyError,
    JobFailedError,
    JobRunner,
    OdJobFilter,
    QueueFullError,
    submit_job,
)
from orbitwatch.web.auth import authorize
from orbitwatch.web.compute import Computations
from orbitwatch.web.deps import Now, Store, utc_now
from orbitwatch.web.jobs import resolve_site_list
from orbitwatch.web.params import Paging, parse_instant
from orbitwatch.web.problems import PROBLEM_JSON, Problem, ProblemError, not_found, responses
from orbitwatch.web.routers.objects import page_info
from orbitwatch.web.schemas.od import JobKind, JobRequest, JobStatus, OdJob, OdJobPage, OdJobSummary

router = APIRouter(prefix="/od/jobs", tags=["orbit determination"], dependencies=[Depends(authorize)])

MAX_JOB_ID: Final = 2**62


def get_runner(request: Request) -> JobRunner:
    """The application's job runner."""
    runner: JobRunner = request.app.state.od_jobs
    return runner


Runner = Annotated[JobRunner, Depends(get_runner)]
BUSY: Final[dict[int | str, dict[str, Any]]] = {
    429: {
        "model": Problem,
        "content": {PROBLEM_JSON: {}},
        "description": "Too many jobs are queued or running; retry later",
    }
}


@router.post("", status_code=202, summary="Start an orbit-determination job", responses=BUSY)
def post_job(
    store: Store,
    now: Now,
    runner: Runner,
    response: Response,
    request: Annotated[JobRequest, Body(description="od (the default kind), correlate or ascent")],
) -> OdJob:
    """Queue a job on the stored measurements of a span; poll ``Location`` until it is done or failed."""
    since = parse_instant(request.since, "body.since", now) if request.since is not None else None
    until = parse_instant(request.until, "body.until", now) if request.until is not None else None
    if since is not None and until is not None and since > until:
        raise ProblemError(422, "Unprocessable Content", "body.since: the span ends before it starts")
    resolve_site_list(store, request.sites)
    canonical = request.model_dump(mode="json")
    canonical["since"] = None if since is None else since.isoformat().replace("+00:00", "Z")
    canonical["until"] = None if until is None else until.isoformat().replace("+00:00", "Z")
    try:
        job = submit_job(store, request.kind, canonical, now_utc=now)
    except QueueFullError as exc:
        raise ProblemError(429, "Too Many Requests", str(exc), headers={"Retry-After": "30"}) from None
    runner.notify()
    response.headers["Location"] = f"/od/jobs/{job.job_id}"
    return OdJob.of(job)


@router.get("", summary="List orbit-determination jobs")
def get_jobs(
    store: Store,
    page: Paging,
    statuses: Annotated[list[JobStatus], Query(alias="status", max_length=4, description="Any of")] = [],  # noqa: B006
    kinds: Annotated[list[JobKind], Query(alias="kind", max_length=3, description="Any of")] = [],  # noqa: B006
) -> OdJobPage:
    """Jobs, newest first, without their results."""
    found = store.od_jobs(OdJobFilter(statuses, kinds, page.limit + 1, page.offset))
    items = [OdJobSummary.of(job) for job in found[: page.limit]]
    return OdJobPage(items=items, page=page_info(page, len(found) > page.limit))


@router.get("/{job_id}", summary="One orbit-determination job", responses=responses(404))
def get_job(store: Store, job_id: Annotated[int, Path(ge=1, le=MAX_JOB_ID)]) -> OdJob:
    """A job's status (queued, running, done, failed), times, and its result once done."""
    found = store.od_job(job_id)
    if found is None:
        raise not_found(f"no orbit-determination job has the id {job_id}")
    return OdJob.of(found)


# --- the runner --------------------------------------------------------------------------------------------


def bounded(computations: Computations) -> Any:
    """``compute(function, *args)`` in the bounded child process, its problems as the runner's errors: a
    bound exceeded ends the job failed (naming the bound); busy slots make the runner wait."""

    def compute(function: Any, *args: Any) -> Any:
        try:
            return computations.run(function, *args)
        except ProblemError as exc:
            problem = exc.problem
            if problem.status == 503:
                raise ComputeBusyError(problem.detail) from None
            bound = f"{problem.bound.name}: " if problem.bound is not None else ""
            raise JobFailedError(f"{bound}{problem.detail}") from None

    return compute


def start_jobs(app: FastAPI, store: CatalogStore) -> JobRunner:
    """Start the application's job runner (jobs a stopped server left running are marked failed first)."""
    runner = JobRunner(store, bounded(app.state.computations), utc_now)
    app.state.od_jobs = runner
    runner.start()
    return runner
