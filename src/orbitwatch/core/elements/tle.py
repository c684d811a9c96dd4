"""Two-line and three-line element sets (TLE, 3LE): reading with column-exact validation, and writing.

The format is the one of Hoots & Roehrich, Spacetrack Report No. 3 (1980, appendix), as CelesTrak
describes it ("NORAD Two-Line Element Set Format", https://celestrak.org/NORAD/documentation/tle-fmt.php)
and Space-Track extends it with Alpha-5 catalog numbers (see :mod:`orbitwatch.core.elements.alpha5`).
Columns are 1-based, as those documents number them:

line 1: 1 line number, 3-7 catalog number, 8 classification, 10-17 international designator
(YYNNNPPP), 19-32 epoch (YYDDD.DDDDDDDD), 34-43 first derivative of mean motion / 2 (rev/day^2),
45-52 second derivative / 6 (rev/day^3, implied leading decimal point and exponent), 54-61 B* (1/earth
radii, same form), 63 ephemeris type, 65-68 element set number, 69 checksum;
line 2: 1 line number, 3-7 catalog number, 9-16 inclination, 18-25 RAAN, 27-33 eccentricity (implied
leading decimal point), 35-42 argument of perigee, 44-51 mean anomaly (degrees), 53-63 mean motion
(rev/day), 64-68 revolution number at epoch, 69 checksum. Every other column up to 68 is a space.

The checksum is the sum of the digits of columns 1-68, each minus sign counting 1, modulo 10.
A three-line set has a name line before line 1: CelesTrak prints the name padded to 24 characters,
Space-Track prints it after ``0 ``; both are read.

Writing follows CelesTrak's rendering: the name padded to 24 characters, zero-padded catalog numbers,
five-digit mantissas rounded, a zero exponent field as `` 00000+0``. The writer rounds every value to
its field (CelesTrak truncates the eccentricity instead; that differs only in the last digit for a value
with more than seven decimals). The revolution number and the element set number are written modulo
100000 and 10000, as providers wrap them. A catalog number above 339999 cannot be written: such a record
belongs in an OMM.
"""

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from orbitwatch.core.elements.alpha5 import alpha5_decode, alpha5_encode
from orbitwatch.core.elements.epochs import tle_epoch, tle_epoch_field, two_digit_year
from orbitwatch.core.elements.model import ElementSet
from orbitwatch.core.elements.result import ReadResult, Refusal
from orbitwatch.errors import ElementsError

FORMAT: Final = "tle"
LINE_LENGTH: Final = 69
NAME_WIDTH: Final = 24
CLASSIFICATIONS: Final = ("U", "C", "S")

_LINE1_SEPARATORS: Final = (9, 18, 33, 44, 53, 62, 64)
_LINE2_SEPARATORS: Final = (8, 17, 26, 34, 43, 52)
_DIGIT_WEIGHTS: Final = tuple((weight, str(weight)) for weight in range(1, 10))
_OMM_DESIGNATOR = re.compile(r"(\d{4})-(\d{3})([A-Z]{1,3})", re.ASCII)


class _FieldError(ValueError):
    """A field of one TLE line that fails validation: ``field`` names the line and columns."""

    def __init__(self, line_in_record: int, field: str, reason: str) -> None:
        super().__init__(reason)
        self.line_in_record = line_in_record
        self.field = field
        self.reason = reason


@dataclass(frozen=True, slots=True)
class _Column:
    """A fixed-column field: its line (1 or 2), its 1-based columns, the fixed-width pattern of its text."""

    line: int
    first: int
    last: int
    name: str
    pattern: re.Pattern[str]
    expected: str
    span: slice

    @property
    def label(self) -> str:
        columns = f"column {self.first}" if self.first == self.last else f"columns {self.first}-{self.last}"
        return f"line {self.line} {columns} ({self.name})"

    def check(self, line: str) -> None:
        """Raise a ``_FieldError`` when the field's text does not match its pattern."""
        if self.pattern.fullmatch(line[self.span]) is None:
            raise self.error(f"{line[self.span]!r} is not {self.expected}")

    def error(self, reason: str) -> _FieldError:
        return _FieldError(self.line, self.label, reason)


