"""Property tests: write-then-read keeps every element within the TLE's precision; no input crashes a reader.

Precision of each TLE field, as the writer rounds to it (half a unit of the last printed digit):

- epoch: 1e-8 day = 864 us, so within 432 us (plus the reader's 1 us rounding);
- mean motion: 1e-8 rev/day; eccentricity: 1e-7; angles: 1e-4 degree; first derivative: 1e-8 rev/day^2;
- second derivative and B*: a five-digit mantissa, so within 5e-5 relative (half a unit of the fifth
  digit of a mantissa of at least 0.1), and within 5e-15 absolute below the smallest exponent;
- catalog number, classification, designator, name, ephemeris type, element set and revolution
  numbers: exact (the counters within their four and five digits).
"""

import contextlib
import dataclasses
from datetime import UTC, datetime, timedelta
from importlib.resources import files

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orbitwatch.core.elements.formats import read_elements
from orbitwatch.core.elements.model import ElementSet
from orbitwatch.core.elements.tle import read_tle, write_tle
from orbitwatch.errors import ElementsError

EPOCH_TOLERANCE = timedelta(microseconds=433)
STATIONS = (files("orbitwatch") / "io" / "bundled" / "sample" / "2026-05-24" / "stations.tle").read_text(
    encoding="utf-8"
)
REAL_TEXT = "".join(STATIONS.splitlines(keepends=True)[:9])  # three 3LE records, CRLF, for the mutations

NAME_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ()-/.+&"


def _designators() -> st.SearchStrategy[str]:
    official = st.builds(
        "{}-{:03d}{}".format,
        st.integers(1957, 2056),
        st.integers(1, 999),
        st.text("ABCDEFGHJKLMNPQRSTUVWXYZ", min_size=1, max_size=3),
    )
    return st.one_of(st.just(""), official)


def _mantissa_values() -> st.SearchStrategy[float]:
    return st.one_of(
        st.just(0.0),
        st.floats(min_value=-9.9e8, max_value=9.9e8, allow_nan=False, allow_subnormal=False),
        st.floats(min_value=-1e-3, max_value=1e-3, allow_nan=False, allow_subnormal=False),
    )


element_sets = st.builds(
    ElementSet,
    norad_id=st.integers(0, 339_999),
    epoch_utc=st.datetimes(datetime(1957, 1, 1), datetime(2056, 12, 31, 23, 59, 59), timezones=st.just(UTC)),
    mean_motion_rev_per_day=st.floats(min_value=1e-3, max_value=99.99),
    eccentricity=st.floats(min_value=0.0, max_value=0.9999999),
    inclination_deg=st.floats(min_value=0.0, max_value=180.0),
    raan_deg=st.floats(min_value=0.0, max_value=360.0),
    arg_perigee_deg=st.floats(min_value=0.0, max_value=360.0),
    mean_anomaly_deg=st.floats(min_value=0.0, max_value=360.0),
    bstar_per_earth_radius=_mantissa_values(),
    mean_motion_dot_rev_per_day2=st.floats(min_value=-0.99999999, max_value=0.99999999),
    mean_motion_ddot_rev_per_day3=_mantissa_values(),
    name=st.text(NAME_ALPHABET, max_size=30)
    .map(str.strip)
    .filter(lambda name: name[:2] not in ("0 ", "1 ", "2 ")),
    intl_designator=_designators(),
    classification=st.sampled_from("UCS"),
    ephemeris_type=st.integers(0, 9),
    element_set_no=st.integers(0, 9999),
    rev_at_epoch=st.integers(0, 99999),
)


def _close_mantissa(read: float, written: float) -> bool:
    return abs(read - written) <= max(5.00001e-5 * abs(written), 5.00001e-15)


