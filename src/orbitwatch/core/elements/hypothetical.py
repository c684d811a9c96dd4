"""Hypothetical satellites: circular mean element sets built from a few design numbers, for "what if".

The element sets are ordinary :class:`~orbitwatch.core.elements.model.ElementSet` records (SGP4,
WGS-72, no drag: B* = 0) with catalog numbers from :data:`HYPOTHETICAL_NORAD_BASE` and names that
start with ``HYPO-``, so they go wherever a catalog satellite goes.

Conventions:

- Altitude is the orbit-averaged geocentric radius that SGP4 produces, less the WGS-72 equatorial
  radius (the convention of sun-synchronous tables); :func:`circular_mean_motion_rev_per_day`.
- Local time of the node is *mean* local solar time, as sun-synchronous missions state it: the
  node's Earth-fixed longitude seen from the mean Sun. The true (apparent) solar time at the node
  differs by the equation of time, at most about 16 minutes over a year.
- A compact text form for the command line is read by :func:`parse_hypothetical`::

      sso:alt=KM,(ltan|ltdn)=HH:MM[,count=N][,spacing=DEG][,ma=DEG][,name=TEXT]
      circ:alt=KM,inc=DEG[,raan=DEG][,count=N][,spacing=DEG][,ma=DEG][,name=TEXT]

  ``count`` satellites (default 1) share one plane, ``spacing`` degrees apart in mean anomaly
  (default 360/count), the first at mean anomaly ``ma`` (default 0: at the ascending node at the
  epoch). Example: ``sso:alt=500,ltdn=10:30,count=3,spacing=120``.
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Final, Self

from sgp4.api import jday
from sgp4.propagation import gstime

from orbitwatch.core.constants import MINUTES_PER_DAY, WGS72_J2, WGS72_MU_KM3_S2, WGS72_RADIUS_KM
from orbitwatch.core.elements.epochs import as_utc
from orbitwatch.core.elements.model import MAX_NORAD_ID, ElementSet
from orbitwatch.errors import ElementsError

HYPOTHETICAL_NORAD_BASE: Final = 900_000_000
"""Catalog numbers from here to 999,999,999 are hypothetical satellites (far above any real one)."""
NAME_PREFIX: Final = "HYPO-"
TROPICAL_YEAR_DAYS: Final = 365.2422
SUN_MEAN_RATE_DEG_PER_DAY: Final = 360.0 / TROPICAL_YEAR_DAYS
"""The mean Sun's motion in right ascension, which a sun-synchronous node must follow (0.98565°/day)."""
MIN_ALT_KM: Final = 100.0
MAX_ALT_KM: Final = 50_000.0
MAX_COUNT: Final = 10_000
SPEC_FORMS: Final = (
    "sso:alt=KM,(ltan|ltdn)=HH:MM[,count=N][,spacing=DEG][,ma=DEG][,name=TEXT] or "
    "circ:alt=KM,inc=DEG[,raan=DEG][,count=N][,spacing=DEG][,ma=DEG][,name=TEXT]"
)

_ITERATIONS: Final = 8
_SUN_RATE_RAD_PER_MIN: Final = math.radians(SUN_MEAN_RATE_DEG_PER_DAY) / MINUTES_PER_DAY
# Any instant serves as the epoch of a probe element set whose secular rates alone are wanted.
_PROBE_EPOCH: Final = datetime.fromisoformat("2000-01-01T12:00:00+00:00")


def sun_synchronous_inclination_deg(alt_km: float, ecc: float = 0.0) -> float:
    """The inclination whose J2 nodal precession follows the mean Sun (360° per tropical year).

    From dΩ/dt = -3/2 n J2 (R/p)^2 cos i with n = sqrt(mu/a^3), a = R + ``alt_km``, p = a(1 - e^2)
    (Vallado, *Fundamentals of Astrodynamics and Applications*, 4th ed., 2013, §9.6; Wertz & Larson,
    *Space Mission Analysis and Design*, 3rd ed., 1999, §6.2), with SGP4's WGS-72 mu, R and J2.
    This is the textbook value (97.40° at 500 km, 98.60° at 800 km); SGP4 adds J2^2 and J4 terms,
    see :func:`sgp4_sun_synchronous_inclination_deg`.
    """
    _check_alt(alt_km)
    a_km = WGS72_RADIUS_KM + alt_km
    n_rad_s = math.sqrt(WGS72_MU_KM3_S2 / a_km**3)
    p_over_r = a_km * (1.0 - ecc**2) / WGS72_RADIUS_KM
    cos_i = -(2.0 / 3.0) * (_SUN_RATE_RAD_PER_MIN / 60.0) * p_over_r**2 / (n_rad_s * WGS72_J2)
    if cos_i < -1.0:
        raise ElementsError(f"no orbit at {alt_km:g} km altitude precesses with the Sun: it is too high")
    return math.degrees(math.acos(cos_i))


