"""Manoeuvres of catalog objects: detect them in the stored element histories, keep them as events, and
attribute one to the ground-station passes that could have commanded it and to the overflights it changed.

Operators command a burn while the satellite passes over one of their ground stations, so the passes over
chosen stations (a control centre) between the bracketing element sets are the candidate command windows;
the change a manoeuvre makes to the satellite's future overflights of watched sites is the difference
between the passes predicted from the element set before it and from the one after it.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from orbitwatch.core.changes import ChangeEvent
from orbitwatch.core.changes.attribution import PassShift, match_passes
from orbitwatch.core.changes.manoeuvres import Manoeuvre, detect_manoeuvres
from orbitwatch.core.elements.model import ElementSet
from orbitwatch.core.events.passes import Pass
from orbitwatch.core.targets import Site
from orbitwatch.errors import ElementsError, OrbitwatchError
from orbitwatch.io.plots.history import EventMark, plot_history
from orbitwatch.io.store import CatalogStore, EventFilter
from orbitwatch.services.catalog import Selection, list_catalog
from orbitwatch.services.overflights import TimeWindow, search_passes

MATCH_FRACTION_OF_PERIOD = 0.5
"""Two passes over one site predicted before and after a manoeuvre are the same pass when their
culminations are less than this fraction of an orbital period apart (:func:`match_passes`)."""


@dataclass(frozen=True, slots=True)
class ManoeuvreScan:
    """The manoeuvres found (by estimated time), the objects with too short a history to analyse, and how
    many of the manoeuvres were new to the store."""

    found: tuple[Manoeuvre, ...]
    too_short: tuple[int, ...]
    recorded: int


@dataclass(frozen=True, slots=True)
class Attribution:
    """A manoeuvre's candidate command passes over the stations and its change to watched overflights."""

    manoeuvre: Manoeuvre
    command_passes: tuple[Pass, ...]
    overflight_changes: tuple[PassShift, ...]


def scan_manoeuvres(
    store: CatalogStore, selection: Selection, *, since_utc: datetime | None, now_utc: datetime
) -> ManoeuvreScan:
    """Detect the manoeuvres in the stored histories of the selected objects and keep them as events.

    Short histories lean on the bundled noise prior (learned from real quiet objects; see
    :mod:`orbitwatch.core.changes.element_noise`). An unknown catalog number, a selection that matches
    nothing, or a single object with a single element set is an error.
    """
    norad_ids = [entry.norad_id for entry in list_catalog(store, selection)]
    missing = sorted(set(selection.norad_ids) - set(norad_ids))
    if missing:
        raise OrbitwatchError(f"object {missing[0]} is not in the catalog at {store.url}; ingest it first")
    if not norad_ids:
        raise OrbitwatchError("the selection matches no object in the catalog")
    histories = store.histories(norad_ids)
    found: list[Manoeuvre] = []
    too_short: list[int] = []
    for norad_id in norad_ids:
        history = histories.get(norad_id, [])
        try:
            found.extend(detect_manoeuvres(history) if history else ())
        except ElementsError:
            if len(norad_ids) == 1:
                raise OrbitwatchError(single_set_message(norad_id, history)) from None
            too_short.append(norad_id)
        if not history:
            too_short.append(norad_id)
    if since_utc is not None:
        found = [m for m in found if m.estimated_time_utc >= since_utc]
    found.sort(key=lambda m: (m.estimated_time_utc, m.norad_id))
    added, _ = store.record_events(
        [manoeuvre_event(m) for m in found], detected_utc=now_utc, detector="manoeuvres"
    )
    return ManoeuvreScan(tuple(found), tuple(too_short), len(added))


def manoeuvre_event(manoeuvre: Manoeuvre) -> ChangeEvent:
    """A manoeuvre as a catalog event (kind ``manoeuvre``; its own kind in ``details["manoeuvre_kind"]``)."""
    m = manoeuvre
    return ChangeEvent(
        kind="manoeuvre",
        norad_ids=(m.norad_id,),
        launch_id="",
        epoch_before=m.epoch_before,
        epoch_after=m.epoch_after,
        details={
            "manoeuvre_kind": m.kind,
            "estimated_time_utc": m.estimated_time_utc.isoformat(),
            "delta_a_km": m.delta_a_km,
            "delta_e": m.delta_e,
            "delta_i_deg": m.delta_i_deg,
            "delta_raan_deg": m.delta_raan_deg,
            "delta_v_mps": m.delta_v_mps,
            "confidence": m.confidence,
            **dict(m.details),
        },
    )


