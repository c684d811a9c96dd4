"""The web dashboard: its page at ``/``, its files under ``/static`` (shipped in the package, D3
included, so the page needs no network beyond this server), and an object's element-history plot.

The page and its files hold no catalog data and are public; the page reads everything through the API
with the bearer token the user gives it (kept in the browser's session storage, sent only in the
``Authorization`` header). Its Content-Security-Policy lets it load and connect to this server only.
"""

from importlib import resources
from typing import Final

from fastapi import APIRouter, Depends, FastAPI, Path, Response
from fastapi.responses import HTMLResponse
from starlette.staticfiles import StaticFiles

from orbitwatch.core.elements.model import MAX_NORAD_ID
from orbitwatch.services.object_plots import history_png, stored_history
from orbitwatch.web.auth import authorize
from orbitwatch.web.deps import Compute, Store
from orbitwatch.web.problems import not_found, responses

STATIC_PATH: Final = "/static"
CONTENT_SECURITY_POLICY: Final = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
PAGE_HEADERS: Final = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}
PNG: Final = "image/png"
NoradPath = Path(ge=1, le=MAX_NORAD_ID, description="Catalog number")

router = APIRouter()


def static_folder() -> str:
    """The folder of the dashboard's files inside the installed package."""
    return str(resources.files("orbitwatch.web") / "static")


def install(app: FastAPI) -> None:
    """Add the dashboard's page, its files and the history plot to ``app``."""
    app.include_router(router)
    app.mount(STATIC_PATH, StaticFiles(directory=static_folder(), check_dir=True), name="static")


@router.get("/", include_in_schema=False)
def page() -> HTMLResponse:
    """The dashboard page."""
    html = (resources.files("orbitwatch.web") / "static" / "index.html").read_text(encoding="utf-8")
    return HTMLResponse(html, headers=PAGE_HEADERS)


@router.get(
    "/objects/{norad_id}/history.png",
    tags=["objects"],
    summary="An object's element-history plot",
    dependencies=[Depends(authorize)],
    response_class=Response,
    responses={200: {"content": {PNG: {}}, "description": "A PNG plot"}, **responses(404)},
)
def history_plot(
    store: Store,
    computations: Compute,
    norad_id: int = Path(ge=1, le=MAX_NORAD_ID, description="Catalog number"),
) -> Response:
    """Perigee and apogee height, inclination and eccentricity of the object's stored element sets
    against time, with its stored events marked (the plot of ``orbitwatch manoeuvres --plot``)."""
    found = stored_history(store, norad_id)
    if found is None:
        raise not_found(f"object {norad_id} is not in the catalog")
    png = computations.run(history_png, found)
    return Response(png, media_type=PNG, headers={"Cache-Control": "no-cache"})