def circular_mean_motion_rev_per_day(alt_km: float, inc_deg: float) -> float:
    """The (Kozai) mean motion of a circular orbit whose SGP4 radius averages R + ``alt_km`` per revolution.

    SGP4's radius is the Brouwer mean semi-major axis a plus J2 short-period terms, whose average
    over a revolution of a circular orbit is -3/4 J2 (R^2 / a)(3 cos^2 i - 1) (Hoots & Roehrich,
    Spacetrack Report No. 3, 1980, the ``rk`` update): about +4.5 km on a sun-synchronous orbit at
    500 km. ``a`` is found by fixed-point iteration, then the Kozai mean motion whose SGP4 un-Kozai
    step (:attr:`ElementSet.semi_major_axis_km`) gives back that ``a``.
    """
    _check_alt(alt_km)
    mean_radius_km = WGS72_RADIUS_KM + alt_km
    shape = 3.0 * math.cos(math.radians(inc_deg)) ** 2 - 1.0
    a_km = mean_radius_km
    for _ in range(_ITERATIONS):
        a_km = mean_radius_km + 0.75 * WGS72_J2 * WGS72_RADIUS_KM**2 / a_km * shape
    n_rev_per_day = math.sqrt(WGS72_MU_KM3_S2 / a_km**3) * 86400.0 / (2.0 * math.pi)
    for _ in range(_ITERATIONS):
        probe = _circular(_PROBE_EPOCH, n_rev_per_day, inc_deg, 0.0, 0.0, 0, "")
        n_rev_per_day *= (probe.semi_major_axis_km / a_km) ** 1.5
    return n_rev_per_day


def sgp4_sun_synchronous_inclination_deg(alt_km: float, epoch_utc: datetime) -> float:
    """The inclination at which SGP4's own secular node rate follows the mean Sun, for a circular orbit.

    Starts from :func:`sun_synchronous_inclination_deg` and corrects cos i in proportion to the
    rate ``sgp4init`` computes, which adds J2^2 and J4 terms and uses the mean motion of
    :func:`circular_mean_motion_rev_per_day` (at 500 km the textbook inclination leaves SGP4's node
    0.0009°/day behind the Sun, 0.03° a month; the correction is +0.007°). The epoch matters only for
    deep-space orbits (periods of 225 minutes or more), where SGP4 adds lunar and solar terms.
    """
    inc_deg = sun_synchronous_inclination_deg(alt_km)
    for _ in range(_ITERATIONS):
        n_rev_per_day = circular_mean_motion_rev_per_day(alt_km, inc_deg)
        rate_rad_per_min = _circular(epoch_utc, n_rev_per_day, inc_deg, 0.0, 0.0, 0, "").to_satrec().nodedot
        cos_i = math.cos(math.radians(inc_deg)) * _SUN_RATE_RAD_PER_MIN / rate_rad_per_min
        inc_deg = math.degrees(math.acos(max(-1.0, cos_i)))
    return inc_deg


def _gmst_deg(epoch_utc: datetime) -> float:
    """Greenwich mean sidereal time (IAU 1982, Vallado Eq. 3-47, via python-sgp4's ``gstime``), UT1 = UTC."""
    moment = as_utc(epoch_utc)
    jd, fraction = jday(moment.year, moment.month, moment.day, moment.hour, moment.minute, 0.0)
    fraction += (moment.second + moment.microsecond * 1e-6) / 86400.0
    return math.degrees(gstime(jd + fraction))


def _ut_hours(epoch_utc: datetime) -> float:
    moment = as_utc(epoch_utc)
    return moment.hour + moment.minute / 60.0 + (moment.second + moment.microsecond * 1e-6) / 3600.0


def raan_for_ltan_deg(epoch_utc: datetime, ltan_hours: float) -> float:
    """Right ascension (TEME, degrees 0..360) of an ascending node at mean local solar time ``ltan_hours``.

    Mean solar time at longitude λ is UT + λ/15 h, and a node at right ascension Ω lies over
    longitude Ω - GMST, so Ω = GMST + 15 (LTAN - UT). UT1 is taken as UTC (under 0.9 s, 0.004°).
    For a local time of the descending node use LTAN = LTDN + 12 h.
    """
    return (_gmst_deg(epoch_utc) + 15.0 * (ltan_hours - _ut_hours(epoch_utc))) % 360.0


def ltan_hours_of(elements: ElementSet) -> float:
    """Mean local solar time of the ascending node at the element set's epoch, hours in 0..24."""
    epoch = elements.epoch_utc
    return (_ut_hours(epoch) + (elements.raan_deg - _gmst_deg(epoch)) / 15.0) % 24.0


