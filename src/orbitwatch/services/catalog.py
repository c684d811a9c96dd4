"""Use cases over the catalog store: open it, list and filter objects, show one, export element sets."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from orbitwatch.core.elements.formats import WRITE_FORMATS, write_elements
from orbitwatch.core.elements.model import ElementSet
from orbitwatch.core.events.uncertainty import AlongTrackModel, model_from_history
from orbitwatch.errors import OrbitwatchError
from orbitwatch.io.store import CatalogEntry, CatalogStore, StoredElementSet

__all__ = [
    "CatalogEntry",
    "CatalogStore",
    "ObjectDetail",
    "Selection",
    "StoredElementSet",
    "export_elements",
    "list_catalog",
    "object_detail",
    "open_store",
    "selected_elements",
    "uncertainty_models",
]


@dataclass(frozen=True, slots=True)
class Selection:
    """Which objects of the store a command works on; empty fields do not filter."""

    groups: tuple[str, ...] = ()
    owner: str | None = None
    object_type: str | None = None
    name_like: str | None = None
    norad_ids: tuple[int, ...] = ()

    def is_empty(self) -> bool:
        """True when nothing narrows the selection (the whole catalog)."""
        return not (self.groups or self.owner or self.object_type or self.name_like or self.norad_ids)


@dataclass(frozen=True, slots=True)
class ObjectDetail:
    """One object's metadata and its full element history, oldest first."""

    entry: CatalogEntry
    history: tuple[StoredElementSet, ...]


def open_store(db_url: str | None) -> CatalogStore:
    """The catalog store at ``db_url`` (None: ``ORBITWATCH_DB`` or the platform data directory)."""
    return CatalogStore.open(db_url)


def list_catalog(store: CatalogStore, selection: Selection, limit: int | None = None) -> list[CatalogEntry]:
    """Catalog entries matching a selection, ordered by catalog number."""
    return store.catalog(
        groups=selection.groups,
        owner=selection.owner,
        object_type=selection.object_type,
        name_like=selection.name_like,
        norad_ids=selection.norad_ids or None,
        limit=limit,
    )


def object_detail(store: CatalogStore, norad_id: int) -> ObjectDetail:
    """Metadata and element history of one object; an error when the store does not know it."""
    entry = store.entry(norad_id)
    if entry is None:
        raise OrbitwatchError(
            f"object {norad_id} is not in the catalog at {store.url}; ingest its elements first"
        )
    return ObjectDetail(entry=entry, history=tuple(store.history(norad_id)))


def selected_elements(
    store: CatalogStore, selection: Selection, at_utc: datetime | None = None
) -> list[ElementSet]:
    """The latest element set (or the one valid at ``at_utc``) of every selected object."""
    norad_ids: Sequence[int] | None = selection.norad_ids or None
    if selection.owner or selection.object_type or selection.name_like:
        norad_ids = [entry.norad_id for entry in list_catalog(store, selection)]
        if not norad_ids:
            return []
    return store.latest_elements(at_utc=at_utc, norad_ids=norad_ids, groups=selection.groups)


def export_elements(
    store: CatalogStore, selection: Selection, fmt: str, at_utc: datetime | None = None
) -> tuple[str, int]:
    """Text of the selected element sets in ``fmt`` (one of WRITE_FORMATS), and how many were written."""
    if fmt not in WRITE_FORMATS:
        raise OrbitwatchError(f"unknown export format {fmt!r}; expected one of {', '.join(WRITE_FORMATS)}")
    elements = selected_elements(store, selection, at_utc)
    if not elements:
        raise OrbitwatchError("the selection matches no element set in the catalog; nothing to export")
    return write_elements(elements, fmt), len(elements)


HISTORY_MODEL_LIMIT = 2000
"""Above this many objects, histories are not read and the default models are used (time and memory)."""


def uncertainty_models(store: CatalogStore, norad_ids: Sequence[int]) -> dict[int, AlongTrackModel]:
    """Along-track error models from each object's stored element history (Vallado & Cefola style:
    the spread of consecutive element sets' predictions); none for catalogs above the limit."""
    if len(norad_ids) > HISTORY_MODEL_LIMIT:
        return {}
    histories = store.histories(norad_ids)
    return {n: model_from_history(history) for n, history in histories.items() if len(history) >= 2}
