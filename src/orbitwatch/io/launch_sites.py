"""The bundled table of launch sites: coordinates, allowed launch azimuths and served inclinations.

``bundled/launch_sites.csv`` has the columns
``name,code,country,lat_deg,lon_deg,azimuth_ranges_deg,min_inclination_deg,max_inclination_deg,source,notes``:

- ``name``: the launch site's name, the same as its gazetteer entry where it has one (the
  coordinates agree with the gazetteer's within 0.05°); ``code``: a short unique code;
- ``country``: ISO 3166-1 alpha-2 code; ``lat_deg``, ``lon_deg``: WGS-84 degrees;
- ``azimuth_ranges_deg``: the allowed launch azimuths, degrees clockwise from north, as ranges
  ``START-END`` separated by ``;`` (``35-120;170-195``); ``START > END`` wraps through north
  (``340-95``);
- ``min_inclination_deg``, ``max_inclination_deg``: the inclinations the site has served;
- ``source``: one or more URLs separated by spaces; ``notes``: how the row was made (which ranges
  were derived from inclinations with cos i = cos φ · sin β, and what is uncertain).

See :mod:`orbitwatch.core.launch_sites` for the geometry.
"""

import csv
import difflib
import functools
import io
from importlib import resources
from typing import Any, Final

from orbitwatch.core.launch_sites import AzimuthRange, LaunchSite
from orbitwatch.core.targets import Site, target_key
from orbitwatch.errors import SourceError, TargetError

COLUMNS: Final = (
    "name",
    "code",
    "country",
    "lat_deg",
    "lon_deg",
    "azimuth_ranges_deg",
    "min_inclination_deg",
    "max_inclination_deg",
    "source",
    "notes",
)
TABLE_NAME: Final = "launch_sites.csv"
_TABLE: Final = resources.files("orbitwatch") / "io" / "bundled" / TABLE_NAME
_CLOSE_MATCHES: Final = 5


@functools.cache
def load_launch_sites() -> tuple[LaunchSite, ...]:
    """Every launch site of the bundled table, in file order (read once)."""
    return parse_launch_sites(_TABLE.read_text(encoding="utf-8"), TABLE_NAME)


def parse_launch_sites(text: str, source: str) -> tuple[LaunchSite, ...]:
    """The launch sites of a table in the bundled format; a bad row is a
    :class:`~orbitwatch.errors.SourceError` naming ``source``, the line and the reason."""
    reader = csv.DictReader(io.StringIO(text))
    if tuple(reader.fieldnames or ()) != COLUMNS:
        raise SourceError(f"{source}: the header must be {','.join(COLUMNS)}")
    sites = tuple(_launch_site(row, f"{source} line {reader.line_num}") for row in reader)
    _check_unique(sites, source)
    return sites


def find_launch_site(name_or_code: str) -> LaunchSite:
    """The launch site of that name or code, ignoring case and separators (``cape-canaveral``,
    ``ccsfs``); a :class:`~orbitwatch.errors.TargetError` listing close matches otherwise."""
    sites = load_launch_sites()
    by_key = {target_key(key): site for site in sites for key in (site.site.name, site.code)}
    found = by_key.get(target_key(name_or_code))
    if found is not None:
        return found
    close = _close_matches(name_or_code, [site.site.name for site in sites] + [site.code for site in sites])
    hint = f"; close matches: {', '.join(close)}" if close else ""
    raise TargetError(f"unknown launch site {name_or_code!r}: not in the launch-site table{hint}")


def _close_matches(name: str, known: list[str]) -> list[str]:
    key = target_key(name)
    by_key: dict[str, str] = {}
    for candidate in known:
        by_key.setdefault(target_key(candidate), candidate)
    close = [k for k in by_key if key and (key in k or k in key)]
    close += [
        k
        for k in difflib.get_close_matches(key, list(by_key), n=_CLOSE_MATCHES, cutoff=0.6)
        if k not in close
    ]
    return [by_key[k] for k in close[:_CLOSE_MATCHES]]


def parse_azimuth_ranges(text: str) -> tuple[AzimuthRange, ...]:
    """``"35-120;170-195"`` as ``((35.0, 120.0), (170.0, 195.0))``; a ValueError if malformed."""
    return tuple(_azimuth_range(part) for part in text.split(";"))


def _azimuth_range(part: str) -> AzimuthRange:
    start, separator, end = part.strip().partition("-")
    if not separator:
        raise ValueError(f"azimuth range {part.strip()!r} is not START-END in degrees")
    return float(start), float(end)


def _launch_site(row: dict[str | Any, str | Any], where: str) -> LaunchSite:
    if None in row or any(row.get(column) is None for column in COLUMNS):
        raise SourceError(f"{where}: expected {len(COLUMNS)} fields ({','.join(COLUMNS)})")
    fields = {column: str(row[column]).strip() for column in COLUMNS}
    try:
        return _from_fields(fields)
    except (TargetError, ValueError) as exc:
        raise SourceError(f"{where}: {exc}") from None


def _from_fields(fields: dict[str, str]) -> LaunchSite:
    if not fields["source"].startswith("https://"):
        raise ValueError(f"source {fields['source']!r} is not an https URL")
    site = Site(fields["name"], float(fields["lat_deg"]), float(fields["lon_deg"]), 0.0, fields["source"])
    return LaunchSite(
        site=site,
        code=fields["code"],
        country=fields["country"],
        azimuth_ranges_deg=parse_azimuth_ranges(fields["azimuth_ranges_deg"]),
        min_inclination_deg=float(fields["min_inclination_deg"]),
        max_inclination_deg=float(fields["max_inclination_deg"]),
        source=fields["source"],
        notes=fields["notes"],
    )


def _check_unique(sites: tuple[LaunchSite, ...], source: str) -> None:
    seen: set[str] = set()
    for site in sites:
        for key in {target_key(site.site.name), target_key(site.code)}:
            if key in seen:
                raise SourceError(f"{source}: the name or code {key!r} appears twice")
            seen.add(key)
