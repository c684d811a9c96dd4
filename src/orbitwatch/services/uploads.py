"""Ingest of bytes handed over by a front end (an HTTP upload): the same readers and store as every ingest.

The bytes are wrapped as one fetched input (:class:`orbitwatch.io.files.Fetched`, named ``upload:NAME``,
received now) and go through :func:`orbitwatch.services.ingest.ingest_fetched`: strict readers (XML
through defusedxml), one transaction, an input already ingested under the same group stored once.
"""

from datetime import datetime

from orbitwatch.io.files import Fetched
from orbitwatch.io.store import CatalogStore
from orbitwatch.services.ingest import IngestOutcome, ingest_fetched

__all__ = ["IngestOutcome", "ingest_upload"]


def ingest_upload(
    store: CatalogStore,
    data: bytes,
    *,
    filename: str,
    now_utc: datetime,
    fmt: str | None = None,
    group: str | None = None,
) -> IngestOutcome:
    """Read uploaded bytes and store what they hold; an unreadable upload is reported, not raised."""
    item = Fetched.of(f"upload:{filename}", data, now_utc, group)
    return ingest_fetched(store, item, now_utc=now_utc, fmt=fmt, group=group)
