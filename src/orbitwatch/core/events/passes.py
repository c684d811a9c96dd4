"""Passes of satellites over ground sites: rise, culmination and set above an elevation mask, and visibility.

A pass is a maximal interval in which the satellite's geometric elevation above the site's horizon
(the plane normal to the WGS-84 ellipsoid, no refraction; Vallado, Fundamentals of Astrodynamics and
Applications, 4th ed., 2013, §4.4) is at or above the mask ``min_elevation_deg``. Rise and set are
its ends, culmination its highest point. A pass already in progress at the start of the window (or
still in progress at its end) starts (ends) there and is marked clipped. A pass is **visible** when at
some instant of it the satellite is sunlit (the Sun's centre above the Earth's limb seen from the
satellite, as Skyfield's ``is_sunlit``) while the Sun's centre is at or below
``twilight_sun_elevation_deg`` (default -6 deg, the end of civil twilight) at the site. Visibility is
decided on the pass's rise, culmination and set -- and, for passes longer than half an hour, on every
grid instant between -- with the two conditions interpolated linearly between neighbouring samples:
in a shorter pass each changes at most once (a low orbit's eclipse and its sunlit arc each last longer
than the pass; the Sun's elevation at the site moves steadily).

Method, and why no pass reaching mask + 0.1 deg is missed
-------------------------------------------------------------
1. Screening (:mod:`orbitwatch.core.events.screening`): every grid instant within half a step of an
   instant above the mask is flagged, by a test on the geocentric angle between satellite and site
   with a margin for the motion over half a step. The elevation above the geodetic horizon exceeds
   that above the geocentric one by at most the angle delta between the two verticals (< 0.193 deg),
   so the test uses mask - delta; the site radius is the smallest of the sites'. This step is exact:
   a pass that reaches the mask at all lies inside a flagged window, for any grid step.
2. In each window the exact elevation e(t) and its rate are computed at the grid instants. A sign
   change of e - mask brackets a rise or a set; a change of the rate from + to - with an end above the
   mask brackets a culmination. An interval whose ends are both below the mask is *excluded* only when
   a second-order bound proves that e stays below mask + 0.1 deg on it, else it is split (its midpoint
   interpolated) and the halves are examined again. The bound: seen from the point where the site's
   normal meets the polar axis, the site lies on its own vertical, so e >= mask + 0.1 deg holds exactly
   when the angle theta from that vertical is at most Theta_f = arccos(d cos(mask + 0.1) / R) -
   (mask + 0.1) (d: the site's distance from the point, R: the satellite's). On the interval, theta''
   is bounded by A = (omega^2 + a_t) / sin(theta_f), omega the turning rate of the line of sight from
   that point and a_t its transverse acceleration (both bounded per satellite,
   :class:`~orbitwatch.core.events.screening.MotionBounds`): write the unit vector's acceleration as
   -|u'|^2 u + t, then sin(theta) theta'' = cos(theta)(|u'|^2 - theta'^2) - t.up. Hence
   theta(t0 + s) >= theta0 + theta0' s - A s^2 / 2 from the left end and the mirror bound from the right
   end; if the first instant the left bound allows theta <= Theta_f comes after the last instant the
   right bound allows it, theta never reaches Theta_f in between (with Theta_f taken at the largest R
   the interval allows, less an allowance (omega h)^4 / 10 for the interpolation of sub-interval ends).
   Each split halves the interval and quarters the bound's slack, so the search stops after a few
   levels except at a pass that touches mask + 0.1 deg exactly.
3. Roots and maxima are refined by safeguarded Newton iteration on cubic Hermite interpolation of the
   grid's Earth-fixed positions and velocities (:mod:`orbitwatch.core.events.search`), until the last
   Newton step is under 0.5 s (the error left is then of order |e''/2e'| step^2: milliseconds) or the
   bracket under 0.02 s.

The bound holds for the interpolated track; on the grid of :func:`pass_grid_step_s` that track is
within 5 m of SGP4's, i.e. within 0.001 deg of elevation seen from 300 km or farther, which the margin
of 0.1 deg absorbs. A coarser grid is refused (:func:`check_grid_steps`). The test suite checks the
whole chain against Skyfield's ``find_events``, against a dense (2 s) search over the 60 lowest orbits
of the sample, and against passes made to clear the mask by exactly 0.1 deg between two grid instants.

What is assumed: between two grid instants at which the elevation is above the mask it does not dip
below it and back (two passes closer than one grid step, 1/15 of an orbit or less, would merge), and
a window above the mask holds at most one maximum per grid interval (a second one there would be
missed as culmination, not as pass).
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
from numpy.typing import NDArray

from orbitwatch.core.constants import SECONDS_PER_DAY, WGS84_MU_KM3_S2
from orbitwatch.core.elements.model import ElementSet
from orbitwatch.core.events.detectors import (
    GroundPoints,
    SunTrack,
    look_angles,
    sun_elevation_at_deg,
    sunlit_margin_deg,
)
from orbitwatch.core.events.pass_search import BlockSearch, EventSet, PassEvents, grid_between, search_block
from orbitwatch.core.events.screening import EARTH_ROTATION_RAD_S
from orbitwatch.core.frames.geodesy import SiteArray
from orbitwatch.core.propagation.states import ERROR_MESSAGES, StateGrid, TimeGrid
from orbitwatch.core.targets import Site

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

GUARANTEED_MARGIN_DEG = 0.1
"""Every pass whose maximum elevation exceeds the mask by this much is found (module docstring)."""
HERMITE_TOLERANCE_KM = 0.005
MAX_GRID_STEP_S = 600.0
MIN_STEPS_PER_ORBIT = 15
STEP_ROOM = 1.05
GRID_STEPS_S = (
    10.0, 15.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0, 90.0, 95.0, 100.0, 105.0, 110.0, 115.0, 120.0,
    130.0, 140.0, 150.0, 165.0, 180.0, 210.0, 240.0, 300.0, 360.0, 450.0, 600.0,
)  # fmt: skip
_SATELLITES_PER_BLOCK = 48
LONG_PASS_S = 1800.0


@dataclass(frozen=True, slots=True)
class SkippedSatellite:
    """A satellite left out of a search, and why (its first SGP4 error, when it has one)."""

    norad_id: int
    name: str
    reason: str
    first_bad_utc: datetime | None = None


@dataclass(frozen=True, slots=True)
class Pass:
    """One pass of one satellite over one site (times UTC; angles deg; ranges km).

    ``max_elevation_deg`` is the culmination's elevation. ``rise_clipped`` (``set_clipped``): the pass
    was already (still) above the mask at the start (end) of the window, whose start (end) is then
    given as the rise (set). ``element_age_days``: the age of the element set at culmination, when
    the search was given the epochs.
    """

    norad_id: int
    name: str
    site: str
    rise_utc: datetime
    culmination_utc: datetime
    set_utc: datetime
    rise_az_deg: float
    rise_el_deg: float
    rise_range_km: float
    culmination_az_deg: float
    culmination_range_km: float
    set_az_deg: float
    set_el_deg: float
    set_range_km: float
    max_elevation_deg: float
    visible: bool
    rise_clipped: bool
    set_clipped: bool
    element_age_days: float | None


@dataclass(frozen=True, slots=True, eq=False)
class EventColumns:
    """One event of every pass: offset from ``t0_utc`` (s), azimuth and elevation (deg), range (km)."""

    t_s: FloatArray
    az_deg: FloatArray
    el_deg: FloatArray
    range_km: FloatArray

    def take(self, index: IntArray) -> "EventColumns":
        """Rows ``index``."""
        return EventColumns(self.t_s[index], self.az_deg[index], self.el_deg[index], self.range_km[index])

    @classmethod
    def concatenate(cls, columns: Sequence["EventColumns"]) -> "EventColumns":
        """Rows of all, in order."""
        return cls(
            np.concatenate([c.t_s for c in columns]),
            np.concatenate([c.az_deg for c in columns]),
            np.concatenate([c.el_deg for c in columns]),
            np.concatenate([c.range_km for c in columns]),
        )


@dataclass(frozen=True, slots=True, eq=False)
class PassTable:
    """Passes as columns (one row per pass), for catalogs where millions of passes are normal.

    ``satellite[p]`` indexes ``norad_ids`` / ``satellite_names`` (the rows of the searched StateGrid),
    ``site[p]`` indexes ``site_names``. :meth:`passes` gives the rows as :class:`Pass` records.
    """

    t0_utc: datetime
    norad_ids: IntArray
    satellite_names: tuple[str, ...]
    site_names: tuple[str, ...]
    satellite: IntArray
    site: IntArray
    rises: EventColumns
    culminations: EventColumns
    sets: EventColumns
    visible: BoolArray
    rise_clipped: BoolArray
    set_clipped: BoolArray
    element_age_days: FloatArray

    def __len__(self) -> int:
        return int(self.satellite.size)

    @property
    def max_elevation_deg(self) -> FloatArray:
        """The culmination elevations."""
        return self.culminations.el_deg

    def take(self, index: IntArray) -> "PassTable":
        """The passes ``index`` (same satellites and sites)."""
        return PassTable(
            self.t0_utc,
            self.norad_ids,
            self.satellite_names,
            self.site_names,
            self.satellite[index],
            self.site[index],
            self.rises.take(index),
            self.culminations.take(index),
            self.sets.take(index),
            self.visible[index],
            self.rise_clipped[index],
            self.set_clipped[index],
            self.element_age_days[index],
        )

    def sorted_by_rise(self) -> "PassTable":
        """The passes in order of rise time (then site, then satellite)."""
        return self.take(np.lexsort((self.satellite, self.site, self.rises.t_s)).astype(np.int64))

    def passes(self) -> tuple[Pass, ...]:
        """The rows as :class:`Pass` records (for modest numbers of passes: one Python object each)."""
        return tuple(self._row(p) for p in range(len(self)))

    def _row(self, p: int) -> Pass:
        sat, age = int(self.satellite[p]), float(self.element_age_days[p])
        rise, culm, end = self.rises, self.culminations, self.sets
        return Pass(
            norad_id=int(self.norad_ids[sat]),
            name=self.satellite_names[sat],
            site=self.site_names[int(self.site[p])],
            rise_utc=_utc(self.t0_utc, rise.t_s[p]),
            culmination_utc=_utc(self.t0_utc, culm.t_s[p]),
            set_utc=_utc(self.t0_utc, end.t_s[p]),
            rise_az_deg=float(rise.az_deg[p]),
            rise_el_deg=float(rise.el_deg[p]),
            rise_range_km=float(rise.range_km[p]),
            culmination_az_deg=float(culm.az_deg[p]),
            culmination_range_km=float(culm.range_km[p]),
            set_az_deg=float(end.az_deg[p]),
            set_el_deg=float(end.el_deg[p]),
            set_range_km=float(end.range_km[p]),
            max_elevation_deg=float(culm.el_deg[p]),
            visible=bool(self.visible[p]),
            rise_clipped=bool(self.rise_clipped[p]),
            set_clipped=bool(self.set_clipped[p]),
            element_age_days=None if math.isnan(age) else age,
        )

    @classmethod
    def empty(cls, t0_utc: datetime, site_names: tuple[str, ...]) -> "PassTable":
        """A table of no passes (no satellite to search)."""
        none_i, none_f = np.zeros(0, np.int64), np.zeros(0, np.float64)
        columns = EventColumns(none_f, none_f, none_f, none_f)
        no = np.zeros(0, np.bool_)
        return cls(
            t0_utc, none_i, (), site_names, none_i, none_i, columns, columns, columns, no, no, no, none_f
        )

    @classmethod
    def concatenate(cls, tables: Sequence["PassTable"]) -> "PassTable":
        """The passes of searches over disjoint sets of satellites with the same sites and ``t0_utc``."""
        first = tables[0]
        if any(t.site_names != first.site_names or t.t0_utc != first.t0_utc for t in tables):
            raise ValueError("pass tables can only be joined when they share their sites and time origin")
        offsets = np.cumsum([0] + [t.norad_ids.size for t in tables[:-1]])
        return cls(
            first.t0_utc,
            np.concatenate([t.norad_ids for t in tables]),
            tuple(name for t in tables for name in t.satellite_names),
            first.site_names,
            np.concatenate([t.satellite + o for t, o in zip(tables, offsets, strict=True)]),
            np.concatenate([t.site for t in tables]),
            EventColumns.concatenate([t.rises for t in tables]),
            EventColumns.concatenate([t.culminations for t in tables]),
            EventColumns.concatenate([t.sets for t in tables]),
            np.concatenate([t.visible for t in tables]),
            np.concatenate([t.rise_clipped for t in tables]),
            np.concatenate([t.set_clipped for t in tables]),
            np.concatenate([t.element_age_days for t in tables]),
        )


@dataclass(frozen=True, slots=True, eq=False)
class PassSearch:
    """What a pass search returns: the passes, and the satellites it skipped with their reasons."""

    table: PassTable
    skipped: tuple[SkippedSatellite, ...]


@dataclass(frozen=True, slots=True, eq=False)
class PassGrid:
    """A time grid for the pass search of some element sets (``element_index``: positions in the input)."""

    element_index: IntArray
    grid: TimeGrid


def _utc(t0_utc: datetime, offset_s: float) -> datetime:
    return t0_utc + timedelta(microseconds=round(float(offset_s) * 1e6))


def pass_grid_step_s(mean_motion_rev_per_day: FloatArray, eccentricity: FloatArray) -> FloatArray:
    """The coarse grid step (s) of the pass search for orbits of these (Kozai) mean motions and eccentricity.

    :func:`longest_step_s`, rounded down to a value of :data:`GRID_STEPS_S` so that satellites share grids.
    """
    n = np.asarray(mean_motion_rev_per_day, dtype=np.float64) * 2.0 * np.pi / SECONDS_PER_DAY
    ladder = np.array(GRID_STEPS_S)
    index = np.searchsorted(
        ladder, longest_step_s(n, np.asarray(eccentricity, dtype=np.float64)), side="right"
    )
    result: FloatArray = ladder[np.clip(index - 1, 0, ladder.size - 1)]
    return result


def longest_step_s(mean_motion_rad_s: FloatArray, eccentricity: FloatArray) -> FloatArray:
    """The longest grid step (s) on which the pass search keeps its accuracy and its guarantee.

    At perigee the direction to the satellite turns at most w = n sqrt(1 + e) / (1 - e)^1.5 + omega_E
    rad/s (angular momentum over perigee radius squared, plus the Earth's rotation); cubic Hermite
    interpolation of such a motion at radius q errs by about q (w h)^4 / 384 (Burden and Faires, §3.4),
    times up to (1 + e)^2 near the perigee of an eccentric orbit (measured on the sample to e = 0.83), kept
    under :data:`HERMITE_TOLERANCE_KM` (0.001 deg of elevation seen from 300 km). The step is also at most
    1/:data:`MIN_STEPS_PER_ORBIT` of the period and :data:`MAX_GRID_STEP_S`.
    """
    n = np.asarray(mean_motion_rad_s, dtype=np.float64)
    e = np.clip(eccentricity, 0.0, 0.99)
    turn_rate = n * np.sqrt(1.0 + e) / (1.0 - e) ** 1.5 + EARTH_ROTATION_RAD_S
    perigee_km = (WGS84_MU_KM3_S2 / n**2) ** (1.0 / 3.0) * (1.0 - e)
    step = (384.0 * HERMITE_TOLERANCE_KM / (perigee_km * (1.0 + e) ** 2)) ** 0.25 / turn_rate
    result: FloatArray = np.minimum(np.minimum(step, 2.0 * np.pi / n / MIN_STEPS_PER_ORBIT), MAX_GRID_STEP_S)
    return result


def check_grid_steps(states: StateGrid, rows: IntArray) -> None:
    """Refuse a grid coarser than :func:`longest_step_s` allows for a satellite (osculating elements at
    the first instant, with 5 % room for their difference from the mean elements)."""
    r = states.r_itrs_km[rows, 0]
    v = states.v_itrs_km_s[rows, 0] + EARTH_ROTATION_RAD_S * np.stack(
        [-r[:, 1], r[:, 0], np.zeros(rows.size)], axis=1
    )
    radius = np.linalg.norm(r, axis=1)
    inverse_a = 2.0 / radius - np.einsum("ij,ij->i", v, v) / WGS84_MU_KM3_S2
    momentum2 = np.einsum("ij,ij->i", np.cross(r, v), np.cross(r, v))
    e = np.sqrt(np.maximum(1.0 - momentum2 / WGS84_MU_KM3_S2 * inverse_a, 0.0))
    n = np.sqrt(WGS84_MU_KM3_S2 * np.maximum(inverse_a, 1e-12) ** 3)
    allowed = STEP_ROOM * longest_step_s(n, e)
    step = float(np.diff(states.times.offsets_s).max())
    coarse = np.flatnonzero(allowed < step)
    if coarse.size:
        row = int(rows[coarse[0]])
        raise ValueError(
            f"the grid step of {step:g} s is coarser than the pass search allows for {coarse.size} "
            "satellite(s), "
            f"for example NORAD {int(states.norad_ids[row])} ({states.names[row]}): at most "
            f"{float(allowed[coarse[0]]):.0f} s; plan the grids with plan_pass_grids"
        )


def window_grid(start_utc: datetime, duration_s: float, step_s: float) -> TimeGrid:
    """Instants from ``start_utc`` every ``step_s`` seconds, the last one exactly at ``duration_s``."""
    _check_window(duration_s)
    count = max(math.ceil(duration_s / step_s), 1)
    offsets = np.minimum(np.arange(count + 1, dtype=np.float64) * step_s, duration_s)
    return TimeGrid(start_utc, offsets)


def plan_pass_grids(
    elements: Sequence[ElementSet], start_utc: datetime, duration_s: float
) -> tuple[PassGrid, ...]:
    """The element sets grouped by grid step (:func:`pass_grid_step_s`), each with its grid over the window.

    Propagate each group on its grid (chunk by chunk if need be) and give the states to
    :func:`find_passes`; :meth:`PassTable.concatenate` joins the results.
    """
    _check_window(duration_s)
    steps = pass_grid_step_s(
        np.array([e.mean_motion_rev_per_day for e in elements], dtype=np.float64),
        np.array([e.eccentricity for e in elements], dtype=np.float64),
    )
    return tuple(
        PassGrid(
            np.flatnonzero(steps == step).astype(np.int64), window_grid(start_utc, duration_s, float(step))
        )
        for step in np.unique(steps)[::-1]
    )


def _check_window(duration_s: float) -> None:
    if not math.isfinite(duration_s) or duration_s <= 0.0:
        raise ValueError(f"the time window has zero or negative length ({duration_s} s); it must be positive")


def _check_settings(states: StateGrid, min_elevation_deg: float, twilight_sun_elevation_deg: float) -> None:
    if not math.isfinite(min_elevation_deg) or not -90.0 < min_elevation_deg < 90.0:
        raise ValueError(f"minimum elevation {min_elevation_deg} deg must be between -90 and 90 (exclusive)")
    if not math.isfinite(twilight_sun_elevation_deg) or abs(twilight_sun_elevation_deg) > 90.0:
        raise ValueError(f"twilight Sun elevation {twilight_sun_elevation_deg} deg must be within -90..90")
    offsets = states.times.offsets_s
    if offsets.size < 2 or offsets[-1] <= offsets[0]:
        raise ValueError("the time window has zero or negative length: the grid needs two or more instants")
    if np.any(np.diff(offsets) <= 0.0):
        raise ValueError("the time grid's offsets must be strictly increasing")


def usable_satellites(states: StateGrid) -> tuple[IntArray, tuple[SkippedSatellite, ...]]:
    """Rows whose states are all valid, and the others with their first SGP4 (or diverged) error."""
    bad = (states.error_code != 0) | ~np.isfinite(states.r_itrs_km).all(axis=-1)
    bad |= ~np.isfinite(states.v_itrs_km_s).all(axis=-1)
    rows_bad = bad.any(axis=1)
    skipped = tuple(_skipped(states, int(i), bad[i]) for i in np.flatnonzero(rows_bad))
    return np.flatnonzero(~rows_bad).astype(np.int64), skipped


def _skipped(states: StateGrid, row: int, bad: BoolArray) -> SkippedSatellite:
    j = int(np.argmax(bad))
    code = int(states.error_code[row, j])
    reason = ERROR_MESSAGES.get(code, "state is not finite") if code else "state is not finite"
    return SkippedSatellite(
        int(states.norad_ids[row]),
        states.names[row],
        f"SGP4 error {code}: {reason}" if code else reason,
        states.times.utc(float(states.times.offsets_s[j])),
    )


def find_passes(
    states: StateGrid,
    sites: Sequence[Site] | SiteArray,
    *,
    min_elevation_deg: float = 10.0,
    twilight_sun_elevation_deg: float = -6.0,
    element_epochs_utc: Sequence[datetime] | None = None,
    sun: SunTrack | None = None,
) -> PassSearch:
    """Every pass of every satellite of ``states`` over every site, within the grid's time span.

    ``states`` must be on the grid of :func:`plan_pass_grids` or a finer one (a coarser one raises
    ValueError) and span the whole window for every satellite: chunk by satellites, not by time (with
    :func:`~orbitwatch.core.propagation.engine.iter_states`, ``max_states`` >= satellites x instants).
    Satellites with an SGP4 error or a non-finite state anywhere in the window are skipped and
    reported. ``element_epochs_utc`` (one per row of ``states``) adds the element-set age at
    culmination. ``sun`` is the Sun's track over the window (computed when not given). Results do not
    depend on how the satellites are split
    between calls, so chunks of a catalog can be searched in parallel processes (or on Dask) and joined
    with :meth:`PassTable.concatenate`; each call works in blocks of satellites to bound its memory.
    """
    _check_settings(states, min_elevation_deg, twilight_sun_elevation_deg)
    if element_epochs_utc is not None and len(element_epochs_utc) != states.count:
        raise ValueError(f"{len(element_epochs_utc)} element epochs given for {states.count} satellites")
    points = GroundPoints.from_sites(sites)
    rows, skipped = usable_satellites(states)
    check_grid_steps(states, rows)
    offsets = states.times.offsets_s
    track = sun or SunTrack.over(states.times.t0_utc, float(offsets[0]), float(offsets[-1]))
    lighting = _Lighting.of(track, offsets, points, twilight_sun_elevation_deg)
    ages = _epoch_offsets_s(states, element_epochs_utc)
    tables = []
    for first in range(0, rows.size, _SATELLITES_PER_BLOCK):
        block = rows[first : first + _SATELLITES_PER_BLOCK]
        search = BlockSearch.of(states, block, points, min_elevation_deg)
        tables.append(_table(states, search, search_block(search), lighting, ages))
    empty = _empty_table(states, points)
    table = PassTable.concatenate([empty, *tables]) if tables else empty
    return PassSearch(_as_rows_of(table, states), skipped)


def _epoch_offsets_s(states: StateGrid, epochs: Sequence[datetime] | None) -> FloatArray:
    """Element epochs as offsets (s) from the grid's t0, NaN when unknown."""
    if epochs is None:
        return np.full(states.count, np.nan)
    t0 = states.times.t0_utc
    return np.array([(e - t0).total_seconds() for e in epochs], dtype=np.float64)


def _empty_table(states: StateGrid, points: GroundPoints) -> PassTable:
    none_f, none_i, none_b = np.empty(0), np.empty(0, dtype=np.int64), np.empty(0, dtype=bool)
    columns = EventColumns(none_f, none_f, none_f, none_f)
    return PassTable(
        states.times.t0_utc, np.empty(0, dtype=np.int64), (), points.names, none_i, none_i,
        columns, columns, columns, none_b, none_b, none_b, none_f,
    )  # fmt: skip


def _as_rows_of(table: PassTable, states: StateGrid) -> PassTable:
    """The table re-indexed on the rows of ``states`` (its satellite indices are already rows)."""
    return PassTable(
        table.t0_utc,
        states.norad_ids,
        states.names,
        table.site_names,
        table.satellite,
        table.site,
        table.rises,
        table.culminations,
        table.sets,
        table.visible,
        table.rise_clipped,
        table.set_clipped,
        table.element_age_days,
    )


@dataclass(frozen=True, slots=True, eq=False)
class _Lighting:
    """The Sun over a search: its track, its ITRS position at the grid instants (3, M), the site-dark
    margin (deg) at every (site, grid instant), (K, M), and the twilight angle."""

    sun: SunTrack
    sun_grid_km: FloatArray
    dark_grid_deg: FloatArray
    twilight_deg: float

    @classmethod
    def of(
        cls, sun: SunTrack, offsets_s: FloatArray, points: GroundPoints, twilight_deg: float
    ) -> "_Lighting":
        sun_grid = sun.position(offsets_s)
        m = offsets_s.size
        site = np.repeat(np.arange(points.size, dtype=np.int64), m)
        elevation = sun_elevation_at_deg(np.tile(sun_grid, points.size), points, site)
        return cls(sun, sun_grid, twilight_deg - elevation.reshape(points.size, m), twilight_deg)

    def at_events(self, search: BlockSearch, event: EventSet) -> tuple[FloatArray, FloatArray]:
        """Sunlit margin (exact) and site-dark margin (interpolated between grid instants) at events."""
        r = event.rho_km + search.points.position(event.site)
        lit = sunlit_margin_deg(r, self.sun.position(event.t_s))
        offsets = search.offsets_s
        weight = (event.t_s - offsets[event.grid]) / (offsets[event.grid + 1] - offsets[event.grid])
        flat = event.site * offsets.size + event.grid
        dark_left = np.take(self.dark_grid_deg, flat)
        return lit, dark_left + weight * (np.take(self.dark_grid_deg, flat + 1) - dark_left)


def _table(
    states: StateGrid,
    search: BlockSearch,
    events: PassEvents,
    lighting: _Lighting,
    epoch_offsets_s: FloatArray,
) -> PassTable:
    """The block's passes as a table whose satellite indices are rows of ``states``."""
    triple = (events.rise, events.culmination, events.set)
    sin_mask = search.sin_mask
    looks = [
        EventColumns(e.t_s, *look_angles(e.rho_km, e.f + sin_mask, search.points, e.site)) for e in triple
    ]
    visible = _visible(search, events, lighting)
    rows = search.rows[events.satellite]
    ages = (looks[1].t_s - epoch_offsets_s[rows]) / SECONDS_PER_DAY
    return PassTable(
        states.times.t0_utc,
        np.empty(0, dtype=np.int64),
        (),
        search.points.names,
        rows,
        events.site,
        looks[0],
        looks[1],
        looks[2],
        visible,
        events.rise_clipped,
        events.set_clipped,
        ages,
    )


def _visible(search: BlockSearch, events: PassEvents, lighting: _Lighting) -> BoolArray:
    """Whether the satellite is sunlit while the site is dark at some instant of each pass (module doc).

    Decided on samples in time order, both conditions interpolated linearly between neighbours: the
    rise, culmination and set; and for passes longer than :data:`LONG_PASS_S`, every grid instant too.
    """
    samples = [lighting.at_events(search, e) for e in (events.rise, events.culmination, events.set)]
    lit, dark = (np.stack([sample[k] for sample in samples], axis=1) for k in (0, 1))
    visible = _any_overlap(lit, dark)
    long = np.flatnonzero(events.set.t_s - events.rise.t_s > LONG_PASS_S)
    if long.size:
        visible[long] |= _visible_on_grid(search, events, lighting, long)
    return visible


def _any_overlap(lit: FloatArray, dark: FloatArray) -> BoolArray:
    """Per row of samples (P, S): both margins >= 0 at a sample, or their linear interpolants overlap."""
    both = np.any((lit >= 0.0) & (dark >= 0.0), axis=1)
    lo_lit, hi_lit = _linear_support(lit[:, :-1], lit[:, 1:])
    lo_dark, hi_dark = _linear_support(dark[:, :-1], dark[:, 1:])
    result: BoolArray = both | np.any(np.maximum(lo_lit, lo_dark) <= np.minimum(hi_lit, hi_dark), axis=1)
    return result


def _visible_on_grid(
    search: BlockSearch, events: PassEvents, lighting: _Lighting, passes: IntArray
) -> BoolArray:
    """For long passes: the same decision on the rise, every grid instant inside the pass, and the set."""
    m = search.instants
    rise, end = events.rise.take(passes), events.set.take(passes)
    row, grid = grid_between(rise, end, search.offsets_s)
    inside = np.bincount(row, minlength=passes.size)
    width = int(inside.max(initial=0)) + 2
    lit, dark = np.full((passes.size, width), -1.0), np.full((passes.size, width), -1.0)
    lit[:, 0], dark[:, 0] = lighting.at_events(search, rise)
    column = np.arange(row.size) - (np.cumsum(inside) - inside)[row] + 1
    satellite = events.satellite[passes][row]
    lit[row, column] = np.take(_lit_grid(search, lighting), satellite * m + grid)
    dark[row, column] = np.take(lighting.dark_grid_deg, events.site[passes][row] * m + grid)
    last_lit, last_dark = lighting.at_events(search, end)
    after = np.arange(width)[None, :] > inside[:, None]  # the set, repeated to the end of the row
    lit = np.where(after, last_lit[:, None], lit)
    dark = np.where(after, last_dark[:, None], dark)
    return _any_overlap(lit, dark)


def _lit_grid(search: BlockSearch, lighting: _Lighting) -> FloatArray:
    """Sunlit margin (deg) of every satellite of the block at every grid instant, flat (n M,)."""
    return sunlit_margin_deg(search.r_km, np.tile(lighting.sun_grid_km, search.rows.size))


def _linear_support(g_a: FloatArray, g_b: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Where (as a fraction of [a, b]) the linear interpolant of g is >= 0: [lo, hi], empty when lo > hi."""
    with np.errstate(divide="ignore", invalid="ignore"):
        crossing = np.clip(np.nan_to_num(g_a / (g_a - g_b), nan=0.0), 0.0, 1.0)
    lo = np.where(g_a >= 0.0, 0.0, np.where(g_b >= 0.0, crossing, 1.0))
    hi = np.where(g_b >= 0.0, 1.0, np.where(g_a >= 0.0, crossing, 0.0))
    return lo, hi
