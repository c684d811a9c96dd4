"""Bracket and refine: event times from functions sampled on a time grid, vectorised over many brackets.

An event is a zero of a continuous function g(t) of the state (Orekit's event detection: Maisonobe,
Pommier and Parraud, "Orekit: an open source library for operational flight dynamics applications",
ICATT 2010). g is sampled on a grid, a sign change brackets a root, and the root is then refined.

Refinement needs states between grid points. They come from cubic Hermite interpolation of the
Earth-fixed positions and velocities the propagator already produced at the two ends of the grid
interval (Burden and Faires, Numerical Analysis, 9th ed., §3.4; Montenbruck and Gill, Satellite
Orbits, 2000, §4.1 use the same idea for ephemeris interpolation), so no extra propagation is needed.
The interpolation error is bounded by h^4 max|r''''| / 384 on an interval of length h; for an orbit
whose Earth-fixed direction turns at most w rad/s at radius r this is about r (w h)^4 / 384 (for a
low orbit with h = 120 s: 7 m), which the grid planner of :mod:`orbitwatch.core.events.passes` keeps
small.

Roots are refined by safeguarded Newton iteration (Press et al., Numerical Recipes, 3rd ed., §9.4,
``rtsafe``): a Newton step from the current estimate, replaced by bisection whenever it leaves the
bracket, the bracket shrinking around the sign change at each step, all brackets at once. The first
estimate is the root of the cubic that matches g and g' at the bracket ends, which usually lands
within a fraction of a second of the answer, so one or two exact evaluations suffice. Functions known
only by their values (composite conditions) are refined by bisection, minima by golden-section search.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

Evaluate = Callable[[IntArray | None, FloatArray], tuple[FloatArray, FloatArray]]
"""``evaluate(index, t_s) -> (g, dg/dt)`` on brackets ``index`` (all when None) at offsets ``t_s`` (s)."""

DEFAULT_TOLERANCE_S = 0.02
NEWTON_STEP_S = 0.5
_MAX_ITERATIONS = 60
_CUBIC_NEWTON_STEPS = 2


@dataclass(frozen=True, slots=True, eq=False)
class HermiteSegments:
    """Cubic Hermite curves through the states at both ends of P grid intervals, one curve per column.

    Vectors are component-major, (3, P): a column per curve, which keeps every operation a plain loop
    over contiguous memory. The curve p is ``x(t) = c0 + c1 s + c2 s^2 + c3 s^3`` with
    ``s = (t - start_s) / length_s``; ``coefficients`` is (4, 3, P) in km, relative to an origin chosen
    by the caller (for example the site, which makes ``x`` the topocentric vector). Times are offsets
    in seconds from the grid's epoch.
    """

    start_s: FloatArray
    length_s: FloatArray
    coefficients: FloatArray

    @classmethod
    def from_states(
        cls,
        start_s: FloatArray,
        end_s: FloatArray,
        r0_km: FloatArray,
        v0_km_s: FloatArray,
        r1_km: FloatArray,
        v1_km_s: FloatArray,
    ) -> "HermiteSegments":
        """Curves matching position and velocity (all (3, P)) at ``start_s`` and ``end_s`` (each (P,))."""
        length = end_s - start_s
        m0 = v0_km_s * length
        m1 = v1_km_s * length
        c2 = 3.0 * (r1_km - r0_km) - 2.0 * m0 - m1
        c3 = 2.0 * (r0_km - r1_km) + m0 + m1
        return cls(start_s, length, np.stack([r0_km, m0, c2, c3]))

    def shifted(self, origin_km: FloatArray) -> "HermiteSegments":
        """The same curves relative to ``origin_km`` (3, P): the constant coefficient minus the origin."""
        coefficients = self.coefficients.copy()
        coefficients[0] -= origin_km
        return HermiteSegments(self.start_s, self.length_s, coefficients)

    def position(self, index: IntArray | None, t_s: FloatArray) -> FloatArray:
        """x at ``t_s`` on curves ``index`` (all when None), (3, P)."""
        c, s, _ = self._at(index, t_s)
        result: FloatArray = c[0] + s * (c[1] + s * (c[2] + s * c[3]))
        return result

    def state(self, index: IntArray | None, t_s: FloatArray) -> tuple[FloatArray, FloatArray]:
        """x and dx/dt (km, km/s) at ``t_s`` on curves ``index`` (all when None)."""
        c, s, length = self._at(index, t_s)
        x = c[0] + s * (c[1] + s * (c[2] + s * c[3]))
        dx = (c[1] + s * (2.0 * c[2] + 3.0 * s * c[3])) / length
        return x, dx

    def _at(self, index: IntArray | None, t_s: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
        if index is None:
            start, length, coefficients = self.start_s, self.length_s, self.coefficients
        else:
            start, length = self.start_s[index], self.length_s[index]
            coefficients = np.take(self.coefficients, index, axis=2)
        return coefficients, (t_s - start) / length, length


def _cubic_model(
    g_lo: FloatArray, g_hi: FloatArray, dg_lo: FloatArray, dg_hi: FloatArray, length: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Coefficients a0..a3 in s = (t - lo) / length of the cubic with g and g' at both ends."""
    a1 = dg_lo * length
    a2 = 3.0 * (g_hi - g_lo) - 2.0 * a1 - dg_hi * length
    a3 = 2.0 * (g_lo - g_hi) + a1 + dg_hi * length
    return g_lo, a1, a2, a3


