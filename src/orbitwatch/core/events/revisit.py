"""Revisit statistics and unobserved windows of targets, from imaging opportunities.

Over an analysis window [start, end], a target is *observed* while any watched satellite has an
opportunity on it (the union of the opportunities' intervals, clipped to the window); the *unobserved
windows* are the complement -- the periods in which no watched satellite can image it, which is what a
planner schedules sensitive activity into. Revisit statistics follow the usual coverage figures of
merit (Wertz, Space Mission Engineering: The New SMAD, 2011, §9.4): the number of opportunities, the
gaps between observed periods (mean and maximum, the leading and trailing gaps of the window
included), and the coverage fraction. Opportunities can first be padded by their timing uncertainty
(:mod:`orbitwatch.core.events.uncertainty`), which makes the unobserved windows conservative.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from orbitwatch.core.elements.epochs import as_utc
from orbitwatch.core.events.imaging import Opportunity


@dataclass(frozen=True, slots=True)
class Interval:
    """A closed interval of UTC time."""

    start_utc: datetime
    end_utc: datetime

    @property
    def duration_s(self) -> float:
        """Its length in seconds."""
        return (self.end_utc - self.start_utc).total_seconds()


@dataclass(frozen=True, slots=True)
class RevisitStats:
    """Coverage of one target over the analysis window.

    ``opportunities``: how many opportunities touch the window; ``observed_periods``: how many disjoint
    periods their union makes; ``mean_gap_s`` / ``max_gap_s``: over the unobserved windows (the whole
    window when the target is never observed; 0 when it always is); ``coverage_fraction``: observed time
    over the window's length.
    """

    target: str
    opportunities: int
    observed_periods: int
    mean_gap_s: float
    max_gap_s: float
    coverage_fraction: float


def _check_window(start_utc: datetime, end_utc: datetime) -> tuple[datetime, datetime]:
    start, end = as_utc(start_utc), as_utc(end_utc)
    if end <= start:
        raise ValueError(
            f"the analysis window has zero or negative length: {start.isoformat()} to {end.isoformat()}"
        )
    return start, end


def observed_periods(
    opportunities: Sequence[Opportunity], target: str, start_utc: datetime, end_utc: datetime
) -> tuple[Interval, ...]:
    """The union of the target's opportunities, clipped to the window, in time order."""
    start, end = _check_window(start_utc, end_utc)
    spans = sorted(
        (max(o.start_utc, start), min(o.end_utc, end))
        for o in opportunities
        if o.target == target and o.end_utc >= start and o.start_utc <= end
    )
    merged: list[list[datetime]] = []
    for first, last in spans:
        if merged and first <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], last)
        else:
            merged.append([first, last])
    return tuple(Interval(first, last) for first, last in merged)


def unobserved_windows(
    opportunities: Sequence[Opportunity], target: str, start_utc: datetime, end_utc: datetime
) -> tuple[Interval, ...]:
    """The periods of the window in which none of the opportunities covers the target (the complement of
    their union), in time order; periods of zero length are left out."""
    start, end = _check_window(start_utc, end_utc)
    gaps: list[Interval] = []
    cursor = start
    for period in observed_periods(opportunities, target, start, end):
        if period.start_utc > cursor:
            gaps.append(Interval(cursor, period.start_utc))
        cursor = max(cursor, period.end_utc)
    if cursor < end:
        gaps.append(Interval(cursor, end))
    return tuple(gaps)


def revisit_statistics(
    opportunities: Sequence[Opportunity], targets: Sequence[str], start_utc: datetime, end_utc: datetime
) -> tuple[RevisitStats, ...]:
    """Revisit statistics of each target (by name) over the window, from any satellites' opportunities."""
    start, end = _check_window(start_utc, end_utc)
    window_s = (end - start).total_seconds()
    return tuple(_statistics(opportunities, target, start, end, window_s) for target in targets)


def _statistics(
    opportunities: Sequence[Opportunity], target: str, start: datetime, end: datetime, window_s: float
) -> RevisitStats:
    periods = observed_periods(opportunities, target, start, end)
    gaps = [g.duration_s for g in unobserved_windows(opportunities, target, start, end)]
    count = sum(1 for o in opportunities if o.target == target and o.end_utc >= start and o.start_utc <= end)
    observed_s = sum(p.duration_s for p in periods)
    return RevisitStats(
        target=target,
        opportunities=count,
        observed_periods=len(periods),
        mean_gap_s=sum(gaps) / len(gaps) if gaps else 0.0,
        max_gap_s=max(gaps, default=0.0),
        coverage_fraction=observed_s / window_s,
    )
