"""The bundled gazetteer of real places, the bundled example regions, and region files.

``bundled/gazetteer.csv`` has the columns ``name,kind,lat_deg,lon_deg,alt_m,country,source``:

- ``kind``: ``capital``, ``city``, ``launch_site``, ``tracking_station`` (ground stations, deep-space
  antennas and space-surveillance radars), ``military_base`` or ``facility``;
- ``lat_deg``, ``lon_deg``: WGS-84 degrees from the row's source (for Wikipedia, the article's
  coordinates), to about 0.01° or better: a site, not a single antenna or launch pad unless named;
- ``alt_m``: height above sea level when the source gives one, else 0 (1 km of height changes a
  low-Earth-orbit pass by far less than a second);
- ``country``: ISO 3166-1 alpha-2 code of where the place is; ``source``: the URL of the source.

Names are unique ignoring case and separators (:func:`orbitwatch.core.targets.target_key`).
Regions bundled in ``bundled/regions/`` are GeoJSON files made by ``scripts/build_land_geojson.mjs``.
"""

import csv
import difflib
import functools
import io
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Final

from orbitwatch.core.targets import Region, Site, region_from_geojson, target_key
from orbitwatch.errors import SourceError, TargetError

COLUMNS: Final = ("name", "kind", "lat_deg", "lon_deg", "alt_m", "country", "source")
KINDS: Final = ("capital", "city", "launch_site", "tracking_station", "military_base", "facility")
MAX_REGION_FILE_BYTES: Final = 16 << 20
_BUNDLED: Final = resources.files("orbitwatch") / "io" / "bundled"
_CLOSE_MATCHES: Final = 5


@dataclass(frozen=True, slots=True)
class GazetteerEntry:
    """One place of the gazetteer: the site, its kind (one of :data:`KINDS`) and country code."""

    site: Site
    kind: str
    country: str


@functools.cache
def gazetteer_entries() -> tuple[GazetteerEntry, ...]:
    """Every place of the bundled gazetteer, in file order (read once)."""
    text = (_BUNDLED / "gazetteer.csv").read_text(encoding="utf-8")
    reader = csv.DictReader(io.StringIO(text))
    if tuple(reader.fieldnames or ()) != COLUMNS:
        raise SourceError(f"gazetteer.csv: the header must be {','.join(COLUMNS)}")
    return tuple(_entry(row, reader.line_num) for row in reader)


def _entry(row: dict[str, str], line: int) -> GazetteerEntry:
    where = f"gazetteer.csv line {line}"
    if row["kind"] not in KINDS:
        raise SourceError(f"{where}: kind {row['kind']!r} is not one of {', '.join(KINDS)}")
    try:
        site = Site(
            row["name"], float(row["lat_deg"]), float(row["lon_deg"]), float(row["alt_m"]), row["source"]
        )
    except (TargetError, ValueError) as exc:
        raise SourceError(f"{where}: {exc}") from None
    return GazetteerEntry(site, row["kind"], row["country"])


def load_gazetteer(kind: str | None = None) -> list[Site]:
    """The gazetteer's sites, all of them or those of one kind (:data:`KINDS`), in file order."""
    if kind is not None and kind not in KINDS:
        raise TargetError(f"gazetteer kind {kind!r} is unknown; expected one of {', '.join(KINDS)}")
    return [entry.site for entry in gazetteer_entries() if kind is None or entry.kind == kind]


def find_site(name: str) -> Site:
    """The gazetteer's site of that name, ignoring case and separators (``cape-canaveral`` finds
    "Cape Canaveral"); a :class:`~orbitwatch.errors.TargetError` listing close matches otherwise."""
    by_key = {target_key(entry.site.name): entry.site for entry in gazetteer_entries()}
    key = target_key(name)
    if key in by_key:
        return by_key[key]
    raise TargetError(_unknown("site", name, [site.name for site in by_key.values()]))


def _unknown(kind: str, name: str, known: list[str]) -> str:
    key = target_key(name)
    keys = {target_key(candidate): candidate for candidate in known}
    close = [k for k in keys if key and key in k]
    close += [
        k for k in difflib.get_close_matches(key, list(keys), n=_CLOSE_MATCHES, cutoff=0.6) if k not in close
    ]
    hint = f"; close matches: {', '.join(keys[k] for k in close[:_CLOSE_MATCHES])}" if close else ""
    return f"unknown {kind} {name!r}: not in the gazetteer{hint}"


def bundled_region_names() -> list[str]:
    """The names of the bundled example regions (file names without ``.geojson``), sorted."""
    return sorted(item.name.removesuffix(".geojson") for item in _region_files())


def _region_files() -> list[Traversable]:
    return [item for item in (_BUNDLED / "regions").iterdir() if item.name.endswith(".geojson")]


def load_region(name_or_path: str) -> Region:
    """A bundled region by name (:func:`bundled_region_names`, ignoring case), else a GeoJSON file.

    A file's region is named by its first feature's ``name`` property, else by the file name. An
    unreadable file is a :class:`~orbitwatch.errors.SourceError`; one that is not a valid region a
    :class:`~orbitwatch.errors.TargetError` naming the file.
    """
    bundled = {target_key(item.name.removesuffix(".geojson")): item for item in _region_files()}
    item = bundled.get(target_key(name_or_path))
    if item is not None:
        return region_from_geojson(item.read_text(encoding="utf-8"))
    path = Path(name_or_path)
    if not path.is_file():
        names = ", ".join(bundled_region_names())
        raise SourceError(f"{name_or_path!r} is neither a region file nor a bundled region ({names})")
    return region_from_geojson(_read_region_file(path), source=str(path), fallback_name=path.stem)


def _read_region_file(path: Path) -> str:
    try:
        size = path.stat().st_size
        if size > MAX_REGION_FILE_BYTES:
            raise SourceError(
                f"{path}: {size} bytes is too large for a region (at most {MAX_REGION_FILE_BYTES})"
            )
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError(f"cannot read the region file {path}: {exc}") from None
