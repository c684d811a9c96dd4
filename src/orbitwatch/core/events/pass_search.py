"""The pass search on one block of satellites: screen, bracket, bound, refine, assemble.

The method and its guarantee are described in :mod:`orbitwatch.core.events.passes`; this module is
its vectorised machinery. Elevation enters as f = sin(el) - sin(mask) (the same sign and roots as
el - mask, without an arcsine), its rate from the Earth-fixed velocity. Every array is one entry per
window point, span or event; nothing loops in Python over satellites, sites or passes.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from orbitwatch.core.events.detectors import GroundPoints, dot3
from orbitwatch.core.events.screening import (
    MotionBounds,
    Windows,
    candidate_windows,
    cap_cosines,
    elevation_cap_rad,
    half_widths_s,
)
from orbitwatch.core.events.search import (
    HermiteSegments,
    cubic_peak_guess,
    cubic_root_guess,
    expand_ranges,
    refine_roots,
)
from orbitwatch.core.propagation.states import StateGrid

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]
Index = IntArray | BoolArray

GUARANTEED_MARGIN_RAD = math.radians(0.1)
_MAX_SPLIT_LEVELS = 24
_TINY = 1e-12


@dataclass(frozen=True, slots=True, eq=False)
class _Ends:
    """Values at P instants: offset (s), f and df/dt."""

    t_s: FloatArray
    f: FloatArray
    df: FloatArray

    def take(self, index: Index) -> "_Ends":
        return _Ends(self.t_s[index], self.f[index], self.df[index])

    @classmethod
    def concatenate(cls, parts: list["_Ends"]) -> "_Ends":
        return cls(
            np.concatenate([p.t_s for p in parts]),
            np.concatenate([p.f for p in parts]),
            np.concatenate([p.df for p in parts]),
        )


@dataclass(frozen=True, slots=True, eq=False)
class _Axis:
    """For the bound at P instants: the angle theta (rad) from the site's vertical seen from where its normal
    meets the polar axis, its rate (rad/s), and the satellite's distance from that point (km)."""

    theta: FloatArray
    theta_rate: FloatArray
    range_km: FloatArray

    def take(self, index: Index) -> "_Axis":
        return _Axis(self.theta[index], self.theta_rate[index], self.range_km[index])

    @classmethod
    def concatenate(cls, parts: list["_Axis"]) -> "_Axis":
        return cls(
            np.concatenate([p.theta for p in parts]),
            np.concatenate([p.theta_rate for p in parts]),
            np.concatenate([p.range_km for p in parts]),
        )


@dataclass(frozen=True, slots=True, eq=False)
class _Geometry:
    """Dot products of the topocentric vector rho and the Earth-fixed velocity v with the up vector, at
    P instants over sites ``site``: |rho|^2, rho.up, rho.v, v.up."""

    rho_rho: FloatArray
    rho_up: FloatArray
    rho_v: FloatArray
    v_up: FloatArray
    site: IntArray

    def take(self, index: Index) -> "_Geometry":
        return _Geometry(
            self.rho_rho[index], self.rho_up[index], self.rho_v[index], self.v_up[index], self.site[index]
        )


