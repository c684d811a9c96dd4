"""CelesTrak GP queries: the URL of a query (pure), and fetching it through an ``HttpFetcher``.

CelesTrak serves current general-perturbations element sets at
``https://celestrak.org/NORAD/elements/gp.php?<SELECTOR>=<value>&FORMAT=<format>`` with one
selector (GROUP, CATNR, INTDES, NAME or SPECIAL) and one format (TLE/3LE, 2LE, XML, KVN, JSON,
JSON-PRETTY, CSV); see https://celestrak.org/NORAD/documentation/gp-data-formats.php and the
group list at https://celestrak.org/NORAD/elements/.

When a query has nothing to return in the format asked for (for example TLE for objects numbered
above 99999), CelesTrak answers with the body ``No GP data found`` (recorded with HTTP 404; HTTP 200
is read the same way). That is "no records", neither an outage nor an empty catalog: ``fetch_gp``
returns a ``Fetched`` with empty data and ``no_data=True``. Any other body that is not the format
asked for (an "Invalid query" text, an HTML error page, a 403 block) is a ``SourceError``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Final
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

from orbitwatch.io.sources import QueryError

if TYPE_CHECKING:  # types only: orbitwatch.io.files imports CELESTRAK_GROUPS from this module
    from datetime import timedelta

    from orbitwatch.io.files import Fetched
    from orbitwatch.io.sources.http import HttpFetcher, HttpResponse, Validator

CELESTRAK_BASE: Final = "https://celestrak.org"

CELESTRAK_GROUPS: Final = (
    "last-30-days", "stations", "visual", "active", "analyst",
    "cosmos-1408-debris", "fengyun-1c-debris", "iridium-33-debris", "cosmos-2251-debris",
    "weather", "noaa", "goes", "resource", "sarsat", "dmc", "tdrss", "argos", "planet", "spire",
    "geo", "intelsat", "ses", "eutelsat", "telesat", "iridium", "iridium-NEXT", "starlink", "oneweb",
    "qianfan", "hulianwang", "kuiper", "orbcomm", "globalstar", "swarm", "amateur", "satnogs",
    "x-comm", "other-comm", "gorizont", "raduga", "molniya",
    "gnss", "gps-ops", "glo-ops", "galileo", "beidou", "sbas", "nnss", "musson",
    "science", "geodetic", "engineering", "education",
    "military", "radar", "cubesat", "other",
)  # fmt: skip
"""The GROUP names of CelesTrak's current-data page (https://celestrak.org/NORAD/elements/)."""

GP_FORMATS: Final = ("tle", "3le", "2le", "xml", "kvn", "json", "json-pretty", "csv")
"""CelesTrak's FORMAT values (``tle`` and ``3le`` are both three-line sets with a name line)."""

SPECIAL_SETS: Final = ("gpz", "gpz-plus", "decaying")
"""CelesTrak's SPECIAL data sets: GEO protected zone, GEO protected zone plus, decaying objects."""

GP_ENDPOINTS: Final = ("gp.php", "gp-first.php", "sup-gp.php")
"""CelesTrak's query endpoints that answer "No GP data found" when a query has no records."""

NO_GP_DATA: Final = b"No GP data found"

_GROUP_NAME: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]*")
_INTDES: Final = re.compile(r"\d{4}-\d{3}[A-Z]{0,3}")
_MAX_CATNR: Final = 999_999_999
_KNOWN_GROUPS: Final = {group.lower(): group for group in CELESTRAK_GROUPS}


def gp_url(
    *,
    group: str | None = None,
    catnr: int | None = None,
    intdes: str | None = None,
    name: str | None = None,
    special: str | None = None,
    fmt: str = "tle",
    base: str = CELESTRAK_BASE,
) -> str:
    """The URL of a CelesTrak GP query with one selector: ``.../gp.php?GROUP=military&FORMAT=tle``.

    Raises ``QueryError`` (a ``SourceError`` and a ``ValueError``) for no selector or several, an
    unknown format or special set, a malformed group name, catalog number or designator.
    """
    selectors = {"GROUP": group, "CATNR": catnr, "INTDES": intdes, "NAME": name, "SPECIAL": special}
    given = [(key, value) for key, value in selectors.items() if value is not None]
    if len(given) != 1:
        named = ", ".join(key.lower() for key, _ in given) or "none"
        raise QueryError(
            f"CelesTrak GP query: give exactly one of group, catnr, intdes, name, special (got {named})"
        )
    key, value = given[0]
    query = urlencode({key: _selector_value(key, value), "FORMAT": _gp_format(fmt)}, quote_via=quote)
    return f"{base.rstrip('/')}/NORAD/elements/gp.php?{query}"


