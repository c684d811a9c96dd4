"""The watch loop over four real daily CelesTrak snapshots served in turn by a loopback CelesTrak.

The expected alerts are derived without the store: the events from the core's diff of the snapshot files
(and listed by hand: SHENZHOU-23's launch on the 25th, DSP 20-22 joining GEO on the 26th, HTV-X1 leaving
on the 27th), the manoeuvres from the core's detector on the watched objects' histories read from the
files, the opportunities from the search on the newest element sets read from the files.
"""

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from watch_support import DAYS, GROUPS, SAMPLE, CelesTrak, serving, write_config

from orbitwatch.core.changes import ChangeEvent, diff_states
from orbitwatch.core.changes.manoeuvres import detect_manoeuvres
from orbitwatch.core.elements.formats import read_elements
from orbitwatch.core.elements.model import ElementSet
from orbitwatch.core.events.imaging import SensorModel
from orbitwatch.errors import ElementsError
from orbitwatch.io.store import CatalogStore
from orbitwatch.io.store.alerts import StoredAlert
from orbitwatch.services.catalog import Selection
from orbitwatch.services.changes import state_from_path
from orbitwatch.services.delivery import deliver_pending
from orbitwatch.services.overflights import TimeWindow, search_opportunities
from orbitwatch.services.targets import resolve_sites
from orbitwatch.services.watch import CycleReport, run_cycle
from orbitwatch.services.watch_config import load_watch_config
from orbitwatch.services.watchlists import create_watch_list

WATCHED = (39766, 41194, 43613, 49271)  # ALOS-2, GAOFEN-4 (GEO), ICESAT-2, FREGAT DEB
HORIZON_H, LEAD_H, LOOKBACK_H = 12.0, 8.0, 72.0
SENSOR = SensorModel(30.0, None, 10.0, "optical")


def cycle_time(k: int) -> datetime:
    return datetime(2026, 5, 24 + k, 15, tzinfo=UTC)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


@pytest.fixture
def store(db_url: str) -> Iterator[CatalogStore]:
    with CatalogStore.open(db_url) as opened:
        yield opened


def config_text(base: str, *, groups: tuple[str, ...] = GROUPS, watch: bool = True) -> str:
    targets = '[targets]\nsites = ["Seoul"]\nwatch_lists = ["watched"]\n' if watch else ""
    return f"""
name = "test"
interval_minutes = 1440
horizon_hours = {HORIZON_H}
lead_time_minutes = {LEAD_H * 60}
manoeuvre_lookback_hours = {LOOKBACK_H}

[sources]
celestrak_groups = {json.dumps(list(groups))}
celestrak_base = "{base}"
cache_dir = "cache"
retries = 2
backoff_s = 0.01

{targets}
[sensor]
kind = "optical"
max_off_nadir_deg = 30
min_sun_elevation_deg = 10

[[channels.jsonl]]
name = "file"
path = "alerts.jsonl"
"""


# The expectations, from the files alone.


def expected_events(k: int) -> set[tuple[str, tuple[int, ...], str]]:
    if k == 0:
        return set()
    old = state_from_path(str(SAMPLE / DAYS[k - 1])).state
    new = state_from_path(str(SAMPLE / DAYS[k])).state
    return {(e.kind, e.norad_ids, e.launch_id) for e in diff_states(old, new)}


def watched_histories(k: int) -> dict[int, list[ElementSet]]:
    """The watched objects' element sets in the files of days 0..k, each once, oldest epoch first."""
    histories: dict[int, list[ElementSet]] = {}
    seen: set[tuple[object, ...]] = set()
    for day in DAYS[: k + 1]:
        for group in GROUPS:
            path = SAMPLE / day / f"{group}.tle"
            for e in read_elements(path.read_bytes(), str(path)).records:
                identity = (e.norad_id, e.epoch_utc, e.mean_motion_rev_per_day, e.eccentricity, e.raan_deg)
                if e.norad_id in WATCHED and identity not in seen:
                    seen.add(identity)
                    histories.setdefault(e.norad_id, []).append(e)
    return {n: sorted(h, key=lambda e: e.epoch_utc) for n, h in histories.items()}


def expected_manoeuvres(k: int) -> set[tuple[int, datetime, datetime]]:
    now = cycle_time(k)
    found = set()
    for history in watched_histories(k).values():
        if len({e.epoch_utc for e in history}) < 2:
            continue
        try:
            manoeuvres = detect_manoeuvres(history)
        except ElementsError:
            continue
        found |= {
            (m.norad_id, m.epoch_before, m.epoch_after)
            for m in manoeuvres
            if now - timedelta(hours=LOOKBACK_H) <= m.estimated_time_utc <= now
        }
    return found


def expected_opportunities(k: int) -> set[tuple[int, str, str]]:
    now = cycle_time(k)
    newest = {}
    for n, history in watched_histories(k).items():
        best = history[0]
        for e in history:
            if e.epoch_utc >= best.epoch_utc:
                best = e
        newest[n] = best
    elements = [newest[n] for n in sorted(newest)]
    report = search_opportunities(
        elements, resolve_sites(["Seoul"], None), SENSOR, TimeWindow(now, HORIZON_H * 3600)
    )
    lead_end = now + timedelta(hours=LEAD_H)
    return {
        (o.norad_id, o.target, iso(o.start_utc))
        for o in report.opportunities
        if o.start_utc <= lead_end and o.end_utc > now
    }


# What the watch raised.


