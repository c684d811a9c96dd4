"""Re-entry assessment: King-Hele's lifetime against hand-derived figures."""

import math
from datetime import UTC, datetime, timedelta

import pytest

from orbitwatch.core.changes.decay import (
    REENTRY_ALT_KM,
    assess_decay,
    decay_rate_km_per_day,
    remaining_lifetime_days,
    scale_height_km,
)
from orbitwatch.core.elements.model import ElementSet

EPOCH = datetime(2026, 5, 24, 12, tzinfo=UTC)


def _circular(n_rev_per_day: float, printed_n_dot: float) -> ElementSet:
    return ElementSet(
        norad_id=1,
        epoch_utc=EPOCH,
        mean_motion_rev_per_day=n_rev_per_day,
        eccentricity=0.0001,
        inclination_deg=53.0,
        raan_deg=0.0,
        arg_perigee_deg=0.0,
        mean_anomaly_deg=0.0,
        mean_motion_dot_rev_per_day2=printed_n_dot,
    )


def test_scale_height_matches_vallado_table_nodes_and_interpolates() -> None:
    assert scale_height_km(150.0) == pytest.approx(22.523)
    assert scale_height_km(200.0) == pytest.approx(37.105)
    assert scale_height_km(190.0) == pytest.approx(29.740 + (37.105 - 29.740) * 0.5)
    assert scale_height_km(50.0) == pytest.approx(5.877)
    assert scale_height_km(5000.0) == pytest.approx(268.0)


def test_decay_rate_follows_keplers_third_law() -> None:
    elements = _circular(16.4, 0.05)
    expected_km_per_day = 2.0 / 3.0 * elements.semi_major_axis_km * 0.1 / 16.4
    assert decay_rate_km_per_day(elements) == pytest.approx(expected_km_per_day)


def test_lifetime_is_one_scale_height_over_the_descent_rate_far_above_reentry() -> None:
    assert remaining_lifetime_days(600.0, 10.0) == pytest.approx(71.835 / 10.0, rel=2e-3)
    assert remaining_lifetime_days(REENTRY_ALT_KM, 10.0) == 0.0


def test_low_orbit_with_drag_is_a_candidate_with_a_window_around_the_lifetime() -> None:
    assessment = assess_decay(_circular(16.4, 0.05))
    lifetime = assessment.remaining_lifetime_days
    assert assessment.is_candidate
    assert lifetime is not None
    assert 0.0 < lifetime < 10.0
    assert assessment.reentry_central_utc == EPOCH + timedelta(days=lifetime)
    tolerance = timedelta(microseconds=2)
    assert assessment.reentry_earliest_utc is not None
    assert assessment.reentry_latest_utc is not None
    assert abs(assessment.reentry_earliest_utc - (EPOCH + timedelta(days=0.5 * lifetime))) <= tolerance
    assert abs(assessment.reentry_latest_utc - (EPOCH + timedelta(days=1.5 * lifetime))) <= tolerance


def test_high_orbit_is_not_a_candidate_and_has_no_window() -> None:
    assessment = assess_decay(_circular(15.5, 0.0001))
    assert not assessment.is_candidate
    assert assessment.reentry_central_utc is None


def test_low_orbit_without_drag_has_no_lifetime() -> None:
    assessment = assess_decay(_circular(16.4, -0.001))
    assert assessment.is_candidate
    assert assessment.remaining_lifetime_days is None


def test_perigee_altitude_agrees_with_keplers_third_law_by_hand() -> None:
    elements = _circular(16.4, 0.05)
    n_rad_s = 16.4 * 2.0 * math.pi / 86_400.0
    alt_by_hand_km = (398_600.8 / n_rad_s**2) ** (1.0 / 3.0) - 6378.135
    assert assess_decay(elements).perigee_alt_km == pytest.approx(alt_by_hand_km, abs=15.0)
