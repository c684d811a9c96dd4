"""The catalog store (an edge): element sets, SATCAT metadata, groups and the ingest log in SQL.

SQLAlchemy Core on SQLite (the default, :func:`default_database_url`) or PostgreSQL
(``postgresql+psycopg://``); the schema is created and migrated on :meth:`CatalogStore.open`.
"""

from orbitwatch.io.store.engine import default_database_url
from orbitwatch.io.store.events import EventFilter, StoredEvent
from orbitwatch.io.store.repository import (
    CatalogEntry,
    CatalogStore,
    IngestRecord,
    IngestSummary,
    StoredElementSet,
)

__all__ = [
    "CatalogEntry",
    "CatalogStore",
    "EventFilter",
    "IngestRecord",
    "IngestSummary",
    "StoredElementSet",
    "StoredEvent",
    "default_database_url",
]