@settings(max_examples=300, deadline=None)
@given(st.lists(element_sets, min_size=1, max_size=3), st.booleans())
def test_write_then_read_keeps_every_field_within_its_precision(
    sets: list[ElementSet], with_names: bool
) -> None:
    result = read_tle(write_tle(sets, with_names=with_names), "written.tle")
    assert result.refusals == ()
    assert len(result.records) == len(sets)
    for read, written in zip(result.records, sets, strict=True):
        assert abs(read.epoch_utc - written.epoch_utc) <= EPOCH_TOLERANCE
        assert abs(read.mean_motion_rev_per_day - written.mean_motion_rev_per_day) <= 5.00001e-9
        assert abs(read.eccentricity - written.eccentricity) <= 5.00001e-8
        for angle in ("inclination_deg", "raan_deg", "arg_perigee_deg", "mean_anomaly_deg"):
            assert abs(getattr(read, angle) - getattr(written, angle)) <= 5.00001e-5
        assert abs(read.mean_motion_dot_rev_per_day2 - written.mean_motion_dot_rev_per_day2) <= 5.00001e-9
        assert _close_mantissa(read.bstar_per_earth_radius, written.bstar_per_earth_radius)
        assert _close_mantissa(read.mean_motion_ddot_rev_per_day3, written.mean_motion_ddot_rev_per_day3)
        exact = (
            "norad_id",
            "intl_designator",
            "classification",
            "ephemeris_type",
            "element_set_no",
            "rev_at_epoch",
        )
        assert [getattr(read, name) for name in exact] == [getattr(written, name) for name in exact]
        assert read.name == (written.name if with_names else "")


@settings(max_examples=50, deadline=None)
@given(element_sets, st.integers(100_000, 10**9), st.integers(10_000, 10**9))
def test_counters_are_written_modulo_their_width(element_set: ElementSet, revs: int, sets: int) -> None:
    big = dataclasses.replace(element_set, rev_at_epoch=revs, element_set_no=sets)
    read = read_tle(write_tle([big], with_names=False), "t").records[0]
    assert (read.rev_at_epoch, read.element_set_no) == (revs % 100_000, sets % 10_000)


def _assert_reads_or_refuses(data: bytes | str) -> None:
    """Reading may accept records or refuse them, or refuse the input as a whole; it never crashes."""
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    result = read_tle(text, "fuzz.tle")
    line_count = len(text.removeprefix("\ufeff").split("\n"))
    assert all(refusal.line is not None and 1 <= refusal.line <= line_count for refusal in result.refusals)
    assert all(record_text in text.replace("\r\n", "\n") for record_text in result.texts)
    for fmt in (None, "tle"):
        with contextlib.suppress(ElementsError):
            read_elements(data, "fuzz", fmt=fmt)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=600))
def test_random_bytes_never_raise_anything_but_elements_error(data: bytes) -> None:
    _assert_reads_or_refuses(data)


_EDITS = st.lists(
    st.tuples(st.sampled_from(["flip", "insert", "delete"]), st.integers(0, len(REAL_TEXT)), st.characters()),
    min_size=1,
    max_size=8,
)


def _edited(text: str, edits: list[tuple[str, int, str]]) -> str:
    for kind, position, character in edits:
        at = min(position, len(text))
        if kind == "flip":
            text = text[:at] + character + text[at + 1 :]
        elif kind == "insert":
            text = text[:at] + character + text[at:]
        else:
            text = text[:at] + text[at + 1 :]
    return text


@settings(max_examples=300, deadline=None)
@given(_EDITS, st.booleans())
def test_mutated_real_tles_never_raise_anything_but_elements_error(
    edits: list[tuple[str, int, str]], as_bytes: bool
) -> None:
    text = _edited(REAL_TEXT, edits)
    _assert_reads_or_refuses(text.encode("utf-8", "surrogatepass") if as_bytes else text)


def _record_bounds(text: str) -> list[tuple[int, int]]:
    """(offset of the name line, offset just after line 2's last character) of each 3LE record."""
    bounds, offset = [], 0
    lines = text.splitlines(keepends=True)
    for index in range(0, len(lines) - 2, 3):
        start = offset
        offset += sum(len(line) for line in lines[index : index + 3])
        bounds.append((start, offset - len(lines[index + 2]) + len(lines[index + 2].rstrip("\r\n"))))
    return bounds


@settings(max_examples=150, deadline=None)
@given(st.integers(0, len(STATIONS)))
def test_a_file_cut_anywhere_reads_the_records_before_the_cut_and_refuses_the_cut_one(cut_at: int) -> None:
    bounds = _record_bounds(STATIONS)
    complete = sum(1 for _, end in bounds if end <= cut_at)
    started = sum(1 for start, _ in bounds if start < cut_at)
    result = read_tle(STATIONS[:cut_at], "cut.tle")
    assert result.records == read_tle(STATIONS, "whole.tle").records[:complete]
    assert bool(result.refusals) == (started > complete)
