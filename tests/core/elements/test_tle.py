"""TLE/3LE reading and writing on real CelesTrak data: values, every refusal, and byte-exact writing."""

import dataclasses
import time
from datetime import UTC, datetime
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import Any

import pytest

from orbitwatch.core.elements.formats import read_elements, write_elements
from orbitwatch.core.elements.model import ElementSet
from orbitwatch.core.elements.tle import format_tle, read_tle, tle_checksum, write_tle
from orbitwatch.errors import ElementsError

SAMPLE = files("orbitwatch") / "io" / "bundled" / "sample"
SAMPLE_FILES: list[Traversable] = sorted(
    (tle for day in SAMPLE.iterdir() if day.is_dir() for tle in day.iterdir() if tle.name.endswith(".tle")),
    key=lambda tle: str(tle),
)


def _sample_id(tle: Traversable) -> str:
    return f"{str(tle).split('/')[-2]}/{tle.name}"


def _military_lines() -> list[str]:
    """The first three 3LE records of CelesTrak's military group on 2026-05-24: nine lines, LF endings."""
    text = (SAMPLE / "2026-05-24" / "military.tle").read_text(encoding="utf-8")
    return text.replace("\r\n", "\n").split("\n")[:9]


# Lines 4-6 (1-based) are the record that the refusal tests damage; records 31797 and 65565 surround it.
LINES = _military_lines()
SAPPHIRE_LINE1, SAPPHIRE_LINE2 = LINES[4], LINES[5]
NEIGHBOURS = [31797, 65565]


def with_checksum(line: str) -> str:
    return line[:68] + str(tle_checksum(line))


def replaced(line: str, column: int, text: str) -> str:
    """The line with ``text`` written over it from the 1-based ``column`` on."""
    return line[: column - 1] + text + line[column - 1 + len(text) :]


def read_with(
    line1: str | None, line2: str | None
) -> tuple[list[int], list[tuple[int | None, str, str, str]]]:
    """Read the three records with the middle one's lines replaced (None deletes the line)."""
    lines = LINES[:4] + [line for line in (line1, line2) if line is not None] + LINES[6:]
    result = read_tle("\n".join(lines) + "\n", "military.tle")
    refusals = [(r.line, r.field, r.reason, r.text) for r in result.refusals]
    return [e.norad_id for e in result.records], refusals


# ------------------------------------------------------------------------------------------- reading


@pytest.mark.parametrize("tle", SAMPLE_FILES, ids=_sample_id)
def test_every_bundled_record_is_read_without_refusal(tle: Traversable) -> None:
    text = tle.read_text(encoding="utf-8")
    result = read_tle(text, tle.name)
    assert result.refusals == ()
    assert len(result.records) == len(text.splitlines()) // 3
    assert len(result.texts) == len(result.records)
    assert result.format == "tle"
    assert all(e.name for e in result.records)


def test_values_of_a_real_record() -> None:
    e = read_tle("\n".join(LINES[:3]), "military.tle").records[0]
    assert e == ElementSet(
        norad_id=31797,
        epoch_utc=datetime(2026, 5, 24, 5, 44, 27, 870144, tzinfo=UTC),
        mean_motion_rev_per_day=15.46585368,
        eccentricity=0.0012543,
        inclination_deg=98.1014,
        raan_deg=245.7841,
        arg_perigee_deg=188.1333,
        mean_anomaly_deg=171.9713,
        bstar_per_earth_radius=0.39936e-3,
        mean_motion_dot_rev_per_day2=0.00019854,
        mean_motion_ddot_rev_per_day3=0.0,
        name="SAR-LUPE 2",
        intl_designator="2007-030A",
        classification="U",
        ephemeris_type=0,
        element_set_no=999,
        rev_at_epoch=5323,
    )


def test_negative_fields_and_exponents() -> None:
    line1 = with_checksum(replaced(replaced(SAPPHIRE_LINE1, 34, "-.00000123"), 45, "-11606-4"))
    line1 = with_checksum(replaced(line1, 54, "-18786+1"))
    e = read_tle(f"{line1}\n{SAPPHIRE_LINE2}\n", "t").records[0]
    assert e.mean_motion_dot_rev_per_day2 == -0.00000123
    assert e.mean_motion_ddot_rev_per_day3 == -0.11606e-4
    assert e.bstar_per_earth_radius == -1.8786


