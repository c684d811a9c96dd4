"""Imaging opportunities: when a sensor's field of regard holds a site or any part of a region.

A sensor (:class:`SensorModel`) can point up to ``max_off_nadir_deg`` from its geocentric nadir (its
field of regard; Wertz, Space Mission Engineering: The New SMAD, 2011, §8.3.1) at targets that see it
above their horizon (at least ``min_elevation_deg`` when set: the line of sight must clear the Earth,
which the off-nadir angle alone does not say), and -- an optical sensor --
only while the Sun is at least ``min_sun_elevation_deg`` above the target's horizon (a SAR has no such
limit). An opportunity is a maximal interval in which all of these hold: the composite detector
``OffNadirBelow & ElevationAbove & TargetSunAbove`` of :mod:`orbitwatch.core.events.detectors`.

Method, per satellite and ground point:

1. screening (:mod:`orbitwatch.core.events.screening`): every grid instant within half a step of an
   instant at which the point is inside the field of regard is flagged, by the exact off-nadir cap
   (and elevation cap, when a minimum elevation is set) widened by the motion over half a step;
2. each flagged window is sampled every :data:`SAMPLES_PER_STEP`-th of the grid step (2 s for a low
   orbit) on the cubic Hermite curve of the grid's states, the composite condition evaluated there,
   its changes of sign refined by bisection to 0.05 s, and the smallest off-nadir angle located by
   golden-section search. An opportunity shorter than a sample step (one that grazes the edge of the
   field of regard) may be missed.

The samples of step 2 are evaluated only where they can matter, and a bounded number at a time; the
result is the same as evaluating every one (the same runs, brackets and minima, so the same
opportunities). A window is first sampled every :data:`SAMPLES_PER_STEP`-th sample (about once per grid
step), then its gaps are narrowed (strides :data:`COARSE_STRIDES`) only where their samples could
differ from their ends. On the Hermite curves each g is Lipschitz: on a grid interval of length h the
curve's speed is at most S = (|c1| + 2 |c2| + 3 |c3|) / h and its radius at least R = (|r0| + |r1| - S h)
/ 2, so the off-nadir angle turns at most S / R + S / rho rad/s and the elevation at most S / rho (rho =
R minus the largest target radius), and the Sun's elevation at most the Sun track's speed over its
distance; L is the largest. A gap whose end values satisfy g_a + g_b > L (t_b - t_a) (both in) or
-(g_a + g_b) > L (t_b - t_a) (both out) holds samples of that sign only; a gap inside a run whose
bound (a_a + a_b - L' (t_b - t_a)) / 2 on the off-nadir angle exceeds the run's smallest sampled angle
holds no smaller one (both with 1e-5 deg for rounding). A GEO satellite over a region all day then
costs a few hundred samples per boundary point instead of 7,200. Windows are taken in chunks of at
most :data:`SAMPLES_PER_CHUNK` samples, and edges and minima are refined over all runs at once
(evaluated in slices), so memory is bounded by the chunk, not by windows times targets.

A **region** counts as seen when any part of it is in the field of regard with the constraints met.
Its boundary is densified (points at most ``boundary_spacing_km`` apart along every ring) and every
point searched as a site; a footprint that overlaps the region either holds a boundary point or lies
wholly inside it, and then the nadir is inside the region, which is tested on the samples directly
(:func:`orbitwatch.core.targets.contains`, with the Sun limit at the nadir; those intervals are
resolved to a sample step). The region's opportunities are the union of all these intervals.
Tolerance: a footprint can overlap the region between two boundary points by at most s^2 / (8 rho)
(s the spacing, rho the footprint's radius): 2 m for 2 km points and a 250 km footprint.
"""

import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
from numpy.typing import NDArray

from orbitwatch.core.constants import SECONDS_PER_DAY
from orbitwatch.core.events.detectors import (
    AllOf,
    Detector,
    ElevationAbove,
    GroundPoints,
    OffNadirBelow,
    Sample,
    SunTrack,
    TargetSunAbove,
    dot3,
    norm3,
    off_nadir_deg,
    off_nadir_from,
    sun_elevation_at_deg,
)
from orbitwatch.core.events.passes import SkippedSatellite, check_grid_steps, usable_satellites
from orbitwatch.core.events.screening import (
    CapFunction,
    MotionBounds,
    Windows,
    candidate_windows,
    cap_cosines,
    elevation_cap_rad,
    half_widths_s,
    off_nadir_cap_rad,
)
from orbitwatch.core.events.search import HermiteSegments, bisect_crossings, expand_ranges, golden_minimum
from orbitwatch.core.frames.geodesy import SiteArray, geodetic_from_itrs, itrs_from_geodetic
from orbitwatch.core.propagation.states import StateGrid
from orbitwatch.core.targets import Region, Site, contains, region_boundary_points

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]
TimeFunction = Callable[[IntArray | None, FloatArray], FloatArray]

