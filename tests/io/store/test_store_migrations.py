"""Schema versions: a fresh catalog, an upgrade of an older one, refusal of a newer or a foreign one."""

from collections.abc import Iterator

import pytest
from sqlalchemy import Connection, Engine, insert, inspect, select, text
from store_samples import T0, sha, synthetic_result

from orbitwatch.errors import StoreError
from orbitwatch.io.store import CatalogStore
from orbitwatch.io.store.engine import open_engine, parse_url
from orbitwatch.io.store.migrations import SCHEMA_VERSION, Upgrade, migrate, stored_version
from orbitwatch.io.store.tables import metadata, schema_version


@pytest.fixture
def engine(store_url: str) -> Iterator[Engine]:
    """An engine configured as the store's (SQLite: transactional DDL), outside the store."""
    opened = open_engine(parse_url(store_url))
    yield opened
    opened.dispose()


def versions(engine: Engine) -> list[tuple[int, str]]:
    with engine.connect() as connection:
        query = select(schema_version.c.version, schema_version.c.description).order_by(
            schema_version.c.version
        )
        return [(row.version, row.description) for row in connection.execute(query)]


def add_comment_column(connection: Connection) -> None:
    connection.execute(text("ALTER TABLE objects ADD COLUMN comment TEXT NOT NULL DEFAULT ''"))


def comment_first_object(connection: Connection) -> None:
    connection.execute(text("UPDATE objects SET comment = 'first' WHERE norad_id = 1"))


def object_columns(engine: Engine) -> set[str]:
    with engine.connect() as connection:
        return {column["name"] for column in inspect(connection).get_columns("objects")}


def test_a_fresh_database_gets_every_table_at_the_current_version(store_url: str, engine: Engine) -> None:
    CatalogStore.open(store_url).close()
    CatalogStore.open(store_url).close()

    assert versions(engine) == [(SCHEMA_VERSION, f"created at version {SCHEMA_VERSION}")]
    with engine.connect() as connection:
        assert set(inspect(connection).get_table_names()) >= set(metadata.tables)
        assert stored_version(connection) == SCHEMA_VERSION


def test_the_created_schema_matches_the_tables_module(store_url: str, engine: Engine) -> None:
    CatalogStore.open(store_url).close()

    with engine.connect() as connection:
        inspector = inspect(connection)
        for table in metadata.tables.values():
            assert {c["name"] for c in inspector.get_columns(table.name)} == set(table.columns.keys())
        unique = inspector.get_unique_constraints("element_sets")
        assert [sorted(u["column_names"]) for u in unique] == [["epoch_utc", "fingerprint", "norad_id"]]
        indexed = [i["column_names"] for i in inspector.get_indexes("element_sets")]
        assert ["norad_id", "epoch_utc"] in indexed


def test_an_older_database_is_upgraded_step_by_step_and_keeps_its_data(
    store_url: str, engine: Engine
) -> None:
    with CatalogStore.open(store_url) as store:
        store.ingest_elements(
            synthetic_result([1, 2], T0, seed=1), sha256=sha("a"), retrieved_utc=T0, ingested_utc=T0
        )
    steps = (
        Upgrade(SCHEMA_VERSION + 1, "objects.comment", add_comment_column),
        Upgrade(SCHEMA_VERSION + 2, "comment on object 1", comment_first_object),
    )

    with engine.connect() as connection, connection.begin():
        assert migrate(connection, steps) == SCHEMA_VERSION + 2
    with engine.connect() as connection, connection.begin():
        assert migrate(connection, steps) == SCHEMA_VERSION + 2

    assert [v for v, _ in versions(engine)] == [SCHEMA_VERSION, SCHEMA_VERSION + 1, SCHEMA_VERSION + 2]
    assert "comment" in object_columns(engine)
    with engine.connect() as connection:
        comments = connection.execute(text("SELECT norad_id, comment FROM objects ORDER BY norad_id")).all()
    assert [tuple(row) for row in comments] == [(1, "first"), (2, "")]


def test_a_failing_step_changes_nothing(store_url: str, engine: Engine) -> None:
    CatalogStore.open(store_url).close()

    def half_done(connection: Connection) -> None:
        add_comment_column(connection)
        raise RuntimeError("the step failed after its first statement")

    with pytest.raises(RuntimeError), engine.connect() as connection, connection.begin():
        migrate(connection, (Upgrade(SCHEMA_VERSION + 1, "broken", half_done),))

    assert "comment" not in object_columns(engine)
    assert [v for v, _ in versions(engine)] == [SCHEMA_VERSION]


def test_a_newer_database_is_refused(store_url: str, engine: Engine) -> None:
    CatalogStore.open(store_url).close()
    with engine.begin() as connection:
        connection.execute(
            insert(schema_version).values(version=SCHEMA_VERSION + 1, description="from the future")
        )

    with pytest.raises(StoreError, match=rf"schema version {SCHEMA_VERSION + 1}, newer than this orbitwatch"):
        CatalogStore.open(store_url)


def test_a_database_with_our_table_names_but_no_version_is_refused(store_url: str, engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE objects (id INTEGER PRIMARY KEY, what TEXT)"))

    with pytest.raises(StoreError, match="tables named objects but no schema_version table"):
        CatalogStore.open(store_url)


def test_a_database_with_other_tables_gets_ours_beside_them(store_url: str, engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE someone_elses (id INTEGER PRIMARY KEY)"))

    CatalogStore.open(store_url).close()

    assert [v for v, _ in versions(engine)] == [SCHEMA_VERSION]


def test_an_emptied_version_table_is_reported_as_damage(store_url: str, engine: Engine) -> None:
    CatalogStore.open(store_url).close()
    with engine.begin() as connection:
        connection.execute(schema_version.delete())

    with pytest.raises(StoreError, match="schema_version table is empty"):
        CatalogStore.open(store_url)
