"""Passes, imaging opportunities (the overflight warning) and revisit, for sites and regions.

Each request is bounded (window, satellites, targets: :mod:`orbitwatch.web.limits`) and runs in one of the
server's computing slots; the computation is the services' own (the CLI runs the same functions).
"""

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from orbitwatch.core.targets import Region, Site
from orbitwatch.services.overflights import OpportunityReport, SensorModel, revisit
from orbitwatch.web.auth import authorize
from orbitwatch.web.compute import opportunities_job, passes_job
from orbitwatch.web.deps import Compute, Now, Store
from orbitwatch.web.jobs import Job, resolve_job, resolve_site_list, resolve_targets, sensor_model
from orbitwatch.web.limits import MAX_TARGETS, MAX_WINDOW_HOURS
from orbitwatch.web.params import MAX_TEXT, PRINTABLE, Objects
from orbitwatch.web.problems import responses
from orbitwatch.web.schemas.overflights import (
    ExclusionSummary,
    OpportunityList,
    PassList,
    PassRecord,
    RevisitReport,
    TargetRevisit,
    Window,
)

router = APIRouter(tags=["overflights"], dependencies=[Depends(authorize)])

Sites = Annotated[
    list[str],
    Query(
        alias="site",
        max_length=MAX_TARGETS,
        description="NAME=LAT,LON[,ALT_M], a stored site or a place name",
    ),
]
Regions = Annotated[
    list[str],
    Query(alias="region", max_length=MAX_TARGETS, description="A stored or bundled region, by name"),
]
Start = Annotated[
    str,
    Query(min_length=1, max_length=MAX_TEXT, pattern=PRINTABLE,
          description="ISO 8601 start (UTC if no offset), 'now', or 'epoch' (the newest element set)"),
]  # fmt: skip
Hours = Annotated[
    float,
    Query(gt=0.0, le=MAX_WINDOW_HOURS, description=f"Window length, hours (at most {MAX_WINDOW_HOURS:g})"),
]
OffNadir = Annotated[float, Query(gt=0.0, lt=90.0, description="Field of regard, deg from nadir")]
SunElevation = Annotated[
    float | None, Query(ge=-90.0, le=90.0, description="Optical: the Sun above this at the target, deg (10)")
]
Sar = Annotated[bool, Query(description="Radar imaging: no Sun limit")]
PadSigma = Annotated[float, Query(ge=0.0, le=10.0, description="Widen each window by this many sigmas")]


@router.get("/passes", summary="Passes over sites", responses=responses(404))
def passes(
    store: Store,
    computations: Compute,
    now: Now,
    objects: Objects,
    sites: Sites = [],  # noqa: B006 (FastAPI copies defaults)
    start: Start = "now",
    hours: Hours = 24.0,
    min_elevation: Annotated[float, Query(ge=-5.0, lt=90.0, description="Elevation mask, deg")] = 10.0,
    visible_only: Annotated[bool, Query(description="Only optically visible passes")] = False,
) -> PassList:
    """Every pass of the selected satellites over the sites: rise, culmination, set, visibility, timing
    error."""
    targets = resolve_site_list(store, sites)
    job = resolve_job(store, objects, start, hours, now)
    report, errors = computations.run(
        passes_job, job.elements, targets, job.window, min_elevation, job.models
    )
    found = zip(report.table.passes(), errors, strict=True)
    return PassList(
        window=Window.of(job.window),
        satellites=len(job.elements),
        passes=[PassRecord.of(p, e) for p, e in found if p.visible or not visible_only],
        exclusions=ExclusionSummary.of(report.exclusions),
    )


def _opportunities(
    store: Store, computations: Compute, now: Now, objects: Objects, sites: list[str], regions: list[str],
    start: str, hours: float, sensor: SensorModel, pad_sigma: float,
) -> tuple[Job, list[Site | Region], OpportunityReport]:  # fmt: skip
    """The job, the targets and the opportunities (history error bars, padded by ``pad_sigma`` sigmas)."""
    targets = resolve_targets(store, sites, regions)
    job = resolve_job(store, objects, start, hours, now)
    report = computations.run(
        opportunities_job, job.elements, targets, sensor, job.window, job.models, pad_sigma
    )
    return job, targets, report


@router.get("/overflights", summary="Imaging opportunities on sites and regions", responses=responses(404))
def overflights(
    store: Store,
    computations: Compute,
    now: Now,
    objects: Objects,
    sites: Sites = [],  # noqa: B006
    regions: Regions = [],  # noqa: B006
    start: Start = "now",
    hours: Hours = 24.0,
    max_off_nadir: OffNadir = 30.0,
    min_sun_elevation: SunElevation = None,
    sar: Sar = False,
    pad_sigma: PadSigma = 0.0,
) -> OpportunityList:
    """The overflight warning: when each selected satellite can image the sites or regions, by time."""
    sensor = sensor_model(max_off_nadir, min_sun_elevation, sar)
    job, _, report = _opportunities(
        store, computations, now, objects, sites, regions, start, hours, sensor, pad_sigma
    )
    return OpportunityList(
        window=Window.of(job.window),
        sensor=sensor.name,
        satellites=len(job.elements),
        opportunities=OpportunityList.records(report.opportunities, report.time_error_s),
        exclusions=ExclusionSummary.of(report.exclusions),
    )


@router.get("/revisit", summary="Revisit of sites and regions", responses=responses(404))
def revisit_report(
    store: Store,
    computations: Compute,
    now: Now,
    objects: Objects,
    sites: Sites = [],  # noqa: B006
    regions: Regions = [],  # noqa: B006
    start: Start = "now",
    hours: Hours = 24.0,
    max_off_nadir: OffNadir = 30.0,
    min_sun_elevation: SunElevation = None,
    sar: Sar = False,
    pad_sigma: PadSigma = 0.0,
) -> RevisitReport:
    """Per target: opportunities, mean and longest gap, coverage, and the windows no satellite can image
    it."""
    sensor = sensor_model(max_off_nadir, min_sun_elevation, sar)
    job, targets, report = _opportunities(
        store, computations, now, objects, sites, regions, start, hours, sensor, pad_sigma
    )
    stats, gaps = revisit(report, targets, job.window)
    return RevisitReport(
        window=Window.of(job.window),
        sensor=sensor.name,
        satellites=len(job.elements),
        targets=[TargetRevisit.of(s, gaps[s.target]) for s in stats],
        exclusions=ExclusionSummary.of(report.exclusions),
    )
