"""The element-set noise of one object, learned from its own history, for manoeuvre detection.

Between two consecutive mean element sets of a quiet object the elements change only by their
secular motion and by the noise of the two orbit fits. This module predicts the secular motion and
measures what is left (the *residuals* of each interval), then learns a robust noise scale from them.

Secular prediction (SGP4 mean elements, Hoots & Roehrich 1980; Vallado 2013 §9.6):

- semi-major axis: the drag decay implied by the fitted mean-motion derivative, by Kepler's third
  law ``da/dt = -(2/3) a (dn/dt) / n`` with dn/dt twice the printed ``MEAN_MOTION_DOT``, taken from
  the earlier set of the interval (the later one may have absorbed part of a burn into its fit);
- right ascension of the node: the secular J2, J2² and J4 rate exactly as SGP4's ``sgp4init``
  computes it (``nodedot``), averaged over the two sets; the residual is wrapped to ±180° and
  multiplied by sin i, so that it is the displacement of the orbit pole (the node of an equatorial
  orbit is undefined and must not read as a manoeuvre);
- inclination and eccentricity: no secular motion (luni-solar and long-period terms are left to
  the learned drift below).

Noise model (robust statistics; Huber & Ronchetti, *Robust Statistics*, 2nd ed., 2009, §5): for
each channel the *drift* is the median residual rate ``median(r / Δt)`` (it absorbs what the
secular model misses: luni-solar precession, drag not in the fitted dn/dt, an operator's steady drag
compensation), and the *scale* is ``σ = 1.4826 · median |r - drift·Δt|`` (the normal-consistent
MAD). A short history gives a poor scale, so the object's model is blended with a population prior
learned from many quiet objects of the same orbit regime: ``σ² = (m σ_obj² + w σ_prior²) / (m + w)``
for m intervals and a prior weight w (pseudo-intervals); the drift is the object's own,
learned only from three intervals on (zero before).

Re-fits: element sets whose epochs are within ``refit_max_s`` of each other are fits of the same
observations (same epoch, tiny changes), not independent looks at the orbit. They are merged
before anything is learned or detected: the most recently issued set (highest element set number,
then the last given) stands for them.
"""

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np
import numpy.typing as npt

from orbitwatch.core.constants import MINUTES_PER_DAY, TWO_PI, WGS72_J2, WGS72_MU_KM3_S2, WGS72_RADIUS_KM
from orbitwatch.core.elements.model import ElementSet
from orbitwatch.errors import ElementsError

FloatArray = npt.NDArray[np.float64]

WGS72_J4 = -0.00000165597
"""Fourth zonal harmonic of WGS-72 as SGP4 uses it (python-sgp4 ``wgs72``; Vallado et al. 2006)."""
CHANNELS = ("a_km", "e", "i_deg", "node_deg")
"""The noise channels: semi-major axis, eccentricity, inclination, pole displacement sin(i)·ΔΩ."""
REFIT_MAX_S = 600.0
"""Element sets whose epochs are closer than this (seconds) are re-fits of the same observations."""
MAD_TO_SIGMA = 1.4826
PRIOR_WEIGHT = 3.0
"""Weight of the population prior, in pseudo-intervals, when blended with an object's own scale."""
MIN_INTERVALS_FOR_DRIFT = 3
_SIGMA_FLOOR = {"a_km": 1e-4, "e": 2e-7, "i_deg": 5e-5, "node_deg": 5e-5}
"""Floors on the noise scale: the print resolution of the TLE fields (i to 1e-4°, e to 1e-7)."""
_XKE = 60.0 / math.sqrt(WGS72_RADIUS_KM**3 / WGS72_MU_KM3_S2)


