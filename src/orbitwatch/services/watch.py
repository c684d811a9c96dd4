"""The watch loop: on a schedule, ingest from the configured sources, detect what changed, look ahead for
imaging opportunities of watched satellites over watched targets, and raise alerts, each once.

One cycle is :func:`run_cycle` (times come in as an argument: no clock is read, nothing sleeps unless a
source must be retried), then :func:`~orbitwatch.services.delivery.deliver_pending` sends the alerts;
:func:`run_watch` only calls them on the schedule. A cycle:

1. ingests each source (CelesTrak groups, Space-Track queries, files dropped into folders). A source that
   fails (after the fetcher's retries), answers garbage, or answers far fewer objects than the store holds
   for its group (``min_group_fraction``: a truncated answer) stores nothing, so nothing held is lost; it
   is reported, and raises one ``source_failure`` alert per outage (per bad file for a drop folder);
2. compares the catalog through the last ingest the previous cycle compared (the watch's cursor, kept in
   the store) with the catalog through the newest ingest, and keeps the events (``events`` table); a
   crash before the cursor moves only means the next cycle compares again (events are kept once);
3. detects the manoeuvres of watched objects (the objects of the watch lists) in their stored histories
   (estimated in the last ``manoeuvre_lookback_hours``) and keeps them as events;
4. raises an ``event`` alert for each event stored since the watch's high-water mark (of the configured
   kinds; manoeuvres only of watched objects): keyed by the event's fingerprint. The last
   ``EVENT_RESCAN`` events below the mark (but none stored before the watch's first cycle) are looked at
   again each cycle: on PostgreSQL a concurrent writer may commit an event with a lower id after the mark
   passed it; the alert's key makes looking again harmless;
5. searches the opportunities of each watch list's satellites over the watched sites and regions in the
   next ``horizon_hours`` and raises an ``opportunity`` alert for each starting within the lead time:
   keyed by object, target and start (10-minute bucket; a start within 10 minutes of an alerted one for
   the same object and target is the same opportunity seen again).
"""

import logging
import os
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Final

from orbitwatch.core.changes import catalog_state, catalog_time, diff_states
from orbitwatch.core.changes.manoeuvres import Manoeuvre, detect_manoeuvres
from orbitwatch.core.elements.epochs import as_utc
from orbitwatch.core.elements.formats import decode_text, detect_format, read_elements
from orbitwatch.core.events.imaging import Opportunity
from orbitwatch.core.targets import Region, Site
from orbitwatch.errors import ElementsError, OrbitwatchError
from orbitwatch.io.files import ELEMENT_EXTENSIONS, Fetched, read_path
from orbitwatch.io.sources import spacetrack
from orbitwatch.io.sources.celestrak import fetch_gp
from orbitwatch.io.sources.http import HttpFetcher
from orbitwatch.io.store import CatalogStore, StoredEvent
from orbitwatch.io.store.alerts import AlertFilter, StoredAlert
from orbitwatch.io.store.events import fingerprint
from orbitwatch.services.delivery import DeliveryReport, Now, Sleep, deliver_pending
from orbitwatch.services.ingest import ingest_fetched, with_catalog_numbers
from orbitwatch.services.manoeuvres import manoeuvre_event
from orbitwatch.services.overflights import TimeWindow, search_opportunities
from orbitwatch.services.targets import resolve_targets
from orbitwatch.services.watch_config import WatchConfig
from orbitwatch.services.watchlists import (
    WatchList,
    get_watch_list,
    watch_list_objects,
    watch_list_satellites,
)

__all__ = ["CycleReport", "SourceOutcome", "WatchStoppedError", "run_cycle", "run_watch"]

OPPORTUNITY_BUCKET_S: Final = 600
"""Opportunity starts are keyed to this many seconds, and a start this close to an alerted one (same
object, same target) is the same opportunity seen again."""
EVENT_RESCAN: Final = 1000
"""How many events below the high-water mark each cycle looks at again (see the module's step 4)."""
INGESTED_FOLDER: Final = "ingested"
REFUSED_FOLDER: Final = "refused"

_log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SourceOutcome:
    """What one source came to in a cycle: ``ingested`` (something new stored), ``unchanged`` (the same
    bytes as before), or ``failed`` with why; the element sets new to the store."""

    source: str
    status: str
    new_element_sets: int = 0
    error: str = ""

    @property
    def failed(self) -> bool:
        """True when the source gave nothing that could be stored."""
        return self.status == "failed"


