"""Imaging opportunities as calendar events (iCalendar), for the planner's calendar."""

from datetime import datetime

from orbitwatch.core.events.imaging import SensorModel
from orbitwatch.io.exports.ical import CalendarWindow, calendar_text
from orbitwatch.services.overflights import OpportunityReport


def opportunities_calendar(report: OpportunityReport, sensor: SensorModel, *, created_utc: datetime) -> str:
    """One VEVENT per opportunity; the UID is stable, so a re-export updates the same events."""
    windows = [
        CalendarWindow(
            uid=f"{o.norad_id}-{o.target}-{o.start_utc:%Y%m%dT%H%M%S}@orbitwatch".replace(" ", "_"),
            start_utc=o.start_utc,
            end_utc=o.end_utc,
            summary=f"{o.name} ({o.norad_id}) can image {o.target}",
            description=(
                f"best {o.best_utc:%Y-%m-%d %H:%M:%S} UTC at {o.min_off_nadir_deg:.1f} deg off nadir, "
                f"ground range {o.ground_range_km:.0f} km, Sun {o.sun_elevation_deg:.1f} deg; "
                f"timing error {error_s:.0f} s (1 sigma); sensor: {sensor.name}"
            ),
        )
        for o, error_s in zip(report.opportunities, report.time_error_s, strict=True)
    ]
    return calendar_text(windows, name=f"orbitwatch overflights ({sensor.name})", created_utc=created_utc)
