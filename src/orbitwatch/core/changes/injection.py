"""Known manoeuvres injected into element histories, to measure a manoeuvre detector (pure).

- ``inject``: an impulsive Δv (radial R, along-track T, normal N, m/s) at a known time changes the
  mean elements of every later set by Gauss's variational equations in their near-circular,
  nonsingular form (Vallado 2013, §9.4; v = sqrt(μ/a), u the argument of latitude at the burn):
  ``Δa = 2aT/v``, ``Δe_x = (2T cos u + R sin u)/v``, ``Δe_y = (2T sin u - R cos u)/v``,
  ``Δi = N cos u / v``, ``ΔΩ = N sin u / (v sin i)`` and the mean argument of latitude, kept
  continuous in position, ``Δλ = -2R/v - cos i ΔΩ``. A set at time t after the burn also carries
  what the new orbit accumulates from the burn to t: ``(n' - n)(t - t_b)`` in mean anomaly, the
  change of SGP4's nodal rate, and the apsidal rotation of the eccentricity change.
- ``synthetic_history``: a long history from one real set, the truth being SGP4's own secular and
  drag evolution of the mean elements (python-sgp4's mean elements after propagation, turned back
  into a Kozai mean motion), each set then perturbed by noise drawn from a ``NoisePool``.
- ``NoisePool``: the per-interval residuals of real quiet objects (``element_noise``, plus the
  along-track residual of SGP4 propagation from set to set); one set's noise is a residual row drawn
  at random, divided by sqrt(2) (a difference holds two sets' noise) with a random sign, all
  channels from the same row so their correlation is kept.
- ``add_refits``: re-fits of the same observations (near-same epoch, tiny changes), which a detector
  must not read as manoeuvres.
- ``match``: detections against the injected truth.
"""

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import numpy as np
import numpy.typing as npt

from orbitwatch.core.changes.element_noise import (
    FloatArray,
    _unkozai,
    interval_residuals,
    nodal_rate_deg_per_day,
)
from orbitwatch.core.changes.manoeuvres import Manoeuvre
from orbitwatch.core.constants import MINUTES_PER_DAY, TWO_PI, WGS72_MU_KM3_S2
from orbitwatch.core.elements.model import ElementSet
from orbitwatch.errors import ElementsError

_RAD_MIN_TO_DEG_DAY = math.degrees(1.0) * MINUTES_PER_DAY


@dataclass(frozen=True, slots=True)
class InjectedManoeuvre:
    """A known impulsive manoeuvre: time and RTN Δv components in m/s; ``campaign`` groups many burns."""

    norad_id: int
    time_utc: datetime
    dv_radial_mps: float = 0.0
    dv_along_mps: float = 0.0
    dv_normal_mps: float = 0.0
    campaign: str = ""

    @property
    def delta_v_mps(self) -> float:
        """The size of the impulse."""
        return math.sqrt(self.dv_radial_mps**2 + self.dv_along_mps**2 + self.dv_normal_mps**2)

    @property
    def kind(self) -> str:
        """``in_plane``, ``out_of_plane`` or ``both``, from which components are present."""
        in_plane = math.hypot(self.dv_radial_mps, self.dv_along_mps) > 0.0
        out = self.dv_normal_mps != 0.0
        return "both" if in_plane and out else ("in_plane" if in_plane else "out_of_plane")


@dataclass(frozen=True, slots=True)
class NoisePool:
    """The noise of real quiet objects, as a scale mixture: each object's robust scale, and the
    standardised residual rows of all of them (columns a_km, e, i_deg, node_deg = sin i·ΔΩ, along_deg).

    A synthetic history takes the scales of one object and draws its rows from all, so that it has
    one real object's noise level and the population's tail shape (objects differ by two orders of
    magnitude in noise, and four days give an object only three rows).
    """

    z_rows: npt.NDArray[np.float64]
    scales: npt.NDArray[np.float64]

    @property
    def n_objects(self) -> int:
        """How many objects the pool was learned from."""
        return int(self.scales.shape[0])


