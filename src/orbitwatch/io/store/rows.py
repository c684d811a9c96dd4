"""Table rows from the core's records and records from rows, with the checks done before any write.

Pure: no database here. Times are stored as timezone-naive UTC and come back timezone-aware.
"""

import hashlib
import json
import math
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any, Final

from orbitwatch.core.elements.epochs import as_utc
from orbitwatch.core.elements.model import MAX_NORAD_ID, ElementSet
from orbitwatch.core.elements.result import ReadResult, Refusal
from orbitwatch.core.elements.satcat import ObjectMetadata
from orbitwatch.errors import StoreError

ELEMENT_FLOATS: Final = (
    "mean_motion_rev_per_day",
    "eccentricity",
    "inclination_deg",
    "raan_deg",
    "arg_perigee_deg",
    "mean_anomaly_deg",
    "bstar_per_earth_radius",
    "mean_motion_dot_rev_per_day2",
    "mean_motion_ddot_rev_per_day3",
)
ELEMENT_INTS: Final = ("ephemeris_type", "element_set_no", "rev_at_epoch")
ELEMENT_TEXTS: Final = (
    "name",
    "intl_designator",
    "classification",
    "center_name",
    "ref_frame",
    "time_system",
    "mean_element_theory",
)
# What makes two element sets the same: everything but the object's names and the extras.
_IDENTITY_TEXTS: Final = ELEMENT_TEXTS[2:]
METADATA_FLOATS: Final = ("period_min", "inclination_deg", "apogee_km", "perigee_km", "rcs_m2")
METADATA_TEXTS: Final = (
    "name",
    "intl_designator",
    "object_type",
    "ops_status",
    "owner",
    "launch_site",
    "data_status",
    "orbit_center",
    "orbit_type",
)
_INT64: Final = range(-(2**63), 2**63)
_SHA256: Final = re.compile(r"[0-9a-f]{64}")


def naive_utc(moment: datetime) -> datetime:
    """The instant as a timezone-naive UTC datetime, as the tables store it (naive input is UTC)."""
    return as_utc(moment).replace(tzinfo=None)


def aware_utc(stored: datetime) -> datetime:
    """A stored timezone-naive UTC datetime as a timezone-aware one."""
    return stored.replace(tzinfo=UTC)


def fingerprint(elements: ElementSet) -> str:
    """SHA-1 (hex) of the canonical element values: equal for equal element sets, names aside."""
    parts = [str(elements.norad_id), naive_utc(elements.epoch_utc).isoformat(timespec="microseconds")]
    parts += [repr(float(getattr(elements, name)) + 0.0) for name in ELEMENT_FLOATS]
    parts += [str(int(getattr(elements, name))) for name in ELEMENT_INTS]
    parts += [getattr(elements, name) for name in _IDENTITY_TEXTS]
    return hashlib.sha1("|".join(parts).encode("utf-8"), usedforsecurity=False).hexdigest()


def check_sha256(sha256: str) -> str:
    """The SHA-256 hex digest in lower case; StoreError if it is not 64 hex digits."""
    digest = sha256.strip().lower()
    if not _SHA256.fullmatch(digest):
        raise StoreError(f"sha256 {sha256!r} is not a SHA-256 hex digest (64 hex digits)")
    return digest


def check_group(group: str | None) -> str:
    """The group name as stored (``""`` for none); StoreError for a blank or unprintable name."""
    if group is None:
        return ""
    if not group.strip() or not group.isprintable():
        raise StoreError(f"group name {group!r} must be printable text that is not blank")
    return group


def check_elements(result: ReadResult[ElementSet]) -> None:
    """StoreError naming the first record that cannot be stored faithfully; nothing is written then."""
    if result.texts and len(result.texts) != len(result.records):
        raise StoreError(
            f"{result.source}: {len(result.texts)} original texts for {len(result.records)} records; "
            "a ReadResult needs one text per record, or none"
        )
    for index, elements in enumerate(result.records):
        where = f"{result.source}: record {index + 1} (NORAD {elements.norad_id})"
        _check_norad_id(elements.norad_id, where)
        _check_values(where, {name: getattr(elements, name) for name in ELEMENT_FLOATS}, optional=False)
        for name in ELEMENT_INTS:
            if getattr(elements, name) not in _INT64:
                raise StoreError(f"{where}: {name} {getattr(elements, name)} does not fit in 64 bits")
        texts = [(name, getattr(elements, name)) for name in ELEMENT_TEXTS]
        texts += [(f"extra {key}", value) for key, value in elements.extras]
        if result.texts:
            texts.append(("original text", result.texts[index]))
        _check_texts(where, texts)


