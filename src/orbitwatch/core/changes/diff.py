"""Snapshot comparison: the catalog events between two catalog states.

A catalog state is what a catalog published at one time: each group's element sets. An object is
known to a state when it is in any of its groups, so an object that moves between groups is a group
change, never a launch or a removal.

An object unknown to the old state is classified by its international designator (COSPAR, ``YYYY-NNNP``):

- a piece of a launch that the old state already holds is a ``new_object`` (a fragment or a newly
  catalogued piece);
- otherwise it is a ``launch`` when its launch is recent: launched in or after the year of the old
  state's time and not older than the newest launch of the old state by more than
  ``LAUNCH_NUMBER_TOLERANCE`` numbers of that year (designators are issued in launch order). The
  revolution number is not evidence: a spacecraft docked to a station inherits the station's count, as
  SHENZHOU-23 (2026-113A) does with revolution 28965 in its first element set;
- an older launch (CelesTrak adding an old satellite to a group, as it added DSP 20, 21 and 22 of
  2000-2004 to GEO on 2026-05-26) is a ``group_added``, with ``old_groups`` empty in its details;
- objects with an empty designator (analyst objects) are grouped by orbit similarity, each group one
  ``launch`` without a launch id.

An object of the old state that no group of the new one holds is ``removed``, or a
``decay_candidate`` when its last elements show an imminent re-entry (``decay.assess_decay``). An object
still in the catalog whose newest elements show an imminent re-entry that its older ones did not is a
``decay_candidate`` too (``still_in_catalog`` in its details).
"""

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType

from orbitwatch.core.changes.decay import WINDOW_FRACTION, DecayAssessment, assess_decay
from orbitwatch.core.elements.model import ElementSet
from orbitwatch.errors import ElementsError

Figure = str | int | float | bool | None | tuple[str, ...] | tuple[int, ...] | tuple[float, ...]
"""A figure in an event's details: a value, or one value per object of the event."""

EVENT_KINDS = (
    "launch",
    "new_object",
    "group_added",
    "group_removed",
    "removed",
    "decay_candidate",
    "renamed",
    "manoeuvre",
)

_LAUNCH_ID = re.compile(r"\d{4}-\d{3}")
LAUNCH_NUMBER_TOLERANCE = 20
"""How many launch numbers of one year below the old state's newest launch a launch still counts as new."""
SIMILAR_INCLINATION_DEG = 0.5
"""Objects without a designator whose inclinations differ by less than this may share a launch."""
SIMILAR_RAAN_DEG = 2.0
"""... whose right ascensions of the node differ by less than this (days of differential J2 drift) ..."""
SIMILAR_MEAN_MOTION_REV_PER_DAY = 0.2
"""... and whose mean motions differ by less than this (about 50 km in low orbit)."""


@dataclass(frozen=True)
class CatalogState:
    """Every group's element sets of one catalog at one time (UTC).

    Build it with ``catalog_state``; an object may be in several groups.
    """

    groups: Mapping[str, tuple[ElementSet, ...]]
    time_utc: datetime


@dataclass(frozen=True)
class ChangeEvent:
    """One change between two catalog states.

    ``kind`` is one of ``EVENT_KINDS``; ``launch_id`` is the launch part ``YYYY-NNN`` of the
    designator for launches and new objects, else empty. ``epoch_before`` and ``epoch_after`` bracket
    the change (the old state's last sight of the objects and the new state's first), None where a
    state has no element set of them. ``details`` holds the figures behind the event.
    """

    kind: str
    norad_ids: tuple[int, ...]
    launch_id: str
    epoch_before: datetime | None
    epoch_after: datetime | None
    details: Mapping[str, Figure] = field(default_factory=dict)


def catalog_state(
    groups: Mapping[str, Iterable[ElementSet]], time_utc: datetime | None = None
) -> CatalogState:
    """A catalog state; its time is ``time_utc`` (the ingest or publication time) or :func:`catalog_time`."""
    frozen = {name: tuple(elements) for name, elements in groups.items()}
    if time_utc is None:
        time_utc = catalog_time([e for elements in frozen.values() for e in elements])
    return CatalogState(MappingProxyType(frozen), time_utc)


