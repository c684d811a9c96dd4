"""Space-Track queries: the URL of a query (pure), and a logged-in session that fetches it.

Space-Track (https://www.space-track.org/documentation) serves the catalog through REST URLs
``/basicspacedata/query/class/<class>/<FIELD>/<value>/.../orderby/<field asc>/limit/<n>/format/<fmt>``.
A value may carry an operator: ``>``, ``<``, ``<>``, ``a--b`` (inclusive range), ``~~`` (like),
``^`` (starts with), ``null-val``, and a comma-separated list; ``>``, ``<``, ``^`` and spaces are
percent-encoded in the URL as Space-Track expects. Requests need the session cookie set by a POST
of ``identity`` and ``password`` to ``/ajaxauth/login``; a refused login is answered with HTTP 200
and ``{"Login":"Failed"}``. Space-Track throttles clients to fewer than 30 requests a minute and
300 an hour (``SPACETRACK_RATE_LIMIT``).

The password is kept out of every message, log line, cache file and ``repr``.
"""

import json
import os
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from http import HTTPStatus
from typing import Final
from urllib.parse import quote, urlsplit

from orbitwatch.errors import SourceError
from orbitwatch.io.files import Fetched
from orbitwatch.io.sources import QueryError
from orbitwatch.io.sources.http import HttpError, HttpFetcher, HttpResponse, RateLimit, Validator

SPACETRACK_BASE: Final = "https://www.space-track.org"
SPACETRACK_RATE_LIMIT: Final = RateLimit(min_interval_s=2.0, windows=((29, 60.0), (299, 3600.0)))
"""Space-Track's published throttle (fewer than 30 requests a minute, 300 an hour), with a margin."""

SPACETRACK_FORMATS: Final = ("json", "xml", "html", "csv", "tle", "3le", "kvn")
IDENTITY_ENV: Final = "SPACETRACK_IDENTITY"
PASSWORD_ENV: Final = "SPACETRACK_PASSWORD"

PredicateValue = str | int | date | Sequence[int | str]
"""A predicate value: text (operators allowed), an integer, a date or UTC datetime, or a list."""

_KEYWORDS: Final = frozenset(
    {"orderby", "limit", "format", "emptyresult", "distinct", "metadata", "predicates"}
)
_MAX_CATNR: Final = 999_999_999


def query_url(
    request_class: str,
    predicates: Mapping[str, PredicateValue] | None = None,
    *,
    orderby: str | Sequence[str] | None = None,
    limit: int | None = None,
    fmt: str = "json",
    base: str = SPACETRACK_BASE,
) -> str:
    """The URL of a ``basicspacedata`` query, e.g. ``.../class/gp/NORAD_CAT_ID/25544,12345/format/json``.

    ``predicates`` maps a field to a value (see ``PredicateValue``); ``orderby`` is a field with
    ``asc``/``desc`` (or several). Raises ``QueryError`` for an unknown format, a malformed class
    or field name, or a limit below 1.
    """
    segments = ["basicspacedata", "query", "class", _name("class", request_class)]
    for field, value in (predicates or {}).items():
        segments += [_field(field), _encode(_value_text(field, value))]
    if orderby:
        segments += ["orderby", _encode(orderby if isinstance(orderby, str) else ",".join(orderby))]
    if limit is not None:
        segments += ["limit", str(_limit(limit))]
    segments += ["format", spacetrack_format(fmt)]
    return f"{base.rstrip('/')}/{'/'.join(segments)}"


def gp_url(
    norad_cat_ids: Iterable[int] | None = None,
    *,
    predicates: Mapping[str, PredicateValue] | None = None,
    orderby: str | Sequence[str] | None = None,
    limit: int | None = None,
    fmt: str = "json",
    base: str = SPACETRACK_BASE,
) -> str:
    """The URL of the newest GP element set of each object (class ``gp``), by catalog number or predicates."""
    selected = {} if norad_cat_ids is None else {"NORAD_CAT_ID": _catalog_numbers(norad_cat_ids)}
    return query_url(
        "gp", {**selected, **(predicates or {})}, orderby=orderby, limit=limit, fmt=fmt, base=base
    )


