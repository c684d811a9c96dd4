"""Objects, their element history, and ingests."""

from datetime import date, datetime

from pydantic import BaseModel, Field

from orbitwatch.services.catalog import CatalogEntry, StoredElementSet
from orbitwatch.services.uploads import IngestOutcome

MAX_REFUSALS_SHOWN = 100


class CatalogObject(BaseModel):
    """One object: identity, SATCAT metadata (empty until a SATCAT ingest), latest epoch, groups now."""

    norad_id: int
    name: str
    intl_designator: str
    owner: str
    object_type: str
    launch_date: date | None
    launch_site: str
    decay_date: date | None
    epoch_utc: datetime | None = Field(description="Epoch of the latest element set")
    groups: list[str]

    @classmethod
    def of(cls, entry: CatalogEntry) -> "CatalogObject":
        """The model of a catalog entry."""
        return cls(
            norad_id=entry.norad_id,
            name=entry.name,
            intl_designator=entry.intl_designator,
            owner=entry.owner,
            object_type=entry.object_type,
            launch_date=entry.launch_date,
            launch_site=entry.launch_site,
            decay_date=entry.decay_date,
            epoch_utc=entry.epoch_utc,
            groups=list(entry.groups),
        )


class PageInfo(BaseModel):
    """Where a page is: its limit and offset, and the offset of the next page (None on the last)."""

    limit: int
    offset: int
    next_offset: int | None


class ObjectPage(BaseModel):
    """A page of objects, by catalog number."""

    items: list[CatalogObject]
    page: PageInfo


class ElementSetRecord(BaseModel):
    """One stored SGP4 mean element set (units of CCSDS OMM) with its ingest, format and original text."""

    norad_id: int
    epoch_utc: datetime
    mean_motion_rev_per_day: float
    eccentricity: float
    inclination_deg: float
    raan_deg: float
    arg_perigee_deg: float
    mean_anomaly_deg: float
    bstar_per_earth_radius: float
    mean_motion_dot_rev_per_day2: float
    mean_motion_ddot_rev_per_day3: float
    name: str
    intl_designator: str
    classification: str
    element_set_no: int
    rev_at_epoch: int
    ingest_id: int
    format: str
    original_text: str

    @classmethod
    def of(cls, stored: StoredElementSet) -> "ElementSetRecord":
        """The model of a stored element set."""
        e = stored.elements
        return cls(
            norad_id=e.norad_id,
            epoch_utc=e.epoch_utc,
            mean_motion_rev_per_day=e.mean_motion_rev_per_day,
            eccentricity=e.eccentricity,
            inclination_deg=e.inclination_deg,
            raan_deg=e.raan_deg,
            arg_perigee_deg=e.arg_perigee_deg,
            mean_anomaly_deg=e.mean_anomaly_deg,
            bstar_per_earth_radius=e.bstar_per_earth_radius,
            mean_motion_dot_rev_per_day2=e.mean_motion_dot_rev_per_day2,
            mean_motion_ddot_rev_per_day3=e.mean_motion_ddot_rev_per_day3,
            name=e.name,
            intl_designator=e.intl_designator,
            classification=e.classification,
            element_set_no=e.element_set_no,
            rev_at_epoch=e.rev_at_epoch,
            ingest_id=stored.ingest_id,
            format=stored.format,
            original_text=stored.original_text,
        )


class HistoryPage(BaseModel):
    """A page of one object's element history, oldest epoch first."""

    norad_id: int
    items: list[ElementSetRecord]
    total: int
    page: PageInfo


class RefusalRecord(BaseModel):
    """A refused record of an input: where it is and why."""

    line: int | None
    record: int | None
    field: str
    reason: str


class IngestResult(BaseModel):
    """What became of an upload: stored (counts), already stored (``duplicate_of``), and refused records."""

    source: str
    format: str
    group: str | None
    status: str
    ingest_id: int | None
    duplicate_of: int | None
    accepted: int
    refused: int
    new_element_sets: int
    new_objects: int
    refusals: list[RefusalRecord] = Field(description=f"The first {MAX_REFUSALS_SHOWN} refusals")

    @classmethod
    def of(cls, outcome: IngestOutcome) -> "IngestResult":
        """The model of an ingest outcome that reached the store."""
        summary = outcome.summary
        assert summary is not None
        return cls(
            source=outcome.source,
            format=outcome.format,
            group=outcome.group,
            status=outcome.status,
            ingest_id=summary.ingest_id,
            duplicate_of=summary.duplicate_of,
            accepted=summary.accepted,
            refused=summary.refused,
            new_element_sets=summary.new_element_sets,
            new_objects=summary.new_objects,
            refusals=[
                RefusalRecord(line=r.line, record=r.record, field=r.field, reason=r.reason)
                for r in summary.refusals[:MAX_REFUSALS_SHOWN]
            ],
        )
