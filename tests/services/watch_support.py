"""Loopback servers of the watch tests: CelesTrak's GP endpoint serving the bundled daily snapshots in turn
(or errors, or garbage), and a webhook receiver that checks signatures and dedupes by Idempotency-Key."""

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import orbitwatch

SAMPLE = Path(orbitwatch.__file__).resolve().parent / "io" / "bundled" / "sample"
DAYS = ("2026-05-24", "2026-05-25", "2026-05-26", "2026-05-27")
GROUPS = ("geo", "military", "resource", "science", "stations", "weather")
SECRET = "webhook-secret-" + "s" * 24


@dataclass
class CelesTrak:
    """What the fake CelesTrak answers: each group from ``day`` (a folder of snapshots), unless ``modes``
    says ``error`` (HTTP 500), ``garbage`` (HTTP 200, not TLE) or ``truncated`` (the first three objects)."""

    folder: Path
    day: str = DAYS[0]
    modes: dict[str, str] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)
    base: str = ""

    def answer(self, target: str) -> tuple[int, bytes]:
        self.requests.append(target)
        query = dict(parse_qsl(urlsplit(target).query))
        group = query.get("GROUP", "")
        mode = self.modes.get(group, "")
        if mode == "error":
            return 500, b"<html><title>500 Internal Server Error</title></html>"
        if mode == "garbage":
            return 200, b"1 this is not a TLE\n2 and neither is this\n"
        path = self.folder / self.day / f"{group}.tle"
        if not path.is_file():
            return 404, b"No GP data found"
        data = path.read_bytes()
        if mode == "truncated":
            data = b"".join(data.splitlines(keepends=True)[:9])
        return 200, data


@dataclass
class Received:
    """One POST the receiver got: its idempotency key, the alert id in its body, whether the signature
    matched, and the raw body."""

    key: str
    alert_id: int
    signed: bool
    body: bytes
    headers: dict[str, str]


@dataclass
class Receiver:
    """A webhook receiver: answers ``statuses`` in turn (the last repeats), after ``delay_s``."""

    secret: bytes = SECRET.encode()
    statuses: list[int] = field(default_factory=lambda: [200])
    delay_s: float = 0.0
    received: list[Received] = field(default_factory=list)
    url: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, body: bytes, headers: dict[str, str]) -> int:
        expected = "sha256=" + hmac.new(self.secret, body, hashlib.sha256).hexdigest()
        signed = hmac.compare_digest(expected, headers.get("x-orbitwatch-signature", ""))
        document = json.loads(body)
        with self.lock:
            self.received.append(
                Received(headers.get("idempotency-key", ""), int(document["alert_id"]), signed, body, headers)
            )
            status = self.statuses.pop(0) if len(self.statuses) > 1 else self.statuses[0]
        time.sleep(self.delay_s)
        return status

    def unique(self) -> dict[str, Received]:
        """The receiver's view after deduping by Idempotency-Key (the first of each key)."""
        kept: dict[str, Received] = {}
        for seen in self.received:
            kept.setdefault(seen.key, seen)
        return kept


@contextmanager
def serving(celestrak: CelesTrak | None = None, receiver: Receiver | None = None) -> Iterator[str]:
    """A loopback HTTP server for CelesTrak's GP queries (GET) and the webhook (POST ``/hook``)."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            status, body = celestrak.answer(self.path) if celestrak else (404, b"")
            self._send(status, body)

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            headers = {k.lower(): v for k, v in self.headers.items()}
            if self.path == "/ajaxauth/login":  # Space-Track refusing every login
                self._send(200, b'{"Login":"Failed"}')
                return
            status = receiver.answer(body, headers) if receiver and self.path.startswith("/hook") else 404
            self._send(status, b'{"ok": true}' if status < 300 else b"not now")

        def _send(self, status: int, body: bytes) -> None:
            try:
                self.send_response(status)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    if celestrak is not None:
        celestrak.base = base
    if receiver is not None:
        receiver.url = f"{base}/hook"
    try:
        yield base
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def write_config(path: Path, text: str) -> Path:
    """Write a watch configuration file and return its path."""
    path.write_text(text, encoding="utf-8")
    return path