def check_metadata(result: ReadResult[ObjectMetadata]) -> None:
    """StoreError naming the first SATCAT record that cannot be stored faithfully."""
    for index, meta in enumerate(result.records):
        where = f"{result.source}: record {index + 1} (NORAD {meta.norad_id})"
        _check_norad_id(meta.norad_id, where)
        _check_values(where, {name: getattr(meta, name) for name in METADATA_FLOATS}, optional=True)
        _check_texts(where, [(name, getattr(meta, name)) for name in METADATA_TEXTS])


def _check_norad_id(norad_id: int, where: str) -> None:
    if not 1 <= norad_id <= MAX_NORAD_ID:
        raise StoreError(f"{where}: catalog number {norad_id} is outside 1..{MAX_NORAD_ID}")


def _check_values(where: str, values: Mapping[str, float | None], *, optional: bool) -> None:
    for name, value in values.items():
        if value is None and optional:
            continue
        if value is None or not math.isfinite(value):
            raise StoreError(f"{where}: {name} is {value}; a stored value must be a finite number")


def _check_texts(where: str, texts: Iterable[tuple[str, str]]) -> None:
    for name, value in texts:
        if "\x00" in value:
            raise StoreError(f"{where}: {name} contains a NUL character, which PostgreSQL cannot store")


def element_row(elements: ElementSet, text: str, fmt: str, ingest_id: int) -> dict[str, Any]:
    """The ``element_sets`` row of one element set (without its id)."""
    row: dict[str, Any] = {name: float(getattr(elements, name)) for name in ELEMENT_FLOATS}
    row.update({name: int(getattr(elements, name)) for name in ELEMENT_INTS})
    row.update({name: getattr(elements, name) for name in ELEMENT_TEXTS})
    row.update(
        norad_id=elements.norad_id,
        epoch_utc=naive_utc(elements.epoch_utc),
        fingerprint=fingerprint(elements),
        extras=json.dumps([list(pair) for pair in elements.extras]),
        original_text=text,
        format=fmt,
        ingest_id=ingest_id,
    )
    return row


def element_from_row(row: Mapping[Any, Any]) -> ElementSet:
    """The element set of an ``element_sets`` row."""
    values = {name: row[name] for name in (*ELEMENT_FLOATS, *ELEMENT_INTS, *ELEMENT_TEXTS)}
    return ElementSet(
        norad_id=int(row["norad_id"]),
        epoch_utc=aware_utc(row["epoch_utc"]),
        extras=tuple((str(key), str(value)) for key, value in json.loads(row["extras"])),
        **values,
    )


def new_object_row(elements: ElementSet, ingest_id: int) -> dict[str, Any]:
    """The ``objects`` row of an object first seen in an element set (no SATCAT values yet)."""
    row: dict[str, Any] = dict.fromkeys(METADATA_TEXTS, "")
    row.update(dict.fromkeys(("launch_date", "decay_date", *METADATA_FLOATS)))
    row.update(
        norad_id=elements.norad_id,
        name=elements.name,
        intl_designator=elements.intl_designator,
        first_ingest_id=ingest_id,
        updated_ingest_id=ingest_id,
    )
    return row


def metadata_row(meta: ObjectMetadata, ingest_id: int) -> dict[str, Any]:
    """The ``objects`` row of a SATCAT record."""
    row: dict[str, Any] = {name: getattr(meta, name) for name in (*METADATA_TEXTS, *METADATA_FLOATS)}
    row.update(
        norad_id=meta.norad_id,
        launch_date=meta.launch_date,
        decay_date=meta.decay_date,
        first_ingest_id=ingest_id,
        updated_ingest_id=ingest_id,
    )
    return row


def refusal_row(ingest_id: int, seq: int, refusal: Refusal) -> dict[str, Any]:
    """The ``ingest_refusals`` row of a refusal; NUL characters become U+FFFD (PostgreSQL has no NUL)."""
    return {
        "ingest_id": ingest_id,
        "seq": seq,
        "line": refusal.line,
        "record": refusal.record,
        "field": _without_nul(refusal.field),
        "reason": _without_nul(refusal.reason),
        "text": _without_nul(refusal.text),
    }


def _without_nul(text: str) -> str:
    return text.replace("\x00", "\ufffd")
