"""Errors as RFC 9457 problem documents (``application/problem+json``), and the handlers that write them.

Every error a client can cause has its status: 401 (no or bad bearer token), 404 (no such object, site,
watch list...), 409 (a name already taken), 413 (body too large), 422 (bad input: ``errors`` lists each
problem as where / what / why; a bound exceeded names it in ``bound``), 503 (the catalog store or the
computing slots are unavailable). Anything else is a bug: the catch-all handler logs it (never the
request's headers) and answers a 500 problem without internals.
"""

import logging
from typing import Any, Final

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from orbitwatch.errors import OrbitwatchError, StoreError

PROBLEM_JSON: Final = "application/problem+json"
log = logging.getLogger("orbitwatch.web")


class FieldProblem(BaseModel):
    """One problem of a request: where it is, what kind, and why."""

    where: str = Field(
        description="The part of the request: query.hours, body.selections.0.owner, path.norad_id"
    )
    what: str = Field(description="The kind of problem (a short code)")
    why: str = Field(description="What is wrong, in words")


class Bound(BaseModel):
    """A limit of the server that a request went over."""

    name: str
    limit: float
    unit: str
    got: float | None = None


class Problem(BaseModel):
    """An RFC 9457 problem document."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str = ""
    instance: str | None = None
    errors: list[FieldProblem] | None = None
    bound: Bound | None = None


class ProblemError(Exception):
    """An error answered as a problem document of ``status``."""

    def __init__(
        self,
        status: int,
        title: str,
        detail: str = "",
        *,
        errors: list[FieldProblem] | None = None,
        bound: Bound | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail or title)
        self.problem = Problem(title=title, status=status, detail=detail, errors=errors, bound=bound)
        self.headers = headers or {}


def not_found(what: str) -> ProblemError:
    """A 404 problem: ``what`` is not there."""
    return ProblemError(404, "Not Found", what)


def bound_exceeded(name: str, limit: float, unit: str, got: float | None, detail: str) -> ProblemError:
    """A 422 problem for a request over one of the server's bounds."""
    return ProblemError(
        422, "Bound exceeded", detail, bound=Bound(name=name, limit=limit, unit=unit, got=got)
    )


def problem_response(
    request: Request, problem: Problem, headers: dict[str, str] | None = None
) -> JSONResponse:
    """The JSON response of a problem, its ``instance`` the request's path."""
    body = problem.model_copy(update={"instance": request.url.path}).model_dump(exclude_none=True)
    return JSONResponse(body, status_code=problem.status, media_type=PROBLEM_JSON, headers=headers)


RESPONSES: Final[dict[int | str, dict[str, Any]]] = {
    status: {"model": Problem, "content": {PROBLEM_JSON: {}}, "description": description}
    for status, description in (
        (401, "No valid bearer token"),
        (422, "Bad input, or a bound exceeded"),
        (503, "The catalog store or the computing slots are unavailable"),
    )
}
"""The problem responses every operation may give (documented in the OpenAPI)."""


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """Problem responses of these statuses, for an operation's ``responses``."""
    described = {404: "Not found", 409: "The name is taken", 413: "The body is too large"}
    return {
        s: {"model": Problem, "content": {PROBLEM_JSON: {}}, "description": described[s]} for s in statuses
    }


def install(app: FastAPI) -> None:
    """Register the handlers that answer every error as a problem document."""
    app.add_exception_handler(ProblemError, _api_problem)
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(StarletteHTTPException, _http)
    app.add_exception_handler(StoreError, _store)
    app.add_exception_handler(OrbitwatchError, _orbitwatch)
    app.add_exception_handler(Exception, _unexpected)


async def _api_problem(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ProblemError)
    return problem_response(request, exc.problem, exc.headers)


async def _validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [_field_problem(error) for error in exc.errors()]
    detail = "; ".join(f"{e.where}: {e.why}" for e in errors) or "the request is not valid"
    problem = Problem(title="Unprocessable Content", status=422, detail=detail, errors=errors)
    return problem_response(request, problem)


def _field_problem(error: Any) -> FieldProblem:
    """A validation error as where / what / why (never echoing the input: it may be large or secret)."""
    where = ".".join(str(part) for part in error.get("loc", ())) or "request"
    return FieldProblem(where=where, what=str(error.get("type", "invalid")), why=str(error.get("msg", "")))


async def _http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    title = _TITLES.get(exc.status_code, "Error")
    detail = exc.detail if isinstance(exc.detail, str) and exc.detail != title else ""
    headers = dict(exc.headers) if exc.headers else None
    return problem_response(request, Problem(title=title, status=exc.status_code, detail=detail), headers)


_TITLES: Final = {
    400: "Bad Request",
    401: "Unauthorized",
    404: "Not Found",
    405: "Method Not Allowed",
    413: "Content Too Large",
    415: "Unsupported Media Type",
}


async def _store(request: Request, exc: Exception) -> JSONResponse:
    log.warning("catalog store error on %s %s: %s", request.method, request.url.path, exc)
    problem = Problem(title="Catalog store unavailable", status=503, detail=str(exc))
    return problem_response(request, problem, {"Retry-After": "5"})


async def _orbitwatch(request: Request, exc: Exception) -> JSONResponse:
    return problem_response(request, Problem(title="Unprocessable Content", status=422, detail=str(exc)))


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.error("internal error on %s %s", request.method, request.url.path, exc_info=exc)
    problem = Problem(
        title="Internal Server Error",
        status=500,
        detail=f"internal error ({type(exc).__name__}); the server log has the traceback",
    )
    return problem_response(request, problem)