@dataclass(frozen=True, slots=True, eq=False)
class BlockSearch:
    """The satellites of one block (rows of a StateGrid, all states valid), the sites and the mask.

    ``r_km`` and ``v_km_s`` are the block's states, component-major and flattened: (3, n M), column
    ``i M + j`` is satellite i at instant j.
    """

    rows: IntArray
    offsets_s: FloatArray
    r_km: FloatArray
    v_km_s: FloatArray
    bounds: MotionBounds
    points: GroundPoints
    mask_rad: float

    @classmethod
    def of(
        cls, states: StateGrid, rows: IntArray, points: GroundPoints, min_elevation_deg: float
    ) -> "BlockSearch":
        """The block of ``rows`` of ``states`` (their states copied into contiguous arrays)."""
        r = np.ascontiguousarray(np.moveaxis(states.r_itrs_km[rows], -1, 0))
        v = np.ascontiguousarray(np.moveaxis(states.v_itrs_km_s[rows], -1, 0))
        offsets = np.asarray(states.times.offsets_s, dtype=np.float64)
        bounds = MotionBounds.of_states(r, v)
        mask_rad = math.radians(min_elevation_deg)
        return cls(rows, offsets, r.reshape(3, -1), v.reshape(3, -1), bounds, points, mask_rad)

    @property
    def instants(self) -> int:
        """Number of grid instants M."""
        return int(self.offsets_s.size)

    @property
    def sin_mask(self) -> float:
        """sin(mask)."""
        return math.sin(self.mask_rad)

    def grid_state(self, satellite: IntArray, grid: IntArray) -> tuple[FloatArray, FloatArray]:
        """Exact ITRS states of ``satellite`` at grid instants ``grid``, (3, P) each."""
        flat = satellite * self.instants + grid
        return np.take(self.r_km, flat, axis=1), np.take(self.v_km_s, flat, axis=1)

    def segments(self, satellite: IntArray, grid: IntArray) -> HermiteSegments:
        """Hermite curves of the grid intervals [grid, grid + 1] of ``satellite`` (ITRS, km)."""
        r0, v0 = self.grid_state(satellite, grid)
        r1, v1 = self.grid_state(satellite, grid + 1)
        return HermiteSegments.from_states(self.offsets_s[grid], self.offsets_s[grid + 1], r0, v0, r1, v1)

    def geometry(self, r_km: FloatArray, v_km_s: FloatArray, site: IntArray) -> "_Geometry":
        """The topocentric dot products of Earth-fixed states (3, P) over sites ``site``."""
        up = self.points.vertical(site)
        rho = r_km - self.points.position(site)
        return _Geometry(dot3(rho, rho), dot3(rho, up), dot3(rho, v_km_s), dot3(v_km_s, up), site)

    def ends(self, t_s: FloatArray, geometry: "_Geometry") -> _Ends:
        """f and df/dt."""
        distance = np.sqrt(geometry.rho_rho)
        sine = geometry.rho_up / distance
        df = (geometry.v_up - sine * geometry.rho_v / distance) / distance
        return _Ends(t_s, sine - self.sin_mask, df)

    def axis(self, geometry: "_Geometry") -> _Axis:
        """The axis angle, its rate and the axis range."""
        d = self.points.axis_distance_km[geometry.site]
        axis_range = np.sqrt(geometry.rho_rho + 2.0 * d * geometry.rho_up + d * d)
        cos_theta = np.clip((geometry.rho_up + d) / axis_range, -1.0, 1.0)
        theta = np.arccos(cos_theta)
        sin_theta = np.sqrt(np.maximum(1.0 - cos_theta * cos_theta, _TINY))
        axis_radial = (geometry.rho_v + d * geometry.v_up) / axis_range
        theta_rate = -(geometry.v_up - axis_radial * cos_theta) / (axis_range * sin_theta)
        return _Axis(theta, theta_rate, axis_range)


@dataclass(frozen=True, slots=True, eq=False)
class _Spans:
    """P time spans in grid intervals ``grid`` of a window's satellite and site, with both ends' values."""

    window: IntArray
    satellite: IntArray
    site: IntArray
    grid: IntArray
    left: _Ends
    right: _Ends

    @property
    def size(self) -> int:
        return int(self.window.size)

    def take(self, index: Index) -> "_Spans":
        return _Spans(
            self.window[index],
            self.satellite[index],
            self.site[index],
            self.grid[index],
            self.left.take(index),
            self.right.take(index),
        )

    @classmethod
    def concatenate(cls, parts: list["_Spans"]) -> "_Spans":
        return cls(
            np.concatenate([p.window for p in parts]),
            np.concatenate([p.satellite for p in parts]),
            np.concatenate([p.site for p in parts]),
            np.concatenate([p.grid for p in parts]),
            _Ends.concatenate([p.left for p in parts]),
            _Ends.concatenate([p.right for p in parts]),
        )


