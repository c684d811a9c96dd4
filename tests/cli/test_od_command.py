"""``orbitwatch od``, ``correlate`` and ``ascent`` end to end on simulated TDM files of a real satellite."""

import json
import math
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from orbitwatch.core.elements.formats import read_elements
from orbitwatch.core.frames.geodesy import enu_from_itrs_matrix, itrs_from_geodetic
from orbitwatch.core.od.measurements import Measurement, Station
from orbitwatch.core.od.predict import earth_orientation, gcrs_states_from_itrs, predict_measurements
from orbitwatch.core.od.simulate import Sensor, simulate_measurements
from orbitwatch.core.od.tdm import write_tdm_kvn
from orbitwatch.core.propagation.numerical import ForceModel, propagate_gcrs

RADAR = Station("RADAR1", 35.8, 129.2, 0.1)
SITE = "RADAR1=35.8,129.2,100"
CREATED = datetime(2026, 5, 28, tzinfo=UTC)


@pytest.fixture(scope="module")
def aqua_tdm(tmp_path_factory: pytest.TempPathFactory, sample_dir: Path) -> Path:
    """One radar pass of AQUA (truth: its 2026-05-26 element set) as a TDM."""
    path = sample_dir / "2026-05-26" / "resource.tle"
    aqua = next(e for e in read_elements(path.read_bytes(), path.name).records if e.norad_id == 27424)
    sim = simulate_measurements(aqua, [Sensor(RADAR, ("az_el", "range"), max_points_per_pass=30)],
                                aqua.epoch_utc, 86400.0, 10.0, np.random.default_rng(4))  # fmt: skip
    first = [sim.measurements[0]]
    for m in sim.measurements[1:]:
        if (m.time_utc - first[-1].time_utc).total_seconds() > 60:
            break
        first.append(m)
    out = tmp_path_factory.mktemp("od") / "aqua.tdm"
    out.write_text(write_tdm_kvn(first, object_name="UNKNOWN", creation_utc=CREATED))
    return out


def test_od_json_and_tle(cli, aqua_tdm: Path) -> None:  # type: ignore[no-untyped-def]
    result = cli("od", str(aqua_tdm), "--site", SITE, "--format", "json")
    assert result.code == 0, result.err
    payload = json.loads(result.out)
    for key in ("epoch_utc", "frame", "position_km", "velocity_km_s", "covariance", "rms_residuals",
                "iterations", "converged", "rejected"):  # fmt: skip
        assert key in payload
    assert payload["frame"] == "GCRS"
    assert payload["converged"] is True
    assert payload["epoch_utc"].endswith("Z")
    assert np.array(payload["covariance"]).shape == (6, 6)
    assert set(payload["rms_residuals"]) == {"az_el", "range"}
    assert 6700 < np.linalg.norm(payload["position_km"]) < 7200
    tle = cli("od", str(aqua_tdm), "--site", SITE, "--format", "tle", "--norad", "90001")
    assert tle.code == 0, tle.err
    lines = tle.out.strip().splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("1 90001")
    assert lines[1].startswith("2 90001")
    table = cli("od", str(aqua_tdm), "--site", SITE)
    assert table.code == 0
    assert "converged" in table.out


def test_correlate_uses_the_store(cli, aqua_tdm: Path, sample_dir: Path) -> None:  # type: ignore[no-untyped-def]
    assert cli("ingest", str(sample_dir / "2026-05-25")).code in (0, 1)
    result = cli("correlate", str(aqua_tdm), "--site", SITE, "--format", "json")
    assert result.code == 0, result.err
    payload = json.loads(result.out)
    assert payload["verdict"] == "correlated"
    assert payload["norad_id"] == 27424
    assert payload["gate"]["probability"] == 0.999
    assert payload["gate"]["threshold"] > 0
    assert payload["considered"] > 850
    table = cli("correlate", str(aqua_tdm), "--site", SITE, "--group", "geo")
    assert table.code == 0
    assert "uncorrelated" in table.out


