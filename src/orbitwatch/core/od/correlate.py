"""Correlation: which catalog object is this track or orbit? Rank the catalog, gate, or say "uncorrelated".

Two questions, one statistic (a Mahalanobis distance, tested against a chi-square gate):

**A short track** (:func:`correlate_track`): measurements of any kinds from stations (optical ``ra_dec``,
radar ``az_el``/``range``/``range_rate``, or positions). Each catalog object is propagated by SGP4
(python-sgp4) to the measurement times, its predicted values come from the measurement model of
:mod:`orbitwatch.core.od.predict`, and the residual vector z (observed - predicted, all values of the
track) is compared with its covariance

    S = R + H B Lambda B^T H^T,

where R = diag(sigma^2) is the measurement noise, H the partials of the values with respect to the
object's position, B the object's radial / along-track / cross-track (RTN) axes at each time and
Lambda = diag(sigma_R^2, sigma_T^2(age), sigma_N^2) the covariance of the catalog prediction's error, taken
as one RTN offset common to the whole track (over a track of minutes the error of an element set is a
displacement, mostly along the track, that hardly changes). The squared distance d^2 = z^T S^-1 z is
computed with the Woodbury identity (Tapley, Schutz and Born 2004, *Statistical Orbit Determination*,
sec. 4.7; the same form as the consider covariance), so the cost is a 3x3 solve per object and the whole
catalog is one vectorised computation. Under the hypothesis "this is that object", d^2 follows a
chi-square law with as many degrees of freedom as the track has values.

**A solved orbit** (:func:`correlate_orbit`): the state and its 6x6 covariance P (from
:func:`orbitwatch.core.od.batch.batch_least_squares`) against each object's SGP4 state at the same epoch:
d^2 = dx^T (P + P_cat)^-1 dx with 6 degrees of freedom. P_cat has the RTN position sigmas above and
velocity sigmas n sigma_T (radial), n sigma_R (along-track), n sigma_N (cross-track), with n the mean motion:
the velocity errors that a timing error, a radial error and a plane error of the same size imply on a
near-circular orbit (Vallado 2013, *Fundamentals of Astrodynamics and Applications*, 4th ed., sec. 10.8).

**The catalog's error** (:class:`CatalogErrorModel`): along-track e_0 + g |age| as in
:mod:`orbitwatch.core.events.uncertainty` (1 km at epoch and 2 km/day in low orbit, 1 km/day higher: the
figures of Vallado and Cefola 2012, "Two-line element sets -- practice and use", IAC-12-C1.6.12, and Kelso
2007, AAS 07-127), and 1 km radial and cross-track. These are deliberately generous: the gate is meant to
accept the right object with its ordinary element-set error and to refuse everything else.

**The gate**: the object is correlated when d^2 is below the chi-square quantile at ``probability``
(0.999 by default: a true match is refused one time in a thousand). Ranking is by d^2 over the degrees of
freedom. When no object passes, the answer is "uncorrelated" and the nearest objects are still listed.
The angular RMS (deg) between observed and predicted lines of sight is reported beside d^2 for optical and
radar angles, as the plain "how far off in the sky" figure.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

import numpy as np
from numpy.typing import NDArray
from scipy import stats

from orbitwatch.core.constants import SECONDS_PER_DAY, TWO_PI
from orbitwatch.core.elements.model import ElementSet
from orbitwatch.core.events.uncertainty import (
    DEFAULT_EPOCH_ERROR_KM,
    DEFAULT_HIGH_GROWTH_KM_PER_DAY,
    DEFAULT_LEO_GROWTH_KM_PER_DAY,
    LEO_PERIGEE_LIMIT_KM,
)
from orbitwatch.core.frames.rotations import teme_from_gcrs_matrix
from orbitwatch.core.od.measurements import Measurement
from orbitwatch.core.od.predict import (
    EarthOrientation,
    MeasurementGeometry,
    Stations,
    measurement_geometry,
    measurement_partials,
    observed_sigmas,
    observed_values,
    predict_values,
    residuals,
    time_grid,
)
from orbitwatch.core.od.state import OrbitState
from orbitwatch.core.propagation.engine import propagate
from orbitwatch.errors import ObservationError

FloatArray = NDArray[np.float64]

DEFAULT_GATE_PROBABILITY: Final = 0.999
DEFAULT_RADIAL_SIGMA_KM: Final = 1.0
DEFAULT_CROSS_TRACK_SIGMA_KM: Final = 1.0
DEFAULT_TOP: Final = 10
_ANGLE_KINDS: Final = ("ra_dec", "az_el")


@dataclass(frozen=True, slots=True)
class CatalogErrorModel:
    """1-sigma error of a catalog (SGP4) prediction, in the object's RTN axes (km).

    Along-track: ``along_track_epoch_km`` + growth x |age| with ``leo_growth_km_per_day`` below
    ``LEO_PERIGEE_LIMIT_KM`` perigee and ``high_growth_km_per_day`` above (module docstring).
    """

    radial_km: float = DEFAULT_RADIAL_SIGMA_KM
    cross_track_km: float = DEFAULT_CROSS_TRACK_SIGMA_KM
    along_track_epoch_km: float = DEFAULT_EPOCH_ERROR_KM
    leo_growth_km_per_day: float = DEFAULT_LEO_GROWTH_KM_PER_DAY
    high_growth_km_per_day: float = DEFAULT_HIGH_GROWTH_KM_PER_DAY

    def __post_init__(self) -> None:
        for name in ("radial_km", "cross_track_km", "along_track_epoch_km"):
            value = getattr(self, name)
            if not (math.isfinite(value) and value > 0.0):
                raise ObservationError(f"catalog error model: {name} must be a positive number, got {value}")
        for name in ("leo_growth_km_per_day", "high_growth_km_per_day"):
            value = getattr(self, name)
            if not (math.isfinite(value) and value >= 0.0):
                raise ObservationError(f"catalog error model: {name} must be >= 0, got {value}")

    def sigmas_rtn_km(self, elements: Sequence[ElementSet], at_utc: datetime) -> FloatArray:
        """(K, 3) radial, along-track, cross-track sigmas (km) of each element set's prediction then."""
        age_days = np.array([abs((at_utc - e.epoch_utc).total_seconds()) / SECONDS_PER_DAY for e in elements])
        low = np.array([e.perigee_alt_km < LEO_PERIGEE_LIMIT_KM for e in elements], dtype=bool)
        growth = np.where(low, self.leo_growth_km_per_day, self.high_growth_km_per_day)
        along = self.along_track_epoch_km + growth * age_days
        count = len(elements)
        return np.stack([np.full(count, self.radial_km), along, np.full(count, self.cross_track_km)], axis=-1)