@dataclass(frozen=True, slots=True)
class ElementNoise:
    """The noise of one object's consecutive element-set differences, per channel.

    ``sigma_*`` is the 1-σ scale of the residual of one interval; ``drift_*_per_day`` the systematic
    residual rate removed before scoring. ``n_intervals`` is how many intervals of the object's own
    history were used, ``source`` ``"object"``, ``"prior"`` or ``"blended"``.
    """

    sigma_a_km: float
    sigma_e: float
    sigma_i_deg: float
    sigma_node_deg: float
    drift_a_km_per_day: float = 0.0
    drift_e_per_day: float = 0.0
    drift_i_deg_per_day: float = 0.0
    drift_node_deg_per_day: float = 0.0
    n_intervals: int = 0
    source: str = "prior"

    def sigma(self, channel: str) -> float:
        """The scale of one channel of ``CHANNELS``."""
        return float(getattr(self, f"sigma_{channel}"))

    def drift(self, channel: str) -> float:
        """The drift (per day) of one channel of ``CHANNELS``."""
        return float(getattr(self, f"drift_{channel}_per_day"))


@dataclass(frozen=True)
class NoisePrior:
    """A population prior: the typical noise of quiet objects per orbit regime (see ``orbit_regime``)."""

    by_regime: Mapping[str, ElementNoise]
    n_objects: Mapping[str, int] = field(default_factory=dict)

    def for_regime(self, regime: str) -> ElementNoise:
        """The prior of a regime, or of the nearest learned one (LEO, MEO, GEO, HEO in that order)."""
        if regime in self.by_regime:
            return self.by_regime[regime]
        order = ("leo", "meo", "geo", "heo")
        start = order.index(regime) if regime in order else 0
        for distance in range(1, len(order)):
            for index in (start - distance, start + distance):
                if 0 <= index < len(order) and order[index] in self.by_regime:
                    return self.by_regime[order[index]]
        raise ElementsError(f"noise prior: no regime learned (wanted {regime!r})")


@dataclass(frozen=True, slots=True)
class IntervalResiduals:
    """The residuals of every interval between consecutive (merged) element sets of one object."""

    sets: tuple[ElementSet, ...]
    dt_days: FloatArray
    a_km: FloatArray
    """Semi-major axis of each set (Brouwer mean, km)."""
    raw_delta_a_km: FloatArray
    delta_e: FloatArray
    delta_i_deg: FloatArray
    delta_raan_deg: FloatArray
    """Drift-corrected (secular J2/J4 rate removed) change in the node, wrapped to ±180°."""
    residual: Mapping[str, FloatArray]
    """Per channel of ``CHANNELS``: the change left after the secular prediction."""
    refits_merged: int


def orbit_regime(a_km: float, eccentricity: float) -> str:
    """``leo`` (perigee under 2000 km), ``geo`` (a 41 000-43 500 km), ``heo`` (e ≥ 0.25), else ``meo``."""
    if eccentricity >= 0.25:
        return "heo"
    if a_km * (1.0 - eccentricity) < WGS72_RADIUS_KM + 2000.0:
        return "leo"
    if 41_000.0 <= a_km <= 43_500.0:
        return "geo"
    return "meo"


def brouwer_a_km(n_rev_per_day: FloatArray, e: FloatArray, i_deg: FloatArray) -> FloatArray:
    """Brouwer mean semi-major axis (km) from the Kozai mean motion, as SGP4's ``initl`` (vectorised)."""
    n_kozai = np.asarray(n_rev_per_day, dtype=float) * TWO_PI / MINUTES_PER_DAY
    no_unkozai, _ = _unkozai(n_kozai, np.asarray(e, dtype=float), np.asarray(i_deg, dtype=float))
    return np.asarray((_XKE / no_unkozai) ** (2.0 / 3.0) * WGS72_RADIUS_KM, dtype=float)


def nodal_rate_deg_per_day(n_rev_per_day: FloatArray, e: FloatArray, i_deg: FloatArray) -> FloatArray:
    """Secular rate of the node (deg/day) exactly as SGP4's ``sgp4init`` (J2, J2² and J4 terms)."""
    n_kozai = np.asarray(n_rev_per_day, dtype=float) * TWO_PI / MINUTES_PER_DAY
    e_arr = np.asarray(e, dtype=float)
    no, ao = _unkozai(n_kozai, e_arr, np.asarray(i_deg, dtype=float))
    cosio = np.cos(np.radians(i_deg))
    omeosq = 1.0 - e_arr**2
    pinvsq = 1.0 / (ao * omeosq) ** 2
    temp1 = 1.5 * WGS72_J2 * pinvsq * no
    temp2 = 0.5 * temp1 * WGS72_J2 * pinvsq
    temp3 = -0.46875 * WGS72_J4 * pinvsq**2 * no
    nodedot = (
        -temp1 * cosio
        + (0.5 * temp2 * (4.0 - 19.0 * cosio**2) + 2.0 * temp3 * (3.0 - 7.0 * cosio**2)) * cosio
    )
    return np.asarray(np.degrees(nodedot) * MINUTES_PER_DAY, dtype=float)


