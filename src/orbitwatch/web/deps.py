"""What the routers get from the application: the open catalog store, the settings, the computing slots."""

from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, Request

from orbitwatch.services.catalog import CatalogStore
from orbitwatch.web.compute import Computations
from orbitwatch.web.settings import Settings


def get_store(request: Request) -> CatalogStore:
    """The catalog store the application opened at start-up."""
    store: CatalogStore = request.app.state.store
    return store


def get_settings(request: Request) -> Settings:
    """The application's settings."""
    settings: Settings = request.app.state.settings
    return settings


def get_computations(request: Request) -> Computations:
    """The application's bounded computations."""
    computations: Computations = request.app.state.computations
    return computations


def utc_now() -> datetime:
    """The time of the request (UTC): the only clock the API reads."""
    return datetime.now(UTC)


Store = Annotated[CatalogStore, Depends(get_store)]
Compute = Annotated[Computations, Depends(get_computations)]
Now = Annotated[datetime, Depends(utc_now)]