@dataclass(frozen=True, slots=True)
class ConstellationSpec:
    """``count`` circular satellites in one plane, ``spacing_deg`` apart in mean anomaly.

    ``alt_km`` as :func:`circular_mean_motion_rev_per_day` means it; angles in degrees (TEME);
    satellite k (0-based) has mean anomaly ``first_mean_anomaly_deg + k * spacing_deg``, catalog
    number ``first_norad_id + k`` and name ``HYPO-<name>-<k+1>``. ``spacing_deg`` None: 360/count.
    """

    epoch_utc: datetime
    alt_km: float
    inclination_deg: float
    raan_deg: float
    count: int = 1
    spacing_deg: float | None = None
    first_mean_anomaly_deg: float = 0.0
    name: str = "CIRC"
    first_norad_id: int = HYPOTHETICAL_NORAD_BASE + 1

    def __post_init__(self) -> None:
        object.__setattr__(self, "epoch_utc", as_utc(self.epoch_utc))
        where = f"constellation {self.name!r}"
        if not self.name.strip():
            raise ElementsError(f"{where}: the name is empty")
        _check_alt(self.alt_km)
        if not 0.0 <= self.inclination_deg <= 180.0:
            raise ElementsError(f"{where}: inclination {self.inclination_deg:g}° is outside 0..180")
        if not 1 <= self.count <= MAX_COUNT:
            raise ElementsError(f"{where}: count {self.count} is outside 1..{MAX_COUNT}")
        last = self.first_norad_id + self.count - 1
        if self.first_norad_id < 1 or last > MAX_NORAD_ID:
            raise ElementsError(
                f"{where}: catalog numbers {self.first_norad_id}..{last} are outside 1..{MAX_NORAD_ID}"
            )
        angles = (self.raan_deg, self.first_mean_anomaly_deg, self.spacing_deg or 0.0)
        if not all(math.isfinite(angle) for angle in angles):
            raise ElementsError(f"{where}: every angle must be a finite number")

    @classmethod
    def sun_synchronous(
        cls,
        epoch_utc: datetime,
        alt_km: float,
        ltan_hours: float,
        *,
        count: int = 1,
        spacing_deg: float | None = None,
        first_mean_anomaly_deg: float = 0.0,
        name: str = "SSO",
        first_norad_id: int = HYPOTHETICAL_NORAD_BASE + 1,
    ) -> Self:
        """A sun-synchronous plane: the SGP4 inclination (:func:`sgp4_sun_synchronous_inclination_deg`) and
        the RAAN of an ascending node at mean local time ``ltan_hours`` (:func:`raan_for_ltan_deg`)."""
        return cls(
            epoch_utc,
            alt_km,
            sgp4_sun_synchronous_inclination_deg(alt_km, epoch_utc),
            raan_for_ltan_deg(epoch_utc, ltan_hours),
            count=count,
            spacing_deg=spacing_deg,
            first_mean_anomaly_deg=first_mean_anomaly_deg,
            name=name,
            first_norad_id=first_norad_id,
        )


def hypothetical_constellation(spec: ConstellationSpec) -> tuple[ElementSet, ...]:
    """The element sets of the spec's satellites (circular, argument of perigee 0, B* 0)."""
    n_rev_per_day = circular_mean_motion_rev_per_day(spec.alt_km, spec.inclination_deg)
    spacing_deg = spec.spacing_deg if spec.spacing_deg is not None else 360.0 / spec.count
    return tuple(
        _circular(
            spec.epoch_utc,
            n_rev_per_day,
            spec.inclination_deg,
            spec.raan_deg % 360.0,
            (spec.first_mean_anomaly_deg + k * spacing_deg) % 360.0,
            spec.first_norad_id + k,
            f"{NAME_PREFIX}{spec.name}-{k + 1}",
        )
        for k in range(spec.count)
    )


def is_hypothetical(elements: ElementSet) -> bool:
    """True for an element set made here (catalog number in the hypothetical range)."""
    return elements.norad_id >= HYPOTHETICAL_NORAD_BASE


def _circular(
    epoch_utc: datetime,
    n_rev_per_day: float,
    inc_deg: float,
    raan_deg: float,
    mean_anomaly_deg: float,
    norad_id: int,
    name: str,
) -> ElementSet:
    return ElementSet(
        norad_id=norad_id,
        epoch_utc=epoch_utc,
        mean_motion_rev_per_day=n_rev_per_day,
        eccentricity=0.0,
        inclination_deg=inc_deg,
        raan_deg=raan_deg,
        arg_perigee_deg=0.0,
        mean_anomaly_deg=mean_anomaly_deg,
        name=name,
    )


def _check_alt(alt_km: float) -> None:
    if not (math.isfinite(alt_km) and MIN_ALT_KM <= alt_km <= MAX_ALT_KM):
        raise ElementsError(f"altitude {alt_km:g} km is outside {MIN_ALT_KM:g}..{MAX_ALT_KM:g} km")


