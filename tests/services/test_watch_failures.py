"""The watch loop when sources fail: errors, garbage, a truncated answer and bad dropped files raise one
``source_failure`` alert per outage (per bad file) and change nothing the store holds."""

import dataclasses
import hashlib
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select
from watch_support import DAYS, GROUPS, SAMPLE, CelesTrak, serving, write_config

from orbitwatch.io.store import CatalogStore, tables
from orbitwatch.services.watch import run_cycle
from orbitwatch.services.watch_config import Sources, load_watch_config

ALERT_TABLES = {"alerts", "alert_deliveries", "watch_state"}
T0 = datetime(2026, 5, 24, 15, tzinfo=UTC)


@pytest.fixture
def store(db_url: str) -> Iterator[CatalogStore]:
    with CatalogStore.open(db_url) as opened:
        yield opened


def catalog_snapshot(url: str) -> dict[str, tuple[int, str]]:
    """Row count and SHA-256 of every table but the alerts' and the watch's own, in primary-key order."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            found = {}
            for table in tables.metadata.sorted_tables:
                if table.name in ALERT_TABLES:
                    continue
                rows = [
                    tuple(r) for r in connection.execute(select(table).order_by(*table.primary_key.columns))
                ]
                found[table.name] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
            return found
    finally:
        engine.dispose()


def config(tmp_path: Path, base: str, drop: Path | None = None) -> Path:
    folders = f'drop_folders = ["{drop}"]' if drop else ""
    return write_config(
        tmp_path / "watch.toml",
        f"""
name = "failing"
[sources]
celestrak_groups = {json.dumps(list(GROUPS))}
celestrak_base = "{base}"
cache_dir = "cache"
retries = 2
backoff_s = 0.5
{folders}
[[channels.jsonl]]
path = "alerts.jsonl"
""",
    )


@pytest.mark.usefixtures("no_internet")
def test_errors_garbage_and_truncation_raise_one_alert_per_outage_and_lose_nothing(
    store: CatalogStore, db_url: str, tmp_path: Path
) -> None:
    celestrak = CelesTrak(SAMPLE)
    sleeps: list[float] = []
    with serving(celestrak) as base:
        watch = load_watch_config(config(tmp_path, base))
        for k in (0, 1):
            celestrak.day = DAYS[k]
            run_cycle(store, watch, T0 + timedelta(days=k), sleep=sleeps.append)
        held = catalog_snapshot(db_url)
        members = {g: len(store.catalog(groups=[g])) for g in GROUPS}

        celestrak.modes = {"military": "error", "geo": "garbage", "resource": "truncated"}
        sleeps.clear()
        third = run_cycle(store, watch, T0 + timedelta(days=2), sleep=sleeps.append)
        military = "/NORAD/elements/gp.php?GROUP=military&FORMAT=tle"
        assert celestrak.requests.count(military) == 3 + 2  # two good cycles, then 1 + 2 retries
        assert [s for s in sleeps if s in (0.5, 1.0)] == [0.5, 1.0]  # back-off, besides the rate limit
        statuses = {s.source: s.status for s in third.sources}
        assert statuses == {
            "celestrak:geo": "failed",
            "celestrak:military": "failed",
            "celestrak:resource": "failed",
            "celestrak:science": "unchanged",
            "celestrak:stations": "unchanged",
            "celestrak:weather": "unchanged",
        }
        failures = {a.payload["source"]: a for a in third.alerts}
        assert set(failures) == {"celestrak:geo", "celestrak:military", "celestrak:resource"}
        assert all(a.kind == "source_failure" for a in third.alerts)
        assert "HTTP 500" in failures["celestrak:military"].payload["error"]
        assert "no element set could be read" in failures["celestrak:geo"].payload["error"]
        assert "truncated" in failures["celestrak:resource"].payload["error"]
        assert catalog_snapshot(db_url) == held
        assert {g: len(store.catalog(groups=[g])) for g in GROUPS} == members

        fourth = run_cycle(store, watch, T0 + timedelta(days=2, hours=3), sleep=sleeps.append)
        assert fourth.alerts == ()  # the same outage alerts once
        assert len(fourth.failed_sources) == 3
        health = store.watch_values("watch:failing:source:celestrak:military")
        assert health["watch:failing:source:celestrak:military"]["failures"] == 2

        celestrak.modes = {"geo": "garbage", "resource": "truncated"}  # military is back
        fifth = run_cycle(store, watch, T0 + timedelta(days=2, hours=6), sleep=sleeps.append)
        assert fifth.alerts == ()
        assert {s.source for s in fifth.failed_sources} == {
            "celestrak:geo",
            "celestrak:resource",
        }
        celestrak.modes["military"] = "error"  # and down again: a new outage
        sixth = run_cycle(store, watch, T0 + timedelta(days=2, hours=9), sleep=sleeps.append)
        assert [a.payload["source"] for a in sixth.alerts] == ["celestrak:military"]
        assert catalog_snapshot(db_url) == held
    assert sorted(a.kind for a in store.alerts()) == ["event"] + ["source_failure"] * 4  # SHENZHOU-23


@pytest.mark.usefixtures("no_internet")
def test_dropped_files_are_ingested_or_refused_once_and_moved(
    store: CatalogStore, db_url: str, tmp_path: Path
) -> None:
    drop = tmp_path / "drop"
    drop.mkdir()
    for group in GROUPS:
        (drop / f"{group}.tle").write_bytes((SAMPLE / DAYS[0] / f"{group}.tle").read_bytes())
    with serving() as base:
        watch = load_watch_config(config(tmp_path, base, drop))
        watch = dataclasses.replace(watch, sources=Sources(drop_folders=(drop,)))
        first = run_cycle(store, watch, T0)
        assert [s.status for s in first.sources] == ["ingested"] * len(GROUPS)
        assert sorted(p.name for p in (drop / "ingested").iterdir()) == sorted(f"{g}.tle" for g in GROUPS)
        held = catalog_snapshot(db_url)

        (drop / "military.tle").write_bytes(b"<html><body>not found</body></html>\n")
        (drop / "geo.tle").write_bytes(
            b"".join((SAMPLE / DAYS[0] / "geo.tle").read_bytes().splitlines(True)[:6])
        )
        (drop / ".partial.tle").write_bytes(b"being written")
        second = run_cycle(store, watch, T0 + timedelta(hours=2))
        assert {s.status for s in second.sources} == {"failed"}
        assert sorted(a.kind for a in second.alerts) == ["source_failure", "source_failure"]
        assert sorted(p.name for p in (drop / "refused").iterdir()) == ["geo.tle", "military.tle"]
        assert (drop / ".partial.tle").exists()
        assert catalog_snapshot(db_url) == held

        (drop / "weather.tle").write_bytes((SAMPLE / DAYS[1] / "weather.tle").read_bytes())
        third = run_cycle(store, watch, T0 + timedelta(days=1))
        assert [s.status for s in third.sources] == ["ingested"]
        assert catalog_snapshot(db_url) != held
