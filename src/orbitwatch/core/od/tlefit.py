"""Fit SGP4 mean elements (an ElementSet, optionally B*) to an ephemeris or to measurements.

So that an orbit determined from tracking (or a numerically propagated ephemeris) can be shared as a TLE
or an OMM, the six mean elements at a chosen epoch (and B* if asked) are adjusted so that SGP4
(python-sgp4, WGS-72, Vallado et al. 2006, AIAA 2006-6753) reproduces the given states or measurements
in the least-squares sense (Vallado 2013, §10.8 "Differential correction of SGP4 element sets";
Vallado & Crawford 2008, "SGP4 orbit determination", AIAA 2008-6770).

Parameters. The elements are fitted in the non-singular equinoctial form (Broucke & Cefola 1972):
n (rev/day), f = e cos(w + O), g = e sin(w + O), h = tan(i/2) cos O, k = tan(i/2) sin O and the mean
longitude L = M + w + O (rad); so near-circular and near-equatorial orbits (GEO) fit as well as any.
B* is scaled by 1e-4 /ER. Only i = 180 degrees is singular.

Solver. SciPy's ``least_squares`` (trust-region reflective), with a forward-difference Jacobian. The
start is the osculating Keplerian orbit of the first state (WGS-72 mu) unless an element set is given.
Over spans longer than two orbits the fit is first made on the first two orbits, then on all data, so
that the mean motion (whose error grows the along-track residual linearly with time) is found first.

Residuals. Ephemeris: position differences (km) and, when velocities are given, velocity differences
times 1/n (the orbit's radian time, so that 1 m/s counts as about 0.9 km in LEO... scaled to the same
size as a position error over one radian of the orbit). Measurements: (observed - predicted) / sigma with
the measurement model of :mod:`orbitwatch.core.od.predict`.
"""

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.optimize import OptimizeResult, least_squares

from orbitwatch.core.constants import SECONDS_PER_DAY, TWO_PI, WGS72_MU_KM3_S2
from orbitwatch.core.elements.epochs import as_utc
from orbitwatch.core.elements.model import ElementSet
from orbitwatch.core.frames.rotations import teme_from_gcrs_matrix
from orbitwatch.core.od.measurements import Measurement, Station
from orbitwatch.core.od.predict import (
    ANGLE_KINDS,
    measurement_geometry,
    observed_sigmas,
    observed_values,
    predict_values,
    time_grid,
)
from orbitwatch.core.propagation.numerical import EarthAxis, ForceModel, propagate_gcrs
from orbitwatch.core.propagation.states import TimeGrid
from orbitwatch.errors import ConvergenceError, ObservationError

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
ResidualFunction = Callable[[ElementSet], FloatArray]

BSTAR_SCALE = 1e-4
_FAILED_RESIDUAL = 1e4  # what an SGP4 error (decay, e >= 1) costs per value: steers the solver away
_MAX_ECCENTRICITY = 0.999
_SHOOTING_ITERATIONS = 12
_NO_AXIS = EarthAxis(np.array([0.0, 0.0, 1.0]), 0.0)  # two-body only: the Earth's axis is not used


@dataclass(frozen=True, slots=True, eq=False)
class ElementFit:
    """A fitted element set and how well it fits.

    ``rms_position_km`` / ``rms_velocity_km_s``: RMS over all states of the 3-D position and velocity
    differences (ephemeris fits; NaN for measurement fits). ``weighted_rms``: RMS of the normalised
    residuals (measurement fits; for ephemeris fits the RMS of the residual vector in km).
    ``residuals``: (M, 3) position differences SGP4 - ephemeris in km, or the flat observed - predicted
    measurement values. ``evaluations``: SGP4 runs of the solver's last stage.
    """

    elements: ElementSet
    rms_position_km: float
    rms_velocity_km_s: float
    weighted_rms: float
    residuals: FloatArray
    evaluations: int
    converged: bool
    message: str


