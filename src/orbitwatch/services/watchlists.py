"""Watch lists: a named set of selections ("DPRK reconnaissance" = owner NKOR and type PAY; or a list of
catalog numbers), kept in the store; the objects of a watch list are those of any of its selections.

A selection is kept as a JSON object with the fields of :class:`~orbitwatch.services.catalog.Selection`
(``groups``, ``owner``, ``object_type``, ``name_like``, ``norad_ids``); one that selects nothing in
particular (the whole catalog) is refused, since a watch list names what to watch.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from orbitwatch.core.elements.model import MAX_NORAD_ID, ElementSet
from orbitwatch.errors import OrbitwatchError
from orbitwatch.io.store import CatalogEntry, CatalogStore
from orbitwatch.io.store.access import StoredWatchList
from orbitwatch.services.catalog import Selection, list_catalog
from orbitwatch.services.targets import SatelliteSet, catalog_satellites

MAX_SELECTIONS: Final = 100
"""Selections in one watch list."""
MAX_NORAD_IDS: Final = 10_000
"""Catalog numbers in one selection of a watch list."""
_FIELDS: Final = ("groups", "owner", "object_type", "name_like", "norad_ids")


@dataclass(frozen=True, slots=True)
class WatchList:
    """A named set of selections, and when it was stored (UTC)."""

    name: str
    selections: tuple[Selection, ...]
    created_utc: datetime


def selection_to_json(selection: Selection) -> dict[str, Any]:
    """A selection as a JSON object (the fields that narrow it)."""
    found: dict[str, Any] = {
        "groups": list(selection.groups),
        "owner": selection.owner,
        "object_type": selection.object_type,
        "name_like": selection.name_like,
        "norad_ids": list(selection.norad_ids),
    }
    return {key: value for key, value in found.items() if value not in (None, [])}


def selection_from_json(obj: Mapping[str, Any], where: str) -> Selection:
    """A selection from a JSON object; an error naming ``where`` and the field for anything else."""
    unknown = sorted(set(obj) - set(_FIELDS))
    if unknown:
        raise OrbitwatchError(f"{where}: unknown field {unknown[0]!r}; expected some of {', '.join(_FIELDS)}")
    groups = _texts(obj.get("groups", []), f"{where}.groups")
    ids = obj.get("norad_ids", [])
    if not isinstance(ids, list) or not all(type(n) is int and 0 < n <= MAX_NORAD_ID for n in ids):
        raise OrbitwatchError(f"{where}.norad_ids: expected a list of catalog numbers 1 to {MAX_NORAD_ID}")
    if len(ids) > MAX_NORAD_IDS:
        raise OrbitwatchError(f"{where}.norad_ids: {len(ids)} catalog numbers; at most {MAX_NORAD_IDS}")
    owner = _text(obj.get("owner"), f"{where}.owner")
    object_type = _text(obj.get("object_type"), f"{where}.object_type")
    selection = Selection(
        groups=tuple(groups),
        owner=owner.upper() if owner else None,
        object_type=object_type.upper() if object_type else None,
        name_like=_text(obj.get("name_like"), f"{where}.name_like"),
        norad_ids=tuple(dict.fromkeys(ids)),
    )
    if selection.is_empty():
        raise OrbitwatchError(f"{where}: the selection is empty (the whole catalog); narrow it")
    return selection


def create_watch_list(
    store: CatalogStore,
    name: str,
    selections: Sequence[Selection],
    *,
    now_utc: datetime,
    replace: bool = False,
) -> WatchList:
    """Store a watch list; one of the same name (ignoring case and separators) is an error, unless
    ``replace``."""
    if not name.strip() or not name.isprintable() or len(name) > 200:
        raise OrbitwatchError(f"watch list name {name!r}: give printable text of 1 to 200 characters")
    if not selections or len(selections) > MAX_SELECTIONS:
        raise OrbitwatchError(f"a watch list holds 1 to {MAX_SELECTIONS} selections, got {len(selections)}")
    for k, selection in enumerate(selections):
        selection_from_json(selection_to_json(selection), f"selections[{k}]")
    store.add_watch_list(
        name.strip(), [selection_to_json(s) for s in selections], created_utc=now_utc, replace=replace
    )
    return WatchList(name.strip(), tuple(selections), now_utc)


def list_watch_lists(store: CatalogStore) -> list[WatchList]:
    """Every stored watch list, by name."""
    return [_watch_list(stored) for stored in store.watch_lists()]


def find_watch_list(store: CatalogStore, name: str) -> WatchList | None:
    """The watch list of that name (ignoring case and separators), None when there is none."""
    stored = store.watch_list(name)
    return _watch_list(stored) if stored is not None else None


def get_watch_list(store: CatalogStore, name: str) -> WatchList:
    """The watch list of that name; an error when there is none."""
    found = find_watch_list(store, name)
    if found is None:
        raise OrbitwatchError(f"no stored watch list is named {name!r}")
    return found


def delete_watch_list(store: CatalogStore, name: str) -> bool:
    """Delete the watch list of that name; True when there was one."""
    return store.delete_watch_list(name)


def watch_list_objects(store: CatalogStore, watch_list: WatchList) -> list[CatalogEntry]:
    """The catalog entries of every selection of the watch list, once each, by catalog number."""
    found: dict[int, CatalogEntry] = {}
    for selection in watch_list.selections:
        found.update((entry.norad_id, entry) for entry in list_catalog(store, selection))
    return [found[n] for n in sorted(found)]


def watch_list_satellites(
    store: CatalogStore, watch_list: WatchList, at_utc: datetime | None
) -> SatelliteSet:
    """The element sets of the watch list's objects as :func:`~orbitwatch.services.targets.catalog_satellites`
    gives them for each selection (newest at ``at_utc`` or before when there is one), once each."""
    found: dict[int, ElementSet] = {}
    for selection in watch_list.selections:
        chosen = catalog_satellites(store=store, selection=selection, element_paths=(), at_utc=at_utc)
        found.update((e.norad_id, e) for e in chosen.elements)
    return SatelliteSet(tuple(found[n] for n in sorted(found)))


def _watch_list(stored: StoredWatchList) -> WatchList:
    selections = tuple(
        selection_from_json(obj, f"watch list {stored.name!r} selections[{k}]")
        for k, obj in enumerate(stored.selections)
    )
    return WatchList(stored.name, selections, stored.created_utc)


def _text(value: Any, where: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip() or not value.isprintable() or len(value) > 200:
        raise OrbitwatchError(f"{where}: expected printable text of 1 to 200 characters")
    return value.strip()


def _texts(value: Any, where: str) -> list[str]:
    if not isinstance(value, list) or len(value) > 100:
        raise OrbitwatchError(f"{where}: expected a list of at most 100 texts")
    return [text for k, item in enumerate(value) if (text := _text(item, f"{where}[{k}]")) is not None]
