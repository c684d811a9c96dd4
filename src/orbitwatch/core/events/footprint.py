"""Footprints: the ground a satellite can image or see at one instant, as a ring of points on WGS-84.

Two kinds, both the edge of a region of the ellipsoid's surface around the nadir:

- **visibility**: the ground points from which the satellite is at least ``min_elevation_deg`` above
  the horizon (elevation measured from the ellipsoid's normal, as in
  :mod:`orbitwatch.core.frames.geodesy`);
- **imaging**: the points inside the sensor's field of regard -- at most ``max_off_nadir_deg`` from
  the geocentric nadir, the angle of :mod:`orbitwatch.core.events.imaging` -- that also see the
  satellite at least ``min_elevation_deg`` high (0 by default: the line of sight clears the Earth).

On a sphere of radius R these are small circles of Earth-central angle lambda about the sub-satellite
point (Wertz, Space Mission Engineering: The New SMAD, 2011, §8.3.1: with rho the Earth's angular
radius, sin rho = R / r, the nadir angle eta and elevation epsilon are tied by
cos epsilon = sin eta / sin rho and lambda = 90° - eta - epsilon). Here the edge is found on the
ellipsoid itself: along each of ``points`` azimuths from the geocentric sub-satellite direction, the
central angle at which the condition first fails is located by bisection (to 1e-12 rad) of the
condition evaluated at the ellipsoid point in that direction, so the ring holds the exact edge to
well under a metre; the spherical formula is the independent check in the tests.
"""

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Final, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from orbitwatch.core.constants import WGS84_A_KM, WGS84_B_KM
from orbitwatch.core.events.imaging import Opportunity
from orbitwatch.core.frames.geodesy import geodetic_from_itrs

FloatArray = NDArray[np.float64]
FootprintKind = Literal["imaging", "visibility"]

DEFAULT_POINTS: Final = 72
"""Points on a ring: one every 5° of azimuth (a chord error under 0.1 % of the radius)."""
_BISECTIONS: Final = 42
_HORIZON_MARGIN_RAD: Final = 0.05
"""Beyond the spherical horizon of the polar radius by this much, every point has the satellite below the
horizon (the ellipsoid shifts the horizon by under 0.5° for a low orbit)."""


def footprint_rings(
    r_itrs_km: ArrayLike,
    *,
    max_off_nadir_deg: float | None = None,
    min_elevation_deg: float = 0.0,
    points: int = DEFAULT_POINTS,
) -> tuple[FloatArray, FloatArray]:
    """Geodetic latitude and longitude (deg), shape (..., points), of the footprint edges of satellites at
    Earth-fixed positions ``r_itrs_km`` (..., 3).

    Without ``max_off_nadir_deg``, the visibility footprint (satellite at least ``min_elevation_deg``
    high); with it, the imaging footprint (also within that angle of the geocentric nadir). The ring
    runs clockwise seen from above (north, east, south, west), starting due north of the sub-satellite
    point, and is open (the last point is not the first repeated). ``min_elevation_deg`` in [0, 90);
    ``max_off_nadir_deg`` in (0, 90). A position inside the ellipsoid raises ValueError.
    """
    if not 0.0 <= min_elevation_deg < 90.0:
        raise ValueError(f"minimum elevation {min_elevation_deg} deg must be in [0, 90)")
    if max_off_nadir_deg is not None and not 0.0 < max_off_nadir_deg < 90.0:
        raise ValueError(f"maximum off-nadir angle {max_off_nadir_deg} deg must be in (0, 90)")
    if points < 3:
        raise ValueError(f"a footprint ring needs at least 3 points, got {points}")
    r = np.asarray(r_itrs_km, dtype=np.float64)
    radius_km = np.linalg.norm(r, axis=-1)
    if np.any(~(radius_km > WGS84_A_KM)):
        raise ValueError("every satellite must be outside the ellipsoid (and finite) to have a footprint")
    up, north, east = _local_basis(r / radius_km[..., None])
    azimuth_rad = np.arange(points) * (2.0 * math.pi / points)
    heading = (
        np.cos(azimuth_rad)[:, None] * north[..., None, :] + np.sin(azimuth_rad)[:, None] * east[..., None, :]
    )
    satellite = r[..., None, :]
    low = np.zeros(heading.shape[:-1])
    beyond_horizon_rad = np.arccos(WGS84_B_KM / radius_km) + _HORIZON_MARGIN_RAD
    high = np.broadcast_to(beyond_horizon_rad[..., None], low.shape).copy()
    sin_min_el = math.sin(math.radians(min_elevation_deg))
    cos_max_off = None if max_off_nadir_deg is None else math.cos(math.radians(max_off_nadir_deg))
    for _ in range(_BISECTIONS):
        middle = 0.5 * (low + high)
        inside = _inside(satellite, up[..., None, :], heading, middle, sin_min_el, cos_max_off)
        low = np.where(inside, middle, low)
        high = np.where(inside, high, middle)
    edge = _surface_point(up[..., None, :], heading, 0.5 * (low + high))
    lat_deg, lon_deg, _ = geodetic_from_itrs(edge)
    return lat_deg, lon_deg


