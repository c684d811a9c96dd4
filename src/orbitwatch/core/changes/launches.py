"""Launch estimation: which known launch sites and times are consistent with a new object's first elements.

Method (a direct ascent, :mod:`~orbitwatch.core.changes.prelaunch` for the geometry):

1. **Reachability.** A plane through the Earth's centre passes over a site of geocentric latitude φ' only
   if |cos i| ≤ cos φ' (the orbit's inclination at least the latitude, Vallado, 4th ed., §6.4; Curtis
   §4.7). It passes over heading north at the inertial azimuth β with sin β = cos i / cos φ', heading
   south at 180° - β. A site whose allowed azimuths (within :data:`AZIMUTH_TOLERANCE_DEG`) admit neither
   is *excluded*, with the reason.
2. **Plane crossings.** The first element set is propagated back with SGP4 (``ElementSet.to_satrec``,
   so the J2 regression of the node and drag are SGP4's own) over ``search_days``. For a launch at t the
   satellite is inserted at t + T (T = ``profile.insertion_delay_s``), so the plane that matters is the
   osculating plane at t + T (normal h = r × v), and the launch instant is a root of
   g(t) = ŝ(t) · ĥ(t + T), where ŝ(t) is the site's TEME direction (Earth-fixed position turned by GMST
   of UT1). Roots are bracketed on a 60 s grid and refined by the secant method. Each root is a pass of
   the site through the plane heading north or south; only the sides the site allows are kept.
3. **Downrange phase.** A direct ascent leaves the satellite ``profile.downrange_deg`` ahead of the site
   along the plane T after liftoff. The residual is the satellite's argument of latitude at t + T less the
   site's at t less that angle, expressed in seconds of flight (divided by the satellite's rate). Ascents
   of 8-12 minutes to 1500-3000 km downrange put the satellite within about ±3° (±45 s) of the nominal
   20° at 600 s, because the rocket and the orbit move alike near insertion; the tolerance
   :data:`PHASE_SIGMA_S` is 60 s. The phase picks the right day's crossing and scores it.
4. **Score** (lower is better; a negative log-likelihood up to a constant, with these terms):

   - phase: ½ (residual / :data:`PHASE_SIGMA_S`)²;
   - age: (epoch - launch) / :data:`AGE_SCALE_DAYS` (first element sets usually appear within a day);
   - revolutions: when the element set carries a revolution number k > 0, the number of ascending nodes
     between insertion and epoch should be k (±1 for bookkeeping conventions); each revolution beyond that
     adds 2 (quadratically);
   - served inclinations: ½ (d / :data:`SERVED_SIGMA_DEG`)², capped at 2, with d how far the inclination
     lies outside the range the site has served;
   - plane choice: planes are chosen at the lowest inclination a site allows (due east or its range-safety
     limit: Tiangong's 41.5° at Jiuquan, the ISS's 51.6° at Baikonur) or sun-synchronous;
     min(|i - i_low|, |i - i_sso|) / :data:`PLANE_CHOICE_SCALE_DEG`, capped at 1.

   Each site keeps its best crossing; candidates are ranked by score.
5. **Inherited orbits.** A revolution number larger than a new object can have (more than the mean motion
   times :data:`MAX_NEW_OBJECT_AGE_DAYS`) means the element set is the orbit of something else: a
   spacecraft docked to a station carries the station's orbit and revolution count (SHENZHOU-23,
   2026-113A, revolution 28965 in its first element set). Then neither the phase nor the age nor the
   revolutions say anything about the launch: ``launch_time_utc`` is None, the score has the prior terms
   only (served inclinations and plane choice), and ``notes`` says so. The site's latest crossing of the
   plane before the epoch is still given in the details (a launch into that plane happens at one of the
   daily crossings).

Limits: a launch with a dog-leg or a plane change (PSLV to sun-synchronous orbits, geostationary
transfers), a long coast before insertion, or a plane nearly tangent to the site's latitude circle
(i within a few hundredths of a degree of φ') is not modelled. With only one orbit to go on, a wrong site
can pass through the plane with a matching phase by chance: a few per cent per crossing inside the phase
tolerance, which is why the age and revolution terms matter.
"""

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import MappingProxyType
from typing import Final

