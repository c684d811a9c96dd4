"""The catalog schema (SQLAlchemy Core), the same on SQLite and PostgreSQL.

Units and representations:

- times are timezone-naive UTC ``DateTime`` with microseconds (``timestamp without time zone`` on
  PostgreSQL, fixed-width ISO text on SQLite; both order and compare exactly);
- element values keep the units of :class:`orbitwatch.core.elements.model.ElementSet` (degrees,
  revolutions per day and its derivatives, B* in inverse Earth radii);
- SATCAT values keep the units of :class:`orbitwatch.core.elements.satcat.ObjectMetadata`
  (period in minutes, inclination in degrees, apogee and perigee heights in km, RCS in m^2);
- ``ingests.group_name`` is ``""`` for an ingest that carried no group, so that
  UNIQUE(sha256, group_name) also holds for those;
- sites and regions (schema version 2) keep the units of :mod:`orbitwatch.core.targets` (degrees,
  metres); a region is its GeoJSON text (a Feature of a MultiPolygon); ``name_key`` is the name
  folded for lookups (case and runs of spaces, hyphens and underscores ignored) and is unique;
- events (schema version 3) are catalog changes and manoeuvres (:class:`orbitwatch.core.changes.ChangeEvent`):
  ``details`` is their figures as JSON, ``fingerprint`` the SHA-256 of what identifies the event (kind,
  objects, launch and bracketing epochs), unique, so the same data never gives an event twice;
  ``event_objects`` indexes them by catalog number;
- API tokens, watch lists and alerts (schema version 4): ``api_tokens.sha256`` is the SHA-256 (hex) of a
  bearer token, never the token itself; ``revoked_utc`` is NULL while the token is valid. A watch list's
  ``selection`` is a JSON list of selections (the objects of any of them), its ``name_key`` folded like a
  site's. An alert's ``dedupe_key`` is unique (the same finding never alerts twice), ``payload`` is JSON
  and ``norad_ids`` its catalog numbers as text, ``,N1,N2,`` (empty when none); ``alert_deliveries``
  keeps one row per alert and channel, ``status`` one of pending, in_flight, delivered, failed;
- measurements (schema version 5) are tracking measurements (``core.od.measurements.Measurement``),
  values and standard deviations as JSON lists in the units of their kind; each came with an ingest (its
  file: ``tdm-kvn``, ``tdm-xml`` or ``measurements-csv``); ``fingerprint`` (time, kind, station,
  values) is unique, so overlapping files add nothing;
- the watch loop's state (schema version 6): ``watch_state`` keeps small JSON values by name (a watch's
  change-detection cursor, its event high-water mark, each source's health), written in the
  transaction that makes them true; ``alert_deliveries.status`` may then also be ``in_flight``;
- orbit-determination jobs (schema version 7): ``od_jobs`` keeps each job of the API (``kind`` od,
  correlate or ascent), its ``request`` and ``result`` as JSON, its ``status`` (queued, running, done,
  failed), when it was created, started and finished, and the one-line ``error`` of a failed job.

This module is the schema at the newest version (:data:`orbitwatch.io.store.migrations.SCHEMA_VERSION`);
a fresh database is created from it, an older one is brought to it by the migration steps.
"""

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    DateTime,
    Double,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

# A 64-bit id that is still SQLite's auto-incrementing rowid (only "INTEGER PRIMARY KEY" is).
_ID = BigInteger().with_variant(Integer(), "sqlite")

metadata = MetaData()

schema_version = Table(
    "schema_version",
    metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("description", Text, nullable=False),
)

