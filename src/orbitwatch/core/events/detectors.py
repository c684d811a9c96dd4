"""Conditions on a satellite and a ground point as continuous functions g (degrees), composable.

After Orekit's event detectors (Maisonobe et al., ICATT 2010): a condition holds where g >= 0, its
boundaries are the zeros of g, and conditions combine into new ones -- ``a & b`` is min(g_a, g_b),
``a | b`` is max(g_a, g_b), ``~a`` is -g_a -- so that an imaging window is
``ElevationAbove(20) & Sunlit... & OffNadirBelow(30)``. Every g is an angle margin in degrees, so
the root finder sees a continuous function of time with a meaningful scale.

g is evaluated on a :class:`Sample`: P instants, each with a satellite's Earth-fixed state, a ground
point (an index into :class:`GroundPoints`) and the Sun's Earth-fixed position. The geometry:

- elevation: geometric (no refraction), above the plane normal to the WGS-84 ellipsoid at the point
  (Vallado, Fundamentals of Astrodynamics and Applications, 4th ed., 2013, §4.4 "SEZ" frame);
- off-nadir angle: at the satellite, between the geocentric nadir (-r) and the line of sight to the
  point (Wertz, Space Mission Engineering: The New SMAD, 2011, §8.3.1; the geodetic nadir differs
  by under 0.2 deg);
- sunlit: the centre of the Sun is above the Earth's limb seen from the satellite (a sphere of the
  WGS-84 equatorial radius; the middle of the penumbra, as Skyfield's ``is_sunlit`` and
  :func:`orbitwatch.core.frames.sun.sunlit` decide); g is the Sun-Earth angular separation minus the
  Earth's apparent radius (Montenbruck and Gill, Satellite Orbits, 2000, §3.4.2);
- Sun elevation at the point: geometric, with the Sun's parallax; "site dark" is the Sun at or
  below a twilight angle (civil twilight ends at -6 deg).
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from orbitwatch.core.constants import WGS84_A_KM, WGS84_E2
from orbitwatch.core.frames.geodesy import SiteArray
from orbitwatch.core.frames.sun import sun_itrs_km
from orbitwatch.core.propagation.states import TimeGrid
from orbitwatch.core.targets import Site

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

SUN_NODE_STEP_S = 300.0
"""Spacing of the Sun's tabulated positions; linear interpolation between them errs by under 1e-4 deg."""


def dot3(a: FloatArray, b: FloatArray) -> FloatArray:
    """Dot products of component-major vectors (3, P) -> (P,)."""
    result: FloatArray = a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
    return result


def norm3(a: FloatArray) -> FloatArray:
    """Lengths of component-major vectors (3, P) -> (P,)."""
    result: FloatArray = np.sqrt(dot3(a, a))
    return result


@dataclass(frozen=True, slots=True, eq=False)
class GroundPoints:
    """K points on the ground (sites, or points of a region's boundary) with what the searches need.

    Beyond :class:`~orbitwatch.core.frames.geodesy.SiteArray` (positions, up vectors, ENU frames):
    component-major copies (3, K) of the ITRS position and of the east, north and up unit vectors
    (for gathering per event), the geocentric unit vector of each point, the angle between it and the
    geodetic up vector, and the point where the ellipsoid's normal through the site meets the polar
    axis, ``(0, 0, axis_origin_z_km)``, with the site's distance from it along the normal,
    ``axis_distance_km`` (= N + h). Seen from that point the site lies exactly on its own up axis,
    so elevation is an exact function of the angle from that axis and the distance (used by the
    pass search's bounds).
    """

    sites: SiteArray
    r_km: FloatArray
    east: FloatArray
    north: FloatArray
    up: FloatArray
    unit_itrs: FloatArray
    geodetic_offset_rad: FloatArray
    axis_origin_z_km: FloatArray
    axis_distance_km: FloatArray

    @classmethod
    def from_sites(cls, sites: Sequence[Site] | SiteArray) -> "GroundPoints":
        """Points from Site records or a SiteArray (names kept)."""
        array = sites if isinstance(sites, SiteArray) else SiteArray.from_sites(sites)
        if array.size == 0:
            raise ValueError("no sites given: at least one site is needed")
        lat_rad = np.radians(array.lat_deg)
        normal_km = WGS84_A_KM / np.sqrt(1.0 - WGS84_E2 * np.sin(lat_rad) ** 2)
        unit = array.r_itrs_km / np.linalg.norm(array.r_itrs_km, axis=1, keepdims=True)
        cos_offset = np.clip(np.einsum("ij,ij->i", unit, array.up_itrs), -1.0, 1.0)
        enu = array.enu_from_itrs
        return cls(
            array,
            np.ascontiguousarray(array.r_itrs_km.T),
            np.ascontiguousarray(enu[:, 0, :].T),
            np.ascontiguousarray(enu[:, 1, :].T),
            np.ascontiguousarray(enu[:, 2, :].T),
            unit,
            np.arccos(cos_offset),
            -normal_km * WGS84_E2 * np.sin(lat_rad),
            normal_km + array.alt_km,
        )

    @property
    def size(self) -> int:
        """Number of points K."""
        return self.sites.size

    @property
    def names(self) -> tuple[str, ...]:
        """The points' names."""
        return self.sites.names

    def position(self, point: IntArray) -> FloatArray:
        """ITRS positions (km) of points ``point``, (3, P)."""
        result: FloatArray = np.take(self.r_km, point, axis=1)
        return result

    def vertical(self, point: IntArray) -> FloatArray:
        """Up unit vectors of points ``point``, (3, P)."""
        result: FloatArray = np.take(self.up, point, axis=1)
        return result


