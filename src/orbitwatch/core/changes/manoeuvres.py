"""Manoeuvre detection from one object's history of mean element sets (pure).

Method. The history is sorted and its re-fits merged (``element_noise``). Each interval between
consecutive sets gets residuals — the change in semi-major axis, eccentricity, inclination and the
pole displacement sin(i)·ΔΩ left after the secular motion (drag from the fitted dn/dt, SGP4's J2/J4
nodal rate) and the object's own drift — and each residual is scored against the object's robust
noise model, ``z = (r - drift·Δt) / σ`` (``element_noise.learn_noise``, blended with a population
prior so that three or four sets suffice). An interval is a manoeuvre when ``max |z| ≥ threshold``:
*in-plane* when the semi-major axis or eccentricity channel passes, *out-of-plane* when the
inclination or node channel does, *both* when both do. This is the element-differencing family of
detectors (Kelecy, Hall, Hamada & Stocker, "Satellite maneuver detection using Two-line Element
(TLE) data", AMOS 2007; Lemmens & Krag, "Two-Line-Elements-based maneuver detection methods for
satellites in Low Earth Orbit", J. Guid. Control Dyn. 37(3), 2014) with a per-object robust scale.

A single bad element set is a spike, not a step: its interval and the next move the same channel by
opposite amounts, and both are dropped (``spike_revert_fraction``). Sustained thrust (a newly launched
Starlink raising its orbit for weeks) is one *campaign*: a run of at least ``campaign_min_intervals``
intervals whose raw rate of the semi-major axis has one sign and at least
``campaign_min_rate_km_per_day`` in size (and each step at least ``component_z`` noise scales).
The raw rate is used because such an object's fitted dn/dt
absorbs the thrust (it is negative while raising).

Time. The burn time is unobservable in (a, e, i, Ω) but not in the mean anomaly: propagating the set
before the burn forward and the set after it backward (SGP4), the two trajectories coincide at the burn
and separate along-track linearly after it, at ``-(3/2) Δn``. The time is the zero of a straight line
fitted to their along-track separation over the interval (used when the in-plane change is
significant). An out-of-plane burn leaves no along-track signature, so its time is the interval's
midpoint.

Δv (Vallado, *Fundamentals of Astrodynamics and Applications*, 4th ed., 2013, §6.3 and §9.4 Gauss's
variational equations, near-circular form, v = sqrt(μ/a)):

- in-plane: a tangential impulse T gives ``Δa = 2 a T / v`` (vis-viva), so ``T = (v/2)(Δa/a)``; it
  moves the eccentricity vector by ``2T/v = Δa/a``, and a radial impulse R moves it perpendicularly
  by ``R/v``; the least Δv that explains both is ``Δv_ip = v · sqrt((Δa/2a)² + max(0, Δe² - (Δa/a)²))``
  (|Δe| of the scalar eccentricity, a lower bound of the vector change);
- out-of-plane: the angle between the orbit planes ``cos Δθ = cos i1 cos i2 + sin i1 sin i2 cos ΔΩ``
  and ``Δv_oop = 2 v sin(Δθ/2)``;
- total ``Δv = sqrt(Δv_ip² + Δv_oop²)``, each part counted only when its channel reaches
  ``component_z``; a campaign's Δv is Edelbaum's coplanar spiral ``|sqrt(μ/a1) - sqrt(μ/a2)|``.

Confidence is ``1 - 0.5^((z/threshold)²)``: one half at the threshold, 0.94 at twice it.
"""

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import MappingProxyType

import numpy as np
from sgp4.api import jday

from orbitwatch.core.changes.element_noise import (
    CHANNELS,
    DEFAULT_NOISE_PRIOR,
    PRIOR_WEIGHT,
    REFIT_MAX_S,
    ElementNoise,
    IntervalResiduals,
    NoisePrior,
    interval_residuals,
    learn_noise,
    learn_noise_prior,
)
from orbitwatch.core.constants import WGS72_MU_KM3_S2
from orbitwatch.core.elements.model import ElementSet

__all__ = [
    "DEFAULT_NOISE_PRIOR",
    "MANOEUVRE_KINDS",
    "ElementNoise",
    "Manoeuvre",
    "NoisePrior",
    "detect_manoeuvres",
    "estimate_burn_time",
    "in_plane_delta_v_mps",
    "learn_noise",
    "learn_noise_prior",
    "plane_change_delta_v_mps",
]

