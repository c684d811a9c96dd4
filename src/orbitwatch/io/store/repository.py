"""The catalog store: ingest element sets and SATCAT metadata, and read the catalog back.

Every ingest is one transaction (a crash or SIGKILL part-way leaves the database as it was) and
is idempotent: the same bytes (SHA-256) under the same group are stored once. Times in and out
are timezone-aware UTC datetimes; the store never reads a clock. Every database error is raised
as :class:`~orbitwatch.errors.StoreError`.
"""

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from types import TracebackType
from typing import Any, Final, Self

from sqlalchemy import Connection, Engine, Executable, Insert, RowMapping, Table, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL

from orbitwatch.core.changes import ChangeEvent
from orbitwatch.core.elements.model import ElementSet
from orbitwatch.core.elements.result import ReadResult, Refusal
from orbitwatch.core.elements.satcat import ObjectMetadata
from orbitwatch.core.od.measurements import Measurement
from orbitwatch.core.targets import Region, Site
from orbitwatch.io.store import access, observations, places, queries, rows, tables, watch_state
from orbitwatch.io.store import alerts as stored_alerts
from orbitwatch.io.store import events as stored_events
from orbitwatch.io.store import od_jobs as stored_od_jobs
from orbitwatch.io.store.engine import (
    WRITE_OPTION,
    database_errors,
    default_database_url,
    hidden,
    lock_for_writing,
    open_engine,
    parse_url,
)
from orbitwatch.io.store.events import EventFilter, StoredEvent
from orbitwatch.io.store.migrations import SCHEMA_VERSION, migrate, stored_version
from orbitwatch.io.store.observations import MeasurementFilter
from orbitwatch.io.store.tables import element_sets, group_memberships, ingest_refusals, ingests, objects

CHUNK_ROWS: Final = 2000
Progress = Callable[[int, int], None]
_NAMES: Final = ("name", "intl_designator")
_SATCAT_COLUMNS: Final = tuple(
    c.name for c in objects.c if c.name not in ("norad_id", "first_ingest_id", *_NAMES)
)


@dataclass(frozen=True, slots=True)
class IngestSummary:
    """What one ingest did. ``ingest_id`` is None and ``duplicate_of`` the earlier ingest's id when
    the same input (SHA-256) had already been ingested under the same group, and nothing was written.
    ``new_element_sets`` counts the new records: element sets, or measurements for a measurement file."""

    ingest_id: int | None
    source: str
    format: str
    accepted: int
    refused: int
    new_element_sets: int
    new_objects: int
    duplicate_of: int | None
    refusals: tuple[Refusal, ...]


@dataclass(frozen=True, slots=True)
class CatalogEntry:
    """One object: its identity, its SATCAT metadata (empty until a SATCAT ingest), the epoch of
    its latest element set (UTC, None when it has none) and the groups it is in now, sorted."""

    norad_id: int
    name: str
    intl_designator: str
    owner: str
    object_type: str
    launch_date: date | None
    launch_site: str
    decay_date: date | None
    epoch_utc: datetime | None
    groups: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class StoredElementSet:
    """An element set as stored: with the ingest that first brought it, its format and original text."""

    elements: ElementSet
    ingest_id: int
    format: str
    original_text: str


@dataclass(frozen=True, slots=True)
class IngestRecord:
    """One recorded ingest. ``duplicate_of`` is the first earlier ingest of the same bytes (same
    SHA-256, stored again because it carried another group), else None."""

    ingest_id: int
    source: str
    format: str
    group: str | None
    retrieved_utc: datetime
    ingested_utc: datetime
    sha256: str
    accepted: int
    refused: int
    new_element_sets: int
    duplicate_of: int | None