def osculating_elements(
    r_teme_km: ArrayLike,
    v_teme_km_s: ArrayLike,
    epoch_utc: datetime,
    *,
    norad_id: int = 0,
    name: str = "",
    bstar_per_earth_radius: float = 0.0,
) -> ElementSet:
    """The osculating Keplerian elements of a TEME state as an ElementSet (a start for the fit, not mean
    elements): Vallado (2013) Algorithm 9 (RV2COE) with WGS-72 mu; undefined angles of circular or
    equatorial orbits are set so that the argument of latitude / true longitude is kept."""
    r = np.asarray(r_teme_km, dtype=np.float64).reshape(3)
    v = np.asarray(v_teme_km_s, dtype=np.float64).reshape(3)
    mu = WGS72_MU_KM3_S2
    r_norm, v2 = float(np.linalg.norm(r)), float(v @ v)
    h = np.cross(r, v)
    h_norm = float(np.linalg.norm(h))
    energy = v2 / 2.0 - mu / r_norm
    if energy >= 0.0 or h_norm == 0.0:
        raise ObservationError(
            f"state at {epoch_utc.isoformat()} is not a closed orbit (energy {energy:.4g})"
        )
    a = -mu / (2.0 * energy)
    e_vec = ((v2 - mu / r_norm) * r - float(r @ v) * v) / mu
    e = float(np.linalg.norm(e_vec))
    inc = math.acos(max(-1.0, min(1.0, h[2] / h_norm)))
    node = np.array([-h[1], h[0], 0.0])
    node_norm = float(np.linalg.norm(node))
    raan = math.atan2(node[1], node[0]) if node_norm > 1e-12 * h_norm else 0.0
    node_dir = np.array([math.cos(raan), math.sin(raan), 0.0])
    w_dir = np.cross(h / h_norm, node_dir)  # in-plane, 90 degrees ahead of the node
    u = math.atan2(float(r @ w_dir), float(r @ node_dir))  # argument of latitude
    argp = math.atan2(float(e_vec @ w_dir), float(e_vec @ node_dir)) if e > 1e-10 else 0.0
    nu = u - argp
    ecc_anomaly = 2.0 * math.atan2(
        math.sqrt(1.0 - e) * math.sin(nu / 2.0), math.sqrt(1.0 + e) * math.cos(nu / 2.0)
    )
    mean_anomaly = ecc_anomaly - e * math.sin(ecc_anomaly)
    n_rad_s = math.sqrt(mu / a**3)
    return ElementSet(
        norad_id=norad_id,
        epoch_utc=epoch_utc,
        mean_motion_rev_per_day=n_rad_s * SECONDS_PER_DAY / TWO_PI,
        eccentricity=min(e, _MAX_ECCENTRICITY),
        inclination_deg=math.degrees(inc),
        raan_deg=math.degrees(raan) % 360.0,
        arg_perigee_deg=math.degrees(argp) % 360.0,
        mean_anomaly_deg=math.degrees(mean_anomaly) % 360.0,
        bstar_per_earth_radius=bstar_per_earth_radius,
        name=name,
    )


def equinoctial_from_elements(elements: ElementSet) -> FloatArray:
    """(n rev/day, f, g, h, k, L rad) of an element set (module docstring)."""
    e = elements.eccentricity
    raan, argp = math.radians(elements.raan_deg), math.radians(elements.arg_perigee_deg)
    t = math.tan(math.radians(elements.inclination_deg) / 2.0)
    lon = (math.radians(elements.mean_anomaly_deg) + argp + raan) % TWO_PI
    return np.array(
        [
            elements.mean_motion_rev_per_day,
            e * math.cos(argp + raan),
            e * math.sin(argp + raan),
            t * math.cos(raan),
            t * math.sin(raan),
            lon,
        ]
    )


