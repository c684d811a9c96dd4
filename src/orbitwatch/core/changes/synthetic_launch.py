"""Synthetic launches: a direct ascent from a site to an insertion state, and the first element set.

For closed-loop tests of launch estimation (simulate, estimate, recover) and for "what would a launch
from here at this time look like". The ascent is simple but physical:

1. The orbit plane is that of :mod:`~orbitwatch.core.changes.prelaunch`: through the Earth's centre and
   the site's inertial (TEME) position at liftoff, with the inertial launch azimuth (a heading over the
   ground is converted with the velocity triangle, which is where the site's rotation speed enters).
2. The insertion state is :attr:`AscentProfile.downrange_deg` along that plane from the site's liftoff
   position, :attr:`AscentProfile.insertion_delay_s` after liftoff, at the perigee altitude, moving
   horizontally along the plane with the perigee speed of the chosen orbit (vis-viva; the circular speed
   when the apogee equals the perigee): an insertion at perigee, as direct ascents are flown.
3. The state is integrated with two-body + J2 gravity (WGS-72 mu, radius and J2; DOP853 at a relative
   tolerance of 1e-11) to the epoch of the first element set, ``elements_after_h`` hours later, and over
   one orbit centred on that epoch.
4. The SGP4 mean elements are fitted to that arc: the six elements (mean motion, e cos ω, e sin ω,
   inclination, node, mean longitude ω + M; non-singular for near-circular orbits) by
   ``scipy.optimize.least_squares`` so that SGP4's TEME positions match the integrated ones at 72
   instants (the differential correction of Vallado, 4th ed., §10.4, Montenbruck & Gill, *Satellite
   Orbits*, §8). Mean elements are *fitted*, never osculating elements relabelled: osculating elements
   put into SGP4 are off by the J2 short-period terms, about 10 km.

The fit residual (SGP4 against two-body + J2 over one orbit) is reported: SGP4 has J3 and J4 and the
integrator does not, so a few hundred metres remain (``fit_rms_km``; tested below 1 km). B* is 0 (no drag
in the integrator). The revolution number at epoch is the number of ascending-node passages between the
insertion and the epoch, counted on the integrated arc (the catalog's convention: revolution 0 runs from
launch to the first ascending node).
"""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

import numpy as np
from numpy.typing import NDArray
from scipy.integrate import solve_ivp
from scipy.optimize import least_squares

from orbitwatch.core.changes.prelaunch import (
    NOMINAL_ASCENT,
    AscentProfile,
    circular_speed_km_s,
    ground_from_inertial_azimuth_deg,
    inertial_from_ground_azimuth_deg,
    local_east_north,
    plane_angles_deg,
    plane_normal,
    site_teme_km,
)
from orbitwatch.core.constants import (
    MINUTES_PER_DAY,
    SECONDS_PER_DAY,
    WGS72_J2,
    WGS72_MU_KM3_S2,
    WGS72_RADIUS_KM,
)
from orbitwatch.core.elements.epochs import as_utc
from orbitwatch.core.elements.hypothetical import HYPOTHETICAL_NORAD_BASE
from orbitwatch.core.elements.model import ElementSet
from orbitwatch.core.launch_sites import LaunchSite
from orbitwatch.core.propagation.states import TimeGrid
from orbitwatch.errors import ConvergenceError, ElementsError

FloatArray = NDArray[np.float64]

SYNTHETIC_NORAD_ID: Final = HYPOTHETICAL_NORAD_BASE + 40_000_000
"""The default catalog number of a synthetic launch (in the hypothetical range)."""
FIT_SAMPLES: Final = 72
FIT_TOLERANCE_KM: Final = 5.0
"""A fit whose largest residual exceeds this raises :class:`ConvergenceError`."""
_RTOL: Final = 1e-11
_ATOL_KM: Final = 1e-8


