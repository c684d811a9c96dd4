"""Batch weighted least-squares orbit determination (differential correction).

The estimator follows Montenbruck & Gill, *Satellite Orbits* (2000), §8.1-8.2 and Tapley, Schutz & Born,
*Statistical Orbit Determination* (2004), ch. 4 (also Vallado 2013, §10.4): the state x = (r, v) at the
epoch of the initial state (GCRS, km and km/s), optionally with the drag parameter C_D A / m, is corrected
by Gauss-Newton iterations

    dx = (A^T W A)^-1 A^T W (z - h(x)),   A = H(t_i) Phi(t_i, t_0),   W = diag(1 / sigma^2),

where h is the measurement model (``orbitwatch.core.od.predict``), H its partials at each measurement time
and Phi the state transition matrix of the numerical propagator
(``orbitwatch.core.propagation.numerical``, two-body + J2..J4, optional drag). The normal equations are
solved by a singular value decomposition of the weighted, column-scaled A (not by forming A^T W A), and
the formal covariance is P = (A^T W A)^-1 at the solution (not scaled by the post-fit variance).

A correction that does not lower the weighted cost is halved, up to ``MAX_STEP_HALVINGS`` times
(a damped Gauss-Newton step, Montenbruck & Gill §8.2.3 discussion of divergence); if none lowers it the
estimator raises :class:`~orbitwatch.errors.ConvergenceError`.

Outlier rule ("sigma editing", as in GTDS and Orekit's batch estimator; Tapley, Schutz & Born ch. 4).
Each iteration, every measurement - accepted or not - gets its normalised residual
q_k = max_j |z_kj - h_kj| / sigma_kj (its largest component) at the new iterate. Let rho be the weighted RMS
sqrt(sum (res/sigma)^2 / n) at the new iterate over the values accepted so far. Measurement k is rejected
when q_k > ``outlier_sigma`` * rho (default 3 rho), and reinstated as soon as it is back within. Editing
starts once the fit is in its linear regime: from the first iteration whose weighted RMS changed by less
than 50 % (before that, a far initial guess gives residuals that are large for model reasons, not for bad
data). At most half of the measurements are ever rejected (the largest q first). With correct sigmas and
3-component measurements the rule also drops about 0.8 % of good data (3-sigma tails).

Convergence: the set of rejected measurements did not change and either the relative change of the
weighted RMS was below ``rms_rtol`` or the last correction was below 1e-3 of its formal sigma in every
component. Reaching ``max_iterations`` without that returns a solution with ``converged=False``.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
from numpy.typing import NDArray

from orbitwatch.core.od.measurements import MEASUREMENT_SIZES, Measurement, Station
from orbitwatch.core.od.predict import (
    ANGLE_KINDS,
    earth_orientation,
    gcrs_states_from_itrs,
    gcrs_states_from_teme,
    measurement_geometry,
    measurement_partials,
    observed_sigmas,
    observed_values,
    predict_values,
)
from orbitwatch.core.od.state import OrbitState
from orbitwatch.core.propagation.numerical import (
    ForceModel,
    Trajectory,
    earth_axis,
    offsets_s,
    propagate_gcrs,
)
from orbitwatch.errors import ConvergenceError, ObservationError, PropagationError

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

PredictFunction = Callable[[Sequence[Measurement], FloatArray, FloatArray, Mapping[str, Station]], FloatArray]
"""``predict(measurements, r_gcrs_km (N, 3), v_gcrs_km_s (N, 3), stations) -> values`` flat in measurement
order (the layout of :func:`orbitwatch.core.od.predict.predict_measurements`)."""

ProgressCallback = Callable[[int, float], None]
"""Called after each iteration with the iteration number and the weighted RMS."""

MAX_STEP_HALVINGS = 6
EDITING_START_RMS_CHANGE = 0.5
_MAX_REJECTED_FRACTION = 0.5
_SINGULAR_RATIO = 1e-13
_DELTA_R_KM = 1e-4
_DELTA_V_KM_S = 1e-7


@dataclass(frozen=True, slots=True)
class MeasurementResidual:
    """The post-fit residual of one measurement: observed - computed, in the measurement's units (angles
    in degrees, right ascension and azimuth wrapped into [-180, 180)), and divided by its sigmas."""

    index: int
    time_utc: datetime
    kind: str
    station: str
    residual: tuple[float, ...]
    normalised: tuple[float, ...]
    rejected: bool


@dataclass(frozen=True, slots=True, eq=False)
class OrbitSolution:
    """The result of :func:`batch_least_squares`.

    ``state``: the estimated GCRS state at the epoch of the initial state. ``covariance_gcrs``: its formal
    6x6 covariance (km^2, km^2/s, km^2/s^2). ``rms_by_kind``: RMS of the accepted residuals per value of each
    kind, in the kind's units; ``weighted_rms_by_kind`` / ``weighted_rms_by_station``: RMS of the normalised
    residuals (1 when the sigmas are right; positions have the station ``""``). ``rejected``: indices of the
    measurements rejected at the end. ``last_rms_change``: relative change of the weighted RMS in the last
    iteration. ``ballistic_m2_kg`` (C_D A / m) and its sigma when estimated, else the fixed value and None.
    """

    state: OrbitState
    covariance_gcrs: FloatArray
    residuals: tuple[MeasurementResidual, ...]
    weighted_rms: float
    rms_by_kind: Mapping[str, tuple[float, ...]]
    weighted_rms_by_kind: Mapping[str, float]
    weighted_rms_by_station: Mapping[str, float]
    iterations: int
    converged: bool
    rejected: tuple[int, ...]
    last_rms_change: float
    force: ForceModel
    ballistic_m2_kg: float | None = None
    ballistic_sigma_m2_kg: float | None = None
    history_weighted_rms: tuple[float, ...] = field(default=())

    @property
    def sigma_position_km(self) -> FloatArray:
        """Formal standard deviations of x, y, z (km)."""
        result: FloatArray = np.sqrt(np.diag(self.covariance_gcrs)[:3])
        return result

    @property
    def sigma_velocity_km_s(self) -> FloatArray:
        """Formal standard deviations of vx, vy, vz (km/s)."""
        result: FloatArray = np.sqrt(np.diag(self.covariance_gcrs)[3:])
        return result


@dataclass(frozen=True, slots=True, eq=False)
class _Problem:
    """Everything about the measurements that does not change between iterations."""

    measurements: tuple[Measurement, ...]
    stations: Mapping[str, Station]
    epoch_utc: datetime
    unique_offsets_s: FloatArray
    time_index: IntArray
    observed: FloatArray
    sigmas: FloatArray
    value_offsets: IntArray
    value_owner: IntArray
    wrap_columns: IntArray
    model: Callable[[FloatArray, FloatArray], FloatArray]
    partials: Callable[[FloatArray, FloatArray], FloatArray]


@dataclass(frozen=True, slots=True, eq=False)
class _Evaluation:
    """The residuals and the Jacobian at one iterate."""

    parameters: FloatArray
    normalised: FloatArray
    jacobian: FloatArray  # normalised: d(res / sigma)/dx is minus this; rows of values, columns of parameters


def batch_least_squares(
    measurements: Sequence[Measurement],
    stations: Mapping[str, Station],
    initial: OrbitState,
    predict: PredictFunction | None = None,
    *,
    force: ForceModel | None = None,
    estimate_ballistic: bool = False,
    max_iterations: int = 20,
    rms_rtol: float = 1e-4,
    outlier_sigma: float = 3.0,
    edit_outliers: bool = True,
    rtol: float = 1e-10,
    progress: ProgressCallback | None = None,
) -> OrbitSolution:
    """Estimate the GCRS state at ``initial.epoch_utc`` (and C_D A / m) from all measurements (module doc).

    ``predict`` defaults to :func:`orbitwatch.core.od.predict.predict_measurements` with its analytic
    partials; a custom one gets central-difference partials. ``initial`` may be in GCRS, TEME or ITRS.
    ``force`` defaults to J2..J4 without drag; ``estimate_ballistic`` needs ``force.drag`` and starts from
    ``force.ballistic_m2_kg``.
    """
    force = ForceModel() if force is None else force
    if estimate_ballistic and not force.drag:
        raise ObservationError("estimate_ballistic needs a force model with drag=True")
    if not measurements:
        raise ObservationError("batch least squares: no measurements")
    problem = _problem(tuple(measurements), stations, initial.epoch_utc, predict)
    count_parameters = 7 if estimate_ballistic else 6
    if problem.observed.size <= count_parameters:
        raise ConvergenceError(
            f"batch least squares: {problem.observed.size} measured values cannot determine "
            f"{count_parameters} parameters"
        )
    r0, v0 = initial_gcrs(initial)
    parameters = np.concatenate([r0, v0, [force.ballistic_m2_kg] if estimate_ballistic else []])
    axis = earth_axis(initial.epoch_utc)

    def evaluate(x: FloatArray) -> _Evaluation:
        return _evaluate(problem, x, force, estimate_ballistic, axis, rtol)

    try:
        current = evaluate(parameters)
    except PropagationError as error:
        raise ConvergenceError(
            f"batch least squares: the initial state cannot be propagated: {error}"
        ) from error
    accepted = np.ones(len(problem.measurements), dtype=bool)
    rms = _weighted_rms(current.normalised, accepted, problem)
    history = [rms]
    editing = False
    last_change = float("inf")
    converged = False
    iterations = 0
    covariance = np.full((count_parameters, count_parameters), np.nan)
    while iterations < max_iterations:
        iterations += 1
        step, covariance = _solve(current, accepted, problem)
        candidate, candidate_rms = _line_search(evaluate, current, step, accepted, problem, rms)
        if candidate is None:
            raise ConvergenceError(
                f"batch least squares diverged at iteration {iterations}: no step along the Gauss-Newton "
                f"correction lowers the weighted RMS {rms:.6g} (after {MAX_STEP_HALVINGS} halvings)"
            )
        last_change = abs(candidate_rms - rms) / max(rms, 1e-300)
        small_step = bool(np.all(np.abs(step) <= 1e-3 * np.sqrt(np.maximum(np.diag(covariance), 1e-300))))
        current = candidate
        editing = editing or not edit_outliers or last_change < EDITING_START_RMS_CHANGE
        new_accepted = (
            _edit(current.normalised, problem, candidate_rms, outlier_sigma)
            if (edit_outliers and editing)
            else accepted
        )
        mask_same = bool(np.array_equal(new_accepted, accepted))
        accepted = new_accepted
        rms = _weighted_rms(current.normalised, accepted, problem)
        history.append(rms)
        if progress is not None:
            progress(iterations, rms)
        if not np.isfinite(rms):
            raise ConvergenceError(f"batch least squares diverged at iteration {iterations}: RMS not finite")
        if mask_same and editing and (last_change < rms_rtol or small_step):
            converged = True
            break
    _, covariance = _solve(current, accepted, problem)
    return _solution(
        problem, current, accepted, covariance, force, estimate_ballistic, iterations, converged, last_change,
        history,
    )  # fmt: skip


def initial_gcrs(state: OrbitState) -> tuple[FloatArray, FloatArray]:
    """The GCRS position and velocity of a state in GCRS, TEME or ITRS (``orbitwatch.core.od.predict``)."""
    r, v = np.array(state.r_km, dtype=np.float64), np.array(state.v_km_s, dtype=np.float64)
    frame = state.frame.lower()
    if frame == "gcrs":
        return r, v
    if frame == "teme":
        rg, vg = gcrs_states_from_teme(r[None], v[None], [state.epoch_utc])
        return rg[0], vg[0]
    if frame == "itrs":
        rg, vg = gcrs_states_from_itrs(r[None], v[None], earth_orientation([state.epoch_utc]))
        return rg[0], vg[0]
    raise ObservationError(f"orbit state: cannot convert frame {state.frame!r} to GCRS")


def _problem(
    measurements: tuple[Measurement, ...],
    stations: Mapping[str, Station],
    epoch_utc: datetime,
    predict: PredictFunction | None,
) -> _Problem:
    offsets = offsets_s(epoch_utc, [m.time_utc for m in measurements])
    unique, time_index = np.unique(np.round(offsets * 1e6) / 1e6, return_inverse=True)
    sizes = np.array([MEASUREMENT_SIZES[m.kind] for m in measurements], dtype=np.int64)
    value_offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    value_owner = np.repeat(np.arange(len(measurements), dtype=np.int64), sizes)
    wrap = np.array(
        [value_offsets[i] for i, m in enumerate(measurements) if m.kind in ANGLE_KINDS], dtype=np.int64
    )
    if predict is None:
        geometry = measurement_geometry(measurements, stations)

        def model(r: FloatArray, v: FloatArray) -> FloatArray:
            return predict_values(geometry, r, v)

        def partials(r: FloatArray, v: FloatArray) -> FloatArray:
            return measurement_partials(geometry, r, v)

    else:
        custom = predict

        def model(r: FloatArray, v: FloatArray) -> FloatArray:
            return np.asarray(custom(measurements, r, v, stations), dtype=np.float64).reshape(-1)

        def partials(r: FloatArray, v: FloatArray) -> FloatArray:
            return _central_partials(model, r, v, value_owner, wrap)

    return _Problem(
        measurements,
        stations,
        epoch_utc,
        unique.astype(np.float64),
        time_index.astype(np.int64).reshape(-1),
        observed_values(measurements),
        observed_sigmas(measurements),
        value_offsets,
        value_owner,
        wrap,
        model,
        partials,
    )


def _central_partials(
    model: Callable[[FloatArray, FloatArray], FloatArray],
    r: FloatArray,
    v: FloatArray,
    value_owner: IntArray,
    wrap: IntArray,
) -> FloatArray:
    """d(value)/d(r, v) of each value at its own measurement's state, by central differences (12 calls)."""
    columns = []
    for j in range(6):
        step = _DELTA_R_KM if j < 3 else _DELTA_V_KM_S
        delta = np.zeros((r.shape[0], 6))
        delta[:, j] = step
        plus = model(r + delta[:, :3], v + delta[:, 3:])
        minus = model(r - delta[:, :3], v - delta[:, 3:])
        diff = plus - minus
        diff[wrap] = np.mod(diff[wrap] + 180.0, 360.0) - 180.0
        columns.append(diff / (2.0 * step))
    return np.stack(columns, axis=1)


