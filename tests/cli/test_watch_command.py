"""``orbitwatch watch``: one cycle from the command line, its errors, a SIGKILL in the middle of delivering
to a slow webhook (after a restart every alert is delivered exactly once, after the receiver's dedupe by
Idempotency-Key, or marked failed), and ``serve --watch-config`` running the loop beside the API."""

import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from orbitwatch.io.alerts_out import verify_signature
from orbitwatch.io.store import CatalogStore
from orbitwatch.services.ingest import ingest_locations

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "services"))
from watch_support import DAYS, GROUPS, SAMPLE, SECRET, Receiver, serving, write_config

SECRET_ENV = "TEST_WATCH_SECRET"


def drop_config(tmp_path: Path, drop: Path, hooks: str = "", interval: float = 60) -> Path:
    return write_config(
        tmp_path / "watch.toml",
        f"""
name = "cli"
interval_minutes = {interval}
[sources]
drop_folders = ["{drop}"]
[[channels.jsonl]]
name = "file"
path = "alerts.jsonl"
{hooks}
""",
    )


def fill(drop: Path, day: str) -> None:
    """Drop a day's snapshots as a writer should: each written under a hidden name, then renamed."""
    drop.mkdir(exist_ok=True)
    for group in GROUPS:
        (drop / f".{group}.tle").write_bytes((SAMPLE / day / f"{group}.tle").read_bytes())
        os.replace(drop / f".{group}.tle", drop / f"{group}.tle")


def test_watch_once_ingests_the_drop_folder_and_raises_the_launch(cli: Any, tmp_path: Path) -> None:
    drop = tmp_path / "drop"
    fill(drop, DAYS[0])
    config = drop_config(tmp_path, drop)
    first = cli("watch", "--config", str(config), "--once")
    assert first.code == 0, first.err
    assert "6 sources (0 failed), 0 new events, 0 alerts; delivered 0, failed 0" in first.err
    fill(drop, DAYS[1])
    (drop / "broken.tle").write_bytes(b"1 not a TLE at all\n")
    second = cli("watch", "--config", str(config), "--once")
    assert second.code == 1  # a dropped file was refused
    assert "7 sources (1 failed), 1 new events, 2 alerts; delivered 2, failed 0" in second.err
    assert "source file:broken.tle" in second.err
    kinds = sorted(json.loads(line)["kind"] for line in (tmp_path / "alerts.jsonl").read_text().splitlines())
    assert kinds == ["event", "source_failure"]


def test_watch_refuses_a_bad_configuration_naming_the_key(cli: Any, tmp_path: Path) -> None:
    config = write_config(tmp_path / "bad.toml", '[sources]\ncelestrak_groups = ["military"]\nretires = 3\n')
    result = cli("watch", "--config", str(config), "--once")
    assert result.code == 2
    assert "sources.retires: unknown key" in result.err
    hook = '[[channels.webhook]]\nname = "x"\nurl = "https://example.org/h"\nsecret_env = "NOT_SET_HERE"\n'
    result = cli("watch", "--config", str(write_config(tmp_path / "hook.toml", hook)), "--once")
    assert result.code == 2
    assert "channels.webhook[0].secret_env: $NOT_SET_HERE must hold a secret" in result.err


def _watch_process(db: str, config: Path, log: Path, *extra: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, SECRET_ENV: SECRET, "ORBITWATCH_DEBUG": "1"}
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "orbitwatch", "--db", db, "watch", "--config", str(config), *extra],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
        )