SAMPLES_PER_STEP = 50
BOUNDARY_SPACING_KM = 2.0
EDGE_TOLERANCE_S = 0.05
SAMPLES_PER_CHUNK = 400_000
"""Samples of candidate windows evaluated at once (a window longer than this is taken alone); also the
slice size of every refinement: about 150 MB of working arrays."""
COARSE_STRIDES = (SAMPLES_PER_STEP, 10, 1)
"""Strides (in samples) of the first sampling of a window and of each narrowing of its gaps; ends at 1."""
_MIN_SAMPLE_STEP_S = 1.0
_ROUNDING_DEG = 1e-5


@dataclass(frozen=True, slots=True)
class SensorModel:
    """What a sensor can image: its field of regard, and optional elevation and Sun limits at the target.

    ``max_off_nadir_deg`` in (0, 90); ``min_elevation_deg`` in [-90, 90) or None; ``min_sun_elevation_deg``
    in [-90, 90] or None (no lighting limit, as for a SAR).
    """

    max_off_nadir_deg: float
    min_elevation_deg: float | None = None
    min_sun_elevation_deg: float | None = None
    name: str = ""

    def __post_init__(self) -> None:
        if not math.isfinite(self.max_off_nadir_deg) or not 0.0 < self.max_off_nadir_deg < 90.0:
            raise ValueError(f"maximum off-nadir angle {self.max_off_nadir_deg} deg must be in (0, 90)")
        if self.min_elevation_deg is not None and not -90.0 <= self.min_elevation_deg < 90.0:
            raise ValueError(f"minimum elevation {self.min_elevation_deg} deg must be in [-90, 90)")
        if self.min_sun_elevation_deg is not None and not -90.0 <= self.min_sun_elevation_deg <= 90.0:
            raise ValueError(f"minimum Sun elevation {self.min_sun_elevation_deg} deg must be in [-90, 90]")

    @property
    def elevation_limit_deg(self) -> float:
        """The lowest elevation of the satellite seen from the target: the set minimum, else the horizon."""
        return 0.0 if self.min_elevation_deg is None else self.min_elevation_deg

    @classmethod
    def optical(cls, max_off_nadir_deg: float = 30.0, min_sun_elevation_deg: float = 10.0) -> "SensorModel":
        """An optical imager: daylight at the target (the Sun at least ``min_sun_elevation_deg`` high)."""
        return cls(max_off_nadir_deg, None, min_sun_elevation_deg, "optical")

    @classmethod
    def sar(cls, max_off_nadir_deg: float = 45.0) -> "SensorModel":
        """A synthetic-aperture radar: no lighting limit."""
        return cls(max_off_nadir_deg, None, None, "SAR")

    def detector(self) -> Detector:
        """The composite condition: off-nadir AND elevation (at least 0: the line of sight clears the
        Earth) AND Sun, as set."""
        members: list[Detector] = [
            OffNadirBelow(self.max_off_nadir_deg),
            ElevationAbove(self.elevation_limit_deg),
        ]
        if self.min_sun_elevation_deg is not None:
            members.append(TargetSunAbove(self.min_sun_elevation_deg))
        return AllOf(tuple(members))


@dataclass(frozen=True, slots=True)
class Opportunity:
    """One window in which a satellite can image a target (times UTC; angles deg; distances km).

    ``best_utc`` is the instant of the smallest off-nadir angle to the target (``min_off_nadir_deg``);
    then ``ground_range_km`` is the distance along the ground (the sphere through the target point)
    from the nadir to the best point of the target, ``elevation_deg`` the satellite's elevation there
    and ``sun_elevation_deg`` the Sun's. ``start_clipped`` / ``end_clipped``: the window was already
    open at the search's first instant / still open at its last. ``element_age_days``: age of the
    element set at ``best_utc`` when the search was given the epochs.
    """

    norad_id: int
    name: str
    target: str
    start_utc: datetime
    best_utc: datetime
    end_utc: datetime
    min_off_nadir_deg: float
    ground_range_km: float
    elevation_deg: float
    sun_elevation_deg: float
    start_clipped: bool
    end_clipped: bool
    element_age_days: float | None

    @property
    def duration_s(self) -> float:
        """Length of the window (s)."""
        return (self.end_utc - self.start_utc).total_seconds()


@dataclass(frozen=True, slots=True, eq=False)
class OpportunitySearch:
    """The opportunities found (by start time), and the satellites skipped with their reasons."""

    opportunities: tuple[Opportunity, ...]
    skipped: tuple[SkippedSatellite, ...]


