"""Passes, imaging opportunities, revisit: the answers of the overflight warning."""

from collections.abc import Sequence
from datetime import datetime

from pydantic import BaseModel, Field

from orbitwatch.core.events.imaging import Opportunity
from orbitwatch.core.events.passes import Pass
from orbitwatch.core.events.revisit import Interval, RevisitStats
from orbitwatch.services.overflights import Exclusions, TimeWindow


class Window(BaseModel):
    """The analysis window (UTC)."""

    start_utc: datetime
    end_utc: datetime
    hours: float

    @classmethod
    def of(cls, window: TimeWindow) -> "Window":
        """The model of a time window."""
        return cls(start_utc=window.start_utc, end_utc=window.end_utc, hours=window.duration_s / 3600.0)


class Excluded(BaseModel):
    """A satellite left out of the search, and why."""

    norad_id: int
    name: str
    reason: str


class ExclusionSummary(BaseModel):
    """Satellites left out (refused before propagation, or skipped by the search), and stale elements."""

    excluded: list[Excluded]
    stale_count: int = Field(description="Element sets far from the window (still propagated)")
    oldest_stale_days: float | None

    @classmethod
    def of(cls, exclusions: Exclusions) -> "ExclusionSummary":
        """The model of a search's exclusions."""
        excluded = [Excluded(norad_id=r.norad_id, name=r.name, reason=r.reason) for r in exclusions.rejected]
        excluded += [Excluded(norad_id=s.norad_id, name=s.name, reason=s.reason) for s in exclusions.skipped]
        ages = [abs(s.age_days) for s in exclusions.stale]
        return cls(excluded=excluded, stale_count=len(ages), oldest_stale_days=max(ages) if ages else None)


class PassRecord(BaseModel):
    """One pass of a satellite over a site: rise, culmination, set; optical visibility; timing error."""

    norad_id: int
    name: str
    site: str
    rise_utc: datetime
    culmination_utc: datetime
    set_utc: datetime
    max_elevation_deg: float
    rise_azimuth_deg: float
    set_azimuth_deg: float
    visible: bool
    element_age_days: float | None
    time_error_s: float | None

    @classmethod
    def of(cls, p: Pass, error_s: float) -> "PassRecord":
        """The model of a pass and its timing error (s, 1 sigma)."""
        return cls(
            norad_id=p.norad_id,
            name=p.name,
            site=p.site,
            rise_utc=p.rise_utc,
            culmination_utc=p.culmination_utc,
            set_utc=p.set_utc,
            max_elevation_deg=p.max_elevation_deg,
            rise_azimuth_deg=p.rise_az_deg,
            set_azimuth_deg=p.set_az_deg,
            visible=p.visible,
            element_age_days=p.element_age_days,
            time_error_s=error_s,
        )


class PassList(BaseModel):
    """Every pass in the window, by rise."""

    window: Window
    satellites: int
    passes: list[PassRecord]
    exclusions: ExclusionSummary


class OpportunityRecord(BaseModel):
    """One imaging opportunity of a satellite on a target, with its timing error (s, 1 sigma)."""

    norad_id: int
    name: str
    target: str
    start_utc: datetime
    best_utc: datetime
    end_utc: datetime
    min_off_nadir_deg: float
    ground_range_km: float
    sun_elevation_deg: float
    element_age_days: float | None
    time_error_s: float | None

    @classmethod
    def of(cls, o: Opportunity, error_s: float) -> "OpportunityRecord":
        """The model of an opportunity and its timing error."""
        return cls(
            norad_id=o.norad_id,
            name=o.name,
            target=o.target,
            start_utc=o.start_utc,
            best_utc=o.best_utc,
            end_utc=o.end_utc,
            min_off_nadir_deg=o.min_off_nadir_deg,
            ground_range_km=o.ground_range_km,
            sun_elevation_deg=o.sun_elevation_deg,
            element_age_days=o.element_age_days,
            time_error_s=error_s,
        )


class OpportunityList(BaseModel):
    """Every imaging opportunity in the window, by start: the overflight warning."""

    window: Window
    sensor: str
    satellites: int
    opportunities: list[OpportunityRecord]
    exclusions: ExclusionSummary

    @staticmethod
    def records(opportunities: Sequence[Opportunity], errors: Sequence[float]) -> list[OpportunityRecord]:
        """The models of opportunities and their timing errors."""
        return [OpportunityRecord.of(o, e) for o, e in zip(opportunities, errors, strict=True)]


class Gap(BaseModel):
    """A window when no selected satellite can image the target."""

    start_utc: datetime
    end_utc: datetime
    hours: float


class TargetRevisit(BaseModel):
    """Revisit of one target: opportunities, mean and longest gap, coverage, unobserved windows."""

    target: str
    opportunities: int
    observed_periods: int
    mean_gap_s: float | None
    max_gap_s: float | None
    coverage_fraction: float
    unobserved: list[Gap]

    @classmethod
    def of(cls, stats: RevisitStats, gaps: Sequence[Interval]) -> "TargetRevisit":
        """The model of a target's revisit statistics and gaps."""
        return cls(
            target=stats.target,
            opportunities=stats.opportunities,
            observed_periods=stats.observed_periods,
            mean_gap_s=stats.mean_gap_s,
            max_gap_s=stats.max_gap_s,
            coverage_fraction=stats.coverage_fraction,
            unobserved=[
                Gap(start_utc=g.start_utc, end_utc=g.end_utc, hours=g.duration_s / 3600.0) for g in gaps
            ],
        )


class RevisitReport(BaseModel):
    """Revisit per target over the window."""

    window: Window
    sensor: str
    satellites: int
    targets: list[TargetRevisit]
    exclusions: ExclusionSummary