# --- the command-line form ------------------------------------------------------------------------

_KEYS: Final = {
    "sso": ({"alt"}, {"alt", "ltan", "ltdn", "count", "spacing", "ma", "name"}),
    "circ": ({"alt", "inc"}, {"alt", "inc", "raan", "count", "spacing", "ma", "name"}),
}


def parse_hypothetical(
    text: str, epoch_utc: datetime, first_norad_id: int = HYPOTHETICAL_NORAD_BASE + 1
) -> ConstellationSpec:
    """The spec written in the command-line form (module docstring), its satellites at ``epoch_utc``.

    Raises :class:`~orbitwatch.errors.ElementsError` naming the text and what is wrong: an unknown
    kind or key, a key given twice, a missing key, a value that is not a number or out of range.
    """
    where = f"hypothetical {text!r}"
    kind, colon, body = text.strip().partition(":")
    kind = kind.strip().lower()
    if not colon or kind not in _KEYS:
        raise ElementsError(f"{where}: expected {SPEC_FORMS}")
    values = _key_values(where, body, kind)
    count = _number(where, values, "count", "1")
    spacing_deg = _number(where, values, "spacing") if "spacing" in values else None
    first_mean_anomaly_deg = _number(where, values, "ma", "0")
    name = values.get("name", f"{kind.upper()}{values['alt']}")
    alt_km = _number(where, values, "alt")
    try:
        if kind == "sso":
            return ConstellationSpec.sun_synchronous(
                epoch_utc,
                alt_km,
                _node_ltan_hours(where, values),
                count=int(count),
                spacing_deg=spacing_deg,
                first_mean_anomaly_deg=first_mean_anomaly_deg,
                name=name,
                first_norad_id=first_norad_id,
            )
        return ConstellationSpec(
            epoch_utc,
            alt_km,
            _number(where, values, "inc"),
            _number(where, values, "raan", "0"),
            count=int(count),
            spacing_deg=spacing_deg,
            first_mean_anomaly_deg=first_mean_anomaly_deg,
            name=name,
            first_norad_id=first_norad_id,
        )
    except ElementsError as exc:
        if str(exc).startswith(where):
            raise
        raise ElementsError(f"{where}: {exc}") from None


def _key_values(where: str, body: str, kind: str) -> dict[str, str]:
    required, allowed = _KEYS[kind]
    values: dict[str, str] = {}
    for item in body.split(","):
        key, equals, value = (part.strip() for part in item.partition("="))
        key = key.lower()
        if not equals or not value:
            raise ElementsError(f"{where}: {item.strip()!r} is not KEY=VALUE; expected {SPEC_FORMS}")
        if key not in allowed:
            raise ElementsError(
                f"{where}: unknown key {key!r} for {kind}; expected one of {', '.join(sorted(allowed))}"
            )
        if key in values:
            raise ElementsError(f"{where}: {key} is given twice")
        values[key] = value
    missing = sorted(required - values.keys())
    if missing:
        raise ElementsError(f"{where}: missing {', '.join(missing)}; expected {SPEC_FORMS}")
    return values


def _number(where: str, values: Mapping[str, str], key: str, default: str | None = None) -> float:
    text = values.get(key, default)
    try:
        value = float(text or "")
    except ValueError:
        raise ElementsError(f"{where}: {key}={text!r} is not a number") from None
    if not math.isfinite(value) or (key == "count" and value != int(value)):
        raise ElementsError(
            f"{where}: {key}={text!r} is not a finite {'whole ' if key == 'count' else ''}number"
        )
    return value


def _node_ltan_hours(where: str, values: Mapping[str, str]) -> float:
    """LTAN in hours from ``ltan=HH:MM`` or ``ltdn=HH:MM`` (exactly one; decimal hours also accepted)."""
    given = [key for key in ("ltan", "ltdn") if key in values]
    if len(given) != 1:
        raise ElementsError(f"{where}: give exactly one of ltan=HH:MM and ltdn=HH:MM")
    key = given[0]
    hours = _clock_hours(where, key, values[key])
    return hours if key == "ltan" else (hours + 12.0) % 24.0


def _clock_hours(where: str, key: str, text: str) -> float:
    hours_text, colon, minutes_text = text.partition(":")
    try:
        hours = float(hours_text) if not colon else int(hours_text) + int(minutes_text) / 60.0
    except ValueError:
        raise ElementsError(f"{where}: {key}={text!r} is not a time of day HH:MM") from None
    if not (0.0 <= hours < 24.0) or (colon and not 0 <= int(minutes_text) < 60):
        raise ElementsError(f"{where}: {key}={text!r} is not a time of day in 00:00..23:59")
    return hours