@dataclass(frozen=True, slots=True, eq=False)
class _Targets:
    """All targets as ground points: ``owner[k]`` is the target of point k; the regions, for the interior."""

    names: tuple[str, ...]
    points: GroundPoints
    owner: IntArray
    regions: tuple[Region | None, ...]

    @classmethod
    def of(cls, targets: Sequence[Site | Region], spacing_km: float) -> "_Targets":
        lat, lon, alt, owner = [], [], [], []
        for index, target in enumerate(targets):
            if isinstance(target, Region):
                lat_k, lon_k = region_boundary_points(target, spacing_km)
                alt_k = np.zeros_like(lat_k)
            else:
                lat_k, lon_k, alt_k = (
                    np.array([v]) for v in (target.lat_deg, target.lon_deg, target.alt_m / 1e3)
                )
            lat.append(lat_k)
            lon.append(lon_k)
            alt.append(alt_k)
            owner.append(np.full(lat_k.size, index, dtype=np.int64))
        sites = SiteArray.from_geodetic(np.concatenate(lat), np.concatenate(lon), np.concatenate(alt))
        regions = tuple(t if isinstance(t, Region) else None for t in targets)
        return cls(
            tuple(t.name for t in targets), GroundPoints.from_sites(sites), np.concatenate(owner), regions
        )


@dataclass(frozen=True, slots=True, eq=False)
class _Intervals:
    """Windows of (satellite, target): block satellite, target, start, end (offsets, s), whether they
    touch the grid's ends, the best instant, the off-nadir angle then and the best point (ITRS km, (3, P))."""

    satellite: IntArray
    target: IntArray
    start_s: FloatArray
    end_s: FloatArray
    start_clipped: BoolArray
    end_clipped: BoolArray
    best_s: FloatArray
    off_nadir_deg: FloatArray
    point_km: FloatArray

    def take(self, index: IntArray) -> "_Intervals":
        return _Intervals(
            self.satellite[index],
            self.target[index],
            self.start_s[index],
            self.end_s[index],
            self.start_clipped[index],
            self.end_clipped[index],
            self.best_s[index],
            self.off_nadir_deg[index],
            self.point_km[:, index],
        )

    @classmethod
    def empty(cls) -> "_Intervals":
        none_i, none_f, none_b = np.zeros(0, np.int64), np.zeros(0), np.zeros(0, np.bool_)
        return cls(none_i, none_i, none_f, none_f, none_b, none_b, none_f, none_f, np.zeros((3, 0)))

    @classmethod
    def concatenate(cls, parts: list["_Intervals"]) -> "_Intervals":
        return cls(
            np.concatenate([p.satellite for p in parts]),
            np.concatenate([p.target for p in parts]),
            np.concatenate([p.start_s for p in parts]),
            np.concatenate([p.end_s for p in parts]),
            np.concatenate([p.start_clipped for p in parts]),
            np.concatenate([p.end_clipped for p in parts]),
            np.concatenate([p.best_s for p in parts]),
            np.concatenate([p.off_nadir_deg for p in parts]),
            np.concatenate([p.point_km.reshape(3, -1) for p in parts], axis=1),
        )


@dataclass(frozen=True, slots=True, eq=False)
class _Plan:
    """Windows with their sampling: window w has ``count[w]`` samples, sample i at
    min(start + i step, end) (offsets, s), both ends included."""

    windows: Windows
    start_s: FloatArray
    end_s: FloatArray
    step_s: FloatArray
    count: IntArray

    @classmethod
    def of(cls, windows: Windows, offsets_s: FloatArray) -> "_Plan":
        """Every grid step / SAMPLES_PER_STEP (at least 1 s) over each window's grid span."""
        start, end = offsets_s[windows.first], offsets_s[windows.last]
        spans = np.maximum(windows.last - windows.first, 1)
        step = np.maximum((end - start) / spans / SAMPLES_PER_STEP, _MIN_SAMPLE_STEP_S)
        count = np.ceil((end - start) / step).astype(np.int64) + 1
        return cls(windows, start, end, step, count)

    def chunks(self, budget: int) -> Iterator["_Plan"]:
        """Consecutive windows of at most ``budget`` samples in all (a longer window alone), in order."""
        total = np.cumsum(self.count)
        begin = 0
        while begin < self.count.size:
            base = int(total[begin - 1]) if begin else 0
            stop = max(int(np.searchsorted(total, base + budget, side="right")), begin + 1)
            part = slice(begin, stop)
            w = self.windows
            yield _Plan(
                Windows(w.point[part], w.satellite[part], w.first[part], w.last[part]),
                self.start_s[part],
                self.end_s[part],
                self.step_s[part],
                self.count[part],
            )
            begin = stop

    def t_at(self, window: IntArray, index: IntArray) -> FloatArray:
        """Offsets (s) of samples ``index`` of windows ``window``."""
        result: FloatArray = np.minimum(
            self.start_s[window] + index * self.step_s[window], self.end_s[window]
        )
        return result


