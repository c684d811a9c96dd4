"""CSV (RFC 4180) of imaging opportunity windows: one row per window, a header row of documented columns.

Columns (:data:`OPPORTUNITY_COLUMNS`, described in ``docs/exports.md``): times are ISO 8601 UTC with
milliseconds and ``Z``; angles in degrees and distances in kilometres, as their names say; booleans are
``true``/``false``; an unknown value is an empty cell. Lines end in CRLF, as RFC 4180 §2 asks.
"""

import csv
import io
from collections.abc import Sequence
from typing import Final

from orbitwatch.core.events.imaging import Opportunity
from orbitwatch.io.exports.scene import iso_utc

OPPORTUNITY_COLUMNS: Final = (
    "norad_id",
    "name",
    "target",
    "start_utc",
    "best_utc",
    "end_utc",
    "duration_s",
    "min_off_nadir_deg",
    "ground_range_km",
    "elevation_deg",
    "sun_elevation_deg",
    "time_error_s",
    "element_age_days",
    "start_clipped",
    "end_clipped",
)


def opportunities_csv(
    opportunities: Sequence[Opportunity], time_error_s: Sequence[float] | None = None
) -> str:
    """The windows as CSV text; ``time_error_s`` (one per window, 1 sigma) fills that column when given."""
    if time_error_s is not None and len(time_error_s) != len(opportunities):
        raise ValueError(f"{len(time_error_s)} timing errors for {len(opportunities)} opportunities")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(OPPORTUNITY_COLUMNS)
    for index, o in enumerate(opportunities):
        writer.writerow(
            [
                o.norad_id,
                o.name,
                o.target,
                iso_utc(o.start_utc),
                iso_utc(o.best_utc),
                iso_utc(o.end_utc),
                f"{o.duration_s:.3f}",
                f"{o.min_off_nadir_deg:.3f}",
                f"{o.ground_range_km:.3f}",
                f"{o.elevation_deg:.3f}",
                f"{o.sun_elevation_deg:.3f}",
                "" if time_error_s is None else f"{time_error_s[index]:.1f}",
                "" if o.element_age_days is None else f"{o.element_age_days:.3f}",
                str(o.start_clipped).lower(),
                str(o.end_clipped).lower(),
            ]
        )
    return buffer.getvalue()
