"""Overflight warning: passes, imaging opportunities, revisit and who-saw for sets of satellites and targets.

Each function here is the one composition of the pure core that every front end calls (CLI, API,
Dask chunks, benchmarks): plan the grids from the orbits, propagate satellite chunks into bounded
buffers, search, and join. Results for a chunk of satellites never depend on other satellites, so
the Dask layer (:mod:`orbitwatch.distributed`) runs the same functions on chunks and concatenates.
"""

import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import ParamSpec, TypeVar

import numpy as np

from orbitwatch.core.elements.epochs import as_utc
from orbitwatch.core.elements.model import ElementSet
from orbitwatch.core.events.imaging import Opportunity, SensorModel, find_opportunities

__all__ = [
    "Exclusions",
    "OpportunityReport",
    "PassReport",
    "SensorModel",
    "TimeWindow",
    "revisit",
    "search_opportunities",
    "search_passes",
    "search_who_saw",
]
from orbitwatch.core.events.passes import PassTable, SkippedSatellite, find_passes, plan_pass_grids
from orbitwatch.core.events.revisit import Interval, RevisitStats, revisit_statistics, unobserved_windows
from orbitwatch.core.events.uncertainty import AlongTrackModel, catalog_time_errors_s, padded
from orbitwatch.core.events.whosaw import DEFAULT_SENSOR
from orbitwatch.core.propagation.engine import Rejected, iter_states, screen_elements
from orbitwatch.core.propagation.states import StateGrid
from orbitwatch.core.targets import Region, Site
from orbitwatch.errors import OrbitwatchError

P = ParamSpec("P")
R = TypeVar("R")

MAX_WINDOW_DAYS = 31.0
STATES_PER_CHUNK = 2_000_000
"""Satellite states propagated at once (about 100 MB of positions and velocities)."""
STALE_AFTER_DAYS = 14.0


@dataclass(frozen=True, slots=True)
class TimeWindow:
    """The analysis window: a UTC start and a positive length in seconds."""

    start_utc: datetime
    duration_s: float

    def __post_init__(self) -> None:
        object.__setattr__(self, "start_utc", as_utc(self.start_utc))
        if not math.isfinite(self.duration_s) or self.duration_s <= 0.0:
            raise OrbitwatchError(
                f"the time window must have a positive length, got {self.duration_s / 3600:g} h"
            )
        if self.duration_s > MAX_WINDOW_DAYS * 86400.0:
            raise OrbitwatchError(
                f"the time window of {self.duration_s / 86400:g} days is longer than "
                f"{MAX_WINDOW_DAYS:g} days; "
                "SGP4 predictions that far from the elements are not worth a warning"
            )

    @property
    def end_utc(self) -> datetime:
        """The end of the window."""
        return self.start_utc + timedelta(seconds=self.duration_s)


@dataclass(frozen=True, slots=True)
class StaleElements:
    """An element set older than the staleness limit at the start of the window (age in days)."""

    norad_id: int
    name: str
    age_days: float


@dataclass(frozen=True, slots=True)
class Exclusions:
    """Satellites left out of a search and why: refused before propagation, or skipped by the search."""

    rejected: tuple[Rejected, ...] = ()
    skipped: tuple[SkippedSatellite, ...] = ()
    stale: tuple[StaleElements, ...] = ()

    def __add__(self, other: "Exclusions") -> "Exclusions":
        return Exclusions(
            self.rejected + other.rejected, self.skipped + other.skipped, self.stale + other.stale
        )


@dataclass(frozen=True, slots=True)
class PassReport:
    """All passes (as columns, sorted by rise) and what was left out."""

    table: PassTable
    exclusions: Exclusions


@dataclass(frozen=True, slots=True)
class OpportunityReport:
    """Imaging opportunities by start, each with its timing error (s, 1 sigma), and what was left out."""

    opportunities: tuple[Opportunity, ...]
    time_error_s: tuple[float, ...]
    exclusions: Exclusions

    def padded(self, sigmas: float) -> "OpportunityReport":
        """Each window widened on both sides by ``sigmas`` times its timing error (for planning)."""
        widened = tuple(
            padded(o, err, sigmas) for o, err in zip(self.opportunities, self.time_error_s, strict=True)
        )
        return OpportunityReport(widened, self.time_error_s, self.exclusions)


UncertaintyModels = dict[int, AlongTrackModel]
"""Along-track error models by catalog number (from each object's history); the default elsewhere."""


def pass_time_errors_s(
    report: PassReport, elements: Sequence[ElementSet], models: UncertaintyModels | None = None
) -> list[float]:
    """The timing error (s, 1 sigma) of each pass of the report, from its element age and model."""
    table = report.table
    errors = catalog_time_errors_s(table.norad_ids[table.satellite], table.element_age_days, elements, models)
    return [float(e) for e in errors]


def stale_elements(
    elements: Sequence[ElementSet], at_utc: datetime, max_age_days: float
) -> tuple[StaleElements, ...]:
    """Element sets more than ``max_age_days`` from ``at_utc`` (flagged, still propagated)."""
    ages = ((e, (as_utc(at_utc) - e.epoch_utc).total_seconds() / 86400.0) for e in elements)
    return tuple(StaleElements(e.norad_id, e.name, age) for e, age in ages if abs(age) > max_age_days)


