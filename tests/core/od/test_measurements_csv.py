"""Measurements CSV: round trip of every kind, defaults, and refusals row by row."""

from datetime import UTC, datetime

import pytest

from orbitwatch.core.od.measurements import DEFAULT_SIGMAS, Measurement
from orbitwatch.core.od.measurements_csv import read_measurements_csv, write_measurements_csv
from orbitwatch.errors import ObservationError

T = datetime(2026, 5, 25, 1, 2, 3, 250000, tzinfo=UTC)


def test_round_trip_every_kind() -> None:
    ms = [
        Measurement(T, "ra_dec", (12.5, -3.25), (1e-4, 1e-4), "TEL, north", "x"),
        Measurement(T, "az_el", (300.0, 20.0), (0.01, 0.02), "R", "x"),
        Measurement(T, "range", (1500.123456789,), (0.01,), "R", "x"),
        Measurement(T, "range_rate", (-6.5,), (1e-5,), "R", "x"),
        Measurement(T, "position_itrs", (1.0, 2.0, 3.0), (0.1, 0.1, 0.1), "", "x"),
        Measurement(T, "pv_gcrs", (7000.0, 0.0, 0.0, 0.0, 7.5, 0.0), (0.01,) * 3 + (1e-5,) * 3, "", "x"),
    ]
    result = read_measurements_csv(write_measurements_csv(ms).encode(), "m.csv")
    assert not result.refusals
    assert [(m.time_utc, m.kind, m.values, m.sigmas, m.station) for m in result.records] == [
        (m.time_utc, m.kind, m.values, m.sigmas, m.station) for m in ms
    ]
    assert result.records[0].source == "m.csv:2"


def test_defaults_and_refusals() -> None:
    text = "\n".join([
        "time_utc,kind,station,v1,v2,v3,s1,s2,s3,source",
        "2026-05-25T00:00:00Z,range,R,1000,,,,,,radar log",
        "2026-05-25T00:00:01Z,range,Q,1000,,,,,,",
        "2026-05-25T00:00:02Z,speed,R,1,,,,,,",
        "2026-13-25T00:00:03Z,range,R,1,,,,,,",
        "2026-05-25T00:00:04Z,ra_dec,R,1,x,,,,,",
        "2026-05-25T00:00:05Z,range,R,1,2,,,,,",
        "2026-05-25T00:00:06Z,range,R,1,,,-1,,,",
        "2026-05-25T00:00:07Z,position_gcrs,R,1,2,3,,,,",
        "2026-05-25T00:00:08Z,range,R,1",
    ])  # fmt: skip
    result = read_measurements_csv(text, "c", station_sigmas={"Q": {"range": (0.5,)}})
    assert [m.sigmas for m in result.records] == [DEFAULT_SIGMAS["range"], (0.5,)]
    assert result.records[0].source == "c:2 (radar log)"
    assert [r.line for r in result.refusals] == [4, 5, 6, 7, 8, 9, 10]
    assert "speed" in result.refusals[0].reason
    assert "station" in result.refusals[5].reason


def test_header_required() -> None:
    with pytest.raises(ObservationError, match="header"):
        read_measurements_csv("a,b\n1,2\n", "h")
