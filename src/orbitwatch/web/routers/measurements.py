"""Tracking measurements: upload a measurement file, list what the store keeps.

``POST /measurements`` takes one CCSDS TDM (KVN or XML) or measurement CSV as the body, read as it streams
in and never past the server's upload limit (413 beyond it), by the same strict readers and the same
one-transaction store write as ``orbitwatch ingest``
(:func:`orbitwatch.services.od_jobs.upload_measurements`), in a worker thread: 201 stored (counts, and each
refused record with its line and reason), 200 when the same file was stored before (``duplicate_of``), 422
when it is not a measurement file or cannot be read at all.
"""

from typing import Annotated, Any, Final, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from orbitwatch.services.od_jobs import list_measurements, upload_measurements
from orbitwatch.web.auth import authorize
from orbitwatch.web.deps import Now, Store
from orbitwatch.web.params import MAX_TEXT, PRINTABLE, Paging, check_texts, parse_instant
from orbitwatch.web.problems import ProblemError, responses
from orbitwatch.web.routers.objects import page_info
from orbitwatch.web.schemas.od import (
    MAX_STATIONS,
    Kind,
    MeasurementPage,
    MeasurementRecord,
    MeasurementUpload,
)
from orbitwatch.web.uploads import FILENAME, file_body, uploaded_bytes

router = APIRouter(prefix="/measurements", tags=["measurements"], dependencies=[Depends(authorize)])

UPLOAD_PATH: Final = "/measurements"
"""The path whose body is an upload (the server's upload limit, not the JSON one)."""
ALREADY: Final[dict[int | str, dict[str, Any]]] = {
    200: {"model": MeasurementUpload, "description": "Already stored: nothing new"}
}
BODY: Final = file_body("The bytes of one CCSDS TDM (KVN or XML) or measurement CSV (UTF-8 text)")
Instant = Annotated[
    str | None,
    Query(min_length=1, max_length=MAX_TEXT, pattern=PRINTABLE, description="ISO 8601 (UTC if no offset)"),
]


@router.post(
    "",
    status_code=201,
    summary="Upload a measurement file",
    openapi_extra=BODY,
    responses={**ALREADY, **responses(413)},
)
async def upload(
    request: Request,
    response: Response,
    store: Store,
    now: Now,
    filename: Annotated[
        str,
        Query(
            min_length=1, max_length=MAX_TEXT, pattern=FILENAME, description="The file's name (the source)"
        ),
    ] = "upload",
    fmt: Annotated[
        Literal["tdm", "measurements-csv"] | None,
        Query(alias="format", description="The format; detected when not given"),
    ] = None,
) -> MeasurementUpload:
    """Store the measurements of the body, in one transaction; refused records are listed with reasons."""
    data = await uploaded_bytes(request)
    outcome = await run_in_threadpool(
        upload_measurements, store, data, filename=filename, now_utc=now, fmt=fmt
    )
    if outcome.summary is None:
        raise ProblemError(422, "Unprocessable Content", outcome.status.removeprefix("failed: "))
    if outcome.summary.duplicate_of is not None:
        response.status_code = 200
    return MeasurementUpload.of(outcome)


@router.get("", summary="List stored measurements")
def get_measurements(
    store: Store,
    now: Now,
    page: Paging,
    since: Instant = None,
    until: Instant = None,
    stations: Annotated[
        list[str], Query(alias="station", max_length=MAX_STATIONS, description="Of any of these stations")
    ] = [],  # noqa: B006 (FastAPI copies defaults)
    kinds: Annotated[list[Kind], Query(alias="kind", max_length=8, description="Of any of these kinds")] = [],  # noqa: B006
) -> MeasurementPage:
    """Stored measurements by time: from ``since`` to ``until`` (either open), of the stations and kinds."""
    check_texts("query.station", stations)
    since_utc = parse_instant(since, "query.since", now) if since is not None else None
    until_utc = parse_instant(until, "query.until", now) if until is not None else None
    found = list_measurements(
        store,
        since_utc=since_utc,
        until_utc=until_utc,
        stations=stations,
        kinds=kinds,
        limit=page.limit + 1,
        offset=page.offset,
    )
    items = [MeasurementRecord.of(m) for m in found[: page.limit]]
    return MeasurementPage(items=items, page=page_info(page, len(found) > page.limit))