def _wrap(diff: FloatArray, wrap: IntArray) -> FloatArray:
    diff[wrap] = np.mod(diff[wrap] + 180.0, 360.0) - 180.0
    return diff


def _evaluate(
    problem: _Problem, x: FloatArray, force: ForceModel, estimate_ballistic: bool, axis: object, rtol: float
) -> _Evaluation:
    if not np.all(np.isfinite(x)):
        raise PropagationError("the state is not finite")
    model_force = force
    if estimate_ballistic:
        if x[6] < 0.0:
            raise PropagationError(f"C_D A / m became negative ({x[6]:.3g} m^2/kg)")
        model_force = ForceModel(force.zonal_degree, True, float(x[6]), force.mu_km3_s2, force.radius_km)
    trajectory: Trajectory = propagate_gcrs(
        problem.epoch_utc, x[:3], x[3:6], problem.unique_offsets_s, model_force, stm=True, rtol=rtol,
        axis=axis,  # type: ignore[arg-type]
    )  # fmt: skip
    r = trajectory.r_gcrs_km[problem.time_index]
    v = trajectory.v_gcrs_km_s[problem.time_index]
    predicted = problem.model(r, v)
    residual = _wrap(problem.observed - predicted, problem.wrap_columns)
    h = problem.partials(r, v)  # (values, 6)
    assert trajectory.stm is not None
    phi = trajectory.stm[problem.time_index][problem.value_owner]  # (values, 6, 6)
    jac = np.einsum("nk,nkj->nj", h, phi)
    if estimate_ballistic:
        assert trajectory.ballistic_partials is not None
        db = trajectory.ballistic_partials[problem.time_index][problem.value_owner]
        jac = np.concatenate([jac, np.einsum("nk,nk->n", h, db)[:, None]], axis=1)
    return _Evaluation(x, residual / problem.sigmas, jac / problem.sigmas[:, None])


