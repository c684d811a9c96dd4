"""OMM keywords and their values: one conversion between keyword values and an ElementSet for every encoding.

Keywords and units are those of CCSDS 502.0-B-3 section 4.2 (Tables 4-1 header, 4-2 metadata,
4-3 data). Every reader (KVN, XML, JSON, CSV) gathers a record's keyword values into a mapping
and calls :func:`element_set_from_fields`; every writer takes its values from :func:`omm_values`.

Values arrive as text (KVN, XML, CSV, Space-Track's JSON) or as JSON numbers (CelesTrak's JSON).
Text numbers must be plain ASCII decimals (7.5.4 integers, 7.5.6/7.5.7 fixed and floating point,
with the leading-dot form ``.0125362`` that CelesTrak writes); anything else, including ``nan``,
``inf`` and digits of other scripts that Python's ``float`` would take, is refused.
"""

import json
import math
import re
import unicodedata
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Final, TypeVar

from orbitwatch.core.elements.epochs import ccsds_epoch, ccsds_epoch_text
from orbitwatch.core.elements.model import MAX_NORAD_ID, ElementSet
from orbitwatch.errors import ElementsError

T = TypeVar("T")

UNKNOWN_NORAD_ID: Final = 0
"""``norad_id`` of an element set whose OMM carried no NORAD_CAT_ID (optional in Table 4-3)."""

HEADER_KEYWORDS: Final = ("CCSDS_OMM_VERS", "CLASSIFICATION", "CREATION_DATE", "ORIGINATOR", "MESSAGE_ID")
METADATA_KEYWORDS: Final = (
    "OBJECT_NAME",
    "OBJECT_ID",
    "CENTER_NAME",
    "REF_FRAME",
    "TIME_SYSTEM",
    "MEAN_ELEMENT_THEORY",
)
MEAN_ELEMENT_KEYWORDS: Final = (
    "EPOCH",
    "MEAN_MOTION",
    "ECCENTRICITY",
    "INCLINATION",
    "RA_OF_ASC_NODE",
    "ARG_OF_PERICENTER",
    "MEAN_ANOMALY",
)
TLE_PARAMETER_KEYWORDS: Final = (
    "EPHEMERIS_TYPE",
    "CLASSIFICATION_TYPE",
    "NORAD_CAT_ID",
    "ELEMENT_SET_NO",
    "REV_AT_EPOCH",
    "BSTAR",
    "MEAN_MOTION_DOT",
    "MEAN_MOTION_DDOT",
)
MANDATORY_KEYWORDS: Final = (*MEAN_ELEMENT_KEYWORDS, "BSTAR", "MEAN_MOTION_DOT", "MEAN_MOTION_DDOT")
"""The keywords an SGP4 element set cannot do without (Table 4-3, MEAN_ELEMENT_THEORY = SGP4)."""

CELESTRAK_KEYS: Final = (
    "OBJECT_NAME",
    "OBJECT_ID",
    *MEAN_ELEMENT_KEYWORDS,
    *TLE_PARAMETER_KEYWORDS,
)
"""The keys of CelesTrak's GP JSON and CSV, in CelesTrak's order."""

KNOWN_KEYWORDS: Final = frozenset(
    (*HEADER_KEYWORDS, *METADATA_KEYWORDS, *MEAN_ELEMENT_KEYWORDS, *TLE_PARAMETER_KEYWORDS, "COMMENT")
)

UNITS: Final = {
    "MEAN_MOTION": "rev/day",
    "INCLINATION": "deg",
    "RA_OF_ASC_NODE": "deg",
    "ARG_OF_PERICENTER": "deg",
    "MEAN_ANOMALY": "deg",
    "BSTAR": "1/ER",
    "MEAN_MOTION_DOT": "rev/day**2",
    "MEAN_MOTION_DDOT": "rev/day**3",
}
"""The units Table 4-3 gives each keyword that has one, as KVN brackets and XML ``units`` write them."""

NUMERIC_KEYWORDS: Final = frozenset((*MEAN_ELEMENT_KEYWORDS, *TLE_PARAMETER_KEYWORDS)) - {
    "EPOCH",
    "CLASSIFICATION_TYPE",
}
"""The keywords whose KVN values may carry bracketed units (7.7.1)."""

_CONSTANT_METADATA: Final = {
    "CENTER_NAME": ("EARTH",),
    "REF_FRAME": ("TEME",),
    "TIME_SYSTEM": ("UTC",),
    "MEAN_ELEMENT_THEORY": ("SGP4", "SGP/SGP4"),
}
"""The metadata values (Table 4-2) of SGP4 mean elements; the ElementSet keeps its defaults for them."""