def fetch_gp(
    fetcher: HttpFetcher,
    *,
    group: str | None = None,
    catnr: int | None = None,
    intdes: str | None = None,
    name: str | None = None,
    special: str | None = None,
    fmt: str = "tle",
    base: str = CELESTRAK_BASE,
    max_age: timedelta | None = None,
    allow_stale: bool = False,
) -> Fetched:
    """The bytes of a CelesTrak GP query (see ``gp_url``), or ``no_data=True`` for "No GP data found"."""
    url = gp_url(group=group, catnr=catnr, intdes=intdes, name=name, special=special, fmt=fmt, base=base)
    return fetch_gp_url(fetcher, url, max_age=max_age, allow_stale=allow_stale)


def fetch_gp_url(
    fetcher: HttpFetcher, url: str, *, max_age: timedelta | None = None, allow_stale: bool = False
) -> Fetched:
    """Fetch a GP query URL given whole (as a user pastes it): its FORMAT and GROUP are read from it."""
    query = {key.upper(): value for key, value in parse_qsl(urlsplit(url).query)}
    fmt = _gp_format(query.get("FORMAT", "tle"))
    group = query.get("GROUP")
    canonical_group = None if group is None else _KNOWN_GROUPS.get(group.lower(), group)
    response = fetcher.get(
        url, max_age=max_age, allow_stale=allow_stale, accept=(200, 404), validate=_validator(fmt)
    )
    fetched = response.fetched(canonical_group)
    return fetched.as_no_data() if is_no_gp_data(response.body) else fetched


def is_gp_url(url: str) -> bool:
    """True for a URL of CelesTrak's GP query endpoints (``gp.php``, ``gp-first.php``, ``sup-gp.php``)."""
    try:
        path = urlsplit(url).path
    except ValueError:
        return False
    return path.rsplit("/", 1)[-1].lower() in GP_ENDPOINTS


def is_no_gp_data(body: bytes) -> bool:
    """True for CelesTrak's "No GP data found" answer."""
    return body.strip() == NO_GP_DATA


def _selector_value(key: str, value: str | int) -> str:
    if key == "CATNR":
        return _catnr(value)
    return _TEXT_SELECTORS[key](str(value).strip())


def _catnr(value: str | int) -> str:
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= _MAX_CATNR:
        raise QueryError(
            f"CelesTrak GP query: catnr {value!r} is not a catalog number (an integer 1 to 999999999)"
        )
    return str(value)


def _group(text: str) -> str:
    if not _GROUP_NAME.fullmatch(text):
        raise QueryError(f"CelesTrak GP query: group {text!r} is not a group name (letters, digits, '-')")
    return _KNOWN_GROUPS.get(text.lower(), text)


def _intdes(text: str) -> str:
    if not _INTDES.fullmatch(text):
        raise QueryError(f"CelesTrak GP query: intdes {text!r} is not an international designator (yyyy-nnn)")
    return text


def _name(text: str) -> str:
    if not text:
        raise QueryError("CelesTrak GP query: name is empty")
    return text


def _special(text: str) -> str:
    if text.lower() not in SPECIAL_SETS:
        raise QueryError(f"CelesTrak GP query: special {text!r} is not one of {', '.join(SPECIAL_SETS)}")
    return text.lower()


_TEXT_SELECTORS: Final[dict[str, Callable[[str], str]]] = {
    "GROUP": _group,
    "INTDES": _intdes,
    "NAME": _name,
    "SPECIAL": _special,
}


def _gp_format(fmt: str) -> str:
    lower = fmt.strip().lower()
    if lower not in GP_FORMATS:
        raise QueryError(f"CelesTrak GP query: format {fmt!r} is not one of {', '.join(GP_FORMATS)}")
    return lower


def _validator(fmt: str) -> Validator:
    """The check of a CelesTrak answer to a query in ``fmt``: why it is an error body, or None."""

    def refuse(response: HttpResponse) -> str | None:
        if is_no_gp_data(response.body):
            return None
        head = response.body[:4096].decode("utf-8", errors="replace").strip()
        if response.status != 200 or not head:
            return "not GP data" if head else "an empty body"
        if "html" in response.content_type.lower() or head.lower().startswith(("<!doctype html", "<html")):
            return f"an HTML page, not {fmt} data"
        return None if _looks_like(fmt, head) else f"not {fmt} data"

    return refuse


def _looks_like(fmt: str, head: str) -> bool:
    """Whether the start of a body is the format asked for (a sniff, not a parse: the core parses)."""
    if fmt in ("tle", "3le", "2le"):
        return re.search(r"^1 ", head, re.MULTILINE) is not None
    if fmt == "xml":
        return head.startswith("<")
    if fmt == "kvn":
        return "CCSDS_OMM_VERS" in head
    if fmt == "csv":
        return "NORAD_CAT_ID" in head.splitlines()[0].upper()
    return head.startswith(("[", "{"))