class CatalogStore:
    """The catalog in a SQLite or PostgreSQL database; open it with :meth:`open`."""

    def __init__(self, engine: Engine, url: URL) -> None:
        """Wrap an engine whose schema is migrated; use :meth:`open` rather than this."""
        self._engine = engine
        self._url = url

    @classmethod
    def open(cls, url: str | None = None) -> Self:
        """Open the catalog at ``url`` (by default :func:`default_database_url`), creating or migrating it.

        A catalog already at :data:`~orbitwatch.io.store.migrations.SCHEMA_VERSION` is only read
        here, so opening it does not wait for an ingest in progress.
        """
        parsed = parse_url(url if url is not None else default_database_url())
        engine = open_engine(parsed)
        store = cls(engine, parsed)
        try:
            with store._transaction("opening the catalog", write=False) as connection:
                current = stored_version(connection) == SCHEMA_VERSION
            if not current:
                with store._transaction("creating or migrating the catalog", write=True) as connection:
                    migrate(connection)
        except BaseException:
            engine.dispose()
            raise
        return store

    def close(self) -> None:
        """Close every connection to the database."""
        self._engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    @property
    def url(self) -> str:
        """The database URL, its password hidden."""
        return hidden(self._url)

    @contextmanager
    def _transaction(self, what: str, *, write: bool) -> Iterator[Connection]:
        with database_errors(what, self._url), self._engine.connect() as connection:
            if write:
                connection.execution_options(**{WRITE_OPTION: True})
            with connection.begin():
                if write:
                    lock_for_writing(connection)
                yield connection

    def ingest_elements(
        self,
        result: ReadResult[ElementSet],
        *,
        sha256: str,
        retrieved_utc: datetime,
        ingested_utc: datetime,
        group: str | None = None,
        progress: Progress | None = None,
    ) -> IngestSummary:
        """Store a reader's element sets, its refusals and, with ``group``, the group's members now.

        New objects are created (name and international designator from their element sets); an
        object whose newest element set comes with this ingest takes that set's non-empty name and
        designator. ``progress(done, total)`` counts element sets written. One transaction: on any
        error (including one raised by ``progress``) nothing is written.
        """
        digest, group_name = rows.check_sha256(sha256), rows.check_group(group)
        rows.check_elements(result)
        with self._transaction(f"ingesting element sets from {result.source}", write=True) as connection:
            earlier = _ingests_of(connection, digest)
            if group_name in earlier:
                return _duplicate(result, earlier[group_name])
            ingest_id = _add_ingest(
                connection, result, digest, group_name, retrieved_utc, ingested_utc, earlier
            )
            _write_elements(connection, result, ingest_id, progress)
            if group_name:
                _write_memberships(connection, ingest_id, group_name, result.records)
            return _finish(connection, result, ingest_id)

    def ingest_metadata(
        self,
        result: ReadResult[ObjectMetadata],
        *,
        sha256: str,
        retrieved_utc: datetime,
        ingested_utc: datetime,
        progress: Progress | None = None,
    ) -> IngestSummary:
        """Upsert SATCAT metadata into the objects (creating those not yet seen), as one recorded ingest.

        A non-empty SATCAT name or designator replaces the stored one; every other SATCAT value
        replaces its column. ``progress(done, total)`` counts records written. One transaction.
        """
        digest = rows.check_sha256(sha256)
        rows.check_metadata(result)
        with self._transaction(f"ingesting SATCAT metadata from {result.source}", write=True) as connection:
            earlier = _ingests_of(connection, digest)
            if "" in earlier:
                return _duplicate(result, earlier[""])
            ingest_id = _add_ingest(connection, result, digest, "", retrieved_utc, ingested_utc, earlier)
            by_id = {meta.norad_id: meta for meta in result.records}
            metadata_rows = [rows.metadata_row(meta, ingest_id) for meta in by_id.values()]
            _execute_chunked(connection, _upsert_objects(connection), metadata_rows, progress)
            return _finish(connection, result, ingest_id)

    def ingest_measurements(
        self,
        result: ReadResult[Measurement],
        *,
        sha256: str,
        retrieved_utc: datetime,
        ingested_utc: datetime,
    ) -> IngestSummary:
        """Store a reader's tracking measurements and refusals as one recorded ingest (one transaction);
        measurements already stored (same time, kind, station and values) are not stored again."""
        digest = rows.check_sha256(sha256)
        observations.check_measurements(result)
        with self._transaction(f"ingesting measurements from {result.source}", write=True) as connection:
            earlier = _ingests_of(connection, digest)
            if "" in earlier:
                return _duplicate(result, earlier[""])
            ingest_id = _add_ingest(connection, result, digest, "", retrieved_utc, ingested_utc, earlier)
            new_rows = [observations.measurement_row(m, ingest_id) for m in result.records]
            _execute_chunked(
                connection, _insert(connection, tables.measurements).on_conflict_do_nothing(), new_rows
            )
            return _finish(connection, result, ingest_id)

    def measurements(self, selected: MeasurementFilter | None = None) -> list[Measurement]:
        """The stored measurements of a filter, by time."""
        query = observations.select_measurements(selected or MeasurementFilter())
        with self._transaction("reading measurements", write=False) as connection:
            return [observations.measurement_from_row(row) for row in connection.execute(query).mappings()]

    def latest_elements(
        self,
        *,
        at_utc: datetime | None = None,
        norad_ids: Sequence[int] | None = None,
        groups: Sequence[str] = (),
    ) -> list[ElementSet]:
        """The newest element set of each object (epoch <= ``at_utc`` if given), by catalog number.

        ``norad_ids`` limits the objects; ``groups`` keeps those in any of the groups. One query.
        """
        at = rows.naive_utc(at_utc) if at_utc is not None else None
        query = queries.latest_elements(at, norad_ids, groups)
        with self._transaction("reading the latest element sets", write=False) as connection:
            return [rows.element_from_row(row) for row in connection.execute(query).mappings()]

    def catalog(
        self,
        *,
        groups: Sequence[str] = (),
        owner: str | None = None,
        object_type: str | None = None,
        name_like: str | None = None,
        norad_ids: Sequence[int] | None = None,
        limit: int | None = None,
    ) -> list[CatalogEntry]:
        """The objects that pass every filter given, by catalog number, at most ``limit``. One query.

        ``groups``: in any of them now; ``owner``, ``object_type``: equal ignoring case (CelesTrak
        codes such as ``PRC``, ``PAY``); ``name_like``: a case-insensitive LIKE pattern (``%``, ``_``),
        matched anywhere in the name when it has no ``%``.
        """
        query = queries.catalog(
            groups=groups,
            owner=owner,
            object_type=object_type,
            name_like=name_like,
            norad_ids=norad_ids,
            limit=limit,
        )
        with self._transaction("reading the catalog", write=False) as connection:
            return [_entry(row) for row in connection.execute(query).mappings()]

    def entry(self, norad_id: int) -> CatalogEntry | None:
        """The catalog entry of one object, None when the catalog does not have it."""
        found = self.catalog(norad_ids=[norad_id])
        return found[0] if found else None

    def history(self, norad_id: int) -> list[StoredElementSet]:
        """Every stored element set of one object, oldest epoch first."""
        query = (
            select(element_sets)
            .where(element_sets.c.norad_id == int(norad_id))
            .order_by(element_sets.c.epoch_utc, element_sets.c.id)
        )
        with self._transaction(f"reading the history of {norad_id}", write=False) as connection:
            return [_stored(row) for row in connection.execute(query).mappings()]

    def state_at(self, known_at_utc: datetime) -> dict[str, list[ElementSet]]:
        """The catalog as the store knew it at ``known_at_utc``: each group's members by the newest ingest
        of the group retrieved by then, each with its newest element set stored by then. Two queries."""
        at = rows.naive_utc(known_at_utc)
        with self._transaction("reading the catalog at a time", write=False) as connection:
            members = [
                (row.group_name, int(row.norad_id)) for row in connection.execute(queries.memberships_at(at))
            ]
            ids = sorted({norad_id for _, norad_id in members})
            query = queries.latest_elements(None, ids, (), known_at_utc=at)
            latest = {e.norad_id: e for e in map(rows.element_from_row, connection.execute(query).mappings())}
        groups: dict[str, list[ElementSet]] = {}
        for group, norad_id in members:
            if norad_id in latest:
                groups.setdefault(group, []).append(latest[norad_id])
        return groups

    def record_events(
        self, found: Sequence[ChangeEvent], *, detected_utc: datetime, detector: str
    ) -> tuple[list[StoredEvent], int]:
        """Store the events not stored before (by fingerprint), in one transaction: those stored now, and
        how many were already there."""
        with self._transaction(f"storing {detector} events", write=True) as connection:
            prints = [stored_events.fingerprint(e) for e in found]
            known = stored_events.known_fingerprints(connection, prints)
            added: list[StoredEvent] = []
            for event, print_ in zip(found, prints, strict=True):
                if print_ in known:
                    continue
                known.add(print_)
                row = stored_events.event_row(event, detected_utc, detector)
                event_id = int(
                    connection.execute(
                        insert(tables.events).values(row).returning(tables.events.c.id)
                    ).scalar_one()
                )
                _execute_chunked(
                    connection, insert(tables.event_objects), stored_events.object_rows(event_id, event)
                )
                added.append(StoredEvent(event_id, event, detected_utc, detector))
            return added, len(found) - len(added)

    def events(self, selected: EventFilter | None = None) -> list[StoredEvent]:
        """The stored events of a filter, latest bracketing epoch first."""
        with self._transaction("reading events", write=False) as connection:
            found = list(
                connection.execute(stored_events.select_events(selected or EventFilter())).mappings()
            )
            objects_by_event = stored_events.objects_of(connection, [int(row["id"]) for row in found])
        return [stored_events.stored_event(row, objects_by_event.get(int(row["id"]), [])) for row in found]

    def histories(self, norad_ids: Sequence[int]) -> dict[int, list[ElementSet]]:
        """Every stored element set of each object, oldest epoch first (objects without any left out).
        One query."""
        es = element_sets
        query = (
            select(es)
            .where(queries.ids_in(es.c.norad_id, norad_ids))
            .order_by(es.c.norad_id, es.c.epoch_utc, es.c.id)
        )
        found: dict[int, list[ElementSet]] = {}
        with self._transaction("reading element histories", write=False) as connection:
            for row in connection.execute(query).mappings():
                found.setdefault(int(row["norad_id"]), []).append(rows.element_from_row(row))
        return found

    def ingests(self) -> list[IngestRecord]:
        """Every recorded ingest, newest (last written) first."""
        query = select(ingests).order_by(ingests.c.id.desc())
        with self._transaction("reading the ingest log", write=False) as connection:
            return [_ingest_record(row) for row in connection.execute(query).mappings()]

    def add_site(self, site: Site, *, created_utc: datetime, replace: bool = False) -> None:
        """Store a site. One of the same name (ignoring case and separators) is a StoreError, unless
        ``replace``, which overwrites it."""
        row = places.site_row(site, created_utc)
        with self._transaction(f"storing the site {site.name!r}", write=True) as connection:
            places.add(connection, tables.sites, row, replace=replace)

    def sites(self) -> list[Site]:
        """Every stored site, by name."""
        with self._transaction("reading the sites", write=False) as connection:
            return [places.site_from_row(row) for row in places.every(connection, tables.sites)]

    def site(self, name: str) -> Site | None:
        """The stored site of that name (ignoring case and separators), None when there is none."""
        with self._transaction(f"reading the site {name!r}", write=False) as connection:
            row = places.find(connection, tables.sites, name)
        return places.site_from_row(row) if row is not None else None

    def delete_site(self, name: str) -> bool:
        """Delete the site of that name; True when there was one."""
        with self._transaction(f"deleting the site {name!r}", write=True) as connection:
            return places.remove(connection, tables.sites, name)

    def add_region(self, region: Region, *, created_utc: datetime, replace: bool = False) -> None:
        """Store a region (as GeoJSON). One of the same name is a StoreError, unless ``replace``."""
        row = places.region_row(region, created_utc)
        with self._transaction(f"storing the region {region.name!r}", write=True) as connection:
            places.add(connection, tables.regions, row, replace=replace)

    def regions(self) -> list[Region]:
        """Every stored region, by name."""
        with self._transaction("reading the regions", write=False) as connection:
            return [places.region_from_row(row) for row in places.every(connection, tables.regions)]

    def region(self, name: str) -> Region | None:
        """The stored region of that name (ignoring case and separators), None when there is none."""
        with self._transaction(f"reading the region {name!r}", write=False) as connection:
            row = places.find(connection, tables.regions, name)
        return places.region_from_row(row) if row is not None else None

    def delete_region(self, name: str) -> bool:
        """Delete the region of that name; True when there was one."""
        with self._transaction(f"deleting the region {name!r}", write=True) as connection:
            return places.remove(connection, tables.regions, name)

    # API tokens, watch lists and alerts (schema version 4): thin calls into access.py and alerts.py.

    def add_token(self, name: str, sha256_hex: str, *, created_utc: datetime) -> access.StoredToken:
        """Store a token by the SHA-256 (hex) of its text; the token as stored."""
        with self._transaction(f"storing the token {name!r}", write=True) as connection:
            return access.add_token(connection, name, sha256_hex, created_utc)

    def tokens(self) -> list[access.StoredToken]:
        """Every token (revoked ones too), oldest first."""
        with self._transaction("reading the tokens", write=False) as connection:
            return access.tokens(connection)

    def active_token_hashes(self) -> list[str]:
        """The SHA-256 (hex) of every token not revoked."""
        with self._transaction("reading the tokens", write=False) as connection:
            return access.active_token_hashes(connection)

    def revoke_tokens(self, ids: Sequence[int], *, revoked_utc: datetime) -> int:
        """Revoke these tokens (those not revoked yet); how many were."""
        with self._transaction("revoking tokens", write=True) as connection:
            return access.revoke_tokens(connection, ids, revoked_utc)

    def add_watch_list(
        self,
        name: str,
        selections: Sequence[Mapping[str, Any]],
        *,
        created_utc: datetime,
        replace: bool = False,
    ) -> None:
        """Store a watch list (its selections as JSON); one of the same name is a StoreError, unless
        ``replace``."""
        row = access.watch_list_row(name, selections, created_utc)
        with self._transaction(f"storing the watch list {name!r}", write=True) as connection:
            access.add_watch_list(connection, row, replace=replace)

    def watch_lists(self) -> list[access.StoredWatchList]:
        """Every watch list, by name."""
        with self._transaction("reading the watch lists", write=False) as connection:
            return access.every_watch_list(connection)

    def watch_list(self, name: str) -> access.StoredWatchList | None:
        """The watch list of that name (ignoring case and separators), None when there is none."""
        with self._transaction(f"reading the watch list {name!r}", write=False) as connection:
            return access.find_watch_list(connection, name)

    def delete_watch_list(self, name: str) -> bool:
        """Delete the watch list of that name; True when there was one."""
        with self._transaction(f"deleting the watch list {name!r}", write=True) as connection:
            return access.remove_watch_list(connection, name)

    def record_alert(
        self,
        *,
        kind: str,
        dedupe_key: str,
        title: str,
        payload: Mapping[str, Any],
        norad_ids: Sequence[int] = (),
        created_utc: datetime,
        channels: Sequence[str] = (),
    ) -> stored_alerts.StoredAlert | None:
        """Store an alert with a pending delivery per channel; None (nothing written) when an alert of the
        same ``dedupe_key`` is stored already."""
        row = stored_alerts.alert_row(kind, dedupe_key, title, payload, norad_ids, created_utc)
        with self._transaction(f"storing the alert {dedupe_key!r}", write=True) as connection:
            return stored_alerts.add_alert(connection, row, channels)

    def alerts(self, selected: stored_alerts.AlertFilter | None = None) -> list[stored_alerts.StoredAlert]:
        """The stored alerts of a filter, newest first."""
        query = stored_alerts.select_alerts(selected or stored_alerts.AlertFilter())
        with self._transaction("reading alerts", write=False) as connection:
            return [stored_alerts.stored_alert(row) for row in connection.execute(query).mappings()]

    def alert(self, alert_id: int) -> stored_alerts.StoredAlert | None:
        """The alert of that id, None when there is none."""
        with self._transaction(f"reading the alert {alert_id}", write=False) as connection:
            return stored_alerts.find_alert(connection, alert_id)

    def alert_deliveries(self, alert_ids: Sequence[int]) -> list[stored_alerts.AlertDelivery]:
        """The deliveries of these alerts, by alert and channel."""
        with self._transaction("reading alert deliveries", write=False) as connection:
            return stored_alerts.deliveries_of(connection, alert_ids)

    def pending_deliveries(self, channel: str, *, limit: int = 100) -> list[stored_alerts.AlertDelivery]:
        """The pending deliveries of a channel, oldest alert first."""
        with self._transaction(f"reading pending {channel} deliveries", write=False) as connection:
            return stored_alerts.pending_deliveries(connection, channel, limit)

    def mark_delivery(
        self, alert_id: int, channel: str, *, status: str, error: str = "", updated_utc: datetime
    ) -> bool:
        """Record a delivery attempt's outcome (status, error); True when there was such a delivery."""
        with self._transaction(
            f"marking the {channel} delivery of alert {alert_id}", write=True
        ) as connection:
            return stored_alerts.mark_delivery(connection, alert_id, channel, status, error, updated_utc)

    # The watch loop (schema version 6): deliveries in flight, its state, the catalog through an ingest.

    def unfinished_deliveries(self, channel: str, *, limit: int = 100) -> list[stored_alerts.AlertDelivery]:
        """The deliveries of a channel still to be sent (pending, or in flight when a sender stopped)."""
        with self._transaction(f"reading unfinished {channel} deliveries", write=False) as connection:
            return stored_alerts.unfinished_deliveries(connection, channel, limit)

    def begin_delivery_attempt(self, alert_id: int, channel: str, *, updated_utc: datetime) -> int | None:
        """Mark a delivery in flight with one more attempt (committed before anything is sent); the
        attempt's number, None when the delivery is finished."""
        with self._transaction(f"starting the {channel} delivery of alert {alert_id}", write=True) as c:
            return stored_alerts.begin_attempt(c, alert_id, channel, updated_utc)

    def end_delivery_attempt(
        self, alert_id: int, channel: str, *, status: str, error: str = "", updated_utc: datetime
    ) -> bool:
        """Record the outcome of the attempt in flight; True when the delivery was in flight."""
        with self._transaction(f"ending the {channel} delivery of alert {alert_id}", write=True) as c:
            return stored_alerts.end_attempt(c, alert_id, channel, status, error, updated_utc)

    def watch_value(self, name: str) -> Any:
        """The watch-state value kept under ``name`` (JSON), None when there is none."""
        with self._transaction(f"reading the watch state {name!r}", write=False) as connection:
            return watch_state.read_value(connection, name)

    def watch_values(self, prefix: str) -> Mapping[str, Any]:
        """Every watch-state value whose name starts with ``prefix``."""
        with self._transaction("reading the watch state", write=False) as connection:
            return watch_state.values_under(connection, prefix)

    def set_watch_values(self, values: Mapping[str, Any], *, updated_utc: datetime) -> None:
        """Keep these watch-state values, all in one transaction."""
        with self._transaction("writing the watch state", write=True) as connection:
            for name, value in values.items():
                watch_state.write_value(connection, name, value, updated_utc)

    def latest_ingest_id(self) -> int | None:
        """The id of the newest ingest written; None for an empty store."""
        with self._transaction("reading the ingest log", write=False) as connection:
            return watch_state.latest_ingest_id(connection)

    def latest_event_id(self) -> int:
        """The id of the newest stored event; 0 when there is none."""
        with self._transaction("reading the events", write=False) as connection:
            return watch_state.latest_event_id(connection)

    def events_after(self, event_id: int, *, limit: int = 1000) -> list[StoredEvent]:
        """The stored events whose id is above ``event_id``, in the order stored."""
        with self._transaction("reading the events", write=False) as connection:
            return watch_state.events_after(connection, event_id, limit)

    def state_through(self, ingest_id: int) -> tuple[dict[str, list[ElementSet]], datetime | None]:
        """The catalog right after the ingest ``ingest_id`` was written, and the newest retrieval time of
        its group ingests (see :mod:`orbitwatch.io.store.watch_state`)."""
        with self._transaction(f"reading the catalog through ingest {ingest_id}", write=False) as c:
            return watch_state.state_through(c, ingest_id)

    # --- measurements a page at a time, and orbit-determination jobs (schema version 7) ------------------

    def measurement_page(
        self, selected: MeasurementFilter, *, limit: int, offset: int = 0
    ) -> list[Measurement]:
        """At most ``limit`` stored measurements of a filter after skipping ``offset``, by time."""
        query = observations.select_measurements(selected).limit(limit).offset(offset)
        with self._transaction("reading measurements", write=False) as connection:
            return [observations.measurement_from_row(row) for row in connection.execute(query).mappings()]

    def add_od_job(self, kind: str, request: Mapping[str, Any], *, created_utc: datetime) -> int:
        """Store a new queued orbit-determination job; its id."""
        with self._transaction("storing an orbit-determination job", write=True) as connection:
            return stored_od_jobs.add_job(connection, kind, request, created_utc)

    def od_job(self, job_id: int) -> stored_od_jobs.StoredOdJob | None:
        """The orbit-determination job of this id; None when there is none."""
        with self._transaction(f"reading orbit-determination job {job_id}", write=False) as connection:
            return stored_od_jobs.job(connection, job_id)

    def od_jobs(self, selected: stored_od_jobs.OdJobFilter) -> list[stored_od_jobs.StoredOdJob]:
        """The orbit-determination jobs of a filter, newest first."""
        with self._transaction("reading orbit-determination jobs", write=False) as connection:
            return stored_od_jobs.jobs(connection, selected)

    def unfinished_od_jobs(self) -> int:
        """How many orbit-determination jobs are queued or running."""
        with self._transaction("reading orbit-determination jobs", write=False) as connection:
            return stored_od_jobs.unfinished_count(connection)

    def claim_od_job(self, *, started_utc: datetime) -> stored_od_jobs.StoredOdJob | None:
        """Mark the oldest queued orbit-determination job running and return it; None when none is queued."""
        with self._transaction("starting an orbit-determination job", write=True) as connection:
            return stored_od_jobs.claim_next(connection, started_utc)

    def finish_od_job(
        self, job_id: int, *, result: Mapping[str, Any] | None, error: str | None, finished_utc: datetime
    ) -> bool:
        """Record a running job done (its result) or failed (``error``); True when it was running."""
        with self._transaction(f"finishing orbit-determination job {job_id}", write=True) as connection:
            return stored_od_jobs.finish_job(
                connection, job_id, result=result, error=error, finished_utc=finished_utc
            )

    def interrupt_od_jobs(self, error: str, *, finished_utc: datetime) -> int:
        """Mark every running orbit-determination job failed with ``error``; how many there were."""
        with self._transaction("failing interrupted orbit-determination jobs", write=True) as connection:
            return stored_od_jobs.interrupt_running(connection, error, finished_utc)