import numpy as np
from numpy.typing import NDArray
from sgp4.api import Satrec

from orbitwatch.core.changes.prelaunch import (
    AZIMUTH_TOLERANCE_DEG,
    NOMINAL_ASCENT,
    AscentProfile,
    allows_azimuth,
    argument_of_latitude_deg,
    azimuth_at_site_deg,
    azimuth_ranges_text,
    azimuths_for_inclination_deg,
    geocentric_latitude_deg,
    gmst_rad,
    rotate_z,
    site_itrs_km,
    unreachable_message,
)
from orbitwatch.core.constants import SECONDS_PER_DAY
from orbitwatch.core.elements.hypothetical import sun_synchronous_inclination_deg
from orbitwatch.core.elements.model import ElementSet
from orbitwatch.core.launch_sites import LaunchSite
from orbitwatch.core.propagation.states import TimeGrid
from orbitwatch.errors import ElementsError

FloatArray = NDArray[np.float64]

PHASE_SIGMA_S: Final = 60.0
"""One-sigma tolerance of the downrange phase, in seconds of flight."""
AGE_SCALE_DAYS: Final = 1.0
"""Scale of the exponential prior on the time from launch to the first element set."""
SERVED_SIGMA_DEG: Final = 2.0
PLANE_CHOICE_SCALE_DEG: Final = 10.0
MAX_NEW_OBJECT_AGE_DAYS: Final = 60.0
"""An object's first element set appears within this many days of its launch."""
GRID_STEP_S: Final = 60.0
NEIGHBOUR_KM: Final = 50.0
"""Sites closer than this (Cape Canaveral and Kennedy, 14 km) are flagged as indistinguishable."""
_SECANT_ITERATIONS: Final = 4
_SERVED_CAP: Final = 2.0
_PLANE_CAP: Final = 1.0
_REV_WEIGHT: Final = 2.0


@dataclass(frozen=True, slots=True)
class LaunchCandidate:
    """A site and time of launch consistent with the first elements.

    ``launch_time_utc`` is None when the orbit is inherited and cannot date the launch. ``azimuth_deg``
    is the inertial azimuth of the plane at the site; ``ascending`` True when heading north there.
    ``score`` is lower-is-better (module docstring, step 4). ``details`` holds the figures behind it:
    ``phase_residual_s``, ``phase_residual_deg``, ``age_h``, ``implied_revolutions``, and each score term
    (``score_phase``, ``score_age``, ``score_revolutions``, ``score_served``, ``score_plane``).
    """

    site: LaunchSite
    launch_time_utc: datetime | None
    azimuth_deg: float
    ascending: bool
    score: float
    details: Mapping[str, float | str]


@dataclass(frozen=True, slots=True)
class LaunchEstimate:
    """The ranked candidates (best first), the sites excluded with the reason, whether the orbit is
    inherited from another object, and notes for the reader."""

    norad_id: int
    candidates: tuple[LaunchCandidate, ...]
    excluded: tuple[tuple[LaunchSite, str], ...]
    inherited_orbit: bool
    notes: tuple[str, ...]