def catalog_time(elements: Sequence[ElementSet]) -> datetime:
    """The time a catalog of these element sets was published, estimated as their median epoch.

    The median, not the newest epoch: some objects carry epochs days after the snapshot was published
    (in CelesTrak's science group of 2026-05-25, CXO has an epoch of 2026-05-28).
    """
    if not elements:
        raise ElementsError(
            "catalog state: no element sets and no time_utc; expected a time for an empty state"
        )
    epochs = sorted(e.epoch_utc for e in elements)
    return epochs[len(epochs) // 2]


def launch_id(intl_designator: str) -> str:
    """The launch part ``YYYY-NNN`` of a designator (``2026-113A`` -> ``2026-113``), or empty."""
    match = _LAUNCH_ID.match(intl_designator)
    return match.group(0) if match else ""


def diff_states(old: CatalogState, new: CatalogState) -> tuple[ChangeEvent, ...]:
    """The events that take the catalog from ``old`` to ``new``, ordered by kind and catalog number."""
    old_objects, new_objects = _latest_by_id(old), _latest_by_id(new)
    appeared = [new_objects[i] for i in sorted(new_objects.keys() - old_objects.keys())]
    events = [
        *_appearance_events(old, new, old_objects, appeared),
        *_removal_events(old, new, new_objects, old_objects),
        *_group_events(old, new, old_objects, new_objects),
        *_rename_events(old_objects, new_objects),
        *_decaying_events(old_objects, new_objects),
    ]
    return tuple(sorted(events, key=lambda e: (EVENT_KINDS.index(e.kind), e.norad_ids)))


def _latest_by_id(state: CatalogState) -> dict[int, ElementSet]:
    latest: dict[int, ElementSet] = {}
    for elements in state.groups.values():
        for e in elements:
            if e.norad_id not in latest or e.epoch_utc > latest[e.norad_id].epoch_utc:
                latest[e.norad_id] = e
    return latest


def _group_index(state: CatalogState) -> dict[int, set[str]]:
    index: dict[int, set[str]] = {}
    for name, elements in state.groups.items():
        for e in elements:
            index.setdefault(e.norad_id, set()).add(name)
    return index


def _launch_key(launch: str) -> tuple[int, int]:
    return int(launch[:4]), int(launch[5:8])


def _is_recent_launch(launch: str, old: CatalogState, newest_old: tuple[int, int] | None) -> bool:
    year, number = _launch_key(launch)
    if year < old.time_utc.year:
        return False
    if newest_old is None or year > newest_old[0]:
        return True
    return year == newest_old[0] and number >= newest_old[1] - LAUNCH_NUMBER_TOLERANCE


def _appearance_events(
    old: CatalogState,
    new: CatalogState,
    old_objects: Mapping[int, ElementSet],
    appeared: Sequence[ElementSet],
) -> list[ChangeEvent]:
    old_launches = {launch_id(e.intl_designator) for e in old_objects.values()} - {""}
    newest_old = max((_launch_key(launch) for launch in old_launches), default=None)
    by_launch: dict[str, list[ElementSet]] = {}
    for e in appeared:
        by_launch.setdefault(launch_id(e.intl_designator), []).append(e)
    events = [_launch_event(old, pieces, "") for pieces in group_by_orbit(by_launch.pop("", []))]
    index = _group_index(new)
    for launch, pieces in sorted(by_launch.items()):
        if launch in old_launches:
            events += [_new_object_event(old, launch, p) for p in pieces]
        elif _is_recent_launch(launch, old, newest_old):
            events.append(_launch_event(old, pieces, launch))
        else:
            events += [
                _group_event("group_added", (), tuple(sorted(index[p.norad_id])), None, p) for p in pieces
            ]
    return events


def group_by_orbit(elements: Sequence[ElementSet]) -> list[list[ElementSet]]:
    """Objects grouped by orbit similarity (single linkage on the ``SIMILAR_*`` thresholds)."""
    groups: list[list[ElementSet]] = []
    for e in sorted(elements, key=lambda x: x.norad_id):
        joined = [g for g in groups if any(_similar_orbits(e, other) for other in g)]
        merged = [e] + [x for g in joined for x in g]
        groups = [g for g in groups if g not in joined] + [sorted(merged, key=lambda x: x.norad_id)]
    return sorted(groups, key=lambda g: g[0].norad_id)


def _similar_orbits(a: ElementSet, b: ElementSet) -> bool:
    raan_diff_deg = abs((a.raan_deg - b.raan_deg + 180.0) % 360.0 - 180.0)
    return (
        abs(a.inclination_deg - b.inclination_deg) < SIMILAR_INCLINATION_DEG
        and raan_diff_deg < SIMILAR_RAAN_DEG
        and abs(a.mean_motion_rev_per_day - b.mean_motion_rev_per_day) < SIMILAR_MEAN_MOTION_REV_PER_DAY
    )


def _orbit_figures(pieces: Sequence[ElementSet]) -> dict[str, Figure]:
    return {
        "pieces": len(pieces),
        "names": tuple(p.name for p in pieces),
        "intl_designators": tuple(p.intl_designator for p in pieces),
        "perigee_alt_km": tuple(round(p.perigee_alt_km, 1) for p in pieces),
        "apogee_alt_km": tuple(round(p.apogee_alt_km, 1) for p in pieces),
        "inclination_deg": tuple(round(p.inclination_deg, 4) for p in pieces),
        "period_min": tuple(round(p.period_min, 3) for p in pieces),
    }


def _launch_event(old: CatalogState, pieces: Sequence[ElementSet], launch: str) -> ChangeEvent:
    return ChangeEvent(
        kind="launch",
        norad_ids=tuple(p.norad_id for p in pieces),
        launch_id=launch,
        epoch_before=old.time_utc,
        epoch_after=min(p.epoch_utc for p in pieces),
        details=_orbit_figures(pieces),
    )


def _new_object_event(old: CatalogState, launch: str, piece: ElementSet) -> ChangeEvent:
    return ChangeEvent(
        "new_object", (piece.norad_id,), launch, old.time_utc, piece.epoch_utc, _orbit_figures([piece])
    )


def _group_event(
    kind: str,
    old_groups: tuple[str, ...],
    new_groups: tuple[str, ...],
    before: ElementSet | None,
    after: ElementSet,
) -> ChangeEvent:
    changed = sorted(set(new_groups) ^ set(old_groups))
    return ChangeEvent(
        kind=kind,
        norad_ids=(after.norad_id,),
        launch_id="",
        epoch_before=before.epoch_utc if before else None,
        epoch_after=after.epoch_utc,
        details={
            "name": after.name,
            "intl_designator": after.intl_designator,
            "groups": tuple(changed),
            "old_groups": old_groups,
            "new_groups": new_groups,
        },
    )


def _group_events(
    old: CatalogState,
    new: CatalogState,
    old_objects: Mapping[int, ElementSet],
    new_objects: Mapping[int, ElementSet],
) -> list[ChangeEvent]:
    old_index, new_index = _group_index(old), _group_index(new)
    events = []
    for norad_id in sorted(old_objects.keys() & new_objects.keys()):
        before, after = tuple(sorted(old_index[norad_id])), tuple(sorted(new_index[norad_id]))
        pair = (old_objects[norad_id], new_objects[norad_id])
        if set(after) - set(before):
            events.append(_group_event("group_added", before, after, *pair))
        if set(before) - set(after):
            events.append(_group_event("group_removed", before, after, *pair))
    return events


def _removal_events(
    old: CatalogState,
    new: CatalogState,
    new_objects: Mapping[int, ElementSet],
    old_objects: Mapping[int, ElementSet],
) -> list[ChangeEvent]:
    old_index = _group_index(old)
    return [
        _removal_event(new, old_objects[i], tuple(sorted(old_index[i])))
        for i in sorted(old_objects.keys() - new_objects.keys())
    ]


def _removal_event(new: CatalogState, last: ElementSet, old_groups: tuple[str, ...]) -> ChangeEvent:
    assessment = assess_decay(last)
    identity: dict[str, Figure] = {"name": last.name, "intl_designator": last.intl_designator}
    return ChangeEvent(
        kind="decay_candidate" if assessment.is_candidate else "removed",
        norad_ids=(last.norad_id,),
        launch_id="",
        epoch_before=last.epoch_utc,
        epoch_after=new.time_utc,
        details=identity | {"old_groups": old_groups} | _decay_figures(assessment),
    )


def _decay_figures(assessment: DecayAssessment) -> dict[str, Figure]:
    def iso(t: datetime | None) -> str | None:
        return t.isoformat().replace("+00:00", "Z") if t else None

    lifetime = assessment.remaining_lifetime_days
    return {
        "decay_method": "King-Hele circular-orbit lifetime, exponential atmosphere (Vallado Table 8-4)",
        "perigee_alt_km": round(assessment.perigee_alt_km, 1),
        "mean_motion_rev_per_day": assessment.mean_motion_rev_per_day,
        "mean_motion_rate_rev_per_day2": assessment.mean_motion_rate_rev_per_day2,
        "scale_height_km": round(assessment.scale_height_km, 2),
        "decay_rate_km_per_day": round(assessment.decay_rate_km_per_day, 3),
        "remaining_lifetime_days": round(lifetime, 3) if lifetime is not None else None,
        "reentry_earliest_utc": iso(assessment.reentry_earliest_utc),
        "reentry_central_utc": iso(assessment.reentry_central_utc),
        "reentry_latest_utc": iso(assessment.reentry_latest_utc),
        "reentry_window_fraction": WINDOW_FRACTION,
    }


def _decaying_events(
    old_objects: Mapping[int, ElementSet], new_objects: Mapping[int, ElementSet]
) -> list[ChangeEvent]:
    """Objects still in the catalog whose newest elements, unlike their older ones, show a near re-entry."""
    events = []
    for i in sorted(old_objects.keys() & new_objects.keys()):
        assessment = assess_decay(new_objects[i])
        if assessment.is_candidate and not assess_decay(old_objects[i]).is_candidate:
            after = new_objects[i]
            identity: dict[str, Figure] = {"name": after.name, "intl_designator": after.intl_designator}
            details = identity | {"still_in_catalog": True} | _decay_figures(assessment)
            events.append(
                ChangeEvent("decay_candidate", (i,), "", old_objects[i].epoch_utc, after.epoch_utc, details)
            )
    return events


def _rename_events(
    old_objects: Mapping[int, ElementSet], new_objects: Mapping[int, ElementSet]
) -> list[ChangeEvent]:
    return [
        ChangeEvent(
            kind="renamed",
            norad_ids=(i,),
            launch_id="",
            epoch_before=old_objects[i].epoch_utc,
            epoch_after=new_objects[i].epoch_utc,
            details={"old_name": old_objects[i].name, "new_name": new_objects[i].name},
        )
        for i in sorted(old_objects.keys() & new_objects.keys())
        if old_objects[i].name != new_objects[i].name
    ]