def _column(line: int, first: int, last: int, name: str, pattern: str, expected: str) -> _Column:
    return _Column(line, first, last, name, re.compile(pattern, re.ASCII), expected, slice(first - 1, last))


def _right_justified(width: int) -> str:
    """A pattern of 1..width digits right-justified with spaces in exactly ``width`` characters."""
    return "|".join(" " * (width - digits) + rf"\d{{{digits}}}" for digits in range(1, width + 1))


# Every pattern matches a fixed width (its column range), so that a whole line can be checked in one match.
_ANGLE = rf"(?:{_right_justified(3)})\.\d{{4}}"
_ANGLE_TEXT = "an angle nnn.nnnn (degrees, right-justified)"
_EXPONENT = r"[ +-]\d{5}[+-]\d"
_EXPONENT_TEXT = "a signed five-digit mantissa and exponent such as ' 12345-4' or '-12345+0'"
_NUMBER_TEXT = "a right-justified number"

_CATALOG_1 = _column(1, 3, 7, "catalog number", r".{5}", "five characters")
_CLASSIFICATION = _column(1, 8, 8, "classification", r"[UCS]", "U, C or S")
_DESIGNATOR = _column(
    1,
    10,
    17,
    "international designator",
    r"\d{5}(?:[A-Z]{3}|[A-Z]{2} |[A-Z]  )| {8}",
    "YYNNNPPP (left-justified) or blank",
)
_EPOCH = _column(1, 19, 32, "epoch", r"\d{5}\.\d{8}", "an epoch YYDDD.DDDDDDDD")
_NDOT = _column(
    1, 34, 43, "first derivative of mean motion", r"[ +-]\.\d{8}", "a signed fraction such as ' .00012345'"
)
_NDDOT = _column(1, 45, 52, "second derivative of mean motion", _EXPONENT, _EXPONENT_TEXT)
_BSTAR = _column(1, 54, 61, "B*", _EXPONENT, _EXPONENT_TEXT)
_EPHEMERIS_TYPE = _column(1, 63, 63, "ephemeris type", r"\d", "a digit")
_ELEMENT_SET_NO = _column(1, 65, 68, "element set number", _right_justified(4), _NUMBER_TEXT)
_CHECKSUM_1 = _column(1, 69, 69, "checksum", r"\d", "a digit")
_CATALOG_2 = _column(2, 3, 7, "catalog number", r".{5}", "five characters")
_INCLINATION = _column(2, 9, 16, "inclination", _ANGLE, _ANGLE_TEXT)
_RAAN = _column(2, 18, 25, "right ascension of the ascending node", _ANGLE, _ANGLE_TEXT)
_ECCENTRICITY = _column(2, 27, 33, "eccentricity", r"\d{7}", "seven digits (implied leading decimal point)")
_ARG_PERIGEE = _column(2, 35, 42, "argument of perigee", _ANGLE, _ANGLE_TEXT)
_MEAN_ANOMALY = _column(2, 44, 51, "mean anomaly", _ANGLE, _ANGLE_TEXT)
_MEAN_MOTION = _column(
    2, 53, 63, "mean motion", rf"(?:{_right_justified(2)})\.\d{{8}}", "a mean motion nn.nnnnnnnn (rev/day)"
)
_REV_NUMBER = _column(2, 64, 68, "revolution number", _right_justified(5), _NUMBER_TEXT)
_CHECKSUM_2 = _column(2, 69, 69, "checksum", r"\d", "a digit")

