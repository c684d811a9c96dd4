"""Sites and regions kept in the catalog store: add, list, delete."""

from datetime import datetime
from pathlib import Path

from orbitwatch.core.targets import Region, Site, parse_site
from orbitwatch.errors import OrbitwatchError
from orbitwatch.io.gazetteer import load_region
from orbitwatch.io.store import CatalogStore


def add_site(store: CatalogStore, spec: str, *, now_utc: datetime, replace: bool = False) -> Site:
    """Store the site of ``NAME=LAT,LON[,ALT_M]``."""
    site = parse_site(spec, source="added by a user")
    store.add_site(site, created_utc=now_utc, replace=replace)
    return site


def add_region(
    store: CatalogStore, name: str, path: Path, *, now_utc: datetime, replace: bool = False
) -> Region:
    """Store the region of a GeoJSON file (or a bundled region) under ``name``."""
    region = load_region(str(path))
    named = Region(name, region.polygons, source=f"GeoJSON {path}")
    store.add_region(named, created_utc=now_utc, replace=replace)
    return named


def delete_site(store: CatalogStore, name: str) -> None:
    """Delete a stored site; an error when there is none of that name."""
    if not store.delete_site(name):
        raise OrbitwatchError(f"no stored site is named {name!r}")


def delete_region(store: CatalogStore, name: str) -> None:
    """Delete a stored region; an error when there is none of that name."""
    if not store.delete_region(name):
        raise OrbitwatchError(f"no stored region is named {name!r}")
