"""The application factory: the store opened once for the process, the routers, the handlers, the limits."""

import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from orbitwatch import __version__
from orbitwatch.services.catalog import open_store
from orbitwatch.services.watch import run_watch
from orbitwatch.services.watch_config import WatchConfig
from orbitwatch.web import problems
from orbitwatch.web.compute import Computations
from orbitwatch.web.limits import MAX_JSON_BYTES, UPLOAD_PATHS, BodyLimit, ComputeSlots
from orbitwatch.web.routers import (
    alerts,
    dashboard,
    events,
    exports,
    ingest,
    measurements,
    objects,
    od,
    overflights,
    places,
    system,
    watchlists,
)
from orbitwatch.web.routers import map as world_map
from orbitwatch.web.settings import Settings

DESCRIPTION = """\
The orbitwatch REST API: the catalog's objects and element history, passes, imaging opportunities and
revisit for sites and regions, catalog events, stored sites, regions and watch lists, alerts, ingest by
upload, tracking measurements and orbit-determination jobs. Every request that writes needs `Authorization:
Bearer TOKEN`; reads too when the server runs with `--read-access token`. Errors are RFC 9457 problem
documents (`application/problem+json`). The bounds of one request are at `/limits`.
"""


def create_app(settings: Settings | None = None, watch: WatchConfig | None = None) -> FastAPI:
    """The API for ``settings`` (by default from the environment); the store is opened when it starts.
    With ``watch``, the watch loop runs in a background thread of the server, on a store of its own."""
    chosen = settings if settings is not None else Settings.from_environment()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        store = open_store(chosen.db_url)
        app.state.store = store
        jobs = od.start_jobs(app, store)
        stop, loop = threading.Event(), None
        if watch is not None:
            loop = threading.Thread(target=_watch_loop, args=(chosen, watch, stop), name="watch", daemon=True)
            loop.start()
        try:
            yield
        finally:
            stop.set()
            if loop is not None:
                loop.join(timeout=30)
            jobs.stop()
            store.close()

    app = FastAPI(
        title="orbitwatch",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        responses=problems.RESPONSES,
        docs_url="/docs",
        redoc_url=None,
    )
    app.state.settings = chosen
    app.state.computations = Computations(ComputeSlots())
    problems.install(app)

    def limit_for(path: str) -> int:
        uploads = path in UPLOAD_PATHS or path == measurements.UPLOAD_PATH
        return chosen.max_upload_bytes if uploads else MAX_JSON_BYTES

    app.add_middleware(BodyLimit, limit_for=limit_for)
    for module in (system, objects, overflights, events, places, watchlists, alerts, ingest, world_map):
        app.include_router(module.router)
    app.include_router(measurements.router)
    app.include_router(od.router)
    app.include_router(exports.router)
    dashboard.install(app)
    return app


def _watch_loop(settings: Settings, watch: WatchConfig, stop: threading.Event) -> None:
    with open_store(settings.db_url) as store:
        run_watch(store, watch, stop=stop)


def app_from_environment() -> FastAPI:
    """The API configured from the environment (``ORBITWATCH_DB``, ``ORBITWATCH_READ_ACCESS``,
    ``ORBITWATCH_TOKEN``): for ``uvicorn --factory orbitwatch.web.app:app_from_environment``."""
    return create_app(Settings.from_environment())