@dataclass(frozen=True, slots=True)
class SyntheticLaunch:
    """A simulated direct ascent and the first element set fitted to the orbit it reached.

    ``azimuth_deg`` is inertial, ``ground_azimuth_deg`` the heading over the ground; ``inclination_deg``
    and ``raan_deg`` are the plane's at liftoff. The insertion state is TEME (km, km/s).
    ``fit_rms_km`` and ``fit_max_km`` compare the element set's SGP4 positions with the integrated
    two-body + J2 arc over one orbit about the epoch.
    """

    site: LaunchSite
    launch_time_utc: datetime
    azimuth_deg: float
    ground_azimuth_deg: float
    inclination_deg: float
    raan_deg: float
    ascending: bool
    insertion_time_utc: datetime
    r_insertion_teme_km: tuple[float, float, float]
    v_insertion_teme_km_s: tuple[float, float, float]
    elements: ElementSet
    revolutions_at_epoch: int
    fit_rms_km: float
    fit_max_km: float


def synthesize_launch(
    site: LaunchSite,
    launch_time_utc: datetime,
    azimuth_deg: float,
    *,
    perigee_alt_km: float = 300.0,
    apogee_alt_km: float | None = None,
    profile: AscentProfile = NOMINAL_ASCENT,
    elements_after_h: float = 3.0,
    ground_relative: bool = False,
    norad_id: int = SYNTHETIC_NORAD_ID,
    name: str | None = None,
) -> SyntheticLaunch:
    """Simulate a direct ascent from ``site`` at ``launch_time_utc`` with ``azimuth_deg`` (inertial
    unless ``ground_relative``) into a perigee x apogee orbit, and fit its first element set
    ``elements_after_h`` hours after the insertion (module docstring)."""
    launch_utc = as_utc(launch_time_utc)
    apogee_km = perigee_alt_km if apogee_alt_km is None else apogee_alt_km
    if not (math.isfinite(perigee_alt_km) and 150.0 <= perigee_alt_km <= apogee_km <= 5000.0):
        raise ElementsError(
            f"synthetic launch: perigee {perigee_alt_km:g} km and apogee {apogee_km:g} km must satisfy "
            "150 <= perigee <= apogee <= 5000"
        )
    if not (math.isfinite(elements_after_h) and 0.5 <= elements_after_h <= 72.0):
        raise ElementsError(f"synthetic launch: elements_after_h {elements_after_h:g} is outside 0.5..72")
    r_p = WGS72_RADIUS_KM + perigee_alt_km
    a_km = r_p + (apogee_km - perigee_alt_km) / 2.0
    speed = math.sqrt(WGS72_MU_KM3_S2 * (2.0 / r_p - 1.0 / a_km))
    if ground_relative:
        ground_deg = azimuth_deg % 360.0
        inertial_deg = inertial_from_ground_azimuth_deg(site, ground_deg, speed)
    else:
        inertial_deg = azimuth_deg % 360.0
        ground_deg = ground_from_inertial_azimuth_deg(site, inertial_deg, circular_speed_km_s(perigee_alt_km))

    s_teme = site_teme_km(site, TimeGrid(launch_utc, np.zeros(1)))[0]
    s_unit = s_teme / np.linalg.norm(s_teme)
    east, north = local_east_north(s_unit)
    az_rad = math.radians(inertial_deg)
    direction = math.cos(az_rad) * north + math.sin(az_rad) * east
    inc_deg, raan_deg = plane_angles_deg(plane_normal(s_unit, az_rad))
    downrange_rad = math.radians(profile.downrange_deg)
    r_ins = r_p * (math.cos(downrange_rad) * s_unit + math.sin(downrange_rad) * direction)
    v_ins = speed * (-math.sin(downrange_rad) * s_unit + math.cos(downrange_rad) * direction)
    insertion_utc = launch_utc + timedelta(seconds=profile.insertion_delay_s)
    epoch_utc = insertion_utc + timedelta(seconds=round(elements_after_h * 3600.0))

    period_s = 2.0 * math.pi * math.sqrt(a_km**3 / WGS72_MU_KM3_S2)
    to_epoch_s = (epoch_utc - insertion_utc).total_seconds()
    solution = solve_ivp(
        _two_body_j2,
        (0.0, to_epoch_s + 0.5 * period_s),
        np.concatenate([r_ins, v_ins]),
        method="DOP853",
        rtol=_RTOL,
        atol=_ATOL_KM,
        dense_output=True,
        events=_ascending_node,
    )
    if not solution.success or solution.t_events is None or solution.sol is None:
        raise ConvergenceError(
            f"synthetic launch from {site.site.name}: integration failed ({solution.message})"
        )
    dense = solution.sol
    revolutions = int(np.count_nonzero(solution.t_events[0] <= to_epoch_s))
    offsets_s = to_epoch_s + np.linspace(-0.5, 0.5, FIT_SAMPLES) * period_s
    truth_km = np.asarray(dense(offsets_s)[:3].T, dtype=np.float64)

    label = name if name is not None else f"SYNTHETIC {site.code} {launch_utc:%Y-%m-%dT%H:%MZ}"
    template = ElementSet(
        norad_id=norad_id,
        epoch_utc=epoch_utc,
        mean_motion_rev_per_day=1.0,
        eccentricity=0.0,
        inclination_deg=0.0,
        raan_deg=0.0,
        arg_perigee_deg=0.0,
        mean_anomaly_deg=0.0,
        name=label,
        rev_at_epoch=revolutions,
    )
    state_epoch = np.asarray(dense(to_epoch_s), dtype=np.float64)
    elements, rms_km, max_km = fit_mean_elements(
        template, (offsets_s - to_epoch_s) / 60.0, truth_km, state_epoch[:3], state_epoch[3:]
    )
    if max_km > FIT_TOLERANCE_KM:
        raise ConvergenceError(
            f"synthetic launch from {site.site.name}: the SGP4 fit misses the arc by {max_km:.1f} km"
        )
    return SyntheticLaunch(
        site=site,
        launch_time_utc=launch_utc,
        azimuth_deg=inertial_deg,
        ground_azimuth_deg=ground_deg,
        inclination_deg=inc_deg,
        raan_deg=raan_deg,
        ascending=bool(math.cos(az_rad) > 0.0),
        insertion_time_utc=insertion_utc,
        r_insertion_teme_km=(float(r_ins[0]), float(r_ins[1]), float(r_ins[2])),
        v_insertion_teme_km_s=(float(v_ins[0]), float(v_ins[1]), float(v_ins[2])),
        elements=elements,
        revolutions_at_epoch=revolutions,
        fit_rms_km=rms_km,
        fit_max_km=max_km,
    )


