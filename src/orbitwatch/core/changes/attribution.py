"""Manoeuvre attribution (pure): how a manoeuvre changed a satellite's overflights of watched sites.

The passes predicted from the element set before the manoeuvre and from the one after it are paired per
site, each pass after with the nearest unpaired pass before whose culmination lies within a tolerance
(half an orbital period is a natural choice: closer passes of one satellite over one site are the same
pass seen again). What is left unpaired was lost (before only) or gained (after only).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from orbitwatch.core.events.passes import Pass


@dataclass(frozen=True, slots=True)
class PassShift:
    """One overflight of a watched site after a manoeuvre: as predicted before it and after it (either may
    be None: a pass lost or gained), and the shift of its culmination in seconds (after − before)."""

    site: str
    before: Pass | None
    after: Pass | None

    @property
    def shift_s(self) -> float | None:
        """Seconds by which the culmination moved; None for a pass lost or gained."""
        if self.before is None or self.after is None:
            return None
        return (self.after.culmination_utc - self.before.culmination_utc).total_seconds()


def match_passes(old: Sequence[Pass], new: Sequence[Pass], tolerance: timedelta) -> list[PassShift]:
    """Pair each pass after with the nearest unpaired pass before at the same site (within ``tolerance``);
    the pairs, lost and gained passes by culmination time."""
    unpaired = list(old)
    shifts: list[PassShift] = []
    for later in new:
        near = [
            p
            for p in unpaired
            if p.site == later.site and abs(p.culmination_utc - later.culmination_utc) < tolerance
        ]
        earlier = min(near, key=lambda p: abs(p.culmination_utc - later.culmination_utc), default=None)
        if earlier is not None:
            unpaired.remove(earlier)
        shifts.append(PassShift(later.site, earlier, later))
    shifts.extend(PassShift(p.site, p, None) for p in unpaired)
    return sorted(shifts, key=_shift_order)


def _shift_order(shift: PassShift) -> tuple[datetime, str]:
    seen = shift.after if shift.after is not None else shift.before
    assert seen is not None  # a shift has a pass before or after it
    return seen.culmination_utc, shift.site