_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_INTEGER = re.compile(r"[+-]?[0-9]+")
_ALPHA5 = re.compile(r"[A-Z][0-9]{4}")
_NORAD_ID_DIGITS = 9
_COUNTER_MAX = 999_999_999
_SHOWN_CHARS = 40


class FieldError(ValueError):
    """One keyword's value is missing or cannot be read: the keyword, its text and why."""

    def __init__(self, keyword: str, text: str, reason: str) -> None:
        super().__init__(reason)
        self.keyword = keyword
        self.text = text
        self.reason = reason


def shown(text: str) -> str:
    """A value quoted for a message, cut short when it is long."""
    if len(text) > _SHOWN_CHARS:
        text = text[: _SHOWN_CHARS - 3] + "..."
    return repr(text)


def value_text(value: object) -> str:
    """The text of a keyword value as the input carried it (JSON values re-serialised)."""
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    return json.dumps(value, separators=(",", ":"))


def parse_norad_id(text: str) -> int:
    """The catalog number of a NORAD_CAT_ID text: an integer of up to nine digits (Table 4-3).

    An optional sign and leading zeros are legal (7.5.4). An Alpha-5 field (a TLE-only encoding),
    a decimal, an empty text, a negative number and more than nine significant digits raise
    ValueError saying which.
    """
    stripped = text.strip()
    if not stripped:
        raise ValueError("NORAD_CAT_ID is empty; an OMM without a catalog number omits the keyword")
    if _ALPHA5.fullmatch(stripped):
        raise ValueError(
            f"NORAD_CAT_ID {shown(text)} is an Alpha-5 TLE field; "
            "an OMM carries the catalog number as an integer"
        )
    if not _INTEGER.fullmatch(stripped):
        raise ValueError(f"NORAD_CAT_ID {shown(text)} is not an integer")
    digits = stripped.lstrip("+-").lstrip("0")
    if len(digits) > _NORAD_ID_DIGITS:
        raise ValueError(f"NORAD_CAT_ID {shown(text)} has more than nine digits (CCSDS 502.0-B-3 Table 4-3)")
    number = int(digits or "0")
    if stripped.startswith("-") and number:
        raise ValueError(f"NORAD_CAT_ID {shown(text)} is negative")
    return number


def element_set_from_fields(fields: Mapping[str, object]) -> ElementSet:
    """The ElementSet of one OMM's keyword values (keywords upper-case, values text or JSON values).

    Mandatory (Table 4-3 for MEAN_ELEMENT_THEORY = SGP4): EPOCH, MEAN_MOTION, ECCENTRICITY,
    INCLINATION, RA_OF_ASC_NODE, ARG_OF_PERICENTER, MEAN_ANOMALY, BSTAR, MEAN_MOTION_DOT,
    MEAN_MOTION_DDOT. Missing or empty metadata takes the values CelesTrak's CSV and JSON leave out
    (EARTH, TEME, UTC, SGP4); other values are refused, since SGP4 elements are TEME mean elements
    about the Earth in UTC. Missing optional TLE parameters take the TLE's defaults; a missing
    NORAD_CAT_ID gives ``UNKNOWN_NORAD_ID``. Unknown keywords are kept in ``extras``.

    Raises FieldError naming the first keyword that is missing or cannot be read.
    """
    for keyword in _CONSTANT_METADATA:
        _check_constant(keyword, fields.get(keyword))
    return ElementSet(
        norad_id=_optional(fields, "NORAD_CAT_ID", _norad_id, UNKNOWN_NORAD_ID),
        epoch_utc=_required(fields, "EPOCH", _epoch),
        mean_motion_rev_per_day=_required(fields, "MEAN_MOTION", _mean_motion),
        eccentricity=_required(fields, "ECCENTRICITY", _eccentricity),
        inclination_deg=_required(fields, "INCLINATION", _inclination),
        raan_deg=_required(fields, "RA_OF_ASC_NODE", _angle),
        arg_perigee_deg=_required(fields, "ARG_OF_PERICENTER", _angle),
        mean_anomaly_deg=_required(fields, "MEAN_ANOMALY", _angle),
        bstar_per_earth_radius=_required(fields, "BSTAR", real_number),
        mean_motion_dot_rev_per_day2=_required(fields, "MEAN_MOTION_DOT", real_number),
        mean_motion_ddot_rev_per_day3=_required(fields, "MEAN_MOTION_DDOT", real_number),
        name=_optional(fields, "OBJECT_NAME", _text, ""),
        intl_designator=_optional(fields, "OBJECT_ID", _text, ""),
        classification=_optional(fields, "CLASSIFICATION_TYPE", _classification, "U"),
        ephemeris_type=_optional(fields, "EPHEMERIS_TYPE", _counter, 0),
        element_set_no=_optional(fields, "ELEMENT_SET_NO", _counter, 999),
        rev_at_epoch=_optional(fields, "REV_AT_EPOCH", _counter, 0),
        extras=tuple((key, value_text(value)) for key, value in fields.items() if key not in KNOWN_KEYWORDS),
    )


