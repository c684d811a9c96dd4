"""Fixtures of the service tests: a catalog database on SQLite and on PostgreSQL (``ORBITWATCH_TEST_PG_URL``:
a database of its own per test, dropped after it; skipped without the URL, a failure with
``ORBITWATCH_REQUIRE_PG=1``), and a guard that keeps every test off the internet."""

import os
import socket
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import create_engine, text

PG_URL_ENV = "ORBITWATCH_TEST_PG_URL"
REQUIRE_PG_ENV = "ORBITWATCH_REQUIRE_PG"
NOT_CONFIGURED = "PostgreSQL not configured: set ORBITWATCH_TEST_PG_URL or run .ci/run, which starts a server"
_LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost", b"127.0.0.1", b"::1", b"localhost"})


@pytest.fixture
def no_internet(monkeypatch: pytest.MonkeyPatch) -> None:
    """Refuse name lookups and connections to anything but the loopback interface."""
    real_getaddrinfo = socket.getaddrinfo
    real_connect = socket.socket.connect

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host not in _LOOPBACK:
            raise OSError(f"test guard: no name lookup of {host!r}; tests never reach the internet")
        return real_getaddrinfo(host, *args, **kwargs)

    def connect(self: socket.socket, address: Any) -> None:
        if self.family in (socket.AF_INET, socket.AF_INET6) and address[0] not in _LOOPBACK:
            raise OSError(f"test guard: no connection to {address!r}; tests never reach the internet")
        real_connect(self, address)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket.socket, "connect", connect)


@pytest.fixture
def pg_database_url() -> Iterator[str]:
    """The URL of a fresh PostgreSQL database, dropped after the test."""
    admin = os.environ.get(PG_URL_ENV, "").strip()
    if not admin:
        if os.environ.get(REQUIRE_PG_ENV) == "1":
            pytest.fail(f"{REQUIRE_PG_ENV}=1 but {NOT_CONFIGURED}")
        pytest.skip(NOT_CONFIGURED)
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    name = f"orbitwatch_watch_{uuid.uuid4().hex[:16]}"
    with engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield engine.url.set(database=name).render_as_string(hide_password=False)
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """An empty catalog database: a SQLite file, or a PostgreSQL database of its own."""
    if request.param == "postgresql":
        return str(request.getfixturevalue("pg_database_url"))
    return f"sqlite:///{tmp_path_factory.mktemp('watch') / 'catalog.sqlite'}"