def _polished(
    s: FloatArray, coefficients: tuple[FloatArray, FloatArray, FloatArray, FloatArray], *, derivative: bool
) -> FloatArray:
    """A few Newton steps on the cubic (or on its derivative) from s, kept in [0, 1]."""
    a0, a1, a2, a3 = coefficients
    for _ in range(_CUBIC_NEWTON_STEPS):
        if derivative:
            value, slope = a1 + s * (2.0 * a2 + 3.0 * s * a3), 2.0 * a2 + 6.0 * s * a3
        else:
            value, slope = a0 + s * (a1 + s * (a2 + s * a3)), a1 + s * (2.0 * a2 + 3.0 * s * a3)
        with np.errstate(divide="ignore", invalid="ignore"):
            step = np.where(slope != 0.0, value / slope, 0.0)
        s = np.clip(s - step, 0.0, 1.0)
    return s


def cubic_root_guess(
    lo_s: FloatArray,
    hi_s: FloatArray,
    g_lo: FloatArray,
    g_hi: FloatArray,
    dg_lo: FloatArray,
    dg_hi: FloatArray,
) -> FloatArray:
    """A first estimate of the root of g in [lo, hi]: the root of the cubic with g and g' at both ends.

    Starts from the secant (regula falsi) point; ``g_lo`` and ``g_hi`` must have opposite signs.
    """
    return _cubic_guess(lo_s, hi_s, g_lo, g_hi, dg_lo, dg_hi, derivative=False)


def cubic_peak_guess(
    lo_s: FloatArray,
    hi_s: FloatArray,
    g_lo: FloatArray,
    g_hi: FloatArray,
    dg_lo: FloatArray,
    dg_hi: FloatArray,
) -> FloatArray:
    """A first estimate of the maximum of g in [lo, hi] (g' > 0 at lo, <= 0 at hi), from the cubic model."""
    return _cubic_guess(lo_s, hi_s, g_lo, g_hi, dg_lo, dg_hi, derivative=True)


def _cubic_guess(
    lo_s: FloatArray,
    hi_s: FloatArray,
    g_lo: FloatArray,
    g_hi: FloatArray,
    dg_lo: FloatArray,
    dg_hi: FloatArray,
    *,
    derivative: bool,
) -> FloatArray:
    """The zero of the Hermite cubic (``derivative=False``) or of its slope (True) in [lo, hi], polished
    from the secant point of the values (or of the slopes)."""
    length = hi_s - lo_s
    a, b = (dg_lo, dg_hi) if derivative else (g_lo, g_hi)
    with np.errstate(divide="ignore", invalid="ignore"):
        secant = np.clip(np.nan_to_num(a / (a - b), nan=0.5), 0.0, 1.0)
    s = _polished(secant, _cubic_model(g_lo, g_hi, dg_lo, dg_hi, length), derivative=derivative)
    guess: FloatArray = lo_s + s * length
    return guess