def inject(history: Sequence[ElementSet], burn: InjectedManoeuvre) -> list[ElementSet]:
    """The history (sorted by epoch) with ``burn`` applied to every set after its time (see the module).

    Raises ``ElementsError`` when no set precedes the burn.
    """
    sets = sorted(history, key=lambda s: s.epoch_utc)
    before = [s for s in sets if s.epoch_utc <= burn.time_utc]
    if not before:
        raise ElementsError(
            f"NORAD {burn.norad_id}: no element set before the injected burn at {burn.time_utc}"
        )
    ref = before[-1]
    sat = ref.to_satrec()
    dt_b_days = (burn.time_utc - ref.epoch_utc).total_seconds() / 86400.0
    lat_rate = (sat.argpdot + sat.mdot) * _RAD_MIN_TO_DEG_DAY
    u_rad = math.radians(ref.arg_perigee_deg + ref.mean_anomaly_deg + lat_rate * dt_b_days)
    a_km = ref.semi_major_axis_km
    v_mps = 1000.0 * math.sqrt(WGS72_MU_KM3_S2 / a_km)
    r, t, n = burn.dv_radial_mps / v_mps, burn.dv_along_mps / v_mps, burn.dv_normal_mps / v_mps
    inc_rad = math.radians(ref.inclination_deg)
    d_a = 2.0 * a_km * t
    d_ex = 2.0 * t * math.cos(u_rad) + r * math.sin(u_rad)
    d_ey = 2.0 * t * math.sin(u_rad) - r * math.cos(u_rad)
    d_i = math.degrees(n * math.cos(u_rad))
    d_node = math.degrees(n * math.sin(u_rad) / max(math.sin(inc_rad), 1e-6))
    d_lat = math.degrees(-2.0 * r) - math.cos(inc_rad) * d_node
    argp_rate = sat.argpdot * _RAD_MIN_TO_DEG_DAY
    out: list[ElementSet] = []
    for s in sets:
        if s.epoch_utc <= burn.time_utc:
            out.append(s)
            continue
        since = (s.epoch_utc - burn.time_utc).total_seconds() / 86400.0
        a_old = s.semi_major_axis_km
        n_new = s.mean_motion_rev_per_day * (a_old / (a_old + d_a)) ** 1.5
        i_new = s.inclination_deg + d_i
        rate_old, rate_new = nodal_rate_deg_per_day(
            np.array([s.mean_motion_rev_per_day, n_new]),
            np.full(2, s.eccentricity),
            np.array([s.inclination_deg, i_new]),
        )
        rot = math.radians(argp_rate * since)
        ex_shift = d_ex * math.cos(rot) - d_ey * math.sin(rot)
        ey_shift = d_ex * math.sin(rot) + d_ey * math.cos(rot)
        w_rad = math.radians(s.arg_perigee_deg)
        ex = s.eccentricity * math.cos(w_rad) + ex_shift
        ey = s.eccentricity * math.sin(w_rad) + ey_shift
        e_new = max(math.hypot(ex, ey), 1e-7)
        w_new = math.degrees(math.atan2(ey, ex)) % 360.0
        lat = (
            s.arg_perigee_deg
            + s.mean_anomaly_deg
            + d_lat
            + 360.0 * (n_new - s.mean_motion_rev_per_day) * since
        )
        out.append(
            replace(
                s,
                mean_motion_rev_per_day=n_new,
                eccentricity=e_new,
                inclination_deg=i_new,
                raan_deg=(s.raan_deg + d_node + float(rate_new - rate_old) * since) % 360.0,
                arg_perigee_deg=w_new,
                mean_anomaly_deg=(lat - w_new) % 360.0,
            )
        )
    return out


def campaign_burns(
    norad_id: int,
    start_utc: datetime,
    days: float,
    rate_km_per_day: float,
    a_km: float,
    burns_per_day: int = 4,
) -> list[InjectedManoeuvre]:
    """Many small along-track burns changing a by ``rate_km_per_day`` for ``days`` (Starlink-like raising)."""
    v_mps = 1000.0 * math.sqrt(WGS72_MU_KM3_S2 / a_km)
    dv = v_mps * rate_km_per_day / burns_per_day / (2.0 * a_km)
    count = max(int(days * burns_per_day), 1)
    label = f"{norad_id}@{start_utc.isoformat()}"
    return [
        InjectedManoeuvre(
            norad_id, start_utc + timedelta(days=k / burns_per_day), dv_along_mps=dv, campaign=label
        )
        for k in range(count)
    ]


