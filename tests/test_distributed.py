"""The overflight searches chunked over Dask give the in-process results, on a real LocalCluster.

Real bundled satellites of 2026-05-24 for 12 hours: passes of the resource, military and stations groups
(about 200 objects) in chunks of 37 over three sites; imaging opportunities of the military group in
chunks of 5 over Seoul and the Korean peninsula (a region costs far more per satellite than a site).
With the python-sgp4 engine a satellite's states do not depend on the batch it is propagated in, so the
results must be identical, column by column; the default engine may differ by a few 1e-8 km between
batch compositions, so there the event times must agree within 1 ms.
"""

import os
import time
from collections.abc import Iterator
from dataclasses import fields
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from distributed import Client, LocalCluster

from orbitwatch.core.elements.formats import read_elements
from orbitwatch.core.elements.model import ElementSet
from orbitwatch.core.events.imaging import Opportunity, SensorModel
from orbitwatch.core.events.passes import PassTable
from orbitwatch.core.targets import Region, Site
from orbitwatch.distributed import (
    WORKER_ENVIRON,
    local_cluster,
    search_opportunities_chunked,
    search_passes_chunked,
)
from orbitwatch.errors import OrbitwatchError
from orbitwatch.io.gazetteer import load_region
from orbitwatch.services.overflights import (
    Exclusions,
    OpportunityReport,
    PassReport,
    TimeWindow,
    search_opportunities,
    search_passes,
)

pytestmark = pytest.mark.slow

WINDOW = TimeWindow(datetime(2026, 5, 24, tzinfo=UTC), 12 * 3600.0)
SITES = [
    Site("Seoul", 37.5665, 126.978),
    Site("Sohae", 39.660, 124.705),
    Site("Canberra", -35.2809, 149.1300),
]
CHUNK = 37
MILITARY_CHUNK = 5
SENSOR = SensorModel.optical()
GROUPS = ("resource", "military", "stations")


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    """The address of a two-worker cluster of single-threaded processes, closed after the module."""
    with local_cluster(n_workers=2) as cluster:
        yield cluster.scheduler_address


@pytest.fixture(scope="module")
def elements(sample_dir: Path) -> list[ElementSet]:
    day = sample_dir / "2026-05-24"
    found = [e for g in GROUPS for e in read_elements((day / f"{g}.tle").read_bytes(), f"{g}.tle").records]
    return list({e.norad_id: e for e in found}.values())


@pytest.fixture(scope="module")
def military(sample_dir: Path) -> list[ElementSet]:
    return list(read_elements((sample_dir / "2026-05-24" / "military.tle").read_bytes(), "military").records)


@pytest.fixture(scope="module")
def targets() -> list[Site | Region]:
    return [SITES[0], load_region("korean-peninsula")]


def _canonical(table: PassTable) -> dict[str, np.ndarray]:
    """Every column of the table by row, rows in (satellite, site, rise) order, indices resolved."""
    ids = table.norad_ids[table.satellite]
    order = np.lexsort((table.rises.t_s, table.site, ids))
    columns = {
        "norad_id": ids,
        "name": np.array(table.satellite_names, dtype=object)[table.satellite],
        "site": np.array(table.site_names, dtype=object)[table.site],
        "visible": table.visible,
        "rise_clipped": table.rise_clipped,
        "set_clipped": table.set_clipped,
        "element_age_days": table.element_age_days,
    }
    for event in ("rises", "culminations", "sets"):
        for field in ("t_s", "az_deg", "el_deg", "range_km"):
            columns[f"{event}.{field}"] = getattr(getattr(table, event), field)
    return {name: column[order] for name, column in columns.items()}


def _assert_same_exclusions(got: Exclusions, expected: Exclusions) -> None:
    assert got.rejected == expected.rejected
    assert got.stale == expected.stale
    assert sorted(got.skipped, key=str) == sorted(expected.skipped, key=str)


def _assert_same_passes(got: PassReport, expected: PassReport, time_tolerance_s: float = 0.0) -> None:
    assert got.table.t0_utc == expected.table.t0_utc
    assert got.table.site_names == expected.table.site_names
    assert np.all(np.diff(got.table.rises.t_s) >= 0.0), "passes are sorted by rise"
    mine, theirs = _canonical(got.table), _canonical(expected.table)
    for name, column in theirs.items():
        if time_tolerance_s and name.endswith(".t_s"):
            np.testing.assert_allclose(mine[name], column, rtol=0.0, atol=time_tolerance_s, err_msg=name)
        elif time_tolerance_s and column.dtype == np.float64:
            np.testing.assert_allclose(mine[name], column, rtol=1e-6, atol=1e-3, err_msg=name)
        else:
            np.testing.assert_array_equal(mine[name], column, err_msg=name)
    _assert_same_exclusions(got.exclusions, expected.exclusions)


def _assert_same_opportunities(
    got: OpportunityReport, expected: OpportunityReport, *, time_tolerance_s: float, exact_values: bool
) -> None:
    assert len(got.opportunities) == len(expected.opportunities)
    for mine, theirs in zip(got.opportunities, expected.opportunities, strict=True):
        for field in fields(Opportunity):
            value, reference = getattr(mine, field.name), getattr(theirs, field.name)
            if isinstance(value, datetime):
                assert abs((value - reference).total_seconds()) <= time_tolerance_s, field.name
            elif isinstance(value, float) and not exact_values:
                assert value == pytest.approx(reference, rel=1e-6, abs=1e-3), field.name
            else:
                assert value == reference, field.name
    if exact_values:
        assert got.time_error_s == expected.time_error_s
    else:
        np.testing.assert_allclose(got.time_error_s, expected.time_error_s, rtol=1e-6)
    _assert_same_exclusions(got.exclusions, expected.exclusions)


