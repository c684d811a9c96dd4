"""Change detection between two catalog states, read from files or folders (all groups of a folder form
one state; a file's group is its CelesTrak group name, else its file name) or from the store as it was at a
time; the events of a comparison with the store are kept in it, each once."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from orbitwatch.core.changes import CatalogState, ChangeEvent, catalog_state, diff_states
from orbitwatch.core.elements.formats import read_elements
from orbitwatch.core.elements.model import ElementSet
from orbitwatch.core.elements.result import Refusal
from orbitwatch.errors import OrbitwatchError
from orbitwatch.io.files import read_path
from orbitwatch.io.store import CatalogStore

StateSource = str | datetime
"""Where a catalog state comes from: a file or folder of element files, or a time (the store's state)."""


@dataclass(frozen=True, slots=True)
class StateFromFiles:
    """A catalog state read from files, and the records refused on the way."""

    state: CatalogState
    refusals: tuple[Refusal, ...]


@dataclass(frozen=True, slots=True)
class Diff:
    """The events from ``old`` to ``new``; ``swapped`` when the inputs were given newest first;
    ``recorded`` how many of the events were new to the store (None when no store was involved)."""

    events: tuple[ChangeEvent, ...]
    old: CatalogState
    new: CatalogState
    swapped: bool
    refusals: tuple[Refusal, ...]
    recorded: int | None = None


def state_from_path(location: str) -> StateFromFiles:
    """The catalog state of a file or a folder of element files."""
    groups: dict[str, list[ElementSet]] = {}
    refusals: list[Refusal] = []
    inputs = read_path(Path(location))
    if not inputs:
        raise OrbitwatchError(f"{location}: no element files there (.tle, .3le, .kvn, .xml, .json, .csv)")
    for item in inputs:
        result = read_elements(item.data, item.source)
        refusals.extend(result.refusals)
        groups.setdefault(item.group or Path(item.source).stem, []).extend(result.records)
    if not any(groups.values()):
        raise OrbitwatchError(f"{location}: its files hold no element set")
    return StateFromFiles(catalog_state(groups), tuple(refusals))


def state_from_store(store: CatalogStore, known_at_utc: datetime) -> StateFromFiles:
    """The catalog as the store knew it at a time (an error when it knew nothing by then)."""
    groups = store.state_at(known_at_utc)
    if not groups:
        raise OrbitwatchError(
            f"the store at {store.url} holds no group ingested by {known_at_utc.isoformat()}; "
            "ingest catalog snapshots (with their groups) first, or choose a later time"
        )
    return StateFromFiles(catalog_state(groups, known_at_utc), ())


def diff_locations(
    old_source: StateSource, new_source: StateSource, *, store: CatalogStore | None = None
) -> Diff:
    """The events between two states; states given in reverse order are swapped (and it says so)."""
    old, new = _state(old_source, store), _state(new_source, store)
    swapped = new.state.time_utc < old.state.time_utc
    if swapped:
        old, new = new, old
    return Diff(diff_states(old.state, new.state), old.state, new.state, swapped, old.refusals + new.refusals)


def record_diff(store: CatalogStore, diff: Diff, *, now_utc: datetime) -> Diff:
    """Keep the events of a comparison in the store (each event once); the diff with the count kept."""
    added, _ = store.record_events(diff.events, detected_utc=now_utc, detector="diff")
    return Diff(diff.events, diff.old, diff.new, diff.swapped, diff.refusals, len(added))


def _state(source: StateSource, store: CatalogStore | None) -> StateFromFiles:
    if isinstance(source, datetime):
        if store is None:
            raise OrbitwatchError("a state at a time (@TIME) needs the catalog store")
        return state_from_store(store, source)
    return state_from_path(source)


def uses_store(sources: Sequence[StateSource]) -> bool:
    """True when any state comes from the store."""
    return any(isinstance(source, datetime) for source in sources)