def check_units(keyword: str, units: str) -> None:
    """Raise FieldError unless ``units`` (from ``[...]`` or a ``units`` attribute) are the keyword's own."""
    expected = UNITS.get(keyword)
    if expected is None or "".join(units.split()).lower() != expected.lower():
        wanted = f"[{expected}]" if expected else "none"
        raise FieldError(
            keyword, units, f"{keyword} units [{units}] are not {wanted} (CCSDS 502.0-B-3 Table 4-3)"
        )


def omm_values(element_set: ElementSet) -> dict[str, str | int | float]:
    """Metadata, mean elements and TLE parameters of an element set, keyword to value, in Table 4-2/4-3 order.

    The values are checked as a reader checks them, so that a writer never writes what no reader
    here would take back: ElementsError for metadata other than EARTH/TEME/UTC/SGP4, a number that
    is not finite or out of its range, a catalog number over nine digits, or a control character
    in a text (a line break ends a KVN line; XML 1.0 cannot carry most of them).
    """
    values: dict[str, str | int | float] = {
        "OBJECT_NAME": element_set.name,
        "OBJECT_ID": element_set.intl_designator,
        "CENTER_NAME": element_set.center_name,
        "REF_FRAME": element_set.ref_frame,
        "TIME_SYSTEM": element_set.time_system,
        "MEAN_ELEMENT_THEORY": element_set.mean_element_theory,
        "EPOCH": ccsds_epoch_text(element_set.epoch_utc),
        "MEAN_MOTION": element_set.mean_motion_rev_per_day,
        "ECCENTRICITY": element_set.eccentricity,
        "INCLINATION": element_set.inclination_deg,
        "RA_OF_ASC_NODE": element_set.raan_deg,
        "ARG_OF_PERICENTER": element_set.arg_perigee_deg,
        "MEAN_ANOMALY": element_set.mean_anomaly_deg,
        "EPHEMERIS_TYPE": element_set.ephemeris_type,
        "CLASSIFICATION_TYPE": element_set.classification,
        "NORAD_CAT_ID": element_set.norad_id,
        "ELEMENT_SET_NO": element_set.element_set_no,
        "REV_AT_EPOCH": element_set.rev_at_epoch,
        "BSTAR": element_set.bstar_per_earth_radius,
        "MEAN_MOTION_DOT": element_set.mean_motion_dot_rev_per_day2,
        "MEAN_MOTION_DDOT": element_set.mean_motion_ddot_rev_per_day3,
    }
    try:
        element_set_from_fields(values)
    except FieldError as exc:
        raise ElementsError(
            f"element set of NORAD {element_set.norad_id}: {exc.reason}; no OMM can carry it"
        ) from None
    return values


def celestrak_values(element_set: ElementSet) -> dict[str, str | int | float]:
    """The values CelesTrak's GP JSON and CSV carry, in CelesTrak's key order."""
    values = omm_values(element_set)
    return {key: values[key] for key in CELESTRAK_KEYS}


def written(value: str | int | float) -> str:
    """The text a writer prints for a value: floats as ``repr``, which reads back to the same float."""
    return repr(value) if isinstance(value, float) else str(value)


def _required(fields: Mapping[str, object], keyword: str, convert: Callable[[str, object], T]) -> T:
    value = fields.get(keyword)
    if keyword not in fields:
        raise FieldError(keyword, "", f"{keyword} is missing; CCSDS 502.0-B-3 Table 4-3 requires it for SGP4")
    if value is None or (isinstance(value, str) and not value.strip()):
        raise FieldError(keyword, value_text(value), f"{keyword} is empty")
    return convert(keyword, value)


def _optional(
    fields: Mapping[str, object], keyword: str, convert: Callable[[str, object], T], default: T
) -> T:
    value = fields.get(keyword)
    if value is None or (isinstance(value, str) and not value.strip()):
        return default
    return convert(keyword, value)


