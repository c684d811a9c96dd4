"""The one HTTP driver of orbitwatch: a small, polite wrapper around ``httpx.Client``.

``HttpFetcher`` sends a descriptive User-Agent, keeps a minimum interval (and optional
count-per-window limits) between requests to each host, retries connection errors, timeouts,
5xx and 429 with a bounded exponential back-off (honouring ``Retry-After``), and keeps an on-disk
cache keyed by URL so that a fresh copy is never requested twice. Providers ask for this:
CelesTrak publishes GP data about every two hours and blocks clients that download the same data
more often (https://celestrak.org/NORAD/documentation/gp-data-formats.php); Space-Track publishes
throttles (https://www.space-track.org/documentation).

``fetch_url`` fetches any URL a user gives, reading CelesTrak GP queries as
:mod:`~orbitwatch.io.sources.celestrak` does.

Every failure is an ``HttpError`` (a ``SourceError``) naming the URL, the HTTP status and why; no
httpx exception leaks out. Form fields (credentials) are never logged, cached or put in a message.
One fetcher is meant for one thread.
"""

import dataclasses
import hashlib
import json
import logging
import os
import time
from collections import deque
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http import HTTPStatus
from http.client import responses
from pathlib import Path
from types import TracebackType
from typing import Final, Protocol, Self
from urllib.parse import urlsplit

import httpx
import platformdirs

from orbitwatch import __version__
from orbitwatch.errors import SourceError
from orbitwatch.io.files import Fetched, celestrak_group_of
from orbitwatch.io.sources.celestrak import fetch_gp_url, is_gp_url

USER_AGENT: Final = (
    f"orbitwatch/{__version__} (+https://github.com/orbitwatch/orbitwatch; space-domain-awareness workbench)"
)
DEFAULT_MAX_AGE: Final = timedelta(hours=2)
"""How long a cached body is used without asking again: CelesTrak's GP update interval."""

_RETRYABLE_ERRORS: Final = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)
_REASON_CHARS: Final = 200

_log = logging.getLogger(__name__)


class HttpError(SourceError):
    """A request failed: ``url``, ``status`` (None when no response came) and ``reason``."""

    def __init__(self, url: str, status: int | None, reason: str) -> None:
        self.url = url
        self.status = status
        self.reason = reason
        super().__init__(f"{url}: {'no response' if status is None else f'HTTP {status}'}: {reason}")


class Clock(Protocol):
    """The time sources of a fetcher, injectable so that tests never sleep for real."""

    def monotonic(self) -> float:
        """Seconds on a clock that never goes back (rate limit, back-off)."""
        ...

    def sleep(self, seconds: float) -> None:
        """Wait ``seconds``."""
        ...

    def utc_now(self) -> datetime:
        """The current time, timezone-aware UTC (response time, cache age)."""
        ...


class SystemClock:
    """The real clocks: ``time.monotonic``, ``time.sleep`` and ``datetime.now(UTC)``."""

    def monotonic(self) -> float:
        """``time.monotonic()``."""
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        """``time.sleep(seconds)``."""
        time.sleep(seconds)

    def utc_now(self) -> datetime:
        """``datetime.now(UTC)``."""
        return datetime.now(UTC)


@dataclass(frozen=True)
class RateLimit:
    """At least ``min_interval_s`` between two requests to a host, and for each ``(count, seconds)``
    of ``windows`` at most ``count`` requests in any ``seconds``."""

    min_interval_s: float = 1.0
    windows: tuple[tuple[int, float], ...] = ()


@dataclass(frozen=True)
class HttpResponse:
    """An HTTP answer as the fetcher keeps it (and caches it): status, content type, body, time."""

    url: str
    status: int
    content_type: str
    body: bytes
    retrieved_utc: datetime
    from_cache: bool = False
    stale_reason: str | None = None

    def fetched(self, group: str | None = None) -> Fetched:
        """This answer as a ``Fetched`` record (source = the requested URL)."""
        record = Fetched.of(self.url, self.body, self.retrieved_utc, group)
        return dataclasses.replace(record, from_cache=self.from_cache, stale_reason=self.stale_reason)