@dataclass(frozen=True, slots=True, eq=False)
class _Below:
    """Spans below the mask at both ends, with the bound's quantities at both ends."""

    spans: _Spans
    left: _Axis
    right: _Axis

    @property
    def size(self) -> int:
        return self.spans.size

    def take(self, index: Index) -> "_Below":
        return _Below(self.spans.take(index), self.left.take(index), self.right.take(index))

    @classmethod
    def concatenate(cls, parts: list["_Below"]) -> "_Below":
        return cls(
            _Spans.concatenate([p.spans for p in parts]),
            _Axis.concatenate([p.left for p in parts]),
            _Axis.concatenate([p.right for p in parts]),
        )


@dataclass(frozen=True, slots=True, eq=False)
class EventSet:
    """Events (rises, culminations or sets): window, satellite (block index), site, the grid interval whose
    Hermite curve holds the event, offset (s), f and the topocentric vector (km, ITRS axes) there."""

    window: IntArray
    satellite: IntArray
    site: IntArray
    grid: IntArray
    t_s: FloatArray
    f: FloatArray
    rho_km: FloatArray

    @property
    def size(self) -> int:
        """Number of events."""
        return int(self.t_s.size)

    def take(self, index: Index) -> "EventSet":
        """Rows ``index``."""
        return EventSet(
            self.window[index],
            self.satellite[index],
            self.site[index],
            self.grid[index],
            self.t_s[index],
            self.f[index],
            self.rho_km[:, index],
        )

    @classmethod
    def concatenate(cls, parts: list["EventSet"]) -> "EventSet":
        """Rows of all parts, in order."""
        return cls(
            np.concatenate([p.window for p in parts]),
            np.concatenate([p.satellite for p in parts]),
            np.concatenate([p.site for p in parts]),
            np.concatenate([p.grid for p in parts]),
            np.concatenate([p.t_s for p in parts]),
            np.concatenate([p.f for p in parts]),
            np.concatenate([p.rho_km.reshape(3, -1) for p in parts], axis=1),
        )


@dataclass(frozen=True, slots=True, eq=False)
class PassEvents:
    """The passes of a block: per pass its satellite (block index), site and three events."""

    satellite: IntArray
    site: IntArray
    rise: EventSet
    culmination: EventSet
    set: EventSet
    rise_clipped: BoolArray
    set_clipped: BoolArray


def grid_between(rise: EventSet, end: EventSet, offsets_s: FloatArray) -> tuple[IntArray, IntArray]:
    """(row, grid instant) of the grid instants strictly between each row's rise and set (each event lies
    in its grid interval [grid, grid + 1])."""
    first = rise.grid + 1
    last = np.where(end.t_s > offsets_s[end.grid], end.grid, end.grid - 1)
    grid, row = expand_ranges(first, np.maximum(last, first - 1))
    return row, grid


def search_block(search: BlockSearch) -> PassEvents:
    """Every pass of the block's satellites over the sites (the method of :mod:`...passes`)."""
    points, clipped_rises, clipped_sets = _window_points(search, _screen(search))
    crossings, peaks, below = points.classified(search)
    more_crossings, more_peaks = _resolve_below(search, below)
    crossings = _Spans.concatenate([crossings, *more_crossings])
    roots = _refine_crossings(search, crossings)
    rising = crossings.left.f < 0.0
    rises = EventSet.concatenate([roots.take(rising), clipped_rises])
    sets = EventSet.concatenate([roots.take(~rising), clipped_sets])
    rise_clipped = np.arange(rises.size) >= rises.size - clipped_rises.size
    set_clipped = np.arange(sets.size) >= sets.size - clipped_sets.size
    culminations = _refine_peaks(search, _Spans.concatenate([peaks, *more_peaks]))
    return _assemble(rises, sets, culminations, rise_clipped, set_clipped)