@pytest.mark.slow
def test_sigkill_during_delivery_then_restart_delivers_every_alert_once_or_fails_it(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'catalog.sqlite'}"
    with CatalogStore.open(db) as store:
        ingest_locations(store, [str(SAMPLE / DAYS[0])], now_utc=datetime(2026, 5, 24, 15, tzinfo=UTC))
        channels = ("jsonl:file", "webhook:hook", "webhook:dead")
        for k in range(12):
            store.record_alert(
                kind="event",
                dedupe_key=f"earlier:{k}",
                title=f"earlier alert {k}",
                payload={"k": k},
                created_utc=datetime(2026, 5, 24, 16, tzinfo=UTC),
                channels=channels,
            )
    drop = tmp_path / "drop"
    fill(drop, DAYS[1])  # the cycle adds the launch of SHENZHOU-23
    receiver = Receiver(delay_s=0.4)
    log = tmp_path / "watch.log"
    with serving(receiver=receiver) as base:
        hooks = "\n".join(
            f'[[channels.webhook]]\nname = "{name}"\nurl = "{base}/{path}"\nsecret_env = "{SECRET_ENV}"\n'
            f"retries = 1\nbackoff_s = 0.05\ntimeout_s = 5\n"
            for name, path in (("hook", "hook"), ("dead", "gone"))
        )
        config = drop_config(tmp_path, drop, hooks)
        process = _watch_process(db, config, log, "--once")
        deadline = time.monotonic() + 60
        while len(receiver.received) < 4 and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.05)
        assert process.poll() is None, log.read_text()
        process.send_signal(signal.SIGKILL)
        process.wait()
        assert 4 <= len(receiver.received) < 13

        with CatalogStore.open(db) as store:
            alerts = store.alerts()
            assert len(alerts) == 13  # the 12 earlier ones and the launch, each once
            deliveries = store.alert_deliveries([a.alert_id for a in alerts])
            assert len(deliveries) == 13 * 3
            assert {d.status for d in deliveries if d.channel == "jsonl:file"} == {"delivered"}
            assert {d.status for d in deliveries if d.channel == "webhook:hook"} <= {
                "pending",
                "in_flight",
                "delivered",
            }

        receiver.delay_s = 0.0
        restarted = _watch_process(db, config, log, "--once")
        assert restarted.wait(timeout=120) == 1, log.read_text()  # 1: the dead webhook's deliveries failed

    with CatalogStore.open(db) as store:
        alerts = store.alerts()
        deliveries = store.alert_deliveries([a.alert_id for a in alerts])
    ids = sorted(a.alert_id for a in alerts)
    assert len(ids) == 13
    status = {(d.alert_id, d.channel): d.status for d in deliveries}
    assert {status[(i, "webhook:hook")] for i in ids} == {"delivered"}
    assert {status[(i, "webhook:dead")] for i in ids} == {"failed"}  # 404: refused for good
    assert {status[(i, "jsonl:file")] for i in ids} == {"delivered"}
    unique = receiver.unique()
    assert sorted(seen.alert_id for seen in unique.values()) == ids  # each alert once after dedupe
    assert sorted(unique) == sorted(f"{i}-webhook:hook" for i in ids)
    assert len(receiver.received) - len(unique) <= 1  # at most the one in flight was sent twice
    assert all(
        verify_signature(SECRET.encode(), r.body, r.headers["x-orbitwatch-signature"])
        for r in receiver.received
    )
    lines = [json.loads(line) for line in (tmp_path / "alerts.jsonl").read_text().splitlines()]
    assert sorted(line["alert_id"] for line in lines) == ids
    assert SECRET not in log.read_text()


@pytest.mark.slow
def test_serve_runs_the_watch_loop_beside_the_api(tmp_path: Path) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "web"))
    from api_server import Server

    drop = tmp_path / "drop"
    fill(drop, DAYS[0])
    config = drop_config(tmp_path, drop, interval=0.02)  # a cycle about every second
    db = f"sqlite:///{tmp_path / 'catalog.sqlite'}"
    server = Server(db, tmp_path / "server.log", extra_args=("--watch-config", str(config))).start()
    try:
        deadline = time.monotonic() + 60
        while list(drop.glob("*.tle")) and time.monotonic() < deadline:  # the first cycle took them all
            time.sleep(0.1)
        fill(drop, DAYS[1])
        found: list[dict[str, Any]] = []
        while not found and time.monotonic() < deadline:
            found = httpx.get(f"{server.url}/alerts", timeout=10).json()["items"]
            time.sleep(0.2)
        assert [a["kind"] for a in found] == ["event"], server.log()
        assert found[0]["payload"]["event_kind"] == "launch"
    finally:
        server.stop()
    assert "Application shutdown complete" in server.log()  # the loop stopped with the server
