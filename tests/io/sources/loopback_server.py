"""A real HTTP server on 127.0.0.1 that answers from a table of replies, and a fake clock.

The server counts and keeps every request it receives (method, target, headers, body and the fake
clock's time), so tests assert on what really went over the socket.
"""

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl

import orbitwatch

RECORDED = Path(__file__).resolve().parents[2] / "data" / "recorded"
SAMPLE = Path(orbitwatch.__file__).resolve().parent / "io" / "bundled" / "sample"


class FakeClock:
    """Monotonic seconds, sleep and UTC time that move only when a test (or a sleep) moves them."""

    def __init__(self, start_utc: datetime = datetime(2026, 5, 24, 12, tzinfo=UTC)) -> None:
        self.start_utc = start_utc
        self.seconds = 1000.0
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.seconds

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.seconds += seconds

    def utc_now(self) -> datetime:
        return self.start_utc + timedelta(seconds=self.seconds - 1000.0)

    def advance(self, seconds: float) -> None:
        self.seconds += seconds


@dataclass(frozen=True)
class Reply:
    """What the server answers: status, body, content type, extra headers, and a delay before it."""

    status: int = 200
    body: bytes = b""
    content_type: str = "text/plain; charset=utf-8"
    headers: tuple[tuple[str, str], ...] = ()
    delay_s: float = 0.0


@dataclass(frozen=True)
class Seen:
    """A request the server received, with the fake clock's time when it arrived."""

    method: str
    target: str
    headers: dict[str, str]
    body: bytes
    at: float


Responder = Callable[[Seen], Reply]


@dataclass
class Loopback:
    """The routes (exact ``method`` and raw ``target``) and the requests seen."""

    clock: FakeClock
    base: str = ""
    seen: list[Seen] = field(default_factory=list)
    routes: dict[tuple[str, str], list[Reply] | Responder] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def serve(self, method: str, target: str, *replies: Reply) -> None:
        """Answer ``target`` with ``replies`` in turn; the last one repeats."""
        self.routes[(method, target)] = list(replies)

    def respond(self, method: str, target: str, responder: Responder) -> None:
        """Answer ``target`` with whatever ``responder`` makes of the request."""
        self.routes[(method, target)] = responder

    def count(self, target: str, method: str = "GET") -> int:
        """How many requests for ``target`` the server received."""
        return sum(1 for seen in self.seen if seen.target == target and seen.method == method)

    def answer(self, seen: Seen) -> Reply:
        with self.lock:
            self.seen.append(seen)
            route = self.routes.get((seen.method, seen.target))
            if route is None:
                return Reply(404, b"no route in the loopback server\n")
            if callable(route):
                return route(seen)
            return route.pop(0) if len(route) > 1 else route[0]


class _Handler(BaseHTTPRequestHandler):
    server: "LoopbackServer"

    def do_GET(self) -> None:
        self._answer()

    def do_POST(self) -> None:
        self._answer()

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the tests read ``Loopback.seen``."""

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length) if length else b""
        headers = {name.lower(): value for name, value in self.headers.items()}
        loopback = self.server.loopback
        reply = loopback.answer(Seen(self.command, self.path, headers, body, loopback.clock.monotonic()))
        time.sleep(reply.delay_s)
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(reply.body)))
            for name, value in reply.headers:
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(reply.body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout test)


class LoopbackServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, loopback: Loopback) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.loopback = loopback
        loopback.base = f"http://127.0.0.1:{self.server_address[1]}"


MILITARY_TARGET = "/NORAD/elements/gp.php?GROUP=military&FORMAT=tle"
NO_DATA_TARGET = "/NORAD/elements/gp.php?CATNR=100000&FORMAT=tle"
NO_DATA_200_TARGET = "/NORAD/elements/gp.php?GROUP=last-30-days&FORMAT=tle"
LOGIN_TARGET = "/ajaxauth/login"
GP_TARGET = "/basicspacedata/query/class/gp/NORAD_CAT_ID/31797,39088,65565/format/json"
IDENTITY = "watcher@example.org"
PASSWORD = "c0rrect-h0rse-Battery-staple"


def military_tle() -> bytes:
    """The bundled real CelesTrak military group of 2026-05-24."""
    return (SAMPLE / "2026-05-24" / "military.tle").read_bytes()


def spacetrack_gp_json() -> bytes:
    """The constructed Space-Track ``gp`` answer for the first three military objects."""
    return (RECORDED / "spacetrack-gp-military.json").read_bytes()


@dataclass
class SpaceTrackSessions:
    """Space-Track's login (a cookie for the right identity and password) and its check of the cookie."""

    cookie: str = "chocolatechip=session-1"
    logins: int = 0

    def login(self, seen: Seen) -> Reply:
        if dict(parse_qsl(seen.body.decode("ascii"))) != {"identity": IDENTITY, "password": PASSWORD}:
            return Reply(200, b'{"Login":"Failed"}', "application/json")
        self.logins += 1
        self.cookie = f"chocolatechip=session-{self.logins}"
        return Reply(200, b'""', "application/json", (("Set-Cookie", f"{self.cookie}; path=/; HttpOnly"),))

    def expire(self) -> None:
        """Forget the session, as Space-Track does after a while."""
        self.cookie = "chocolatechip=expired"

    def guarded(self, body: bytes) -> Responder:
        """A query answer that needs the current session cookie (else 401)."""

        def answer(seen: Seen) -> Reply:
            if seen.headers.get("cookie") != self.cookie:
                return Reply(
                    401, b'{"error":"You must be logged in to complete this action"}', "application/json"
                )
            return Reply(200, body, "application/json")

        return answer


def install_celestrak_routes(loopback: Loopback) -> None:
    """CelesTrak's military group and its "No GP data found" (HTTP 404 as recorded, and HTTP 200)."""
    no_data = (RECORDED / "celestrak-no-gp-data-found.txt").read_bytes()
    loopback.serve("GET", MILITARY_TARGET, Reply(200, military_tle()))
    loopback.serve("GET", NO_DATA_TARGET, Reply(404, no_data))
    loopback.serve("GET", NO_DATA_200_TARGET, Reply(200, no_data))


def install_spacetrack_routes(loopback: Loopback) -> SpaceTrackSessions:
    """Space-Track's login and a ``class/gp`` query that needs the session cookie."""
    sessions = SpaceTrackSessions()
    loopback.respond("POST", LOGIN_TARGET, sessions.login)
    loopback.respond("GET", GP_TARGET, sessions.guarded(spacetrack_gp_json()))
    return sessions
