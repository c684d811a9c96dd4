"""Alert delivery: signed webhooks on a loopback receiver (retries, back-off, permanent errors), JSON lines
synced to disk, deliveries left in flight by a crash sent again under the same idempotency key, and no
secret ever in a log line, a stored row or a file."""

import json
import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from watch_support import SECRET, CelesTrak, Receiver, serving, write_config

from orbitwatch.io.alerts_out import JsonlFile, verify_signature
from orbitwatch.io.store import CatalogStore
from orbitwatch.services.delivery import deliver_pending
from orbitwatch.services.watch import run_cycle
from orbitwatch.services.watch_config import WatchConfig, load_watch_config

NOW = datetime(2026, 5, 27, 15, tzinfo=UTC)
HOOK, FILE = "webhook:hook", "jsonl:file"
URL_TOKEN = "url-token-" + "u" * 20
PASSWORD = "spacetrack-password-" + "p" * 12


@pytest.fixture
def store(db_url: str) -> Iterator[CatalogStore]:
    with CatalogStore.open(db_url) as opened:
        yield opened


def channels_config(tmp_path: Path, url: str, *, retries: int = 3, extra: str = "") -> WatchConfig:
    text = f"""
{extra}
[[channels.jsonl]]
name = "file"
path = "alerts.jsonl"

[[channels.webhook]]
name = "hook"
url = "{url}"
secret_env = "TEST_WEBHOOK_SECRET"
retries = {retries}
backoff_s = 1.0
max_backoff_s = 1.5
timeout_s = 5
"""
    env = {"TEST_WEBHOOK_SECRET": SECRET, "ST_ID": "watcher@example.org", "ST_PASSWORD": PASSWORD}
    return load_watch_config(write_config(tmp_path / "watch.toml", text), environ=env)


def record(store: CatalogStore, count: int, channels: tuple[str, ...] = (FILE, HOOK)) -> list[int]:
    ids = []
    for k in range(count):
        stored = store.record_alert(
            kind="event",
            dedupe_key=f"test:{k}",
            title=f"test alert {k}",
            payload={"k": k},
            norad_ids=(25544,),
            created_utc=NOW,
            channels=channels,
        )
        assert stored is not None
        ids.append(stored.alert_id)
    return ids


@pytest.mark.usefixtures("no_internet")
def test_every_alert_reaches_the_webhook_signed_and_the_file_once(
    store: CatalogStore, tmp_path: Path
) -> None:
    ids = record(store, 5)
    receiver = Receiver()
    with serving(receiver=receiver):
        config = channels_config(tmp_path, receiver.url)
        report = deliver_pending(store, config.channels, NOW, sleep=pytest.fail)
    assert report.delivered == 10
    assert report.failed == 0
    assert sorted(r.alert_id for r in receiver.received) == ids
    for seen in receiver.received:
        assert seen.signed
        assert verify_signature(SECRET.encode(), seen.body, seen.headers["x-orbitwatch-signature"])
        assert seen.key == f"{seen.alert_id}-{HOOK}"
        document = json.loads(seen.body)
        assert document["sent_utc"] == seen.headers["x-orbitwatch-timestamp"] == "2026-05-27T15:00:00.000Z"
        assert document["payload"] == {"k": ids.index(seen.alert_id)}
    lines = [json.loads(line) for line in (tmp_path / "alerts.jsonl").read_text().splitlines()]
    assert [line["alert_id"] for line in lines] == ids
    assert {(d.status, d.attempts) for d in store.alert_deliveries(ids)} == {("delivered", 1)}
    with serving(receiver=receiver):
        assert deliver_pending(store, config.channels, NOW).delivered == 0
    assert len(receiver.received) == 5