def _unkozai(n_kozai: FloatArray, e: FloatArray, i_deg: FloatArray) -> tuple[FloatArray, FloatArray]:
    """SGP4 ``initl``: the Brouwer mean motion (rad/min) and semi-major axis (Earth radii)."""
    cos2 = np.cos(np.radians(i_deg)) ** 2
    omeosq = 1.0 - e**2
    d1 = 0.75 * WGS72_J2 * (3.0 * cos2 - 1.0) / (np.sqrt(omeosq) * omeosq)
    ak = (_XKE / n_kozai) ** (2.0 / 3.0)
    delta = d1 / ak**2
    adel = ak * (1.0 - delta**2 - delta * (1.0 / 3.0 + 134.0 * delta**2 / 81.0))
    no = n_kozai / (1.0 + d1 / adel**2)
    return no, (_XKE / no) ** (2.0 / 3.0)


def merge_refits(
    history: Sequence[ElementSet], refit_max_s: float = REFIT_MAX_S
) -> tuple[list[ElementSet], int]:
    """Sort by epoch and merge re-fits (epochs within ``refit_max_s``): the latest issued set stands.

    Returns the merged sets and how many sets were merged away.
    """
    order = sorted(range(len(history)), key=lambda k: (history[k].epoch_utc, k))
    merged: list[ElementSet] = []
    cluster_start = None
    for index in order:
        current = history[index]
        close = (
            cluster_start is not None and (current.epoch_utc - cluster_start).total_seconds() <= refit_max_s
        )
        if merged and close:
            if current.element_set_no >= merged[-1].element_set_no:
                merged[-1] = current
            continue
        merged.append(current)
        cluster_start = current.epoch_utc
    return merged, len(history) - len(merged)


def interval_residuals(history: Sequence[ElementSet], refit_max_s: float = REFIT_MAX_S) -> IntervalResiduals:
    """Merge re-fits, sort, and compute the residuals of every interval (see the module).

    Raises ``ElementsError`` when the history is empty, mixes objects, or has fewer than two sets at
    distinct epochs.
    """
    if not history:
        raise ElementsError("manoeuvre analysis: empty history; at least two element sets are needed")
    ids = {s.norad_id for s in history}
    if len(ids) > 1:
        raise ElementsError(f"manoeuvre analysis: history mixes NORAD ids {sorted(ids)}; give one object")
    norad_id = history[0].norad_id
    sets, merged = merge_refits(history, refit_max_s)
    if len(sets) < 2:
        raise ElementsError(
            f"NORAD {norad_id}: only one element set (at distinct epochs); "
            "at least two element sets are needed for manoeuvre analysis"
        )
    t0 = sets[0].epoch_utc
    t = np.array([(s.epoch_utc - t0).total_seconds() / 86400.0 for s in sets])
    n = np.array([s.mean_motion_rev_per_day for s in sets])
    e = np.array([s.eccentricity for s in sets])
    i = np.array([s.inclination_deg for s in sets])
    raan = np.array([s.raan_deg for s in sets])
    ndot = np.array([s.mean_motion_dot_rev_per_day2 for s in sets])
    a = brouwer_a_km(n, e, i)
    dt = np.diff(t)
    raw_da = np.diff(a)
    drag_da = -(4.0 / 3.0) * a[:-1] * ndot[:-1] / n[:-1] * dt
    rate = nodal_rate_deg_per_day(n, e, i)
    d_raan = (np.diff(raan) - 0.5 * (rate[:-1] + rate[1:]) * dt + 180.0) % 360.0 - 180.0
    sin_i = np.sin(np.radians(0.5 * (i[:-1] + i[1:])))
    residual = {
        "a_km": raw_da - drag_da,
        "e": np.diff(e),
        "i_deg": np.diff(i),
        "node_deg": np.abs(sin_i) * d_raan,
    }
    return IntervalResiduals(
        sets=tuple(sets),
        dt_days=dt,
        a_km=a,
        raw_delta_a_km=raw_da,
        delta_e=np.diff(e),
        delta_i_deg=np.diff(i),
        delta_raan_deg=d_raan,
        residual=MappingProxyType(residual),
        refits_merged=merged,
    )


