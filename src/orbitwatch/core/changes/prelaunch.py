"""Pre-launch prediction: the orbit plane of a direct ascent and a proxy element set for it.

Before anyone has tracked a new satellite its first passes can still be predicted from what is
published before launch: the launch site, the launch time (or window), and either the launch azimuth,
the target inclination, or the hazard areas of the navigational warnings (the drop zones of the stages,
in flight order). This module turns those into the orbit plane and a proxy
:class:`~orbitwatch.core.elements.model.ElementSet` that the overflight functions take like any other
satellite. It also holds the ascent geometry shared by :mod:`~orbitwatch.core.changes.launches` and
:mod:`~orbitwatch.core.changes.synthetic_launch`.

Geometry (a direct ascent: no dog-leg, no plane change; Vallado, *Fundamentals of Astrodynamics and
Applications*, 4th ed., §6.4; Curtis, *Orbital Mechanics for Engineering Students*, §4.7):

- The site's inertial (TEME) position at the launch instant is its WGS-84 Earth-fixed position turned
  by the Greenwich mean sidereal time of UT1 (IAU 1982, as SGP4's TEME needs; UT1 from the offline
  IERS table of :mod:`orbitwatch.core.frames.time`; polar motion, about 10 m, is neglected).
- The orbit plane contains the Earth's centre, the site at the launch instant, and the launch
  direction. Its normal is ``h = s × d`` with ``s`` the site's unit vector and ``d = cos β N + sin β E``
  (geocentric north and east at the site, β the *inertial* azimuth). Hence cos i = cos φ' sin β with the
  geocentric latitude φ' (exact for a plane through the centre; the table's helper uses the geodetic
  latitude, at most 0.19° different), and Ω = atan2(h_x, -h_y).
- Azimuths here are inertial, the convention of :mod:`orbitwatch.core.launch_sites` and of its table
  (whose ranges were derived from inclinations with cos i = cos φ sin β). A heading over the ground
  β_g (a ground track, or a line of drop zones) differs because the site moves east at
  v_rot = ω⊕ |r_site| cos φ': the velocity triangle v_I sin β_I = v_g sin β_g + v_rot,
  v_I cos β_I = v_g cos β_g gives sin(β_I - β_g) = (v_rot / v_I) cos β_g, with v_I the orbital speed
  (the velocity triangle of the launch-azimuth correction; Vallado §6.4 and Curtis §4.7 give the
  non-rotating relation it corrects): 2.6° for a sun-synchronous launch from 40° N, zero for due east.
- The ascent puts the satellite :attr:`AscentProfile.downrange_deg` along the plane from the site's
  launch position, :attr:`AscentProfile.insertion_delay_s` after liftoff (nominal: 20° and 600 s; direct
  ascents insert after 8-12 minutes, 1500-3000 km downrange).

The proxy is a circular SGP4 mean element set at the chosen altitude (the altitude convention and mean
motion of :func:`~orbitwatch.core.elements.hypothetical.circular_mean_motion_rev_per_day`), epoch at the
insertion, in the plane at the launch instant, at the insertion point. Its along-track uncertainty is
that of the ascent profile (about ±3° of phase, ±1 minute of pass time) plus that of the launch time.
"""

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import MappingProxyType
from typing import Final

import numpy as np
from numpy.typing import NDArray

from orbitwatch.core.constants import WGS72_MU_KM3_S2, WGS72_RADIUS_KM
from orbitwatch.core.elements.epochs import as_utc
from orbitwatch.core.elements.hypothetical import HYPOTHETICAL_NORAD_BASE, circular_mean_motion_rev_per_day
from orbitwatch.core.elements.model import MAX_NORAD_ID, ElementSet
from orbitwatch.core.frames.geodesy import itrs_from_geodetic
from orbitwatch.core.frames.rotations import gmst82_rad
from orbitwatch.core.frames.time import skyfield_time, ut1_julian_dates
from orbitwatch.core.launch_sites import LaunchSite
from orbitwatch.core.propagation.states import TimeGrid
from orbitwatch.errors import ElementsError, TargetError

FloatArray = NDArray[np.float64]