_LINE1_COLUMNS: Final = (
    _CATALOG_1,
    _CLASSIFICATION,
    _DESIGNATOR,
    _EPOCH,
    _NDOT,
    _NDDOT,
    _BSTAR,
    _EPHEMERIS_TYPE,
    _ELEMENT_SET_NO,
    _CHECKSUM_1,
)
_LINE2_COLUMNS: Final = (
    _CATALOG_2,
    _INCLINATION,
    _RAAN,
    _ECCENTRICITY,
    _ARG_PERIGEE,
    _MEAN_ANOMALY,
    _MEAN_MOTION,
    _REV_NUMBER,
    _CHECKSUM_2,
)


def _layout(line_no: int, columns: tuple[_Column, ...]) -> re.Pattern[str]:
    """One pattern for a whole line: the line number, each column's pattern, a space in every gap."""
    parts, next_column = [f"{line_no} "], 3
    for column in columns:
        parts.append(" " * (column.first - next_column) + f"(?:{column.pattern.pattern})")
        next_column = column.last + 1
    return re.compile("".join(parts), re.ASCII)


_LINE1_LAYOUT: Final = _layout(1, _LINE1_COLUMNS)
_LINE2_LAYOUT: Final = _layout(2, _LINE2_COLUMNS)


def tle_checksum(line: str) -> int:
    """The checksum of a TLE line: its digits in columns 1-68 summed, each ``-`` counting 1, modulo 10."""
    count = line[:68].count
    return (count("-") + sum([weight * count(digit) for weight, digit in _DIGIT_WEIGHTS])) % 10


# ----------------------------------------------------------------------------------------------- reading


def read_tle(text: str, source: str) -> ReadResult[ElementSet]:
    """Every element set of a TLE or 3LE text, and a refusal with line, columns and reason for each bad one.

    Line endings LF or CRLF; blank lines and trailing spaces are ignored. A name line (with or without
    Space-Track's ``0 ``) before line 1 names the object. A bad record does not stop the reading: the
    reader refuses it and goes on with the next line that starts with ``1 `` (or with a name line).
    """
    return _Reader(text, source).read()


class _Reader:
    """One pass over the lines of one input, collecting records, their texts and refusals."""

    def __init__(self, text: str, source: str) -> None:
        self.source = source
        self.raw_lines = [line.removesuffix("\r") for line in text.removeprefix("\ufeff").split("\n")]
        self.lines = [line.rstrip() for line in self.raw_lines]
        self.records: list[ElementSet] = []
        self.texts: list[str] = []
        self.refusals: list[Refusal] = []

    def read(self) -> ReadResult[ElementSet]:
        name_index: int | None = None
        index = 0
        while index < len(self.lines):
            line = self.lines[index]
            if not line:
                index += 1
                continue
            if line.startswith(("1 ", "2 ")):
                if line.startswith("1 "):
                    index = self.read_pair(index, name_index)
                else:
                    self.refuse(index, "line 1", "a line 2 with no line 1 before it")
                    index += 1
                name_index = None
                continue
            if name_index is not None:
                self.refuse(name_index, "line 1", "a name line with no line 1 after it")
            name_index = index
            index += 1
        if name_index is not None:
            self.refuse(
                name_index, "line 1", "the input ends after a name line: line 1 and line 2 are missing (cut?)"
            )
        return ReadResult(self.source, FORMAT, tuple(self.records), tuple(self.refusals), tuple(self.texts))

    def read_pair(self, index: int, name_index: int | None) -> int:
        """Read the record whose line 1 is at ``index``; return the index of the next line to look at."""
        after = index + 1
        while after < len(self.lines) and not self.lines[after]:
            after += 1
        if after == len(self.lines):
            self.refuse(index, "line 2", "the input ends after line 1: line 2 is missing (cut?)")
            return after
        if not self.lines[after].startswith("2 "):
            self.refuse(index, "line 2", f"line 1 is followed by {self.lines[after][:24]!r}, not by a line 2")
            return after
        name = "" if name_index is None else _name(self.lines[name_index])
        try:
            self.records.append(_element_set(name, self.lines[index], self.lines[after]))
        except _FieldError as bad:
            self.refuse(index if bad.line_in_record == 1 else after, bad.field, bad.reason)
            return after + 1
        first = index if name_index is None else name_index
        kept = [self.raw_lines[i] for i in range(first, after + 1) if self.lines[i] or i == first]
        self.texts.append("\n".join(kept))
        return after + 1

    def refuse(self, index: int, field: str, reason: str) -> None:
        self.refusals.append(
            Refusal(self.source, reason, line=index + 1, field=field, text=self.raw_lines[index])
        )