@dataclass(frozen=True, slots=True)
class Gate:
    """The test a candidate must pass: Mahalanobis d^2 below ``threshold``, the chi-square quantile at
    ``probability`` with ``degrees_of_freedom``."""

    method: str
    probability: float
    degrees_of_freedom: int
    threshold: float

    def describe(self) -> str:
        """One line: what the gate is."""
        return (
            f"{self.method}: d^2 < {self.threshold:.4g} (chi-square, {self.degrees_of_freedom} degrees of "
            f"freedom, probability {self.probability:g})"
        )


@dataclass(frozen=True, slots=True)
class Candidate:
    """One catalog object as an explanation of the track or orbit.

    ``distance_sq``: the Mahalanobis d^2; ``p_value``: the chance of a d^2 this large if it is the object;
    ``angular_rms_deg``: RMS angle between observed and predicted lines of sight (None without angles);
    ``position_offset_km``: distance between the object's predicted position and the least-squares
    position offset explained (track) or the solved position (orbit), at the reference time;
    ``element_age_days``: from the element set's epoch to the reference time.
    """

    norad_id: int
    name: str
    distance_sq: float
    p_value: float
    angular_rms_deg: float | None
    position_offset_km: float
    element_age_days: float
    passes_gate: bool


@dataclass(frozen=True, slots=True)
class Correlation:
    """The ranked candidates (best first, at most ``top``), the gate, and what was left out.

    ``reference_utc``: the time the comparison is made at (the middle of the track, or the orbit's epoch).
    ``skipped``: (norad_id, reason) of objects that SGP4 could not propagate to the track.
    """

    candidates: tuple[Candidate, ...]
    gate: Gate
    considered: int
    reference_utc: datetime
    skipped: tuple[tuple[int, str], ...] = ()

    @property
    def best(self) -> Candidate | None:
        """The best candidate when it passes the gate, else None."""
        return self.candidates[0] if self.candidates and self.candidates[0].passes_gate else None

    @property
    def verdict(self) -> str:
        """``correlated`` or ``uncorrelated``."""
        return "correlated" if self.best is not None else "uncorrelated"