MANOEUVRE_KINDS = ("in_plane", "out_of_plane", "both", "campaign")
THRESHOLD_Z = 6.0
COMPONENT_Z = 3.0
SPIKE_REVERT_FRACTION = 0.5
CAMPAIGN_MIN_INTERVALS = 3
CAMPAIGN_MIN_RATE_KM_PER_DAY = 1.0
_TIME_SAMPLES = 240


@dataclass(frozen=True, slots=True)
class Manoeuvre:
    """One detected manoeuvre (or low-thrust campaign) of one object.

    ``epoch_before`` / ``epoch_after`` are the epochs of the sets that bracket it (for a campaign, the
    set before its first interval and after its last); the ``delta_*`` are the changes across it after
    the secular motion (``delta_raan_deg`` drift-corrected); ``details`` holds the z-scores, the noise
    model, the Δv parts and the formula used.
    """

    norad_id: int
    epoch_before: datetime
    epoch_after: datetime
    estimated_time_utc: datetime
    kind: str
    delta_a_km: float
    delta_e: float
    delta_i_deg: float
    delta_raan_deg: float
    delta_v_mps: float
    confidence: float
    details: Mapping[str, float | int | str]


def detect_manoeuvres(
    history: Sequence[ElementSet],
    *,
    prior: NoisePrior | None = DEFAULT_NOISE_PRIOR,
    threshold: float = THRESHOLD_Z,
    component_z: float = COMPONENT_Z,
    prior_weight: float = PRIOR_WEIGHT,
    refit_max_s: float = REFIT_MAX_S,
    spike_revert_fraction: float = SPIKE_REVERT_FRACTION,
    campaign_min_intervals: int = CAMPAIGN_MIN_INTERVALS,
    campaign_min_rate_km_per_day: float = CAMPAIGN_MIN_RATE_KM_PER_DAY,
    estimate_time: bool = True,
) -> tuple[Manoeuvre, ...]:
    """The manoeuvres in one object's element history (any order), oldest first (see the module).

    ``prior`` None means the bundled ``DEFAULT_NOISE_PRIOR``. Raises ``ElementsError`` for an empty
    history, several NORAD ids, or fewer than two sets at distinct epochs.
    """
    res = interval_residuals(history, refit_max_s)
    noise = learn_noise(res, prior if prior is not None else DEFAULT_NOISE_PRIOR, prior_weight=prior_weight)
    z = {c: (res.residual[c] - noise.drift(c) * res.dt_days) / noise.sigma(c) for c in CHANNELS}
    campaigns = _campaign_runs(
        res, campaign_min_intervals, campaign_min_rate_km_per_day, component_z * noise.sigma_a_km
    )
    in_campaign = np.zeros(len(res.dt_days), dtype=bool)
    for start, end in campaigns:
        in_campaign[start : end + 1] = True
    zmax = np.max(np.abs(np.stack([z[c] for c in CHANNELS])), axis=0)
    candidates = [k for k in range(len(zmax)) if zmax[k] >= threshold and not in_campaign[k]]
    kept = _drop_spikes(candidates, z, threshold, spike_revert_fraction)
    found = [_event(res, noise, z, k, threshold, component_z, estimate_time) for k in kept]
    found += [_campaign(res, noise, start, end, campaign_min_rate_km_per_day) for start, end in campaigns]
    return tuple(sorted(found, key=lambda m: m.epoch_before))


def in_plane_delta_v_mps(a_km: float, delta_a_km: float, delta_e: float) -> float:
    """Least in-plane Δv (m/s) for Δa and Δe: ``v·sqrt((Δa/2a)² + max(0, Δe² - (Δa/a)²))``."""
    v_km_s = math.sqrt(WGS72_MU_KM3_S2 / a_km)
    ratio = delta_a_km / a_km
    return 1000.0 * v_km_s * math.sqrt((0.5 * ratio) ** 2 + max(0.0, delta_e**2 - ratio**2))