def _local_basis(up: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Unit up, north and east at geocentric directions ``up``; over a pole, east is taken as +y."""
    pole = np.array([0.0, 0.0, 1.0])
    east = np.cross(pole, up)
    norm = np.linalg.norm(east, axis=-1, keepdims=True)
    at_pole = norm[..., 0] < 1e-12
    east = np.where(
        at_pole[..., None], np.array([0.0, 1.0, 0.0]), east / np.where(at_pole[..., None], 1.0, norm)
    )
    north = np.cross(up, east)
    return up, north, east


def _surface_point(up: FloatArray, heading: FloatArray, angle_rad: FloatArray) -> FloatArray:
    """The ellipsoid's surface point in the direction ``angle_rad`` from ``up`` toward ``heading``."""
    direction = np.cos(angle_rad)[..., None] * up + np.sin(angle_rad)[..., None] * heading
    inverse_sq = (direction[..., 0] ** 2 + direction[..., 1] ** 2) / WGS84_A_KM**2 + direction[
        ..., 2
    ] ** 2 / (WGS84_B_KM**2)
    return direction / np.sqrt(inverse_sq)[..., None]


def _inside(
    satellite: FloatArray,
    up: FloatArray,
    heading: FloatArray,
    angle_rad: FloatArray,
    sin_min_el: float,
    cos_max_off: float | None,
) -> NDArray[np.bool_]:
    """Whether the ground point at ``angle_rad`` sees the satellite high enough (and within the field of
    regard when ``cos_max_off`` is set)."""
    ground = _surface_point(up, heading, angle_rad)
    line = satellite - ground
    distance = np.linalg.norm(line, axis=-1)
    normal = ground * np.array([1.0 / WGS84_A_KM**2, 1.0 / WGS84_A_KM**2, 1.0 / WGS84_B_KM**2])
    normal /= np.linalg.norm(normal, axis=-1, keepdims=True)
    inside: NDArray[np.bool_] = np.sum(normal * line, axis=-1) >= sin_min_el * distance
    if cos_max_off is not None:
        nadir = -satellite / np.linalg.norm(satellite, axis=-1, keepdims=True)
        inside &= -np.sum(nadir * line, axis=-1) >= cos_max_off * distance
    return inside


@dataclass(frozen=True, slots=True, eq=False)
class Footprint:
    """A footprint to draw: whose, what kind, when it holds, its nadir and its edge ring (open, deg).

    ``start_utc``/``end_utc`` is the span it stands for (an opportunity's window, or one instant when
    equal); ``at_utc`` the instant of the geometry; ``opportunity`` the imaging window it belongs to.
    """

    norad_id: int
    name: str
    kind: FootprintKind
    at_utc: datetime
    start_utc: datetime
    end_utc: datetime
    nadir_lat_deg: float
    nadir_lon_deg: float
    lat_deg: FloatArray
    lon_deg: FloatArray
    opportunity: Opportunity | None = None
