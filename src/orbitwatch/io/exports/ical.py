"""iCalendar (RFC 5545) files of time windows, written with the ``icalendar`` library.

Each window becomes one VEVENT with start and end in UTC, a stable UID (so a re-export updates
the same events in a calendar instead of duplicating them), a summary and a description.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import icalendar

from orbitwatch import __version__
from orbitwatch.core.elements.epochs import as_utc


@dataclass(frozen=True, slots=True)
class CalendarWindow:
    """One window to put in a calendar: a stable identifier, UTC start and end, and its text."""

    uid: str
    start_utc: datetime
    end_utc: datetime
    summary: str
    description: str = ""


def calendar_text(windows: Iterable[CalendarWindow], *, name: str, created_utc: datetime) -> str:
    """The iCalendar text (CRLF lines, folded at 75 octets) of the windows, stamped ``created_utc``."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", f"-//orbitwatch//orbitwatch {__version__}//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    for window in windows:
        event = icalendar.Event()
        event.add("uid", window.uid)
        event.add("dtstamp", as_utc(created_utc))
        event.add("dtstart", as_utc(window.start_utc))
        event.add("dtend", as_utc(window.end_utc))
        event.add("summary", window.summary)
        if window.description:
            event.add("description", window.description)
        calendar.add_component(event)
    return str(calendar.to_ical().decode("utf-8"))
