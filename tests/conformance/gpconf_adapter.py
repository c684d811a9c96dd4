"""gpconf adapter: orbitwatch's element readers, TLE writer and Alpha-5/epoch/catalog-number parsers.

The runner imports ``gpconf_adapter:Parser`` (see gpconf's corpus/docs/ADAPTERS.md). Every file goes
through the one entry point the rest of orbitwatch uses, ``formats.read_elements``; the adapter only
renames fields, and reports each orbitwatch refusal through gpconf's refusal channel. An input that
orbitwatch refuses as a whole raises ``ElementsError``, which the runner reports as the parser's
refusal of the file.

A refusal's ``_field`` is the catalog number as the refused text carried it: columns 3-7 of a TLE line,
or the NORAD_CAT_ID value quoted in the refused OMM text, when the text holds one.
"""

import csv
import re
from datetime import datetime
from typing import Any

from gpconf.runner import Unsupported

from orbitwatch.core.elements import epochs, formats, omm, tle
from orbitwatch.core.elements.alpha5 import alpha5_decode, alpha5_encode
from orbitwatch.core.elements.model import ElementSet
from orbitwatch.core.elements.result import Refusal

DECLARATION = {"_adapter": {"refusals": True}}
FORMATS = {
    "tle": "tle",
    "2le": "tle",
    "csv": "omm-csv",
    "json": "omm-json",
    "xml": "omm-xml",
    "kvn": "omm-kvn",
}
_CATALOG_PATTERNS = {
    "omm-kvn": re.compile(r"NORAD_CAT_ID\s*=\s*([^\s\[]+)"),
    "omm-json": re.compile(r'"NORAD_CAT_ID"\s*:\s*"?([^",}\s]+)'),
    "omm-xml": re.compile(r"<NORAD_CAT_ID>\s*([^<\s]+)"),
}


class Parser:
    """The object the gpconf runner calls: ``parse`` for every file, and the vector and writer hooks."""

    def parse(self, raw: bytes, fmt: str) -> list[dict[str, Any]]:
        chosen = FORMATS.get(fmt)
        if chosen is None:
            raise Unsupported(fmt)
        result = formats.read_elements(raw, f"gpconf-{fmt}", fmt=chosen)
        out: list[dict[str, Any]] = [DECLARATION]
        out.extend(_record(element_set, chosen) for element_set in result.records)
        text = formats.decode_text(raw, "gpconf")
        out.extend(_refusal(refusal, chosen, text) for refusal in result.refusals)
        return out

    def alpha5_decode(self, field: str) -> int:
        return alpha5_decode(field)

    def alpha5_encode(self, n: int) -> str:
        return alpha5_encode(n)

    def two_digit_year(self, yy: str) -> int:
        return epochs.two_digit_year(int(yy))

    def parse_epoch(self, text: str) -> datetime:
        return epochs.ccsds_epoch(text)

    def parse_catalog_id(self, text: str) -> int:
        return omm.parse_norad_id(text)

    def write_tle(self, record: dict[str, Any]) -> list[str]:
        element_set = _element_set(record)
        return tle.write_tle([element_set], with_names=bool(element_set.name)).splitlines()


def _record(e: ElementSet, fmt: str) -> dict[str, Any]:
    """gpconf's field names for one element set; optional fields only where orbitwatch knows them.

    A TLE always carries the classification and the three counters. An OMM may leave them out, and
    then the ElementSet holds the TLE's defaults, indistinguishable from values the OMM carried: they
    are not reported for OMM formats (gpconf shows them as fields not returned). A missing OMM
    NORAD_CAT_ID is orbitwatch's ``UNKNOWN_NORAD_ID``, reported as no catalog number.
    """
    record: dict[str, Any] = {
        "norad_cat_id": e.norad_id,
        "epoch": e.epoch_utc,
        "mean_motion": e.mean_motion_rev_per_day,
        "eccentricity": e.eccentricity,
        "inclination": e.inclination_deg,
        "ra_of_asc_node": e.raan_deg,
        "arg_of_pericenter": e.arg_perigee_deg,
        "mean_anomaly": e.mean_anomaly_deg,
        "bstar": e.bstar_per_earth_radius,
        "mean_motion_dot": e.mean_motion_dot_rev_per_day2,
        "mean_motion_ddot": e.mean_motion_ddot_rev_per_day3,
    }
    if e.name:
        record["object_name"] = e.name
    if e.intl_designator:
        record["object_id"] = e.intl_designator
    if fmt == "tle":
        record.update(
            classification_type=e.classification,
            ephemeris_type=e.ephemeris_type,
            element_set_no=e.element_set_no,
            rev_at_epoch=e.rev_at_epoch,
        )
    else:
        record.update(
            norad_cat_id=None if e.norad_id == omm.UNKNOWN_NORAD_ID else e.norad_id,
            center_name=e.center_name,
            ref_frame=e.ref_frame,
            time_system=e.time_system,
            mean_element_theory=e.mean_element_theory,
        )
    return record


def _refusal(refusal: Refusal, fmt: str, text: str) -> dict[str, Any]:
    entry: dict[str, Any] = {"_refused": str(refusal), "_input": refusal.text}
    field = _catalog_field(refusal, fmt, text)
    if field is not None:
        entry["_field"] = field
    return entry


def _catalog_field(refusal: Refusal, fmt: str, text: str) -> str | None:
    """The catalog number as the refused text carried it, when it carries one."""
    if fmt == "tle":
        return refusal.text[2:7] if refusal.text.startswith(("1 ", "2 ")) else None
    if refusal.field == "NORAD_CAT_ID":
        return refusal.text.strip()
    if fmt == "omm-csv":
        return _csv_catalog_field(refusal.text, text)
    match = _CATALOG_PATTERNS[fmt].search(refusal.text)
    return match[1] if match else None


def _csv_catalog_field(row_text: str, text: str) -> str | None:
    header = next(csv.reader([text.lstrip().split("\n", 1)[0].strip()]), [])
    row = next(csv.reader([row_text]), [])
    if "NORAD_CAT_ID" not in header:
        return None
    column = header.index("NORAD_CAT_ID")
    return row[column].strip() if column < len(row) else None


def _element_set(record: dict[str, Any]) -> ElementSet:
    """The ElementSet of a gpconf writer record: integers, decimal strings, an ISO epoch string."""
    epoch = record["epoch"]
    optional: dict[str, Any] = {
        "name": record.get("object_name"),
        "intl_designator": record.get("object_id"),
        "classification": record.get("classification_type"),
        "ephemeris_type": record.get("ephemeris_type"),
        "element_set_no": record.get("element_set_no"),
        "rev_at_epoch": record.get("rev_at_epoch"),
        "bstar_per_earth_radius": _number(record.get("bstar")),
        "mean_motion_dot_rev_per_day2": _number(record.get("mean_motion_dot")),
        "mean_motion_ddot_rev_per_day3": _number(record.get("mean_motion_ddot")),
    }
    return ElementSet(
        norad_id=record["norad_cat_id"],
        epoch_utc=epoch if isinstance(epoch, datetime) else epochs.ccsds_epoch(str(epoch)),
        mean_motion_rev_per_day=float(record["mean_motion"]),
        eccentricity=float(record["eccentricity"]),
        inclination_deg=float(record["inclination"]),
        raan_deg=float(record["ra_of_asc_node"]),
        arg_perigee_deg=float(record["arg_of_pericenter"]),
        mean_anomaly_deg=float(record["mean_anomaly"]),
        **{key: value for key, value in optional.items() if value not in (None, "")},
    )


def _number(value: object) -> float | None:
    return None if value in (None, "") else float(str(value))
