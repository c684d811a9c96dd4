"""Property-based testing of the whole OpenAPI description against a live server (``schemathesis run``):
no input the description allows, or nearly allows (negative cases), makes the server answer with a server
error (5xx). Bounded, with a fixed seed: every phase with 25 examples per operation on SQLite; on
PostgreSQL, where the same handlers run and only the store's dialect differs, the examples and fuzzing
phases with 8 (the coverage and stateful phases take minutes and exercise the handlers, not the store)."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from api_server import SAMPLE, TOKEN, Server

MAX_EXAMPLES = {"sqlite": 25, "postgresql": 8}
PHASES = {"sqlite": "examples,coverage,stateful,fuzzing", "postgresql": "examples,fuzzing"}


@pytest.fixture(scope="module")
def small_catalog(server: Server) -> Server:
    """The module's server with a small catalog (the military group of one day) and one stored site."""
    with server.client(TOKEN) as client:
        tle = (SAMPLE / "sample" / "2026-05-27" / "military.tle").read_bytes()
        answer = client.post("/ingest", params={"filename": "military.tle", "group": "military"}, content=tle)
        assert answer.is_success, answer.text
        client.post("/sites", json={"name": "Seoul", "lat_deg": 37.5665, "lon_deg": 126.978})
    return server


@pytest.mark.slow
def test_no_input_gives_a_server_error(small_catalog: Server, tmp_path: Path) -> None:
    backend = small_catalog.db_url.split(":")[0].split("+")[0]
    runner = Path(sys.executable).with_name("schemathesis")
    command = [
        str(runner) if runner.exists() else shutil.which("schemathesis") or "schemathesis",
        "run", f"{small_catalog.url}/openapi.json",
        "--checks", "not_a_server_error",
        "--max-examples", str(MAX_EXAMPLES[backend]),
        "--phases", PHASES[backend],
        "--seed", "20260527",
        "--request-timeout", "120",
        "--header", f"Authorization: Bearer {TOKEN}",
        "--workers", "1",
        "--no-color",
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=1200, cwd=tmp_path, check=False)
    report = done.stdout[-6000:] + done.stderr[-2000:]
    assert done.returncode == 0, report
    assert "Tested: " in done.stdout, report
    assert " passed" in done.stdout, report
    assert TOKEN not in small_catalog.log()
