"""Opening a store: default location, URLs, SQLite settings, errors a user can act on, two writers."""

import threading
from datetime import timedelta
from pathlib import Path

import platformdirs
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from store_samples import T0, sha, synthetic_result

from orbitwatch.errors import StoreError
from orbitwatch.io.store import CatalogStore, IngestSummary, default_database_url
from orbitwatch.io.store.engine import SQLITE_BUSY_TIMEOUT_MS, open_engine, parse_url


def test_default_url_is_the_environment_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ORBITWATCH_DB", "postgresql+psycopg://someone@db.example/catalog")

    assert default_database_url() == "postgresql+psycopg://someone@db.example/catalog"


def test_default_url_is_sqlite_in_the_user_data_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("ORBITWATCH_DB", raising=False)
    data_dir = tmp_path / "data dir" / "orbitwatch"
    monkeypatch.setattr(platformdirs, "user_data_dir", lambda appname: str(data_dir))

    url = default_database_url()

    assert make_url(url).database == str(data_dir / "catalog.sqlite")
    assert data_dir.is_dir()
    with CatalogStore.open() as store:
        assert store.url == url
    assert (data_dir / "catalog.sqlite").is_file()


def test_sqlite_runs_in_wal_mode_with_foreign_keys_and_a_busy_timeout(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'c.sqlite'}"
    CatalogStore.open(url).close()
    engine = open_engine(parse_url(url))

    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar_one() == 1
        assert connection.execute(text("PRAGMA busy_timeout")).scalar_one() == SQLITE_BUSY_TIMEOUT_MS
    engine.dispose()


def test_postgresql_without_a_driver_means_psycopg() -> None:
    assert parse_url("postgresql://u@h/db").drivername == "postgresql+psycopg"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("not a url", "is not a database URL"),
        ("mysql+pymysql://u@localhost/db", "supports SQLite and PostgreSQL, not 'mysql'"),
        ("postgresql+pg8000://u@localhost/db", "database driver is not installed"),
    ],
)
def test_a_bad_url_is_refused_with_the_reason(url: str, message: str) -> None:
    with pytest.raises(StoreError, match=message):
        CatalogStore.open(url)


def test_an_unreachable_server_is_a_store_error_without_the_password() -> None:
    with pytest.raises(StoreError) as caught:
        CatalogStore.open("postgresql+psycopg://someone:s3cret@127.0.0.1:1/catalog")

    message = str(caught.value)
    assert message.startswith(
        "opening the catalog failed on postgresql+psycopg://someone:***@127.0.0.1:1/catalog"
    )
    assert "127.0.0.1" in message.split(": ", 1)[1]
    assert "s3cret" not in message


def test_a_file_that_is_not_a_database_is_a_store_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("these are not the tables you are looking for\n" * 100)

    with pytest.raises(
        StoreError, match=r"opening the catalog failed on sqlite:///.*notes.txt: file is not a database"
    ):
        CatalogStore.open(f"sqlite:///{path}")
    assert path.read_text().startswith("these are not")


def test_a_sqlite_path_in_a_missing_folder_is_a_store_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match=r"the folder .*missing does not exist"):
        CatalogStore.open(f"sqlite:///{tmp_path / 'missing' / 'c.sqlite'}")


def test_the_url_hides_the_password(pg_url: str) -> None:
    with_password = make_url(pg_url).set(password="s3cret").render_as_string(hide_password=False)

    with CatalogStore.open(with_password) as store:  # the test server trusts loopback: any password works
        assert "s3cret" not in store.url
        assert store.url.startswith("postgresql+psycopg://postgres:***@")


def test_two_stores_can_write_overlapping_objects_at_once(store_url: str) -> None:
    """Two writers creating the same new objects, in opposite input orders, neither fail nor deadlock."""
    CatalogStore.open(store_url).close()
    errors: list[BaseException] = []

    def write(writer: int) -> None:
        try:
            with CatalogStore.open(store_url) as store:
                for k in range(4):
                    ids = list(range(1 + 500 * k, 1501 + 500 * k))
                    ordered = ids if writer == 0 else ids[::-1]
                    result = synthetic_result(ordered, T0 + timedelta(days=writer), seed=10 * writer + k)
                    label = f"{writer}-{k}"
                    store.ingest_elements(result, sha256=sha(label), retrieved_utc=T0, ingested_utc=T0)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(writer,)) for writer in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    with CatalogStore.open(store_url) as store:
        assert len(store.latest_elements()) == 3000
        assert len(store.ingests()) == 8


def test_two_ingests_of_the_same_input_at_once_store_it_once(store_url: str) -> None:
    CatalogStore.open(store_url).close()
    result = synthetic_result(range(1, 3001), T0, seed=1)
    start = threading.Barrier(2)
    summaries: list[IngestSummary] = []

    def write() -> None:
        with CatalogStore.open(store_url) as store:
            start.wait()
            summaries.append(
                store.ingest_elements(result, sha256=sha("same"), retrieved_utc=T0, ingested_utc=T0)
            )

    threads = [threading.Thread(target=write) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    written = [s for s in summaries if s.ingest_id is not None]
    skipped = [s for s in summaries if s.ingest_id is None]
    assert len(written) == len(skipped) == 1
    assert skipped[0].duplicate_of == written[0].ingest_id


@pytest.mark.timeout(120)
def test_the_catalog_can_be_opened_and_read_while_an_ingest_is_in_progress(
    store: CatalogStore, store_url: str
) -> None:
    store.ingest_elements(
        synthetic_result(range(1, 11), T0, seed=1), sha256=sha("a"), retrieved_utc=T0, ingested_utc=T0
    )
    seen: list[int] = []

    def read_meanwhile(done: int, total: int) -> None:
        if not seen:
            with CatalogStore.open(store_url) as reader:
                seen.append(len(reader.catalog()))

    store.ingest_elements(
        synthetic_result(range(1, 5001), T0 + timedelta(days=1), seed=2),
        sha256=sha("b"),
        retrieved_utc=T0,
        ingested_utc=T0,
        progress=read_meanwhile,
    )

    assert seen == [10]
    assert len(store.catalog()) == 5000