@dataclass(frozen=True, slots=True)
class CycleReport:
    """What one cycle did: its time, each source's outcome, the events it kept, the alerts it raised (in
    the store, each with a pending delivery per channel), and the problems that did not stop it."""

    now_utc: datetime
    sources: tuple[SourceOutcome, ...] = ()
    events_recorded: int = 0
    alerts: tuple[StoredAlert, ...] = ()
    opportunities_searched: int = 0
    problems: tuple[str, ...] = field(default_factory=tuple)

    @property
    def failed_sources(self) -> tuple[SourceOutcome, ...]:
        """The sources that failed in this cycle."""
        return tuple(s for s in self.sources if s.failed)


class WatchStoppedError(Exception):
    """Raised out of a wait when the watch is asked to stop (the work in hand stays as the store has it)."""


class _CycleClock:
    """The fetcher's clocks in a cycle: the cycle's time as "now" (an ingest's retrieval time), real
    monotonic seconds, and the injected sleep."""

    def __init__(self, now_utc: datetime, sleep: Sleep) -> None:
        self._now, self._sleep = now_utc, sleep

    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        self._sleep(seconds)

    def utc_now(self) -> datetime:
        return self._now


def run_cycle(
    store: CatalogStore, config: WatchConfig, now_utc: datetime, *, sleep: Sleep = time.sleep
) -> CycleReport:
    """One cycle of the watch at ``now_utc`` (see the module's description); alerts stay pending."""
    now_utc = as_utc(now_utc)
    prefix = f"watch:{config.name}:"
    before_id = store.latest_ingest_id()
    mark = store.watch_value(prefix + "events_through")
    if mark is None:  # the first cycle of this watch: events stored before it are not news
        first = store.latest_event_id()
        mark = {"event_id": first, "floor": first}
        store.set_watch_values({prefix + "events_through": mark}, updated_utc=now_utc)
    problems: list[str] = []
    raised: list[StoredAlert] = []

    outcomes = _ingest_sources(store, config, now_utc, sleep)
    raised += _source_alerts(store, config, outcomes, now_utc)
    recorded = _detect_changes(store, prefix, before_id, now_utc)

    watch_lists, watched = _watched(store, config, problems)
    recorded += _detect_manoeuvres(store, config, watched, now_utc)
    rescan_from = max(int(mark.get("floor", mark["event_id"])), int(mark["event_id"]) - EVENT_RESCAN)
    raised += _event_alerts(store, config, prefix, rescan_from, mark, watched, now_utc)
    searched = 0
    if watch_lists:
        found, searched = _opportunity_alerts(store, config, watch_lists, now_utc, problems)
        raised += found
    for problem in problems:
        _log.warning("watch %s: %s", config.name, problem)
    return CycleReport(now_utc, tuple(outcomes), recorded, tuple(raised), searched, tuple(problems))


# 1. Sources.


def _ingest_sources(
    store: CatalogStore, config: WatchConfig, now_utc: datetime, sleep: Sleep
) -> list[SourceOutcome]:
    s = config.sources
    outcomes: list[SourceOutcome] = []
    if s.celestrak_groups or s.spacetrack:
        with HttpFetcher(
            cache_dir=s.cache_dir,
            retries=s.retries,
            backoff_s=s.backoff_s,
            timeout_s=s.timeout_s,
            clock=_CycleClock(now_utc, sleep),
        ) as fetcher:
            for group in s.celestrak_groups:
                source = f"celestrak:{group}"
                try:
                    item = fetch_gp(fetcher, group=group, fmt=s.celestrak_format, base=s.celestrak_base)
                except OrbitwatchError as exc:
                    outcomes.append(SourceOutcome(source, "failed", error=str(exc)))
                    continue
                outcomes.append(_store_fetched(store, source, item, now_utc, s.min_group_fraction, group))
            sessions: dict[tuple[str, str], spacetrack.SpaceTrackClient] = {}
            for query in s.spacetrack:
                source = f"spacetrack:{query.name}"
                try:
                    key = (query.base, query.identity)
                    if key not in sessions:
                        sessions[key] = spacetrack.SpaceTrackClient(
                            fetcher, identity=query.identity, password=query.password, base=query.base
                        )
                    url = query.url or spacetrack.gp_url(query.norad_ids, fmt=query.fmt, base=query.base)
                    item = sessions[key].fetch(url)
                except OrbitwatchError as exc:
                    outcomes.append(SourceOutcome(source, "failed", error=str(exc)))
                    continue
                outcomes.append(
                    _store_fetched(store, source, item, now_utc, s.min_group_fraction, query.group)
                )
    for folder in s.drop_folders:
        outcomes += _ingest_folder(store, folder, now_utc, s.min_group_fraction)
    return outcomes