def _catalog_states_gcrs(
    elements: Sequence[ElementSet], times_utc: Sequence[datetime]
) -> tuple[list[int], FloatArray, FloatArray, list[tuple[int, str]]]:
    """Rows kept (indices into ``elements``), their GCRS states (K, N, 3) at ``times_utc``, and skips."""
    grid, index = time_grid(times_utc)
    result = propagate(list(elements), grid, engine="sgp4", with_teme=True)
    states = result.states
    skipped = [(r.norad_id, r.reason) for r in result.rejected]
    if states.count == 0 or states.r_teme_km is None or states.v_teme_km_s is None:
        return [], np.empty((0, len(times_utc), 3)), np.empty((0, len(times_utc), 3)), skipped
    failed = np.any(states.error_code != 0, axis=1)
    for row in np.flatnonzero(failed):
        code = int(states.error_code[row][states.error_code[row] != 0][0])
        skipped.append((int(states.norad_ids[row]), f"SGP4 error code {code} on the span"))
    keep = np.flatnonzero(~failed)
    gcrs_from_teme = teme_from_gcrs_matrix(grid).transpose(0, 2, 1)  # (M, 3, 3)
    r = np.einsum("mij,kmj->kmi", gcrs_from_teme, states.r_teme_km[keep])[:, index]
    v = np.einsum("mij,kmj->kmi", gcrs_from_teme, states.v_teme_km_s[keep])[:, index]
    rows = [int(result.element_index[k]) for k in keep]
    return rows, r, v, skipped


def rtn_axes(r_km: FloatArray, v_km_s: FloatArray) -> FloatArray:
    """(..., 3, 3) matrices whose columns are the radial, along-track and cross-track unit vectors."""
    radial = r_km / np.linalg.norm(r_km, axis=-1, keepdims=True)
    normal = np.cross(r_km, v_km_s)
    normal = normal / np.linalg.norm(normal, axis=-1, keepdims=True)
    along = np.cross(normal, radial)
    return np.stack([radial, along, normal], axis=-1)


def _tiled(geometry: MeasurementGeometry, copies: int) -> MeasurementGeometry:
    """The geometry of the same measurements repeated ``copies`` times (one block per catalog object)."""
    sizes = np.diff(geometry.value_offsets)
    offsets = np.concatenate([[0], np.cumsum(np.tile(sizes, copies))]).astype(np.int64)

    def tile(a: FloatArray) -> FloatArray:
        return np.tile(a, (copies,) + (1,) * (a.ndim - 1))

    return MeasurementGeometry(
        geometry.kinds * copies,
        EarthOrientation(tile(geometry.orientation.matrix), tile(geometry.orientation.rate_per_s)),
        tile(geometry.site_itrs_km),
        tile(geometry.enu_from_itrs),
        tile(geometry.site_r_gcrs_km),
        tile(geometry.site_v_gcrs_km_s),
        offsets,
    )


def _line_of_sight(values: FloatArray) -> FloatArray:
    """Unit vectors (n, 3) of (n, 2) angle pairs in degrees (ra/dec or az/el: the same spherical form)."""
    lon, lat = np.radians(values[:, 0]), np.radians(values[:, 1])
    return np.stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)], axis=-1)