def estimate_launch(
    first_elements: Sequence[ElementSet],
    sites: Sequence[LaunchSite],
    *,
    search_days: float = 3.0,
    profile: AscentProfile = NOMINAL_ASCENT,
    phase_sigma_s: float = PHASE_SIGMA_S,
    age_scale_days: float = AGE_SCALE_DAYS,
) -> LaunchEstimate:
    """Rank the ``sites`` by how well a direct ascent from each fits the object's first element sets.

    The earliest element set is used (the others must be of the same object). The launch is searched
    from ``search_days`` before its epoch to ``profile.insertion_delay_s`` before it. A bad input (no
    element set, several objects, a non-positive window) is an :class:`ElementsError`.
    """
    if not first_elements:
        raise ElementsError("launch estimation needs at least one element set")
    ids = {e.norad_id for e in first_elements}
    if len(ids) != 1:
        raise ElementsError(f"launch estimation takes the element sets of one object, got {sorted(ids)}")
    if not (math.isfinite(search_days) and 0.0 < search_days <= 30.0):
        raise ElementsError(f"search_days {search_days:g} is outside 0..30")
    first = min(first_elements, key=lambda e: e.epoch_utc)
    notes: list[str] = []
    inherited = _inherited(first)
    if inherited:
        notes.append(_inherited_note(first))

    track = _Track.build(first, search_days, profile)
    candidates: list[LaunchCandidate] = []
    excluded: list[tuple[LaunchSite, str]] = []
    for site in sites:
        reason, sides = _reachable_sides(site, first.inclination_deg)
        if reason:
            excluded.append((site, reason))
            continue
        found = [
            _candidate(site, crossing, first, profile, inherited, phase_sigma_s, age_scale_days)
            for crossing in track.crossings(site)
            if crossing.ascending in sides
        ]
        if not found:
            excluded.append((site, f"{site.site.name} does not pass through the plane in the search window"))
            continue
        if inherited:  # every crossing scores alike: report the latest
            candidates.append(max(found, key=lambda c: float(c.details["crossing_offset_s"])))
        else:
            candidates.append(min(found, key=lambda c: c.score))
    candidates.sort(key=lambda c: c.score)
    notes.extend(_neighbour_notes(candidates))
    if not inherited and candidates and first.rev_at_epoch <= 0:
        notes.append(
            "the element set carries no revolution number: the launch day rests on the phase and age"
        )
    return LaunchEstimate(
        norad_id=first.norad_id,
        candidates=tuple(candidates),
        excluded=tuple(excluded),
        inherited_orbit=inherited,
        notes=tuple(notes),
    )


# --- crossings ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Crossing:
    offset_s: float  # launch instant, seconds from the element set's epoch (negative)
    ascending: bool
    azimuth_deg: float
    phase_residual_deg: float
    insertion_arg_lat_deg: float


@dataclass(frozen=True, slots=True, eq=False)
class _Track:
    """The back-propagated orbit on the search grid: plane normals at t + T and GMST at t."""

    elements: ElementSet
    satrec: Satrec
    profile: AscentProfile
    grid: TimeGrid
    normals: FloatArray  # (M, 3) at launch offset + T
    positions_km: FloatArray  # (M, 3) at launch offset + T
    valid: NDArray[np.bool_]
    theta_rad: FloatArray  # GMST at the launch offsets

    @classmethod
    def build(cls, elements: ElementSet, search_days: float, profile: AscentProfile) -> "_Track":
        start_s = -search_days * SECONDS_PER_DAY
        count = math.ceil((-profile.insertion_delay_s - start_s) / GRID_STEP_S) + 1
        offsets = start_s + np.arange(count, dtype=np.float64) * GRID_STEP_S
        offsets = offsets[offsets <= -profile.insertion_delay_s]
        satrec = elements.to_satrec()
        r_km, v_km_s, valid = _sgp4(satrec, offsets + profile.insertion_delay_s)
        h = np.cross(r_km, v_km_s)
        norm = np.linalg.norm(h, axis=1)
        normals = h / np.where(norm > 0.0, norm, 1.0)[:, None]
        grid = TimeGrid(elements.epoch_utc, offsets)
        return cls(elements, satrec, profile, grid, normals, r_km, valid, gmst_rad(grid))

    def crossings(self, site: LaunchSite) -> list[_Crossing]:
        r_pef = site_itrs_km(site)
        s_unit = rotate_z(r_pef / np.linalg.norm(r_pef), self.theta_rad)
        g = np.einsum("ij,ij->i", s_unit, self.normals)
        sign_change = (np.sign(g[:-1]) != np.sign(g[1:])) & self.valid[:-1] & self.valid[1:]
        result = []
        for k in np.flatnonzero(sign_change):
            offset = self._refine(
                r_pef,
                float(self.grid.offsets_s[k]),
                float(self.grid.offsets_s[k + 1]),
                float(g[k]),
                float(g[k + 1]),
            )
            crossing = self._crossing(r_pef, offset)
            if crossing is not None:
                result.append(crossing)
        return result

    def _g(
        self, r_pef: FloatArray, offset_s: float
    ) -> tuple[float, FloatArray, FloatArray, FloatArray] | None:
        r_km, v_km_s, valid = _sgp4(self.satrec, np.array([offset_s + self.profile.insertion_delay_s]))
        if not valid[0]:
            return None
        normal = np.cross(r_km[0], v_km_s[0])
        normal /= np.linalg.norm(normal)
        theta = gmst_rad(TimeGrid(self.elements.epoch_utc, np.array([offset_s])))
        s = rotate_z(r_pef / np.linalg.norm(r_pef), theta)[0]
        return float(s @ normal), s, normal, r_km[0]

    def _refine(self, r_pef: FloatArray, t0: float, t1: float, g0: float, g1: float) -> float:
        for _ in range(_SECANT_ITERATIONS):
            if g1 == g0:
                break
            t2 = t1 - g1 * (t1 - t0) / (g1 - g0)
            value = self._g(r_pef, t2)
            if value is None:
                break
            t0, g0, t1, g1 = t1, g1, t2, value[0]
            if abs(t1 - t0) < 1e-3:
                break
        return t1

    def _crossing(self, r_pef: FloatArray, offset_s: float) -> _Crossing | None:
        value = self._g(r_pef, offset_s)
        if value is None:
            return None
        _, s, normal, r_ins = value
        azimuth = azimuth_at_site_deg(s, normal)
        u_site = float(argument_of_latitude_deg(normal, s))
        u_sat = float(argument_of_latitude_deg(normal, r_ins))
        residual = (u_sat - u_site - self.profile.downrange_deg + 180.0) % 360.0 - 180.0
        return _Crossing(
            offset_s, bool(math.cos(math.radians(azimuth)) > 0.0), azimuth, residual, u_sat % 360.0
        )


