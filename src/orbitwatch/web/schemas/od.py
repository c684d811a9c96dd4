"""Measurements and orbit-determination jobs: what a client sends, and what it gets back."""

from datetime import datetime
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Discriminator, Field, StringConstraints, Tag

from orbitwatch.core.elements.alpha5 import MAX_ALPHA5_NUMBER
from orbitwatch.core.od.measurements import MEASUREMENT_SIZES, Measurement
from orbitwatch.services.od import INITIAL_METHODS
from orbitwatch.services.od_jobs import JOB_KINDS, JOB_STATUSES, StoredOdJob
from orbitwatch.services.uploads import IngestOutcome
from orbitwatch.web.limits import MAX_TARGETS
from orbitwatch.web.schemas.catalog import MAX_REFUSALS_SHOWN, PageInfo, RefusalRecord
from orbitwatch.web.schemas.places import SelectionModel

PRINTABLE = r"^[^\u0000-\u001f\u007f]+$"
Text = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=PRINTABLE)]
Instant = Annotated[
    str,
    StringConstraints(min_length=1, max_length=64, pattern=PRINTABLE),
    Field(description="ISO 8601 (UTC if no offset), for example 2026-05-27T16:00:00Z"),
]
Kind = Literal[
    "ra_dec", "az_el", "range", "range_rate", "position_itrs", "position_gcrs", "pv_itrs", "pv_gcrs"
]
Initial = Literal["auto", "gauss", "radar", "gibbs", "herrick-gibbs"]
JobKind = Literal["od", "correlate", "ascent"]
JobStatus = Literal["queued", "running", "done", "failed"]
assert set(get_args(Kind)) == set(MEASUREMENT_SIZES), "the measurement kinds of the core changed"
assert get_args(Initial) == INITIAL_METHODS, "the initial orbit methods of the core changed"
assert get_args(JobKind) == JOB_KINDS, "the job kinds changed"
assert get_args(JobStatus) == JOB_STATUSES, "the job statuses changed"
MAX_STATIONS = 50


class MeasurementUpload(BaseModel):
    """What became of a measurement upload: stored (counts), already stored (``duplicate_of``), refusals."""

    source: str
    format: str = Field(description="tdm or measurements-csv")
    status: str
    ingest_id: int | None
    duplicate_of: int | None
    accepted: int = Field(description="Measurements read")
    refused: int = Field(description="Records refused (each with its line and reason below)")
    new_measurements: int = Field(description="Measurements not stored before")
    refusals: list[RefusalRecord] = Field(description=f"The first {MAX_REFUSALS_SHOWN} refusals")

    @classmethod
    def of(cls, outcome: IngestOutcome) -> "MeasurementUpload":
        """The model of an upload that reached the store."""
        summary = outcome.summary
        assert summary is not None
        return cls(
            source=outcome.source,
            format=outcome.format,
            status=outcome.status,
            ingest_id=summary.ingest_id,
            duplicate_of=summary.duplicate_of,
            accepted=summary.accepted,
            refused=summary.refused,
            new_measurements=summary.new_element_sets,
            refusals=[
                RefusalRecord(line=r.line, record=r.record, field=r.field, reason=r.reason)
                for r in summary.refusals[:MAX_REFUSALS_SHOWN]
            ],
        )


class MeasurementRecord(BaseModel):
    """One stored measurement: time, kind, station (empty for positions), values and standard deviations
    (deg, km, km/s by kind), and where it came from."""

    time_utc: datetime
    kind: str
    station: str
    values: list[float]
    sigmas: list[float]
    source: str

    @classmethod
    def of(cls, m: Measurement) -> "MeasurementRecord":
        """The model of a measurement."""
        return cls(
            time_utc=m.time_utc,
            kind=m.kind,
            station=m.station,
            values=list(m.values),
            sigmas=list(m.sigmas),
            source=m.source,
        )


class MeasurementPage(BaseModel):
    """A page of stored measurements, by time."""

    items: list[MeasurementRecord]
    page: PageInfo


class _Span(BaseModel):
    """The stored measurements a job works on, and the stations' places."""

    model_config = ConfigDict(extra="forbid")

    since: Instant | None = Field(default=None, description="Stored measurements from this time (ISO 8601)")
    until: Instant | None = Field(default=None, description="... up to this time (ISO 8601)")
    stations: list[Text] = Field(
        default=[], max_length=MAX_STATIONS, description="Only the measurements of these stations"
    )
    sites: list[Text] = Field(
        default=[],
        max_length=MAX_TARGETS,
        description="The stations' places: NAME=LAT,LON[,ALT_M], or a stored or gazetteer name",
    )


