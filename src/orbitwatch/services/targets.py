"""Resolve what a command names into core objects: satellites (store, files, hypothetical), sites, regions.

A site is ``NAME=LAT,LON[,ALT_M]`` inline, else a site stored in the catalog store, else a place of
the bundled gazetteer. A region is a stored region, else a bundled region, else a GeoJSON file.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from orbitwatch.core.elements.formats import read_elements
from orbitwatch.core.elements.hypothetical import (
    HYPOTHETICAL_NORAD_BASE,
    hypothetical_constellation,
    parse_hypothetical,
)
from orbitwatch.core.elements.model import ElementSet
from orbitwatch.core.elements.result import Refusal
from orbitwatch.core.targets import Region, Site, parse_site
from orbitwatch.errors import OrbitwatchError
from orbitwatch.io.files import read_path
from orbitwatch.io.gazetteer import find_site, load_region
from orbitwatch.io.store import CatalogStore
from orbitwatch.services.catalog import Selection, selected_elements

HYPOTHETICAL_IDS_PER_SPEC = 1000


@dataclass(frozen=True, slots=True)
class SatelliteSet:
    """The element sets to work on (one per object, the newest) and the records refused on the way."""

    elements: tuple[ElementSet, ...]
    refusals: tuple[Refusal, ...] = ()


def resolve_sites(specs: Sequence[str], store: CatalogStore | None) -> list[Site]:
    """Sites from ``NAME=LAT,LON[,ALT_M]`` specs or names (store first, then the gazetteer)."""
    return [_site(spec, store) for spec in specs]


def _site(spec: str, store: CatalogStore | None) -> Site:
    if "=" in spec:
        return parse_site(spec)
    stored = store.site(spec) if store is not None else None
    return stored if stored is not None else find_site(spec)


def resolve_regions(specs: Sequence[str], store: CatalogStore | None) -> list[Region]:
    """Regions by stored name, bundled name, or GeoJSON file path."""
    regions = []
    for spec in specs:
        stored = store.region(spec) if store is not None else None
        regions.append(stored if stored is not None else load_region(spec))
    return regions


def resolve_targets(
    site_specs: Sequence[str], region_specs: Sequence[str], store: CatalogStore | None
) -> list[Site | Region]:
    """Sites then regions, resolved as :func:`resolve_sites` and :func:`resolve_regions` do."""
    return [*resolve_sites(site_specs, store), *resolve_regions(region_specs, store)]


def store_needed(selection: Selection, element_paths: Sequence[str], hypothetical: Sequence[str]) -> bool:
    """True when the satellites must come from the store: a store selection, or no other source."""
    return not selection.is_empty() or not (element_paths or hypothetical)


def catalog_satellites(
    *,
    store: CatalogStore | None,
    selection: Selection,
    element_paths: Sequence[str],
    at_utc: datetime | None,
) -> SatelliteSet:
    """The newest element set of each selected object, from files (no database) and from the store.

    From the store, the newest at ``at_utc`` or before when there is one, else the newest.
    """
    newest: dict[int, ElementSet] = {}
    refusals: list[Refusal] = []
    for path in element_paths:
        for item in read_path(Path(path)):
            result = read_elements(item.data, item.source)
            refusals.extend(result.refusals)
            _keep_newest(newest, result.records)
    if store is not None:
        _keep_newest(newest, _from_store(store, selection, at_utc))
    return SatelliteSet(tuple(sorted(newest.values(), key=lambda e: e.norad_id)), tuple(refusals))


def with_hypothetical(satellites: SatelliteSet, specs: Sequence[str], epoch_utc: datetime) -> SatelliteSet:
    """The set with the hypothetical satellites of ``specs`` added, built at ``epoch_utc``."""
    added = [
        element
        for k, spec in enumerate(specs)
        for element in hypothetical_constellation(
            parse_hypothetical(spec, epoch_utc, HYPOTHETICAL_NORAD_BASE + 1 + k * HYPOTHETICAL_IDS_PER_SPEC)
        )
    ]
    elements = satellites.elements + tuple(added)
    if not elements:
        raise OrbitwatchError(
            "no satellite selected: give --elements FILE, a store selection (--group, --owner, --type, "
            "--name, --norad) that matches ingested objects, or --hypothetical SPEC"
        )
    return SatelliteSet(elements, satellites.refusals)


def _from_store(store: CatalogStore, selection: Selection, at_utc: datetime | None) -> list[ElementSet]:
    latest = selected_elements(store, selection)
    if at_utc is None:
        return latest
    at_time = {e.norad_id: e for e in selected_elements(store, selection, at_utc)}
    return [at_time.get(e.norad_id, e) for e in latest]


def _keep_newest(newest: dict[int, ElementSet], elements: Sequence[ElementSet]) -> None:
    for element in elements:
        held = newest.get(element.norad_id)
        if held is None or element.epoch_utc > held.epoch_utc:
            newest[element.norad_id] = element
