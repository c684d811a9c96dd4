"""Measurement upload and orbit-determination jobs through HTTP on a real ``orbitwatch serve`` process, on
SQLite and PostgreSQL: the TDM of a simulated radar pass of AQUA (truth: its real 2026-05-26 element set)
is uploaded, listed back, and a job on it gives the state ``orbitwatch od`` gives for the same file; bad
input ends a job ``failed`` with its reason; jobs survive a restart; bounds end a job naming the bound."""

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest
from api_server import SAMPLE, TOKEN, Server

from orbitwatch.core.elements.formats import read_elements
from orbitwatch.core.od.measurements import Measurement, Station
from orbitwatch.core.od.simulate import Sensor, simulate_measurements
from orbitwatch.core.od.tdm import write_tdm_kvn
from orbitwatch.services.catalog import open_store
from orbitwatch.services.od_jobs import (
    INTERRUPTED,
    JobFailedError,
    JobRunner,
    submit_job,
    upload_measurements,
)
from orbitwatch.web.compute import Computations
from orbitwatch.web.limits import ComputeSlots
from orbitwatch.web.routers.od import bounded

RADAR = Station("RADAR1", 35.8, 129.2, 0.1)
SITE = "RADAR1=35.8,129.2,100"
CREATED = datetime(2026, 5, 28, tzinfo=UTC)
PROBLEM = "application/problem+json"
UPLOAD_MIB = 2


@pytest.fixture(scope="module")
def server(db_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The module's server, with a 2 MiB upload limit (above the 1 MiB of a JSON body)."""
    log = tmp_path_factory.mktemp("log") / "server.log"
    running = Server(db_url, log, extra_args=("--max-upload-mib", str(UPLOAD_MIB))).start()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def aqua_pass(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Measurement]]:
    """One radar pass of AQUA (az/el and range; truth: its 2026-05-26 element set) as a TDM file."""
    path = SAMPLE / "sample" / "2026-05-26" / "resource.tle"
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
    return out, first


@pytest.fixture(scope="module")
def uploaded(server: Server, aqua_pass: tuple[Path, list[Measurement]]) -> httpx.Response:
    """The answer to the upload of the AQUA pass."""
    with server.client(TOKEN) as client:
        return client.post(
            "/measurements", params={"filename": "aqua.tdm"}, content=aqua_pass[0].read_bytes()
        )


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def span(measurements: list[Measurement]) -> dict[str, str]:
    """A job span around the measurements (a minute either side)."""
    return {
        "since": iso(measurements[0].time_utc - timedelta(minutes=1)),
        "until": iso(measurements[-1].time_utc + timedelta(minutes=1)),
    }


