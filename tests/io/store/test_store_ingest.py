"""Ingesting element sets and SATCAT metadata: idempotence, names, refusals, validation, progress."""

import dataclasses
import math
from datetime import date, timedelta

import pytest
from sqlalchemy import select
from store_samples import T0, fetch, sha, snapshot, synthetic_result

from orbitwatch.core.elements.model import ElementSet
from orbitwatch.core.elements.result import ReadResult, Refusal
from orbitwatch.core.elements.satcat import ObjectMetadata
from orbitwatch.errors import StoreError
from orbitwatch.io.store import CatalogStore, IngestSummary
from orbitwatch.io.store.tables import ingest_refusals, ingests, objects


def ingest(
    store: CatalogStore, result: ReadResult[ElementSet], label: str, **kwargs: object
) -> IngestSummary:
    """Ingest with the SHA-256 of ``label``, retrieved at T0 and ingested an hour later unless given."""
    times = {"retrieved_utc": T0, "ingested_utc": T0 + timedelta(hours=1)}
    return store.ingest_elements(result, sha256=sha(label), **{**times, **kwargs})  # type: ignore[arg-type]


def test_ingest_stores_every_element_set_with_its_text(store: CatalogStore) -> None:
    result = synthetic_result(range(1, 51), T0, seed=1)

    summary = ingest(store, result, "a")

    assert (summary.accepted, summary.refused) == (50, 0)
    assert (summary.new_element_sets, summary.new_objects) == (50, 50)
    assert summary.ingest_id is not None
    assert summary.duplicate_of is None
    for es, original in zip(result.records, result.texts, strict=True):
        (stored,) = store.history(es.norad_id)
        assert stored.elements == es
        assert stored.original_text == original
        assert (stored.ingest_id, stored.format) == (summary.ingest_id, "tle")


def test_values_round_trip_exactly_extras_included(store: CatalogStore) -> None:
    es = synthetic_result([7], T0, seed=2).records[0]
    es = dataclasses.replace(
        es,
        eccentricity=0.1 + 0.2,
        bstar_per_earth_radius=-1.2345678901234567e-5,
        epoch_utc=T0 + timedelta(microseconds=123_457),
        extras=(("USER_DEFINED_A", "1"), ("USER_DEFINED_B", "x y")),
    )
    ingest(store, ReadResult("x.omm", "omm-kvn", (es,)), "x")

    (stored,) = store.history(7)
    assert stored.elements == es
    assert stored.elements.extras == es.extras
    assert stored.elements.epoch_utc.microsecond == 123_457
    assert stored.elements.epoch_utc.utcoffset() == timedelta(0)
    assert stored.original_text == ""


def test_same_input_twice_adds_nothing(store: CatalogStore, store_url: str) -> None:
    result = synthetic_result(range(1, 21), T0, seed=3)
    first = ingest(store, result, "a", group="military")
    before = snapshot(store_url)

    again = ingest(store, result, "a", group="military", retrieved_utc=T0 + timedelta(days=1))

    assert again.ingest_id is None
    assert again.duplicate_of == first.ingest_id
    assert (again.new_element_sets, again.new_objects, again.accepted) == (0, 0, 20)
    assert snapshot(store_url) == before


def test_same_elements_under_a_new_sha_add_only_an_ingest_row(store: CatalogStore) -> None:
    result = synthetic_result(range(1, 21), T0, seed=3)
    ingest(store, result, "a")

    second = ingest(store, result, "b")

    assert second.ingest_id is not None
    assert (second.new_element_sets, second.new_objects, second.duplicate_of) == (0, 0, None)
    assert len(store.ingests()) == 2
    assert all(len(store.history(n)) == 1 for n in range(1, 21))


def test_same_bytes_under_another_group_is_a_new_ingest_that_points_to_the_first(store: CatalogStore) -> None:
    result = synthetic_result(range(1, 6), T0, seed=3)
    first = ingest(store, result, "a", group="military")

    second = ingest(store, result, "a", group="weather")

    assert second.ingest_id is not None
    assert second.duplicate_of is None
    records = {record.ingest_id: record for record in store.ingests()}
    assert records[second.ingest_id].duplicate_of == first.ingest_id
    assert records[second.ingest_id].group == "weather"
    assert store.catalog(norad_ids=[3])[0].groups == ("military", "weather")