@dataclass(frozen=True, slots=True, eq=False)
class _WindowPoints:
    """The grid instants of every window, in window order, with exact values there."""

    window: IntArray
    satellite: IntArray
    site: IntArray
    grid: IntArray
    ends: _Ends
    geometry: _Geometry

    def classified(self, search: BlockSearch) -> tuple[_Spans, _Spans, _Below]:
        """The grid intervals of the windows, sorted as by :func:`_classify`, without building them all."""
        left = np.flatnonzero(self.window[:-1] == self.window[1:])
        f, df = self.ends.f, self.ends.df
        above_left, above_right = f[left] >= 0.0, f[left + 1] >= 0.0
        peak = (df[left] > 0.0) & (df[left + 1] <= 0.0) & (above_left | above_right)
        below = left[~above_left & ~above_right]
        needed = np.zeros(self.window.size, dtype=bool)
        needed[below] = True
        needed[below + 1] = True
        slot = np.cumsum(needed) - 1
        point = np.flatnonzero(needed)
        axis = search.axis(self.geometry.take(point))
        return (
            self.spans(left[above_left != above_right]),
            self.spans(left[peak]),
            _Below(self.spans(below), axis.take(slot[below]), axis.take(slot[below + 1])),
        )

    def spans(self, left: IntArray) -> _Spans:
        """The intervals from points ``left`` to the next points."""
        return _Spans(
            self.window[left],
            self.satellite[left],
            self.site[left],
            self.grid[left],
            self.ends.take(left),
            self.ends.take(left + 1),
        )


def _screen(search: BlockSearch) -> Windows:
    points = search.points
    site_radius = float(np.linalg.norm(points.sites.r_itrs_km, axis=1).min())
    test_rad = search.mask_rad - float(points.geodetic_offset_rad.max())
    r = search.r_km.reshape(3, search.rows.size, search.instants)
    cos_cap = cap_cosines(
        np.sqrt(np.einsum("inm,inm->nm", r, r)),
        search.bounds,
        half_widths_s(search.offsets_s),
        lambda radius: elevation_cap_rad(radius, site_radius, test_rad),
    )
    return candidate_windows(r, cos_cap, points.unit_itrs)


def _window_points(search: BlockSearch, windows: Windows) -> tuple[_WindowPoints, EventSet, EventSet]:
    """The windows' grid instants with exact values, and the events clipped by the grid's ends (a pass
    in progress at the first or last instant)."""
    grid, window = expand_ranges(windows.first, windows.last)
    satellite, site = windows.satellite[window], windows.point[window]
    r, v = search.grid_state(satellite, grid)
    geometry = search.geometry(r, v, site)
    ends = search.ends(search.offsets_s[grid], geometry)
    count = windows.last - windows.first + 1
    first_point = np.cumsum(count) - count
    last_point = first_point + count - 1
    last_grid = search.instants - 1
    starts = first_point[(windows.first == 0) & (ends.f[first_point] >= 0.0)]
    stops = last_point[(windows.last == last_grid) & (ends.f[last_point] >= 0.0)]

    def clipped(point: IntArray, interval: int) -> EventSet:
        return EventSet(
            window[point],
            satellite[point],
            site[point],
            np.full(point.size, interval, dtype=np.int64),
            ends.t_s[point],
            ends.f[point],
            r[:, point] - search.points.position(site[point]),
        )

    points = _WindowPoints(window, satellite, site, grid, ends, geometry)
    return points, clipped(starts, 0), clipped(stops, last_grid - 1)


