"""A real ``orbitwatch serve`` process for the API tests, on a free loopback port, and the sample upload."""

import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

PG_URL_ENV = "ORBITWATCH_TEST_PG_URL"
REQUIRE_PG_ENV = "ORBITWATCH_REQUIRE_PG"
NOT_CONFIGURED = "PostgreSQL not configured: set ORBITWATCH_TEST_PG_URL or run .ci/run, which starts a server"
TOKEN = "test-token-" + "x" * 32
SAMPLE = Path(__file__).resolve().parents[2] / "src" / "orbitwatch" / "io" / "bundled"
START_TIMEOUT_S = 60.0


def free_port() -> int:
    """A TCP port free on loopback now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    """A running ``orbitwatch serve`` process: its URL, database, log file, and how to stop or restart it."""

    db_url: str
    log_path: Path
    extra_args: tuple[str, ...] = ()
    env: dict[str, str] = field(default_factory=dict)
    port: int = 0
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "Server":
        self.port = free_port()
        env = {**os.environ, "ORBITWATCH_TOKEN": TOKEN, "ORBITWATCH_DEBUG": "", **self.env}
        env.pop("ORBITWATCH_READ_ACCESS", None) if "ORBITWATCH_READ_ACCESS" not in self.env else None
        command = [sys.executable, "-m", "orbitwatch", "--db", self.db_url, "serve", "--port", str(self.port)]
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [*command, *self.extra_args], stdout=log, stderr=subprocess.STDOUT, env=env
        )
        log.close()
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited ({self.process.returncode}):\n{self.log()}")
            try:
                if httpx.get(f"{self.url}/health", timeout=1.0).status_code == 200:
                    return self
            except httpx.HTTPError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"the server did not answer in {START_TIMEOUT_S} s:\n{self.log()}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def kill(self) -> None:
        """SIGKILL: no shutdown, no cleanup."""
        assert self.process is not None
        self.process.kill()
        self.process.wait()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def client(self, token: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=300.0)


def upload_sample(client: httpx.Client) -> list[httpx.Response]:
    """Ingest the bundled sample (SATCAT excerpt, then four days of GP snapshots) through ``POST /ingest``."""
    answers = [
        client.post(
            "/ingest",
            params={"filename": "satcat-sample.csv"},
            content=(SAMPLE / "satcat" / "satcat-sample.csv").read_bytes(),
        )
    ]
    for path in sorted((SAMPLE / "sample").glob("*/*.tle")):
        answers.append(
            client.post(
                "/ingest",
                params={"filename": f"{path.parent.name}-{path.name}", "group": path.stem},
                content=path.read_bytes(),
            )
        )
    return answers