def gp_history_url(
    norad_cat_ids: Iterable[int],
    *,
    since: date | str | None = None,
    until: date | str | None = None,
    orderby: str | Sequence[str] = "EPOCH asc",
    limit: int | None = None,
    fmt: str = "json",
    base: str = SPACETRACK_BASE,
) -> str:
    """The URL of past GP element sets of some objects (class ``gp_history``), epochs ``since`` to ``until``.

    ``since`` alone gives ``EPOCH/>since``, ``until`` alone ``EPOCH/<until``, both ``since--until``.
    """
    predicates: dict[str, PredicateValue] = {"NORAD_CAT_ID": _catalog_numbers(norad_cat_ids)}
    epoch = _epoch_range(since, until)
    if epoch is not None:
        predicates["EPOCH"] = epoch
    return query_url("gp_history", predicates, orderby=orderby, limit=limit, fmt=fmt, base=base)


def spacetrack_format(fmt: str) -> str:
    """``fmt`` as Space-Track spells it, or ``QueryError`` when Space-Track has no such format."""
    lower = fmt.strip().lower()
    if lower not in SPACETRACK_FORMATS:
        raise QueryError(f"Space-Track query: format {fmt!r} is not one of {', '.join(SPACETRACK_FORMATS)}")
    return lower


class _Secret:
    """A password that reads ``'***'`` in ``repr``, ``str`` and tracebacks that show locals."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def __repr__(self) -> str:
        return "'***'"

    def reveal(self) -> str:
        return self._value


class SpaceTrackClient:
    """A Space-Track session over an ``HttpFetcher``: logs in when a request is needed, then fetches.

    The identity and password are the arguments, else ``$SPACETRACK_IDENTITY`` and
    ``$SPACETRACK_PASSWORD``. The fetcher's rate limit for Space-Track's host is set to
    ``SPACETRACK_RATE_LIMIT``. A fresh cached answer is returned without logging in; a 401 (the
    session expired) logs in again once.
    """

    def __init__(
        self,
        fetcher: HttpFetcher,
        *,
        identity: str | None = None,
        password: str | None = None,
        base: str = SPACETRACK_BASE,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        env = os.environ if environ is None else environ
        self.identity = identity or env.get(IDENTITY_ENV, "")
        self._password = _Secret(password or env.get(PASSWORD_ENV, ""))
        if not self.identity or not self._password.reveal():
            raise SourceError(
                f"Space-Track needs an identity and a password: arguments or ${IDENTITY_ENV}, ${PASSWORD_ENV}"
            )
        self.base = base.rstrip("/")
        self._fetcher = fetcher
        self._logged_in = False
        fetcher.set_rate_limit(urlsplit(self.base).hostname or "", SPACETRACK_RATE_LIMIT)

    def __repr__(self) -> str:
        return f"SpaceTrackClient(identity={self.identity!r}, base={self.base!r})"

    def login(self) -> None:
        """POST the credentials to ``/ajaxauth/login``; the session cookie stays in the fetcher's client."""
        url = f"{self.base}/ajaxauth/login"
        refused = f"Space-Track login failed for identity {self.identity}"
        form = {"identity": self.identity, "password": self._password.reveal()}
        try:
            response = self._fetcher.post_form(url, form)
        except HttpError as exc:
            raise HttpError(url, exc.status, f"{refused}: {exc.reason}") from None
        if _login_refused(response.body):
            raise HttpError(url, response.status, f"{refused} (Space-Track answered {{'Login': 'Failed'}})")
        self._logged_in = True

    def fetch(self, url: str, *, max_age: timedelta | None = None, allow_stale: bool = False) -> Fetched:
        """The answer to a query URL (see ``query_url``); an empty answer (``[]``, nothing) is ``no_data``."""
        if not self._logged_in and self._fetcher.cached(url, max_age) is None:
            self.login()
        validate = _validator(_url_format(url))
        try:
            response = self._fetcher.get(url, max_age=max_age, allow_stale=allow_stale, validate=validate)
        except HttpError as exc:
            if exc.status != HTTPStatus.UNAUTHORIZED:
                raise
            self.login()
            response = self._fetcher.get(url, max_age=max_age, allow_stale=allow_stale, validate=validate)
        fetched = response.fetched()
        return fetched.as_no_data() if response.body.strip() in (b"", b"[]") else fetched

    def fetch_gp(
        self,
        norad_cat_ids: Iterable[int],
        *,
        fmt: str = "json",
        max_age: timedelta | None = None,
        allow_stale: bool = False,
    ) -> Fetched:
        """The newest GP element set of each object (class ``gp``)."""
        url = gp_url(norad_cat_ids, fmt=fmt, base=self.base)
        return self.fetch(url, max_age=max_age, allow_stale=allow_stale)

    def fetch_gp_history(
        self,
        norad_cat_ids: Iterable[int],
        *,
        since: date | str | None = None,
        until: date | str | None = None,
        limit: int | None = None,
        fmt: str = "json",
        max_age: timedelta | None = None,
        allow_stale: bool = False,
    ) -> Fetched:
        """The past GP element sets of some objects (class ``gp_history``), oldest epoch first."""
        url = gp_history_url(norad_cat_ids, since=since, until=until, limit=limit, fmt=fmt, base=self.base)
        return self.fetch(url, max_age=max_age, allow_stale=allow_stale)


