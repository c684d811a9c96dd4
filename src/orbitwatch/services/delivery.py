"""Delivery of the stored alerts to their channels (JSON-lines files, webhooks), each exactly once or failed.

Every alert has one delivery row per channel (:meth:`CatalogStore.record_alert`). A delivery is sent as:

1. mark it ``in_flight`` with one more attempt, committed, before anything leaves the process;
2. send it: append the line (fsync), or POST it signed with ``Idempotency-Key: <alert id>-<channel>``;
3. mark it ``delivered`` (a 2xx, or the line on disk), or ``pending`` with the error to try again after a
   back-off, or ``failed`` when the error is permanent (a 4xx other than 408/425/429, a redirect) or the
   retry budget is spent.

A process killed between 1 and 3 leaves the delivery ``in_flight``: its outcome is unknown, so the next
run sends it again, with the same idempotency key. On the wire that is at-least-once; a receiver that
keeps the idempotency keys it has acted on (as it should) sees every alert exactly once. A JSON-lines file
is its own receiver: a delivery found in flight is appended only when no line of the file carries its key.
"""

import json
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final

from orbitwatch.errors import OrbitwatchError
from orbitwatch.io.alerts_out import JsonlFile, PostOutcome, post_webhook, webhook_client
from orbitwatch.io.store import CatalogStore
from orbitwatch.io.store.alerts import AlertDelivery, StoredAlert
from orbitwatch.services.watch_config import ChannelConfig, JsonlChannelConfig, WebhookChannelConfig

BATCH: Final = 100
_log = logging.getLogger(__name__)

Sleep = Callable[[float], None]
Now = Callable[[], datetime]


@dataclass(frozen=True, slots=True)
class ChannelReport:
    """What one delivery pass did on one channel: deliveries delivered, failed, and attempts repeated."""

    channel: str
    delivered: int = 0
    failed: int = 0
    retried: int = 0
    errors: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class DeliveryReport:
    """What one delivery pass did on every channel."""

    channels: tuple[ChannelReport, ...] = field(default_factory=tuple)

    @property
    def delivered(self) -> int:
        """Deliveries delivered in this pass."""
        return sum(c.delivered for c in self.channels)

    @property
    def failed(self) -> int:
        """Deliveries marked failed in this pass."""
        return sum(c.failed for c in self.channels)


def idempotency_key(alert_id: int, channel: str) -> str:
    """The key a receiver dedupes on: ``<alert id>-<channel>``, the same on every attempt."""
    return f"{alert_id}-{channel}"


def alert_document(alert: StoredAlert, channel: str, sent_utc: datetime, attempt: int) -> dict[str, Any]:
    """The JSON document of an alert as a channel receives it."""
    return {
        "alert_id": alert.alert_id,
        "kind": alert.kind,
        "title": alert.title,
        "dedupe_key": alert.dedupe_key,
        "created_utc": _iso(alert.created_utc),
        "norad_ids": list(alert.norad_ids),
        "payload": alert.payload,
        "channel": channel,
        "idempotency_key": idempotency_key(alert.alert_id, channel),
        "attempt": attempt,
        "sent_utc": _iso(sent_utc),
    }


def deliver_pending(
    store: CatalogStore,
    channels: Sequence[ChannelConfig],
    now_utc: datetime,
    *,
    sleep: Sleep = time.sleep,
    now: Now | None = None,
) -> DeliveryReport:
    """Send every unfinished delivery of every channel (oldest alert first) until none is left.

    ``now_utc`` stamps the store's rows (``now``, when given, is asked for each attempt instead); ``sleep``
    waits between attempts of a webhook (injectable: tests never sleep for real).
    """
    clock: Now = now if now is not None else (lambda: now_utc)
    reports = []
    for config in channels:
        if isinstance(config, JsonlChannelConfig):
            reports.append(_deliver_jsonl(store, config, clock))
        else:
            reports.append(_deliver_webhook(store, config, clock, sleep))
    return DeliveryReport(tuple(reports))