def _sgp4(satrec: Satrec, offsets_s: FloatArray) -> tuple[FloatArray, FloatArray, NDArray[np.bool_]]:
    fr = satrec.jdsatepochF + offsets_s / SECONDS_PER_DAY
    error, r_km, v_km_s = satrec.sgp4_array(np.full(fr.shape, satrec.jdsatepoch), fr)
    return np.asarray(r_km, dtype=np.float64), np.asarray(v_km_s, dtype=np.float64), np.asarray(error == 0)


# --- scoring ------------------------------------------------------------------------------------------


def _reachable_sides(site: LaunchSite, inclination_deg: float) -> tuple[str, set[bool]]:
    lat_gc = geocentric_latitude_deg(site)
    if abs(math.cos(math.radians(inclination_deg))) > math.cos(math.radians(lat_gc)) + 1e-12:
        return unreachable_message(site, inclination_deg), set()
    north_deg, south_deg = azimuths_for_inclination_deg(site, inclination_deg)
    sides = {side for side, az in ((True, north_deg), (False, south_deg)) if allows_azimuth(site, az)}
    if not sides:
        return (
            f"the plane passes over {site.site.name} heading {north_deg:.1f}° (north) or {south_deg:.1f}° "
            f"(south); {site.site.name} allows {azimuth_ranges_text(site)} "
            f"(tolerance {AZIMUTH_TOLERANCE_DEG:g}°)"
        ), set()
    return "", sides