def plane_change_delta_v_mps(a_km: float, inc_deg: float, delta_i_deg: float, delta_raan_deg: float) -> float:
    """Out-of-plane Δv (m/s) ``2 v sin(Δθ/2)`` for the angle Δθ between the two orbit planes."""
    i1 = math.radians(inc_deg)
    i2 = math.radians(inc_deg + delta_i_deg)
    cos_theta = math.cos(i1) * math.cos(i2) + math.sin(i1) * math.sin(i2) * math.cos(
        math.radians(delta_raan_deg)
    )
    theta = math.acos(min(1.0, max(-1.0, cos_theta)))
    return 1000.0 * 2.0 * math.sqrt(WGS72_MU_KM3_S2 / a_km) * math.sin(0.5 * theta)


def estimate_burn_time(
    before: ElementSet, after: ElementSet, samples: int = _TIME_SAMPLES
) -> datetime | None:
    """The time where the two bracketing orbits' along-track separation crosses zero (see the module).

    None when SGP4 fails on either set or the separation shows no trend.
    """
    span_days = (after.epoch_utc - before.epoch_utc).total_seconds() / 86400.0
    epoch = before.epoch_utc
    jd0, fr0 = jday(
        epoch.year, epoch.month, epoch.day, epoch.hour, epoch.minute, epoch.second + epoch.microsecond * 1e-6
    )
    t_days = np.linspace(0.0, span_days, samples)
    jd = np.full(samples, jd0)
    fr = fr0 + t_days
    err1, r1, v1 = before.to_satrec().sgp4_array(jd, fr)
    err2, r2, _ = after.to_satrec().sgp4_array(jd, fr)
    ok = (err1 == 0) & (err2 == 0)
    if ok.sum() < 8:
        return None
    unit = v1[ok] / np.linalg.norm(v1[ok], axis=1)[:, None]
    along_km = np.sum((r2[ok] - r1[ok]) * unit, axis=1)
    slope, intercept = np.polyfit(t_days[ok], along_km, 1)
    if slope == 0.0:
        return None
    t_burn = min(max(-intercept / slope, 0.0), span_days)
    return epoch + timedelta(days=float(t_burn))


def _confidence(z: float, threshold: float) -> float:
    return float(1.0 - 0.5 ** ((z / threshold) ** 2))


def _drop_spikes(
    candidates: list[int], z: Mapping[str, np.ndarray], threshold: float, fraction: float
) -> list[int]:
    """Drop interval pairs k, k+1 that move the dominant channel by opposite amounts (one bad set)."""
    kept: list[int] = []
    skip: set[int] = set()
    for k in candidates:
        if k in skip:
            continue
        channel = max(CHANNELS, key=lambda c: abs(float(z[c][k])))
        nxt = k + 1
        if nxt < len(z[channel]):
            here, there = float(z[channel][k]), float(z[channel][nxt])
            if here * there < 0.0 and abs(there) >= max(fraction * abs(here), threshold):
                skip.add(nxt)
                continue
        kept.append(k)
    return kept


