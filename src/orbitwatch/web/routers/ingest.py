"""Ingest by upload: the request body is one element file (TLE, OMM KVN/XML/JSON/CSV) or a SATCAT CSV.

The body is read as it streams in, never past the server's upload limit (413 beyond it); then the same
strict readers and the same one-transaction store write as ``orbitwatch ingest`` take it, in a worker
thread. A body that cannot be read at all is a 422; one already ingested under the same group is stored
once (200, ``duplicate_of``); a new one is 201.
"""

from typing import Annotated, Any, Final, Literal, get_args

from fastapi import APIRouter, Depends, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from orbitwatch.core.elements.formats import ELEMENT_FORMATS
from orbitwatch.services.uploads import ingest_upload
from orbitwatch.web.auth import authorize
from orbitwatch.web.deps import Now, Store
from orbitwatch.web.params import MAX_TEXT
from orbitwatch.web.problems import ProblemError, responses
from orbitwatch.web.schemas.catalog import IngestResult
from orbitwatch.web.uploads import FILENAME, file_body, uploaded_bytes

router = APIRouter(tags=["ingest"], dependencies=[Depends(authorize)])

Format = Literal["tle", "omm-kvn", "omm-xml", "omm-json", "omm-csv", "satcat-csv"]
assert set(get_args(Format)) == {*ELEMENT_FORMATS, "satcat-csv"}, "the formats of the core changed"
GROUP: Final = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"
ALREADY: Final[dict[int | str, dict[str, Any]]] = {
    200: {"model": IngestResult, "description": "Already ingested: nothing new stored"}
}
BODY: Final = file_body("The bytes of one element file or SATCAT CSV (UTF-8 text)")


@router.post(
    "/ingest",
    status_code=201,
    summary="Ingest an uploaded element file",
    openapi_extra=BODY,
    responses={**ALREADY, **responses(413)},
)
async def ingest(
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
    group: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=100,
            pattern=GROUP,
            description="The CelesTrak group it holds (membership)",
        ),
    ] = None,
    fmt: Annotated[
        Format | None, Query(alias="format", description="The format; detected when not given")
    ] = None,
) -> IngestResult:
    """Store the element sets (or SATCAT records) of the body, in one transaction."""
    data = await uploaded_bytes(request)
    outcome = await run_in_threadpool(
        ingest_upload, store, data, filename=filename, now_utc=now, fmt=fmt, group=group
    )
    if outcome.summary is None:
        raise ProblemError(422, "Unprocessable Content", f"upload:{filename}: {outcome.status}")
    if outcome.summary.duplicate_of is not None:
        response.status_code = 200
    return IngestResult.of(outcome)
