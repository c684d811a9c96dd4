"""Sites and regions in the catalog store (schema version 2): their rows, and the statements on them.

A name is looked up by its key (:func:`orbitwatch.core.targets.target_key`: case and separators
ignored), which is unique per table: "Seoul" and "SEOUL" are one site. Regions are stored as their
GeoJSON text and validated again when read back.
"""

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, RowMapping, Table, delete, insert, select, update

from orbitwatch.core.targets import Region, Site, region_from_geojson, region_to_geojson, target_key
from orbitwatch.errors import StoreError
from orbitwatch.io.store.rows import naive_utc


def site_row(site: Site, created_utc: datetime) -> dict[str, Any]:
    """The ``sites`` row of a site (without its id)."""
    _check_texts("site", site.name, site.source)
    return {
        "name": site.name,
        "name_key": target_key(site.name),
        "lat_deg": site.lat_deg,
        "lon_deg": site.lon_deg,
        "alt_m": site.alt_m,
        "source": site.source,
        "created_utc": naive_utc(created_utc),
    }


def site_from_row(row: Mapping[Any, Any]) -> Site:
    """The site of a ``sites`` row."""
    return Site(row["name"], row["lat_deg"], row["lon_deg"], row["alt_m"], row["source"])


def region_row(region: Region, created_utc: datetime) -> dict[str, Any]:
    """The ``regions`` row of a region (without its id): its GeoJSON Feature as text."""
    _check_texts("region", region.name, region.source)
    return {
        "name": region.name,
        "name_key": target_key(region.name),
        "geojson": json.dumps(region_to_geojson(region), separators=(",", ":")),
        "source": region.source,
        "created_utc": naive_utc(created_utc),
    }


def region_from_row(row: Mapping[Any, Any]) -> Region:
    """The region of a ``regions`` row."""
    return region_from_geojson(row["geojson"], name=row["name"], source=row["source"])


def add(connection: Connection, table: Table, row: Mapping[str, Any], *, replace: bool) -> None:
    """Insert the row; one of the same name key is replaced when ``replace``, else a StoreError."""
    found = find(connection, table, row["name"])
    if found is None:
        connection.execute(insert(table).values(row))
    elif replace:
        connection.execute(update(table).where(table.c.id == found["id"]).values(row))
    else:
        raise StoreError(
            f"a {_kind(table)} named {found['name']!r} is already stored; delete it first or replace it"
        )


def find(connection: Connection, table: Table, name: str) -> RowMapping | None:
    """The row whose name has the key of ``name``, None when there is none."""
    query = select(table).where(table.c.name_key == target_key(name))
    return connection.execute(query).mappings().one_or_none()


def every(connection: Connection, table: Table) -> list[RowMapping]:
    """Every row, by name key."""
    return list(connection.execute(select(table).order_by(table.c.name_key)).mappings())


def remove(connection: Connection, table: Table, name: str) -> bool:
    """Delete the row of that name (key); True when there was one."""
    result = connection.execute(delete(table).where(table.c.name_key == target_key(name)))
    return bool(result.rowcount)


def _kind(table: Table) -> str:
    return table.name.removesuffix("s")


def _check_texts(kind: str, name: str, source: str) -> None:
    if "\x00" in name + source:
        raise StoreError(
            f"{kind} {name!r}: the name or source contains a NUL character, which PostgreSQL cannot store"
        )
