"""Who could have seen it: the satellites whose geometry and lighting allowed an image of a site at a time.

Checking a claimed image ("this photograph of the site was taken at T"): every satellite with an
imaging opportunity (:mod:`orbitwatch.core.events.imaging`) on the site that overlaps
[T - tolerance, T + tolerance], with the sensor's field of regard and -- optical -- the Sun's elevation
at the site. The caller gives states covering that interval (a grid from
:func:`~orbitwatch.core.events.passes.plan_pass_grids` over it); the answer says when each satellite
could image the site, how obliquely at best, and the Sun then.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from orbitwatch.core.elements.epochs import as_utc
from orbitwatch.core.events.detectors import SunTrack
from orbitwatch.core.events.imaging import Opportunity, SensorModel, find_opportunities
from orbitwatch.core.events.passes import SkippedSatellite
from orbitwatch.core.propagation.states import StateGrid
from orbitwatch.core.targets import Site

DEFAULT_SENSOR = SensorModel(
    max_off_nadir_deg=45.0, min_sun_elevation_deg=0.0, name="optical, 45 deg, daylight"
)
"""A permissive optical imager: any satellite that could have taken a daylight picture of the site."""


@dataclass(frozen=True, slots=True, eq=False)
class Sightings:
    """The opportunities overlapping the time of interest (by best instant), and the satellites skipped."""

    time_utc: datetime
    tolerance_s: float
    opportunities: tuple[Opportunity, ...]
    skipped: tuple[SkippedSatellite, ...]


def who_saw(
    states: StateGrid,
    site: Site,
    time_utc: datetime,
    *,
    tolerance_s: float = 300.0,
    sensor: SensorModel = DEFAULT_SENSOR,
    element_epochs_utc: Sequence[datetime] | None = None,
    sun: SunTrack | None = None,
) -> Sightings:
    """The satellites of ``states`` that could image ``site`` at ``time_utc`` +/- ``tolerance_s``.

    ``states`` must cover the interval; a tolerance that is negative, or an interval the grid does
    not cover, raises ValueError.
    """
    if tolerance_s < 0.0:
        raise ValueError(f"the tolerance must not be negative, got {tolerance_s} s")
    time = as_utc(time_utc)
    first = time - timedelta(seconds=tolerance_s)
    last = time + timedelta(seconds=tolerance_s)
    grid = states.times
    covered = (grid.utc(float(grid.offsets_s[0])), grid.utc(float(grid.offsets_s[-1])))
    if first < covered[0] or last > covered[1]:
        raise ValueError(
            f"the states cover {covered[0].isoformat()} to {covered[1].isoformat()}, "
            f"not all of {first.isoformat()} to {last.isoformat()}"
        )
    search = find_opportunities(states, [site], sensor, element_epochs_utc=element_epochs_utc, sun=sun)
    overlapping = [o for o in search.opportunities if o.end_utc >= first and o.start_utc <= last]
    overlapping.sort(key=lambda o: (abs((o.best_utc - time).total_seconds()), o.norad_id))
    return Sightings(time, tolerance_s, tuple(overlapping), search.skipped)