def _classify(spans: _Spans) -> tuple[_Spans, _Spans, BoolArray]:
    """(spans where f changes sign, spans holding a maximum with an end above the mask, the mask of the
    spans below the mask at both ends)."""
    above_left, above_right = spans.left.f >= 0.0, spans.right.f >= 0.0
    peak = (spans.left.df > 0.0) & (spans.right.df <= 0.0) & (above_left | above_right)
    return spans.take(above_left != above_right), spans.take(peak), ~above_left & ~above_right


def _resolve_below(search: BlockSearch, below: _Below) -> tuple[list[_Spans], list[_Spans]]:
    """Spans below the mask at both ends: excluded by the bound, or split until they are, or until a
    sub-instant above the mask appears (their crossings and maxima are then returned)."""
    crossings: list[_Spans] = []
    peaks: list[_Spans] = []
    for _ in range(_MAX_SPLIT_LEVELS):
        below = below.take(~_excluded(search, below))
        if below.size == 0:
            break
        halves = _split(search, below)
        more_crossings, more_peaks, _ = _classify(halves.spans)
        crossings.append(more_crossings)
        peaks.append(more_peaks)
        below = halves.take((halves.spans.left.f < 0.0) & (halves.spans.right.f < 0.0))
    return crossings, peaks


def _split(search: BlockSearch, below: _Below) -> _Below:
    """Both halves of every span (the state at the midpoint from the grid interval's Hermite curve)."""
    spans = below.spans
    middle_t = 0.5 * (spans.left.t_s + spans.right.t_s)
    r, v = search.segments(spans.satellite, spans.grid).state(None, middle_t)
    geometry = search.geometry(r, v, spans.site)
    middle, middle_axis = search.ends(middle_t, geometry), search.axis(geometry)
    first = _Spans(spans.window, spans.satellite, spans.site, spans.grid, spans.left, middle)
    second = _Spans(spans.window, spans.satellite, spans.site, spans.grid, middle, spans.right)
    return _Below.concatenate(
        [_Below(first, below.left, middle_axis), _Below(second, middle_axis, below.right)]
    )


def _excluded(search: BlockSearch, below: _Below) -> BoolArray:
    """True where the second-order bound proves the elevation stays below mask + 0.1 deg (see passes)."""
    spans, left, right = below.spans, below.left, below.right
    bounds = search.bounds.take(spans.satellite)
    omega = bounds.axis_omega_rad_s
    length = spans.right.t_s - spans.left.t_s
    grid_step = search.offsets_s[spans.grid + 1] - search.offsets_s[spans.grid]
    far = np.maximum(left.range_km, right.range_km) + bounds.radial_rate_km_s * 0.5 * length
    test_rad = search.mask_rad + GUARANTEED_MARGIN_RAD
    distance = search.points.axis_distance_km[spans.site]
    allowance = (omega * grid_step) ** 4 / 10.0
    theta_f = np.arccos(np.clip(distance * math.cos(test_rad) / far, -1.0, 1.0)) - test_rad - allowance
    theta_high = np.minimum(np.maximum(left.theta, right.theta) + 0.5 * omega * length, np.pi)
    sin_low = np.maximum(np.minimum(np.sin(theta_f), np.sin(theta_high)), _TINY)
    accel = (omega**2 + bounds.transverse_accel_rad_s2) / sin_low
    gap0, gap1 = left.theta - theta_f, right.theta - theta_f
    rate0, rate1 = left.theta_rate, right.theta_rate
    with np.errstate(divide="ignore", invalid="ignore"):
        first = 2.0 * gap0 / (np.sqrt(rate0**2 + 2.0 * accel * np.maximum(gap0, 0.0)) - rate0)
        last = length - 2.0 * gap1 / (np.sqrt(rate1**2 + 2.0 * accel * np.maximum(gap1, 0.0)) + rate1)
    result: BoolArray = (gap0 > 0.0) & (gap1 > 0.0) & (np.nan_to_num(first, nan=np.inf) > last)
    return result