def test_two_line_form_crlf_blank_lines_and_trailing_spaces() -> None:
    text = f"\r\n{LINES[1]}   \r\n\r\n{LINES[2]}\r\n\r\n{SAPPHIRE_LINE1}\r\n{SAPPHIRE_LINE2}\t\r\n"
    result = read_tle(text, "t")
    assert [e.norad_id for e in result.records] == [31797, 39088]
    assert [e.name for e in result.records] == ["", ""]
    assert result.refusals == ()


def test_space_track_name_lines_and_a_byte_order_mark() -> None:
    text = f"\ufeff0 SAR-LUPE 2\n{LINES[1]}\n{LINES[2]}\n0 SAPPHIRE  \n{SAPPHIRE_LINE1}\n{SAPPHIRE_LINE2}"
    result = read_tle(text, "t")
    assert [e.name for e in result.records] == ["SAR-LUPE 2", "SAPPHIRE"]
    assert result.texts == (
        f"0 SAR-LUPE 2\n{LINES[1]}\n{LINES[2]}",
        f"0 SAPPHIRE  \n{SAPPHIRE_LINE1}\n{SAPPHIRE_LINE2}",
    )


def test_texts_are_the_original_lines() -> None:
    crlf = "\r\n".join(LINES) + "\r\n"
    result = read_tle(crlf, "military.tle")
    assert result.texts == tuple("\n".join(LINES[i : i + 3]) for i in (0, 3, 6))


@pytest.mark.parametrize(
    ("field", "designator"),
    [("98067A  ", "1998-067A"), ("57001B  ", "1957-001B"), ("56001ABC", "2056-001ABC"), ("        ", "")],
)
def test_international_designator_uses_the_57_pivot(field: str, designator: str) -> None:
    line1 = with_checksum(replaced(SAPPHIRE_LINE1, 10, field))
    assert read_tle(f"{line1}\n{SAPPHIRE_LINE2}", "t").records[0].intl_designator == designator


def test_classification_ephemeris_type_and_space_padded_catalog_number() -> None:
    line1 = with_checksum(replaced(replaced(replaced(SAPPHIRE_LINE1, 3, "  964C"), 63, "4"), 65, "   7"))
    line2 = with_checksum(replaced(SAPPHIRE_LINE2, 3, "  964"))
    e = read_tle(f"{line1}\n{line2}", "t").records[0]
    assert (e.norad_id, e.classification, e.ephemeris_type, e.element_set_no) == (964, "C", 4, 7)


def test_alpha5_catalog_numbers() -> None:
    line1 = with_checksum(replaced(SAPPHIRE_LINE1, 3, "T0449"))
    line2 = with_checksum(replaced(SAPPHIRE_LINE2, 3, "T0449"))
    assert read_tle(f"{line1}\n{line2}", "t").records[0].norad_id == 270449


def test_the_format_dispatcher_detects_and_reads_tle_bytes() -> None:
    data = (SAMPLE / "2026-05-24" / "military.tle").read_bytes()
    result = read_elements(data, "military.tle")
    assert result.format == "tle"
    assert result.records == read_tle(data.decode("utf-8"), "military.tle").records
    assert write_elements(result.records, "3le") == write_tle(result.records, with_names=True)
    assert write_elements(result.records, "tle") == write_tle(result.records, with_names=False)


