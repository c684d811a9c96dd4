"""Times on the command line: ISO 8601 input, and display in a chosen time zone."""

from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from orbitwatch.errors import OrbitwatchError


def parse_instant(text: str, now_utc: datetime) -> datetime:
    """An ISO 8601 instant (``2026-05-27T16:00:00Z``; no offset means UTC), or ``now``."""
    if text.strip().lower() == "now":
        return now_utc
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise OrbitwatchError(f"time {text!r} is not ISO 8601 (for example 2026-05-27T16:00:00Z)") from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def zone(name: str | None) -> tzinfo:
    """The IANA time zone for tables (``Asia/Seoul``); UTC when not given."""
    if not name:
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise OrbitwatchError(f"--tz {name!r} is not an IANA time zone (for example Asia/Seoul)") from None


def shown(moment: datetime, tz: tzinfo) -> str:
    """A time for a table: to the second, in ``tz`` (tables say which zone in their title)."""
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S")