@dataclass(frozen=True, slots=True, eq=False)
class SunTrack:
    """The Sun's Earth-fixed position tabulated over a window, interpolated linearly in between."""

    offsets_s: FloatArray
    sun_itrs_km: FloatArray

    @classmethod
    def over(cls, t0_utc: datetime, start_s: float, end_s: float) -> "SunTrack":
        """The Sun every :data:`SUN_NODE_STEP_S` from before ``start_s`` to after ``end_s`` (offsets, s)."""
        first = math.floor(start_s / SUN_NODE_STEP_S) * SUN_NODE_STEP_S
        count = math.ceil((end_s - first) / SUN_NODE_STEP_S) + 2
        offsets = first + np.arange(count, dtype=np.float64) * SUN_NODE_STEP_S
        return cls(offsets, np.ascontiguousarray(sun_itrs_km(TimeGrid(t0_utc, offsets)).T))

    def position(self, t_s: FloatArray) -> FloatArray:
        """The Sun's ITRS position (km), (3, P), at offsets ``t_s`` inside the table."""
        position = (t_s - self.offsets_s[0]) / SUN_NODE_STEP_S
        left = np.clip(position.astype(np.int64), 0, self.offsets_s.size - 2)
        weight = position - left
        left_km = np.take(self.sun_itrs_km, left, axis=1)
        result: FloatArray = left_km + weight * (np.take(self.sun_itrs_km, left + 1, axis=1) - left_km)
        return result


@dataclass(frozen=True, slots=True, eq=False)
class Sample:
    """P instants at which conditions are evaluated: offsets (s), satellite states (3, P), ground point
    (index into ``points``) and the Sun's ITRS position (3, P)."""

    t_s: FloatArray
    r_itrs_km: FloatArray
    v_itrs_km_s: FloatArray
    point: IntArray
    points: GroundPoints
    sun_itrs_km: FloatArray


class Detector(Protocol):
    """A condition on a sample: ``g(sample) >= 0`` where it holds, in degrees."""

    def g(self, sample: Sample) -> FloatArray:
        """The margin in degrees, (P,)."""
        ...


class _Composable:
    __slots__ = ()

    def __and__(self, other: Detector) -> "AllOf":
        return AllOf((self, other))  # type: ignore[arg-type]

    def __or__(self, other: Detector) -> "AnyOf":
        return AnyOf((self, other))  # type: ignore[arg-type]

    def __invert__(self) -> "Negation":
        return Negation(self)  # type: ignore[arg-type]