def fit_mean_elements(
    template: ElementSet,
    tsince_min: FloatArray,
    r_teme_km: FloatArray,
    r_epoch_km: FloatArray,
    v_epoch_km_s: FloatArray,
) -> tuple[ElementSet, float, float]:
    """SGP4 mean elements at ``template``'s epoch whose positions match ``r_teme_km`` (M, 3) at
    ``tsince_min`` minutes from the epoch; the osculating elements of the epoch state start the
    iteration. Returns the element set (``template`` with the six elements replaced; B* and the
    mean-motion derivatives kept) and the RMS and largest position residuals in km."""
    x0 = _osculating_guess(r_epoch_km, v_epoch_km_s)
    jd, fr = _julian_dates(template, tsince_min)

    def residuals(x: FloatArray) -> FloatArray:
        elements = _with_elements(template, x)
        if elements is None:
            return np.full(r_teme_km.size, 1e4)
        error, r_km, _ = elements.to_satrec().sgp4_array(jd, fr)
        if np.any(error != 0):
            return np.full(r_teme_km.size, 1e4)
        return np.asarray(r_km - r_teme_km, dtype=np.float64).ravel()

    result = least_squares(residuals, x0, method="lm", x_scale="jac", xtol=1e-14, ftol=1e-14, max_nfev=400)
    fitted = _with_elements(template, np.asarray(result.x, dtype=np.float64))
    if fitted is None:
        raise ConvergenceError(f"{template.name}: the SGP4 fit left the range of valid elements")
    miss = np.linalg.norm(residuals(np.asarray(result.x, dtype=np.float64)).reshape(-1, 3), axis=1)
    return fitted, float(np.sqrt(np.mean(miss**2))), float(np.max(miss))


