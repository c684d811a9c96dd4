"""Fixtures of the source tests: a loopback HTTP server, a fake clock, a fetcher, and no internet.

Every test here runs with name lookups and connections refused for any host but the loopback
interface, so a test that would reach CelesTrak or Space-Track fails instead.
"""

import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from loopback_server import (
    FakeClock,
    Loopback,
    LoopbackServer,
    SpaceTrackSessions,
    install_celestrak_routes,
    install_spacetrack_routes,
)

from orbitwatch.io.sources.http import HttpFetcher

_LOOPBACK_HOSTS = frozenset({"127.0.0.1", "::1", "localhost", b"127.0.0.1", b"::1", b"localhost"})


class InternetRefusedError(OSError):
    """A test tried to reach a host other than the loopback interface."""


@pytest.fixture(autouse=True)
def _no_internet(monkeypatch: pytest.MonkeyPatch) -> None:
    """Refuse name lookups and connections to anything but 127.0.0.1, ::1 and localhost."""
    real_getaddrinfo = socket.getaddrinfo
    real_connect = socket.socket.connect

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host not in _LOOPBACK_HOSTS:
            raise InternetRefusedError(
                f"test guard: no name lookup of {host!r}; tests never reach the internet"
            )
        return real_getaddrinfo(host, *args, **kwargs)

    def connect(self: socket.socket, address: Any) -> None:
        if self.family in (socket.AF_INET, socket.AF_INET6) and address[0] not in _LOOPBACK_HOSTS:
            raise InternetRefusedError(
                f"test guard: no connection to {address!r}; tests never reach the internet"
            )
        real_connect(self, address)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket.socket, "connect", connect)


@pytest.fixture
def clock() -> FakeClock:
    """A clock that moves only when told to or slept on."""
    return FakeClock()


@pytest.fixture
def loopback(clock: FakeClock) -> Iterator[Loopback]:
    """A real HTTP server on 127.0.0.1 (an ephemeral port) with CelesTrak's routes."""
    state = Loopback(clock)
    server = LoopbackServer(state)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    install_celestrak_routes(state)
    yield state
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture
def spacetrack(loopback: Loopback) -> SpaceTrackSessions:
    """Space-Track's routes on the loopback server, and its sessions (login count, cookie, expiry)."""
    return install_spacetrack_routes(loopback)


@pytest.fixture
def cache_dir(tmp_path: Path) -> Path:
    """An empty cache folder of the test's own."""
    return tmp_path / "http-cache"


@pytest.fixture
def fetcher(cache_dir: Path, clock: FakeClock) -> Iterator[HttpFetcher]:
    """A fetcher on the fake clock: 2 retries, back-off 1 s then 2 s, 2 s timeout."""
    with HttpFetcher(cache_dir=cache_dir, clock=clock, timeout_s=2.0, retries=2, backoff_s=1.0) as made:
        yield made