@dataclass(frozen=True, slots=True, eq=False)
class _Evaluated:
    """Samples evaluated in a chunk, in order of window then sample index: offset (s), the composite
    condition g and the off-nadir angle (deg)."""

    window: IntArray
    index: IntArray
    t_s: FloatArray
    g_deg: FloatArray
    off_nadir_deg: FloatArray

    def merged(self, other: "_Evaluated") -> "_Evaluated":
        """Both sets of samples, in order (they never share a sample)."""
        window = np.concatenate([self.window, other.window])
        index = np.concatenate([self.index, other.index])
        order = np.lexsort((index, window))
        return _Evaluated(
            window[order],
            index[order],
            np.concatenate([self.t_s, other.t_s])[order],
            np.concatenate([self.g_deg, other.g_deg])[order],
            np.concatenate([self.off_nadir_deg, other.off_nadir_deg])[order],
        )

    def gaps(self) -> IntArray:
        """Positions a whose next sample a + 1 is in the same window but not the next sample index."""
        same = self.window[1:] == self.window[:-1]
        return np.flatnonzero(same & (self.index[1:] - self.index[:-1] > 1)).astype(np.int64)

    def runs(self) -> tuple[IntArray, IntArray]:
        """First and last position of every run of g >= 0 within a window."""
        ok = self.g_deg >= 0.0
        same = self.window[1:] == self.window[:-1]
        begins = ok & ~np.concatenate([[False], ok[:-1] & same])
        ends = ok & ~np.concatenate([ok[1:] & same, [False]])
        return np.flatnonzero(begins).astype(np.int64), np.flatnonzero(ends).astype(np.int64)

    def outer_t(self, at: IntArray, step: int) -> FloatArray:
        """Offset of the sample before (step -1) or after (+1) each of ``at`` in its window; NaN if none."""
        other = at + step
        valid = (other >= 0) & (other < self.t_s.size)
        valid[valid] &= self.window[other[valid]] == self.window[at[valid]]
        return np.where(valid, self.t_s[np.clip(other, 0, max(self.t_s.size - 1, 0))], np.nan)


@dataclass(frozen=True, slots=True, eq=False)
class _Runs:
    """Runs of samples at which the condition holds, one row per run: block satellite, ground point,
    offsets (s) of the first and last samples and of the samples just outside them (NaN where the run
    reaches its window's end: clipped), of the sample of the smallest off-nadir angle, and the
    window's sampling step (s)."""

    satellite: IntArray
    point: IntArray
    first_s: FloatArray
    before_s: FloatArray
    last_s: FloatArray
    after_s: FloatArray
    lowest_s: FloatArray
    step_s: FloatArray

    @classmethod
    def concatenate(cls, parts: list["_Runs"]) -> "_Runs":
        return cls(*(np.concatenate([getattr(p, name) for p in parts]) for name in cls.__slots__))

    @classmethod
    def empty(cls) -> "_Runs":
        none_i, none_f = np.zeros(0, np.int64), np.zeros(0)
        return cls(none_i, none_i, none_f, none_f, none_f, none_f, none_f, none_f)


def find_opportunities(
    states: StateGrid,
    targets: Sequence[Site | Region],
    sensor: SensorModel,
    *,
    boundary_spacing_km: float = BOUNDARY_SPACING_KM,
    element_epochs_utc: Sequence[datetime] | None = None,
    sun: SunTrack | None = None,
    max_samples: int = SAMPLES_PER_CHUNK,
) -> OpportunitySearch:
    """Every window in which each satellite of ``states`` can image each target under ``sensor``.

    ``states`` on the grids of :func:`~orbitwatch.core.events.passes.plan_pass_grids` (or finer);
    satellites with SGP4 errors are skipped and reported. ``element_epochs_utc`` (one per row) adds the
    element age at the best instant. Results for a satellite do not depend on the others, nor on
    ``max_samples``, the number of window samples held at once (memory: about 400 bytes each).
    """
    if max_samples < 1:
        raise ValueError(f"max_samples must be at least 1, got {max_samples}")
    if not targets:
        raise ValueError("no targets given: at least one site or region is needed")
    if element_epochs_utc is not None and len(element_epochs_utc) != states.count:
        raise ValueError(f"{len(element_epochs_utc)} element epochs given for {states.count} satellites")
    offsets = states.times.offsets_s
    if offsets.size < 2 or offsets[-1] <= offsets[0]:
        raise ValueError("the time window has zero or negative length: the grid needs two or more instants")
    rows, skipped = usable_satellites(states)
    if rows.size == 0:
        return OpportunitySearch((), skipped)
    check_grid_steps(states, rows)
    track = sun or SunTrack.over(states.times.t0_utc, float(offsets[0]), float(offsets[-1]))
    field = _Field.of(states, rows, _Targets.of(targets, boundary_spacing_km), sensor, track)
    regions = enumerate(field.targets.regions)
    parts = [field.point_intervals(max_samples)]
    parts += [field.interior_intervals(i, region, max_samples) for i, region in regions if region]
    found = _Intervals.concatenate(parts)
    opportunities = field.opportunities(_merged(found), element_epochs_utc) if found.start_s.size else ()
    return OpportunitySearch(opportunities, skipped)