def kozai_mean_motion_rev_per_day(no_brouwer_rad_min: float, e: float, i_deg: float) -> float:
    """The Kozai mean motion (rev/day, as a TLE prints it) whose SGP4 ``initl`` gives a Brouwer one."""
    e_arr, i_arr = np.array([e]), np.array([i_deg])
    guess = no_brouwer_rad_min
    for _ in range(6):
        no, _ao = _unkozai(np.array([guess]), e_arr, i_arr)
        guess *= no_brouwer_rad_min / float(no[0])
    return guess * MINUTES_PER_DAY / TWO_PI


def synthetic_history(
    seed: ElementSet, epochs_utc: Sequence[datetime], pool: NoisePool | None, rng: np.random.Generator
) -> list[ElementSet]:
    """Sets at ``epochs_utc`` evolved from ``seed`` by SGP4's secular J2 and drag model, with pool noise.

    The noise of the whole history comes from one object of the pool, chosen at random.
    """
    sat = seed.to_satrec()
    scale = pool.scales[rng.integers(pool.n_objects)] if pool is not None else np.zeros(5)
    out: list[ElementSet] = []
    for number, epoch in enumerate(epochs_utc):
        minutes = (epoch - seed.epoch_utc).total_seconds() / 60.0
        err, _r, _v = sat.sgp4_tsince(minutes)
        if err != 0:
            raise ElementsError(f"NORAD {seed.norad_id}: SGP4 error {err} evolving the synthetic history")
        truth = replace(
            seed,
            epoch_utc=epoch,
            mean_motion_rev_per_day=kozai_mean_motion_rev_per_day(sat.nm, sat.em, math.degrees(sat.im)),
            eccentricity=float(sat.em),
            inclination_deg=math.degrees(sat.im),
            raan_deg=math.degrees(sat.Om) % 360.0,
            arg_perigee_deg=math.degrees(sat.om) % 360.0,
            mean_anomaly_deg=math.degrees(sat.mm) % 360.0,
            element_set_no=(seed.element_set_no + number) % 1000,
        )
        out.append(truth if pool is None else perturb(truth, pool, scale, rng))
    return out


def perturb(elements: ElementSet, pool: NoisePool, scale: FloatArray, rng: np.random.Generator) -> ElementSet:
    """One set with noise ``scale`` × one standardised pool row / sqrt 2, random sign per channel."""
    z_row = pool.z_rows[rng.integers(len(pool.z_rows))]
    row = scale * z_row / math.sqrt(2.0) * rng.choice([-1.0, 1.0], size=5)
    a_km = elements.semi_major_axis_km
    n_new = elements.mean_motion_rev_per_day * (a_km / (a_km + row[0])) ** 1.5
    sin_i = max(abs(math.sin(math.radians(elements.inclination_deg))), 1e-3)
    return replace(
        elements,
        mean_motion_rev_per_day=n_new,
        eccentricity=max(elements.eccentricity + row[1], 1e-7),
        inclination_deg=elements.inclination_deg + row[2],
        raan_deg=(elements.raan_deg + row[3] / sin_i) % 360.0,
        mean_anomaly_deg=(elements.mean_anomaly_deg + row[4]) % 360.0,
    )


_SCALE_FLOOR = np.array([1e-4, 2e-7, 5e-5, 5e-5, 1e-4])
"""Floors of the per-object scales: TLE print resolution (a from n to 1e-8 rev/day is finer)."""


def learn_noise_pool(histories: Iterable[Sequence[ElementSet]], outlier_factor: float = 8.0) -> NoisePool:
    """The noise pool of the histories (at least three intervals each).

    Each object's rows are centred on their median (its drift is systematic, not noise) and scaled by
    its robust scale ``1.4826·median|r|`` (floored at the print resolution); rows beyond
    ``outlier_factor`` scales in any channel (the quiet objects' own manoeuvres) are dropped. The
    along-track column is the later set's mean argument of latitude minus the earlier set's,
    propagated by SGP4 to its epoch.
    """
    z_rows: list[FloatArray] = []
    scales: list[FloatArray] = []
    for history in histories:
        try:
            res = interval_residuals(history)
        except ElementsError:
            continue
        if len(res.dt_days) < 3:
            continue
        along = np.array([_along_residual_deg(p, q) for p, q in zip(res.sets, res.sets[1:], strict=False)])
        block = np.column_stack([res.residual[c] for c in ("a_km", "e", "i_deg", "node_deg")] + [along])
        if not np.all(np.isfinite(block)):
            continue
        block = block - np.median(block, axis=0)
        rms = np.sqrt(np.sum(block**2, axis=0) / (len(block) - 1))
        scale = np.maximum(np.maximum(1.4826 * np.median(np.abs(block), axis=0), 0.5 * rms), _SCALE_FLOOR)
        z = block / scale
        z_rows.append(z[np.all(np.abs(z) <= outlier_factor, axis=1)])
        scales.append(scale)
    if not scales:
        raise ElementsError("noise pool: no history with three intervals between distinct epochs")
    return NoisePool(z_rows=np.vstack(z_rows), scales=np.vstack(scales))


