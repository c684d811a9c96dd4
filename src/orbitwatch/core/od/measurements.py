"""Tracking measurements: what a sensor measured, when, from where, and how well.

A measurement is one epoch of one kind from one station (or from none, for positions). Angles are in
degrees, distances in km, rates in km/s, standard deviations in the same unit as the value. Kinds:

``ra_dec``        topocentric right ascension and declination, GCRS (J2000-aligned), (ra_deg, dec_deg)
``az_el``         azimuth (clockwise from north) and elevation, (az_deg, el_deg)
``range``         one-way range from the station, (range_km,)
``range_rate``    one-way range rate, (range_rate_km_s,)
``position_itrs`` ``position_gcrs``   (x_km, y_km, z_km)
``pv_itrs`` ``pv_gcrs``               (x_km, y_km, z_km, vx_km_s, vy_km_s, vz_km_s)

The kinds follow the CCSDS Tracking Data Message (CCSDS 503.0-B-2): ANGLE_1/ANGLE_2 with
ANGLE_TYPE RADEC or AZEL, RANGE, DOPPLER_INSTANTANEOUS (as a range rate), and the ephemeris
positions of GNSS or a published ephemeris.
"""

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from orbitwatch.errors import ObservationError

MEASUREMENT_SIZES: Final = {
    "ra_dec": 2,
    "az_el": 2,
    "range": 1,
    "range_rate": 1,
    "position_itrs": 3,
    "position_gcrs": 3,
    "pv_itrs": 6,
    "pv_gcrs": 6,
}
"""The number of values of each measurement kind."""

STATION_KINDS: Final = frozenset({"ra_dec", "az_el", "range", "range_rate"})
"""Kinds measured from a station (the others are positions and need none)."""


@dataclass(frozen=True, slots=True)
class Station:
    """A sensor's place: its name (a TDM ``PARTICIPANT``), geodetic WGS-84 latitude and longitude in
    degrees and height above the ellipsoid in km."""

    name: str
    lat_deg: float
    lon_deg: float
    alt_km: float


@dataclass(frozen=True, slots=True)
class Measurement:
    """One measurement: its UTC time (timezone-aware), kind (``MEASUREMENT_SIZES``), values and their
    standard deviations (same units), the station's name (empty for positions) and where it came from
    (``file:line`` or a simulator's label).

    Construction checks the shape and the values (:class:`~orbitwatch.errors.ObservationError`).
    """

    time_utc: datetime
    kind: str
    values: tuple[float, ...]
    sigmas: tuple[float, ...]
    station: str
    source: str

    def __post_init__(self) -> None:
        where = f"{self.source}: {self.kind} measurement"
        size = MEASUREMENT_SIZES.get(self.kind)
        if size is None:
            raise ObservationError(f"{self.source}: unknown measurement kind {self.kind!r}; "
                                   f"expected one of {', '.join(MEASUREMENT_SIZES)}")  # fmt: skip
        if self.time_utc.tzinfo is None:
            raise ObservationError(f"{where}: the time {self.time_utc} has no time zone (expected UTC)")
        if len(self.values) != size or len(self.sigmas) != size:
            raise ObservationError(f"{where}: expected {size} values and {size} standard deviations, "
                                   f"got {len(self.values)} and {len(self.sigmas)}")  # fmt: skip
        if not all(math.isfinite(v) for v in self.values):
            raise ObservationError(f"{where}: a value is not a finite number: {self.values}")
        if not all(math.isfinite(s) and s > 0.0 for s in self.sigmas):
            raise ObservationError(f"{where}: a standard deviation is not a positive number: {self.sigmas}")
        if (self.kind in STATION_KINDS) != bool(self.station):
            expected = "a station" if self.kind in STATION_KINDS else "no station"
            raise ObservationError(f"{where}: expected {expected}, got {self.station!r}")


_ARCSEC_DEG: Final = 1.0 / 3600.0

DEFAULT_SIGMAS: Final[dict[str, tuple[float, ...]]] = {
    "ra_dec": (_ARCSEC_DEG, _ARCSEC_DEG),
    "az_el": (0.01, 0.01),
    "range": (0.010,),
    "range_rate": (1e-5,),
    "position_itrs": (0.010,) * 3,
    "position_gcrs": (0.010,) * 3,
    "pv_itrs": (0.010,) * 3 + (1e-5,) * 3,
    "pv_gcrs": (0.010,) * 3 + (1e-5,) * 3,
}
"""Standard deviations used when neither a file nor the caller gives any: a good optical telescope
(1 arcsec), a tracking radar (0.01 deg, 10 m, 1 cm/s), GNSS positions (10 m, 1 cm/s). Degrees, km, km/s."""