def elements_from_equinoctial(values: ArrayLike, template: ElementSet) -> ElementSet:
    """The element set of (n, f, g, h, k, L) with the epoch, B* and identity of ``template``."""
    n, f, g, h, k, lon = (float(x) for x in np.asarray(values, dtype=np.float64)[:6])
    e = min(math.hypot(f, g), _MAX_ECCENTRICITY)
    lon_peri = math.atan2(g, f)
    raan = math.atan2(k, h)
    inc = 2.0 * math.atan(math.hypot(h, k))
    return replace(
        template,
        mean_motion_rev_per_day=n,
        eccentricity=e,
        inclination_deg=math.degrees(inc),
        raan_deg=math.degrees(raan) % 360.0,
        arg_perigee_deg=math.degrees(lon_peri - raan) % 360.0,
        mean_anomaly_deg=math.degrees(lon - lon_peri) % 360.0,
    )


def sgp4_teme(elements: ElementSet, grid: TimeGrid) -> tuple[FloatArray, FloatArray, NDArray[np.uint8]]:
    """SGP4 TEME positions (km), velocities (km/s) and error codes of one element set on a grid."""
    jd, fr = grid.julian_dates()
    codes, r, v = elements.to_satrec().sgp4_array(jd, fr)
    return np.asarray(r, dtype=np.float64), np.asarray(v, dtype=np.float64), np.asarray(codes, dtype=np.uint8)


def fit_elements_to_ephemeris(
    times_utc: Sequence[datetime],
    r_km: ArrayLike,
    v_km_s: ArrayLike | None = None,
    *,
    frame: str = "teme",
    initial: ElementSet | None = None,
    epoch_utc: datetime | None = None,
    fit_bstar: bool = False,
    norad_id: int = 0,
    name: str = "",
) -> ElementFit:
    """Mean elements at ``epoch_utc`` (default: the first time) that make SGP4 reproduce an ephemeris.

    ``r_km`` (M, 3) and optional ``v_km_s`` (M, 3) are in ``frame`` (``teme`` or ``gcrs``; GCRS states are
    rotated to TEME with :mod:`orbitwatch.core.frames.rotations`, the same matrix for both vectors).
    ``initial`` is the starting element set (its identity, B* and name are kept); by default the osculating
    elements of the first state.
    """
    if len(times_utc) < 3:
        raise ObservationError(f"an element fit needs at least 3 states, got {len(times_utc)}")
    r = np.asarray(r_km, dtype=np.float64).reshape(len(times_utc), 3)
    v = None if v_km_s is None else np.asarray(v_km_s, dtype=np.float64).reshape(len(times_utc), 3)
    grid, index = time_grid(times_utc)
    if frame.lower() == "gcrs":
        rotation = teme_from_gcrs_matrix(grid)[index]
        r = np.einsum("nij,nj->ni", rotation, r)
        v = None if v is None else np.einsum("nij,nj->ni", rotation, v)
    elif frame.lower() != "teme":
        raise ObservationError(f"an element fit takes TEME or GCRS states, not {frame!r}")
    first = int(np.argmin([as_utc(t).timestamp() for t in times_utc]))
    epoch = as_utc(epoch_utc) if epoch_utc is not None else as_utc(times_utc[first])
    start = initial if initial is not None else osculating_elements(
        r[first], v[first] if v is not None else _velocity_guess(r, times_utc, first), epoch,
        norad_id=norad_id, name=name,
    )  # fmt: skip
    start = replace(start, epoch_utc=epoch)
    offsets = np.array([(as_utc(t) - epoch).total_seconds() for t in times_utc])
    time_scale_s = SECONDS_PER_DAY / (TWO_PI * start.mean_motion_rev_per_day)

    def residual_for(chosen: IntArray) -> ResidualFunction:
        chosen_grid, order = _grid_of(epoch, offsets[chosen]), _order_of(offsets[chosen])

        def fun(elements: ElementSet) -> FloatArray:
            r_fit, v_fit, codes = sgp4_teme(elements, chosen_grid)
            parts = [(r_fit[order] - r[chosen]).reshape(-1)]
            if v is not None:
                parts.append(((v_fit[order] - v[chosen]) * time_scale_s).reshape(-1))
            out = np.concatenate(parts)
            if np.any(codes != 0):
                out = np.full_like(out, _FAILED_RESIDUAL)
            return out

        return fun

    elements, result = _fit_staged(start, offsets, fit_bstar, residual_for)
    r_fit, v_fit, codes = sgp4_teme(elements, _grid_of(epoch, offsets))
    order = _order_of(offsets)
    dr = r_fit[order] - r
    rms_r = float(np.sqrt(np.mean(np.sum(dr * dr, axis=1))))
    rms_v = float("nan") if v is None else float(np.sqrt(np.mean(np.sum((v_fit[order] - v) ** 2, axis=1))))
    return ElementFit(
        elements,
        rms_r,
        rms_v,
        float(np.sqrt(np.mean(result.fun**2))),
        dr,
        int(result.nfev),
        bool(result.success) and not np.any(codes),
        str(result.message),
    )


