"""Launches: where and when a new object was probably launched, and the proxy orbit of a launch to come.

The launch sites are the bundled table (:mod:`orbitwatch.io.launch_sites`); hazard areas are read from a
GeoJSON file of polygons in flight order (a ``FeatureCollection`` of ``Polygon`` features, ordered by
an ``order`` property when they have one, else as written), as published in navigational warnings.
"""

import json
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path

from orbitwatch.core.changes.launches import LaunchEstimate, estimate_launch
from orbitwatch.core.changes.prelaunch import (
    PrelaunchPlan,
    plan_from_azimuth,
    plan_from_hazard_areas,
    plan_from_inclination,
)
from orbitwatch.core.elements.formats import read_elements
from orbitwatch.core.elements.model import ElementSet
from orbitwatch.errors import OrbitwatchError
from orbitwatch.io.files import read_path
from orbitwatch.io.launch_sites import find_launch_site, load_launch_sites
from orbitwatch.io.store import CatalogStore

FIRST_ELEMENTS_DAYS = 2.0
"""The element sets of an object's first days that launch estimation uses."""

Polygon = list[tuple[float, float]]


def estimate_from_store(store: CatalogStore, norad_id: int) -> LaunchEstimate:
    """The launch estimate of a stored object from its first element sets."""
    history = store.histories([norad_id]).get(norad_id)
    if not history:
        raise OrbitwatchError(f"object {norad_id} is not in the catalog at {store.url}; ingest it first")
    return estimate_launch(first_elements(history), load_launch_sites())


def estimate_from_file(path: str) -> list[LaunchEstimate]:
    """A launch estimate for each object of an element file (or folder)."""
    by_object: dict[int, list[ElementSet]] = {}
    for item in read_path(Path(path)):
        for elements in read_elements(item.data, item.source).records:
            by_object.setdefault(elements.norad_id, []).append(elements)
    if not by_object:
        raise OrbitwatchError(f"{path}: no element set to estimate a launch from")
    sites = load_launch_sites()
    return [estimate_launch(first_elements(by_object[n]), sites) for n in sorted(by_object)]


def first_elements(history: Sequence[ElementSet]) -> list[ElementSet]:
    """The element sets of an object's first ``FIRST_ELEMENTS_DAYS`` days, oldest first."""
    ordered = sorted(history, key=lambda e: e.epoch_utc)
    until = ordered[0].epoch_utc + timedelta(days=FIRST_ELEMENTS_DAYS)
    return [e for e in ordered if e.epoch_utc <= until]


def prelaunch_plan(
    site_name: str,
    *,
    launch_time_utc: datetime,
    altitude_km: float,
    azimuth_deg: float | None = None,
    inclination_deg: float | None = None,
    hazard_areas_path: str | None = None,
) -> PrelaunchPlan:
    """The proxy orbit of a launch from a site at a time, from exactly one of azimuth, inclination or
    hazard areas."""
    given = [azimuth_deg is not None, inclination_deg is not None, hazard_areas_path is not None]
    if sum(given) != 1:
        raise OrbitwatchError("give exactly one of --azimuth, --inclination, --hazard-areas")
    site = find_launch_site(site_name)
    if azimuth_deg is not None:
        return plan_from_azimuth(site, azimuth_deg, launch_time_utc, altitude_km)
    if inclination_deg is not None:
        return plan_from_inclination(site, inclination_deg, launch_time_utc, altitude_km)
    assert hazard_areas_path is not None
    return plan_from_hazard_areas(site, read_hazard_areas(hazard_areas_path), launch_time_utc, altitude_km)


def read_hazard_areas(path: str) -> list[Polygon]:
    """The outer rings of the polygons of a GeoJSON file, in flight order, as (lon_deg, lat_deg) lists."""
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise OrbitwatchError(f"{path}: not a readable GeoJSON file ({exc})") from None
    features = document.get("features") if isinstance(document, dict) else None
    if not isinstance(features, list) or not features:
        raise OrbitwatchError(f"{path}: expected a GeoJSON FeatureCollection of Polygon features")
    keyed = [
        (_order(feature, index, path), _ring(feature, index, path)) for index, feature in enumerate(features)
    ]
    return [ring for _, ring in sorted(keyed, key=lambda pair: pair[0])]


def _order(feature: object, index: int, path: str) -> float:
    properties = feature.get("properties") if isinstance(feature, dict) else None
    value = properties.get("order", index) if isinstance(properties, dict) else index
    if not isinstance(value, int | float):
        raise OrbitwatchError(f"{path}: feature {index + 1}: 'order' must be a number, got {value!r}")
    return float(value)


def _ring(feature: object, index: int, path: str) -> Polygon:
    geometry = feature.get("geometry") if isinstance(feature, dict) else None
    if not isinstance(geometry, dict) or geometry.get("type") != "Polygon":
        raise OrbitwatchError(f"{path}: feature {index + 1}: expected a Polygon geometry")
    try:
        return [(float(lon), float(lat)) for lon, lat, *_ in geometry["coordinates"][0]]
    except (KeyError, IndexError, TypeError, ValueError):
        raise OrbitwatchError(
            f"{path}: feature {index + 1}: the polygon's coordinates are not [lon, lat] pairs"
        ) from None
