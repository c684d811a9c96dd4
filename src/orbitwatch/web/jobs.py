"""What a pass, overflight or revisit request computes on: its satellites, targets, window and sensor.

Resolved with the same services as the CLI (:mod:`orbitwatch.services.targets`), within the API's bounds:
at most ``MAX_OBJECTS`` satellites, ``MAX_TARGETS`` targets and ``MAX_WINDOW_HOURS`` hours. Regions are
stored or bundled ones, by name only: the API never reads a file the client names.
"""

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from orbitwatch.core.elements.model import ElementSet
from orbitwatch.core.targets import Region, Site
from orbitwatch.errors import OrbitwatchError
from orbitwatch.services.catalog import CatalogStore, uncertainty_models
from orbitwatch.services.overflights import SensorModel, TimeWindow, UncertaintyModels
from orbitwatch.services.targets import catalog_satellites, resolve_regions, resolve_sites
from orbitwatch.services.watchlists import find_watch_list, watch_list_satellites
from orbitwatch.web.limits import MAX_OBJECTS, MAX_TARGETS, check_count
from orbitwatch.web.params import ObjectQuery, check_texts, parse_instant
from orbitwatch.web.problems import not_found

_REGION_NAME: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9 _-]*")


@dataclass(frozen=True, slots=True)
class Job:
    """The satellites (newest element set of each), the window, and their history error models."""

    elements: tuple[ElementSet, ...]
    window: TimeWindow
    models: UncertaintyModels


def resolve_job(
    store: CatalogStore, objects: ObjectQuery, start: str, hours: float, now_utc: datetime
) -> Job:
    """The job of a request: ``start`` is ``now``, ``epoch`` (the satellites' newest epoch) or ISO 8601."""
    at = None if start.strip().lower() == "epoch" else parse_instant(start, "query.start", now_utc)
    found: dict[int, ElementSet] = {}
    if objects.watch_list is not None:
        watch_list = find_watch_list(store, objects.watch_list)
        if watch_list is None:
            raise not_found(f"no stored watch list is named {objects.watch_list!r}")
        found.update((e.norad_id, e) for e in watch_list_satellites(store, watch_list, at).elements)
    if objects.watch_list is None or not objects.selection.is_empty():
        chosen = catalog_satellites(store=store, selection=objects.selection, element_paths=(), at_utc=at)
        found.update((e.norad_id, e) for e in chosen.elements)
    check_count("MAX_OBJECTS", len(found), MAX_OBJECTS, "satellites")
    elements = tuple(found[n] for n in sorted(found))
    if at is None:
        if not elements:
            raise OrbitwatchError("start=epoch needs at least one selected satellite to take the epoch from")
        at = max(e.epoch_utc for e in elements)
    window = TimeWindow(at, hours * 3600.0)
    return Job(elements, window, uncertainty_models(store, [e.norad_id for e in elements]))


def resolve_site_list(store: CatalogStore, sites: Sequence[str]) -> list[Site]:
    """Sites: ``NAME=LAT,LON[,ALT_M]``, stored, or of the gazetteer."""
    check_texts("query.site", sites)
    check_count("MAX_TARGETS", len(sites), MAX_TARGETS, "targets")
    return resolve_sites(sites, store)


def resolve_targets(store: CatalogStore, sites: Sequence[str], regions: Sequence[str]) -> list[Site | Region]:
    """Sites (as :func:`resolve_site_list`), then regions (stored or bundled)."""
    check_texts("query.region", regions)
    check_count("MAX_TARGETS", len(sites) + len(regions), MAX_TARGETS, "targets")
    return [*resolve_site_list(store, sites), *(_region(store, name) for name in regions)]


def _region(store: CatalogStore, name: str) -> Region:
    stored = store.region(name)
    if stored is not None:
        return stored
    if not _REGION_NAME.fullmatch(name) or os.path.lexists(name):
        raise OrbitwatchError(f"region {name!r} is neither a stored region nor a bundled one")
    return resolve_regions([name], None)[0]


def sensor_model(max_off_nadir_deg: float, min_sun_elevation_deg: float | None, sar: bool) -> SensorModel:
    """The sensor of a request, as the CLI builds it: SAR (no Sun limit), else optical (Sun above 10 deg
    unless given)."""
    try:
        if sar:
            return SensorModel(max_off_nadir_deg, name=f"SAR, {max_off_nadir_deg:g} deg")
        sun = 10.0 if min_sun_elevation_deg is None else min_sun_elevation_deg
        name = f"optical, {max_off_nadir_deg:g} deg, Sun > {sun:g}"
        return SensorModel(max_off_nadir_deg, min_sun_elevation_deg=sun, name=name)
    except ValueError as exc:
        raise OrbitwatchError(f"sensor: {exc}") from None