@pytest.mark.usefixtures("no_internet")
def test_webhook_retries_with_back_off_then_delivers_or_fails(store: CatalogStore, tmp_path: Path) -> None:
    [first, second, third] = record(store, 3, channels=(HOOK,))
    receiver = Receiver(statuses=[500, 503, 200, 400, 500])
    sleeps: list[float] = []
    with serving(receiver=receiver):
        config = channels_config(tmp_path, receiver.url, retries=2)
        report = deliver_pending(store, config.channels, NOW, sleep=sleeps.append)
    # first: 500, 503, 200 (two waits: 1 s, 1.5 s capped); second: 400 (permanent); third: 500 x 3.
    assert sleeps == [1.0, 1.5, 1.0, 1.5]
    assert [r.alert_id for r in receiver.received] == [first] * 3 + [second] + [third] * 3
    deliveries = {d.alert_id: d for d in store.alert_deliveries([first, second, third])}
    assert (deliveries[first].status, deliveries[first].attempts) == ("delivered", 3)
    assert (deliveries[second].status, deliveries[second].attempts) == ("failed", 1)
    assert deliveries[second].last_error.startswith("HTTP 400")
    assert (deliveries[third].status, deliveries[third].attempts) == ("failed", 3)
    assert report.delivered == 1
    assert report.failed == 2
    assert report.channels[1].retried == 4


@pytest.mark.usefixtures("no_internet")
def test_deliveries_left_in_flight_are_sent_again_under_the_same_key(
    store: CatalogStore, tmp_path: Path
) -> None:
    ids = record(store, 3)
    # A crash after the first alert's line was written and its POST sent, before either was marked.
    for channel in (FILE, HOOK):
        assert store.begin_delivery_attempt(ids[0], channel, updated_utc=NOW) == 1
    receiver = Receiver()
    with serving(receiver=receiver):
        config = channels_config(tmp_path, receiver.url)
        file = JsonlFile(tmp_path / "alerts.jsonl")
        file.append({"alert_id": ids[0], "idempotency_key": f"{ids[0]}-{FILE}"})
        with (tmp_path / "alerts.jsonl").open("ab") as handle:
            handle.write(b'{"alert_id": 99, "idempo')  # a line cut by the crash
        deliver_pending(store, config.channels, NOW)
    lines = [json.loads(line) for line in (tmp_path / "alerts.jsonl").read_text().splitlines()]
    assert [line["alert_id"] for line in lines] == ids  # the cut line is gone, the first not written twice
    assert [r.key for r in receiver.received] == [f"{i}-{HOOK}" for i in ids]
    assert {(d.alert_id, d.channel): d.attempts for d in store.alert_deliveries(ids)}[(ids[0], HOOK)] == 2
    assert {d.status for d in store.alert_deliveries(ids)} == {"delivered"}


@pytest.mark.usefixtures("no_internet")
def test_no_secret_is_ever_logged_stored_or_written(
    store: CatalogStore, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="httpx")  # `orbitwatch watch` in-process set it to WARNING
    celestrak = CelesTrak(tmp_path)  # no snapshots there: every group answers "No GP data found"
    receiver = Receiver(statuses=[500, 200])
    with serving(celestrak, receiver) as base:
        spacetrack = f"""
[sources]
celestrak_groups = ["military"]
celestrak_base = "{base}"
retries = 0
[[sources.spacetrack]]
name = "st"
norad_ids = [25544]
base = "{base}"
identity_env = "ST_ID"
password_env = "ST_PASSWORD"
"""
        config = channels_config(tmp_path, f"{receiver.url}?token={URL_TOKEN}", extra=spacetrack)
        assert SECRET not in repr(config)
        assert PASSWORD not in repr(config)
        assert URL_TOKEN not in repr(config)
        report = run_cycle(store, config, NOW, sleep=lambda s: None)
        assert {s.source for s in report.failed_sources} == {"celestrak:military", "spacetrack:st"}
        deliver_pending(store, config.channels, NOW, sleep=lambda s: None)
    assert len(receiver.unique()) == 2
    assert all(r.signed for r in receiver.received)
    written = [
        caplog.text,
        (tmp_path / "alerts.jsonl").read_text(),
        repr(store.alerts()),
        repr(store.alert_deliveries([a.alert_id for a in store.alerts()])),
        repr(store.watch_values("")),
    ]
    assert "HTTP 500" in caplog.text
    assert "<webhook hook>" in caplog.text
    for text in written:
        for secret in (SECRET, PASSWORD, URL_TOKEN):
            assert secret not in text  # ... never a secret
