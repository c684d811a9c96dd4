"""Query parameters shared by the routers: texts, selections of objects, pages, and instants.

Every text is printable (no control characters: PostgreSQL cannot store NUL, and none belongs in a name)
and at most 200 characters; every catalog number is 1 to 999999999; every list is bounded.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Final

from fastapi import Depends, Query

from orbitwatch.core.elements.model import MAX_NORAD_ID
from orbitwatch.services.catalog import Selection
from orbitwatch.web.limits import MAX_OBJECTS, MAX_OFFSET, MAX_PAGE_SIZE
from orbitwatch.web.problems import FieldProblem, ProblemError

PRINTABLE: Final = r"^[^\u0000-\u001f\u007f]+$"
MAX_TEXT: Final = 200
EARLIEST: Final = datetime(1957, 10, 4, tzinfo=UTC)
LATEST: Final = datetime(2200, 1, 1, tzinfo=UTC)

Text = Annotated[str, Query(min_length=1, max_length=MAX_TEXT, pattern=PRINTABLE)]
NoradId = Annotated[int, Query(ge=1, le=MAX_NORAD_ID)]


@dataclass(frozen=True, slots=True)
class ObjectQuery:
    """Which objects a request is about: a selection, and a stored watch list (its objects added)."""

    selection: Selection
    watch_list: str | None


def object_query(
    group: Annotated[
        list[str], Query(max_length=50, description="CelesTrak group (repeatable): any of them")
    ] = [],  # noqa: B006 (FastAPI copies defaults)
    owner: Annotated[str | None, Query(min_length=1, max_length=MAX_TEXT, pattern=PRINTABLE,
                                       description="SATCAT owner code: PRC, NKOR, US ...")] = None,
    object_type: Annotated[str | None, Query(alias="type", min_length=1, max_length=MAX_TEXT,
                                             pattern=PRINTABLE, description="PAY, R/B, DEB, UNK")] = None,
    name: Annotated[str | None, Query(min_length=1, max_length=MAX_TEXT, pattern=PRINTABLE,
                                      description="Name contains this (case-insensitive)")] = None,
    norad: Annotated[list[int], Query(max_length=MAX_OBJECTS,
                                      description="Catalog number (repeatable)")] = [],  # noqa: B006
    watchlist: Annotated[str | None, Query(min_length=1, max_length=MAX_TEXT, pattern=PRINTABLE,
                                           description="A stored watch list: its objects too")] = None,
) -> ObjectQuery:  # fmt: skip
    """The selection of the query (owner and type in upper case, as the CLI makes them)."""
    check_texts("query.group", group)
    problems = [
        FieldProblem(
            where=f"query.norad.{k}", what="out_of_range", why=f"a catalog number is 1 to {MAX_NORAD_ID}"
        )
        for k, n in enumerate(norad)
        if not 1 <= n <= MAX_NORAD_ID
    ]
    if problems:
        raise invalid(problems)
    selection = Selection(
        groups=tuple(group),
        owner=owner.upper() if owner else None,
        object_type=object_type.upper() if object_type else None,
        name_like=name,
        norad_ids=tuple(dict.fromkeys(norad)),
    )
    return ObjectQuery(selection, watchlist)


@dataclass(frozen=True, slots=True)
class Page:
    """A page of a list: at most ``limit`` items after skipping ``offset``."""

    limit: int
    offset: int


def page(
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="Items per page")] = 100,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Items to skip")] = 0,
) -> Page:
    """The page of the query."""
    return Page(limit, offset)


Objects = Annotated[ObjectQuery, Depends(object_query)]
Paging = Annotated[Page, Depends(page)]


def parse_instant(text: str, where: str, now_utc: datetime) -> datetime:
    """An ISO 8601 instant (``2026-05-27T16:00:00Z``; no offset means UTC) or ``now``, within 1957-2200."""
    if text.strip().lower() == "now":
        return now_utc
    moment: datetime | None
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00").replace("z", "+00:00"))
        moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    except (ValueError, OverflowError):
        moment = None
    if moment is None or not EARLIEST <= moment <= LATEST:
        why = "an ISO 8601 instant from 1957-10-04 to 2200-01-01 (for example 2026-05-27T16:00:00Z)"
        raise ProblemError(
            422,
            "Unprocessable Content",
            f"{where}: {text!r} is not {why}",
            errors=[FieldProblem(where=where, what="datetime_parsing", why=why)],
        )
    return moment


def check_texts(where: str, texts: Sequence[str]) -> None:
    """A 422 problem when any of the texts (a repeated query parameter) is blank, too long or unprintable."""
    invalid_texts = [
        FieldProblem(
            where=f"{where}.{k}", what="string_pattern_mismatch", why="1 to 200 printable characters"
        )
        for k, text in enumerate(texts)
        if not text.strip() or len(text) > MAX_TEXT or not text.isprintable()
    ]
    if invalid_texts:
        raise invalid(invalid_texts)


def invalid(problems: list[FieldProblem]) -> ProblemError:
    """The 422 problem of these field problems."""
    return ProblemError(
        422, "Unprocessable Content", "; ".join(f"{p.where}: {p.why}" for p in problems), errors=problems
    )
