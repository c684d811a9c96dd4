"""The bounds that keep one request from exhausting the server, and the middleware that enforces body sizes.

A request over a bound gets a 422 problem naming the bound (:func:`orbitwatch.web.problems.bound_exceeded`),
a body over its size a 413 problem; both before any work is done. Computations also queue for one of
``MAX_CONCURRENT_COMPUTATIONS`` slots, so that many clients at once share the CPUs instead of each getting
a fraction of memory.
"""

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Final

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from orbitwatch.web.problems import PROBLEM_JSON, ProblemError, bound_exceeded

MAX_WINDOW_HOURS: Final = 168.0
"""The longest window of one pass, overflight or revisit request (7 days)."""
MAX_OBJECTS: Final = 2000
"""The most satellites in one pass, overflight or revisit request."""
MAX_TARGETS: Final = 20
"""The most sites and regions in one request."""
MAX_PAGE_SIZE: Final = 1000
"""The most items in one page of a list."""
MAX_OFFSET: Final = 10_000_000
"""The largest offset into a list."""
MAX_UPLOAD_BYTES: Final = 64 * 1024 * 1024
"""The largest upload to ``/ingest`` (64 MiB)."""
MAX_JSON_BYTES: Final = 1024 * 1024
"""The largest JSON body of any other request (1 MiB)."""
MAX_REGION_POSITIONS: Final = 5000
"""The most positions (vertices) in one region's GeoJSON: polygon validation is quadratic in them."""
MAX_CONCURRENT_COMPUTATIONS: Final = 2
"""Pass, overflight and revisit computations running at once; others wait for a slot."""
COMPUTATION_WAIT_S: Final = 60.0
"""How long a computation waits for a slot before the request gets a 503."""
UPLOAD_PATHS: Final = ("/ingest",)


def check_count(name: str, count: int, limit: int, what: str) -> None:
    """A 422 bound problem when ``count`` is over ``limit``."""
    if count > limit:
        raise bound_exceeded(
            name, limit, what, count, f"{count} {what} in one request; at most {limit} ({name}): narrow it"
        )


class ComputeSlots:
    """A fixed number of slots for heavy computations; waiting longer than the timeout is a 503."""

    def __init__(self, slots: int = MAX_CONCURRENT_COMPUTATIONS, wait_s: float = COMPUTATION_WAIT_S) -> None:
        self._semaphore = threading.BoundedSemaphore(slots)
        self._wait_s = wait_s

    @contextmanager
    def slot(self) -> Iterator[None]:
        """Hold a slot for the block (from a worker thread: this blocks)."""
        if not self._semaphore.acquire(timeout=self._wait_s):
            raise ProblemError(
                503,
                "Busy",
                f"every computing slot was busy for {self._wait_s:g} s; retry later",
                headers={"Retry-After": "10"},
            )
        try:
            yield
        finally:
            self._semaphore.release()


class BodyLimit:
    """ASGI middleware: a body larger than its path's limit (by Content-Length, else as it streams in)
    gets a 413 problem; the endpoint never sees more than the limit."""

    def __init__(self, app: ASGIApp, limit_for: Callable[[str], int]) -> None:
        self.app = app
        self.limit_for = limit_for

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(str(scope.get("path", "")))
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await _send_too_large(scope, send, limit)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _too_large(limit)
            return message

        await self.app(scope, counted, send)


def _too_large(limit: int) -> ProblemError:
    return ProblemError(
        413,
        "Content Too Large",
        f"the request body is larger than {limit} bytes ({limit / 1048576:g} MiB), this server's limit here",
    )


def _content_length(scope: Scope) -> int | None:
    for key, value in scope.get("headers", ()):
        if key == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _send_too_large(scope: Scope, send: Send, limit: int) -> None:
    problem = _too_large(limit).problem.model_copy(update={"instance": str(scope.get("path", ""))})
    body = json.dumps(problem.model_dump(exclude_none=True)).encode()
    headers = [
        (b"content-type", PROBLEM_JSON.encode()),
        (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),
    ]
    await send({"type": "http.response.start", "status": 413, "headers": headers})
    await send({"type": "http.response.body", "body": body})