def _batches(store: CatalogStore, channel: str) -> "list[tuple[AlertDelivery, StoredAlert]]":
    pending = store.unfinished_deliveries(channel, limit=BATCH)
    found = []
    for delivery in pending:
        alert = store.alert(delivery.alert_id)
        if alert is not None:
            found.append((delivery, alert))
    return found


def _deliver_jsonl(store: CatalogStore, config: JsonlChannelConfig, clock: Now) -> ChannelReport:
    channel, file = config.channel, JsonlFile(config.path)
    delivered = failed = 0
    errors: list[str] = []
    seen: set[int] = set()
    while batch := [(d, a) for d, a in _batches(store, channel) if d.alert_id not in seen]:
        for delivery, alert in batch:
            seen.add(alert.alert_id)
            key = idempotency_key(alert.alert_id, channel)
            resent = delivery.status == "in_flight"
            attempt = store.begin_delivery_attempt(alert.alert_id, channel, updated_utc=clock())
            if attempt is None:
                continue
            try:
                if not (resent and file.contains("idempotency_key", key)):
                    file.append(alert_document(alert, channel, clock(), attempt))
            except OrbitwatchError as exc:
                failed += 1
                errors.append(str(exc))
                store.end_delivery_attempt(
                    alert.alert_id, channel, status="failed", error=str(exc), updated_utc=clock()
                )
                _log.warning("alert %d on %s: failed: %s", alert.alert_id, channel, exc)
                continue
            store.end_delivery_attempt(alert.alert_id, channel, status="delivered", updated_utc=clock())
            delivered += 1
    return ChannelReport(channel, delivered, failed, 0, tuple(errors))


def _deliver_webhook(
    store: CatalogStore, config: WebhookChannelConfig, clock: Now, sleep: Sleep
) -> ChannelReport:
    channel = config.channel
    delivered = failed = retried = 0
    errors: list[str] = []
    seen: set[int] = set()
    with webhook_client() as client:
        while batch := [(d, a) for d, a in _batches(store, channel) if d.alert_id not in seen]:
            for _delivery, alert in batch:
                seen.add(alert.alert_id)
                outcome, repeats = _send_with_retries(store, client, config, alert, clock, sleep)
                retried += repeats
                if outcome is None:
                    continue
                if outcome.delivered:
                    delivered += 1
                else:
                    failed += 1
                    errors.append(f"alert {alert.alert_id}: {outcome.error}")
    return ChannelReport(channel, delivered, failed, retried, tuple(errors))


def _send_with_retries(
    store: CatalogStore,
    client: Any,
    config: WebhookChannelConfig,
    alert: StoredAlert,
    clock: Now,
    sleep: Sleep,
) -> tuple[PostOutcome | None, int]:
    """Attempts of one delivery until delivered, a permanent error, or the budget is spent; the last
    outcome (None when the delivery was finished already) and how many attempts were repeats."""
    channel, key = config.channel, idempotency_key(alert.alert_id, config.channel)
    for repeat in range(config.retries + 1):
        attempt = store.begin_delivery_attempt(alert.alert_id, channel, updated_utc=clock())
        if attempt is None:
            return None, repeat
        sent = clock()
        body = json.dumps(
            alert_document(alert, channel, sent, attempt), sort_keys=True, separators=(",", ":")
        ).encode("utf-8")
        outcome = post_webhook(client, config.hook, body, timestamp=_iso(sent), idempotency_key=key)
        if outcome.delivered:
            store.end_delivery_attempt(alert.alert_id, channel, status="delivered", updated_utc=clock())
            _log.info("alert %d on %s: delivered (attempt %d)", alert.alert_id, channel, attempt)
            return outcome, repeat
        last = not outcome.retryable or repeat == config.retries
        status = "failed" if last else "pending"
        store.end_delivery_attempt(
            alert.alert_id, channel, status=status, error=outcome.error, updated_utc=clock()
        )
        _log.warning("alert %d on %s: attempt %d: %s", alert.alert_id, channel, attempt, outcome.error)
        if last:
            return outcome, repeat
        backoff = min(config.backoff_s * 2.0**repeat, config.max_backoff_s)
        sleep(min(max(backoff, outcome.retry_after_s), config.max_backoff_s))
    raise AssertionError("unreachable: the last attempt returns")


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