def finished(client: httpx.Client, location: str, timeout_s: float = 240.0) -> dict[str, Any]:
    """The job at ``location`` once done or failed."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        job: dict[str, Any] = client.get(location).json()
        if job["status"] in ("done", "failed"):
            return job
        time.sleep(0.2)
    raise AssertionError(f"the job at {location} did not finish in {timeout_s} s: {job}")


def submitted(client: httpx.Client, body: dict[str, Any]) -> str:
    answer = client.post("/od/jobs", json=body)
    assert answer.status_code == 202, answer.text
    job = answer.json()
    assert job["status"] in ("queued", "running", "done", "failed")
    assert answer.headers["location"] == f"/od/jobs/{job['job_id']}"
    return str(answer.headers["location"])


def assert_problem(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    return body


def test_a_measurement_file_is_stored_once_with_its_counts(
    server: Server, uploaded: httpx.Response, aqua_pass: tuple[Path, list[Measurement]]
) -> None:
    assert uploaded.status_code == 201, uploaded.text
    body = uploaded.json()
    count = len(aqua_pass[1])
    assert (body["format"], body["accepted"], body["new_measurements"], body["refused"]) == (
        "tdm",
        count,
        count,
        0,
    )
    assert body["source"] == "upload:aqua.tdm"
    with server.client(TOKEN) as client:
        again = client.post(
            "/measurements", params={"filename": "aqua.tdm"}, content=aqua_pass[0].read_bytes()
        )
        assert again.status_code == 200
        assert again.json()["duplicate_of"] == body["ingest_id"]
        assert again.json()["new_measurements"] == 0


def test_refused_records_come_back_with_line_and_reason(server: Server) -> None:
    csv = (
        "TIME_UTC,KIND,STATION,V1,V2,V3,V4,V5,V6,S1,S2,S3,S4,S5,S6\n"
        "2020-01-01T00:00:00Z,range,PAD,1000.5,,,,,,,,,,,\n"
        "2020-01-01T00:00:10Z,range,PAD,oops,,,,,,,,,,,\n"
        "2020-01-01T00:00:20Z,nonsense,PAD,1,,,,,,,,,,,\n"
    )
    with server.client(TOKEN) as client:
        answer = client.post("/measurements", params={"filename": "pad.csv"}, content=csv.encode())
        assert answer.status_code == 201, answer.text
        body = answer.json()
        assert (body["format"], body["accepted"], body["refused"]) == ("measurements-csv", 1, 2)
        assert [r["line"] for r in body["refusals"]] == [3, 4]
        assert all(r["reason"] for r in body["refusals"])
        tle = (SAMPLE / "sample" / "2026-05-26" / "resource.tle").read_bytes()
        assert (
            "not a measurement file"
            in assert_problem(client.post("/measurements", content=tle), 422)["detail"]
        )
        assert_problem(client.post("/measurements", content=b""), 422)
        assert_problem(client.post("/measurements", content=b"\xff\xfe\x00bad"), 422)
        wrong = client.post("/measurements", params={"format": "tdm"}, content=csv.encode())
        assert_problem(wrong, 422)


def test_measurements_are_listed_by_time_filtered_and_paged(
    server: Server, uploaded: httpx.Response, aqua_pass: tuple[Path, list[Measurement]]
) -> None:
    assert uploaded.is_success
    measurements = aqua_pass[1]
    with server.client() as client:
        everything = client.get("/measurements", params={"station": "RADAR1", "limit": 1000}).json()
        assert len(everything["items"]) == len(measurements)
        assert everything["page"]["next_offset"] is None
        first = everything["items"][0]
        assert first["kind"] in ("az_el", "range")
        assert first["station"] == "RADAR1"
        assert datetime.fromisoformat(first["time_utc"]) == measurements[0].time_utc
        times = [item["time_utc"] for item in everything["items"]]
        assert times == sorted(times)
        ranges = client.get(
            "/measurements", params={"station": "RADAR1", "kind": "range", "limit": 1000}
        ).json()
        assert len(ranges["items"]) == sum(m.kind == "range" for m in measurements)
        assert all(len(item["values"]) == 1 and len(item["sigmas"]) == 1 for item in ranges["items"])
        page = client.get("/measurements", params={"station": "RADAR1", "limit": 5, "offset": 5}).json()
        assert page["items"] == everything["items"][5:10]
        assert page["page"]["next_offset"] == 10
        window = client.get("/measurements", params={**span(measurements[:4]), "station": "RADAR1"}).json()
        assert 4 <= len(window["items"]) < len(measurements)
        assert client.get("/measurements", params={"since": "2199-01-01T00:00:00Z"}).json()["items"] == []
        assert_problem(client.get("/measurements", params={"since": "yesterday"}), 422)
        assert_problem(client.get("/measurements", params={"kind": "speed"}), 422)
        assert_problem(client.get("/measurements", params={"limit": 100_000}), 422)


def test_an_od_job_gives_the_state_orbitwatch_od_gives(
    server: Server, uploaded: httpx.Response, aqua_pass: tuple[Path, list[Measurement]], tmp_path: Path
) -> None:
    assert uploaded.is_success
    path, measurements = aqua_pass
    body = {**span(measurements), "stations": ["RADAR1"], "sites": [SITE], "fit_tle": True, "norad_id": 90001}
    with server.client(TOKEN) as client:
        location = submitted(client, body)
        job = finished(client, location)
    assert job["status"] == "done", job
    assert job["error"] is None
    assert job["kind"] == "od"
    assert job["request"]["sites"] == [SITE]
    assert job["request"]["initial"] == "auto"
    created, started, ended = (
        datetime.fromisoformat(job[k]) for k in ("created_utc", "started_utc", "finished_utc")
    )
    assert created <= started <= ended
    database = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    command = [sys.executable, "-m", "orbitwatch", "--db", database, "od", str(path),
               "--site", SITE, "--fit-tle", "--norad", "90001", "--format", "json"]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=True)
    expected = json.loads(done.stdout)
    result = job["result"]
    assert set(result) == set(expected)
    assert result["epoch_utc"] == expected["epoch_utc"]
    assert result["frame"] == expected["frame"] == "GCRS"
    assert np.linalg.norm(np.subtract(result["position_km"], expected["position_km"])) < 1e-3
    assert np.linalg.norm(np.subtract(result["velocity_km_s"], expected["velocity_km_s"])) < 1e-6
    for key in ("measurements", "tracks", "converged", "initial_method", "iterations"):
        assert result[key] == expected[key], key
    assert result["tle"][0].startswith("1 90001")
    assert np.asarray(result["covariance"]).shape == (6, 6)


def test_correlate_and_ascent_jobs_give_their_json(
    server: Server, uploaded: httpx.Response, aqua_pass: tuple[Path, list[Measurement]]
) -> None:
    assert uploaded.is_success
    measurements = aqua_pass[1]
    resource = SAMPLE / "sample" / "2026-05-26" / "resource.tle"
    with server.client(TOKEN) as client:
        ingested = client.post(
            "/ingest", params={"filename": "resource.tle", "group": "resource"}, content=resource.read_bytes()
        )
        assert ingested.is_success, ingested.text
        correlation = {**span(measurements), "kind": "correlate", "sites": [SITE],
                       "selection": {"groups": ["resource"]}, "top": 3}  # fmt: skip
        ascent = {**span(measurements), "kind": "ascent", "sites": [SITE], "samples": 50}
        found = finished(client, submitted(client, correlation))
        assessed = finished(client, submitted(client, ascent))
    assert found["status"] == "done", found
    assert found["result"]["verdict"] == "correlated"
    assert found["result"]["norad_id"] == 27424
    assert len(found["result"]["candidates"]) <= 3
    assert found["request"]["selection"]["groups"] == ["resource"]
    assert assessed["status"] == "done", assessed
    assert assessed["result"]["verdict"] == "orbital"
    assert assessed["result"]["frame"] == "GCRS"


def test_bad_input_ends_a_job_failed_with_its_reason(
    server: Server, uploaded: httpx.Response, aqua_pass: tuple[Path, list[Measurement]]
) -> None:
    assert uploaded.is_success
    with server.client(TOKEN) as client:
        empty = finished(client, submitted(client, {"since": "1990-01-01T00:00:00Z", "until": "1990-01-02"}))
        unknown = finished(client, submitted(client, {**span(aqua_pass[1]), "stations": ["RADAR1"]}))
        nobody = finished(client, submitted(client, {"stations": ["NOBODY"], "kind": "ascent"}))
        listed = client.get("/od/jobs", params={"status": "failed", "limit": 1000}).json()
    assert empty["status"] == "failed"
    assert empty["error"] == (
        "no stored measurement from 1990-01-01T00:00:00Z to 1990-01-02T00:00:00Z: upload measurements first"
    )
    assert empty["result"] is None
    assert unknown["status"] == "failed"
    assert "station 'RADAR1' of the measurements is unknown" in unknown["error"]
    assert "\n" not in unknown["error"]
    assert nobody["status"] == "failed"
    assert "of station NOBODY" in nobody["error"]
    ids = [item["job_id"] for item in listed["items"]]
    assert {empty["job_id"], unknown["job_id"], nobody["job_id"]} <= set(ids)
    assert ids == sorted(ids, reverse=True)
    assert all("result" not in item for item in listed["items"])


def test_bad_requests_are_refused_before_a_job_is_made(server: Server) -> None:
    with server.client(TOKEN) as client:
        before = client.get("/od/jobs", params={"limit": 1000}).json()["items"]
        assert_problem(client.post("/od/jobs", json={"since": "2026-05-02", "until": "2026-05-01"}), 422)
        assert_problem(client.post("/od/jobs", json={"since": "last week"}), 422)
        assert_problem(client.post("/od/jobs", json={"kind": "guess"}), 422)
        assert_problem(client.post("/od/jobs", json={"initial": "laplace"}), 422)
        assert_problem(client.post("/od/jobs", json={"sites": ["Atlantis of nowhere"]}), 422)
        assert_problem(client.post("/od/jobs", json={"kind": "correlate", "samples": 5}), 422)
        assert_problem(client.post("/od/jobs", json={"norad_id": 0}), 422)
        assert_problem(
            client.post("/od/jobs", content=b"{", headers={"Content-Type": "application/json"}), 422
        )
        assert client.get("/od/jobs", params={"limit": 1000}).json()["items"] == before
        assert_problem(client.get("/od/jobs/999999"), 404)
        assert_problem(client.get("/od/jobs/0"), 422)


def test_writes_without_a_token_are_refused(
    server: Server, aqua_pass: tuple[Path, list[Measurement]]
) -> None:
    with server.client() as anonymous:
        for answer in (
            anonymous.post("/measurements", content=aqua_pass[0].read_bytes()),
            anonymous.post("/od/jobs", json={}),
            anonymous.post("/od/jobs", json={}, headers={"Authorization": "Bearer not-a-token"}),
        ):
            assert_problem(answer, 401)
            assert answer.headers["www-authenticate"].startswith("Bearer")
        assert anonymous.get("/od/jobs").status_code == 200


def test_uploads_have_the_upload_limit_not_the_json_one(server: Server) -> None:
    header = "TIME_UTC,KIND,STATION,V1,V2,V3,V4,V5,V6,S1,S2,S3,S4,S5,S6\n"
    start = datetime(2019, 1, 1, tzinfo=UTC)
    rows = [
        f"{iso(start + timedelta(seconds=k))},range,PAD,{1000 + k / 7:.6f},,,,,,,,,,,\n"
        for k in range(30_000)
    ]
    big = (header + "".join(rows)).encode()
    assert 1024 * 1024 < len(big) < UPLOAD_MIB * 1024 * 1024
    over = b"0" * (UPLOAD_MIB * 1024 * 1024 + 1)

    def chunks() -> Iterator[bytes]:
        for _ in range(UPLOAD_MIB * 16 + 1):
            yield b"1" * 65536

    with server.client(TOKEN) as client:
        stored = client.post("/measurements", params={"filename": "big.csv"}, content=big)
        assert stored.status_code == 201, stored.text
        assert stored.json()["new_measurements"] == 30_000
        assert (
            f"{UPLOAD_MIB * 1048576} bytes"
            in assert_problem(client.post("/measurements", content=over), 413)["detail"]
        )
        assert_problem(client.post("/measurements", content=chunks()), 413)
        assert client.get("/health").status_code == 200


def test_jobs_survive_a_restart(server: Server, aqua_pass: tuple[Path, list[Measurement]]) -> None:
    """Stopped with one job running and one queued: after the restart the running one is failed as
    interrupted, the queued one runs."""
    request = {"kind": "od", **span(aqua_pass[1]), "sites": [SITE], "stations": ["RADAR1"]}
    server.stop()
    now = datetime.now(UTC)
    with open_store(server.db_url) as store:
        cut_short = submit_job(store, "od", request, now_utc=now)
        claimed = store.claim_od_job(started_utc=now)
        assert claimed is not None
        assert claimed.job_id == cut_short.job_id
        waiting = submit_job(store, "od", request, now_utc=now)
    server.start()
    with server.client(TOKEN) as client:
        interrupted = client.get(f"/od/jobs/{cut_short.job_id}").json()
        assert interrupted["status"] == "failed"
        assert interrupted["error"] == INTERRUPTED == "interrupted by a server restart"
        later = finished(client, f"/od/jobs/{waiting.job_id}")
    assert later["status"] == "done", later
    assert later["result"]["converged"] is True


def hungry(gib: int) -> int:
    return int(np.ones(gib * 1024**3 // 8).sum())


def test_a_job_over_a_bound_fails_naming_it(
    tmp_path: Path, aqua_pass: tuple[Path, list[Measurement]]
) -> None:
    """The runner, its store and the bounded child process in this process: a job past the time bound ends
    failed naming it; a computation past the memory bound fails naming that one."""
    url = f"sqlite:///{tmp_path / 'bounded.sqlite'}"
    with open_store(url) as store:
        now = datetime.now(UTC)
        outcome = upload_measurements(store, aqua_pass[0].read_bytes(), filename="aqua.tdm", now_utc=now)
        assert outcome.summary is not None
        request = {**span(aqua_pass[1]), "sites": [SITE], "samples": 5000}  # about 0.8 s of Monte Carlo
        job = submit_job(store, "ascent", request, now_utc=now)
        computations = Computations(ComputeSlots(), timeout_s=0.05)
        runner = JobRunner(store, bounded(computations), lambda: datetime.now(UTC))
        runner.start()
        deadline = time.monotonic() + 120
        while (stored := store.od_job(job.job_id)) is not None and stored.status in ("queued", "running"):
            assert time.monotonic() < deadline
            time.sleep(0.1)
        runner.stop()
    assert stored is not None
    assert stored.status == "failed"
    assert stored.error is not None
    assert stored.error.startswith("MAX_COMPUTATION_S: the computation ran longer than 0.05 s"), stored.error
    with pytest.raises(JobFailedError, match=r"^MAX_COMPUTATION_BYTES: "):
        bounded(Computations(ComputeSlots(), memory_bytes=256 * 1024**2))(hungry, 2)
