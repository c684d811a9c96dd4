"""Catalog events (launches, decays, manoeuvres ...) and alerts."""

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from orbitwatch.services.alerts import AlertDelivery, AlertWithDeliveries
from orbitwatch.services.events import StoredEvent
from orbitwatch.web.schemas.catalog import PageInfo


class EventRecord(BaseModel):
    """One stored catalog event: its kind, objects, launch, bracketing epochs and figures."""

    event_id: int
    kind: str
    norad_ids: list[int]
    launch_id: str
    epoch_before: datetime | None
    epoch_after: datetime | None
    details: dict[str, Any] = Field(description="The figures behind the event (units in the names)")
    detected_utc: datetime
    detector: str

    @classmethod
    def of(cls, stored: StoredEvent) -> "EventRecord":
        """The model of a stored event."""
        e = stored.event
        return cls(
            event_id=stored.event_id,
            kind=e.kind,
            norad_ids=list(e.norad_ids),
            launch_id=e.launch_id,
            epoch_before=e.epoch_before,
            epoch_after=e.epoch_after,
            details={key: list(v) if isinstance(v, tuple) else v for key, v in e.details.items()},
            detected_utc=stored.detected_utc,
            detector=stored.detector,
        )


class EventPage(BaseModel):
    """A page of events, latest bracketing epoch first."""

    items: list[EventRecord]
    page: PageInfo


class DeliveryRecord(BaseModel):
    """The delivery of an alert on one channel."""

    channel: str
    status: str = Field(description="pending, in_flight, delivered or failed")
    attempts: int
    last_error: str
    updated_utc: datetime

    @classmethod
    def of(cls, d: AlertDelivery) -> "DeliveryRecord":
        """The model of a delivery."""
        return cls(
            channel=d.channel,
            status=d.status,
            attempts=d.attempts,
            last_error=d.last_error,
            updated_utc=d.updated_utc,
        )


class AlertRecord(BaseModel):
    """One alert: its kind, title, objects, payload and deliveries."""

    alert_id: int
    kind: str
    dedupe_key: str
    created_utc: datetime
    title: str
    norad_ids: list[int]
    payload: dict[str, Any]
    deliveries: list[DeliveryRecord]

    @classmethod
    def of(cls, found: AlertWithDeliveries) -> "AlertRecord":
        """The model of an alert and its deliveries."""
        a = found.alert
        return cls(
            alert_id=a.alert_id,
            kind=a.kind,
            dedupe_key=a.dedupe_key,
            created_utc=a.created_utc,
            title=a.title,
            norad_ids=list(a.norad_ids),
            payload=a.payload,
            deliveries=[DeliveryRecord.of(d) for d in found.deliveries],
        )


class AlertPage(BaseModel):
    """A page of alerts, newest first."""

    items: list[AlertRecord]
    page: PageInfo