@dataclass(frozen=True, slots=True, eq=False)
class _SineElevation:
    """sin(el) along P topocentric Hermite curves, as polynomials in s = (t - start) / length.

    With rho(s) = c0 + c1 s + c2 s^2 + c3 s^3, the height above the horizon A(s) = rho.up is a cubic
    and the squared range B(s) = |rho|^2 a sextic, so sin(el) = A / sqrt(B) and its time derivatives
    cost a few Horner steps per evaluation instead of rebuilding the vectors. ``up`` (4, P) and
    ``squared`` (7, P) hold the coefficients, lowest power first.
    """

    start_s: FloatArray
    length_s: FloatArray
    up: FloatArray
    squared: FloatArray

    @classmethod
    def of(cls, segments: HermiteSegments, up: FloatArray) -> "_SineElevation":
        c0, c1, c2, c3 = segments.coefficients
        heights = np.stack([dot3(c, up) for c in (c0, c1, c2, c3)])
        squared = np.stack(
            [
                dot3(c0, c0),
                2.0 * dot3(c0, c1),
                dot3(c1, c1) + 2.0 * dot3(c0, c2),
                2.0 * (dot3(c0, c3) + dot3(c1, c2)),
                dot3(c2, c2) + 2.0 * dot3(c1, c3),
                2.0 * dot3(c2, c3),
                dot3(c3, c3),
            ]
        )
        return cls(segments.start_s, segments.length_s, heights, squared)

    def rate(self, index: IntArray | None, t_s: FloatArray) -> tuple[FloatArray, FloatArray]:
        """sin(el) and d sin(el)/dt at ``t_s`` on curves ``index`` (all when None)."""
        s, length, a, b = self._at(index, t_s)
        big_a, big_a1 = _horner(a, s, 1)
        big_b, big_b1 = _horner(b, s, 1)
        root = np.sqrt(big_b)
        return big_a / root, (big_a1 * big_b - 0.5 * big_a * big_b1) / (big_b * root * length)

    def curvature(self, index: IntArray | None, t_s: FloatArray) -> tuple[FloatArray, FloatArray]:
        """d sin(el)/dt and d2 sin(el)/dt2 at ``t_s`` on curves ``index`` (all when None)."""
        s, length, a, b = self._at(index, t_s)
        big_a, big_a1, big_a2 = _horner(a, s, 2)
        big_b, big_b1, big_b2 = _horner(b, s, 2)
        root = np.sqrt(big_b)
        first = (big_a1 * big_b - 0.5 * big_a * big_b1) / (big_b * root)
        second = (
            big_a2 * big_b * big_b
            - big_a1 * big_b1 * big_b
            - 0.5 * big_a * big_b2 * big_b
            + 0.75 * big_a * big_b1**2
        ) / (big_b * big_b * root)
        return first / length, second / (length * length)

    def _at(
        self, index: IntArray | None, t_s: FloatArray
    ) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
        if index is None:
            start, length, a, b = self.start_s, self.length_s, self.up, self.squared
        else:
            start, length = self.start_s[index], self.length_s[index]
            a, b = np.take(self.up, index, axis=1), np.take(self.squared, index, axis=1)
        return (t_s - start) / length, length, a, b


def _horner(coefficients: FloatArray, s: FloatArray, derivatives: int) -> list[FloatArray]:
    """A polynomial (coefficients (K, P), lowest power first) and its first derivatives at s."""
    values = [coefficients[-1]] + [np.zeros_like(s) for _ in range(derivatives)]
    for c in coefficients[-2::-1]:
        for d in range(derivatives, 0, -1):
            values[d] = values[d] * s + values[d - 1]
        values[0] = values[0] * s + c
    for d in range(2, derivatives + 1):
        values[d] = values[d] * math.factorial(d)
    return values


def _site_curves(search: BlockSearch, spans: _Spans) -> tuple[HermiteSegments, _SineElevation, FloatArray]:
    """The spans' Hermite curves made topocentric, their sin(el) polynomials, and the sites' up vectors."""
    points = search.points
    segments = search.segments(spans.satellite, spans.grid).shifted(points.position(spans.site))
    up = points.vertical(spans.site)
    return segments, _SineElevation.of(segments, up), up