@dataclass(frozen=True, slots=True, eq=False)
class _Field:
    """The usable satellites' states (component-major (3, n M)), motion bounds, targets, sensor and Sun."""

    states: StateGrid
    rows: IntArray
    r_km: FloatArray
    v_km_s: FloatArray
    bounds: MotionBounds
    targets: _Targets
    sensor: SensorModel
    sun: SunTrack

    @classmethod
    def of(
        cls, states: StateGrid, rows: IntArray, targets: _Targets, sensor: SensorModel, sun: SunTrack
    ) -> "_Field":
        r = np.ascontiguousarray(np.moveaxis(states.r_itrs_km[rows], -1, 0))
        v = np.ascontiguousarray(np.moveaxis(states.v_itrs_km_s[rows], -1, 0))
        bounds = MotionBounds.of_states(r, v)
        return cls(states, rows, r.reshape(3, -1), v.reshape(3, -1), bounds, targets, sensor, sun)

    @property
    def offsets_s(self) -> FloatArray:
        return np.asarray(self.states.times.offsets_s, dtype=np.float64)

    def screen(self, unit: FloatArray, cap: CapFunction) -> Windows:
        """Candidate windows of every satellite and point of geocentric direction ``unit`` (K, 3)."""
        r = self.r_km.reshape(3, self.rows.size, -1)
        radius = np.sqrt(np.einsum("inm,inm->nm", r, r))
        return candidate_windows(
            r, cap_cosines(radius, self.bounds, half_widths_s(self.offsets_s), cap), unit
        )

    def field_of_regard(self, radius_km: FloatArray) -> FloatArray:
        """The Earth central angle (rad) of the field of regard, within the elevation limit when set."""
        points = self.targets.points
        site_radius = float(np.linalg.norm(points.sites.r_itrs_km, axis=1).min())
        angle = off_nadir_cap_rad(radius_km, site_radius, math.radians(self.sensor.max_off_nadir_deg))
        lowest = math.radians(self.sensor.elevation_limit_deg) - float(points.geodetic_offset_rad.max())
        return np.minimum(angle, elevation_cap_rad(radius_km, site_radius, lowest))

    def states_at(self, satellite: IntArray, t_s: FloatArray) -> tuple[FloatArray, FloatArray]:
        """ITRS states (3, P) of block satellites at offsets, from the Hermite curves of the grid."""
        offsets = self.offsets_s
        grid = np.clip(np.searchsorted(offsets, t_s, side="right") - 1, 0, offsets.size - 2)
        flat = satellite * offsets.size + grid
        curves = HermiteSegments.from_states(
            offsets[grid],
            offsets[grid + 1],
            np.take(self.r_km, flat, axis=1),
            np.take(self.v_km_s, flat, axis=1),
            np.take(self.r_km, flat + 1, axis=1),
            np.take(self.v_km_s, flat + 1, axis=1),
        )
        return curves.state(None, t_s)

    def condition(self, satellite: IntArray, point: IntArray) -> TimeFunction:
        """The sensor's composite condition (deg) as a function of time for fixed (satellite, point) pairs,
        evaluated in slices of :data:`SAMPLES_PER_CHUNK`."""
        detector = self.sensor.detector()

        def g(index: IntArray | None, t_s: FloatArray) -> FloatArray:
            def part(k: slice) -> FloatArray:
                r, v = self.states_at(satellite[k], t_s[k])
                sun = self.sun.position(t_s[k])
                return detector.g(Sample(t_s[k], r, v, point[k], self.targets.points, sun))

            return _sliced(part, t_s.size)

        return g

    def evaluate(self, plan: _Plan, window: IntArray, index: IntArray) -> _Evaluated:
        """The composite condition and the off-nadir angle at samples ``index`` of windows ``window``."""
        t = plan.t_at(window, index)
        r, v = self.states_at(plan.windows.satellite[window], t)
        sample = Sample(t, r, v, plan.windows.point[window], self.targets.points, self.sun.position(t))
        return _Evaluated(window, index, t, self.sensor.detector().g(sample), off_nadir_deg(sample))

    def rates(self, plan: _Plan) -> tuple[FloatArray, FloatArray]:
        """Per window, bounds (deg/s) on how fast the composite condition and the off-nadir angle change on
        its Hermite curves (module docstring); infinite where a curve may come within 1 km of a target."""
        offsets = self.offsets_s
        m = offsets.size
        r = self.r_km.reshape(3, self.rows.size, m)
        v = self.v_km_s.reshape(3, self.rows.size, m)
        length = np.diff(offsets)
        m0, m1 = v[:, :, :-1] * length, v[:, :, 1:] * length
        chord = r[:, :, 1:] - r[:, :, :-1]
        c2, c3 = 3.0 * chord - 2.0 * m0 - m1, -2.0 * chord + m0 + m1
        del chord
        norm = np.sqrt(np.einsum("inm,inm->nm", m0, m0))
        norm += 2.0 * np.sqrt(np.einsum("inm,inm->nm", c2, c2)) + 3.0 * np.sqrt(
            np.einsum("inm,inm->nm", c3, c3)
        )
        del m0, m1, c2, c3
        radius = np.sqrt(np.einsum("inm,inm->nm", r, r))
        speed = norm / length
        lowest = 0.5 * (radius[:, :-1] + radius[:, 1:] - norm)
        site_radius = float(norm3(self.targets.points.r_km).max())
        with np.errstate(divide="ignore", invalid="ignore"):
            turn = np.where(
                lowest - site_radius > 1.0, speed / lowest + speed / (lowest - site_radius), np.inf
            )
        w = plan.windows
        curves = np.append(np.degrees(turn).ravel(), 0.0)
        edges = np.stack([w.satellite * (m - 1) + w.first, w.satellite * (m - 1) + w.last], axis=1).ravel()
        off_nadir_rate = np.maximum.reduceat(curves, edges)[::2] if edges.size else np.zeros(0)
        if self.sensor.min_sun_elevation_deg is None:
            return off_nadir_rate, off_nadir_rate
        return np.maximum(off_nadir_rate, self._sun_rate_deg_s()), off_nadir_rate

    def _sun_rate_deg_s(self) -> float:
        """A bound (deg/s) on the rate of the Sun's elevation at any target, on the Sun's track."""
        sun = self.sun.sun_itrs_km
        speed = norm3(np.diff(sun, axis=1)) / np.diff(self.sun.offsets_s)
        distance = 0.99 * float(norm3(sun).min()) - float(norm3(self.targets.points.r_km).max())
        return math.degrees(float(speed.max()) / distance)

    def point_runs(self, plan: _Plan) -> _Runs:
        """The runs of the condition in a chunk of windows, with the sample of the smallest off-nadir angle
        of each; the same as sampling every window densely (module docstring), evaluated sparsely."""
        rate_g, rate_on = self.rates(plan)
        n_first = (plan.count - 1 + COARSE_STRIDES[0] - 1) // COARSE_STRIDES[0] + 1
        k, window = expand_ranges(np.zeros(plan.count.size, dtype=np.int64), n_first - 1)
        done = self.evaluate(plan, window, np.minimum(k * COARSE_STRIDES[0], plan.count[window] - 1))

        def one_sign(s: _Evaluated, a: IntArray) -> BoolArray:
            g_a, g_b = s.g_deg[a], s.g_deg[a + 1]
            drop = rate_g[s.window[a]] * (s.t_s[a + 1] - s.t_s[a]) + 2.0 * _ROUNDING_DEG
            inside = (g_a >= 0.0) & (g_b >= 0.0) & (g_a + g_b > drop)
            result: BoolArray = inside | ((g_a < 0.0) & (g_b < 0.0) & (-(g_a + g_b) > drop))
            return result

        def no_lower(s: _Evaluated, a: IntArray) -> BoolArray:
            first, last = s.runs()
            lowest = np.full(s.t_s.size, np.inf)
            if first.size:
                members, run = expand_ranges(first, last)
                lowest[members] = np.minimum.reduceat(
                    np.where(s.g_deg >= 0.0, s.off_nadir_deg, np.inf), first
                )[run]
            drop = rate_on[s.window[a]] * (s.t_s[a + 1] - s.t_s[a])
            bound = 0.5 * (s.off_nadir_deg[a] + s.off_nadir_deg[a + 1] - drop)
            result: BoolArray = (s.g_deg[a] < 0.0) | (bound > lowest[a] + _ROUNDING_DEG)
            return result

        for settled in (one_sign, no_lower):
            for stride in COARSE_STRIDES[1:]:
                gaps = done.gaps()
                gaps = gaps[~settled(done, gaps)]
                if gaps.size == 0:
                    continue
                count = (done.index[gaps + 1] - done.index[gaps] - 1) // stride
                k, gap = expand_ranges(np.ones(gaps.size, dtype=np.int64), count)
                index = done.index[gaps[gap]] + k * stride
                done = done.merged(self.evaluate(plan, done.window[gaps[gap]], index))
        return self._runs_of(plan, done)

    def _runs_of(self, plan: _Plan, s: _Evaluated) -> _Runs:
        first, last = s.runs()
        members, run = expand_ranges(first, last)
        order = np.lexsort((s.off_nadir_deg[members], run))
        lowest = members[order[np.flatnonzero(np.diff(run[order], prepend=-1) != 0)]]
        window = s.window[first]
        return _Runs(
            plan.windows.satellite[window],
            plan.windows.point[window],
            s.t_s[first],
            s.outer_t(first, -1),
            s.t_s[last],
            s.outer_t(last, 1),
            s.t_s[lowest],
            plan.step_s[window],
        )

    def point_intervals(self, max_samples: int) -> _Intervals:
        """Opportunity intervals of every satellite and ground point."""
        points = self.targets.points
        plan = _Plan.of(self.screen(points.unit_itrs, self.field_of_regard), self.offsets_s)
        parts = [self.point_runs(chunk) for chunk in plan.chunks(max_samples)]
        runs = _Runs.concatenate(parts) if parts else _Runs.empty()
        start, start_clipped = self._edge(runs, rising=True)
        end, end_clipped = self._edge(runs, rising=False)
        best, off_nadir = self._best(runs, start, end)
        return _Intervals(
            runs.satellite,
            self.targets.owner[runs.point],
            start,
            end,
            start_clipped,
            end_clipped,
            best,
            off_nadir,
            points.position(runs.point),
        )

    def _edge(self, runs: _Runs, *, rising: bool) -> tuple[FloatArray, BoolArray]:
        """The run ends refined against the samples just outside them; clipped where there is none."""
        inner_s, outer_s = (runs.first_s, runs.before_s) if rising else (runs.last_s, runs.after_s)
        clipped = np.isnan(outer_s)
        t = inner_s.copy()
        refine = np.flatnonzero(~clipped)
        g = self.condition(runs.satellite[refine], runs.point[refine])
        inner, other = inner_s[refine], outer_s[refine]
        lo, hi = (other, inner) if rising else (inner, other)
        t[refine] = bisect_crossings(g, lo, hi, np.full(refine.size, rising), tolerance_s=EDGE_TOLERANCE_S)
        return t, clipped

    def _best(self, runs: _Runs, start: FloatArray, end: FloatArray) -> tuple[FloatArray, FloatArray]:
        """The instant of the smallest off-nadir angle in each run, and that angle."""
        target_km = self.targets.points.position(runs.point)

        def h(index: IntArray | None, t_s: FloatArray) -> FloatArray:
            def part(k: slice) -> FloatArray:
                return off_nadir_from(self.states_at(runs.satellite[k], t_s[k])[0], target_km[:, k])

            return _sliced(part, t_s.size)

        lo = np.maximum(runs.lowest_s - runs.step_s, start)
        hi = np.maximum(np.minimum(runs.lowest_s + runs.step_s, end), lo)
        best = golden_minimum(h, lo, hi, tolerance_s=EDGE_TOLERANCE_S)
        return best, h(None, best)

    def interior_intervals(self, index: int, region: Region, max_samples: int) -> _Intervals:
        """Intervals in which the nadir is inside the region (and the Sun limit holds there), resolved to a
        sample step; the best point is the nadir (off-nadir 0)."""
        points = self.targets.points
        unit = points.unit_itrs[self.targets.owner == index]
        center = unit.mean(axis=0) / np.linalg.norm(unit.mean(axis=0))
        reach = float(np.arccos(np.clip(unit @ center, -1.0, 1.0)).max())
        windows = self.screen(center[None, :], lambda radius: np.full_like(radius, reach))
        plan = _Plan.of(windows, self.offsets_s)
        parts = [self._interior_chunk(index, region, chunk) for chunk in plan.chunks(max_samples)]
        return _Intervals.concatenate(parts) if parts else _Intervals.empty()

    def _interior_chunk(self, index: int, region: Region, plan: _Plan) -> _Intervals:
        """The interior intervals of a chunk of windows, every sample evaluated."""
        sample_index, window = expand_ranges(np.zeros(plan.count.size, dtype=np.int64), plan.count - 1)
        t = plan.t_at(window, sample_index)
        r, _ = self.states_at(plan.windows.satellite[window], t)
        lat, lon, _ = geodetic_from_itrs(r.T)
        inside = contains(region, lat, lon)
        nadir = np.moveaxis(itrs_from_geodetic(lat, lon, 0.0), -1, 0)
        if self.sensor.min_sun_elevation_deg is not None and lat.size:
            nadir_points = GroundPoints.from_sites(SiteArray.from_geodetic(lat, lon, 0.0))
            sun_el = sun_elevation_at_deg(self.sun.position(t), nadir_points, np.arange(lat.size))
            inside &= sun_el >= self.sensor.min_sun_elevation_deg
        s = _Evaluated(window, sample_index, t, np.where(inside, 0.0, -1.0), np.zeros(t.size))
        first, last = s.runs()
        middle = (first + last) // 2
        return _Intervals(
            plan.windows.satellite[window[first]],
            np.full(first.size, index, dtype=np.int64),
            t[first],
            t[last],
            np.isnan(s.outer_t(first, -1)),
            np.isnan(s.outer_t(last, 1)),
            t[middle],
            np.zeros(first.size),
            nadir[:, middle],
        )

    def opportunities(self, merged: _Intervals, epochs: Sequence[datetime] | None) -> tuple[Opportunity, ...]:
        """The merged intervals as Opportunity records, by start time."""
        if merged.start_s.size == 0:
            return ()
        r, _ = self.states_at(merged.satellite, merged.best_s)
        point = merged.point_km
        lat, lon, _ = geodetic_from_itrs(point.T)
        sites = GroundPoints.from_sites(SiteArray.from_geodetic(lat, lon, 0.0))
        up = sites.up
        rho = r - point
        elevation = np.degrees(np.arcsin(np.clip(dot3(rho, up) / norm3(rho), -1.0, 1.0)))
        cos_arc = np.clip(dot3(r, point) / (norm3(r) * norm3(point)), -1.0, 1.0)
        ground_km = norm3(point) * np.arccos(cos_arc)
        sun_el = sun_elevation_at_deg(self.sun.position(merged.best_s), sites, np.arange(lat.size))
        t0 = self.states.times.t0_utc
        order = np.argsort(merged.start_s, kind="stable")
        return tuple(
            Opportunity(
                norad_id=int(self.states.norad_ids[self.rows[merged.satellite[p]]]),
                name=self.states.names[self.rows[merged.satellite[p]]],
                target=self.targets.names[int(merged.target[p])],
                start_utc=_utc(t0, merged.start_s[p]),
                best_utc=_utc(t0, merged.best_s[p]),
                end_utc=_utc(t0, merged.end_s[p]),
                min_off_nadir_deg=float(merged.off_nadir_deg[p]),
                ground_range_km=float(ground_km[p]),
                elevation_deg=float(elevation[p]),
                sun_elevation_deg=float(sun_el[p]),
                start_clipped=bool(merged.start_clipped[p]),
                end_clipped=bool(merged.end_clipped[p]),
                element_age_days=_age(epochs, int(self.rows[merged.satellite[p]]), t0, merged.best_s[p]),
            )
            for p in order
        )