def _chunks(
    elements: Sequence[ElementSet], window: TimeWindow, engine: str
) -> Iterator[tuple[StateGrid, list[datetime]]]:
    """States of the accepted satellites on their planned grids, chunk by chunk, with their epochs."""
    for plan in plan_pass_grids(elements, window.start_utc, window.duration_s):
        group = [elements[i] for i in plan.element_index]
        per_chunk = max(STATES_PER_CHUNK // plan.grid.size, 1) * plan.grid.size
        for chunk in iter_states(group, plan.grid, engine=engine, max_states=per_chunk):
            yield chunk.states, [group[i].epoch_utc for i in chunk.element_index]


def _accepted(elements: Sequence[ElementSet], window: TimeWindow) -> tuple[list[ElementSet], Exclusions]:
    accepted, rejected = screen_elements(elements)
    stale = stale_elements(elements, window.start_utc, STALE_AFTER_DAYS)
    return [elements[i] for i in accepted], Exclusions(rejected=rejected, stale=stale)


def search_passes(
    elements: Sequence[ElementSet],
    sites: Sequence[Site],
    window: TimeWindow,
    *,
    min_elevation_deg: float = 10.0,
    twilight_sun_elevation_deg: float = -6.0,
    engine: str = "auto",
) -> PassReport:
    """Every pass of every satellite over every site in the window (events refined to 1 ms)."""
    _require(sites, "site")
    usable, exclusions = _accepted(elements, window)
    tables: list[PassTable] = []
    skipped: list[SkippedSatellite] = []
    for states, epochs in _chunks(usable, window, engine):
        search = _checked(
            find_passes,
            states,
            sites,
            min_elevation_deg=min_elevation_deg,
            twilight_sun_elevation_deg=twilight_sun_elevation_deg,
            element_epochs_utc=epochs,
        )
        tables.append(search.table)
        skipped.extend(search.skipped)
    table = PassTable.concatenate(tables) if tables else _no_passes(window, sites)
    return PassReport(table.sorted_by_rise(), exclusions + Exclusions(skipped=tuple(skipped)))


def _no_passes(window: TimeWindow, sites: Sequence[Site]) -> PassTable:
    return PassTable.empty(window.start_utc, tuple(site.name for site in sites))


def search_opportunities(
    elements: Sequence[ElementSet],
    targets: Sequence[Site | Region],
    sensor: SensorModel,
    window: TimeWindow,
    *,
    engine: str = "auto",
) -> OpportunityReport:
    """Imaging opportunities of every satellite on every target, with timing error bars from element age
    (the default model; :func:`with_history_errors` applies each object's own history)."""
    _require(targets, "target")
    usable, exclusions = _accepted(elements, window)
    found: list[Opportunity] = []
    skipped: list[SkippedSatellite] = []
    for states, epochs in _chunks(usable, window, engine):
        search = _checked(find_opportunities, states, targets, sensor, element_epochs_utc=epochs)
        found.extend(search.opportunities)
        skipped.extend(search.skipped)
    found.sort(key=lambda o: (o.start_utc, o.norad_id, o.target))
    report = OpportunityReport(tuple(found), (), exclusions + Exclusions(skipped=tuple(skipped)))
    return with_history_errors(report, usable, {})


def with_history_errors(
    report: OpportunityReport, elements: Sequence[ElementSet], models: UncertaintyModels
) -> OpportunityReport:
    """The report with each timing error from the object's own history model where ``models`` has one,
    else from the default model."""
    found = report.opportunities
    ages = [np.nan if o.element_age_days is None else o.element_age_days for o in found]
    errors = catalog_time_errors_s([o.norad_id for o in found], ages, elements, models)
    return OpportunityReport(found, tuple(float(e) for e in errors), report.exclusions)


def revisit(
    report: OpportunityReport, targets: Sequence[Site | Region], window: TimeWindow
) -> tuple[tuple[RevisitStats, ...], dict[str, tuple[Interval, ...]]]:
    """Revisit statistics per target, and its unobserved windows (when no satellite can image it)."""
    names = [t.name for t in targets]
    stats = revisit_statistics(report.opportunities, names, window.start_utc, window.end_utc)
    gaps = {n: unobserved_windows(report.opportunities, n, window.start_utc, window.end_utc) for n in names}
    return stats, gaps


def search_who_saw(
    elements: Sequence[ElementSet],
    site: Site,
    time_utc: datetime,
    *,
    tolerance_s: float = 300.0,
    sensor: SensorModel = DEFAULT_SENSOR,
    engine: str = "auto",
) -> OpportunityReport:
    """Satellites whose geometry and lighting allowed an image of ``site`` within ``time_utc`` ± tolerance."""
    if not math.isfinite(tolerance_s) or tolerance_s < 0:
        raise OrbitwatchError(f"the tolerance must be zero or positive, got {tolerance_s} s")
    window = TimeWindow(as_utc(time_utc) - timedelta(seconds=tolerance_s), 2.0 * tolerance_s + 1.0)
    report = search_opportunities(elements, [site], sensor, window, engine=engine)
    keep = [i for i, o in enumerate(report.opportunities) if o.start_utc <= window.end_utc]
    return OpportunityReport(
        tuple(report.opportunities[i] for i in keep),
        tuple(report.time_error_s[i] for i in keep),
        report.exclusions,
    )


def _require(items: Sequence[object], what: str) -> None:
    if not items:
        raise OrbitwatchError(f"no {what} given: name at least one")


def _checked(function: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """Call a core search, turning its ValueError for bad settings into the project's error."""
    try:
        return function(*args, **kwargs)
    except ValueError as exc:
        raise OrbitwatchError(str(exc)) from None