def _weighted_rms(normalised: FloatArray, accepted: NDArray[np.bool_], problem: _Problem) -> float:
    rows = accepted[problem.value_owner]
    if not np.any(rows):
        return float("nan")
    return float(np.sqrt(np.mean(normalised[rows] ** 2)))


def _solve(
    current: _Evaluation, accepted: NDArray[np.bool_], problem: _Problem
) -> tuple[FloatArray, FloatArray]:
    """The Gauss-Newton correction and the formal covariance, by SVD of the column-scaled weighted A."""
    rows = accepted[problem.value_owner]
    a = current.jacobian[rows]
    b = current.normalised[rows]
    if a.shape[0] <= a.shape[1]:
        raise ConvergenceError(
            f"batch least squares: only {a.shape[0]} accepted values for {a.shape[1]} parameters"
        )
    scale = np.linalg.norm(a, axis=0)
    if not np.all(np.isfinite(a)) or np.any(scale == 0.0):
        raise ConvergenceError("batch least squares: a parameter has no effect on any accepted measurement")
    u, s, vt = np.linalg.svd(a / scale, full_matrices=False)
    if s[-1] < _SINGULAR_RATIO * s[0]:
        raise ConvergenceError(
            "batch least squares: the measurements do not determine the state (singular normal matrix, "
            f"condition {s[0] / s[-1]:.3g})"
        )
    step = (vt.T @ ((u.T @ b) / s)) / scale
    covariance = (vt.T / s**2) @ vt / np.outer(scale, scale)
    return step, covariance


