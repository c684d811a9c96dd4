"""Change detection between two catalog states read from files or folders (all groups of a folder form
one state; a file's group is its CelesTrak group name, else its file name)."""

from dataclasses import dataclass
from pathlib import Path

from orbitwatch.core.changes import CatalogState, ChangeEvent, catalog_state, diff_states
from orbitwatch.core.elements.formats import read_elements
from orbitwatch.core.elements.model import ElementSet
from orbitwatch.core.elements.result import Refusal
from orbitwatch.errors import OrbitwatchError
from orbitwatch.io.files import read_path


@dataclass(frozen=True, slots=True)
class StateFromFiles:
    """A catalog state read from files, and the records refused on the way."""

    state: CatalogState
    refusals: tuple[Refusal, ...]


@dataclass(frozen=True, slots=True)
class Diff:
    """The events from ``old`` to ``new``; ``swapped`` when the inputs were given newest first."""

    events: tuple[ChangeEvent, ...]
    old: CatalogState
    new: CatalogState
    swapped: bool
    refusals: tuple[Refusal, ...]


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


def diff_locations(old_location: str, new_location: str) -> Diff:
    """The events between two states; states given in reverse order are swapped (and it says so)."""
    old, new = state_from_path(old_location), state_from_path(new_location)
    swapped = new.state.time_utc < old.state.time_utc
    if swapped:
        old, new = new, old
    events = diff_states(old.state, new.state)
    return Diff(events, old.state, new.state, swapped, old.refusals + new.refusals)