def _ingests_of(connection: Connection, digest: str) -> dict[str, int]:
    """Group name -> id of the ingests of these bytes, in the order written."""
    query = select(ingests.c.group_name, ingests.c.id).where(ingests.c.sha256 == digest)
    return {row.group_name: int(row.id) for row in connection.execute(query.order_by(ingests.c.id))}


def _duplicate(result: ReadResult[Any], earlier_id: int) -> IngestSummary:
    return IngestSummary(
        ingest_id=None,
        source=result.source,
        format=result.format,
        accepted=len(result.records),
        refused=len(result.refusals),
        new_element_sets=0,
        new_objects=0,
        duplicate_of=earlier_id,
        refusals=result.refusals,
    )


def _add_ingest(
    connection: Connection,
    result: ReadResult[Any],
    digest: str,
    group_name: str,
    retrieved_utc: datetime,
    ingested_utc: datetime,
    earlier: Mapping[str, int],
) -> int:
    """Insert the ingest row (counts of new rows filled in by :func:`_finish`) and its refusals."""
    values = {
        "source": result.source,
        "format": result.format,
        "retrieved_utc": rows.naive_utc(retrieved_utc),
        "ingested_utc": rows.naive_utc(ingested_utc),
        "sha256": digest,
        "group_name": group_name,
        "accepted_count": len(result.records),
        "refused_count": len(result.refusals),
        "new_element_sets": 0,
        "new_objects": 0,
        "duplicate_of": min(earlier.values(), default=None),
    }
    ingest_id = int(connection.execute(insert(ingests).values(values).returning(ingests.c.id)).scalar_one())
    refusal_rows = [rows.refusal_row(ingest_id, seq, r) for seq, r in enumerate(result.refusals, start=1)]
    _execute_chunked(connection, insert(ingest_refusals), refusal_rows)
    return ingest_id


