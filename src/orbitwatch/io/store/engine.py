"""Database URLs and engines for the catalog store: SQLite (the default) and PostgreSQL (psycopg 3).

SQLite connections run in WAL mode with foreign keys on and a busy timeout; their transactions
are begun by SQLAlchemy (``BEGIN``, or ``BEGIN IMMEDIATE`` for a writing transaction, so that two
writers queue on the busy timeout instead of failing), which also makes DDL transactional. On
PostgreSQL, writing transactions queue on an advisory lock (:func:`lock_for_writing`).
Every database error leaves this module as a :class:`~orbitwatch.errors.StoreError`.
"""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Final

import platformdirs
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, SQLAlchemyError

from orbitwatch.errors import StoreError

ENV_VAR: Final = "ORBITWATCH_DB"
SQLITE_BUSY_TIMEOUT_MS: Final = 30_000
PG_CONNECT_TIMEOUT_S: Final = 10
WRITE_OPTION: Final = "orbitwatch_write"
PG_WRITE_LOCK_KEY: Final = 0x0B17_3A7C  # arbitrary advisory-lock key owned by orbitwatch
_BACKENDS: Final = {"sqlite": "sqlite", "postgresql": "postgresql+psycopg"}


def default_database_url() -> str:
    """``$ORBITWATCH_DB`` if set, else SQLite at ``<user data dir>/catalog.sqlite``, creating the folder.

    The user data dir is platformdirs' ``user_data_dir("orbitwatch")``."""
    configured = os.environ.get(ENV_VAR, "").strip()
    if configured:
        return configured
    folder = Path(platformdirs.user_data_dir("orbitwatch"))
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"cannot create the catalog folder {folder}: {exc.strerror or exc}") from None
    return URL.create("sqlite", database=str(folder / "catalog.sqlite")).render_as_string()


def parse_url(url: str) -> URL:
    """The SQLAlchemy URL of a SQLite or PostgreSQL database (``postgresql://`` means psycopg 3)."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise StoreError(
            f"{url!r} is not a database URL; expected sqlite:///PATH or "
            "postgresql+psycopg://USER[:PASSWORD]@HOST[:PORT]/DATABASE"
        ) from None
    backend = parsed.get_backend_name()
    if backend not in _BACKENDS:
        raise StoreError(
            f"{hidden(parsed)}: the catalog store supports SQLite and PostgreSQL, not {backend!r}"
        )
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername=_BACKENDS["postgresql"])
    return parsed


def hidden(url: URL) -> str:
    """The URL as text with its password replaced by ``***``."""
    return url.render_as_string(hide_password=True)


def open_engine(url: URL) -> Engine:
    """An engine for the URL, configured for the catalog store (see the module docstring)."""
    try:
        if url.get_backend_name() == "sqlite":
            return _sqlite_engine(url)
        return create_engine(url, connect_args={"connect_timeout": PG_CONNECT_TIMEOUT_S})
    except (NoSuchModuleError, ImportError) as exc:
        raise StoreError(f"{hidden(url)}: the database driver is not installed ({exc})") from None


def _sqlite_engine(url: URL) -> Engine:
    path = url.database or ""
    if path and path != ":memory:" and not path.startswith("file:"):
        folder = Path(path).expanduser().absolute().parent
        if not folder.is_dir():
            raise StoreError(f"{hidden(url)}: the folder {folder} does not exist; create it first")
    engine = create_engine(url)
    event.listen(engine, "connect", _sqlite_connect)
    event.listen(engine, "begin", _sqlite_begin)
    return engine


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    writing = connection.get_execution_options().get(WRITE_OPTION, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")


def lock_for_writing(connection: Connection) -> None:
    """Serialise writing transactions: on PostgreSQL a transaction-scoped advisory lock, taken first.

    SQLite needs nothing more (a writing transaction there begins with ``BEGIN IMMEDIATE``). With
    writers in turn, two ingests of the same input cannot both pass the duplicate check, and two
    ingests touching the same objects cannot deadlock.
    """
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_WRITE_LOCK_KEY})


@contextmanager
def database_errors(what: str, url: URL) -> Iterator[None]:
    """Re-raise a database error inside the block as a StoreError saying what failed, where and why."""
    try:
        yield
    except DBAPIError as exc:
        raise StoreError(f"{what} failed on {hidden(url)}: {_reason(exc)}") from exc
    except SQLAlchemyError as exc:
        raise StoreError(f"{what} failed on {hidden(url)}: {exc}") from exc


def _reason(exc: DBAPIError) -> str:
    """The driver's own message, its first two lines (without SQLAlchemy's statement dump)."""
    text = " ".join(str(exc.orig).splitlines()[:2])
    return " ".join(text.split()) or type(exc.orig).__name__