def attribute_manoeuvre(
    manoeuvre: Manoeuvre,
    history: Sequence[ElementSet],
    *,
    stations: Sequence[Site],
    watched: Sequence[Site],
    horizon_s: float,
    min_elevation_deg: float = 10.0,
) -> Attribution:
    """The passes over ``stations`` between the bracketing element sets (predicted from the set before), and
    the overflights of ``watched`` in the ``horizon_s`` after the later set, predicted from both sets."""
    before = _at_epoch(history, manoeuvre.epoch_before)
    after = _at_epoch(history, manoeuvre.epoch_after)
    bracket = TimeWindow(
        manoeuvre.epoch_before, (manoeuvre.epoch_after - manoeuvre.epoch_before).total_seconds()
    )
    command = (
        search_passes([before], stations, bracket, min_elevation_deg=min_elevation_deg).table.passes()
        if stations and bracket.duration_s > 0
        else ()
    )
    changes: list[PassShift] = []
    if watched:
        ahead = TimeWindow(manoeuvre.epoch_after, horizon_s)
        old = search_passes([before], watched, ahead, min_elevation_deg=min_elevation_deg).table.passes()
        new = search_passes([after], watched, ahead, min_elevation_deg=min_elevation_deg).table.passes()
        period = timedelta(days=MATCH_FRACTION_OF_PERIOD / after.mean_motion_rev_per_day)
        changes = match_passes(old, new, period)
    return Attribution(manoeuvre, tuple(command), tuple(changes))


def _at_epoch(history: Sequence[ElementSet], epoch_utc: datetime) -> ElementSet:
    for elements in history:
        if elements.epoch_utc == epoch_utc:
            return elements
    raise OrbitwatchError(f"no element set of epoch {epoch_utc.isoformat()} in the history")


@dataclass(frozen=True, slots=True)
class ObjectHistory:
    """One object's element history (oldest first) and its stored events (newest first)."""

    norad_id: int
    name: str
    history: tuple[ElementSet, ...]
    events: tuple[ChangeEvent, ...]


def object_history(store: CatalogStore, norad_id: int, *, now_utc: datetime) -> ObjectHistory:
    """An object's history and events, after detecting (and keeping) the manoeuvres in it."""
    entry = store.entry(norad_id)
    if entry is None:
        raise OrbitwatchError(f"object {norad_id} is not in the catalog at {store.url}; ingest it first")
    history = store.histories([norad_id]).get(norad_id, [])
    if len(history) >= 2:
        scan_manoeuvres(store, Selection(norad_ids=(norad_id,)), since_utc=None, now_utc=now_utc)
    stored = store.events(EventFilter(norad_ids=[norad_id]))
    return ObjectHistory(norad_id, entry.name, tuple(history), tuple(s.event for s in stored))


def single_set_message(norad_id: int, history: Sequence[ElementSet]) -> str:
    """Why an object cannot be analysed for manoeuvres: it has one element set, or one epoch (re-fits)."""
    if not history:
        return f"object {norad_id} has no element set: no manoeuvre analysis possible"
    epochs = sorted({e.epoch_utc for e in history})
    return (
        f"object {norad_id} has a single element set (epoch {epochs[-1].isoformat()}"
        + (f", re-fitted {len(history)} times" if len(history) > 1 else "")
        + "): no manoeuvre analysis possible; it needs at least two at different epochs"
    )


def history_marks(events: Sequence[ChangeEvent]) -> list[EventMark]:
    """Plot marks for events: a manoeuvre at its estimated time, others at their later bracketing epoch."""
    marks = []
    for event in events:
        estimated = event.details.get("estimated_time_utc")
        when = datetime.fromisoformat(estimated) if isinstance(estimated, str) else event.epoch_after
        if when is None:
            continue
        kind = str(event.details.get("manoeuvre_kind", event.kind))
        label = f"{kind} {event.details['delta_v_mps']:.2f} m/s" if "delta_v_mps" in event.details else kind
        marks.append(EventMark(when, "campaign" if kind == "campaign" else event.kind, label))
    return marks


def write_history_plot(found: ObjectHistory, path: Path) -> Path:
    """Plot an object's history with its events marked (PNG at ``path``)."""
    return plot_history(
        found.history, history_marks(found.events), path=path, title=f"{found.norad_id} {found.name}"
    )