def event_keys(alerts: tuple[StoredAlert, ...]) -> set[tuple[str, tuple[int, ...], str]]:
    return {
        (a.payload["event_kind"], tuple(a.payload["norad_ids"]), a.payload["launch_id"])
        for a in alerts
        if a.kind == "event" and a.payload["event_kind"] != "manoeuvre"
    }


def manoeuvre_keys(alerts: tuple[StoredAlert, ...]) -> set[tuple[int, datetime, datetime]]:
    return {
        (
            a.payload["norad_ids"][0],
            datetime.fromisoformat(a.payload["epoch_before"]),
            datetime.fromisoformat(a.payload["epoch_after"]),
        )
        for a in alerts
        if a.kind == "event" and a.payload["event_kind"] == "manoeuvre"
    }


def opportunity_keys(alerts: tuple[StoredAlert, ...]) -> set[tuple[int, str, str]]:
    return {
        (a.payload["norad_id"], a.payload["target"], a.payload["start_utc"])
        for a in alerts
        if a.kind == "opportunity"
    }


@pytest.mark.usefixtures("no_internet")
def test_four_daily_snapshots_raise_exactly_the_expected_alerts_once(
    store: CatalogStore, tmp_path: Path
) -> None:
    create_watch_list(store, "watched", [Selection(norad_ids=WATCHED)], now_utc=cycle_time(0))
    celestrak = CelesTrak(SAMPLE)
    sleeps: list[float] = []
    reports: list[CycleReport] = []
    with serving(celestrak) as base:
        config = load_watch_config(write_config(tmp_path / "watch.toml", config_text(base)))
        for k, day in enumerate(DAYS):
            celestrak.day = day
            reports.append(run_cycle(store, config, cycle_time(k), sleep=sleeps.append))
        again = run_cycle(store, config, cycle_time(3), sleep=sleeps.append)
    assert again.alerts == ()  # each alert once

    # By hand: what the snapshots hold.
    assert {(a, b, c) for a, b, c in event_keys(reports[1].alerts) if a == "launch"} == {
        ("launch", (69180,), "2026-113")
    }
    assert {n for kind, (n,), _ in event_keys(reports[2].alerts) if kind == "group_added"} >= {
        26356,
        26880,
        28158,
    }
    assert event_keys(reports[3].alerts) == {("removed", (66174,), "")}

    for k, report in enumerate(reports):
        assert [s.status for s in report.sources] == ["ingested"] * len(GROUPS), k
        assert event_keys(report.alerts) == expected_events(k), k
        earlier = set().union(*(expected_manoeuvres(j) for j in range(k)))
        assert manoeuvre_keys(report.alerts) == expected_manoeuvres(k) - earlier, k
        assert opportunity_keys(report.alerts) == expected_opportunities(k), k
        assert not [a for a in report.alerts if a.kind == "source_failure"]
    assert any(manoeuvre_keys(r.alerts) for r in reports)  # the watched objects did manoeuvre
    assert all(opportunity_keys(r.alerts) for r in reports)  # GAOFEN-4 sees Seoul every day

    raised = [a for r in reports for a in r.alerts]
    stored = store.alerts()
    assert sorted(a.alert_id for a in stored) == sorted(a.alert_id for a in raised)
    assert len({a.dedupe_key for a in stored}) == len(stored)

    report = deliver_pending(store, config.channels, cycle_time(3))
    assert report.delivered == len(stored)
    assert report.failed == 0
    lines = [json.loads(line) for line in (tmp_path / "alerts.jsonl").read_text().splitlines()]
    assert sorted(line["alert_id"] for line in lines) == sorted(a.alert_id for a in stored)
    deliveries = store.alert_deliveries([a.alert_id for a in stored])
    assert {(d.status, d.attempts, d.channel) for d in deliveries} == {("delivered", 1, "jsonl:file")}
    assert deliver_pending(store, config.channels, cycle_time(3)).delivered == 0
    assert sleeps == [] or max(sleeps) <= 1.0  # the rate limit's waits, never real


def _launch(norad_id: int, day: int) -> ChangeEvent:
    epoch = datetime(2026, 5, day, tzinfo=UTC)
    return ChangeEvent("launch", (norad_id,), f"2026-{norad_id % 1000:03d}", None, epoch, {"pieces": 1})


def test_an_event_committed_below_the_mark_is_still_alerted_once(store: CatalogStore, tmp_path: Path) -> None:
    # On PostgreSQL a concurrent writer can commit an event whose id is below the watch's mark after the
    # mark passed it. The watch looks again below its mark, never below its first cycle, and alerts once.
    config = load_watch_config(
        write_config(tmp_path / "watch.toml", config_text("http://127.0.0.1:9", groups=()))
    )
    store.record_events([_launch(101, 20)], detected_utc=cycle_time(0), detector="test")  # before the watch
    run_cycle(store, config, cycle_time(0), sleep=lambda s: None)
    (late,), _ = store.record_events([_launch(102, 21)], detected_utc=cycle_time(1), detector="test")
    passed = {"event_id": late.event_id, "floor": late.event_id - 1}  # as if a later event had passed it
    store.set_watch_values({"watch:test:events_through": passed}, updated_utc=cycle_time(1))

    first = run_cycle(store, config, cycle_time(1), sleep=lambda s: None)
    again = run_cycle(store, config, cycle_time(2), sleep=lambda s: None)

    assert [a.payload["norad_ids"] for a in first.alerts if a.kind == "event"] == [[102]]
    assert not [a for a in again.alerts if a.kind == "event"]
    assert [a.payload["norad_ids"] for a in store.alerts() if a.kind == "event"] == [[102]]
