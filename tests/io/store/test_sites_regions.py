"""Sites and regions in the store (schema version 2) on SQLite and PostgreSQL; the upgrade from version 1."""

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, delete, insert, inspect, select
from store_samples import T0, sha, snapshot, synthetic_result

from orbitwatch.core.targets import Site, region_from_geojson
from orbitwatch.errors import StoreError
from orbitwatch.io.gazetteer import load_region
from orbitwatch.io.store import CatalogStore
from orbitwatch.io.store.engine import open_engine, parse_url
from orbitwatch.io.store.migrations import UPGRADES
from orbitwatch.io.store.tables import metadata, regions, schema_version, sites

SEOUL = Site("Seoul", 37.5665, 126.978, 38.0, "https://en.wikipedia.org/wiki/Seoul")
SOHAE = Site("Sohae", 39.66, 124.705, 0.0, "https://en.wikipedia.org/wiki/Sohae_Satellite_Launching_Station")
SQUARE_WITH_HOLE = {
    "type": "Polygon",
    "coordinates": [
        [[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]],
        [[4, 4], [4, 6], [6, 6], [6, 4], [4, 4]],
    ],
}


@pytest.fixture
def engine(store_url: str) -> Iterator[Engine]:
    opened = open_engine(parse_url(store_url))
    yield opened
    opened.dispose()


def test_sites_are_stored_read_and_deleted_by_name_ignoring_case(store: CatalogStore) -> None:
    store.add_site(SOHAE, created_utc=T0)
    store.add_site(SEOUL, created_utc=T0)

    assert store.sites() == [SEOUL, SOHAE]
    assert store.site("SEOUL") == SEOUL
    assert store.site(" seoul ") == SEOUL
    assert store.site("Busan") is None
    assert store.delete_site("seoul") is True
    assert store.delete_site("seoul") is False
    assert store.sites() == [SOHAE]


def test_a_site_of_a_name_already_stored_is_refused_unless_replaced(store: CatalogStore) -> None:
    store.add_site(SEOUL, created_utc=T0)
    moved = Site("SEOUL", 37.5, 127.0, 0.0, "command line")

    with pytest.raises(StoreError, match="a site named 'Seoul' is already stored"):
        store.add_site(moved, created_utc=T0)
    store.add_site(moved, created_utc=T0, replace=True)

    assert store.sites() == [moved]


def test_site_values_round_trip_exactly(store: CatalogStore) -> None:
    exact = Site("Pad 39A", 28.608389, -80.604333, -12.345678, "https://example.org/ünïcode")

    store.add_site(exact, created_utc=T0)

    assert store.site("pad-39a") == exact


def test_a_nul_character_is_refused_before_writing(store: CatalogStore) -> None:
    with pytest.raises(StoreError, match="NUL character"):
        store.add_site(Site("bad\x00name", 0.0, 0.0), created_utc=T0)
    assert store.sites() == []


def test_regions_are_stored_as_geojson_and_read_back_equal(store: CatalogStore) -> None:
    korea = load_region("korean-peninsula")
    square = region_from_geojson(SQUARE_WITH_HOLE, name="Square", source="test")

    store.add_region(korea, created_utc=T0)
    store.add_region(square, created_utc=T0)

    assert store.regions() == [korea, square]
    assert store.region("KOREAN PENINSULA") == korea
    assert store.region("nowhere") is None
    with pytest.raises(StoreError, match="a region named 'Square' is already stored"):
        store.add_region(square, created_utc=T0)
    assert store.delete_region("square") is True
    assert store.regions() == [korea]


def test_a_region_can_be_replaced(store: CatalogStore) -> None:
    square = region_from_geojson(SQUARE_WITH_HOLE, name="Zone")
    store.add_region(square, created_utc=T0)
    triangle = region_from_geojson(
        {"type": "Polygon", "coordinates": [[[0, 0], [5, 0], [0, 5], [0, 0]]]}, name="Zone"
    )

    store.add_region(triangle, created_utc=T0, replace=True)

    assert store.regions() == [triangle]


def test_the_tables_are_created_with_their_unique_name_keys(store: CatalogStore, engine: Engine) -> None:
    with engine.connect() as connection:
        inspector = inspect(connection)
        for table in (sites, regions):
            unique = inspector.get_unique_constraints(table.name)
            assert [u["column_names"] for u in unique] == [["name_key"]]


VERSION_1_TABLES = (
    "schema_version",
    "ingests",
    "ingest_refusals",
    "objects",
    "element_sets",
    "group_memberships",
)


def _downgrade_to_version_1(engine: Engine) -> None:
    """Make the database what orbitwatch at schema version 1 left: only the version 1 tables."""
    with engine.begin() as connection:
        for table in reversed(metadata.sorted_tables):
            if table.name not in VERSION_1_TABLES:
                table.drop(connection)
        connection.execute(delete(schema_version))
        connection.execute(insert(schema_version).values(version=1, description="created at version 1"))


def test_a_version_1_database_is_upgraded_and_keeps_its_catalog(store_url: str, engine: Engine) -> None:
    with CatalogStore.open(store_url) as store:
        store.ingest_elements(
            synthetic_result([1, 2, 3], T0, seed=7), sha256=sha("v1"), retrieved_utc=T0, ingested_utc=T0
        )
    before = {name: value for name, value in snapshot(store_url).items() if name in VERSION_1_TABLES[1:]}
    _downgrade_to_version_1(engine)

    with CatalogStore.open(store_url) as store:
        store.add_site(SEOUL, created_utc=T0)
        assert store.sites() == [SEOUL]
        assert len(store.latest_elements()) == 3

    with engine.connect() as connection:
        stamped = connection.execute(select(schema_version.c.version, schema_version.c.description)).all()
        assert {"sites", "regions"} <= set(inspect(connection).get_table_names())
    assert sorted(tuple(row) for row in stamped) == [
        (1, "created at version 1"),
        *((step.version, step.description) for step in UPGRADES),
    ]
    after = snapshot(store_url)
    assert all(after[name] == value for name, value in before.items())
