"""Catalog change detection (pure): the events between two catalog states, and re-entry assessment."""

from orbitwatch.core.changes.decay import DecayAssessment, assess_decay
from orbitwatch.core.changes.diff import (
    EVENT_KINDS,
    CatalogState,
    ChangeEvent,
    catalog_state,
    catalog_time,
    diff_states,
    group_by_orbit,
    launch_id,
)

__all__ = [
    "EVENT_KINDS",
    "CatalogState",
    "ChangeEvent",
    "DecayAssessment",
    "assess_decay",
    "catalog_state",
    "catalog_time",
    "diff_states",
    "group_by_orbit",
    "launch_id",
]
