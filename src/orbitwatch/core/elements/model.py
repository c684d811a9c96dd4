"""The mean element set: one frozen dataclass for every format, and its bridge to SGP4.

Values are kept in the units the public formats print (CCSDS 502.0-B-3 OMM, and the TLE as
described in Hoots & Roehrich, Spacetrack Report No. 3): mean motion in revolutions per day,
angles in degrees, B* in inverse Earth radii, and the mean-motion derivatives as the TLE prints
them (``MEAN_MOTION_DOT`` = dn/dt / 2 in rev/day^2, ``MEAN_MOTION_DDOT`` = d2n/dt2 / 6 in rev/day^3).
"""

import math
from dataclasses import dataclass, field
from datetime import datetime

from sgp4.api import WGS72, Satrec, jday

from orbitwatch.core.constants import (
    JD_SGP4_EPOCH0,
    MINUTES_PER_DAY,
    TWO_PI,
    WGS72_J2,
    WGS72_MU_KM3_S2,
    WGS72_RADIUS_KM,
)
from orbitwatch.core.elements.epochs import as_utc

_RAD_PER_MIN_PER_REV_PER_DAY = TWO_PI / MINUTES_PER_DAY
MAX_NORAD_ID = 999_999_999


@dataclass(frozen=True, slots=True)
class ElementSet:
    """One SGP4 mean element set (a GP record) of one object at one epoch.

    ``intl_designator`` is the COSPAR designator in OMM form (``1998-067A``), empty when unknown.
    ``epoch_utc`` is a timezone-aware UTC datetime with microsecond resolution.
    """

    norad_id: int
    epoch_utc: datetime
    mean_motion_rev_per_day: float
    eccentricity: float
    inclination_deg: float
    raan_deg: float
    arg_perigee_deg: float
    mean_anomaly_deg: float
    bstar_per_earth_radius: float = 0.0
    mean_motion_dot_rev_per_day2: float = 0.0
    mean_motion_ddot_rev_per_day3: float = 0.0
    name: str = ""
    intl_designator: str = ""
    classification: str = "U"
    ephemeris_type: int = 0
    element_set_no: int = 999
    rev_at_epoch: int = 0
    center_name: str = "EARTH"
    ref_frame: str = "TEME"
    time_system: str = "UTC"
    mean_element_theory: str = "SGP4"
    extras: tuple[tuple[str, str], ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "epoch_utc", as_utc(self.epoch_utc))

    @property
    def period_min(self) -> float:
        """Anomalistic period from the (Kozai) mean motion, in minutes."""
        return MINUTES_PER_DAY / self.mean_motion_rev_per_day

    @property
    def semi_major_axis_km(self) -> float:
        """Brouwer mean semi-major axis, in km, from the Kozai mean motion as SGP4's initl (Vallado 2006)."""
        n_kozai_rad_min = self.mean_motion_rev_per_day * _RAD_PER_MIN_PER_REV_PER_DAY
        ke = 60.0 / math.sqrt(WGS72_RADIUS_KM**3 / WGS72_MU_KM3_S2)
        cos_i = math.cos(math.radians(self.inclination_deg))
        beta0 = math.sqrt(max(1.0 - self.eccentricity**2, 1e-12))
        delta_factor = 0.75 * WGS72_J2 * (3.0 * cos_i**2 - 1.0) / beta0**3
        a1 = (ke / n_kozai_rad_min) ** (2.0 / 3.0)
        d1 = delta_factor / a1**2
        a0 = a1 * (1.0 - d1 / 3.0 - d1**2 - 134.0 / 81.0 * d1**3)
        d0 = delta_factor / a0**2
        n0 = n_kozai_rad_min / (1.0 + d0)
        return float((ke / n0) ** (2.0 / 3.0) * WGS72_RADIUS_KM)

    @property
    def perigee_alt_km(self) -> float:
        """Perigee altitude above the equatorial radius (WGS-72), in km."""
        return self.semi_major_axis_km * (1.0 - self.eccentricity) - WGS72_RADIUS_KM

    @property
    def apogee_alt_km(self) -> float:
        """Apogee altitude above the equatorial radius (WGS-72), in km."""
        return self.semi_major_axis_km * (1.0 + self.eccentricity) - WGS72_RADIUS_KM

    @property
    def is_deep_space(self) -> bool:
        """True when SGP4 uses its deep-space (SDP4) branch: period of 225 minutes or more."""
        return self.period_min >= 225.0

    def to_satrec(self) -> Satrec:
        """A python-sgp4 ``Satrec`` initialised with ``sgp4init`` (WGS-72, improved mode).

        The epoch is split into Julian day and fraction as ``twoline2rv`` does, so the satellite
        propagates to the same positions as one read from the TLE text. ``sgp4init`` cannot hold a
        catalog number above 339999 (the Alpha-5 limit); such objects get satnum 0 inside the Satrec,
        which SGP4 does not use, and keep their number here.
        """
        epoch = self.epoch_utc
        seconds = epoch.second + epoch.microsecond * 1e-6
        jd, fr = jday(epoch.year, epoch.month, epoch.day, epoch.hour, epoch.minute, seconds)
        sat = Satrec()
        sat.sgp4init(
            WGS72,
            "i",
            self.norad_id if self.norad_id <= 339_999 else 0,
            (jd - JD_SGP4_EPOCH0) + fr,
            self.bstar_per_earth_radius,
            self.mean_motion_dot_rev_per_day2 * _RAD_PER_MIN_PER_REV_PER_DAY / MINUTES_PER_DAY,
            self.mean_motion_ddot_rev_per_day3 * _RAD_PER_MIN_PER_REV_PER_DAY / MINUTES_PER_DAY**2,
            self.eccentricity,
            math.radians(self.arg_perigee_deg),
            math.radians(self.inclination_deg),
            math.radians(self.mean_anomaly_deg),
            self.mean_motion_rev_per_day * _RAD_PER_MIN_PER_REV_PER_DAY,
            math.radians(self.raan_deg),
        )
        sat.jdsatepoch, sat.jdsatepochF = jd, fr
        return sat