def test_ingest_log_is_newest_first_with_all_fields(store: CatalogStore) -> None:
    result = synthetic_result(range(1, 4), T0, seed=4)
    refused = Refusal("a.tle", "checksum 5 != 6", line=7, field="line 2 column 69", text="2 00005 ...")
    ingest(store, dataclasses.replace(result, refusals=(refused,)), "a", group="geo")
    ingest(store, synthetic_result(range(3, 6), T0 + timedelta(days=1), seed=5), "b")

    newest, oldest = store.ingests()

    assert newest.ingest_id > oldest.ingest_id
    assert (oldest.source, oldest.format, oldest.group, oldest.sha256) == (
        "synthetic.tle",
        "tle",
        "geo",
        sha("a"),
    )
    assert (oldest.accepted, oldest.refused, oldest.new_element_sets) == (3, 1, 3)
    assert (oldest.retrieved_utc, oldest.ingested_utc) == (T0, T0 + timedelta(hours=1))
    assert (newest.group, newest.new_element_sets, newest.duplicate_of) == (None, 3, None)


def test_refusals_are_stored_with_their_place_and_nul_replaced(store: CatalogStore, store_url: str) -> None:
    refusals = (
        Refusal("a.tle", "bad epoch", line=4, field="line 1 columns 19-32 (epoch)", text="1 25544U \x00"),
        Refusal("a.json", "MEAN_MOTION missing", record=2, field="MEAN_MOTION"),
    )
    result: ReadResult[ElementSet] = ReadResult("a.tle", "tle", (), refusals)

    summary = ingest(store, result, "a")

    assert summary.refusals == refusals
    assert (summary.accepted, summary.refused) == (0, 2)
    stored = fetch(store_url, select(ingest_refusals).order_by(ingest_refusals.c.seq))
    assert [(r["line"], r["record"], r["field"], r["reason"]) for r in stored] == [
        (4, None, "line 1 columns 19-32 (epoch)", "bad epoch"),
        (None, 2, "MEAN_MOTION", "MEAN_MOTION missing"),
    ]
    assert stored[0]["text"] == "1 25544U \ufffd"


def test_progress_counts_element_sets_up_to_the_total(store: CatalogStore) -> None:
    calls: list[tuple[int, int]] = []
    ingest(
        store, synthetic_result(range(1, 5001), T0, seed=6), "a", progress=lambda d, t: calls.append((d, t))
    )

    assert calls[-1] == (5000, 5000)
    assert len(calls) >= 3
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)