def _refine_crossings(search: BlockSearch, spans: _Spans) -> EventSet:
    """Rises and sets: the roots of f in the spans."""
    segments, sine, up = _site_curves(search, spans)
    sin_mask = search.sin_mask

    def evaluate(index: IntArray | None, t_s: FloatArray) -> tuple[FloatArray, FloatArray]:
        value, rate = sine.rate(index, t_s)
        return value - sin_mask, rate

    left, right = spans.left, spans.right
    guess = cubic_root_guess(left.t_s, right.t_s, left.f, right.f, left.df, right.df)
    t = refine_roots(evaluate, left.t_s, right.t_s, left.f < 0.0, guess)
    return _events_at(search, spans, segments, up, t)


def _refine_peaks(search: BlockSearch, spans: _Spans) -> EventSet:
    """Culmination candidates: the roots of df/dt (maxima of the elevation) in the spans, with f there."""
    segments, sine, up = _site_curves(search, spans)
    left, right = spans.left, spans.right
    guess = cubic_peak_guess(left.t_s, right.t_s, left.f, right.f, left.df, right.df)
    t = refine_roots(sine.curvature, left.t_s, right.t_s, np.zeros(spans.size, dtype=bool), guess)
    return _events_at(search, spans, segments, up, t)


def _events_at(
    search: BlockSearch, spans: _Spans, segments: HermiteSegments, up: FloatArray, t_s: FloatArray
) -> EventSet:
    """Events at offsets ``t_s`` of the spans: their topocentric vectors and f there."""
    rho = segments.position(None, t_s)
    f = dot3(rho, up) / np.sqrt(dot3(rho, rho)) - search.sin_mask
    return EventSet(spans.window, spans.satellite, spans.site, spans.grid, t_s, f, rho)


def _assemble(
    rises: EventSet, sets: EventSet, peaks: EventSet, rise_clipped: BoolArray, set_clipped: BoolArray
) -> PassEvents:
    """Pair rises and sets (they alternate within a window) and give each pass its highest maximum, or,
    when it holds none (a pass clipped while climbing or descending), its higher end."""
    key = _time_keys(rises, sets, peaks)
    rise_order = np.argsort(key(rises), kind="stable")
    set_order = np.argsort(key(sets), kind="stable")
    rises, sets = rises.take(rise_order), sets.take(set_order)
    count = rises.size
    owner = np.searchsorted(key(rises), key(peaks), side="right").astype(np.int64) - 1
    safe = np.maximum(owner, 0)
    inside = np.flatnonzero(
        (owner >= 0) & (rises.window[safe] == peaks.window) & (peaks.t_s <= sets.t_s[safe])
    )
    by_height = inside[np.argsort(owner[inside] * 4.0 + peaks.f[inside], kind="stable")]
    highest = by_height[np.flatnonzero(np.diff(owner[by_height], append=-1) != 0)]
    choice = np.where(sets.f > rises.f, count + np.arange(count), np.arange(count))
    choice[owner[highest]] = 2 * count + highest
    culmination = EventSet.concatenate([rises, sets, peaks]).take(choice)
    return PassEvents(
        rises.satellite,
        rises.site,
        rises,
        culmination,
        sets,
        rise_clipped[rise_order],
        set_clipped[set_order],
    )


def _time_keys(*events: EventSet) -> Callable[[EventSet], FloatArray]:
    """A key that orders events by window, then time: window * span + (t - earliest)."""
    times = np.concatenate([e.t_s for e in events])
    origin = float(times.min()) if times.size else 0.0
    span = float(times.max()) - origin + 1.0 if times.size else 1.0

    def key(e: EventSet) -> FloatArray:
        result: FloatArray = e.window * span + (e.t_s - origin)
        return result

    return key