def test_thirty_thousand_records_read_in_seconds() -> None:
    one_of_each = "".join(tle.read_text(encoding="utf-8") for tle in SAMPLE_FILES)
    text = one_of_each * (30_000 // len(read_tle(one_of_each, "x").records) + 1)
    elapsed_s = []
    for _ in range(2):  # the better of two, so that a busy machine does not fail the test
        started = time.perf_counter()
        result = read_tle(text, "big.tle")
        elapsed_s.append(time.perf_counter() - started)
    assert len(result.records) >= 30_000
    assert min(elapsed_s) < 10.0  # about 1 s here; generous for a loaded 2-core CI machine


# ------------------------------------------------------------------------------------------- refusals

LETTER_IN_FIELD = [
    (1, 3, "line 1 columns 3-7 (catalog number)"),
    (1, 8, "line 1 column 8 (classification)"),
    (1, 12, "line 1 columns 10-17 (international designator)"),
    (1, 19, "line 1 columns 19-32 (epoch)"),
    (1, 26, "line 1 columns 19-32 (epoch)"),
    (1, 36, "line 1 columns 34-43 (first derivative of mean motion)"),
    (1, 46, "line 1 columns 45-52 (second derivative of mean motion)"),
    (1, 51, "line 1 columns 45-52 (second derivative of mean motion)"),
    (1, 55, "line 1 columns 54-61 (B*)"),
    (1, 63, "line 1 column 63 (ephemeris type)"),
    (1, 68, "line 1 columns 65-68 (element set number)"),
    (2, 3, "line 2 columns 3-7 (catalog number)"),
    (2, 10, "line 2 columns 9-16 (inclination)"),
    (2, 20, "line 2 columns 18-25 (right ascension of the ascending node)"),
    (2, 30, "line 2 columns 27-33 (eccentricity)"),
    (2, 36, "line 2 columns 35-42 (argument of perigee)"),
    (2, 48, "line 2 columns 44-51 (mean anomaly)"),
    (2, 55, "line 2 columns 53-63 (mean motion)"),
    (2, 66, "line 2 columns 64-68 (revolution number)"),
    *[(1, column, f"line 1 column {column} (separator)") for column in (9, 18, 33, 44, 53, 62, 64)],
    *[(2, column, f"line 2 column {column} (separator)") for column in (8, 17, 26, 34, 43, 52)],
]


@pytest.mark.parametrize(("line_in_record", "column", "field"), LETTER_IN_FIELD)
def test_a_letter_in_any_field_refuses_the_record_with_line_and_columns(
    line_in_record: int, column: int, field: str
) -> None:
    original = SAPPHIRE_LINE1 if line_in_record == 1 else SAPPHIRE_LINE2
    damaged = with_checksum(replaced(original, column, "x"))
    line1, line2 = (damaged, SAPPHIRE_LINE2) if line_in_record == 1 else (SAPPHIRE_LINE1, damaged)
    ids, refusals = read_with(line1, line2)
    assert ids == NEIGHBOURS
    assert len(refusals) == 1
    line, refused_field, reason, text = refusals[0]
    assert (line, refused_field, text) == (4 + line_in_record, field, damaged)
    assert reason


@pytest.mark.parametrize("digit", ["\u0663", "O", "+"])
def test_other_characters_in_a_numeric_field(digit: str) -> None:
    ids, refusals = read_with(with_checksum(replaced(SAPPHIRE_LINE1, 25, digit)), SAPPHIRE_LINE2)
    assert ids == NEIGHBOURS
    assert [(r[0], r[1]) for r in refusals] == [(5, "line 1 columns 19-32 (epoch)")]
    assert "is not an epoch YYDDD.DDDDDDDD" in refusals[0][2]


@pytest.mark.parametrize("line_in_record", [1, 2])
def test_a_wrong_checksum(line_in_record: int) -> None:
    original = SAPPHIRE_LINE1 if line_in_record == 1 else SAPPHIRE_LINE2
    damaged = original[:68] + str((int(original[68]) + 1) % 10)
    ids, refusals = read_with(
        *((damaged, SAPPHIRE_LINE2) if line_in_record == 1 else (SAPPHIRE_LINE1, damaged))
    )
    assert ids == NEIGHBOURS
    assert [(r[0], r[1]) for r in refusals] == [
        (4 + line_in_record, f"line {line_in_record} column 69 (checksum)")
    ]
    assert "computed" in refusals[0][2]


def test_a_minus_sign_counts_one_in_the_checksum() -> None:
    assert tle_checksum("1 " + "-" * 66) == 7  # 1 + 66 minus signs
    assert tle_checksum("1 25544U 98067A   98324.28472222 -.00003657  11563-4  00000+0 0    10") == 0


@pytest.mark.parametrize(
    ("line1", "line2", "line", "field", "reason"),
    [
        (
            SAPPHIRE_LINE1[:40] + SAPPHIRE_LINE1[41:],
            SAPPHIRE_LINE2,
            5,
            "line 1 columns 1-69",
            "68 characters",
        ),
        (
            SAPPHIRE_LINE1,
            SAPPHIRE_LINE2[:30] + "5" + SAPPHIRE_LINE2[30:],
            6,
            "line 2 columns 1-69",
            "70 characters",
        ),
        (SAPPHIRE_LINE1, SAPPHIRE_LINE2[:20], 6, "line 2 columns 1-69", "20 characters long (short)"),
    ],
)
def test_short_and_long_lines(line1: str, line2: str, line: int, field: str, reason: str) -> None:
    ids, refusals = read_with(line1, line2)
    assert ids == NEIGHBOURS
    assert [(r[0], r[1]) for r in refusals] == [(line, field)]
    assert reason in refusals[0][2]


def test_mismatched_catalog_numbers() -> None:
    ids, refusals = read_with(SAPPHIRE_LINE1, with_checksum(replaced(SAPPHIRE_LINE2, 3, "39089")))
    assert ids == NEIGHBOURS
    assert [(r[0], r[1]) for r in refusals] == [(6, "line 2 columns 3-7 (catalog number)")]
    assert "'39089' differs from line 1's '39088'" in refusals[0][2]


def test_a_missing_line_2() -> None:
    ids, refusals = read_with(SAPPHIRE_LINE1, None)
    assert ids == NEIGHBOURS
    assert refusals == [
        (5, "line 2", "line 1 is followed by 'PRAETORIAN SDA_602', not by a line 2", SAPPHIRE_LINE1)
    ]


def test_a_line_2_without_line_1() -> None:
    ids, refusals = read_with(None, SAPPHIRE_LINE2)
    assert ids == NEIGHBOURS
    assert refusals == [(5, "line 1", "a line 2 with no line 1 before it", SAPPHIRE_LINE2)]


def test_a_stray_line_between_records() -> None:
    lines = [*LINES[:3], "garbage", *LINES[3:]]
    result = read_tle("\n".join(lines), "t")
    assert [e.norad_id for e in result.records] == [31797, 39088, 65565]
    assert [(r.line, r.reason) for r in result.refusals] == [(4, "a name line with no line 1 after it")]


@pytest.mark.parametrize(
    ("cut_at", "line", "field", "reason"),
    [
        (len("\n".join(LINES)) - 10, 9, "line 2 columns 1-69", "59 characters long (short)"),
        (len("\n".join(LINES[:8])), 8, "line 2", "the input ends after line 1"),
        (len("\n".join(LINES[:7])) - 3, 7, "line 1", "the input ends after a name line"),
    ],
)
def test_a_cut_file_refuses_the_cut_record_and_keeps_the_others(
    cut_at: int, line: int, field: str, reason: str
) -> None:
    result = read_tle("\n".join(LINES)[:cut_at], "cut.tle")
    assert [e.norad_id for e in result.records] == [31797, 39088]
    assert [(r.line, r.field) for r in result.refusals] == [(line, field)]
    assert reason in result.refusals[0].reason


@pytest.mark.parametrize(
    ("line_in_record", "column", "text", "field", "reason"),
    [
        (1, 8, "X", "line 1 column 8 (classification)", "is not U, C or S"),
        (1, 19, "26000.50000000", "line 1 columns 19-32 (epoch)", "day of year"),
        (1, 19, "26366.50000000", "line 1 columns 19-32 (epoch)", "past the end of 2026"),
        (2, 9, "180.0001", "line 2 columns 9-16 (inclination)", "outside 0..180"),
        (2, 18, "360.0001", "line 2 columns 18-25 (right ascension of the ascending node)", "outside 0..360"),
        (2, 35, "400.0000", "line 2 columns 35-42 (argument of perigee)", "outside 0..360"),
        (2, 44, "999.9999", "line 2 columns 44-51 (mean anomaly)", "outside 0..360"),
        (2, 53, " 0.00000000", "line 2 columns 53-63 (mean motion)", "must be above 0"),
        (1, 3, "I9088", "line 1 columns 3-7 (catalog number)", "never used"),
    ],
)
def test_values_out_of_range(line_in_record: int, column: int, text: str, field: str, reason: str) -> None:
    original = SAPPHIRE_LINE1 if line_in_record == 1 else SAPPHIRE_LINE2
    damaged = with_checksum(replaced(original, column, text))
    ids, refusals = read_with(
        *((damaged, SAPPHIRE_LINE2) if line_in_record == 1 else (SAPPHIRE_LINE1, damaged))
    )
    assert ids == NEIGHBOURS
    assert [(r[0], r[1]) for r in refusals] == [(4 + line_in_record, field)]
    assert reason in refusals[0][2]


def test_refusals_name_the_source_line_and_columns() -> None:
    damaged = with_checksum(replaced(SAPPHIRE_LINE1, 25, "O"))
    refusal = read_tle("\n".join([*LINES[:4], damaged, *LINES[5:]]), "military.tle").refusals[0]
    assert str(refusal).startswith("military.tle, line 5, line 1 columns 19-32 (epoch): '26144.O1016594'")


def test_empty_input_has_nothing_to_read_or_refuse() -> None:
    result = read_tle("", "empty.tle")
    assert (result.records, result.refusals) == ((), ())


# ------------------------------------------------------------------------------------------- writing


@pytest.mark.parametrize("tle", SAMPLE_FILES, ids=_sample_id)
def test_every_bundled_record_is_written_back_byte_for_byte(tle: Traversable) -> None:
    """CelesTrak's 3LE lines and orbitwatch's are identical: name padded to 24, fields, checksums."""
    text = tle.read_text(encoding="utf-8")
    written = write_tle(read_tle(text, tle.name).records, with_names=True)
    assert written.splitlines() == text.splitlines()


def test_two_line_output_has_no_name_lines() -> None:
    records = read_tle("\n".join(LINES), "t").records
    assert write_tle(records, with_names=False).split("\n") == [*LINES[1:3], *LINES[4:6], *LINES[7:9], ""]
    assert write_tle([], with_names=True) == ""


def _sapphire(**changes: Any) -> ElementSet:
    element_set = read_tle(f"{SAPPHIRE_LINE1}\n{SAPPHIRE_LINE2}", "t").records[0]
    return dataclasses.replace(element_set, **changes)


@pytest.mark.parametrize(
    ("changes", "columns", "text"),
    [
        ({"bstar_per_earth_radius": 0.18786e-3}, (54, 61), " 18786-3"),
        ({"bstar_per_earth_radius": -0.11606e-4}, (54, 61), "-11606-4"),
        ({"bstar_per_earth_radius": 0.0}, (54, 61), " 00000+0"),
        ({"bstar_per_earth_radius": 1.2345}, (54, 61), " 12345+1"),
        ({"bstar_per_earth_radius": 0.999996e-3}, (54, 61), " 10000-2"),
        ({"bstar_per_earth_radius": 1.2e-11}, (54, 61), " 01200-9"),
        ({"bstar_per_earth_radius": 1e-16}, (54, 61), " 00000+0"),
        ({"mean_motion_ddot_rev_per_day3": 0.11563e-4}, (45, 52), " 11563-4"),
        ({"mean_motion_dot_rev_per_day2": 0.0001027}, (34, 43), " .00010270"),
        ({"mean_motion_dot_rev_per_day2": -0.00000123}, (34, 43), "-.00000123"),
        ({"mean_motion_dot_rev_per_day2": -0.000000001}, (34, 43), " .00000000"),
        ({"intl_designator": ""}, (10, 17), "        "),
        ({"intl_designator": "2026-067CY"}, (10, 17), "26067CY "),
        ({"epoch_utc": datetime(1998, 11, 20, 6, 49, 59, 999808, tzinfo=UTC)}, (19, 32), "98324.28472222"),
        ({"epoch_utc": datetime(2025, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)}, (19, 32), "26001.00000000"),
        ({"element_set_no": 12345}, (65, 68), "2345"),
        ({"norad_id": 270449}, (3, 7), "T0449"),
        ({"norad_id": 5}, (3, 7), "00005"),
    ],
)
def test_line_1_fields(changes: dict[str, object], columns: tuple[int, int], text: str) -> None:
    line1, line2 = format_tle(_sapphire(**changes))
    assert line1[columns[0] - 1 : columns[1]] == text
    assert len(line1) == len(line2) == 69
    assert line1[68] == str(tle_checksum(line1))
    assert read_tle(f"{line1}\n{line2}", "t").refusals == ()


@pytest.mark.parametrize(
    ("changes", "columns", "text"),
    [
        ({"rev_at_epoch": 123456}, (64, 68), "23456"),
        ({"rev_at_epoch": 0}, (64, 68), "    0"),
        ({"eccentricity": 0.00055903}, (27, 33), "0005590"),
        ({"eccentricity": 0.99999994}, (27, 33), "9999999"),
        ({"inclination_deg": 0.0}, (9, 16), "  0.0000"),
        ({"inclination_deg": -0.0}, (9, 16), "  0.0000"),
        ({"raan_deg": 359.99996}, (18, 25), "360.0000"),
        ({"mean_motion_rev_per_day": 1.00264664}, (53, 63), " 1.00264664"),
        ({"norad_id": 339999}, (3, 7), "Z9999"),
    ],
)
def test_line_2_fields(changes: dict[str, object], columns: tuple[int, int], text: str) -> None:
    line1, line2 = format_tle(_sapphire(**changes))
    assert line2[columns[0] - 1 : columns[1]] == text
    assert line2[68] == str(tle_checksum(line2))
    assert read_tle(f"{line1}\n{line2}", "t").refusals == ()


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"norad_id": 340000}, "belong in an OMM"),
        ({"norad_id": 799501621}, "belong in an OMM"),
        ({"norad_id": -1}, "negative"),
        ({"eccentricity": 1.0}, "eccentricity"),
        ({"eccentricity": 0.99999996}, "eccentricity"),
        ({"eccentricity": -0.1}, "eccentricity"),
        ({"mean_motion_rev_per_day": 100.0}, "mean motion"),
        ({"mean_motion_rev_per_day": 99.999999996}, "mean motion"),
        ({"mean_motion_rev_per_day": 0.0}, "mean motion"),
        ({"mean_motion_rev_per_day": float("inf")}, "mean motion"),
        ({"epoch_utc": datetime(1956, 12, 31, tzinfo=UTC)}, "1957..2056"),
        ({"epoch_utc": datetime(2057, 1, 1, tzinfo=UTC)}, "1957..2056"),
        ({"epoch_utc": datetime(2056, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)}, "rounds to 2057"),
        ({"inclination_deg": 180.1}, "inclination"),
        ({"raan_deg": -1.0}, "RAAN"),
        ({"arg_perigee_deg": float("nan")}, "argument of perigee"),
        ({"mean_anomaly_deg": 360.5}, "mean anomaly"),
        ({"mean_motion_dot_rev_per_day2": 1.0}, "first derivative"),
        ({"mean_motion_ddot_rev_per_day3": float("nan")}, "second derivative"),
        ({"bstar_per_earth_radius": 1e10}, "too large"),
        ({"ephemeris_type": 10}, "ephemeris type"),
        ({"classification": "X"}, "classification"),
        ({"intl_designator": "UNKNOWN"}, "international designator"),
        ({"intl_designator": "1956-001A"}, "international designator"),
        ({"rev_at_epoch": -1}, "revolution number"),
    ],
)
def test_what_a_tle_cannot_carry_is_refused(changes: dict[str, object], reason: str) -> None:
    with pytest.raises(ElementsError, match=reason) as caught:
        format_tle(_sapphire(**changes))
    assert "cannot be written as a TLE" in str(caught.value)


@pytest.mark.parametrize("name", ["TWO\nLINES", "1 BAD", "2 BAD", "0 BAD"])
def test_names_that_a_name_line_cannot_hold(name: str) -> None:
    with pytest.raises(ElementsError, match="name line"):
        write_tle([_sapphire(name=name)], with_names=True)


def test_names_are_padded_to_24_and_long_names_kept_whole() -> None:
    text = write_tle([_sapphire(name="ISS"), _sapphire(name="A" * 30)], with_names=True)
    assert text.split("\n")[0] == "ISS" + " " * 21
    assert text.split("\n")[3] == "A" * 30
    assert [e.name for e in read_tle(text, "t").records] == ["ISS", "A" * 30]
