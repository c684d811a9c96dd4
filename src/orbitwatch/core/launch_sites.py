"""Launch sites: where a rocket can leave from, in which directions, and the orbit planes that gives.

A launch azimuth is the direction of flight at the site, in degrees clockwise from true north
(0..360). An azimuth range ``(start, end)`` runs clockwise from ``start`` to ``end``; ``start >
end`` wraps through north (``(350, 20)`` allows 350..360 and 0..20).

A rocket that climbs straight into its orbit plane (no dog-leg, no plane change) from geodetic
latitude φ with azimuth β reaches the inclination i with

    cos i = cos φ · sin β

(spherical trigonometry of the launch triangle; Vallado, *Fundamentals of Astrodynamics and
Applications*, 4th ed., §6.4, and Curtis, *Orbital Mechanics for Engineering Students*, §4.7).
Earth's rotation tilts the inertial azimuth by a fraction of a degree; the formula ignores it, and
uses the geodetic latitude in place of the geocentric one (at most 0.19° apart). So ``i ≥ |φ|``:
due east gives the lowest inclination, |φ|. For an inclination i, ``sin β = cos i / cos φ`` has
two answers: the ascending pass (heading north, β in -90..90) and the descending pass (heading
south, 180° - β).

``min_inclination_deg`` and ``max_inclination_deg`` are what the site's source says it has served;
they may lie outside :meth:`LaunchSite.reachable_inclinations` where launches used a dog-leg.
"""

import math
from dataclasses import dataclass
from typing import Final

from orbitwatch.core.targets import Site
from orbitwatch.errors import TargetError

AzimuthRange = tuple[float, float]
InclinationRange = tuple[float, float]

FULL_CIRCLE_DEG: Final = 360.0
_ROUNDING: Final = 1e-12


@dataclass(frozen=True, slots=True)
class LaunchSite:
    """A launch site: its place, a short code, its country (ISO 3166-1 alpha-2), the launch azimuth
    ranges its range safety allows, the inclinations its source says it has served, and citations.

    Construction checks the values (:class:`~orbitwatch.errors.TargetError`): at least one azimuth
    range, every bound in 0..360 and finite, inclinations in 0..180 with min ≤ max.
    """

    site: Site
    code: str
    country: str
    azimuth_ranges_deg: tuple[AzimuthRange, ...]
    min_inclination_deg: float
    max_inclination_deg: float
    source: str
    notes: str = ""

    def __post_init__(self) -> None:
        where = f"launch site {self.site.name!r}"
        if not self.code.strip():
            raise TargetError(f"{where}: the code is empty")
        if not self.azimuth_ranges_deg:
            raise TargetError(f"{where}: no azimuth range is given")
        for start_deg, end_deg in self.azimuth_ranges_deg:
            _check_between(where, "azimuth", start_deg, 0.0, FULL_CIRCLE_DEG)
            _check_between(where, "azimuth", end_deg, 0.0, FULL_CIRCLE_DEG)
        _check_between(where, "minimum inclination", self.min_inclination_deg, 0.0, 180.0)
        _check_between(where, "maximum inclination", self.max_inclination_deg, 0.0, 180.0)
        if self.min_inclination_deg > self.max_inclination_deg:
            raise TargetError(
                f"{where}: minimum inclination {self.min_inclination_deg:g} exceeds "
                f"the maximum {self.max_inclination_deg:g}"
            )

    def allows_azimuth(self, az_deg: float) -> bool:
        """Whether a launch azimuth (any real number of degrees, taken modulo 360) is allowed."""
        return any(_in_range(az_deg, az_range) for az_range in self.azimuth_ranges_deg)

    def inclination_for_azimuth(self, az_deg: float) -> float:
        """The inclination (degrees, 0..180) of a direct ascent from this site at that azimuth."""
        cos_inc = math.cos(math.radians(self.site.lat_deg)) * math.sin(math.radians(az_deg))
        return math.degrees(math.acos(_clip_unit(cos_inc)))

    def azimuths_for_inclination(self, inc_deg: float) -> tuple[float, float]:
        """The launch azimuths (degrees, 0..360) of a direct ascent into that inclination:
        ``(ascending-pass azimuth, descending-pass azimuth)``, allowed or not.

        An inclination below the site's latitude (or above 180° minus it) cannot be reached
        directly: a :class:`~orbitwatch.errors.TargetError`.
        """
        sin_az = math.cos(math.radians(inc_deg)) / math.cos(math.radians(self.site.lat_deg))
        if abs(sin_az) > 1.0 + _ROUNDING:
            raise TargetError(
                f"{self.site.name}: inclination {inc_deg:g}° cannot be reached by a direct ascent from "
                f"latitude {self.site.lat_deg:g}° (it needs |cos i| ≤ cos φ)"
            )
        ascending_deg = math.degrees(math.asin(_clip_unit(sin_az)))
        return ascending_deg % FULL_CIRCLE_DEG, (180.0 - ascending_deg) % FULL_CIRCLE_DEG

    def reachable_inclinations(self) -> tuple[InclinationRange, ...]:
        """The inclination intervals (degrees, ascending, merged) of direct ascents at the allowed
        azimuths, from cos i = cos φ · sin β over each azimuth range."""
        intervals = sorted(self._inclinations_over(az_range) for az_range in self.azimuth_ranges_deg)
        return _merged(intervals)

    def reaches_inclination(self, inc_deg: float, tolerance_deg: float = 0.0) -> bool:
        """Whether a direct ascent at an allowed azimuth reaches that inclination (within a tolerance)."""
        return any(
            low - tolerance_deg <= inc_deg <= high + tolerance_deg
            for low, high in self.reachable_inclinations()
        )

    def _inclinations_over(self, az_range: AzimuthRange) -> InclinationRange:
        # i falls as sin β rises: the extremes of sin β over the range are at its ends or at 90°/270°.
        candidates_deg = [*az_range, *(az for az in (90.0, 270.0) if _in_range(az, az_range))]
        inclinations = [self.inclination_for_azimuth(az) for az in candidates_deg]
        return min(inclinations), max(inclinations)


def _in_range(az_deg: float, az_range: AzimuthRange) -> bool:
    start_deg, end_deg = az_range
    az = az_deg % FULL_CIRCLE_DEG
    if start_deg > end_deg:  # wraps through north
        return az >= start_deg or az <= end_deg
    return start_deg <= az <= end_deg or (az == 0.0 and end_deg == FULL_CIRCLE_DEG)


def _merged(intervals: list[InclinationRange]) -> tuple[InclinationRange, ...]:
    merged: list[InclinationRange] = []
    for low, high in intervals:
        if merged and low <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], high))
        else:
            merged.append((low, high))
    return tuple(merged)


def _clip_unit(value: float) -> float:
    return min(1.0, max(-1.0, value))


def _check_between(where: str, what: str, value: float, low: float, high: float) -> None:
    if not (math.isfinite(value) and low <= value <= high):
        raise TargetError(f"{where}: {what} {value:g} is outside {low:g}..{high:g}")