def _sliced(part: Callable[[slice], FloatArray], size: int) -> FloatArray:
    """``part`` evaluated on consecutive slices of at most :data:`SAMPLES_PER_CHUNK` of ``size`` items,
    joined (elementwise functions: the same as one call, in bounded memory)."""
    if size <= SAMPLES_PER_CHUNK:
        return part(slice(None))
    return np.concatenate([part(slice(k, k + SAMPLES_PER_CHUNK)) for k in range(0, size, SAMPLES_PER_CHUNK)])


def _merged(intervals: _Intervals) -> _Intervals:
    """The union of the intervals of each (satellite, target), the best of the members kept."""
    order = np.lexsort((intervals.start_s, intervals.satellite, intervals.target))
    sorted_ = intervals.take(order)
    pair = sorted_.target * (int(sorted_.satellite.max(initial=0)) + 1) + sorted_.satellite
    pair_group = np.cumsum(np.diff(pair, prepend=pair[:1] - 1) != 0)
    reach = _running_max_by_group(sorted_.end_s, pair_group)
    new = np.ones(pair.size, dtype=bool)
    new[1:] = (pair[1:] != pair[:-1]) | (sorted_.start_s[1:] > reach[:-1])
    group = np.cumsum(new) - 1
    first = np.flatnonzero(new)
    last = np.append(first[1:], pair.size) - 1
    by_angle = np.lexsort((sorted_.off_nadir_deg, group))
    best = by_angle[np.flatnonzero(np.diff(group[by_angle], prepend=-1) != 0)]
    ends = reach[last]
    end_clipped = np.zeros(first.size, dtype=bool)
    np.logical_or.at(end_clipped, group, sorted_.end_clipped)
    merged = sorted_.take(best)
    return _Intervals(
        sorted_.satellite[first],
        sorted_.target[first],
        sorted_.start_s[first],
        ends,
        sorted_.start_clipped[first],
        end_clipped,
        merged.best_s,
        merged.off_nadir_deg,
        merged.point_km,
    )


def _running_max_by_group(values: FloatArray, group: IntArray) -> FloatArray:
    """Running maximum of ``values`` restarting at each new group (groups numbered 1, 2, ... in order).

    Done on ranks, not on shifted values, so that no rounding depends on the other values of the call
    (results for a satellite are then bit-identical however a catalog is chunked).
    """
    order = np.argsort(values, kind="stable")
    rank = np.empty(values.size, np.int64)
    rank[order] = np.arange(values.size)
    base = group.astype(np.int64) * values.size
    result: FloatArray = values[order[np.maximum.accumulate(base + rank) - base]]
    return result


def _utc(t0_utc: datetime, offset_s: float) -> datetime:
    return t0_utc + timedelta(microseconds=round(float(offset_s) * 1e6))


def _age(epochs: Sequence[datetime] | None, row: int, t0_utc: datetime, offset_s: float) -> float | None:
    if epochs is None:
        return None
    return ((t0_utc - epochs[row]).total_seconds() + float(offset_s)) / SECONDS_PER_DAY