def learn_noise(
    history: Sequence[ElementSet] | IntervalResiduals,
    prior: NoisePrior | None = None,
    *,
    prior_weight: float = PRIOR_WEIGHT,
    refit_max_s: float = REFIT_MAX_S,
) -> ElementNoise:
    """Learn an object's noise model from its history, blended with ``prior`` (see the module)."""
    res = history if isinstance(history, IntervalResiduals) else interval_residuals(history, refit_max_s)
    m = len(res.dt_days)
    base = None
    if prior is not None:
        last = res.sets[-1]
        base = prior.for_regime(orbit_regime(float(res.a_km[-1]), last.eccentricity))
    values: dict[str, float] = {}
    for channel in CHANNELS:
        r = res.residual[channel]
        drift = float(np.median(r / res.dt_days)) if m >= MIN_INTERVALS_FOR_DRIFT else 0.0
        sigma_obj = MAD_TO_SIGMA * float(np.median(np.abs(r - drift * res.dt_days)))
        if base is not None:
            w = prior_weight
            sigma = math.sqrt((m * sigma_obj**2 + w * base.sigma(channel) ** 2) / (m + w))
        else:
            sigma = sigma_obj
        values[f"sigma_{channel}"] = max(sigma, _SIGMA_FLOOR[channel])
        values[f"drift_{channel}_per_day"] = drift
    source = "object" if base is None else "blended"
    return ElementNoise(n_intervals=m, source=source, **values)


def learn_noise_prior(
    histories: Iterable[Sequence[ElementSet]], *, refit_max_s: float = REFIT_MAX_S
) -> NoisePrior:
    """A population prior: per orbit regime, the median of the per-object scales of the given histories.

    Give it quiet objects (no manoeuvres); histories with fewer than three intervals are skipped. The
    drift of the prior is zero: drift is an object's own.
    """
    per_regime: dict[str, list[ElementNoise]] = {}
    for history in histories:
        try:
            res = interval_residuals(history, refit_max_s)
        except ElementsError:
            continue
        if len(res.dt_days) < MIN_INTERVALS_FOR_DRIFT:
            continue
        regime = orbit_regime(float(res.a_km[-1]), res.sets[-1].eccentricity)
        per_regime.setdefault(regime, []).append(learn_noise(res))
    by_regime = {
        regime: ElementNoise(
            **{f"sigma_{c}": float(np.median([n.sigma(c) for n in models])) for c in CHANNELS},
            n_intervals=0,
            source="prior",
        )
        for regime, models in per_regime.items()
    }
    return NoisePrior(
        by_regime=MappingProxyType(by_regime), n_objects={r: len(m) for r, m in per_regime.items()}
    )


DEFAULT_NOISE_PRIOR = NoisePrior(
    by_regime=MappingProxyType(
        {
            "leo": ElementNoise(
                sigma_a_km=0.023, sigma_e=1.28e-5, sigma_i_deg=4.94e-4, sigma_node_deg=5.32e-4
            ),
            "geo": ElementNoise(
                sigma_a_km=0.0157, sigma_e=1.63e-6, sigma_i_deg=2.23e-4, sigma_node_deg=2.0e-4
            ),
            "heo": ElementNoise(sigma_a_km=0.5, sigma_e=2.0e-4, sigma_i_deg=2.4e-2, sigma_node_deg=1.3e-2),
        }
    ),
    n_objects=MappingProxyType({"leo": 11158, "geo": 529, "heo": 5}),
)
"""``learn_noise_prior`` over the 11 692 objects of the CelesTrak snapshots of 2026-05-24..27 (all
groups; LEO is dominated by Starlink, whose element sets are about twenty times noisier in a and e
than other LEO objects, so the LEO prior is conservative). HEO a-scale capped at 0.5 km (five objects)."""