def test_ascent_json(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    t0 = datetime(2026, 5, 25, 3, 0, tzinfo=UTC)
    lat, lon = 37.5, 124.8
    r = itrs_from_geodetic(lat, lon, 150.0)
    az, fpa = math.radians(170.0), math.radians(25.0)
    v_enu = 3.0 * np.array([math.cos(fpa) * math.sin(az), math.cos(fpa) * math.cos(az), math.sin(fpa)])
    v = enu_from_itrs_matrix(lat, lon).reshape(3, 3).T @ v_enu
    rg, vg = gcrs_states_from_itrs(r[None], v[None], earth_orientation([t0]))
    offsets = np.arange(0.0, 121.0, 5.0)
    truth = propagate_gcrs(t0, rg[0], vg[0], offsets, ForceModel())
    times = [t0 + timedelta(seconds=float(s)) for s in offsets]
    rng = np.random.default_rng(0)
    measurements = []
    for kind, sigma in (("az_el", (0.01, 0.01)), ("range", (0.01,))):
        probe = [Measurement(t, kind, (0.0,) * len(sigma), sigma, "RADAR1", "p") for t in times]
        values = predict_measurements(probe, truth.r_gcrs_km, truth.v_gcrs_km_s, [RADAR]).reshape(
            len(times), -1
        )
        for t, row in zip(times, values + rng.standard_normal(values.shape) * np.array(sigma), strict=True):
            row[0] = row[0] % 360.0 if kind == "az_el" else row[0]
            measurements.append(Measurement(t, kind, tuple(float(x) for x in row), sigma, "RADAR1", "sim"))
    path = tmp_path / "missile.tdm"
    path.write_text(write_tdm_kvn(measurements, object_name="MISSILE", creation_utc=CREATED))
    result = cli("ascent", str(path), "--site", SITE, "--format", "json", "--samples", "100")
    assert result.code == 0, result.err
    payload = json.loads(result.out)
    assert payload["verdict"] == "suborbital"
    for key in ("perigee_km", "apogee_km", "inclination_deg"):
        assert isinstance(payload[key], float)
    impact = payload["impact"]
    for key in ("lat_deg", "lon_deg", "time_utc", "ellipse_semi_major_km", "ellipse_semi_minor_km",
                "ellipse_azimuth_deg"):  # fmt: skip
        assert key in impact
    assert 20.0 < impact["lat_deg"] < 37.0
    table = cli("ascent", str(path), "--site", SITE, "--samples", "50")
    assert table.code == 0
    assert "suborbital" in table.out
    assert "impact in vacuum" in table.out


def test_bad_input_is_one_line(cli, aqua_tdm: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    unknown = cli("od", str(aqua_tdm))
    assert unknown.code == 2
    assert "RADAR1" in unknown.err
    assert "Traceback" not in unknown.err
    junk = tmp_path / "junk.txt"
    junk.write_text("hello\n")
    refused = cli("od", str(junk))
    assert refused.code == 2
    assert "not a measurement file" in refused.err
    missing = cli("ascent", str(tmp_path / "none.tdm"))
    assert missing.code == 2
    assert "no such file" in missing.err
    assert cli("od", str(aqua_tdm), "--site", SITE, "--format", "xml").code == 2


def test_measurements_are_kept_by_ingest_and_od_reads_them_back(cli, aqua_tdm: Path) -> None:  # type: ignore[no-untyped-def]
    first = cli("ingest", str(aqua_tdm))
    again = cli("ingest", str(aqua_tdm))
    assert first.code == 0, first.err
    assert "already ingested" in again.out

    from_file = cli("od", str(aqua_tdm), "--site", SITE, "-f", "json")
    from_store = cli("od", "--since", "2026-05-01", "--until", "2026-06-01", "--site", SITE, "-f", "json")
    assert from_store.code == 0, from_store.err
    assert json.loads(from_store.out)["position_km"] == json.loads(from_file.out)["position_km"]
    nothing = cli("od", "--since", "2030-01-01", "--site", SITE)
    assert nothing.code == 2
    assert "no usable measurement" in nothing.err


def test_od_without_measurements_is_one_clear_line(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("od")
    assert result.code == 2
    assert "no measurement file given" in result.err
