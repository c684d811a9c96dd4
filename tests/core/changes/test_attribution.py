"""Pairing the passes predicted before and after a manoeuvre."""

from datetime import UTC, datetime, timedelta

from orbitwatch.core.changes.attribution import match_passes
from orbitwatch.core.events.passes import Pass

T0 = datetime(2026, 5, 27, tzinfo=UTC)
HALF_PERIOD = timedelta(minutes=47)


def _pass(site: str, minutes: float) -> Pass:
    t = T0 + timedelta(minutes=minutes)
    rise, set_ = t - timedelta(minutes=5), t + timedelta(minutes=5)
    geometry = (0.0, 10.0, 2000.0, 90.0, 800.0, 180.0, 10.0, 2000.0, 45.0)
    return Pass(1, "SAT", site, rise, t, set_, *geometry, False, False, False, None)


def test_passes_pair_by_site_and_nearest_culmination_and_the_rest_are_lost_or_gained() -> None:
    before = [_pass("Seoul", 0), _pass("Seoul", 100), _pass("Busan", 0), _pass("Seoul", 1000)]
    after = [_pass("Seoul", 2), _pass("Seoul", 130), _pass("Busan", 60)]

    shifts = match_passes(before, after, HALF_PERIOD)

    summary = [(s.site, s.shift_s, s.before is None, s.after is None) for s in shifts]
    assert summary == [
        ("Busan", None, False, True),  # lost: the pass after is 60 min away, beyond half a period
        ("Seoul", 120.0, False, False),
        ("Busan", None, True, False),  # gained
        ("Seoul", 1800.0, False, False),
        ("Seoul", None, False, True),  # lost
    ]
