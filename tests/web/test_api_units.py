"""In-process checks of the API's parts: tokens, watch lists and alerts in the store (SQLite), the object and
time bounds of computations, and the problem documents of unexpected errors."""

from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from orbitwatch.errors import OrbitwatchError, StoreError
from orbitwatch.services.catalog import Selection, open_store
from orbitwatch.services.tokens import check_token, create_token, hash_token, revoke_tokens, token_matches
from orbitwatch.services.watchlists import create_watch_list, find_watch_list, selection_from_json
from orbitwatch.web import Settings, create_app, limits
from orbitwatch.web.compute import Computations
from orbitwatch.web.problems import ProblemError

NOW = datetime(2026, 5, 28, tzinfo=UTC)
ENV_TOKEN = "environment-token-" + "q" * 20


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'catalog.sqlite'}"


def test_tokens_are_stored_hashed_and_compared_whole(db_url: str) -> None:
    with open_store(db_url) as store:
        token, stored = create_token(store, "ci", now_utc=NOW)
        assert store.active_token_hashes() == [hash_token(token)]
        assert check_token(store, token, None)
        assert not check_token(store, token[:-1], None)
        assert not check_token(store, "", None)
        assert check_token(store, ENV_TOKEN, ENV_TOKEN)
        assert revoke_tokens(store, str(stored.token_id), now_utc=NOW) == [stored]
        assert not check_token(store, token, None)
        assert store.tokens()[0].revoked_utc == NOW
        with pytest.raises(OrbitwatchError, match="no valid token"):
            revoke_tokens(store, "ci", now_utc=NOW)
    assert token_matches("a", [hash_token("b"), hash_token("a")], None)


def test_watch_lists_keep_their_selections(db_url: str) -> None:
    selections = [Selection(owner="NKOR", object_type="PAY"), Selection(norad_ids=(25544, 48274))]
    with open_store(db_url) as store:
        create_watch_list(store, "DPRK reconnaissance", selections, now_utc=NOW)
        found = find_watch_list(store, "dprk_reconnaissance")
        assert found is not None
        assert found.selections == tuple(selections)
        with pytest.raises(StoreError, match="already stored"):
            create_watch_list(store, "DPRK Reconnaissance", selections, now_utc=NOW)
        with pytest.raises(OrbitwatchError, match="empty"):
            create_watch_list(store, "everything", [Selection()], now_utc=NOW)
    with pytest.raises(OrbitwatchError, match=r"selections\[0\].norad_ids"):
        selection_from_json({"norad_ids": [0]}, "selections[0]")
    with pytest.raises(OrbitwatchError, match="unknown field 'colour'"):
        selection_from_json({"colour": "red"}, "selections[0]")


def test_alerts_are_recorded_once_and_delivered_per_channel(db_url: str) -> None:
    with open_store(db_url) as store:
        first = store.record_alert(kind="launch", dedupe_key="launch:2026-113", title="Launch 2026-113",
                                   payload={"objects": 3}, norad_ids=[69180, 69181], created_utc=NOW,
                                   channels=["email", "email", "webhook"])  # fmt: skip
        assert first is not None
        assert first.norad_ids == (69180, 69181)
        assert store.record_alert(kind="launch", dedupe_key="launch:2026-113", title="x", payload={},
                                  created_utc=NOW) is None  # fmt: skip
        assert [d.channel for d in store.pending_deliveries("email")] == ["email"]
        assert store.mark_delivery(first.alert_id, "email", status="failed", error="timeout", updated_utc=NOW)
        assert store.mark_delivery(first.alert_id, "email", status="delivered", updated_utc=NOW)
        assert not store.mark_delivery(first.alert_id, "sms", status="delivered", updated_utc=NOW)
        [email, webhook] = store.alert_deliveries([first.alert_id])
        assert (email.status, email.attempts, email.last_error) == ("delivered", 2, "")
        assert (webhook.status, webhook.attempts) == ("pending", 0)
        with pytest.raises(StoreError, match="delivery status"):
            store.mark_delivery(first.alert_id, "email", status="lost", updated_utc=NOW)
        with pytest.raises(StoreError, match="NUL"):
            store.record_alert(kind="x", dedupe_key="a\x00", title="", payload={}, created_utc=NOW)


def test_a_selection_over_the_object_bound_is_a_422_naming_it(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    sample = Path(__file__).resolve().parents[2] / "src/orbitwatch/io/bundled/sample/2026-05-27/military.tle"
    monkeypatch.setattr("orbitwatch.web.jobs.MAX_OBJECTS", 5)
    with TestClient(create_app(Settings(db_url=db_url, env_token=ENV_TOKEN))) as client:
        headers = {"Authorization": f"Bearer {ENV_TOKEN}"}
        assert (
            client.post(
                "/ingest", params={"group": "military"}, content=sample.read_bytes(), headers=headers
            ).status_code
            == 201
        )
        answer = client.get("/passes", params={"site": "Seoul", "group": "military", "start": "epoch"})
    assert answer.status_code == 422
    assert answer.json()["bound"] == {"name": "MAX_OBJECTS", "limit": 5, "unit": "satellites", "got": 23}
    assert limits.MAX_OBJECTS == 2000


def slow(seconds: float) -> float:
    import time

    time.sleep(seconds)
    return seconds


def hungry(gib: int) -> int:
    import numpy as np

    return int(np.ones(gib * 1024**3 // 8).sum())


def test_computations_over_their_time_or_memory_bound_are_stopped() -> None:
    runner = Computations(limits.ComputeSlots(), memory_bytes=512 * 1024**2, timeout_s=2.0)
    assert runner.run(slow, 0.1) == 0.1
    with pytest.raises(ProblemError) as late:
        runner.run(slow, 30.0)
    assert late.value.problem.bound is not None
    assert late.value.problem.bound.name == "MAX_COMPUTATION_S"
    with pytest.raises(ProblemError) as big:
        runner.run(hungry, 2)
    assert big.value.problem.bound is not None
    assert big.value.problem.bound.name == "MAX_COMPUTATION_BYTES"


def test_an_unexpected_error_is_a_500_problem_without_internals(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("secret internals")

    monkeypatch.setattr("orbitwatch.web.routers.objects.list_catalog", broken)
    with TestClient(create_app(Settings(db_url=db_url)), raise_server_exceptions=False) as client:
        answer = client.get("/objects")
    assert answer.status_code == 500
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert "ZeroDivisionError" in answer.json()["detail"]
    assert "secret" not in answer.text