def _check_constant(keyword: str, value: object) -> None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return
    accepted = _CONSTANT_METADATA[keyword]
    if not isinstance(value, str) or value.strip().upper() not in accepted:
        raise FieldError(
            keyword,
            value_text(value),
            f"{keyword} {shown(value_text(value))} is not {' or '.join(accepted)}; "
            f"orbitwatch reads SGP4 mean elements (TEME, Earth-centred, UTC) only",
        )


def _text(keyword: str, value: object) -> str:
    if not isinstance(value, str):
        raise FieldError(keyword, value_text(value), f"{keyword} {shown(value_text(value))} is not text")
    if _has_control_character(value.strip()):
        raise FieldError(keyword, value, f"{keyword} {shown(value)} holds a control character")
    return value.strip()


def _has_control_character(text: str) -> bool:
    return any(unicodedata.category(char) in ("Cc", "Cs") or char in "\ufffe\uffff" for char in text)


def real_number(keyword: str, value: object) -> float:
    """A finite float from a JSON number or a plain ASCII decimal text; FieldError otherwise."""
    text = value_text(value)
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise FieldError(keyword, text, f"{keyword} {shown(text)} is not a number")
    if isinstance(value, str):
        value = value.strip()
        if not _DECIMAL.fullmatch(value):
            raise FieldError(keyword, text, f"{keyword} {shown(text)} is not a number")
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    if not math.isfinite(number):
        raise FieldError(keyword, text, f"{keyword} {shown(text)} is not a finite number")
    return number


def _in_range(keyword: str, value: object, low: float, high: float, *, high_open: bool = False) -> float:
    number = real_number(keyword, value)
    above = number >= high if high_open else number > high
    if number < low or above:
        bracket = ")" if high_open else "]"
        raise FieldError(
            keyword,
            value_text(value),
            f"{keyword} {shown(value_text(value))} is outside [{low:g}, {high:g}{bracket}",
        )
    return number


def _mean_motion(keyword: str, value: object) -> float:
    number = real_number(keyword, value)
    if number <= 0.0:
        raise FieldError(keyword, value_text(value), f"{keyword} {shown(value_text(value))} is not positive")
    return number


def _eccentricity(keyword: str, value: object) -> float:
    return _in_range(keyword, value, 0.0, 1.0, high_open=True)


def _inclination(keyword: str, value: object) -> float:
    return _in_range(keyword, value, 0.0, 180.0)


def _angle(keyword: str, value: object) -> float:
    return _in_range(keyword, value, -360.0, 360.0, high_open=True)


def _epoch(keyword: str, value: object) -> datetime:
    text = value_text(value)
    if not isinstance(value, str):
        raise FieldError(keyword, text, f"{keyword} {shown(text)} is not a CCSDS epoch text")
    try:
        return ccsds_epoch(value)
    except (ValueError, OverflowError) as exc:
        raise FieldError(keyword, text, f"{keyword}: {exc}") from None


def _counter(keyword: str, value: object) -> int:
    text = value_text(value)
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and _INTEGER.fullmatch(value.strip()):
        digits = value.strip().lstrip("+-").lstrip("0") or "0"
        negative = value.strip().startswith("-") and digits != "0"
        if negative or len(digits) > len(str(_COUNTER_MAX)):
            raise FieldError(keyword, text, f"{keyword} {shown(text)} is out of range")
        number = int(digits)
    else:
        raise FieldError(keyword, text, f"{keyword} {shown(text)} is not an integer")
    if not 0 <= number <= _COUNTER_MAX:
        raise FieldError(keyword, text, f"{keyword} {shown(text)} is out of range")
    return number


def _norad_id(keyword: str, value: object) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        if not 0 <= value <= MAX_NORAD_ID:
            raise FieldError(
                keyword, value_text(value), f"{keyword} {value} is not an integer of up to nine digits"
            )
        return value
    if not isinstance(value, str):
        raise FieldError(
            keyword, value_text(value), f"{keyword} {shown(value_text(value))} is not an integer"
        )
    try:
        return parse_norad_id(value)
    except ValueError as exc:
        raise FieldError(keyword, value, str(exc)) from None


def _classification(keyword: str, value: object) -> str:
    text = _text(keyword, value)
    if len(text) != 1 or not text.isascii() or not text.isalpha():
        raise FieldError(keyword, text, f"{keyword} {shown(text)} is not one letter (U, C or S)")
    return text.upper()