EARTH_ROTATION_RAD_S: Final = 7.292115e-5
"""The Earth's mean angular velocity (WGS-84, NIMA TR8350.2)."""
PROXY_NORAD_BASE: Final = HYPOTHETICAL_NORAD_BASE + 50_000_000
"""Default proxy catalog numbers: this base plus the launch minute counted from 2000-01-01 00:00 UTC."""
PROXY_NAME_PREFIX: Final = "PROXY"
AZIMUTH_TOLERANCE_DEG: Final = 1.0
"""Slack on a site's azimuth ranges (the table's ranges are rounded; geodetic and geocentric differ)."""
MAX_CROSS_TRACK_KM: Final = 200.0
"""Default tolerance for hazard areas off the fitted great circle (an ascent's ground track bends
west under the rotating Earth: about 150 km after 10 minutes for a launch to the south)."""
MIN_HAZARD_DISTANCE_KM: Final = 20.0
MIN_ALT_KM: Final = 100.0
MAX_ALT_KM: Final = 50_000.0
_PROXY_EPOCH0: Final = datetime.fromisoformat("2000-01-01T00:00:00+00:00")
_PROXY_SPAN: Final = MAX_NORAD_ID - PROXY_NORAD_BASE


@dataclass(frozen=True, slots=True)
class AscentProfile:
    """Where and when a direct ascent leaves the satellite: ``downrange_deg`` along the orbit plane from
    the site's inertial position at liftoff, ``insertion_delay_s`` seconds after liftoff."""

    insertion_delay_s: float = 600.0
    downrange_deg: float = 20.0

    def __post_init__(self) -> None:
        if not (math.isfinite(self.insertion_delay_s) and 0.0 < self.insertion_delay_s <= 7200.0):
            raise ElementsError(
                f"ascent profile: insertion delay {self.insertion_delay_s:g} s is outside 0..7200"
            )
        if not (math.isfinite(self.downrange_deg) and 0.0 <= self.downrange_deg < 180.0):
            raise ElementsError(f"ascent profile: downrange angle {self.downrange_deg:g}° is outside 0..180")


NOMINAL_ASCENT: Final = AscentProfile()


@dataclass(frozen=True, slots=True)
class PrelaunchPlan:
    """The orbit plane of a planned direct ascent and a proxy element set for the satellite.

    ``azimuth_deg`` is the inertial launch azimuth (the table's convention, module docstring);
    ``details["ground_azimuth_deg"]`` is the heading over the ground. ``raan_deg`` is the plane's right
    ascension of the ascending node (TEME) at the launch instant. ``details`` also holds the insertion
    time and phase, whether the azimuth is in the site's allowed ranges, and for hazard areas the fit.
    """

    site: LaunchSite
    azimuth_deg: float
    inclination_deg: float
    ascending: bool
    raan_deg: float
    launch_time_utc: datetime
    proxy: ElementSet
    details: Mapping[str, float | str]


# --- geometry shared by estimation and synthesis ---------------------------------------------------


def gmst_rad(grid: TimeGrid) -> FloatArray:
    """Greenwich mean sidereal time (IAU 1982) of UT1 at the grid's instants, radians (M,)."""
    theta_rad, _ = gmst82_rad(*ut1_julian_dates(skyfield_time(grid)))
    return np.asarray(theta_rad, dtype=np.float64)


def site_itrs_km(site: LaunchSite) -> FloatArray:
    """The site's WGS-84 Earth-fixed position, km (3,)."""
    return np.asarray(itrs_from_geodetic(site.site.lat_deg, site.site.lon_deg, site.site.alt_m / 1000.0))


def site_teme_km(site: LaunchSite, grid: TimeGrid) -> FloatArray:
    """The site's TEME position at the grid's instants, km (M, 3): Earth-fixed turned by GMST."""
    return rotate_z(site_itrs_km(site), gmst_rad(grid))


def rotate_z(r_pef_km: FloatArray, theta_rad: FloatArray) -> FloatArray:
    """R_z(θ) applied to one Earth-fixed vector at each angle θ: (M, 3) (PEF -> TEME)."""
    c, s = np.cos(theta_rad), np.sin(theta_rad)
    x, y, z = r_pef_km
    return np.stack([c * x - s * y, s * x + c * y, np.full_like(c, z)], axis=-1)


