"""Physical and geodetic constants: the one source of truth for the whole package.

SGP4 uses WGS-72 (Hoots & Roehrich, Spacetrack Report No. 3, 1980; Vallado et al. 2006,
"Revisiting Spacetrack Report #3", AIAA 2006-6753). Geodesy uses WGS-84 (NIMA TR8350.2).
"""

import math

# WGS-72, as SGP4 uses it (python-sgp4's `wgs72`).
WGS72_MU_KM3_S2 = 398600.8
WGS72_RADIUS_KM = 6378.135
WGS72_J2 = 0.001082616

# WGS-84 ellipsoid (NIMA TR8350.2, 3rd ed., 2000).
WGS84_A_KM = 6378.137
WGS84_F = 1.0 / 298.257223563
WGS84_MU_KM3_S2 = 398600.4418

# Zonal harmonics of EGM-96 (unnormalised), for numerical propagation.
J2 = 1.08262668e-3
J3 = -2.53265649e-6
J4 = -1.61962159e-6

SECONDS_PER_DAY = 86400.0
MINUTES_PER_DAY = 1440.0
TWO_PI = 2.0 * math.pi

# Julian date of 1949-12-31 00:00 UT, the epoch origin of SGP4's `sgp4init`.
JD_SGP4_EPOCH0 = 2433281.5

# WGS-84 derived: first eccentricity squared and semi-minor axis.
WGS84_E2 = WGS84_F * (2.0 - WGS84_F)
WGS84_B_KM = WGS84_A_KM * (1.0 - WGS84_F)

# Nominal solar radius (IAU 2015 Resolution B3), for the Earth's shadow.
SUN_RADIUS_KM = 695_700.0

# Julian date of J2000.0 (2000-01-01 12:00 TT), the origin of the IAU time arguments.
JD_J2000 = 2451545.0
DAYS_PER_JULIAN_CENTURY = 36525.0
ARCSEC_TO_RAD = math.pi / 648_000.0