class OdJobRequest(_Span):
    """Determine an orbit (``orbitwatch od``)."""

    kind: Literal["od"] = "od"
    initial: Initial = Field(default="auto", description="Initial orbit method")
    drag: bool | None = Field(default=None, description="Estimate C_D A/m (default: on arcs over 12 h)")
    fit_tle: bool = Field(default=False, description="Also fit SGP4 mean elements (a TLE)")
    norad_id: int = Field(default=99999, ge=1, le=MAX_ALPHA5_NUMBER, description="For the fitted elements")
    name: str = Field(
        default="", max_length=100, pattern=r"^[^\u0000-\u001f\u007f]*$", description="Fitted elements' name"
    )


class CorrelateJobRequest(_Span):
    """Which catalog object is this (``orbitwatch correlate``)."""

    kind: Literal["correlate"]
    selection: SelectionModel = Field(
        default_factory=SelectionModel, description="The catalog objects to compare (all when empty)"
    )
    probability: float = Field(default=0.999, gt=0.0, lt=1.0, description="Gate: chi-square probability")
    top: int = Field(default=10, ge=1, le=100, description="How many candidates to list")
    solve: bool = Field(default=False, description="Determine an orbit first and correlate it")


class AscentJobRequest(_Span):
    """Will it reach orbit (``orbitwatch ascent``)."""

    kind: Literal["ascent"]
    window_s: float | None = Field(default=None, gt=0.0, le=86400.0, description="Only the last seconds")
    powered: bool = Field(default=False, description="Tracking during powered flight: estimate a thrust")
    min_perigee_km: float = Field(default=100.0, ge=0.0, le=10_000.0)
    ballistic_m2_kg: float = Field(default=0.01, ge=0.0, le=100.0, description="C_D A / m (m^2/kg)")
    samples: int = Field(default=500, ge=10, le=5000, description="Monte Carlo samples")
    probability: float = Field(default=0.95, gt=0.0, lt=1.0, description="Probability held by the ellipse")
    impact_drag: bool = Field(default=False, description="Impact point with drag (default: vacuum)")
    seed: int = Field(default=0, ge=0, le=2**32 - 1, description="Random seed of the Monte Carlo")


def _kind_of(value: Any) -> str | None:
    kind = value.get("kind", "od") if isinstance(value, dict) else getattr(value, "kind", None)
    return kind if isinstance(kind, str) else None


JobRequest = Annotated[
    Annotated[OdJobRequest, Tag("od")]
    | Annotated[CorrelateJobRequest, Tag("correlate")]
    | Annotated[AscentJobRequest, Tag("ascent")],
    Discriminator(_kind_of),
]
"""A job's request, by ``kind`` (``od`` when absent)."""


class OdJobSummary(BaseModel):
    """An orbit-determination job without its result."""

    job_id: int
    kind: JobKind
    status: JobStatus = Field(description="queued, running, done or failed")
    request: dict[str, Any] = Field(description="The request, with its defaults")
    created_utc: datetime
    started_utc: datetime | None
    finished_utc: datetime | None
    error: str | None = Field(description="Why a failed job failed (one line)")

    @classmethod
    def fields_of(cls, job: StoredOdJob) -> dict[str, Any]:
        """The fields of a stored job."""
        return {
            "job_id": job.job_id,
            "kind": job.kind,
            "status": job.status,
            "request": job.request,
            "created_utc": job.created_utc,
            "started_utc": job.started_utc,
            "finished_utc": job.finished_utc,
            "error": job.error,
        }

    @classmethod
    def of(cls, job: StoredOdJob) -> "OdJobSummary":
        """The summary of a stored job."""
        return cls(**cls.fields_of(job))


class OdJob(OdJobSummary):
    """An orbit-determination job: its request, status, times, and its result once done."""

    result: dict[str, Any] | None = Field(
        description="Once done: the JSON of orbitwatch od, correlate or ascent --format json"
    )

    @classmethod
    def of(cls, job: StoredOdJob) -> "OdJob":
        """The model of a stored job."""
        return cls(**cls.fields_of(job), result=job.result)


class OdJobPage(BaseModel):
    """A page of jobs, newest first (without their results: ``GET /od/jobs/{job_id}`` has them)."""

    items: list[OdJobSummary]
    page: PageInfo