def test_an_exception_in_progress_writes_nothing(store: CatalogStore, store_url: str) -> None:
    ingest(store, synthetic_result(range(1, 11), T0, seed=7), "a")
    before = snapshot(store_url)

    def fail(done: int, total: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        ingest(store, synthetic_result(range(1, 5001), T0 + timedelta(days=1), seed=8), "b", progress=fail)

    assert snapshot(store_url) == before


def test_a_newer_element_set_renames_the_object_an_older_or_unnamed_one_does_not(store: CatalogStore) -> None:
    ingest(store, synthetic_result([5], T0, seed=1, name="OLD NAME"), "a")
    ingest(store, synthetic_result([5], T0 - timedelta(days=3), seed=2, name="OLDER FILE"), "b")
    assert store.entry(5).name == "OLD NAME"  # type: ignore[union-attr]

    ingest(store, synthetic_result([5], T0 + timedelta(days=1), seed=3, name="NEW NAME"), "c")
    assert store.entry(5).name == "NEW NAME"  # type: ignore[union-attr]

    unnamed = synthetic_result([5], T0 + timedelta(days=2), seed=4)
    unnamed = dataclasses.replace(unnamed, records=(dataclasses.replace(unnamed.records[0], name=""),))
    ingest(store, unnamed, "d")
    assert store.entry(5).name == "NEW NAME"  # type: ignore[union-attr]
    assert [s.elements.name for s in store.history(5)] == ["OLDER FILE", "OLD NAME", "NEW NAME", ""]


def test_two_element_sets_of_one_object_in_one_input(store: CatalogStore) -> None:
    early = synthetic_result([9], T0, seed=1, name="EARLY").records[0]
    late = synthetic_result([9], T0 + timedelta(days=1), seed=2, name="LATE").records[0]

    summary = ingest(store, ReadResult("two.tle", "tle", (late, early, late)), "a")

    assert (summary.new_element_sets, summary.new_objects) == (2, 1)
    assert [s.elements for s in store.history(9)] == [early, late]
    assert store.entry(9).name == "LATE"  # type: ignore[union-attr]


@pytest.mark.parametrize("norad_id", [0, -5, 1_000_000_000])
def test_a_catalog_number_out_of_range_is_refused_and_nothing_written(
    store: CatalogStore, store_url: str, norad_id: int
) -> None:
    good = synthetic_result(range(1, 4), T0, seed=1)
    bad = dataclasses.replace(
        good, records=(*good.records[:2], dataclasses.replace(good.records[2], norad_id=norad_id))
    )
    before = snapshot(store_url)

    with pytest.raises(StoreError, match=rf"synthetic.tle: record 3 \(NORAD {norad_id}\).*1\.\.999999999"):
        ingest(store, bad, "a")

    assert snapshot(store_url) == before


def test_nine_digit_catalog_numbers_are_stored(store: CatalogStore) -> None:
    ingest(store, synthetic_result([999_999_999, 270_001], T0, seed=1), "a")

    assert [es.norad_id for es in store.latest_elements()] == [270_001, 999_999_999]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"mean_motion_rev_per_day": math.nan}, "mean_motion_rev_per_day is nan"),
        ({"inclination_deg": math.inf}, "inclination_deg is inf"),
        ({"name": "BAD\x00NAME"}, "name contains a NUL"),
        ({"rev_at_epoch": 2**70}, "rev_at_epoch .* does not fit in 64 bits"),
    ],
)
def test_values_that_cannot_be_stored_faithfully_are_refused(
    store: CatalogStore, change: dict[str, object], message: str
) -> None:
    result = synthetic_result([1], T0, seed=1)
    bad = dataclasses.replace(result, records=(dataclasses.replace(result.records[0], **change),))  # type: ignore[arg-type]

    with pytest.raises(StoreError, match=message):
        ingest(store, bad, "a")
    assert store.ingests() == []


def test_texts_must_match_the_records(store: CatalogStore) -> None:
    result = synthetic_result([1, 2], T0, seed=1)

    with pytest.raises(StoreError, match="1 original texts for 2 records"):
        ingest(store, dataclasses.replace(result, texts=result.texts[:1]), "a")


@pytest.mark.parametrize(
    ("sha256", "group"), [("abc", None), ("g" * 64, None), (sha("a"), "  "), (sha("a"), "a\nb")]
)
def test_bad_sha_or_group_is_refused(store: CatalogStore, sha256: str, group: str | None) -> None:
    with pytest.raises(StoreError, match=r"is not a SHA-256 hex digest|group name .* must be printable"):
        store.ingest_elements(
            synthetic_result([1], T0, seed=1), sha256=sha256, retrieved_utc=T0, ingested_utc=T0, group=group
        )


def test_an_upper_case_sha_is_the_same_input(store: CatalogStore) -> None:
    result = synthetic_result([1], T0, seed=1)
    first = store.ingest_elements(result, sha256=sha("a"), retrieved_utc=T0, ingested_utc=T0)

    again = store.ingest_elements(result, sha256=sha("a").upper(), retrieved_utc=T0, ingested_utc=T0)

    assert again.duplicate_of == first.ingest_id


