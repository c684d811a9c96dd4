"""The offline time scale: built from skyfield-data's files only, silent, and exact for a TimeGrid."""

import warnings
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
import skyfield.iokit

from orbitwatch.core.frames import time as frames_time
from orbitwatch.core.propagation.states import TimeGrid


def test_timescale_is_built_offline_without_warnings(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_download(*args: object, **kwargs: object) -> None:
        raise AssertionError("orbitwatch must never download Skyfield data")

    monkeypatch.setattr(skyfield.iokit, "download", no_download)
    frames_time.data_directory.cache_clear()
    frames_time.timescale.cache_clear()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        scale = frames_time.timescale()
    assert scale.polar_motion_table is not None


def test_skyfield_time_matches_skyfield_datetimes() -> None:
    t0 = datetime(2026, 5, 24, 4, 43, 14, 638944, tzinfo=UTC)
    offsets_s = np.array([-2.25 * 86400, -0.5, 0.0, 1e-3, 60.0, 3 * 86400 + 0.25])
    ours = frames_time.skyfield_time(TimeGrid(t0, offsets_s))
    expected = frames_time.timescale().from_datetimes([t0 + timedelta(seconds=float(s)) for s in offsets_s])
    assert np.all(np.abs((ours.tt - expected.tt) * 86400.0) < 1e-6)
    assert np.all(np.abs((ours.ut1 - expected.ut1) * 86400.0) < 1e-6)


def test_ut1_and_polar_motion_come_from_the_iers_predictions() -> None:
    time = frames_time.skyfield_time(TimeGrid(datetime(2026, 5, 24, tzinfo=UTC), np.array([0.0])))
    whole, fraction = frames_time.ut1_julian_dates(time)
    dut1_s = ((whole[0] - 2461184.5) + fraction[0]) * 86400.0
    assert dut1_s == pytest.approx(0.0370590, abs=1e-6)  # finals2000A.all, 2026-05-24 (MJD 61184), P
    xp_rad, yp_rad = frames_time.polar_motion_rad(time)
    assert np.degrees(xp_rad[0]) * 3600.0 == pytest.approx(0.125494, abs=1e-6)
    assert np.degrees(yp_rad[0]) * 3600.0 == pytest.approx(0.448108, abs=1e-6)