def test_passes_on_dask_are_identical_to_in_process(scheduler: str, elements: list[ElementSet]) -> None:
    expected = search_passes(elements, SITES, WINDOW, engine="sgp4")
    progress: list[tuple[int, int]] = []
    got = search_passes_chunked(
        elements,
        SITES,
        WINDOW,
        scheduler=scheduler,
        chunk_size=CHUNK,
        progress=lambda done, total: progress.append((done, total)),
        engine="sgp4",
    )
    chunks = -(-len(elements) // CHUNK)
    assert len(elements) > 150
    assert chunks > 4
    assert len(expected.table) > 300
    assert progress == [(done, chunks) for done in range(1, chunks + 1)]
    _assert_same_passes(got, expected)


def test_passes_on_dask_with_the_default_engine_agree_within_a_millisecond(
    scheduler: str, elements: list[ElementSet]
) -> None:
    expected = search_passes(elements, SITES, WINDOW, min_elevation_deg=5.0)
    got = search_passes_chunked(
        elements, SITES, WINDOW, scheduler=scheduler, chunk_size=CHUNK, min_elevation_deg=5.0
    )
    _assert_same_passes(got, expected, time_tolerance_s=1e-3)


def test_opportunities_on_dask_are_identical_to_in_process(
    scheduler: str, military: list[ElementSet], targets: list[Site | Region]
) -> None:
    expected = search_opportunities(military, targets, SENSOR, WINDOW, engine="sgp4")
    got = search_opportunities_chunked(
        military, targets, SENSOR, WINDOW, scheduler=scheduler, chunk_size=MILITARY_CHUNK, engine="sgp4"
    )
    assert {o.target for o in expected.opportunities} == {"Seoul", "Korean peninsula"}
    assert got == expected


def test_opportunities_on_dask_with_the_default_engine_agree_within_a_millisecond(
    scheduler: str, military: list[ElementSet], targets: list[Site | Region]
) -> None:
    expected = search_opportunities(military, targets, SENSOR, WINDOW)
    got = search_opportunities_chunked(
        military, targets, SENSOR, WINDOW, scheduler=scheduler, chunk_size=MILITARY_CHUNK
    )
    _assert_same_opportunities(got, expected, time_tolerance_s=1e-3, exact_values=False)


def test_chunks_in_process_match_the_single_search(elements: list[ElementSet]) -> None:
    progress: list[tuple[int, int]] = []
    got = search_passes_chunked(
        elements,
        SITES,
        WINDOW,
        chunk_size=CHUNK,
        progress=lambda done, total: progress.append((done, total)),
        engine="sgp4",
    )
    chunks = -(-len(elements) // CHUNK)
    assert progress == [(done, chunks) for done in range(1, chunks + 1)]
    _assert_same_passes(got, search_passes(elements, SITES, WINDOW, engine="sgp4"))


def test_no_satellites_give_an_empty_report_and_bad_arguments_the_service_error(scheduler: str) -> None:
    report = search_passes_chunked([], SITES, WINDOW, scheduler=scheduler)
    assert len(report.table) == 0
    assert report.table.site_names == tuple(s.name for s in SITES)
    with pytest.raises(OrbitwatchError, match="no site given"):
        search_passes_chunked([], [], WINDOW, scheduler=scheduler)
    with pytest.raises(OrbitwatchError, match="chunk size"):
        search_passes_chunked([], SITES, WINDOW, chunk_size=0)


@pytest.mark.parametrize(
    ("address", "message"),
    [
        ("tcp://127.0.0.1:1", "cannot reach the Dask scheduler at 'tcp://127.0.0.1:1'"),
        ("127.0.0.1", "not a Dask scheduler address: missing port number"),
        ("http://127.0.0.1:8786", "not a Dask scheduler address: unknown address scheme 'http'"),
    ],
)
def test_a_bad_scheduler_address_is_a_clear_error(address: str, message: str) -> None:
    began = time.perf_counter()
    with pytest.raises(OrbitwatchError, match=message):
        search_passes_chunked([], SITES, WINDOW, scheduler=address, connect_timeout_s=1.0)
    assert time.perf_counter() - began < 5.0


def test_local_cluster_workers_run_single_threaded(scheduler: str) -> None:
    with Client(scheduler, set_as_default=False) as client:
        environ = client.run(lambda: {k: os.environ.get(k) for k in WORKER_ENVIRON})
    assert list(environ.values()) == [WORKER_ENVIRON] * 2


def test_a_local_scheduler_is_started_and_closed_for_the_call(military: list[ElementSet]) -> None:
    environ = dict(os.environ)
    got = search_passes_chunked(military, SITES, WINDOW, scheduler="local", chunk_size=8, engine="sgp4")
    assert dict(os.environ) == environ, "the workers' settings stay out of this process's environment"
    _assert_same_passes(got, search_passes(military, SITES, WINDOW, engine="sgp4"))


def test_a_scheduler_without_workers_is_a_clear_error() -> None:
    with LocalCluster(n_workers=0, dashboard_address="127.0.0.1:0") as cluster:
        began = time.perf_counter()
        with pytest.raises(OrbitwatchError, match="has no worker"):
            search_passes_chunked(
                [], SITES, WINDOW, scheduler=cluster.scheduler_address, connect_timeout_s=1.0
            )
        assert time.perf_counter() - began < 5.0