SATCAT = (
    ObjectMetadata(
        norad_id=25544,
        name="ISS (ZARYA)",
        intl_designator="1998-067A",
        object_type="PAY",
        ops_status="+",
        owner="ISS",
        launch_date=date(1998, 11, 20),
        launch_site="TYMSC",
        period_min=92.9,
        inclination_deg=51.64,
        apogee_km=421.0,
        perigee_km=415.0,
        rcs_m2=None,
        data_status="",
        orbit_center="EA",
        orbit_type="ORB",
    ),
    ObjectMetadata(norad_id=58000, name="", object_type="DEB", owner="PRC", decay_date=date(2026, 1, 2)),
)


def ingest_satcat(store: CatalogStore, records: tuple[ObjectMetadata, ...], label: str) -> IngestSummary:
    result = ReadResult("satcat.csv", "satcat-csv", records)
    return store.ingest_metadata(result, sha256=sha(label), retrieved_utc=T0, ingested_utc=T0)


def test_metadata_creates_objects_and_updates_known_ones(store: CatalogStore, store_url: str) -> None:
    ingest(store, synthetic_result([25544], T0, seed=1, name="ISS"), "tle")

    summary = ingest_satcat(store, SATCAT, "satcat")

    assert (summary.accepted, summary.new_objects, summary.new_element_sets) == (2, 1, 0)
    iss, debris = store.catalog()
    assert (iss.name, iss.intl_designator, iss.owner, iss.object_type) == (
        "ISS (ZARYA)",
        "1998-067A",
        "ISS",
        "PAY",
    )
    assert (iss.launch_date, iss.launch_site, iss.decay_date) == (date(1998, 11, 20), "TYMSC", None)
    assert iss.epoch_utc is not None
    assert (debris.name, debris.owner, debris.decay_date, debris.epoch_utc) == (
        "",
        "PRC",
        date(2026, 1, 2),
        None,
    )
    (row,) = fetch(store_url, select(objects).where(objects.c.norad_id == 25544))
    assert (row["period_min"], row["apogee_km"], row["rcs_m2"], row["orbit_type"]) == (
        92.9,
        421.0,
        None,
        "ORB",
    )


def test_metadata_again_replaces_values_but_keeps_a_name_it_lacks(store: CatalogStore) -> None:
    ingest_satcat(store, SATCAT, "satcat-1")
    ingest(store, synthetic_result([58000], T0, seed=1, name="CZ-5B DEB"), "tle")
    changed = (
        dataclasses.replace(SATCAT[0], ops_status="-", decay_date=date(2031, 1, 1)),
        dataclasses.replace(SATCAT[1], owner="CIS"),
    )

    summary = ingest_satcat(store, changed, "satcat-2")

    assert (summary.new_objects, summary.duplicate_of) == (0, None)
    iss, debris = store.catalog()
    assert iss.decay_date == date(2031, 1, 1)
    assert (debris.name, debris.owner) == ("CZ-5B DEB", "CIS")
    assert ingest_satcat(store, changed, "satcat-2").duplicate_of == summary.ingest_id


def test_metadata_with_an_object_twice_keeps_the_last(store: CatalogStore) -> None:
    ingest_satcat(store, (SATCAT[1], dataclasses.replace(SATCAT[1], owner="US")), "satcat")

    (debris,) = store.catalog()
    assert debris.owner == "US"


def test_metadata_out_of_range_or_not_finite_is_refused(store: CatalogStore) -> None:
    with pytest.raises(StoreError, match=r"record 2 \(NORAD 0\)"):
        ingest_satcat(store, (SATCAT[0], ObjectMetadata(norad_id=0)), "a")
    with pytest.raises(StoreError, match="period_min is nan"):
        ingest_satcat(store, (ObjectMetadata(norad_id=5, period_min=math.nan),), "b")
    assert store.ingests() == []
    assert store.catalog() == []


def test_element_counts_survive_in_the_ingest_row(store: CatalogStore, store_url: str) -> None:
    ingest(store, synthetic_result(range(1, 11), T0, seed=1), "a")
    ingest(store, synthetic_result(range(5, 16), T0 + timedelta(days=1), seed=2), "b")

    counts = fetch(
        store_url, select(ingests.c.new_element_sets, ingests.c.new_objects).order_by(ingests.c.id)
    )
    assert [(row["new_element_sets"], row["new_objects"]) for row in counts] == [(10, 10), (11, 5)]