Validator = Callable[[HttpResponse], str | None]
"""Checks an accepted answer's body; returns why it is an error body, or None when it is good."""


def first_line(body: bytes) -> str:
    """A short description of a body for a message: an HTML page's title, else its first non-blank line."""
    text = body.decode("utf-8", errors="replace")
    lower = text.lower()
    start, end = lower.find("<title>"), lower.find("</title>")
    if 0 <= start < end:
        return " ".join(text[start + len("<title>") : end].split())[:_REASON_CHARS]
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[0][:_REASON_CHARS] if lines else "(empty body)"


class _Throttle:
    """The request times of one host and the wait the host's ``RateLimit`` asks for."""

    def __init__(self, limit: RateLimit, clock: Clock) -> None:
        self._limit = limit
        self._clock = clock
        self._sent: deque[float] = deque()
        self._horizon = max((seconds for _, seconds in limit.windows), default=0.0)

    def wait(self) -> None:
        delay = self._delay(self._clock.monotonic())
        if delay > 0:
            _log.debug("rate limit: waiting %.2f s", delay)
            self._clock.sleep(delay)
        now = self._clock.monotonic()
        self._sent.append(now)
        while len(self._sent) > 1 and self._sent[0] <= now - self._horizon:
            self._sent.popleft()

    def _delay(self, now: float) -> float:
        waits = [0.0]
        if self._sent:
            waits.append(self._sent[-1] + self._limit.min_interval_s - now)
        for count, seconds in self._limit.windows:
            recent = [sent for sent in self._sent if sent > now - seconds]
            if len(recent) >= count:
                waits.append(recent[-count] + seconds - now)
        return max(waits)


class _Cache:
    """Bodies on disk, one pair of files per URL: ``<sha256 of URL>.body`` and ``.json`` (metadata)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def load(self, url: str) -> HttpResponse | None:
        body_path, meta_path = self._paths(url)
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            body = body_path.read_bytes()
            if meta["url"] != url or meta["sha256"] != hashlib.sha256(body).hexdigest():
                return None
            retrieved = datetime.fromisoformat(meta["retrieved_utc"])
            if retrieved.tzinfo is None:
                return None
            return HttpResponse(url, meta["status"], meta["content_type"], body, retrieved, from_cache=True)
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def store(self, response: HttpResponse) -> None:
        body_path, meta_path = self._paths(response.url)
        meta = {
            "url": response.url,
            "status": response.status,
            "content_type": response.content_type,
            "retrieved_utc": response.retrieved_utc.isoformat(),
            "sha256": hashlib.sha256(response.body).hexdigest(),
        }
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            _write_atomically(body_path, response.body)
            _write_atomically(meta_path, json.dumps(meta, indent=1).encode("utf-8"))
        except OSError as exc:
            _log.warning("cannot cache %s in %s: %s", response.url, self.folder, exc)

    def _paths(self, url: str) -> tuple[Path, Path]:
        key = hashlib.sha256(url.encode("utf-8")).hexdigest()
        return self.folder / f"{key}.body", self.folder / f"{key}.json"


def _write_atomically(path: Path, data: bytes) -> None:
    partial = path.with_name(f"{path.name}.{os.getpid()}.part")
    partial.write_bytes(data)
    os.replace(partial, path)


def default_cache_dir() -> Path:
    """The user's cache folder for HTTP bodies: ``platformdirs.user_cache_dir("orbitwatch")/http``."""
    return Path(platformdirs.user_cache_dir("orbitwatch")) / "http"