def _line_search(
    evaluate: Callable[[FloatArray], _Evaluation],
    current: _Evaluation,
    step: FloatArray,
    accepted: NDArray[np.bool_],
    problem: _Problem,
    rms: float,
) -> tuple[_Evaluation | None, float]:
    """The first of x + step, x + step/2, ... whose weighted RMS (same accepted set) is not higher."""
    factor = 1.0
    for _ in range(MAX_STEP_HALVINGS + 1):
        try:
            candidate = evaluate(current.parameters + factor * step)
        except PropagationError:
            factor *= 0.5
            continue
        candidate_rms = _weighted_rms(candidate.normalised, accepted, problem)
        if np.isfinite(candidate_rms) and candidate_rms <= rms * (1.0 + 1e-9):
            return candidate, candidate_rms
        factor *= 0.5
    return None, float("nan")


def _edit(normalised: FloatArray, problem: _Problem, rms: float, outlier_sigma: float) -> NDArray[np.bool_]:
    """Accepted measurements: largest |normalised residual| within outlier_sigma * rms (module docstring)."""
    count = len(problem.measurements)
    q = np.zeros(count)
    np.maximum.at(q, problem.value_owner, np.abs(normalised))
    accepted: NDArray[np.bool_] = q <= outlier_sigma * rms
    limit = int(np.floor(_MAX_REJECTED_FRACTION * count))
    if count - int(np.count_nonzero(accepted)) > limit:
        accepted = np.ones(count, dtype=bool)
        accepted[np.argsort(-q, kind="stable")[:limit]] = False
    return accepted