def _event(
    res: IntervalResiduals,
    noise: ElementNoise,
    z: Mapping[str, np.ndarray],
    k: int,
    threshold: float,
    component_z: float,
    estimate_time: bool,
) -> Manoeuvre:
    before, after = res.sets[k], res.sets[k + 1]
    dt = float(res.dt_days[k])
    za, ze, zi, zn = (float(z[c][k]) for c in CHANNELS)
    z_in, z_out = max(abs(za), abs(ze)), max(abs(zi), abs(zn))
    kind = "both" if min(z_in, z_out) >= threshold else ("in_plane" if z_in >= z_out else "out_of_plane")
    a_km = float(res.a_km[k])
    delta_a = float(res.residual["a_km"][k]) - noise.drift_a_km_per_day * dt
    delta_e = float(res.residual["e"][k]) - noise.drift_e_per_day * dt
    delta_i = float(res.residual["i_deg"][k]) - noise.drift_i_deg_per_day * dt
    sin_i = abs(math.sin(math.radians(before.inclination_deg)))
    node_defined = sin_i > 1e-3
    node_drift_deg = noise.drift_node_deg_per_day * dt / sin_i if node_defined else 0.0
    # The node of a near-equatorial orbit is undefined: its change is reported as 0 (details say so).
    delta_raan = float(res.delta_raan_deg[k]) - node_drift_deg if node_defined else 0.0
    dv_in = (
        in_plane_delta_v_mps(a_km, delta_a, delta_e if abs(ze) >= component_z else 0.0)
        if z_in >= component_z
        else 0.0
    )
    dv_out = (
        plane_change_delta_v_mps(a_km, before.inclination_deg, delta_i, delta_raan)
        if z_out >= component_z
        else 0.0
    )
    time = None
    if estimate_time and z_in >= component_z:
        time = estimate_burn_time(before, after)
    method = "along_track_crossing" if time is not None else "midpoint"
    if time is None:
        time = before.epoch_utc + (after.epoch_utc - before.epoch_utc) / 2
    details: dict[str, float | int | str] = {
        "z_a": za,
        "z_e": ze,
        "z_i": zi,
        "z_node": zn,
        "delta_v_in_plane_mps": dv_in,
        "delta_v_out_of_plane_mps": dv_out,
        "sigma_a_km": noise.sigma_a_km,
        "sigma_e": noise.sigma_e,
        "sigma_i_deg": noise.sigma_i_deg,
        "sigma_node_deg": noise.sigma_node_deg,
        "noise_intervals": noise.n_intervals,
        "noise_source": noise.source,
        "refits_merged": res.refits_merged,
        "node_defined": int(node_defined),
        "time_method": method,
        "formula": "dv = sqrt(dv_ip^2 + dv_oop^2); dv_ip = v sqrt((da/2a)^2 + max(0, de^2 - (da/a)^2)); "
        "dv_oop = 2 v sin(dtheta/2)",
    }
    return Manoeuvre(
        norad_id=before.norad_id,
        epoch_before=before.epoch_utc,
        epoch_after=after.epoch_utc,
        estimated_time_utc=time,
        kind=kind,
        delta_a_km=delta_a,
        delta_e=delta_e,
        delta_i_deg=delta_i,
        delta_raan_deg=delta_raan,
        delta_v_mps=math.hypot(dv_in, dv_out),
        confidence=_confidence(max(z_in, z_out), threshold),
        details=MappingProxyType(details),
    )


def _campaign_runs(
    res: IntervalResiduals, min_intervals: int, min_rate: float, min_step_km: float
) -> list[tuple[int, int]]:
    """Runs (first, last interval) of one-signed raw rate of a ≥ ``min_rate``, each step ≥ ``min_step_km``."""
    rate = res.raw_delta_a_km / res.dt_days
    big = np.abs(res.raw_delta_a_km) >= min_step_km
    sign = np.where(big & (rate >= min_rate), 1, np.where(big & (rate <= -min_rate), -1, 0))
    runs: list[tuple[int, int]] = []
    start = 0
    for k in range(1, len(sign) + 1):
        if k == len(sign) or sign[k] != sign[start]:
            if sign[start] != 0 and k - start >= min_intervals:
                runs.append((start, k - 1))
            start = k
    return runs


def _campaign(
    res: IntervalResiduals, noise: ElementNoise, start: int, end: int, min_rate: float
) -> Manoeuvre:
    first, last = res.sets[start], res.sets[end + 1]
    a1, a2 = float(res.a_km[start]), float(res.a_km[end + 1])
    days = float(np.sum(res.dt_days[start : end + 1]))
    rate = (a2 - a1) / days
    dv = 1000.0 * abs(math.sqrt(WGS72_MU_KM3_S2 / a1) - math.sqrt(WGS72_MU_KM3_S2 / a2))
    details: dict[str, float | int | str] = {
        "direction": "raising" if a2 > a1 else "lowering",
        "n_intervals": end - start + 1,
        "n_sets": end - start + 2,
        "campaign_end_epoch": last.epoch_utc.isoformat(),
        "rate_km_per_day": rate,
        "sigma_a_km": noise.sigma_a_km,
        "formula": "dv = |sqrt(mu/a1) - sqrt(mu/a2)| (Edelbaum coplanar spiral)",
    }
    return Manoeuvre(
        norad_id=first.norad_id,
        epoch_before=first.epoch_utc,
        epoch_after=last.epoch_utc,
        estimated_time_utc=first.epoch_utc,
        kind="campaign",
        delta_a_km=a2 - a1,
        delta_e=float(np.sum(res.delta_e[start : end + 1])),
        delta_i_deg=float(np.sum(res.delta_i_deg[start : end + 1])),
        delta_raan_deg=float(np.sum(res.delta_raan_deg[start : end + 1])),
        delta_v_mps=dv,
        confidence=_confidence(abs(rate) / min_rate * math.sqrt(end - start + 1), 2.0),
        details=MappingProxyType(details),
    )
