"""Epoch text in the forms the element formats use, read and written exactly.

- TLE: two-digit year (57-99 -> 19xx, 00-56 -> 20xx; T.S. Kelso, "Frequently Asked Questions:
  Two-Line Element Set Format", Satellite Times, 1998) and day of year with eight decimals.
- CCSDS 502.0-B-3 section 7.5.10: ``YYYY-MM-DDThh:mm:ss[.d...][Z]`` or
  ``YYYY-DDDThh:mm:ss[.d...][Z]``, all fields zero-padded, ``Z`` the only terminator allowed.

Arithmetic is decimal so that no binary rounding moves an epoch: a datetime carries microseconds,
and a TLE's 1e-8 day resolution (864 us) survives the round trip.
"""

import re
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

_MICROSECONDS_PER_DAY = Decimal(86_400_000_000)
_TLE_YEAR_PIVOT = 57

_CCSDS_EPOCH = re.compile(
    r"^(?P<year>\d{4})-(?:(?P<month>\d{2})-(?P<day>\d{2})|(?P<doy>\d{3}))"
    r"T(?P<hour>\d{2}):(?P<minute>\d{2}):(?P<second>\d{2})(?P<fraction>\.\d+)?Z?$",
    re.ASCII,
)


def two_digit_year(yy: int) -> int:
    """The four-digit year of a TLE's two-digit epoch year (pivot 57)."""
    if not 0 <= yy <= 99:
        raise ValueError(f"two-digit year must be 00..99, got {yy}")
    return 1900 + yy if yy >= _TLE_YEAR_PIVOT else 2000 + yy


def from_year_and_day(year: int, day_of_year: Decimal) -> datetime:
    """UTC datetime of a year and a fractional day of year (1.0 = January 1, 00:00), rounded to 1 us."""
    if not Decimal(1) <= day_of_year < Decimal(367):
        raise ValueError(f"day of year must be in 1 <= day < 367, got {day_of_year}")
    micro = int(((day_of_year - 1) * _MICROSECONDS_PER_DAY).to_integral_value(ROUND_HALF_EVEN))
    start = datetime(year, 1, 1, tzinfo=UTC)
    epoch = start + timedelta(microseconds=micro)
    if epoch.year != year:
        raise ValueError(f"day of year {day_of_year} is past the end of {year}")
    return epoch


def tle_epoch(field: str) -> datetime:
    """UTC datetime of a TLE epoch field ``YYDDD.DDDDDDDD`` (columns 19-32 of line 1)."""
    text = field.strip()
    if not re.fullmatch(r"\d{5}(\.\d+)?", text, re.ASCII):
        raise ValueError(f"epoch {field!r} is not YYDDD.DDDDDDDD")
    try:
        day = Decimal(text[2:])
    except InvalidOperation as exc:  # unreachable after the pattern, kept for mypy's sake
        raise ValueError(f"epoch {field!r} is not a number") from exc
    return from_year_and_day(two_digit_year(int(text[:2])), day)


def tle_epoch_field(epoch_utc: datetime) -> str:
    """The 14-character TLE epoch field ``YYDDD.DDDDDDDD`` of a UTC datetime (years 1957-2056)."""
    epoch_utc = as_utc(epoch_utc)
    year = epoch_utc.year
    if not 1957 <= year <= 2056:
        raise ValueError(f"a TLE epoch year must be 1957..2056, got {year}")
    start = datetime(year, 1, 1, tzinfo=UTC)
    micro = (epoch_utc - start) // timedelta(microseconds=1)
    day = Decimal(1) + Decimal(micro) / _MICROSECONDS_PER_DAY
    day = day.quantize(Decimal("1e-8"), ROUND_HALF_EVEN)
    days_in_year = (datetime(year + 1, 1, 1, tzinfo=UTC) - start).days
    if day >= days_in_year + 1:  # the last 432 us of a year round to January 1.0 of the next
        year, day = year + 1, day - days_in_year
        if year > 2056:
            raise ValueError("a TLE epoch year must be 1957..2056; the epoch rounds to 2057")
    return f"{year % 100:02d}{day:012.8f}"


def ccsds_epoch(text: str) -> datetime:
    """UTC datetime of a CCSDS epoch string (calendar or day-of-year form), rounded to 1 us.

    A leap second (``:60``) is read as the instant one second earlier, since a datetime cannot
    carry it.
    """
    match = _CCSDS_EPOCH.match(text.strip())
    if match is None:
        raise ValueError(
            f"epoch {text!r} is not CCSDS YYYY-MM-DDThh:mm:ss[.d][Z] or YYYY-DDDThh:mm:ss[.d][Z]"
        )
    g = match.groupdict()
    year, hour, minute, second = int(g["year"]), int(g["hour"]), int(g["minute"]), int(g["second"])
    if hour > 23 or minute > 59 or second > 60:
        raise ValueError(f"epoch {text!r} has a time of day out of range")
    second = min(second, 59)
    if g["doy"] is not None:
        day = datetime(year, 1, 1, tzinfo=UTC) + timedelta(days=int(g["doy"]) - 1)
        if day.year != year or int(g["doy"]) == 0:
            raise ValueError(f"epoch {text!r} has a day of year out of range")
    else:
        day = datetime(year, int(g["month"]), int(g["day"]), tzinfo=UTC)
    fraction = Decimal("0" + (g["fraction"] or ".0"))
    micro = int((fraction * 1_000_000).to_integral_value(ROUND_HALF_EVEN))
    return day + timedelta(hours=hour, minutes=minute, seconds=second, microseconds=micro)


def ccsds_epoch_text(epoch_utc: datetime) -> str:
    """The calendar-form CCSDS epoch with microseconds, as CelesTrak writes it (no ``Z``)."""
    return as_utc(epoch_utc).strftime("%Y-%m-%dT%H:%M:%S.%f")


def as_utc(moment: datetime) -> datetime:
    """The same instant as a timezone-aware UTC datetime; a naive datetime is taken as UTC."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