def refine_roots(
    evaluate: Evaluate,
    lo_s: FloatArray,
    hi_s: FloatArray,
    rising: NDArray[np.bool_],
    guess_s: FloatArray,
    *,
    tolerance_s: float = DEFAULT_TOLERANCE_S,
    newton_step_s: float = NEWTON_STEP_S,
) -> FloatArray:
    """Roots of g, one per bracket [lo, hi] in which g changes sign.

    ``rising`` says which way g crosses: g(lo) < 0 <= g(hi) where True, g(lo) >= 0 > g(hi) where
    False. Safeguarded Newton iteration (module docstring) from ``guess_s``. A bracket is done when its
    last step was a Newton step shorter than ``newton_step_s`` -- the error left after a Newton step of
    length d is about |g''/2g'| d^2: under 3 ms for d = 0.5 s when g changes on time scales of a minute
    or more, as elevations and angles do -- or when the bracket is shorter than ``tolerance_s``.
    Returns the roots, shape (P,).
    """
    lo, hi = lo_s.astype(np.float64, copy=True), hi_s.astype(np.float64, copy=True)
    t = np.clip(guess_s, lo, hi)
    active: IntArray | None = None
    for _ in range(_MAX_ITERATIONS):
        where = slice(None) if active is None else active
        g, dg = evaluate(active, t[where])
        on_lo_side = (g < 0.0) == rising[where]
        lo[where] = np.where(on_lo_side, t[where], lo[where])
        hi[where] = np.where(on_lo_side, hi[where], t[where])
        step_t, newton = _safeguarded_step(t[where], g, dg, lo[where], hi[where])
        settled = newton & (np.abs(step_t - t[where]) <= newton_step_s)
        going = ~settled & (hi[where] - lo[where] > tolerance_s)
        t[where] = step_t
        active = np.flatnonzero(going) if active is None else active[going]
        if active.size == 0:
            break
    return t


def _safeguarded_step(
    t: FloatArray, g: FloatArray, dg: FloatArray, lo: FloatArray, hi: FloatArray
) -> tuple[FloatArray, NDArray[np.bool_]]:
    """The Newton step from t, or the bracket's midpoint where that step leaves [lo, hi]; and which were
    Newton steps."""
    with np.errstate(divide="ignore", invalid="ignore"):
        newton = t - g / dg
    inside = np.isfinite(newton) & (newton > lo) & (newton < hi)
    result: FloatArray = np.where(inside, newton, 0.5 * (lo + hi))
    return result, inside


def bisect_crossings(
    g: Callable[[IntArray | None, FloatArray], FloatArray],
    lo_s: FloatArray,
    hi_s: FloatArray,
    rising: NDArray[np.bool_],
    *,
    tolerance_s: float = DEFAULT_TOLERANCE_S,
) -> FloatArray:
    """Crossings of a function known only by its values (composite conditions), by bisection.

    ``g(index, t)`` is evaluated on brackets ``index`` (all when None). ``rising`` as in
    :func:`refine_roots`. Returns the middle of the final bracket, within ``tolerance_s / 2`` of a root.
    """
    lo, hi = lo_s.astype(np.float64, copy=True), hi_s.astype(np.float64, copy=True)
    width = float(np.max(hi - lo)) if lo.size else 0.0
    for _ in range(max(0, math.ceil(math.log2(max(width, tolerance_s) / tolerance_s)))):
        middle = 0.5 * (lo + hi)
        on_lo_side = (g(None, middle) < 0.0) == rising
        lo = np.where(on_lo_side, middle, lo)
        hi = np.where(on_lo_side, hi, middle)
    result: FloatArray = 0.5 * (lo + hi)
    return result


def golden_minimum(
    h: Callable[[IntArray | None, FloatArray], FloatArray],
    lo_s: FloatArray,
    hi_s: FloatArray,
    *,
    tolerance_s: float = DEFAULT_TOLERANCE_S,
) -> FloatArray:
    """The instant of the smallest value of a unimodal h on each [lo, hi], by golden-section search
    (Press et al., Numerical Recipes, 3rd ed., §10.2), to within ``tolerance_s``."""
    ratio = (math.sqrt(5.0) - 1.0) / 2.0
    lo, hi = lo_s.astype(np.float64, copy=True), hi_s.astype(np.float64, copy=True)
    width = float(np.max(hi - lo)) if lo.size else 0.0
    steps = max(0, math.ceil(math.log(max(width, tolerance_s) / tolerance_s) / -math.log(ratio)))
    for _ in range(steps):
        left = hi - ratio * (hi - lo)
        right = lo + ratio * (hi - lo)
        keep_left = h(None, left) <= h(None, right)
        hi = np.where(keep_left, right, hi)
        lo = np.where(keep_left, lo, left)
    result: FloatArray = 0.5 * (lo + hi)
    return result


def expand_ranges(first: IntArray, last: IntArray) -> tuple[IntArray, IntArray]:
    """All integers of the inclusive ranges [first[w], last[w]], with the range each came from.

    Returns (values, range_index), both of length sum(last - first + 1).
    """
    counts = last - first + 1
    range_index = np.repeat(np.arange(first.size, dtype=np.int64), counts)
    offsets = np.arange(range_index.size, dtype=np.int64) - np.repeat(np.cumsum(counts) - counts, counts)
    return first[range_index] + offsets, range_index
