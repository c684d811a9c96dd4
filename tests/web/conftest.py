"""Fixtures of the API tests: a real ``orbitwatch serve`` process on a free loopback port, on SQLite and on
PostgreSQL (``ORBITWATCH_TEST_PG_URL``: a database of its own per test module; skipped without the URL, a
failure with ``ORBITWATCH_REQUIRE_PG=1``), and an httpx client for it.
"""

import os
import uuid
from collections.abc import Iterator

import pytest
from api_server import NOT_CONFIGURED, PG_URL_ENV, REQUIRE_PG_ENV, Server
from sqlalchemy import create_engine, text


@pytest.fixture(scope="module")
def pg_module_url() -> Iterator[str]:
    """The URL of a PostgreSQL database of this test module, dropped after it."""
    admin = os.environ.get(PG_URL_ENV, "").strip()
    if not admin:
        if os.environ.get(REQUIRE_PG_ENV) == "1":
            pytest.fail(f"{REQUIRE_PG_ENV}=1 but {NOT_CONFIGURED}")
        pytest.skip(NOT_CONFIGURED)
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    name = f"orbitwatch_api_{uuid.uuid4().hex[:16]}"
    with engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield engine.url.set(database=name).render_as_string(hide_password=False)
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """An empty catalog database for the module: a SQLite file, or a PostgreSQL database."""
    if request.param == "postgresql":
        return str(request.getfixturevalue("pg_module_url"))
    return f"sqlite:///{tmp_path_factory.mktemp('api') / 'catalog.sqlite'}"


@pytest.fixture(scope="module")
def server(db_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server on the module's database, stopped after the module."""
    running = Server(db_url, tmp_path_factory.mktemp("log") / "server.log").start()
    yield running
    running.stop()