def _write_elements(
    connection: Connection, result: ReadResult[ElementSet], ingest_id: int, progress: Progress | None
) -> None:
    """Create missing objects, insert the element sets not yet stored, refresh names from newer sets."""
    newest: dict[int, ElementSet] = {}
    for es in result.records:
        if es.norad_id not in newest or es.epoch_utc >= newest[es.norad_id].epoch_utc:
            newest[es.norad_id] = es
    object_rows = [rows.new_object_row(es, ingest_id) for es in newest.values()]
    _execute_chunked(connection, _insert(connection, objects).on_conflict_do_nothing(), object_rows)
    texts = result.texts or ("",) * len(result.records)
    set_rows = [
        rows.element_row(es, text, result.format, ingest_id)
        for es, text in zip(result.records, texts, strict=True)
    ]
    new_sets_only = _insert(connection, element_sets).on_conflict_do_nothing()
    _execute_chunked(connection, new_sets_only, set_rows, progress)
    connection.execute(_refresh_names(ingest_id))


def _write_memberships(
    connection: Connection, ingest_id: int, group_name: str, records: Sequence[ElementSet]
) -> None:
    """Record every object of the ingest as a member of its group."""
    members = sorted({es.norad_id for es in records})
    member_rows = [{"ingest_id": ingest_id, "group_name": group_name, "norad_id": n} for n in members]
    _execute_chunked(connection, insert(group_memberships), member_rows)