def _name(line: str) -> str:
    """The object name of a name line: CelesTrak's padded form or Space-Track's ``0 NAME``."""
    return (line[2:] if line.startswith("0 ") else line).strip()


def _element_set(name: str, line1: str, line2: str) -> ElementSet:
    """The element set of a validated line pair; raises ``_FieldError`` at the first bad field."""
    _check_layout(1, line1, _LINE1_LAYOUT, _LINE1_COLUMNS, _LINE1_SEPARATORS)
    _check_layout(2, line2, _LINE2_LAYOUT, _LINE2_COLUMNS, _LINE2_SEPARATORS)
    norad_id = _catalog_number(_CATALOG_1, line1)
    if _catalog_number(_CATALOG_2, line2) != norad_id:
        raise _CATALOG_2.error(f"catalog field {line2[2:7]!r} differs from line 1's {line1[2:7]!r}")
    element_set = ElementSet(
        norad_id=norad_id,
        epoch_utc=_epoch(line1),
        mean_motion_rev_per_day=_positive(_MEAN_MOTION, line2),
        eccentricity=float("0." + line2[_ECCENTRICITY.span]),
        inclination_deg=_angle(_INCLINATION, line2, 180.0),
        raan_deg=_angle(_RAAN, line2, 360.0),
        arg_perigee_deg=_angle(_ARG_PERIGEE, line2, 360.0),
        mean_anomaly_deg=_angle(_MEAN_ANOMALY, line2, 360.0),
        bstar_per_earth_radius=_exponent_value(line1[_BSTAR.span]),
        mean_motion_dot_rev_per_day2=float(line1[_NDOT.span]),
        mean_motion_ddot_rev_per_day3=_exponent_value(line1[_NDDOT.span]),
        name=name,
        intl_designator=_designator(line1[_DESIGNATOR.span]),
        classification=line1[_CLASSIFICATION.span],
        ephemeris_type=int(line1[_EPHEMERIS_TYPE.span]),
        element_set_no=int(line1[_ELEMENT_SET_NO.span]),
        rev_at_epoch=int(line2[_REV_NUMBER.span]),
    )
    _check_checksum(1, line1)
    _check_checksum(2, line2)
    return element_set


def _check_layout(
    line_no: int,
    line: str,
    layout: re.Pattern[str],
    columns: tuple[_Column, ...],
    separators: tuple[int, ...],
) -> None:
    """Length 69, then every column: in one match for a good line, column by column to say what is wrong."""
    if len(line) != LINE_LENGTH:
        shape = "short" if len(line) < LINE_LENGTH else "long"
        raise _FieldError(
            line_no,
            f"line {line_no} columns 1-{LINE_LENGTH}",
            f"line {line_no} is {len(line)} characters long ({shape}); a TLE line has {LINE_LENGTH}",
        )
    if layout.fullmatch(line) is not None:
        return
    for column_no in separators:
        if line[column_no - 1] != " ":
            raise _FieldError(
                line_no,
                f"line {line_no} column {column_no} (separator)",
                f"{line[column_no - 1]!r} where a space separates two fields",
            )
    for column in columns:
        column.check(line)


def _check_checksum(line_no: int, line: str) -> None:
    written, computed = line[68], tle_checksum(line)
    if written != str(computed):
        raise _FieldError(
            line_no,
            f"line {line_no} column 69 (checksum)",
            f"checksum {written!r} written, {computed} computed "
            "(the digits of columns 1-68 summed, '-' as 1, modulo 10)",
        )