def _store_fetched(
    store: CatalogStore,
    source: str,
    item: Fetched,
    now_utc: datetime,
    min_group_fraction: float,
    group: str | None,
) -> SourceOutcome:
    """Read and store one input, unless it is no data, unreadable, or far smaller than the group held."""
    if item.no_data:
        return SourceOutcome(source, "failed", error=f"{item.source}: the provider has no data for the query")
    chosen_group = group or item.group
    try:
        text = decode_text(item.data, item.source)
        fmt = detect_format(text, item.source)
        if fmt == "satcat-csv":
            outcome = ingest_fetched(store, item, now_utc=now_utc)
            if outcome.failed or outcome.summary is None:
                return SourceOutcome(source, "failed", error=outcome.status)
            return SourceOutcome(source, "unchanged" if outcome.summary.duplicate_of else "ingested")
        result = with_catalog_numbers(read_elements(text, item.source, fmt))
        if not result.records:
            first = f"; the first: {result.refusals[0]}" if result.refusals else ""
            return SourceOutcome(
                source,
                "failed",
                error=f"{item.source}: no element set could be read ({len(result.refusals)} refused{first})",
            )
        if chosen_group and min_group_fraction > 0:
            held = len(store.catalog(groups=[chosen_group]))
            if len(result.records) < min_group_fraction * held:
                return SourceOutcome(
                    source,
                    "failed",
                    error=(
                        f"{item.source}: {len(result.records)} element sets where the store holds {held} "
                        f"objects of the group {chosen_group}: refused as a truncated or wrong answer"
                    ),
                )
        web = item.source.startswith(("http://", "https://"))
        summary = store.ingest_elements(
            result,
            sha256=item.sha256,
            retrieved_utc=item.retrieved_utc if web else catalog_time(result.records),
            ingested_utc=now_utc,
            group=chosen_group,
        )
    except OrbitwatchError as exc:
        return SourceOutcome(source, "failed", error=str(exc))
    if summary.duplicate_of is not None:
        return SourceOutcome(source, "unchanged")
    return SourceOutcome(source, "ingested", summary.new_element_sets)


def _ingest_folder(
    store: CatalogStore, folder: Path, now_utc: datetime, min_group_fraction: float
) -> list[SourceOutcome]:
    """Every element file dropped into ``folder`` (not its subfolders, not hidden files), each then moved
    into ``ingested/`` or ``refused/`` there. Writers should write elsewhere (or under a hidden name) and
    rename into the folder, so that no file is read half-written."""
    source = f"folder:{folder}"
    try:
        files = sorted(
            entry
            for entry in folder.iterdir()
            if entry.is_file()
            and not entry.name.startswith(".")
            and entry.suffix.lower() in ELEMENT_EXTENSIONS
        )
    except OSError as exc:
        return [SourceOutcome(source, "failed", error=f"{folder}: cannot be read ({exc.strerror or exc})")]
    outcomes = []
    for file in files:
        try:
            [item] = read_path(file)
        except OrbitwatchError as exc:
            outcomes.append(SourceOutcome(f"file:{file.name}", "failed", error=str(exc)))
            continue
        outcome = _store_fetched(
            store, f"file:{file.name}:{item.sha256[:16]}", item, now_utc, min_group_fraction, None
        )
        outcomes.append(outcome)
        _move(file, folder / (REFUSED_FOLDER if outcome.failed else INGESTED_FOLDER))
    return outcomes


def _move(file: Path, into: Path) -> None:
    try:
        into.mkdir(exist_ok=True)
        target = into / file.name
        if target.exists():
            target = into / f"{file.stem}-{time.time_ns()}{file.suffix}"
        os.replace(file, target)
    except OSError as exc:
        _log.warning("cannot move %s into %s: %s", file, into, exc)