def _solution(
    problem: _Problem,
    current: _Evaluation,
    accepted: NDArray[np.bool_],
    covariance: FloatArray,
    force: ForceModel,
    estimate_ballistic: bool,
    iterations: int,
    converged: bool,
    last_change: float,
    history: list[float],
) -> OrbitSolution:
    residual = current.normalised * problem.sigmas
    per_measurement = tuple(
        MeasurementResidual(
            i,
            m.time_utc,
            m.kind,
            m.station,
            tuple(float(x) for x in residual[problem.value_offsets[i] : problem.value_offsets[i + 1]]),
            tuple(
                float(x) for x in current.normalised[problem.value_offsets[i] : problem.value_offsets[i + 1]]
            ),
            not bool(accepted[i]),
        )
        for i, m in enumerate(problem.measurements)
    )
    rms_by_kind: dict[str, tuple[float, ...]] = {}
    weighted_by_kind: dict[str, float] = {}
    weighted_by_station: dict[str, float] = {}
    kinds = np.array([m.kind for m in problem.measurements])
    names = np.array([m.station for m in problem.measurements])
    for kind in sorted(set(kinds.tolist())):
        chosen = np.flatnonzero((kinds == kind) & accepted)
        if chosen.size == 0:
            continue
        size = MEASUREMENT_SIZES[kind]
        columns = problem.value_offsets[chosen][:, None] + np.arange(size)[None, :]
        rms_by_kind[kind] = tuple(float(x) for x in np.sqrt(np.mean(residual[columns] ** 2, axis=0)))
        weighted_by_kind[kind] = float(np.sqrt(np.mean(current.normalised[columns] ** 2)))
    for name in sorted(set(names.tolist())):
        rows = ((names == name) & accepted)[problem.value_owner]
        if np.any(rows):
            weighted_by_station[name] = float(np.sqrt(np.mean(current.normalised[rows] ** 2)))
    x = current.parameters
    state = OrbitState.from_arrays(problem.epoch_utc, "gcrs", x[:3], x[3:6])
    return OrbitSolution(
        state=state,
        covariance_gcrs=np.ascontiguousarray(covariance[:6, :6]),
        residuals=per_measurement,
        weighted_rms=_weighted_rms(current.normalised, accepted, problem),
        rms_by_kind=rms_by_kind,
        weighted_rms_by_kind=weighted_by_kind,
        weighted_rms_by_station=weighted_by_station,
        iterations=iterations,
        converged=converged,
        rejected=tuple(int(i) for i in np.flatnonzero(~accepted)),
        last_rms_change=last_change,
        force=force
        if not estimate_ballistic
        else ForceModel(force.zonal_degree, True, float(x[6]), force.mu_km3_s2, force.radius_km),
        ballistic_m2_kg=float(x[6])
        if estimate_ballistic
        else (force.ballistic_m2_kg if force.drag else None),
        ballistic_sigma_m2_kg=float(np.sqrt(covariance[6, 6])) if estimate_ballistic else None,
        history_weighted_rms=tuple(history),
    )