def _catalog_number(column: _Column, line: str) -> int:
    try:
        return alpha5_decode(line[column.span])
    except ValueError as exc:
        raise column.error(str(exc)) from None


def _epoch(line1: str) -> datetime:
    try:
        return tle_epoch(line1[_EPOCH.span])
    except ValueError as exc:
        raise _EPOCH.error(str(exc)) from None


def _angle(column: _Column, line: str, highest_deg: float) -> float:
    value = float(line[column.span])
    if value > highest_deg:
        raise column.error(f"{value} degrees is outside 0..{highest_deg:g}")
    return value


def _positive(column: _Column, line: str) -> float:
    value = float(line[column.span])
    if value <= 0.0:
        raise column.error(f"{value} must be above 0")
    return value


def _exponent_value(field: str) -> float:
    """The value of an implied-decimal exponent field: ``' 12345-4'`` is 0.12345e-4."""
    return float(f"{field[0].strip()}0.{field[1:6]}e{field[6:8]}")


def _designator(field: str) -> str:
    """OMM form of a TLE international designator: ``'98067A  '`` -> ``'1998-067A'``; blank -> ``''``."""
    if not field.strip():
        return ""
    return f"{two_digit_year(int(field[:2]))}-{field[2:5]}{field[5:].rstrip()}"


# ----------------------------------------------------------------------------------------------- writing


def write_tle(elements: Iterable[ElementSet], *, with_names: bool) -> str:
    """TLE text (3LE when ``with_names``) of element sets, LF line endings, in the order given.

    The name line is the name padded to 24 characters, as CelesTrak prints it (longer names are kept
    whole). Raises ``ElementsError`` for a set the format cannot carry (see :func:`format_tle`).
    """
    lines: list[str] = []
    for element_set in elements:
        if with_names:
            lines.append(_name_line(element_set))
        lines.extend(format_tle(element_set))
    return "".join(line + "\n" for line in lines)


def format_tle(e: ElementSet) -> tuple[str, str]:
    """Line 1 and line 2 of an element set, each 69 characters with its checksum.

    Raises ``ElementsError`` naming the field for what a TLE cannot carry: a catalog number above
    339999 or negative, an epoch outside 1957-2056, an eccentricity that rounds to 1, a mean motion of
    100 rev/day or more, angles out of range, derivatives or B* too large for their fields.
    """
    try:
        catalog = alpha5_encode(e.norad_id)
        body1 = (
            f"1 {catalog}{_classification(e.classification)} {_designator_field(e.intl_designator)} "
            f"{tle_epoch_field(e.epoch_utc)} {_ndot_field(e.mean_motion_dot_rev_per_day2)} "
            f"{_exponent_field(e.mean_motion_ddot_rev_per_day3, 'second derivative of mean motion')} "
            f"{_exponent_field(e.bstar_per_earth_radius, 'B*')} {_ephemeris_type(e.ephemeris_type)} "
            f"{_counter(e.element_set_no, 4, 'element set number')}"
        )
        body2 = (
            f"2 {catalog} {_fixed(e.inclination_deg, 'inclination', 180.0)} "
            f"{_fixed(e.raan_deg, 'RAAN', 360.0)} {_eccentricity_field(e.eccentricity)} "
            f"{_fixed(e.arg_perigee_deg, 'argument of perigee', 360.0)} "
            f"{_fixed(e.mean_anomaly_deg, 'mean anomaly', 360.0)} "
            f"{_mean_motion_field(e.mean_motion_rev_per_day)}"
            f"{_counter(e.rev_at_epoch, 5, 'revolution number')}"
        )
    except ValueError as exc:
        raise ElementsError(f"catalog number {e.norad_id}: cannot be written as a TLE: {exc}") from None
    return body1 + str(tle_checksum(body1)), body2 + str(tle_checksum(body2))