def _login_refused(body: bytes) -> bool:
    try:
        answer = json.loads(body)
    except ValueError:
        return False
    return isinstance(answer, dict) and str(answer.get("Login", "")).lower() == "failed"


def _validator(fmt: str) -> Validator:
    """The check of a Space-Track answer: an ``{"error": ...}`` object or an HTML page is an error body."""

    def refuse(response: HttpResponse) -> str | None:
        head = response.body[:4096].decode("utf-8", errors="replace").strip()
        if head.startswith("{") and '"error"' in head.lower():
            return "Space-Track answered with an error"
        if fmt != "html" and head.lower().startswith(("<!doctype html", "<html")):
            return f"an HTML page, not {fmt} data (is the session logged in?)"
        return None

    return refuse


def _url_format(url: str) -> str:
    segments = urlsplit(url).path.split("/")
    follows = [segments[i + 1] for i, segment in enumerate(segments[:-1]) if segment == "format"]
    return follows[-1].lower() if follows else "json"


def _encode(text: str) -> str:
    """A value as a path segment: ``>`` ``<`` ``^`` and spaces percent-encoded, commas and colons kept."""
    return quote(text, safe=",:")


def _name(kind: str, text: str) -> str:
    if not text or not text.replace("_", "").isalnum() or not text.isascii():
        raise QueryError(f"Space-Track query: {kind} {text!r} is not a name (letters, digits, '_')")
    return text


def _field(field: str) -> str:
    if field.lower() in _KEYWORDS:
        raise QueryError(f"Space-Track query: {field!r} is a keyword, not a predicate; use its argument")
    return _name("field", field).upper()


def _value_text(field: str, value: PredicateValue) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        raise QueryError(f"Space-Track query: {field} = {value!r}: give text or a number, not a boolean")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, date):
        return _time_text(value)
    return ",".join(str(item) for item in value)


def _time_text(value: date) -> str:
    if not isinstance(value, datetime):
        return value.isoformat()
    if value.tzinfo is None:
        raise QueryError(f"Space-Track query: {value.isoformat()} has no timezone; give UTC times")
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def _epoch_range(since: date | str | None, until: date | str | None) -> str | None:
    if since is None:
        return None if until is None else f"<{_bound(until)}"
    return f">{_bound(since)}" if until is None else f"{_bound(since)}--{_bound(until)}"


def _bound(value: date | str) -> str:
    return value if isinstance(value, str) else _time_text(value)


def _catalog_numbers(norad_cat_ids: Iterable[int]) -> list[int]:
    numbers = list(norad_cat_ids)
    wrong = [n for n in numbers if not isinstance(n, int) or isinstance(n, bool) or not 1 <= n <= _MAX_CATNR]
    if not numbers or wrong:
        raise QueryError(
            f"Space-Track query: give catalog numbers, integers 1 to 999999999 (got {wrong or 'none'})"
        )
    return numbers


def _limit(limit: int) -> int:
    if isinstance(limit, bool) or limit < 1:
        raise QueryError(f"Space-Track query: limit {limit!r} must be a positive integer")
    return limit