def _angular_rms_deg(
    measurements: Sequence[Measurement], geometry: MeasurementGeometry, predicted: FloatArray
) -> FloatArray | None:
    """(K,) RMS angle between observed and predicted directions over the angle measurements, or None."""
    rows = [i for i, m in enumerate(measurements) if m.kind in _ANGLE_KINDS]
    if not rows:
        return None
    first = geometry.value_offsets[np.array(rows)]
    observed = np.array([measurements[i].values for i in rows], dtype=np.float64)
    kinds = [measurements[i].kind for i in rows]
    pairs = np.stack([predicted[:, first], predicted[:, first + 1]], axis=-1)  # (K, n, 2)
    sq = np.zeros(predicted.shape[0])
    for kind in set(kinds):
        chosen = np.array([j for j, k in enumerate(kinds) if k == kind])
        obs = _line_of_sight(observed[chosen])
        pred = _line_of_sight(pairs[:, chosen].reshape(-1, 2)).reshape(pairs.shape[0], chosen.size, 3)
        cos = np.clip(np.einsum("kni,ni->kn", pred, obs), -1.0, 1.0)
        sq += np.sum(np.degrees(np.arccos(cos)) ** 2, axis=1)
    result: FloatArray = np.sqrt(sq / len(rows))
    return result


def chi_square_gate(method: str, probability: float, degrees_of_freedom: int) -> Gate:
    """The gate at ``probability`` for ``degrees_of_freedom`` (refuses a probability outside (0, 1))."""
    if not 0.0 < probability < 1.0:
        raise ObservationError(f"the gate probability must be in (0, 1), got {probability}")
    return Gate(
        method, probability, degrees_of_freedom, float(stats.chi2.ppf(probability, degrees_of_freedom))
    )


def correlate_track(
    measurements: Sequence[Measurement],
    stations: Stations,
    catalog: Sequence[ElementSet],
    *,
    probability: float = DEFAULT_GATE_PROBABILITY,
    error_model: CatalogErrorModel | None = None,
    top: int = DEFAULT_TOP,
) -> Correlation:
    """Rank ``catalog`` by how well each object's SGP4 prediction explains a track (module docstring).

    The track may hold any measurement kinds, from any stations. Raises ObservationError for an empty
    track or catalog.
    """
    if not measurements:
        raise ObservationError("correlation: the track has no measurements")
    if not catalog:
        raise ObservationError("correlation: the catalog is empty")
    model = error_model if error_model is not None else CatalogErrorModel()
    track = sorted(measurements, key=lambda m: m.time_utc)
    times = [m.time_utc for m in track]
    reference = times[0] + (times[-1] - times[0]) / 2
    geometry = measurement_geometry(track, stations)
    observed, sigmas = observed_values(track), observed_sigmas(track)
    gate = chi_square_gate("track Mahalanobis distance", probability, observed.size)
    rows, r, v, skipped = _catalog_states_gcrs(catalog, times)
    kept = [catalog[i] for i in rows]
    count, n = len(kept), len(track)
    if count == 0:
        return Correlation((), gate, 0, reference, tuple(skipped))
    big = _tiled(geometry, count)
    r_flat, v_flat = r.reshape(-1, 3), v.reshape(-1, 3)
    predicted = predict_values(big, r_flat, v_flat).reshape(count, -1)
    z = residuals(big, np.tile(observed, count), predicted.reshape(-1)).reshape(count, -1)
    h_position = measurement_partials(big, r_flat, v_flat)[:, :3].reshape(count, -1, 3)  # (K, V, 3)
    owner = np.repeat(np.arange(n), np.diff(geometry.value_offsets))
    axes = rtn_axes(r, v)[:, owner]  # (K, V, 3, 3)
    h = np.einsum("kvi,kvij->kvj", h_position, axes)  # d(value)/d(RTN offset)
    weights = 1.0 / sigmas**2
    lam = model.sigmas_rtn_km(kept, reference) ** 2  # (K, 3)
    information = np.einsum("kvi,v,kvj->kij", h, weights, h) + np.einsum("ki,ij->kij", 1.0 / lam, np.eye(3))
    b = np.einsum("kvi,v,kv->ki", h, weights, z)
    offset = np.linalg.solve(information, b[..., None])[..., 0]  # the RTN offset the track suggests (km)
    d2 = np.einsum("kv,v,kv->k", z, weights, z) - np.einsum("ki,ki->k", b, offset)
    angular = _angular_rms_deg(track, geometry, predicted)
    offsets_km = np.linalg.norm(offset, axis=-1)
    return _ranked(kept, d2, angular, offsets_km, reference, gate, top, skipped)