def look_angles(
    rho_km: FloatArray, sine_elevation: FloatArray, points: GroundPoints, point: IntArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Azimuth (deg, from north through east, [0, 360)), elevation (deg) and range (km) of rho (3, P)
    seen from points ``point``, given sin(elevation) (Vallado 2013, §4.4)."""
    east = dot3(rho_km, np.take(points.east, point, axis=1))
    north = dot3(rho_km, np.take(points.north, point, axis=1))
    azimuth = np.degrees(np.arctan2(east, north))
    azimuth[azimuth < 0.0] += 360.0
    elevation = np.degrees(np.arcsin(np.clip(sine_elevation, -1.0, 1.0)))
    return azimuth, elevation, norm3(rho_km)


def elevation_deg(sample: Sample) -> FloatArray:
    """Elevation (deg) of the satellite above each sample's point."""
    rho = sample.r_itrs_km - sample.points.position(sample.point)
    sine = dot3(rho, sample.points.vertical(sample.point)) / norm3(rho)
    return np.degrees(np.arcsin(np.clip(sine, -1.0, 1.0)))


def off_nadir_deg(sample: Sample) -> FloatArray:
    """Off-nadir angle (deg) at the satellite between -r and the line of sight to each sample's point."""
    return off_nadir_from(sample.r_itrs_km, sample.points.position(sample.point))


def off_nadir_from(r_itrs_km: FloatArray, target_itrs_km: FloatArray) -> FloatArray:
    """Off-nadir angle (deg) at satellites r (3, P) between -r and the lines of sight to targets (3, P)."""
    line = target_itrs_km - r_itrs_km
    cosine = -dot3(r_itrs_km, line) / (norm3(r_itrs_km) * norm3(line))
    return np.degrees(np.arccos(np.clip(cosine, -1.0, 1.0)))


def sun_elevation_at_deg(sun_itrs_km: FloatArray, points: GroundPoints, point: IntArray) -> FloatArray:
    """Geometric elevation (deg) of the Sun's centre (3, P) at points ``point``, with parallax."""
    to_sun = sun_itrs_km - points.position(point)
    sine = dot3(to_sun, points.vertical(point)) / norm3(to_sun)
    return np.degrees(np.arcsin(np.clip(sine, -1.0, 1.0)))


def sunlit_margin_deg(r_itrs_km: FloatArray, sun_itrs_km: FloatArray) -> FloatArray:
    """Angle (deg) between the Sun's centre and the Earth's limb seen from the satellite: > 0 sunlit.

    ``r_itrs_km`` and ``sun_itrs_km`` are (3, P): the separation of the Sun's and the Earth's centres
    seen from the satellite, minus the Earth's apparent radius.
    """
    radius = norm3(r_itrs_km)
    to_sun = sun_itrs_km - r_itrs_km
    cosine = -dot3(r_itrs_km, to_sun) / (radius * norm3(to_sun))
    separation = np.arccos(np.clip(cosine, -1.0, 1.0))
    result: FloatArray = np.degrees(separation - np.arcsin(np.minimum(WGS84_A_KM / radius, 1.0)))
    return result


@dataclass(frozen=True, slots=True)
class ElevationAbove(_Composable):
    """The satellite is at least ``min_deg`` above the point's horizon."""

    min_deg: float

    def g(self, sample: Sample) -> FloatArray:
        """Elevation minus the mask."""
        return elevation_deg(sample) - self.min_deg


@dataclass(frozen=True, slots=True)
class OffNadirBelow(_Composable):
    """The point is within ``max_deg`` of the satellite's nadir (the field of regard).

    The angle alone does not say whether the Earth blocks the line of sight (a point on the far side
    can be near the nadir direction): combine with ``ElevationAbove(0)``.
    """

    max_deg: float

    def g(self, sample: Sample) -> FloatArray:
        """The limit minus the off-nadir angle."""
        return self.max_deg - off_nadir_deg(sample)


@dataclass(frozen=True, slots=True)
class Sunlit(_Composable):
    """The satellite is in sunlight (the Sun's centre above the Earth's limb)."""

    def g(self, sample: Sample) -> FloatArray:
        """The Sun's angular height above the Earth's limb, seen from the satellite."""
        return sunlit_margin_deg(sample.r_itrs_km, sample.sun_itrs_km)


@dataclass(frozen=True, slots=True)
class SiteDark(_Composable):
    """The Sun is at or below ``max_sun_elevation_deg`` at the point (-6: the end of civil twilight)."""

    max_sun_elevation_deg: float = -6.0

    def g(self, sample: Sample) -> FloatArray:
        """The limit minus the Sun's elevation."""
        return self.max_sun_elevation_deg - sun_elevation_at_deg(
            sample.sun_itrs_km, sample.points, sample.point
        )


@dataclass(frozen=True, slots=True)
class TargetSunAbove(_Composable):
    """The Sun is at least ``min_deg`` above the point's horizon (daylight for optical imaging)."""

    min_deg: float

    def g(self, sample: Sample) -> FloatArray:
        """The Sun's elevation minus the limit."""
        return sun_elevation_at_deg(sample.sun_itrs_km, sample.points, sample.point) - self.min_deg


@dataclass(frozen=True, slots=True)
class AllOf(_Composable):
    """Every condition holds: g = min of the members' g."""

    members: tuple[Detector, ...]

    def g(self, sample: Sample) -> FloatArray:
        """The smallest margin."""
        result: FloatArray = np.minimum.reduce([member.g(sample) for member in self.members])
        return result


@dataclass(frozen=True, slots=True)
class AnyOf(_Composable):
    """At least one condition holds: g = max of the members' g."""

    members: tuple[Detector, ...]

    def g(self, sample: Sample) -> FloatArray:
        """The largest margin."""
        result: FloatArray = np.maximum.reduce([member.g(sample) for member in self.members])
        return result


@dataclass(frozen=True, slots=True)
class Negation(_Composable):
    """The condition does not hold: g = -g of the member."""

    member: Detector

    def g(self, sample: Sample) -> FloatArray:
        """The member's margin, negated."""
        return -self.member.g(sample)