def local_east_north(s_unit: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Geocentric east and north unit vectors at a unit position vector (3,)."""
    east = np.array([-s_unit[1], s_unit[0], 0.0])
    east /= np.linalg.norm(east)
    return east, np.cross(s_unit, east)


def plane_normal(s_unit: FloatArray, azimuth_rad: float) -> FloatArray:
    """Unit normal (angular-momentum direction) of the plane through the centre, the site ``s_unit``
    and the inertial direction of flight at azimuth ``azimuth_rad``: h = s × d."""
    east, north = local_east_north(s_unit)
    direction = math.cos(azimuth_rad) * north + math.sin(azimuth_rad) * east
    normal = np.cross(s_unit, direction)
    return np.asarray(normal / np.linalg.norm(normal), dtype=np.float64)


def plane_angles_deg(normal: FloatArray) -> tuple[float, float]:
    """Inclination (0..180) and right ascension of the ascending node (0..360) of a plane normal."""
    inc_deg = math.degrees(math.acos(max(-1.0, min(1.0, float(normal[2])))))
    raan_deg = math.degrees(math.atan2(float(normal[0]), -float(normal[1]))) % 360.0
    return inc_deg, raan_deg


def argument_of_latitude_deg(normal: FloatArray, r: FloatArray) -> FloatArray:
    """Angle (degrees, -180..180) of vectors ``r`` (..., 3) in the plane from its ascending node."""
    node = np.array([-normal[1], normal[0], 0.0])
    norm = np.linalg.norm(node)
    node = np.array([1.0, 0.0, 0.0]) if norm < 1e-12 else node / norm
    q_axis = np.cross(normal, node)
    return np.asarray(np.degrees(np.arctan2(r @ q_axis, r @ node)), dtype=np.float64)


def azimuth_at_site_deg(s_unit: FloatArray, normal: FloatArray) -> float:
    """Inertial azimuth (0..360) of the direction of flight h × s of a plane through the site."""
    east, north = local_east_north(s_unit)
    direction = np.cross(normal, s_unit)
    return math.degrees(math.atan2(float(direction @ east), float(direction @ north))) % 360.0


def circular_speed_km_s(alt_km: float) -> float:
    """Circular orbital speed at ``alt_km`` above the WGS-72 equatorial radius (SGP4's mu)."""
    return math.sqrt(WGS72_MU_KM3_S2 / (WGS72_RADIUS_KM + alt_km))


def site_rotation_speed_km_s(site: LaunchSite) -> float:
    """The site's eastward speed from the Earth's rotation, ω⊕ times its distance from the axis."""
    r = site_itrs_km(site)
    return EARTH_ROTATION_RAD_S * math.hypot(float(r[0]), float(r[1]))


def inertial_from_ground_azimuth_deg(site: LaunchSite, ground_azimuth_deg: float, speed_km_s: float) -> float:
    """The inertial azimuth of a flight heading ``ground_azimuth_deg`` over the ground that reaches the
    inertial speed ``speed_km_s``: sin(β_I - β_g) = (v_rot / v_I) cos β_g (module docstring)."""
    ratio = site_rotation_speed_km_s(site) / speed_km_s
    ground_rad = math.radians(ground_azimuth_deg)
    return (ground_azimuth_deg + math.degrees(math.asin(ratio * math.cos(ground_rad)))) % 360.0


def ground_from_inertial_azimuth_deg(site: LaunchSite, azimuth_deg: float, speed_km_s: float) -> float:
    """The heading over the ground of an inertial azimuth: tan β_g = (v_I sin β_I - v_rot) / (v_I cos β_I)."""
    az_rad = math.radians(azimuth_deg)
    east = speed_km_s * math.sin(az_rad) - site_rotation_speed_km_s(site)
    north = speed_km_s * math.cos(az_rad)
    return math.degrees(math.atan2(east, north)) % 360.0


def allows_azimuth(
    site: LaunchSite, azimuth_deg: float, tolerance_deg: float = AZIMUTH_TOLERANCE_DEG
) -> bool:
    """Whether the site's ranges allow the azimuth within ``tolerance_deg``."""
    return any(site.allows_azimuth(azimuth_deg + k * tolerance_deg) for k in (-1.0, -0.5, 0.0, 0.5, 1.0))


def azimuth_ranges_text(site: LaunchSite) -> str:
    """The site's azimuth ranges as the table writes them (``35-120;170-195``)."""
    return ";".join(f"{start:g}-{end:g}" for start, end in site.azimuth_ranges_deg)


def geocentric_latitude_deg(site: LaunchSite) -> float:
    """The geocentric latitude of the site (the latitude that bounds a plane through the centre)."""
    x, y, z = site_itrs_km(site)
    return math.degrees(math.atan2(float(z), math.hypot(float(x), float(y))))


def azimuths_for_inclination_deg(site: LaunchSite, inclination_deg: float) -> tuple[float, float]:
    """(ascending, descending) inertial azimuths of planes through the site with that inclination, from
    sin β = cos i / cos φ' (geocentric latitude); a :class:`TargetError` when none reaches it."""
    lat_gc = geocentric_latitude_deg(site)
    sin_az = math.cos(math.radians(inclination_deg)) / math.cos(math.radians(lat_gc))
    if abs(sin_az) > 1.0 + 1e-12:
        raise TargetError(unreachable_message(site, inclination_deg))
    ascending_deg = math.degrees(math.asin(max(-1.0, min(1.0, sin_az))))
    return ascending_deg % 360.0, (180.0 - ascending_deg) % 360.0


def unreachable_message(site: LaunchSite, inclination_deg: float) -> str:
    """The one-line reason a plane of that inclination does not pass over the site."""
    name, lat = site.site.name, abs(site.site.lat_deg)
    if inclination_deg <= 90.0:
        return (
            f"inclination {inclination_deg:.2f}° is below the latitude of {name} ({lat:.2f}°): "
            "no direct ascent reaches it"
        )
    return (
        f"inclination {inclination_deg:.2f}° is above 180° minus the latitude of {name} "
        f"({180.0 - lat:.2f}°): no direct ascent reaches it"
    )


# --- plans -----------------------------------------------------------------------------------------


def plan_from_azimuth(
    site: LaunchSite,
    azimuth_deg: float,
    launch_time_utc: datetime,
    altitude_km: float,
    *,
    ground_relative: bool = False,
    profile: AscentProfile = NOMINAL_ASCENT,
    norad_id: int | None = None,
    name: str | None = None,
) -> PrelaunchPlan:
    """The plane and proxy of a direct ascent from ``site`` at ``launch_time_utc`` with that azimuth.

    ``azimuth_deg`` is inertial (the site table's convention) unless ``ground_relative`` is True, when it
    is the heading over the ground and is converted with the velocity triangle at the circular speed of
    ``altitude_km``. An azimuth outside the site's ranges is planned all the same and flagged in
    ``details["azimuth_allowed"]`` (``"no"``) and ``details["warning"]``.
    """
    _check_number("azimuth", azimuth_deg)
    _check_altitude(altitude_km)
    speed_km_s = circular_speed_km_s(altitude_km)
    if ground_relative:
        ground_deg = azimuth_deg % 360.0
        inertial_deg = inertial_from_ground_azimuth_deg(site, ground_deg, speed_km_s)
    else:
        inertial_deg = azimuth_deg % 360.0
        ground_deg = ground_from_inertial_azimuth_deg(site, inertial_deg, speed_km_s)
    return _plan(
        site, inertial_deg, ground_deg, as_utc(launch_time_utc), altitude_km, profile, norad_id, name, {}
    )


def plan_from_inclination(
    site: LaunchSite,
    inclination_deg: float,
    launch_time_utc: datetime,
    altitude_km: float,
    *,
    ascending: bool | None = None,
    profile: AscentProfile = NOMINAL_ASCENT,
    norad_id: int | None = None,
    name: str | None = None,
) -> PrelaunchPlan:
    """The plane and proxy of a direct ascent into ``inclination_deg`` from ``site`` at the launch time.

    ``ascending`` picks the pass heading north (True) or south (False); None picks the side the site's
    azimuth ranges allow (north when both are), and a :class:`TargetError` when neither is. An
    inclination the site cannot reach directly (below its latitude, or above 180° minus it) is a
    :class:`TargetError`.
    """
    _check_number("inclination", inclination_deg)
    if not 0.0 <= inclination_deg <= 180.0:
        raise TargetError(f"inclination {inclination_deg:g}° is outside 0..180")
    _check_altitude(altitude_km)
    north_deg, south_deg = azimuths_for_inclination_deg(site, inclination_deg)
    if ascending is None:
        allowed = [side for side, az in ((True, north_deg), (False, south_deg)) if allows_azimuth(site, az)]
        if not allowed:
            raise TargetError(
                f"inclination {inclination_deg:.2f}° from {site.site.name} needs azimuth {north_deg:.1f}° "
                f"(heading north) or {south_deg:.1f}° (heading south); {site.site.name} allows "
                f"{azimuth_ranges_text(site)}"
            )
        ascending = allowed[0]
    inertial_deg = north_deg if ascending else south_deg
    ground_deg = ground_from_inertial_azimuth_deg(site, inertial_deg, circular_speed_km_s(altitude_km))
    return _plan(
        site,
        inertial_deg,
        ground_deg,
        as_utc(launch_time_utc),
        altitude_km,
        profile,
        norad_id,
        name,
        {"requested_inclination_deg": float(inclination_deg)},
    )


@dataclass(frozen=True, slots=True)
class HazardFit:
    """The great circle from a site through hazard-area centroids: the ground ``bearing_deg``, each
    centroid's ``along_track_km`` and signed ``cross_track_km`` (positive to the left), and the RMS."""

    bearing_deg: float
    centroids_lonlat_deg: tuple[tuple[float, float], ...]
    along_track_km: tuple[float, ...]
    cross_track_km: tuple[float, ...]
    rms_cross_track_km: float


def fit_hazard_areas(
    site: LaunchSite,
    areas: Sequence[Sequence[tuple[float, float]]],
    *,
    max_cross_track_km: float = MAX_CROSS_TRACK_KM,
) -> HazardFit:
    """The bearing from ``site`` of the great circle that best passes through the areas' centroids.

    ``areas`` are polygons of ``(lon_deg, lat_deg)`` vertices (GeoJSON order, closed or not) in flight
    order. The centroid of each is its planar area centroid in a local east-north projection. The great
    circle through the site at bearing β has the normal n(β) = -cos β E + sin β N; minimising
    Σ (p_k · n)² over the centroids p_k is the smallest-eigenvalue problem of a 2x2 matrix (a total
    least-squares fit), and the sign of β is chosen so that the areas lie ahead. A
    :class:`TargetError` when an area is malformed, lies within 20 km of the site, the areas are not in
    flight order along the fit, or a centroid lies more than ``max_cross_track_km`` off it (the areas
    do not line up with the site).
    """
    if not areas:
        raise TargetError("no hazard area is given")
    centroids = tuple(_centroid_lonlat(index, area) for index, area in enumerate(areas, start=1))
    s_unit = site_itrs_km(site)
    s_unit = s_unit / np.linalg.norm(s_unit)
    east, north = local_east_north(s_unit)
    points = np.asarray(itrs_from_geodetic([c[1] for c in centroids], [c[0] for c in centroids], 0.0))
    points /= np.linalg.norm(points, axis=1)[:, None]
    a, b = points @ east, points @ north
    distance_km = np.arccos(np.clip(points @ s_unit, -1.0, 1.0)) * WGS72_RADIUS_KM
    for index, dist in enumerate(distance_km, start=1):
        if dist < MIN_HAZARD_DISTANCE_KM:
            raise TargetError(
                f"hazard area {index} is {dist:.0f} km from {site.site.name}: too close to give a direction"
            )
    matrix = np.array([[a @ a, -(a @ b)], [-(a @ b), b @ b]])
    _, vectors = np.linalg.eigh(matrix)
    cos_b, sin_b = vectors[:, 0]
    direction = cos_b * north + sin_b * east
    if float(np.sum(points @ direction)) < 0.0:
        cos_b, sin_b, direction = -cos_b, -sin_b, -direction
    bearing_deg = math.degrees(math.atan2(sin_b, cos_b)) % 360.0
    normal = -cos_b * east + sin_b * north
    cross_km = np.arcsin(np.clip(points @ normal, -1.0, 1.0)) * WGS72_RADIUS_KM
    along_km = np.arctan2(points @ direction, points @ s_unit) * WGS72_RADIUS_KM
    for index in range(1, len(centroids)):
        if along_km[index] <= along_km[index - 1]:
            raise TargetError(
                f"hazard area {index + 1} lies before area {index} along the track from {site.site.name} "
                f"(bearing {bearing_deg:.1f}°): the areas are not in flight order"
            )
    worst = int(np.argmax(np.abs(cross_km)))
    if abs(cross_km[worst]) > max_cross_track_km or along_km[0] <= 0.0:
        raise TargetError(
            f"the hazard areas do not line up with {site.site.name}: the best great circle from the site "
            f"(bearing {bearing_deg:.1f}°) misses area {worst + 1} by {abs(cross_km[worst]):.0f} km "
            f"(tolerance {max_cross_track_km:g} km)"
        )
    return HazardFit(
        bearing_deg=bearing_deg,
        centroids_lonlat_deg=centroids,
        along_track_km=tuple(float(x) for x in along_km),
        cross_track_km=tuple(float(x) for x in cross_km),
        rms_cross_track_km=float(np.sqrt(np.mean(cross_km**2))),
    )


def plan_from_hazard_areas(
    site: LaunchSite,
    areas: Sequence[Sequence[tuple[float, float]]],
    launch_time_utc: datetime,
    altitude_km: float,
    *,
    max_cross_track_km: float = MAX_CROSS_TRACK_KM,
    profile: AscentProfile = NOMINAL_ASCENT,
    norad_id: int | None = None,
    name: str | None = None,
) -> PrelaunchPlan:
    """The plane and proxy of a direct ascent along the published hazard areas (drop zones in flight
    order, polygons of ``(lon_deg, lat_deg)``): the ground bearing of :func:`fit_hazard_areas`, turned
    into the inertial azimuth at the circular speed of ``altitude_km``. The fit's figures are in
    ``details`` (``hazard_rms_cross_track_km``, ``hazard_max_cross_track_km``, ``hazard_areas``)."""
    _check_altitude(altitude_km)
    fit = fit_hazard_areas(site, areas, max_cross_track_km=max_cross_track_km)
    inertial_deg = inertial_from_ground_azimuth_deg(site, fit.bearing_deg, circular_speed_km_s(altitude_km))
    extra: dict[str, float | str] = {
        "hazard_areas": float(len(fit.cross_track_km)),
        "hazard_rms_cross_track_km": fit.rms_cross_track_km,
        "hazard_max_cross_track_km": max(abs(x) for x in fit.cross_track_km),
        "hazard_last_along_track_km": fit.along_track_km[-1],
    }
    return _plan(
        site,
        inertial_deg,
        fit.bearing_deg,
        as_utc(launch_time_utc),
        altitude_km,
        profile,
        norad_id,
        name,
        extra,
    )


def proxy_name(site: LaunchSite, launch_time_utc: datetime) -> str:
    """``PROXY <CODE> <YYYY-MM-DDTHH:MMZ>``, e.g. ``PROXY SOHAE 2026-12-01T03:00Z``."""
    return f"{PROXY_NAME_PREFIX} {site.code} {as_utc(launch_time_utc):%Y-%m-%dT%H:%MZ}"


def default_proxy_norad_id(launch_time_utc: datetime) -> int:
    """:data:`PROXY_NORAD_BASE` plus the launch minute since 2000-01-01 (wrapping within the range)."""
    minutes = int((as_utc(launch_time_utc) - _PROXY_EPOCH0).total_seconds() // 60)
    return PROXY_NORAD_BASE + minutes % _PROXY_SPAN


def _plan(
    site: LaunchSite,
    inertial_deg: float,
    ground_deg: float,
    launch_time_utc: datetime,
    altitude_km: float,
    profile: AscentProfile,
    norad_id: int | None,
    name: str | None,
    extra: Mapping[str, float | str],
) -> PrelaunchPlan:
    s_teme = site_teme_km(site, TimeGrid(launch_time_utc, np.zeros(1)))[0]
    s_unit = s_teme / np.linalg.norm(s_teme)
    normal = plane_normal(s_unit, math.radians(inertial_deg))
    inc_deg, raan_deg = plane_angles_deg(normal)
    u_site_deg = float(argument_of_latitude_deg(normal, s_unit))
    u_insertion_deg = (u_site_deg + profile.downrange_deg) % 360.0
    insertion_utc = launch_time_utc + timedelta(seconds=profile.insertion_delay_s)
    chosen_id = default_proxy_norad_id(launch_time_utc) if norad_id is None else norad_id
    if not 1 <= chosen_id <= MAX_NORAD_ID:
        raise ElementsError(f"proxy catalog number {chosen_id} is outside 1..{MAX_NORAD_ID}")
    proxy = ElementSet(
        norad_id=chosen_id,
        epoch_utc=insertion_utc,
        mean_motion_rev_per_day=circular_mean_motion_rev_per_day(altitude_km, inc_deg),
        eccentricity=0.0,
        inclination_deg=inc_deg,
        raan_deg=raan_deg,
        arg_perigee_deg=0.0,
        mean_anomaly_deg=u_insertion_deg,
        name=name if name is not None else proxy_name(site, launch_time_utc),
    )
    allowed = allows_azimuth(site, inertial_deg)
    details: dict[str, float | str] = {
        "ground_azimuth_deg": ground_deg,
        "geocentric_latitude_deg": geocentric_latitude_deg(site),
        "altitude_km": float(altitude_km),
        "insertion_time_utc": insertion_utc.isoformat().replace("+00:00", "Z"),
        "insertion_delay_s": profile.insertion_delay_s,
        "downrange_deg": profile.downrange_deg,
        "site_argument_of_latitude_deg": u_site_deg % 360.0,
        "azimuth_allowed": "yes" if allowed else "no",
        **extra,
    }
    if not allowed:
        details["warning"] = (
            f"azimuth {inertial_deg:.1f}° is outside the ranges {site.site.name} is known to allow "
            f"({azimuth_ranges_text(site)})"
        )
    return PrelaunchPlan(
        site=site,
        azimuth_deg=inertial_deg,
        inclination_deg=inc_deg,
        ascending=bool(math.cos(math.radians(inertial_deg)) > 0.0),
        raan_deg=raan_deg,
        launch_time_utc=launch_time_utc,
        proxy=proxy,
        details=MappingProxyType(details),
    )


def _centroid_lonlat(index: int, area: Sequence[tuple[float, float]]) -> tuple[float, float]:
    vertices = [tuple(map(float, vertex)) for vertex in area]
    if len(vertices) > 1 and vertices[0] == vertices[-1]:
        vertices.pop()
    if len(vertices) < 3:
        raise TargetError(f"hazard area {index}: a polygon needs at least 3 vertices, got {len(vertices)}")
    lon = np.array([v[0] for v in vertices])
    lat = np.array([v[1] for v in vertices])
    if not (np.all(np.isfinite(lon)) and np.all(np.isfinite(lat))):
        raise TargetError(f"hazard area {index}: every vertex must be a finite (lon, lat)")
    if np.any(np.abs(lat) > 90.0) or np.any(np.abs(lon) > 360.0):
        raise TargetError(f"hazard area {index}: a vertex is outside lon -180..360, lat -90..90")
    lon = lon[0] + (lon - lon[0] + 180.0) % 360.0 - 180.0  # unwrap across the antimeridian
    lat0 = math.radians(float(np.mean(lat)))
    x, y = lon * math.cos(lat0), lat
    cross = x * np.roll(y, -1) - np.roll(x, -1) * y
    twice_area = float(np.sum(cross))
    if abs(twice_area) < 1e-12:
        cx, cy = float(np.mean(x)), float(np.mean(y))
    else:
        cx = float(np.sum((x + np.roll(x, -1)) * cross)) / (3.0 * twice_area)
        cy = float(np.sum((y + np.roll(y, -1)) * cross)) / (3.0 * twice_area)
    lon_c = (cx / math.cos(lat0) + 180.0) % 360.0 - 180.0
    return lon_c, cy


def _check_number(what: str, value: float) -> None:
    if not math.isfinite(value):
        raise TargetError(f"{what} {value!r} is not a finite number of degrees")


def _check_altitude(altitude_km: float) -> None:
    if not (math.isfinite(altitude_km) and MIN_ALT_KM <= altitude_km <= MAX_ALT_KM):
        raise ElementsError(f"altitude {altitude_km:g} km is outside {MIN_ALT_KM:g}..{MAX_ALT_KM:g} km")
