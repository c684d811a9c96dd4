"""Reading the catalog: latest element sets, groups, catalog filters, history; one query per catalog."""

import dataclasses
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, event
from store_samples import T0, sha, synthetic_result

from orbitwatch.core.elements.model import ElementSet
from orbitwatch.core.elements.result import ReadResult
from orbitwatch.core.elements.satcat import ObjectMetadata
from orbitwatch.io.store import CatalogStore

DAY = timedelta(days=1)


def ingest(
    store: CatalogStore,
    result: ReadResult[ElementSet],
    label: str,
    *,
    retrieved_utc: datetime = T0,
    group: str | None = None,
) -> None:
    store.ingest_elements(
        result, sha256=sha(label), retrieved_utc=retrieved_utc, ingested_utc=T0 + 30 * DAY, group=group
    )


@contextmanager
def statements() -> Iterator[list[str]]:
    """The SQL statements every engine sends while the block runs (BEGIN aside)."""
    sent: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.strip().upper() != "BEGIN":
            sent.append(statement)

    event.listen(Engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(Engine, "before_cursor_execute", record)


def newest_by_object(
    results: list[ReadResult[ElementSet]], at_utc: datetime | None = None
) -> list[ElementSet]:
    """The pure-Python answer: per object the newest element set (epoch <= at_utc); later input wins ties."""
    newest: dict[int, ElementSet] = {}
    for result in results:
        for es in result.records:
            if at_utc is not None and es.epoch_utc > at_utc:
                continue
            if es.norad_id not in newest or es.epoch_utc >= newest[es.norad_id].epoch_utc:
                newest[es.norad_id] = es
    return [newest[n] for n in sorted(newest)]


def test_latest_elements_of_a_small_catalog(store: CatalogStore) -> None:
    days = [synthetic_result(range(1, 31), T0 + k * DAY, seed=k) for k in range(3)]
    late_backfill = synthetic_result(range(10, 20), T0 - 5 * DAY, seed=9)
    for k, result in enumerate([*days, late_backfill]):
        ingest(store, result, f"day {k}")

    assert store.latest_elements() == newest_by_object([*days, late_backfill])


def test_latest_elements_at_a_time(store: CatalogStore) -> None:
    days = [synthetic_result(range(1, 31), T0 + k * DAY, seed=k) for k in range(3)]
    for k, result in enumerate(days):
        ingest(store, result, f"day {k}")

    for at in (T0 - DAY, T0 + 12 * timedelta(hours=1), T0 + 1.5 * DAY, T0 + 10 * DAY):
        assert store.latest_elements(at_utc=at) == newest_by_object(days, at)
    exact = days[1].records[4]
    assert exact in store.latest_elements(at_utc=exact.epoch_utc, norad_ids=[exact.norad_id])


def test_latest_elements_by_catalog_number(store: CatalogStore) -> None:
    result = synthetic_result(range(1, 31), T0, seed=1)
    ingest(store, result, "a")

    found = store.latest_elements(norad_ids=[30, 2, 999, 2])

    assert [es.norad_id for es in found] == [2, 30]
    assert store.latest_elements(norad_ids=[]) == []


def test_latest_elements_when_two_sets_share_an_epoch_the_later_stored_wins(store: CatalogStore) -> None:
    first = synthetic_result([5], T0, seed=1).records[0]
    correction = dataclasses.replace(first, mean_anomaly_deg=first.mean_anomaly_deg / 2)
    ingest(store, ReadResult("a", "tle", (first,)), "a")
    ingest(store, ReadResult("b", "tle", (correction,)), "b")

    assert store.latest_elements() == [correction]
    assert [s.elements for s in store.history(5)] == [first, correction]


def test_an_object_is_in_the_groups_of_the_newest_ingest_of_each_group(store: CatalogStore) -> None:
    ingest(store, synthetic_result([1, 2, 3], T0, seed=1), "m1", group="military")
    ingest(store, synthetic_result([2, 3, 4], T0, seed=2), "m2", group="military", retrieved_utc=T0 + DAY)
    ingest(store, synthetic_result([9], T0, seed=3), "m0", group="military", retrieved_utc=T0 - DAY)
    ingest(store, synthetic_result([3], T0, seed=4), "w1", group="weather")

    military = store.catalog(groups=["military"])
    assert [e.norad_id for e in military] == [2, 3, 4]
    assert [e.norad_id for e in store.catalog(groups=["weather", "military"])] == [2, 3, 4]
    assert [e.norad_id for e in store.catalog(groups=["nothing"])] == []
    groups = {e.norad_id: e.groups for e in store.catalog()}
    assert groups == {1: (), 2: ("military",), 3: ("military", "weather"), 4: ("military",), 9: ()}
    assert [es.norad_id for es in store.latest_elements(groups=["weather"])] == [3]
    assert [es.norad_id for es in store.latest_elements(groups=["military"], norad_ids=[1, 4])] == [4]


def test_between_two_ingests_of_a_group_retrieved_at_the_same_time_the_later_one_counts(
    store: CatalogStore,
) -> None:
    ingest(store, synthetic_result([1, 2], T0, seed=1), "a", group="geo")
    ingest(store, synthetic_result([7], T0, seed=2), "b", group="geo")

    assert [e.norad_id for e in store.catalog(groups=["geo"])] == [7]


def test_catalog_filters_combine(store: CatalogStore) -> None:
    ingest(store, synthetic_result(range(1, 7), T0, seed=1), "a", group="resource")
    satcat = (
        ObjectMetadata(1, name="YAOGAN-30 01", owner="PRC", object_type="PAY"),
        ObjectMetadata(2, name="YAOGAN-30 02", owner="PRC", object_type="PAY"),
        ObjectMetadata(3, name="CZ-2C R/B", owner="PRC", object_type="R/B"),
        ObjectMetadata(4, name="KOMPSAT-3", owner="SKOR", object_type="PAY"),
        ObjectMetadata(5, name="USA 224", owner="US", object_type="PAY"),
        ObjectMetadata(8, name="YAOGAN DEB", owner="PRC", object_type="DEB"),
    )
    store.ingest_metadata(
        ReadResult("satcat.csv", "satcat-csv", satcat), sha256=sha("s"), retrieved_utc=T0, ingested_utc=T0
    )

    def ids(**filters: Any) -> list[int]:
        return [e.norad_id for e in store.catalog(**filters)]

    assert ids() == [1, 2, 3, 4, 5, 6, 8]
    assert ids(owner="prc") == [1, 2, 3, 8]
    assert ids(owner="PRC", object_type="pay") == [1, 2]
    assert ids(object_type="R/B") == [3]
    assert ids(name_like="yaogan") == [1, 2, 8]
    assert ids(name_like="YAOGAN-30 0_") == [1, 2]
    assert ids(name_like="%SAT-3") == [4]
    assert ids(name_like="yaogan", groups=["resource"]) == [1, 2]
    assert ids(norad_ids=[8, 5, 77]) == [5, 8]
    assert ids(owner="PRC", limit=2) == [1, 2]
    assert ids(norad_ids=[]) == []


def test_entry_and_history(store: CatalogStore) -> None:
    later = synthetic_result([44], T0 + DAY, seed=2, name="LATER")
    earlier = synthetic_result([44], T0, seed=1, name="EARLIER")
    ingest(store, later, "later", group="geo")
    ingest(store, earlier, "earlier")

    entry = store.entry(44)

    assert entry is not None
    assert (entry.name, entry.epoch_utc, entry.groups) == ("LATER", later.records[0].epoch_utc, ("geo",))
    assert entry.intl_designator == later.records[0].intl_designator
    assert store.entry(45) is None
    history = store.history(44)
    assert [s.elements for s in history] == [earlier.records[0], later.records[0]]
    assert [s.original_text for s in history] == [earlier.texts[0], later.texts[0]]
    assert history[0].ingest_id > history[1].ingest_id
    assert store.history(45) == []


def test_an_empty_catalog(store: CatalogStore) -> None:
    assert store.latest_elements() == []
    assert store.catalog(groups=["x"]) == []
    assert store.ingests() == []


N_OBJECTS = 30_000


@pytest.mark.slow
def test_a_30000_object_catalog_is_read_in_one_query(
    store: CatalogStore, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = range(1, N_OBJECTS + 1)
    results = [
        synthetic_result(
            [n for n in ids if k == 0 or n % (k + 2)], T0 + k * DAY, seed=k, source=f"day{k}.tle"
        )
        for k in range(4)
    ]
    results.append(synthetic_result(range(1, N_OBJECTS + 1, 7), T0 - 3 * DAY, seed=99, source="backfill.tle"))
    started = time.perf_counter()
    for k, result in enumerate(results):
        ingest(store, result, result.source, group="all" if k < 4 else None, retrieved_utc=T0 + k * DAY)
    ingest_s = time.perf_counter() - started

    with statements() as sent:
        started = time.perf_counter()
        latest = store.latest_elements()
        latest_s = time.perf_counter() - started
    assert len(sent) == 1
    assert latest == newest_by_object(results)
    assert len(latest) == N_OBJECTS

    at = T0 + 1.5 * DAY
    assert store.latest_elements(at_utc=at) == newest_by_object(results, at)
    in_group = store.latest_elements(groups=["all"])
    assert [es.norad_id for es in in_group] == [n for n in ids if n % 5]

    with statements() as sent:
        started = time.perf_counter()
        entries = store.catalog()
        catalog_s = time.perf_counter() - started
    assert len(sent) == 1
    expected_epochs = {es.norad_id: es.epoch_utc for es in newest_by_object(results)}
    assert {e.norad_id: e.epoch_utc for e in entries} == expected_epochs
    assert sum(1 for e in entries if e.groups == ("all",)) == len([n for n in ids if n % 5])

    for norad_id in (1, 7, 12, 29_999, N_OBJECTS):
        expected = sorted(
            (es for r in results for es in r.records if es.norad_id == norad_id), key=lambda es: es.epoch_utc
        )
        assert [s.elements for s in store.history(norad_id)] == expected

    with capsys.disabled():
        print(
            f"\n[{store.url.split(':')[0]}] 30k catalog: {sum(len(r.records) for r in results)} element sets "
            f"ingested in {ingest_s:.1f} s; latest_elements {latest_s:.2f} s, catalog {catalog_s:.2f} s"
        )
    assert latest_s < 30
    assert catalog_s < 30