def _name_line(e: ElementSet) -> str:
    if any(mark in e.name for mark in "\r\n") or e.name.startswith(("0 ", "1 ", "2 ")):
        raise ElementsError(
            f"catalog number {e.norad_id}: the name {e.name!r} cannot stand on a 3LE name line "
            "(a line break, or a start that reads as Space-Track's '0 ', line 1 or line 2)"
        )
    return e.name.ljust(NAME_WIDTH)


def _classification(classification: str) -> str:
    if classification not in CLASSIFICATIONS:
        raise ValueError(f"classification {classification!r} is not one of U, C, S")
    return classification


def _designator_field(designator: str) -> str:
    """TLE columns 10-17 of an OMM designator: ``'1998-067A'`` -> ``'98067A  '``; ``''`` -> blank."""
    if not designator:
        return " " * 8
    match = _OMM_DESIGNATOR.fullmatch(designator)
    if match is None or not 1957 <= int(match[1]) <= 2056:
        raise ValueError(
            f"international designator {designator!r} is not YYYY-NNNP[PP] with a launch year in 1957..2056"
        )
    return f"{match[1][2:]}{match[2]}{match[3]}".ljust(8)


def _ndot_field(value: float) -> str:
    """Columns 34-43: sign and eight decimals with the leading zero dropped, ``' .00010270'``."""
    text = f"{abs(value):.8f}"
    if not text.startswith("0."):
        raise ValueError(f"first derivative of mean motion {value} is not below 1 in magnitude")
    sign = "-" if value < 0 and text != "0.00000000" else " "
    return sign + text[1:]


def _exponent_field(value: float, what: str) -> str:
    """An implied-decimal exponent field: 0.22159e-3 -> ``' 22159-3'``, zero -> ``' 00000+0'``.

    The mantissa is rounded to five digits. A value too small for the exponent -9 is written
    denormalised (``' 00012-9'``), and one that rounds to zero there as zero.
    """
    if not math.isfinite(value):
        raise ValueError(f"{what} {value} is not a finite number")
    mantissa, exponent_text = f"{abs(value):.4e}".split("e")
    digits, exponent = mantissa.replace(".", ""), int(exponent_text) + 1
    if exponent < -9:
        digits, exponent = f"{round(abs(value) * 1e14):05d}", -9
    if digits == "00000":
        return " 00000+0"
    if exponent > 9:
        raise ValueError(f"{what} {value} is too large for a TLE exponent field (largest 0.99999e+9)")
    return f"{'-' if value < 0 else ' '}{digits}{exponent:+d}"


def _ephemeris_type(value: int) -> str:
    if not 0 <= value <= 9:
        raise ValueError(f"ephemeris type {value} is not one digit")
    return str(value)


def _counter(value: int, width: int, what: str) -> str:
    """A right-justified counter, written modulo 10**width as providers wrap it."""
    if value < 0:
        raise ValueError(f"{what} {value} is negative")
    return f"{value % 10**width:>{width}d}"


def _fixed(value_deg: float, what: str, highest_deg: float) -> str:
    if not 0.0 <= value_deg <= highest_deg:
        raise ValueError(f"{what} {value_deg} degrees is outside 0..{highest_deg:g}")
    return f"{value_deg + 0.0:8.4f}"  # + 0.0 turns -0.0 into 0.0


def _eccentricity_field(eccentricity: float) -> str:
    text = f"{eccentricity + 0.0:.7f}"
    if not (eccentricity >= 0.0 and text.startswith("0.")):
        raise ValueError(f"eccentricity {eccentricity} is not in 0 <= e < 1 at seven decimals")
    return text[2:]


def _mean_motion_field(rev_per_day: float) -> str:
    text = f"{rev_per_day:11.8f}"
    if not (math.isfinite(rev_per_day) and len(text) == 11 and float(text) > 0.0):
        raise ValueError(f"mean motion {rev_per_day} rev/day is not in 0 < n < 100 at eight decimals")
    return text