def _candidate(
    site: LaunchSite,
    crossing: _Crossing,
    elements: ElementSet,
    profile: AscentProfile,
    inherited: bool,
    phase_sigma_s: float,
    age_scale_days: float,
) -> LaunchCandidate:
    satrec = elements.to_satrec()
    rate_deg_s = math.degrees(satrec.mdot + satrec.argpdot) / 60.0  # mean argument of latitude rate
    residual_s = crossing.phase_residual_deg / rate_deg_s
    age_s = -crossing.offset_s
    to_epoch_s = age_s - profile.insertion_delay_s
    implied_revs = math.floor((crossing.insertion_arg_lat_deg + rate_deg_s * to_epoch_s) / 360.0)
    served = _served_term(site, elements.inclination_deg)
    plane = _plane_term(site, elements)
    launch_utc = elements.epoch_utc + timedelta(seconds=crossing.offset_s)
    terms: dict[str, float] = {"score_served": served, "score_plane": plane}
    if not inherited:
        terms["score_phase"] = 0.5 * (residual_s / phase_sigma_s) ** 2
        terms["score_age"] = age_s / SECONDS_PER_DAY / age_scale_days
        terms["score_revolutions"] = _revolutions_term(elements.rev_at_epoch, implied_revs)
    details: dict[str, float | str] = {
        "crossing_utc": launch_utc.isoformat().replace("+00:00", "Z"),
        "crossing_offset_s": crossing.offset_s,
        "age_h": age_s / 3600.0,
        "inclination_deg": elements.inclination_deg,
        "phase_residual_deg": crossing.phase_residual_deg,
        "phase_residual_s": residual_s,
        "implied_revolutions": float(implied_revs),
        **terms,
    }
    if inherited:
        details["phase_residual_meaning"] = "none: the orbit is inherited"
    return LaunchCandidate(
        site=site,
        launch_time_utc=None if inherited else launch_utc,
        azimuth_deg=crossing.azimuth_deg,
        ascending=crossing.ascending,
        score=float(sum(terms.values())),
        details=MappingProxyType(details),
    )


def _served_term(site: LaunchSite, inclination_deg: float) -> float:
    outside = max(0.0, site.min_inclination_deg - inclination_deg, inclination_deg - site.max_inclination_deg)
    return min(_SERVED_CAP, 0.5 * (outside / SERVED_SIGMA_DEG) ** 2)


def _plane_term(site: LaunchSite, elements: ElementSet) -> float:
    inc = elements.inclination_deg
    reachable = site.reachable_inclinations()
    low = min(r[0] for r in reachable) if inc <= 90.0 else max(r[1] for r in reachable)
    distances = [abs(inc - low)]
    altitude_km = (elements.perigee_alt_km + elements.apogee_alt_km) / 2.0
    if 100.0 <= altitude_km <= 5000.0:
        distances.append(abs(inc - sun_synchronous_inclination_deg(altitude_km)))
    return min(_PLANE_CAP, min(distances) / PLANE_CHOICE_SCALE_DEG)


def _revolutions_term(rev_at_epoch: int, implied: int) -> float:
    if rev_at_epoch <= 0:
        return 0.0
    beyond = max(0, abs(implied - rev_at_epoch) - 1)
    return _REV_WEIGHT * beyond**2


def _neighbour_notes(candidates: Sequence[LaunchCandidate]) -> list[str]:
    """A note when the best candidate has a neighbour so close that the orbit cannot tell them apart."""
    if len(candidates) < 2:
        return []
    best = candidates[0].site
    notes = []
    for other in candidates[1:]:
        distance_km = float(np.linalg.norm(site_itrs_km(best) - site_itrs_km(other.site)))
        if distance_km <= NEIGHBOUR_KM:
            notes.append(
                f"{best.site.name} and {other.site.site.name} are {distance_km:.0f} km apart: one orbit "
                "cannot tell them apart, and their order rests on the served inclinations and a few "
                "seconds of phase"
            )
    return notes


def _inherited(elements: ElementSet) -> bool:
    return elements.rev_at_epoch > elements.mean_motion_rev_per_day * MAX_NEW_OBJECT_AGE_DAYS


def _inherited_note(elements: ElementSet) -> str:
    n = elements.mean_motion_rev_per_day
    age_days = elements.rev_at_epoch / n
    origin = elements.epoch_utc - timedelta(days=age_days)
    limit = int(n * MAX_NEW_OBJECT_AGE_DAYS)
    return (
        f"revolution number {elements.rev_at_epoch} at epoch {elements.epoch_utc:%Y-%m-%dT%H:%M:%SZ}: a new "
        f"object would have at most about {limit} ({MAX_NEW_OBJECT_AGE_DAYS:g} days at {n:.2f} rev/day), and "
        f"this count puts the orbit's start about {age_days:.0f} days ({age_days / 365.25:.1f} years) "
        f"earlier, near {origin:%Y-%m-%d}. The element set carries the orbit of the object it docked to "
        "(or separated from); the launch time cannot be dated from it, and the sites are ranked by the "
        "plane alone"
    )