def _along_residual_deg(before: ElementSet, after: ElementSet) -> float:
    sat = before.to_satrec()
    err, _r, _v = sat.sgp4_tsince((after.epoch_utc - before.epoch_utc).total_seconds() / 60.0)
    if err != 0:
        return float("nan")
    predicted = math.degrees(sat.om + sat.mm)
    return (after.arg_perigee_deg + after.mean_anomaly_deg - predicted + 180.0) % 360.0 - 180.0


def add_refits(
    history: Sequence[ElementSet],
    rng: np.random.Generator,
    fraction: float = 0.1,
    max_offset_s: float = 300.0,
) -> list[ElementSet]:
    """The history plus re-fits of a random ``fraction`` of its sets: near-same epoch, tiny changes."""
    out = list(history)
    for s in history:
        if rng.random() >= fraction:
            continue
        shift = timedelta(seconds=float(rng.uniform(0.0, max_offset_s)))
        tiny = 1.0 + 1e-9 * float(rng.normal())
        out.append(
            replace(
                s,
                epoch_utc=s.epoch_utc + shift,
                mean_motion_rev_per_day=s.mean_motion_rev_per_day * tiny,
                mean_anomaly_deg=(
                    s.mean_anomaly_deg + 360.0 * s.mean_motion_rev_per_day * shift.total_seconds() / 86400.0
                )
                % 360.0,
                element_set_no=(s.element_set_no + 1) % 1000,
            )
        )
    return out


@dataclass(frozen=True, slots=True)
class Match:
    """One injected manoeuvre and the detection that found it (None when missed)."""

    truth: InjectedManoeuvre
    found: Manoeuvre | None


def match(
    truths: Sequence[InjectedManoeuvre], found: Sequence[Manoeuvre], tolerance: timedelta = timedelta(hours=1)
) -> tuple[list[Match], list[Manoeuvre]]:
    """Pair each single burn with the detection that brackets its time (one to one), and campaigns.

    A campaign's burns are matched by any ``campaign`` detection overlapping them (and detections
    inside a campaign's span are not false alarms). Returns the matches of the single burns and of
    one representative burn per campaign, and the unmatched detections (false alarms).
    """
    spans: dict[str, tuple[datetime, datetime]] = {}
    for t in truths:
        if t.campaign:
            lo, hi = spans.get(t.campaign, (t.time_utc, t.time_utc))
            spans[t.campaign] = (min(lo, t.time_utc), max(hi, t.time_utc))
    used: set[int] = set()
    matches: list[Match] = []
    seen_campaigns: set[str] = set()
    for t in sorted(truths, key=lambda x: x.time_utc):
        if t.campaign:
            if t.campaign in seen_campaigns:
                continue
            seen_campaigns.add(t.campaign)
            lo, hi = spans[t.campaign]
            hit = [
                k
                for k, m in enumerate(found)
                if m.kind == "campaign" and m.epoch_before <= hi and m.epoch_after >= lo
            ]
            for k in hit:
                used.add(k)
            for k, m in enumerate(found):
                if m.epoch_after >= lo and m.epoch_before <= hi + timedelta(days=1):
                    used.add(k)
            matches.append(Match(t, found[hit[0]] if hit else None))
            continue
        best = None
        for k, m in enumerate(found):
            if k in used or m.kind == "campaign":
                continue
            if m.epoch_before - tolerance <= t.time_utc <= m.epoch_after + tolerance:
                best = k
                break
        if best is not None:
            used.add(best)
        matches.append(Match(t, found[best] if best is not None else None))
    return matches, [m for k, m in enumerate(found) if k not in used]
