"""Events in the store: kept with their figures, never stored twice, read back by filter; and the
catalog as the store knew it at a time."""

from datetime import timedelta

from store_samples import T0, sha, synthetic_result

from orbitwatch.core.changes import ChangeEvent
from orbitwatch.io.store import CatalogStore, EventFilter

LAUNCH = ChangeEvent(
    kind="launch",
    norad_ids=(68667, 68668),
    launch_id="2026-113",
    epoch_before=None,
    epoch_after=T0 + timedelta(days=1),
    details={"pieces": 2, "names": ("SHENZHOU-23", "CZ-2F R/B"), "perigee_km": 380.5, "decayed": False},
)
BURN = ChangeEvent(
    kind="manoeuvre",
    norad_ids=(25544,),
    launch_id="",
    epoch_before=T0,
    epoch_after=T0 + timedelta(hours=12),
    details={"delta_v_mps": 0.61, "estimated_time_utc": (T0 + timedelta(hours=5)).isoformat()},
)


def test_events_are_stored_with_their_figures_and_read_back_equal(store: CatalogStore) -> None:
    added, known = store.record_events([LAUNCH, BURN], detected_utc=T0, detector="test")

    assert (len(added), known) == (2, 0)
    assert [stored.event for stored in store.events()] == [LAUNCH, BURN]
    assert {stored.detector for stored in store.events()} == {"test"}


def test_the_same_event_is_never_stored_twice(store: CatalogStore) -> None:
    store.record_events([LAUNCH], detected_utc=T0, detector="test")
    added, known = store.record_events([LAUNCH, BURN, BURN], detected_utc=T0, detector="test")

    assert ([stored.event for stored in added], known) == ([BURN], 2)
    assert len(store.events()) == 2


def test_events_are_filtered_by_kind_object_and_time_and_paged(store: CatalogStore) -> None:
    store.record_events([LAUNCH, BURN], detected_utc=T0, detector="test")

    assert [s.event for s in store.events(EventFilter(kinds=("manoeuvre",)))] == [BURN]
    assert [s.event for s in store.events(EventFilter(norad_ids=[68668]))] == [LAUNCH]
    assert [s.event for s in store.events(EventFilter(since_utc=T0 + timedelta(hours=13)))] == [LAUNCH]
    assert [s.event for s in store.events(EventFilter(limit=1, offset=1))] == [BURN]


def test_the_state_at_a_time_is_what_the_ingests_retrieved_by_then_held(store: CatalogStore) -> None:
    day2 = T0 + timedelta(days=1)
    first = synthetic_result([1, 2, 3], T0, seed=1)
    second = synthetic_result([2, 3, 4], day2, seed=2)
    store.ingest_elements(first, sha256=sha("d1"), retrieved_utc=T0, ingested_utc=day2, group="military")
    store.ingest_elements(second, sha256=sha("d2"), retrieved_utc=day2, ingested_utc=day2, group="military")

    before = store.state_at(T0 + timedelta(hours=23))
    after = store.state_at(day2 + timedelta(hours=1))

    assert {e.norad_id: e for e in before["military"]} == {e.norad_id: e for e in first.records}
    assert {e.norad_id: e for e in after["military"]} == {e.norad_id: e for e in second.records}
    assert store.state_at(T0 - timedelta(seconds=1)) == {}