def _source_alerts(
    store: CatalogStore, config: WatchConfig, outcomes: Sequence[SourceOutcome], now_utc: datetime
) -> list[StoredAlert]:
    """One alert per outage of a source (per bad file of a drop folder); each source's health kept."""
    prefix = f"watch:{config.name}:source:"
    health = store.watch_values(prefix)
    raised: list[StoredAlert] = []
    updates: dict[str, Any] = {}
    for outcome in outcomes:
        if outcome.source.startswith("file:"):
            if outcome.failed:
                raised += _alert(
                    store, config, "source_failure", f"source_failure:{outcome.source}",
                    f"source {outcome.source.rsplit(':', 1)[0]} refused: {outcome.error}"[:500],
                    {"source": outcome.source, "error": outcome.error, "failing_since": _iso(now_utc)},
                    (), now_utc,
                )  # fmt: skip
            continue
        name = prefix + outcome.source
        was = health.get(name) or {}
        if not outcome.failed:
            if was.get("failing_since"):
                _log.info("source %s is back after failing since %s", outcome.source, was["failing_since"])
            updates[name] = {"failing_since": None, "failures": 0, "last_error": "", "last_ok": _iso(now_utc)}
            continue
        since = was.get("failing_since") or _iso(now_utc)
        failures = int(was.get("failures", 0)) + 1
        raised += _alert(
            store, config, "source_failure", f"source_failure:{config.name}:{outcome.source}:{since}",
            f"source {outcome.source} failed: {outcome.error}"[:500],
            {"source": outcome.source, "error": outcome.error, "failing_since": since, "failures": failures},
            (), now_utc,
        )  # fmt: skip
        updates[name] = {
            "failing_since": since,
            "failures": failures,
            "last_error": outcome.error,
            "last_ok": was.get("last_ok"),
        }
    if updates:
        store.set_watch_values(updates, updated_utc=now_utc)
    return raised


# 2-3. Changes and manoeuvres.


def _detect_changes(store: CatalogStore, prefix: str, before_id: int | None, now_utc: datetime) -> int:
    """Compare the catalog through the cursor (else through the ingest before this cycle) with the catalog
    through the newest ingest; keep the events; move the cursor. The count of events new to the store."""
    cursor = store.watch_value(prefix + "cursor")
    base = int(cursor["ingest_id"]) if cursor else before_id
    newest = store.latest_ingest_id()
    recorded = 0
    if base is not None and newest is not None and newest > base:
        old_groups, old_time = store.state_through(base)
        new_groups, new_time = store.state_through(newest)
        if old_groups and new_groups and old_time is not None and new_time is not None:
            events = diff_states(catalog_state(old_groups, old_time), catalog_state(new_groups, new_time))
            added, _ = store.record_events(events, detected_utc=now_utc, detector="watch")
            recorded = len(added)
    if newest is not None and newest != base:
        store.set_watch_values({prefix + "cursor": {"ingest_id": newest}}, updated_utc=now_utc)
    return recorded


def _watched(
    store: CatalogStore, config: WatchConfig, problems: list[str]
) -> tuple[list[WatchList], set[int]]:
    lists: list[WatchList] = []
    for name in config.watch_lists:
        try:
            lists.append(get_watch_list(store, name))
        except OrbitwatchError as exc:
            problems.append(str(exc))
    watched = {entry.norad_id for wl in lists for entry in watch_list_objects(store, wl)}
    return lists, watched


def _detect_manoeuvres(store: CatalogStore, config: WatchConfig, watched: set[int], now_utc: datetime) -> int:
    if not watched:
        return 0
    since = now_utc - timedelta(hours=config.manoeuvre_lookback_hours)
    found: list[Manoeuvre] = []
    for history in store.histories(sorted(watched)).values():
        if len({e.epoch_utc for e in history}) < 2:
            continue
        try:
            found += [m for m in detect_manoeuvres(history) if since <= m.estimated_time_utc <= now_utc]
        except ElementsError:
            continue
    found.sort(key=lambda m: (m.estimated_time_utc, m.norad_id))
    added, _ = store.record_events(
        [manoeuvre_event(m) for m in found], detected_utc=now_utc, detector="manoeuvres"
    )
    return len(added)


# 4-5. Alerts.


