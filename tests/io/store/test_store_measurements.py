"""Tracking measurements in the store: an ingest per file, each measurement once, read back by filter."""

from datetime import timedelta

from store_samples import T0, sha

from orbitwatch.core.elements.result import ReadResult
from orbitwatch.core.od.measurements import Measurement
from orbitwatch.io.store import CatalogStore
from orbitwatch.io.store.observations import MeasurementFilter


def _radar(k: int, station: str = "RADAR1") -> Measurement:
    return Measurement(
        T0 + timedelta(seconds=10 * k), "range", (1000.0 + k,), (0.01,), station, f"pass.tdm:{k}"
    )


def _file(measurements: list[Measurement], source: str = "pass.tdm") -> ReadResult[Measurement]:
    return ReadResult(source, "tdm-kvn", tuple(measurements))


def test_measurements_are_stored_and_read_back_equal(store: CatalogStore) -> None:
    taken = [_radar(k) for k in range(5)]
    summary = store.ingest_measurements(_file(taken), sha256=sha("a"), retrieved_utc=T0, ingested_utc=T0)

    assert (summary.accepted, summary.new_element_sets) == (5, 5)
    assert store.measurements() == taken


def test_overlapping_files_store_each_measurement_once_and_a_file_once(store: CatalogStore) -> None:
    store.ingest_measurements(
        _file([_radar(k) for k in range(5)]), sha256=sha("a"), retrieved_utc=T0, ingested_utc=T0
    )
    later = store.ingest_measurements(
        _file([_radar(k) for k in range(3, 8)], "later.tdm"),
        sha256=sha("b"),
        retrieved_utc=T0,
        ingested_utc=T0,
    )
    again = store.ingest_measurements(_file([_radar(0)]), sha256=sha("a"), retrieved_utc=T0, ingested_utc=T0)

    assert later.new_element_sets == 3
    assert again.duplicate_of is not None
    assert len(store.measurements()) == 8


def test_measurements_are_filtered_by_time_station_and_kind(store: CatalogStore) -> None:
    taken = [_radar(k) for k in range(5)] + [_radar(k, "RADAR2") for k in range(5, 7)]
    store.ingest_measurements(_file(taken), sha256=sha("a"), retrieved_utc=T0, ingested_utc=T0)

    window = MeasurementFilter(since_utc=T0 + timedelta(seconds=15), until_utc=T0 + timedelta(seconds=40))
    assert store.measurements(window) == taken[2:5]
    assert store.measurements(MeasurementFilter(stations=["RADAR2"])) == taken[5:]
    assert store.measurements(MeasurementFilter(kinds=["az_el"])) == []
