"""Crash safety: the server is killed (SIGKILL) while it stores a large upload; after a restart the store is
as it was before that upload (one transaction: nothing of it, nothing half-written), and the same upload
then goes through whole."""

import dataclasses
import threading
import time
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from api_server import SAMPLE, TOKEN, Server
from sqlalchemy import create_engine, text

from orbitwatch.core.elements.formats import read_elements, write_elements
from orbitwatch.services.catalog import open_store

FIRST_ID = 700_000_000
COPIES = 2500


def big_upload() -> tuple[bytes, int]:
    """An OMM CSV of many synthetic element sets (real orbits of the sample, renumbered and re-timed)."""
    real = read_elements((SAMPLE / "sample" / "2026-05-27" / "geo.tle").read_bytes(), "geo.tle").records[:100]
    records = [
        dataclasses.replace(
            e, norad_id=FIRST_ID + k * len(real) + i, epoch_utc=e.epoch_utc - timedelta(minutes=k)
        )
        for k in range(COPIES // 100)
        for i, e in enumerate(real)
    ]
    copies = [
        dataclasses.replace(e, epoch_utc=e.epoch_utc - timedelta(days=d)) for d in range(40) for e in records
    ]
    return write_elements(copies, "omm-csv").encode(), len(copies)


def writing_started(db_url: str) -> bool:
    """True once the ingest writes: SQLite's WAL grows, or PostgreSQL's write lock is held."""
    if db_url.startswith("sqlite"):
        wal = Path(db_url.removeprefix("sqlite:///") + "-wal")
        return wal.exists() and wal.stat().st_size > 4 * 1024 * 1024
    engine = create_engine(db_url)
    try:
        with engine.connect() as connection:
            return bool(
                connection.execute(text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'")).scalar()
            )
    finally:
        engine.dispose()


def synthetic_rows(db_url: str) -> tuple[int, int]:
    with open_store(db_url) as store:
        objects = store.catalog(norad_ids=list(range(FIRST_ID, FIRST_ID + COPIES)))
        ingests = [i for i in store.ingests() if i.source == "upload:big.csv"]
    return len(objects), len(ingests)


@pytest.mark.slow
def test_a_server_killed_during_an_ingest_leaves_the_store_consistent(server: Server) -> None:
    data, count = big_upload()
    assert len(data) < 64 * 1024 * 1024
    with server.client(TOKEN) as client:
        small = (SAMPLE / "sample" / "2026-05-27" / "military.tle").read_bytes()
        assert (
            client.post(
                "/ingest", params={"filename": "military.tle", "group": "military"}, content=small
            ).status_code
            == 201
        )
    before = synthetic_rows(server.db_url)
    assert before == (0, 0)

    def upload() -> None:
        try:
            with server.client(TOKEN) as client:
                client.post("/ingest", params={"filename": "big.csv"}, content=data)
        except httpx.HTTPError:
            pass  # the server died under it

    sender = threading.Thread(target=upload, daemon=True)
    sender.start()
    deadline = time.monotonic() + 300
    while not writing_started(server.db_url):
        assert time.monotonic() < deadline, "the ingest never started writing"
        assert sender.is_alive(), "the ingest finished before it could be killed: make the upload larger"
        time.sleep(0.05)
    server.kill()
    sender.join(timeout=60)

    server.start()
    assert synthetic_rows(server.db_url) == (0, 0)
    with server.client(TOKEN) as client:
        assert len(client.get("/objects", params={"group": "military", "limit": 100}).json()["items"]) == 23
        answer = client.post("/ingest", params={"filename": "big.csv"}, content=data)
    assert answer.status_code == 201, answer.text
    assert answer.json()["accepted"] == count
    assert synthetic_rows(server.db_url) == (COPIES, 1)