def _refresh_names(ingest_id: int) -> Executable:
    """UPDATE the objects whose newest element set came with this ingest: its non-empty names win."""
    es = element_sets
    rank = func.row_number().over(
        partition_by=es.c.norad_id, order_by=(es.c.epoch_utc.desc(), es.c.id.desc())
    )
    touched = select(es.c.norad_id).where(es.c.ingest_id == ingest_id)
    ranked = (
        select(es.c.norad_id, es.c.name, es.c.intl_designator, es.c.ingest_id, rank.label("rank"))
        .where(es.c.norad_id.in_(touched))
        .subquery("ranked")
    )
    newest = select(ranked).where(ranked.c.rank == 1, ranked.c.ingest_id == ingest_id).subquery("newest")
    return (
        update(objects)
        .where(objects.c.norad_id == newest.c.norad_id)
        .values(
            {
                **{name: func.coalesce(func.nullif(newest.c[name], ""), objects.c[name]) for name in _NAMES},
                "updated_ingest_id": ingest_id,
            }
        )
    )


def _upsert_objects(connection: Connection) -> Insert:
    """INSERT objects ... ON CONFLICT (norad_id) DO UPDATE with the SATCAT columns."""
    statement = _insert(connection, objects)
    updates: dict[str, Any] = {name: statement.excluded[name] for name in _SATCAT_COLUMNS}
    for name in _NAMES:
        updates[name] = func.coalesce(func.nullif(statement.excluded[name], ""), objects.c[name])
    return statement.on_conflict_do_update(index_elements=[objects.c.norad_id], set_=updates)