def fit_elements_to_measurements(
    measurements: Sequence[Measurement],
    stations: Mapping[str, Station],
    initial: ElementSet,
    *,
    epoch_utc: datetime | None = None,
    fit_bstar: bool = False,
) -> ElementFit:
    """Mean elements that make SGP4 plus the measurement model of :mod:`orbitwatch.core.od.predict`
    reproduce measurements (weighted by their sigmas), starting from ``initial`` (for example the
    osculating elements of an orbit determined by :func:`orbitwatch.core.od.batch.batch_least_squares`,
    :func:`osculating_elements` of its state rotated to TEME)."""
    if not measurements:
        raise ObservationError("an element fit needs measurements")
    geometry = measurement_geometry(measurements, stations)
    observed, sigmas = observed_values(measurements), observed_sigmas(measurements)
    times = [m.time_utc for m in measurements]
    grid, index = time_grid(times)
    gcrs_from_teme = teme_from_gcrs_matrix(grid).transpose(0, 2, 1)
    epoch = as_utc(epoch_utc) if epoch_utc is not None else initial.epoch_utc
    start = replace(initial, epoch_utc=epoch)
    offsets_unique = np.array([(grid.utc(o) - epoch).total_seconds() for o in grid.offsets_s])
    wrap = np.array(
        [geometry.value_offsets[i] for i, m in enumerate(measurements) if m.kind in ANGLE_KINDS],
        dtype=np.int64,
    )
    value_owner = np.repeat(np.arange(len(measurements)), np.diff(geometry.value_offsets))
    measurement_offsets = offsets_unique[index]

    def residual_for(chosen: IntArray) -> ResidualFunction:
        rows = np.isin(value_owner, chosen)

        def fun(elements: ElementSet) -> FloatArray:
            r_teme, v_teme, codes = sgp4_teme(elements, TimeGrid(epoch, offsets_unique))
            r = np.einsum("nij,nj->ni", gcrs_from_teme, r_teme)[index]
            v = np.einsum("nij,nj->ni", gcrs_from_teme, v_teme)[index]
            diff = observed - predict_values(geometry, r, v)
            diff[wrap] = np.mod(diff[wrap] + 180.0, 360.0) - 180.0
            out = (diff / sigmas)[rows]
            if np.any(codes != 0):
                out = np.full_like(out, _FAILED_RESIDUAL)
            return out

        return fun

    elements, result = _fit_staged(start, measurement_offsets, fit_bstar, residual_for)
    r_teme, v_teme, codes = sgp4_teme(elements, TimeGrid(epoch, offsets_unique))
    r = np.einsum("nij,nj->ni", gcrs_from_teme, r_teme)[index]
    v = np.einsum("nij,nj->ni", gcrs_from_teme, v_teme)[index]
    diff = observed - predict_values(geometry, r, v)
    diff[wrap] = np.mod(diff[wrap] + 180.0, 360.0) - 180.0
    return ElementFit(
        elements,
        float("nan"),
        float("nan"),
        float(np.sqrt(np.mean((diff / sigmas) ** 2))),
        diff,
        int(result.nfev),
        bool(result.success) and not np.any(codes),
        str(result.message),
    )


