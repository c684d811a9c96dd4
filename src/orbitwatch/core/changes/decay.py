"""Re-entry assessment of an object from the drag in its last mean element set.

Method (King-Hele, *Satellite Orbits in an Atmosphere: Theory and Applications*, Blackie, 1987,
ch. 4 and 11; Vallado, *Fundamentals of Astrodynamics and Applications*, 4th ed., 2013, §8.6 and
§9.6): for a near-circular orbit in an exponential atmosphere of scale height H, drag lowers the
semi-major axis at a rate that grows as the density, ``da/dt = -k exp((a0 - a) / H)``. Integrating
from the current altitude h0 down to the re-entry altitude h_r gives the remaining lifetime

    L = (H / |da/dt|_0) * (1 - exp(-(h0 - h_r) / H)),

King-Hele's result that a decaying circular orbit lives about one scale height divided by its
current rate of descent. The rate of descent comes from the element set's mean-motion derivative by
Kepler's third law, ``a ∝ n^(-2/3)``, so ``da/dt = -(2/3) a (dn/dt) / n`` with dn/dt twice the value
the TLE prints. H is interpolated at the perigee altitude in Vallado's exponential-atmosphere
table (Table 8-4).

Known error: the estimate uses one element set, a constant H and the drag of the last fit (which
also carries any thrust of an operator lowering the orbit); solar activity changes the density by a
factor of several. The estimate is therefore given as a window of ±50 % of the remaining lifetime
around the central value; operational re-entry predictions, made with full density models and
fresh tracking, are tighter and should be preferred when published.
"""

import itertools
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from orbitwatch.core.elements.model import ElementSet

DECAY_PERIGEE_ALT_KM = 200.0
"""Below this perigee altitude an orbit re-enters within days to weeks (Vallado 2013, §9.6)."""
DECAY_MEAN_MOTION_REV_PER_DAY = 16.2
"""A circular orbit with this mean motion is at about 220 km; above it, re-entry is near."""
REENTRY_ALT_KM = 120.0
"""Altitude taken as re-entry: below it an object comes down within about a revolution."""
WINDOW_FRACTION = 0.5
"""Half-width of the re-entry window, as a fraction of the remaining lifetime."""

# Vallado (2013), Table 8-4: base altitude (km) and scale height H (km) of the exponential atmosphere.
_SCALE_HEIGHT_TABLE_KM: tuple[tuple[float, float], ...] = (
    (100.0, 5.877),
    (110.0, 7.263),
    (120.0, 9.473),
    (130.0, 12.636),
    (140.0, 16.149),
    (150.0, 22.523),
    (180.0, 29.740),
    (200.0, 37.105),
    (250.0, 45.546),
    (300.0, 53.628),
    (350.0, 53.298),
    (400.0, 58.515),
    (450.0, 60.828),
    (500.0, 63.822),
    (600.0, 71.835),
    (700.0, 88.667),
    (800.0, 124.64),
    (900.0, 181.05),
    (1000.0, 268.00),
)


@dataclass(frozen=True, slots=True)
class DecayAssessment:
    """Whether an object's last elements show an imminent re-entry, and when it is predicted.

    ``reentry_*_utc`` are None when the orbit is not decaying (perigee and mean motion above the
    thresholds) or when the elements show no drag (dn/dt <= 0), so no lifetime can be estimated.
    """

    is_candidate: bool
    perigee_alt_km: float
    mean_motion_rev_per_day: float
    mean_motion_rate_rev_per_day2: float
    scale_height_km: float
    decay_rate_km_per_day: float
    remaining_lifetime_days: float | None
    reentry_earliest_utc: datetime | None
    reentry_central_utc: datetime | None
    reentry_latest_utc: datetime | None


def scale_height_km(alt_km: float) -> float:
    """Scale height of Vallado's exponential atmosphere (Table 8-4) at an altitude, linearly interpolated."""
    table = _SCALE_HEIGHT_TABLE_KM
    if alt_km <= table[0][0]:
        return table[0][1]
    for (h_low, s_low), (h_high, s_high) in itertools.pairwise(table):
        if alt_km <= h_high:
            return s_low + (s_high - s_low) * (alt_km - h_low) / (h_high - h_low)
    return table[-1][1]


def decay_rate_km_per_day(elements: ElementSet) -> float:
    """Rate of fall of the semi-major axis (positive when decaying), from dn/dt by Kepler's third law."""
    n_dot_rev_per_day2 = 2.0 * elements.mean_motion_dot_rev_per_day2
    return 2.0 / 3.0 * elements.semi_major_axis_km * n_dot_rev_per_day2 / elements.mean_motion_rev_per_day


def remaining_lifetime_days(alt_km: float, rate_km_per_day: float) -> float:
    """King-Hele's circular-orbit lifetime from altitude to ``REENTRY_ALT_KM`` (zero at or below it)."""
    h_km = scale_height_km(alt_km)
    drop_km = max(alt_km - REENTRY_ALT_KM, 0.0)
    return h_km / rate_km_per_day * (1.0 - math.exp(-drop_km / h_km))


def is_decay_candidate(elements: ElementSet) -> bool:
    """True when the perigee or the mean motion is past the re-entry thresholds of this module."""
    return (
        elements.perigee_alt_km < DECAY_PERIGEE_ALT_KM
        or elements.mean_motion_rev_per_day > DECAY_MEAN_MOTION_REV_PER_DAY
    )


def assess_decay(elements: ElementSet) -> DecayAssessment:
    """The re-entry assessment of an object's last element set (see the module for the method)."""
    perigee_km = elements.perigee_alt_km
    rate_km_per_day = decay_rate_km_per_day(elements)
    candidate = is_decay_candidate(elements)
    lifetime_days = (
        remaining_lifetime_days(perigee_km, rate_km_per_day) if candidate and rate_km_per_day > 0 else None
    )
    window = _window(elements.epoch_utc, lifetime_days)
    return DecayAssessment(
        is_candidate=candidate,
        perigee_alt_km=perigee_km,
        mean_motion_rev_per_day=elements.mean_motion_rev_per_day,
        mean_motion_rate_rev_per_day2=2.0 * elements.mean_motion_dot_rev_per_day2,
        scale_height_km=scale_height_km(perigee_km),
        decay_rate_km_per_day=rate_km_per_day,
        remaining_lifetime_days=lifetime_days,
        reentry_earliest_utc=window[0],
        reentry_central_utc=window[1],
        reentry_latest_utc=window[2],
    )


def _window(
    epoch_utc: datetime, lifetime_days: float | None
) -> tuple[datetime | None, datetime | None, datetime | None]:
    if lifetime_days is None:
        return None, None, None
    central = epoch_utc + timedelta(days=lifetime_days)
    half = timedelta(days=WINDOW_FRACTION * lifetime_days)
    return central - half, central, central + half