def _with_elements(template: ElementSet, x: FloatArray) -> ElementSet | None:
    n_rev_day, e_cos, e_sin, inc_deg, raan_deg, mean_lon_deg = (float(v) for v in x)
    ecc = math.hypot(e_cos, e_sin)
    if not (0.0 < n_rev_day < 20.0 and ecc < 0.9 and 0.0 <= inc_deg <= 180.0):
        return None
    arg_perigee_deg = math.degrees(math.atan2(e_sin, e_cos)) % 360.0
    return ElementSet(
        norad_id=template.norad_id,
        epoch_utc=template.epoch_utc,
        mean_motion_rev_per_day=n_rev_day,
        eccentricity=ecc,
        inclination_deg=inc_deg,
        raan_deg=raan_deg % 360.0,
        arg_perigee_deg=arg_perigee_deg,
        mean_anomaly_deg=(mean_lon_deg - arg_perigee_deg) % 360.0,
        bstar_per_earth_radius=template.bstar_per_earth_radius,
        mean_motion_dot_rev_per_day2=template.mean_motion_dot_rev_per_day2,
        mean_motion_ddot_rev_per_day3=template.mean_motion_ddot_rev_per_day3,
        name=template.name,
        intl_designator=template.intl_designator,
        rev_at_epoch=template.rev_at_epoch,
    )


def _osculating_guess(r_km: FloatArray, v_km_s: FloatArray) -> FloatArray:
    """[n rev/day, e cos ω, e sin ω, i°, Ω°, ω + M°] of the two-body osculating orbit (Vallado Alg. 9)."""
    mu = WGS72_MU_KM3_S2
    radius, speed2 = float(np.linalg.norm(r_km)), float(v_km_s @ v_km_s)
    h = np.cross(r_km, v_km_s)
    inc = math.acos(float(h[2]) / float(np.linalg.norm(h)))
    raan = math.atan2(float(h[0]), -float(h[1]))
    e_vec = ((speed2 - mu / radius) * r_km - float(r_km @ v_km_s) * v_km_s) / mu
    a_km = 1.0 / (2.0 / radius - speed2 / mu)
    node = np.array([math.cos(raan), math.sin(raan), 0.0])
    q_axis = np.cross(h / np.linalg.norm(h), node)
    arg_lat = math.atan2(float(r_km @ q_axis), float(r_km @ node))
    e_cos, e_sin = float(e_vec @ node), float(e_vec @ q_axis)
    ecc = math.hypot(e_cos, e_sin)
    true_anomaly = arg_lat - math.atan2(e_sin, e_cos)
    ecc_anomaly = 2.0 * math.atan2(
        math.sqrt(1.0 - ecc) * math.sin(true_anomaly / 2.0),
        math.sqrt(1.0 + ecc) * math.cos(true_anomaly / 2.0),
    )
    mean_anomaly = ecc_anomaly - ecc * math.sin(ecc_anomaly)
    n_rev_day = math.sqrt(mu / a_km**3) * SECONDS_PER_DAY / (2.0 * math.pi)
    mean_lon = math.atan2(e_sin, e_cos) + mean_anomaly
    return np.array(
        [
            n_rev_day,
            e_cos,
            e_sin,
            math.degrees(inc),
            math.degrees(raan) % 360.0,
            math.degrees(mean_lon) % 360.0,
        ]
    )


def _julian_dates(template: ElementSet, tsince_min: FloatArray) -> tuple[FloatArray, FloatArray]:
    sat = template.to_satrec()
    fr = sat.jdsatepochF + np.asarray(tsince_min, dtype=np.float64) / MINUTES_PER_DAY
    return np.full(fr.shape, sat.jdsatepoch), fr


def _two_body_j2(_t: float, y: FloatArray) -> FloatArray:
    """Two-body + J2 acceleration (WGS-72), Vallado 4th ed. Eq. 8-30 / Montenbruck & Gill Eq. 3.33."""
    r = y[:3]
    x, yy, z = r
    r2 = float(r @ r)
    radius = math.sqrt(r2)
    mu_r3 = WGS72_MU_KM3_S2 / (r2 * radius)
    k = 1.5 * WGS72_J2 * (WGS72_RADIUS_KM**2) / r2
    z2 = z * z / r2
    ax = -mu_r3 * x * (1.0 + k * (1.0 - 5.0 * z2))
    ay = -mu_r3 * yy * (1.0 + k * (1.0 - 5.0 * z2))
    az = -mu_r3 * z * (1.0 + k * (3.0 - 5.0 * z2))
    return np.array([y[3], y[4], y[5], ax, ay, az])


def _ascending_node(_t: float, y: FloatArray) -> float:
    return float(y[2])


_ascending_node.direction = 1.0  # type: ignore[attr-defined]