class HttpFetcher:
    """GET (cached) and POST (never cached) over one ``httpx.Client``, politely.

    ``max_age`` is how long a cached body is returned without a request; ``retries`` bounds the
    repeats after a connection error, a timeout, a 5xx or a 429 (back-off ``backoff_s * 2**n``,
    at most ``max_backoff_s``); ``rate_limit`` applies to every host without its own
    (``set_rate_limit``). ``clock`` is injectable for tests.
    """

    def __init__(
        self,
        *,
        cache_dir: str | os.PathLike[str] | None = None,
        max_age: timedelta = DEFAULT_MAX_AGE,
        timeout_s: float = 30.0,
        retries: int = 3,
        backoff_s: float = 2.0,
        max_backoff_s: float = 60.0,
        rate_limit: RateLimit | None = None,
        clock: Clock | None = None,
    ) -> None:
        self.max_age = max_age
        self.retries = retries
        self.backoff_s = backoff_s
        self.max_backoff_s = max_backoff_s
        self.cache_dir = default_cache_dir() if cache_dir is None else Path(cache_dir)
        self._cache = _Cache(self.cache_dir)
        self._clock: Clock = clock or SystemClock()
        self._default_limit = rate_limit or RateLimit()
        self._limits: dict[str, RateLimit] = {}
        self._throttles: dict[str, _Throttle] = {}
        self._client = httpx.Client(
            headers={"User-Agent": USER_AGENT}, timeout=timeout_s, follow_redirects=True
        )

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the connections (the cache stays on disk)."""
        self._client.close()

    def set_rate_limit(self, host: str, limit: RateLimit) -> None:
        """Use ``limit`` for every request to ``host`` (a provider's published throttle)."""
        self._limits[host] = limit
        self._throttles.pop(host, None)

    def cached(self, url: str, max_age: timedelta | None = None) -> HttpResponse | None:
        """The cached answer for ``url`` when it is younger than ``max_age`` (default: the fetcher's)."""
        hit = self._cache.load(url)
        return hit if hit is not None and self._is_fresh(hit, max_age) else None

    def get(
        self,
        url: str,
        *,
        max_age: timedelta | None = None,
        allow_stale: bool = False,
        accept: Collection[int] = (200,),
        validate: Validator | None = None,
    ) -> HttpResponse:
        """The answer for ``url``: from the cache when fresh, else requested (and then cached).

        An answer whose status is not in ``accept``, or that ``validate`` refuses, is an
        ``HttpError`` and is not cached. When the request fails and ``allow_stale`` is true, an
        expired cached answer is returned instead with ``stale_reason`` saying why (never after a
        401: a refused login is not an outage).
        """
        hit = self._cache.load(url)
        if hit is not None and self._is_fresh(hit, max_age):
            return hit
        try:
            response = self._checked(self._request("GET", url), accept, validate)
        except HttpError as exc:
            if not allow_stale or hit is None or exc.status == HTTPStatus.UNAUTHORIZED:
                raise
            _log.warning("using the expired cached copy of %s (from %s): %s", url, hit.retrieved_utc, exc)
            return dataclasses.replace(hit, stale_reason=str(exc))
        self._cache.store(response)
        return response

    def fetch(
        self,
        url: str,
        *,
        group: str | None = None,
        max_age: timedelta | None = None,
        allow_stale: bool = False,
        accept: Collection[int] = (200,),
        validate: Validator | None = None,
    ) -> Fetched:
        """``get`` as a ``Fetched`` record, with the CelesTrak ``group`` when known."""
        response = self.get(url, max_age=max_age, allow_stale=allow_stale, accept=accept, validate=validate)
        return response.fetched(group)

    def post_form(
        self, url: str, form: Mapping[str, str], *, accept: Collection[int] = (200,)
    ) -> HttpResponse:
        """POST ``form`` (URL-encoded) to ``url``; never cached, and the form is never logged."""
        return self._checked(self._request("POST", url, form), accept, None)

    def _is_fresh(self, hit: HttpResponse, max_age: timedelta | None) -> bool:
        age = self._clock.utc_now() - hit.retrieved_utc
        return timedelta(0) <= age < (self.max_age if max_age is None else max_age)

    def _checked(
        self, response: HttpResponse, accept: Collection[int], validate: Validator | None
    ) -> HttpResponse:
        if response.status not in accept:
            raise HttpError(response.url, response.status, _status_reason(response))
        why = validate(response) if validate is not None else None
        if why is not None:
            raise HttpError(
                response.url, response.status, f"{why}; the body begins {first_line(response.body)!r}"
            )
        return response

    def _request(self, method: str, url: str, form: Mapping[str, str] | None = None) -> HttpResponse:
        attempt = 0
        while True:
            outcome, retry_after_s = self._attempt(method, url, form)
            delay = self._retry_delay(outcome, retry_after_s, attempt)
            if delay is None:
                if isinstance(outcome, HttpError):
                    raise outcome
                return outcome
            attempt += 1
            failure = outcome.reason if isinstance(outcome, HttpError) else f"HTTP {outcome.status}"
            _log.info(
                "%s %s: %s; retry %d of %d in %.1f s", method, url, failure, attempt, self.retries, delay
            )
            self._clock.sleep(delay)

    def _attempt(
        self, method: str, url: str, form: Mapping[str, str] | None
    ) -> tuple[HttpResponse | HttpError, float]:
        """One request: the answer (or a retryable failure) and the wait the server asked for."""
        self._throttle(url).wait()
        _log.debug("%s %s", method, url)
        try:
            reply = self._client.request(method, url, data=form)
        except _RETRYABLE_ERRORS as exc:
            return HttpError(url, None, _exception_text(exc)), 0.0
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            raise HttpError(url, None, _exception_text(exc)) from None
        content_type = reply.headers.get("content-type", "")
        response = HttpResponse(url, reply.status_code, content_type, reply.content, self._clock.utc_now())
        return response, _retry_after_s(reply.headers.get("retry-after", ""))

    def _retry_delay(
        self, outcome: HttpResponse | HttpError, retry_after_s: float, attempt: int
    ) -> float | None:
        if attempt >= self.retries:
            return None
        if isinstance(outcome, HttpResponse) and not _is_transient(outcome.status):
            return None
        backoff = self.backoff_s * 2.0**attempt
        return min(max(backoff, retry_after_s), self.max_backoff_s)

    def _throttle(self, url: str) -> _Throttle:
        host = _host(url)
        if host not in self._throttles:
            self._throttles[host] = _Throttle(self._limits.get(host, self._default_limit), self._clock)
        return self._throttles[host]


def fetch_url(
    fetcher: HttpFetcher, url: str, *, max_age: timedelta | None = None, allow_stale: bool = False
) -> Fetched:
    """Any http(s) URL a user gives: a CelesTrak GP query is read as ``celestrak.fetch_gp_url`` reads it
    (group, "No GP data found" as ``no_data``, error bodies refused); any other URL is its HTTP 200 body,
    with the CelesTrak group of its file name when it has one (``.../military.txt``).

    Space-Track queries need a login: fetch them with ``spacetrack.SpaceTrackClient.fetch``.
    """
    if is_gp_url(url):
        return fetch_gp_url(fetcher, url, max_age=max_age, allow_stale=allow_stale)
    return fetcher.fetch(url, group=_group_of_url(url), max_age=max_age, allow_stale=allow_stale)


def _group_of_url(url: str) -> str | None:
    try:
        return celestrak_group_of(urlsplit(url).path)
    except ValueError:
        return None


def _host(url: str) -> str:
    """The host of ``url`` for the rate limit ("" when the URL is malformed: httpx then says why)."""
    try:
        return urlsplit(url).hostname or ""
    except ValueError:
        return ""


def _is_transient(status: int) -> bool:
    return status >= HTTPStatus.INTERNAL_SERVER_ERROR or status == HTTPStatus.TOO_MANY_REQUESTS


def _retry_after_s(value: str) -> float:
    """The seconds of a ``Retry-After`` header (its date form is ignored: back-off applies)."""
    try:
        return max(0.0, float(value))
    except ValueError:
        return 0.0


def _status_reason(response: HttpResponse) -> str:
    phrase = responses.get(response.status, "unexpected status")
    return f"{phrase}: {first_line(response.body)}" if response.body.strip() else phrase


def _exception_text(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