def _event_alerts(
    store: CatalogStore,
    config: WatchConfig,
    prefix: str,
    after_id: int,
    mark: dict[str, Any],
    watched: set[int],
    now_utc: datetime,
) -> list[StoredAlert]:
    raised: list[StoredAlert] = []
    while batch := store.events_after(after_id, limit=1000):
        for stored in batch:
            event = stored.event
            if event.kind not in config.event_kinds:
                continue
            if event.kind == "manoeuvre" and not watched.intersection(event.norad_ids):
                continue
            raised += _alert(
                store, config, "event", f"event:{fingerprint(event)}", _event_title(stored),
                _event_payload(stored), event.norad_ids, now_utc,
            )  # fmt: skip
        after_id = batch[-1].event_id
        if after_id > int(mark["event_id"]):
            mark = {**mark, "event_id": after_id}
            store.set_watch_values({prefix + "events_through": mark}, updated_utc=now_utc)
    return raised


def _event_title(stored: StoredEvent) -> str:
    event = stored.event
    names = event.details.get("names") or event.details.get("name") or ()
    named = ", ".join(map(str, names)) if isinstance(names, tuple) else str(names)
    objects = ", ".join(map(str, event.norad_ids[:10])) + (" ..." if len(event.norad_ids) > 10 else "")
    kind = str(event.details.get("manoeuvre_kind", "")) if event.kind == "manoeuvre" else ""
    label = f"{event.kind} ({kind})" if kind else event.kind
    launch = f" {event.launch_id}" if event.launch_id else ""
    return f"{label}{launch}: {objects}" + (f" {named}" if named else "")


def _event_payload(stored: StoredEvent) -> dict[str, Any]:
    event = stored.event
    return {
        "event_id": stored.event_id,
        "event_kind": event.kind,
        "norad_ids": list(event.norad_ids),
        "launch_id": event.launch_id,
        "epoch_before": _iso(event.epoch_before, exact=True) if event.epoch_before else None,
        "epoch_after": _iso(event.epoch_after, exact=True) if event.epoch_after else None,
        "details": {k: list(v) if isinstance(v, tuple) else v for k, v in event.details.items()},
        "detector": stored.detector,
        "detected_utc": _iso(stored.detected_utc),
    }


def _opportunity_alerts(
    store: CatalogStore,
    config: WatchConfig,
    watch_lists: Sequence[WatchList],
    now_utc: datetime,
    problems: list[str],
) -> tuple[list[StoredAlert], int]:
    try:
        targets: list[Site | Region] = resolve_targets(config.sites, config.regions, store)
    except OrbitwatchError as exc:
        problems.append(f"the watched targets: {exc}")
        return [], 0
    window = TimeWindow(now_utc, config.horizon_hours * 3600.0)
    lead_end = now_utc + timedelta(seconds=config.lead_time_s)
    raised: list[StoredAlert] = []
    searched = 0
    for wl in watch_lists:
        elements = watch_list_satellites(store, wl, None).elements
        if not elements:
            continue
        try:
            report = search_opportunities(elements, targets, config.sensor, window)
        except OrbitwatchError as exc:
            problems.append(f"opportunities of the watch list {wl.name!r}: {exc}")
            continue
        searched += len(report.opportunities)
        errors = report.time_error_s or (0.0,) * len(report.opportunities)
        for opportunity, error_s in zip(report.opportunities, errors, strict=True):
            if opportunity.start_utc > lead_end or opportunity.end_utc <= now_utc:
                continue
            if _alerted_already(store, opportunity, now_utc, config):
                continue
            raised += _opportunity_alert(store, config, wl, opportunity, error_s, now_utc)
    return raised, searched


