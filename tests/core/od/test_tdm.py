"""CCSDS TDM (503.0-B-2) KVN and XML: hand-written sample files, refusals line by line, round trips."""

from datetime import UTC, datetime
from pathlib import Path

import pytest

from orbitwatch.core.od.measurements import Measurement
from orbitwatch.core.od.tdm import read_tdm, read_tdm_kvn, write_tdm_kvn, write_tdm_xml
from orbitwatch.errors import ObservationError

DATA = Path(__file__).resolve().parents[2] / "data" / "od"


def test_radar_pass_kvn() -> None:
    result = read_tdm((DATA / "radar_pass.tdm").read_bytes(), "radar_pass.tdm")
    assert result.format == "tdm-kvn"
    first = result.records[0]
    assert first == Measurement(datetime(2026, 5, 25, 10, 20, tzinfo=UTC), "az_el", (123.4, 12.5),
                                (0.02, 0.015), "RADAR-A", "radar_pass.tdm:line 21")  # fmt: skip
    kinds = [(m.station, m.kind) for m in result.records]
    assert kinds.count(("RADAR-A", "range")) == 2
    assert ("RADAR-A", "range_rate") in kinds
    rate = next(m for m in result.records if m.kind == "range_rate")
    assert rate.values == (-6.125,)
    assert rate.sigmas == (1e-5,)
    two_way = next(m for m in result.records if m.station == "RADAR-B")
    assert two_way.values == (1500.0,)  # PATH = 1,2,1: the round trip halved
    assert two_way.time_utc == datetime(2026, 5, 25, 10, 21, 0, 500000, tzinfo=UTC)  # day-of-year form
    reasons = {r.line: r.reason for r in result.refusals}
    assert set(reasons) == {28, 29, 31, 54}
    assert "RECEIVE_FREQ_2" in reasons[28]
    assert "[-90, 90]" in reasons[29]
    assert "not-a-number" in reasons[31]
    assert "TAI" in reasons[54]


def test_optical_xml() -> None:
    result = read_tdm((DATA / "optical.tdm.xml").read_bytes(), "optical.tdm.xml")
    assert result.format == "tdm-xml"
    assert [m.values for m in result.records] == [(210.5, -5.25), (210.0, 3.5)]  # -150 deg read as 210
    assert all(
        m.kind == "ra_dec" and m.station == "TEL-1" and m.sigmas == (0.0005, 0.0004) for m in result.records
    )
    assert [r.record for r in result.refusals] == [5, 6]
    assert "no ANGLE_2" in result.refusals[0].reason


def test_caller_sigmas_per_station_and_default() -> None:
    text = (DATA / "radar_pass.tdm").read_text()
    result = read_tdm_kvn(text, "x", default_sigmas={"range_rate": (2e-5,), "range": (0.5,)},
                          station_sigmas={"RADAR-B": {"range": (0.1,)}})  # fmt: skip
    assert next(m for m in result.records if m.kind == "range_rate").sigmas == (2e-5,)
    assert next(m for m in result.records if m.station == "RADAR-B").sigmas == (0.1,)


def test_degraded_data_and_bad_metadata_are_refused() -> None:
    text = "\n".join([
        "CCSDS_TDM_VERS = 2.0", "META_START", "TIME_SYSTEM = UTC", "PARTICIPANT_1 = S", "PARTICIPANT_2 = X",
        "PATH = 2,1", "ANGLE_TYPE = RADEC", "REFERENCE_FRAME = TOD", "META_STOP", "DATA_START",
        "ANGLE_1 = 2026-05-25T00:00:00 1.0", "ANGLE_2 = 2026-05-25T00:00:00 2.0", "DATA_STOP",
        "META_START", "TIME_SYSTEM = UTC", "PARTICIPANT_1 = S", "PARTICIPANT_2 = X", "PATH = 2,1",
        "DATA_QUALITY = DEGRADED", "META_STOP", "DATA_START", "RANGE = 2026-05-25T00:00:00 1000", "DATA_STOP",
    ])  # fmt: skip
    result = read_tdm(text, "bad")
    assert not result.records
    assert ["TOD" in r.reason for r in result.refusals] == [True, True, False]
    assert "DEGRADED" in result.refusals[2].reason
    assert len(read_tdm(text, "bad", accept_degraded=True).records) == 1


def test_structure_errors() -> None:
    result = read_tdm("META_START\nTIME_SYSTEM = UTC\n", "s")
    assert any("out of place" in r.reason for r in result.refusals)
    with pytest.raises(ObservationError, match="malformed"):
        read_tdm("<tdm><body>", "x")
    with pytest.raises(ObservationError, match="not <tdm>"):
        read_tdm("<omm/>", "x")


@pytest.mark.parametrize("writer", [write_tdm_kvn, write_tdm_xml])
def test_round_trip(writer) -> None:  # type: ignore[no-untyped-def]
    t = datetime(2026, 5, 25, 1, 2, 3, 250000, tzinfo=UTC)
    ms = [
        Measurement(t, "ra_dec", (359.9999, -89.5), (1e-4, 2e-4), "TEL <1>", "a"),
        Measurement(t, "az_el", (0.1, 45.0), (0.01, 0.01), "R", "b"),
        Measurement(t, "range", (1234.567890123,), (0.01,), "R", "c"),
        Measurement(t, "range_rate", (-7.1,), (1e-5,), "R", "d"),
    ]
    back = read_tdm(writer(ms, object_name="2026-001A"), "rt")
    assert not back.refusals
    assert sorted((m.kind, m.values, m.sigmas, m.station, m.time_utc) for m in back.records) == sorted(
        (m.kind, m.values, m.sigmas, m.station, m.time_utc) for m in ms
    )


def test_positions_cannot_be_written_to_tdm() -> None:
    m = Measurement(
        datetime(2026, 5, 25, tzinfo=UTC), "position_gcrs", (1.0, 2.0, 3.0), (1.0, 1.0, 1.0), "", "s"
    )
    with pytest.raises(ObservationError, match="CSV"):
        write_tdm_kvn([m])