def _insert(connection: Connection, table: Table) -> postgresql.Insert | sqlite.Insert:
    """The dialect's INSERT (with ``on_conflict_do_nothing``/``on_conflict_do_update``)."""
    if connection.dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def _execute_chunked(
    connection: Connection,
    statement: Executable,
    parameters: Sequence[dict[str, Any]],
    progress: Progress | None = None,
) -> None:
    """Execute the statement for every row, CHUNK_ROWS rows per executemany, reporting progress."""
    for start in range(0, len(parameters), CHUNK_ROWS):
        connection.execute(statement, list(parameters[start : start + CHUNK_ROWS]))
        if progress is not None:
            progress(min(start + CHUNK_ROWS, len(parameters)), len(parameters))


def _finish(connection: Connection, result: ReadResult[Any], ingest_id: int) -> IngestSummary:
    """Count what the ingest added, record the counts in its row, and summarise it."""
    new_sets = _count(connection, select(func.count()).where(element_sets.c.ingest_id == ingest_id))
    new_sets += _count(connection, select(func.count()).where(tables.measurements.c.ingest_id == ingest_id))
    new_objects = _count(connection, select(func.count()).where(objects.c.first_ingest_id == ingest_id))
    connection.execute(
        update(ingests)
        .where(ingests.c.id == ingest_id)
        .values(new_element_sets=new_sets, new_objects=new_objects)
    )
    return IngestSummary(
        ingest_id=ingest_id,
        source=result.source,
        format=result.format,
        accepted=len(result.records),
        refused=len(result.refusals),
        new_element_sets=new_sets,
        new_objects=new_objects,
        duplicate_of=None,
        refusals=result.refusals,
    )