def _fit_staged(
    start: ElementSet,
    offsets_s: FloatArray,
    fit_bstar: bool,
    residual_for: Callable[[IntArray], ResidualFunction],
) -> tuple[ElementSet, OptimizeResult]:
    """Least squares on the first two orbits, then on everything (module docstring)."""
    period_s = SECONDS_PER_DAY / start.mean_motion_rev_per_day
    span_from_start = offsets_s - offsets_s.min()
    stages = [np.arange(offsets_s.size)]
    early = np.flatnonzero(span_from_start <= 2.0 * period_s)
    if early.size >= 3 and early.size < offsets_s.size:
        stages.insert(0, early)
    elements = start
    result = None
    for chosen in stages:
        fun = residual_for(chosen)
        x0 = equinoctial_from_elements(elements)
        if fit_bstar:
            x0 = np.append(x0, elements.bstar_per_earth_radius / BSTAR_SCALE)
        template = elements

        def to_elements(x: FloatArray, template: ElementSet = template) -> ElementSet:
            fitted = elements_from_equinoctial(x, template)
            if fit_bstar:
                fitted = replace(fitted, bstar_per_earth_radius=float(x[6]) * BSTAR_SCALE)
            return fitted

        size = fun(elements).size

        def cost(
            x: FloatArray,
            fun: ResidualFunction = fun,
            to: Callable[[FloatArray], ElementSet] = to_elements,
            size: int = size,
        ) -> FloatArray:
            if x[0] <= 0.0:
                return np.full(size, _FAILED_RESIDUAL)
            return fun(to(x))

        result = least_squares(cost, x0, method="trf", x_scale="jac", xtol=1e-12, ftol=1e-12, gtol=1e-12)
        elements = to_elements(result.x)
        if not np.all(np.isfinite(result.fun)) or np.all(result.fun == _FAILED_RESIDUAL):
            raise ConvergenceError(f"element fit from {start.epoch_utc.isoformat()} failed: {result.message}")
    assert result is not None
    return elements, result


def _velocity_guess(r: FloatArray, times_utc: Sequence[datetime], first: int) -> FloatArray:
    """A velocity for the first state of a positions-only ephemeris: the two-body orbit through it and its
    nearest neighbour (Lambert's problem by shooting: Newton on the velocity with the numerical
    propagator's two-body state transition matrix, from the circular velocity; the neighbour should be
    less than half an orbit away)."""
    t = np.array([as_utc(x).timestamp() for x in times_utc])
    other = int(np.argsort(np.abs(t - t[first]))[1])
    dt = float(t[other] - t[first])
    # Start: the circular velocity, in the plane of the two positions, in the direction of motion.
    r0, r1 = r[first], r[other]
    along = r1 - (r1 @ r0) / (r0 @ r0) * r0
    along *= math.copysign(1.0, dt) / float(np.linalg.norm(along))
    velocity: FloatArray = math.sqrt(WGS72_MU_KM3_S2 / float(np.linalg.norm(r0))) * along
    two_body = ForceModel(zonal_degree=0, mu_km3_s2=WGS72_MU_KM3_S2)
    epoch = as_utc(times_utc[first])
    for _ in range(_SHOOTING_ITERATIONS):
        trajectory = propagate_gcrs(
            epoch, r[first], velocity, [dt], two_body, stm=True, rtol=1e-11, axis=_NO_AXIS
        )
        assert trajectory.stm is not None
        miss = r[other] - trajectory.r_gcrs_km[0]
        step: FloatArray = np.linalg.solve(trajectory.stm[0, :3, 3:], miss)
        velocity = velocity + step
        if float(np.linalg.norm(miss)) < 1e-9:
            break
    return velocity


def _order_of(offsets_s: FloatArray) -> IntArray:
    """Index into the sorted unique grid of each offset (SGP4 runs on increasing instants)."""
    _, inverse = np.unique(offsets_s, return_inverse=True)
    return inverse.astype(np.int64).reshape(-1)


def _grid_of(epoch: datetime, offsets_s: FloatArray) -> TimeGrid:
    return TimeGrid(epoch, np.unique(offsets_s))