def opportunity_key(opportunity: Opportunity) -> str:
    """The dedupe key of an opportunity alert: object, target, start in a 10-minute bucket."""
    start = as_utc(opportunity.start_utc)
    bucket = datetime.fromtimestamp(start.timestamp() // OPPORTUNITY_BUCKET_S * OPPORTUNITY_BUCKET_S, tz=UTC)
    return f"opportunity:{opportunity.norad_id}:{opportunity.target}:{_iso(bucket)}"


def _alerted_already(
    store: CatalogStore, opportunity: Opportunity, now_utc: datetime, config: WatchConfig
) -> bool:
    """True when an opportunity alert of this object and target starts within the bucket of this one."""
    since = now_utc - timedelta(hours=config.horizon_hours) - timedelta(seconds=config.lead_time_s + 86400)
    earlier = store.alerts(
        AlertFilter(kinds=("opportunity",), norad_id=opportunity.norad_id, since_utc=since, limit=1000)
    )
    for alert in earlier:
        if alert.payload.get("target") != opportunity.target:
            continue
        start = datetime.fromisoformat(str(alert.payload.get("start_utc", "")).replace("Z", "+00:00"))
        if abs((start - opportunity.start_utc).total_seconds()) < OPPORTUNITY_BUCKET_S:
            return True
    return False


def _opportunity_alert(
    store: CatalogStore,
    config: WatchConfig,
    wl: WatchList,
    o: Opportunity,
    error_s: float,
    now_utc: datetime,
) -> list[StoredAlert]:
    minutes = max(0.0, (o.start_utc - now_utc).total_seconds() / 60.0)
    title = (
        f"{o.name} ({o.norad_id}) can image {o.target} from {_iso(o.start_utc)} to {_iso(o.end_utc)} "
        f"(in {minutes:.0f} min; off-nadir {o.min_off_nadir_deg:.1f} deg)"
    )
    payload = {
        "norad_id": o.norad_id,
        "name": o.name,
        "target": o.target,
        "watch_list": wl.name,
        "sensor": config.sensor.name,
        "start_utc": _iso(o.start_utc),
        "best_utc": _iso(o.best_utc),
        "end_utc": _iso(o.end_utc),
        "start_clipped": o.start_clipped,
        "min_off_nadir_deg": round(o.min_off_nadir_deg, 3),
        "elevation_deg": round(o.elevation_deg, 3),
        "sun_elevation_deg": round(o.sun_elevation_deg, 3),
        "time_error_s": round(error_s, 1),
    }
    return _alert(store, config, "opportunity", opportunity_key(o), title, payload, (o.norad_id,), now_utc)


def _alert(
    store: CatalogStore,
    config: WatchConfig,
    kind: str,
    key: str,
    title: str,
    payload: dict[str, Any],
    norad_ids: Sequence[int],
    now_utc: datetime,
) -> list[StoredAlert]:
    stored = store.record_alert(
        kind=kind,
        dedupe_key=key,
        title=title,
        payload=payload,
        norad_ids=norad_ids,
        created_utc=now_utc,
        channels=config.channel_names,
    )
    if stored is not None:
        _log.info("alert %d (%s): %s", stored.alert_id, kind, title)
    return [stored] if stored is not None else []


def _iso(moment: datetime, *, exact: bool = False) -> str:
    """ISO 8601 UTC with ``Z``: milliseconds, or microseconds when ``exact`` (element epochs)."""
    text = as_utc(moment).strftime("%Y-%m-%dT%H:%M:%S.%f")
    return (text if exact else text[:-3]) + "Z"


# The loop.

CycleCallback = Callable[[CycleReport | None, DeliveryReport | None, Exception | None], None]


def run_watch(
    store: CatalogStore,
    config: WatchConfig,
    *,
    stop: threading.Event | None = None,
    once: bool = False,
    now: Now | None = None,
    on_cycle: CycleCallback | None = None,
) -> None:
    """Run cycles and deliveries every ``config.interval_s`` until ``stop`` is set (or once).

    A cycle that fails as a whole (the store unreachable) is reported through ``on_cycle`` and the next
    one runs on schedule; with ``once`` it is raised. Setting ``stop`` ends a wait at once; a delivery
    waiting to repeat an attempt stays pending, for the next run.
    """
    halt = stop if stop is not None else threading.Event()
    clock: Now = now if now is not None else (lambda: datetime.now(UTC))

    def wait(seconds: float) -> None:
        if halt.wait(seconds):
            raise WatchStoppedError

    while not halt.is_set():
        started = time.monotonic()
        try:
            report = run_cycle(store, config, clock(), sleep=wait)
            delivered = deliver_pending(store, config.channels, clock(), sleep=wait, now=clock)
        except WatchStoppedError:
            return
        except OrbitwatchError as exc:
            if once:
                raise
            _log.error("watch %s: the cycle failed: %s", config.name, exc)
            if on_cycle is not None:
                on_cycle(None, None, exc)
        else:
            if on_cycle is not None:
                on_cycle(report, delivered, None)
        if once:
            return
        halt.wait(max(0.0, config.interval_s - (time.monotonic() - started)))
