"""CelesTrak SATCAT CSV: read against real rows and the corpus's recorded values, written back exactly.

References: the gpconf corpus's SATCAT records (``satcat-70000-cutoff/expected.json``, CelesTrak
``records.php`` answers of 2026-09-21) and the project's bundled real excerpt. Test data:
``tests/data/satcat/README.md``.
"""

from datetime import date
from pathlib import Path

import pytest

from orbitwatch.core.elements.satcat import SATCAT_COLUMNS, ObjectMetadata, read_satcat_csv, write_satcat_csv
from orbitwatch.errors import ElementsError

ROOT = Path(__file__).resolve().parents[3]
EXCERPT = ROOT / "tests" / "data" / "satcat" / "celestrak-excerpt.csv"
BUNDLED = ROOT / "src" / "orbitwatch" / "io" / "bundled" / "satcat" / "satcat-sample.csv"

# gpconf satcat-70000-cutoff/expected.json, satcat-25544.csv
ISS = ObjectMetadata(
    norad_id=25544,
    name="ISS (ZARYA)",
    intl_designator="1998-067A",
    object_type="PAY",
    ops_status="+",
    owner="ISS",
    launch_date=date(1998, 11, 20),
    launch_site="TYMSC",
    decay_date=None,
    period_min=92.95,
    inclination_deg=51.63,
    apogee_km=422.0,
    perigee_km=416.0,
    rcs_m2=399.0524,
    data_status="",
    orbit_center="EA",
    orbit_type="ORB",
)


def text_of(path: Path) -> str:
    """A file's text with its line endings as they are on disk."""
    return path.read_bytes().decode("utf-8")


def test_excerpt_reads_every_row() -> None:
    result = read_satcat_csv(text_of(EXCERPT), "excerpt.csv")
    assert result.refusals == ()
    assert result.format == "satcat-csv"
    assert [record.norad_id for record in result.records] == [
        1,
        2,
        3,
        4,
        114,
        938,
        25544,
        49044,
        69999,
        100000,
    ]
    assert result.texts == tuple(text_of(EXCERPT).splitlines()[1:])
    by_id = {record.norad_id: record for record in result.records}
    assert by_id[25544] == ISS


def test_corpus_values_for_69999_and_the_six_digit_100000() -> None:
    by_id = {record.norad_id: record for record in read_satcat_csv(text_of(EXCERPT), "x").records}
    vanguard, saramago = by_id[69999], by_id[100000]
    assert (vanguard.name, vanguard.intl_designator, vanguard.object_type) == (
        "VANGUARD DEB",
        "1958-002D",
        "DEB",
    )
    assert (vanguard.ops_status, vanguard.rcs_m2, vanguard.apogee_km) == ("", None, 3076.0)
    assert (saramago.owner, saramago.launch_site, saramago.launch_date) == ("POR", "AFWTR", date(2026, 3, 30))
    assert (saramago.period_min, saramago.inclination_deg, saramago.perigee_km) == (94.65, 97.47, 495.0)


def test_decayed_docked_and_heliocentric_objects() -> None:
    by_id = {record.norad_id: record for record in read_satcat_csv(text_of(EXCERPT), "x").records}
    assert by_id[2].decay_date == date(1958, 1, 3)
    assert by_id[2].rcs_m2 is None
    assert (by_id[49044].orbit_center, by_id[49044].orbit_type) == ("25544", "DOC")
    luna = by_id[114]
    assert (luna.orbit_center, luna.data_status) == ("MO", "NIE")
    assert (luna.period_min, luna.inclination_deg, luna.apogee_km, luna.perigee_km) == (
        None,
        None,
        None,
        None,
    )


def test_bundled_sample_reads_and_writes_back() -> None:
    text = text_of(BUNDLED)
    result = read_satcat_csv(text, "bundled.csv")
    assert len(result.records) == len(text.splitlines()) - 1
    assert result.refusals == ()
    written = write_satcat_csv(result.records)
    assert read_satcat_csv(written, "written.csv").records == result.records
    same = sum(a == b for a, b in zip(written.splitlines(), text.splitlines(), strict=True))
    assert same >= len(result.records)  # the header and all rows but one CelesTrak printed as 94.3, not 94.30


def test_writer_reproduces_celestraks_rows() -> None:
    text = text_of(EXCERPT)
    written = write_satcat_csv(read_satcat_csv(text, "x").records)
    assert written == text
    assert written.split("\r\n")[0] == ",".join(SATCAT_COLUMNS)


def test_writer_round_trips_numbers_celestrak_would_not_print() -> None:
    odd = ObjectMetadata(
        norad_id=999_999_999, name='A "QUOTED", NAME', period_min=92.123456789, apogee_km=0.5
    )
    assert read_satcat_csv(write_satcat_csv([odd]), "w").records == (odd,)


def test_writer_refuses_numbers_that_are_not_finite() -> None:
    with pytest.raises(ElementsError, match="must be finite"):
        write_satcat_csv([ObjectMetadata(norad_id=1, period_min=float("inf"))])


@pytest.mark.parametrize(
    ("column", "value", "words"),
    [
        ("NORAD_CAT_ID", "A0000", "Alpha-5"),
        ("NORAD_CAT_ID", "", "empty"),
        ("LAUNCH_DATE", "1998/11/20", "is not a date YYYY-MM-DD"),
        ("DECAY_DATE", "2026-02-30", "is not a date YYYY-MM-DD"),
        ("PERIOD", "N/A", "is not a number"),
        ("APOGEE", "1e999", "is not a finite number"),
    ],
)
def test_bad_values_are_refused_and_the_next_rows_read(column: str, value: str, words: str) -> None:
    lines = text_of(EXCERPT).split("\r\n")
    values = lines[7].split(",")
    values[SATCAT_COLUMNS.index(column)] = value
    lines[7] = ",".join(values)
    result = read_satcat_csv("\r\n".join(lines), "bad.csv")
    assert len(result.records) == 9
    (refusal,) = result.refusals
    assert (refusal.line, refusal.record, refusal.field) == (8, 7, column)
    assert words in refusal.reason
    assert refusal.text == value


def test_short_row_is_refused() -> None:
    lines = text_of(EXCERPT).split("\r\n")
    result = read_satcat_csv("\r\n".join([*lines[:3], lines[3][:30]]), "cut.csv")
    assert len(result.records) == 2
    (refusal,) = result.refusals
    assert refusal.line == 4
    assert "values" in refusal.reason


def test_header_decides_and_missing_columns_stay_empty() -> None:
    result = read_satcat_csv("norad_cat_id, OBJECT_NAME ,EXTRA\r\n25544,ISS (ZARYA),x\r\n", "few.csv")
    assert result.records == (ObjectMetadata(norad_id=25544, name="ISS (ZARYA)"),)


def test_header_without_catalog_number_raises() -> None:
    with pytest.raises(ElementsError, match="no NORAD_CAT_ID"):
        read_satcat_csv("OBJECT_NAME,OBJECT_ID\r\nISS,1998-067A\r\n", "other.csv")


def test_empty_text_has_no_records() -> None:
    assert read_satcat_csv("", "empty.csv").records == ()
    assert read_satcat_csv(",".join(SATCAT_COLUMNS) + "\r\n", "header.csv").records == ()