def _count(connection: Connection, query: Executable) -> int:
    return int(connection.execute(query).scalar_one())


def _stored(row: RowMapping) -> StoredElementSet:
    elements = rows.element_from_row(row)
    return StoredElementSet(elements, int(row["ingest_id"]), row["format"], row["original_text"])


def _entry(row: RowMapping) -> CatalogEntry:
    groups = row["groups"].split(queries.GROUP_SEPARATOR) if row["groups"] else []
    epoch = row["epoch_utc"]
    return CatalogEntry(
        norad_id=int(row["norad_id"]),
        name=row["name"],
        intl_designator=row["intl_designator"],
        owner=row["owner"],
        object_type=row["object_type"],
        launch_date=row["launch_date"],
        launch_site=row["launch_site"],
        decay_date=row["decay_date"],
        epoch_utc=rows.aware_utc(epoch) if epoch is not None else None,
        groups=tuple(sorted(groups)),
    )


def _ingest_record(row: RowMapping) -> IngestRecord:
    return IngestRecord(
        ingest_id=int(row["id"]),
        source=row["source"],
        format=row["format"],
        group=row["group_name"] or None,
        retrieved_utc=rows.aware_utc(row["retrieved_utc"]),
        ingested_utc=rows.aware_utc(row["ingested_utc"]),
        sha256=row["sha256"],
        accepted=int(row["accepted_count"]),
        refused=int(row["refused_count"]),
        new_element_sets=int(row["new_element_sets"]),
        duplicate_of=row["duplicate_of"],
    )