ingests = Table(
    "ingests",
    metadata,
    Column("id", _ID, primary_key=True, autoincrement=True),
    Column("source", Text, nullable=False),
    Column("format", Text, nullable=False),
    Column("retrieved_utc", DateTime, nullable=False),
    Column("ingested_utc", DateTime, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("group_name", Text, nullable=False),
    Column("accepted_count", Integer, nullable=False),
    Column("refused_count", Integer, nullable=False),
    Column("new_element_sets", Integer, nullable=False),
    Column("new_objects", Integer, nullable=False),
    Column("duplicate_of", _ID, ForeignKey("ingests.id"), nullable=True),
    UniqueConstraint("sha256", "group_name", name="uq_ingests_sha256_group"),
    Index("ix_ingests_group_retrieved", "group_name", "retrieved_utc"),
)

ingest_refusals = Table(
    "ingest_refusals",
    metadata,
    Column("ingest_id", _ID, ForeignKey("ingests.id"), primary_key=True),
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("line", Integer, nullable=True),
    Column("record", Integer, nullable=True),
    Column("field", Text, nullable=False),
    Column("reason", Text, nullable=False),
    Column("text", Text, nullable=False),
)

objects = Table(
    "objects",
    metadata,
    Column("norad_id", BigInteger, primary_key=True, autoincrement=False),
    Column("name", Text, nullable=False),
    Column("intl_designator", Text, nullable=False),
    Column("owner", Text, nullable=False),
    Column("object_type", Text, nullable=False),
    Column("ops_status", Text, nullable=False),
    Column("launch_date", Date, nullable=True),
    Column("launch_site", Text, nullable=False),
    Column("decay_date", Date, nullable=True),
    Column("period_min", Double, nullable=True),
    Column("inclination_deg", Double, nullable=True),
    Column("apogee_km", Double, nullable=True),
    Column("perigee_km", Double, nullable=True),
    Column("rcs_m2", Double, nullable=True),
    Column("data_status", Text, nullable=False),
    Column("orbit_center", Text, nullable=False),
    Column("orbit_type", Text, nullable=False),
    Column("first_ingest_id", _ID, ForeignKey("ingests.id"), nullable=False, index=True),
    Column("updated_ingest_id", _ID, ForeignKey("ingests.id"), nullable=False),
)

element_sets = Table(
    "element_sets",
    metadata,
    Column("id", _ID, primary_key=True, autoincrement=True),
    Column("norad_id", BigInteger, ForeignKey("objects.norad_id"), nullable=False),
    Column("epoch_utc", DateTime, nullable=False),
    Column("fingerprint", String(40), nullable=False),
    Column("mean_motion_rev_per_day", Double, nullable=False),
    Column("eccentricity", Double, nullable=False),
    Column("inclination_deg", Double, nullable=False),
    Column("raan_deg", Double, nullable=False),
    Column("arg_perigee_deg", Double, nullable=False),
    Column("mean_anomaly_deg", Double, nullable=False),
    Column("bstar_per_earth_radius", Double, nullable=False),
    Column("mean_motion_dot_rev_per_day2", Double, nullable=False),
    Column("mean_motion_ddot_rev_per_day3", Double, nullable=False),
    Column("name", Text, nullable=False),
    Column("intl_designator", Text, nullable=False),
    Column("classification", Text, nullable=False),
    Column("ephemeris_type", Integer, nullable=False),
    Column("element_set_no", BigInteger, nullable=False),
    Column("rev_at_epoch", BigInteger, nullable=False),
    Column("center_name", Text, nullable=False),
    Column("ref_frame", Text, nullable=False),
    Column("time_system", Text, nullable=False),
    Column("mean_element_theory", Text, nullable=False),
    Column("extras", Text, nullable=False),
    Column("original_text", Text, nullable=False),
    Column("format", Text, nullable=False),
    Column("ingest_id", _ID, ForeignKey("ingests.id"), nullable=False, index=True),
    UniqueConstraint("norad_id", "epoch_utc", "fingerprint", name="uq_element_sets_identity"),
    Index("ix_element_sets_norad_epoch", "norad_id", "epoch_utc"),
)

group_memberships = Table(
    "group_memberships",
    metadata,
    Column("ingest_id", _ID, ForeignKey("ingests.id"), primary_key=True),
    Column("group_name", Text, primary_key=True),
    Column("norad_id", BigInteger, ForeignKey("objects.norad_id"), primary_key=True),
)

sites = Table(
    "sites",
    metadata,
    Column("id", _ID, primary_key=True, autoincrement=True),
    Column("name", Text, nullable=False),
    Column("name_key", Text, nullable=False),
    Column("lat_deg", Double, nullable=False),
    Column("lon_deg", Double, nullable=False),
    Column("alt_m", Double, nullable=False),
    Column("source", Text, nullable=False),
    Column("created_utc", DateTime, nullable=False),
    UniqueConstraint("name_key", name="uq_sites_name_key"),
)

regions = Table(
    "regions",
    metadata,
    Column("id", _ID, primary_key=True, autoincrement=True),
    Column("name", Text, nullable=False),
    Column("name_key", Text, nullable=False),
    Column("geojson", Text, nullable=False),
    Column("source", Text, nullable=False),
    Column("created_utc", DateTime, nullable=False),
    UniqueConstraint("name_key", name="uq_regions_name_key"),
)

events = Table(
    "events",
    metadata,
    Column("id", _ID, primary_key=True, autoincrement=True),
    Column("kind", Text, nullable=False),
    Column("launch_id", Text, nullable=False),
    Column("epoch_before", DateTime, nullable=True),
    Column("epoch_after", DateTime, nullable=True),
    Column("details", Text, nullable=False),
    Column("fingerprint", String(64), nullable=False),
    Column("detected_utc", DateTime, nullable=False),
    Column("detector", Text, nullable=False),
    UniqueConstraint("fingerprint", name="uq_events_fingerprint"),
    Index("ix_events_kind_after", "kind", "epoch_after"),
)

event_objects = Table(
    "event_objects",
    metadata,
    Column("event_id", _ID, ForeignKey("events.id"), primary_key=True),
    Column("norad_id", BigInteger, primary_key=True, autoincrement=False),
    Column("seq", Integer, nullable=False),
    Index("ix_event_objects_norad", "norad_id"),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", _ID, primary_key=True, autoincrement=True),
    Column("name", Text, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("created_utc", DateTime, nullable=False),
    Column("revoked_utc", DateTime, nullable=True),
    UniqueConstraint("sha256", name="uq_api_tokens_sha256"),
)

watch_lists = Table(
    "watch_lists",
    metadata,
    Column("id", _ID, primary_key=True, autoincrement=True),
    Column("name", Text, nullable=False),
    Column("name_key", Text, nullable=False),
    Column("selection", Text, nullable=False),
    Column("created_utc", DateTime, nullable=False),
    UniqueConstraint("name_key", name="uq_watch_lists_name_key"),
)

alerts = Table(
    "alerts",
    metadata,
    Column("id", _ID, primary_key=True, autoincrement=True),
    Column("kind", Text, nullable=False),
    Column("dedupe_key", Text, nullable=False),
    Column("created_utc", DateTime, nullable=False),
    Column("title", Text, nullable=False),
    Column("payload", Text, nullable=False),
    Column("norad_ids", Text, nullable=False),
    UniqueConstraint("dedupe_key", name="uq_alerts_dedupe_key"),
    Index("ix_alerts_created", "created_utc"),
)

alert_deliveries = Table(
    "alert_deliveries",
    metadata,
    Column("alert_id", _ID, ForeignKey("alerts.id"), primary_key=True),
    Column("channel", Text, primary_key=True),
    Column("status", Text, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("last_error", Text, nullable=False),
    Column("updated_utc", DateTime, nullable=False),
    Index("ix_alert_deliveries_status", "status", "channel"),
)

measurements = Table(
    "measurements",
    metadata,
    Column("id", _ID, primary_key=True, autoincrement=True),
    Column("ingest_id", _ID, ForeignKey("ingests.id"), nullable=False, index=True),
    Column("time_utc", DateTime, nullable=False),
    Column("kind", Text, nullable=False),
    Column("station", Text, nullable=False),
    Column("values", Text, nullable=False),
    Column("sigmas", Text, nullable=False),
    Column("source", Text, nullable=False),
    Column("fingerprint", String(64), nullable=False),
    UniqueConstraint("fingerprint", name="uq_measurements_fingerprint"),
    Index("ix_measurements_time", "time_utc"),
)

watch_state = Table(
    "watch_state",
    metadata,
    Column("name", Text, primary_key=True),
    Column("value", Text, nullable=False),
    Column("updated_utc", DateTime, nullable=False),
)

od_jobs = Table(
    "od_jobs",
    metadata,
    Column("id", _ID, primary_key=True, autoincrement=True),
    Column("kind", Text, nullable=False),
    Column("request", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("created_utc", DateTime, nullable=False),
    Column("started_utc", DateTime, nullable=True),
    Column("finished_utc", DateTime, nullable=True),
    Column("result", Text, nullable=True),
    Column("error", Text, nullable=True),
    Index("ix_od_jobs_status", "status", "id"),
)
