"""Fixtures of the store tests: every store test runs on SQLite (a temporary file) and on PostgreSQL.

PostgreSQL comes from ``ORBITWATCH_TEST_PG_URL`` (an administrative URL such as
``postgresql+psycopg://postgres@127.0.0.1:PORT/postgres``; ``.ci/postgres.sh start`` prints one);
each test gets a database of its own, created before and dropped after it. Without the URL the
PostgreSQL variants are skipped, or fail when ``ORBITWATCH_REQUIRE_PG=1`` (CI).
"""

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from orbitwatch.io.store import CatalogStore

PG_URL_ENV = "ORBITWATCH_TEST_PG_URL"
REQUIRE_PG_ENV = "ORBITWATCH_REQUIRE_PG"
NOT_CONFIGURED = "PostgreSQL not configured: set ORBITWATCH_TEST_PG_URL or run .ci/run, which starts a server"


def _pg_admin_url() -> str | None:
    return os.environ.get(PG_URL_ENV, "").strip() or None


def pytest_report_header(config: pytest.Config) -> list[str]:
    admin = _pg_admin_url()
    if admin is None:
        return [f"orbitwatch store: {NOT_CONFIGURED}"]
    return [f"orbitwatch store: PostgreSQL tests on {make_url(admin).render_as_string(hide_password=True)}"]


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    skipped = terminalreporter.stats.get("skipped", [])
    if any(NOT_CONFIGURED in str(getattr(report, "longrepr", "")) for report in skipped):
        terminalreporter.write_sep("=", "orbitwatch store", yellow=True)
        terminalreporter.write_line(
            f"The PostgreSQL variants of the store tests were SKIPPED. {NOT_CONFIGURED}."
        )


@pytest.fixture(scope="session")
def pg_admin() -> Iterator[Engine]:
    """An AUTOCOMMIT engine on the PostgreSQL server's administrative database."""
    admin = _pg_admin_url()
    if admin is None:
        if os.environ.get(REQUIRE_PG_ENV) == "1":
            pytest.fail(f"{REQUIRE_PG_ENV}=1 but {NOT_CONFIGURED}")
        pytest.skip(NOT_CONFIGURED)
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    yield engine
    engine.dispose()


@pytest.fixture
def pg_url(pg_admin: Engine) -> Iterator[str]:
    """The URL of a fresh PostgreSQL database, dropped after the test."""
    name = f"orbitwatch_test_{uuid.uuid4().hex[:16]}"
    with pg_admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield pg_admin.url.set(database=name).render_as_string(hide_password=False)
    with pg_admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The URL of an empty database: a SQLite file, or a PostgreSQL database of its own."""
    if request.param == "postgresql":
        return str(request.getfixturevalue("pg_url"))
    return f"sqlite:///{tmp_path_factory.mktemp('store') / 'catalog.sqlite'}"


@pytest.fixture
def store(store_url: str) -> Iterator[CatalogStore]:
    """A store opened (created) on ``store_url``, closed after the test."""
    with CatalogStore.open(store_url) as opened:
        yield opened