def correlate_orbit(
    state: OrbitState,
    covariance_gcrs: FloatArray,
    catalog: Sequence[ElementSet],
    *,
    probability: float = DEFAULT_GATE_PROBABILITY,
    error_model: CatalogErrorModel | None = None,
    top: int = DEFAULT_TOP,
) -> Correlation:
    """Rank ``catalog`` by the 6-D Mahalanobis distance of each object's SGP4 state from a solved GCRS state
    and covariance (km, km/s; module docstring)."""
    if state.frame != "gcrs":
        raise ObservationError(f"correlation: the orbit state must be in GCRS, got {state.frame!r}")
    if not catalog:
        raise ObservationError("correlation: the catalog is empty")
    p = np.asarray(covariance_gcrs, dtype=np.float64)
    if p.shape != (6, 6) or not np.all(np.isfinite(p)):
        raise ObservationError("correlation: the covariance must be a finite 6x6 matrix")
    model = error_model if error_model is not None else CatalogErrorModel()
    gate = chi_square_gate("orbit Mahalanobis distance", probability, 6)
    rows, r, v, skipped = _catalog_states_gcrs(catalog, [state.epoch_utc])
    kept = [catalog[i] for i in rows]
    if not kept:
        return Correlation((), gate, 0, state.epoch_utc, tuple(skipped))
    r0, v0 = r[:, 0], v[:, 0]
    sig = model.sigmas_rtn_km(kept, state.epoch_utc)  # (K, 3): R, T, N
    n_rad_s = np.array([e.mean_motion_rev_per_day * TWO_PI / SECONDS_PER_DAY for e in kept])
    sig_v = n_rad_s[:, None] * sig[:, [1, 0, 2]]
    axes = rtn_axes(r0, v0)
    cat = np.zeros((len(kept), 6, 6))
    cat[:, :3, :3] = np.einsum("kij,kj,klj->kil", axes, sig**2, axes)
    cat[:, 3:, 3:] = np.einsum("kij,kj,klj->kil", axes, sig_v**2, axes)
    dx = np.concatenate([r0 - state.r_array_km, v0 - state.v_array_km_s], axis=-1)
    d2 = np.einsum("ki,ki->k", dx, np.linalg.solve(p[None] + cat, dx[..., None])[..., 0])
    offsets_km = np.linalg.norm(dx[:, :3], axis=-1)
    return _ranked(kept, d2, None, offsets_km, state.epoch_utc, gate, top, skipped)


def _ranked(
    kept: Sequence[ElementSet],
    d2: FloatArray,
    angular: FloatArray | None,
    offsets_km: FloatArray,
    reference: datetime,
    gate: Gate,
    top: int,
    skipped: list[tuple[int, str]],
) -> Correlation:
    order = np.argsort(d2, kind="stable")[: max(top, 1)]
    p_values = stats.chi2.sf(d2[order], gate.degrees_of_freedom)
    candidates = tuple(
        Candidate(
            norad_id=kept[k].norad_id,
            name=kept[k].name,
            distance_sq=float(d2[k]),
            p_value=float(p),
            angular_rms_deg=None if angular is None else float(angular[k]),
            position_offset_km=float(offsets_km[k]),
            element_age_days=(reference - kept[k].epoch_utc) / timedelta(days=1),
            passes_gate=bool(d2[k] < gate.threshold),
        )
        for k, p in zip(order, p_values, strict=True)
    )
    return Correlation(candidates, gate, len(kept), reference, tuple(skipped))
