"""Health and the server's bounds (public, without a token)."""

from fastapi import APIRouter, Request
from pydantic import BaseModel

from orbitwatch import __version__
from orbitwatch.web import limits
from orbitwatch.web.deps import get_settings

router = APIRouter(tags=["system"])


class Health(BaseModel):
    """The server is up; its version and whether reads need a token."""

    status: str
    version: str
    read_access: str


class Limits(BaseModel):
    """The bounds of one request (a request over one gets a 422 or 413 problem naming it)."""

    max_window_hours: float
    max_objects: int
    max_targets: int
    max_page_size: int
    max_upload_bytes: int
    max_json_bytes: int
    max_region_positions: int
    max_concurrent_computations: int


@router.get("/health", summary="Is the server up")
def health(request: Request) -> Health:
    """The server answers: its version and read access (``public`` or ``token``)."""
    return Health(status="ok", version=__version__, read_access=get_settings(request).read_access)


@router.get("/limits", summary="The bounds of one request")
def bounds(request: Request) -> Limits:
    """The time window, object, target, page, body and region bounds of this server."""
    return Limits(
        max_window_hours=limits.MAX_WINDOW_HOURS,
        max_objects=limits.MAX_OBJECTS,
        max_targets=limits.MAX_TARGETS,
        max_page_size=limits.MAX_PAGE_SIZE,
        max_upload_bytes=get_settings(request).max_upload_bytes,
        max_json_bytes=limits.MAX_JSON_BYTES,
        max_region_positions=limits.MAX_REGION_POSITIONS,
        max_concurrent_computations=limits.MAX_CONCURRENT_COMPUTATIONS,
    )
