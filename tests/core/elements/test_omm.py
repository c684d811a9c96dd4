"""OMM readers and writers (CCSDS 502.0-B-3) against real CelesTrak and Space-Track records.

References, all independent of orbitwatch: the gpconf corpus's frozen expected values (its
kvn-syntax-variants and corrupt-input cases), python-sgp4 (``Satrec.twoline2rv`` on the TLE of the
same element set, and ``sgp4.omm.parse_csv``/``parse_xml`` + ``omm.initialize`` on the same files),
and the TLE lines Space-Track ships inside its own JSON. Test data: ``tests/data/omm/README.md``.
"""

import dataclasses
import io
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sgp4 import omm as sgp4_omm
from sgp4.api import Satrec
from sgp4.conveniences import sat_epoch_datetime

from orbitwatch.core.elements import omm
from orbitwatch.core.elements.model import ElementSet
from orbitwatch.core.elements.result import ReadResult
from orbitwatch.errors import ElementsError

ROOT = Path(__file__).resolve().parents[3]
DATA = ROOT / "tests" / "data" / "omm"
STATIONS_TLE = ROOT / "src" / "orbitwatch" / "io" / "bundled" / "sample" / "2026-05-24" / "stations.tle"
GPCONF = DATA / "gpconf"
GENERATED = DATA / "generated" / "stations-2026-05-24"
Reader = Callable[[str, str], ReadResult[ElementSet]]

READERS: dict[str, Reader] = {
    "kvn": omm.read_omm_kvn,
    "xml": omm.read_omm_xml,
    "json": omm.read_omm_json,
    "csv": omm.read_omm_csv,
}
WRITERS: dict[str, Callable[[list[ElementSet]], str]] = {
    "kvn": omm.write_omm_kvn,
    "xml": omm.write_omm_xml,
    "json": omm.write_omm_json,
    "csv": omm.write_omm_csv,
}

# gpconf fixtures/kvn-syntax-variants/expected.json, "canonical" (CelesTrak's first GP record of 25544).
ISS_FIRST = ElementSet(
    norad_id=25544,
    epoch_utc=datetime(1998, 11, 20, 6, 49, 59, 999808, tzinfo=UTC),
    mean_motion_rev_per_day=16.05064833,
    eccentricity=0.0125362,
    inclination_deg=51.5908,
    raan_deg=168.3788,
    arg_perigee_deg=86.4185,
    mean_anomaly_deg=359.7454,
    bstar_per_earth_radius=0.0,
    mean_motion_dot_rev_per_day2=-0.00003657,
    mean_motion_ddot_rev_per_day3=0.000011563,
    name="ISS (ZARYA)",
    intl_designator="1998-067A",
    classification="U",
    ephemeris_type=0,
    element_set_no=1,
    rev_at_epoch=0,
)
# gpconf fixtures/corrupt-input/expected.json, records 2 and 3 of unedited-rows.csv / unedited-array.json.
DELTA_2_RB = ElementSet(
    norad_id=20453,
    epoch_utc=datetime(2026, 9, 20, 13, 39, 33, 839424, tzinfo=UTC),
    mean_motion_rev_per_day=15.96788691,
    eccentricity=0.00225122,
    inclination_deg=35.5934,
    raan_deg=307.3932,
    arg_perigee_deg=310.369,
    mean_anomaly_deg=49.5094,
    bstar_per_earth_radius=0.00075988826,
    mean_motion_dot_rev_per_day2=0.00350177,
    mean_motion_ddot_rev_per_day3=0.00004993505,
    name="DELTA 2 R/B(1)",
    intl_designator="1990-008B",
    element_set_no=999,
    rev_at_epoch=95679,
)
VANGUARD_DEB = ElementSet(
    norad_id=69999,
    epoch_utc=datetime(2026, 7, 8, 17, 2, 16, 167840, tzinfo=UTC),
    mean_motion_rev_per_day=11.62373363,
    eccentricity=0.14870041,
    inclination_deg=34.2417,
    raan_deg=341.8745,
    arg_perigee_deg=19.9191,
    mean_anomaly_deg=345.3718,
    bstar_per_earth_radius=-0.00000705174,
    mean_motion_dot_rev_per_day2=-0.00000023,
    mean_motion_ddot_rev_per_day3=0.0,
    name="VANGUARD DEB",
    intl_designator="1958-002D",
    element_set_no=999,
    rev_at_epoch=18930,
)
CORPUS_THREE = [ISS_FIRST, DELTA_2_RB, VANGUARD_DEB]
KVN_VARIANTS = sorted(GPCONF.glob("v0[1-6]-*.kvn"))


def text_of(path: Path) -> str:
    """A file's text with its line endings as they are on disk."""
    return path.read_bytes().decode("utf-8")


def kvn_lines(text: str, replace: dict[str, str]) -> str:
    """A KVN text with the value lines of some keywords replaced (``None`` drops the line)."""
    out = []
    for line in text.splitlines(keepends=True):
        keyword = line.split("=")[0].strip()
        if keyword in replace:
            if replace[keyword]:
                out.append(f"{keyword} = {replace[keyword]}\n")
            continue
        out.append(line)
    return "".join(out)


def satrec_of_tle(tle_text: str) -> Satrec:
    """python-sgp4's own reading of the last two lines of a TLE text."""
    line1, line2 = tle_text.splitlines()[-2:]
    return Satrec.twoline2rv(line1, line2)


def assert_same_satellite(ours: Satrec, theirs: Satrec, position_km: float = 1e-6) -> None:
    """The two Satrecs hold the same elements and propagate to the same place a day later."""
    for attribute in ("no_kozai", "ecco", "inclo", "nodeo", "argpo", "mo", "bstar", "ndot", "nddot"):
        assert getattr(ours, attribute) == pytest.approx(getattr(theirs, attribute), rel=1e-14, abs=1e-300)
    assert ours.jdsatepoch + ours.jdsatepochF == pytest.approx(
        theirs.jdsatepoch + theirs.jdsatepochF, abs=1e-8
    )
    error_ours, r_ours, _ = ours.sgp4(theirs.jdsatepoch, theirs.jdsatepochF + 1.0)
    error_theirs, r_theirs, _ = theirs.sgp4(theirs.jdsatepoch, theirs.jdsatepochF + 1.0)
    assert error_ours == error_theirs == 0
    assert r_ours == pytest.approx(r_theirs, abs=position_km)


# ---------------------------------------------------------------- KVN


@pytest.mark.parametrize("path", KVN_VARIANTS, ids=lambda p: p.stem)
def test_kvn_variants_read_to_the_corpus_values(path: Path) -> None:
    text = text_of(path)
    result = omm.read_omm_kvn(text, path.name)
    expected = ISS_FIRST
    if path.name.startswith("v05"):  # NORAD_CAT_ID and the other TLE parameters left out (Table 4-3 optional)
        expected = dataclasses.replace(ISS_FIRST, norad_id=omm.UNKNOWN_NORAD_ID, element_set_no=999)
    assert result.refusals == ()
    assert result.records == (expected,)
    assert result.format == "omm-kvn"
    assert result.texts == (text.rstrip("\r\n"),)


def test_kvn_concatenated_messages_are_read_one_by_one() -> None:
    texts = [text_of(path) for path in KVN_VARIANTS]
    result = omm.read_omm_kvn("\r\n".join(texts), "all.kvn")
    assert len(result.records) == len(KVN_VARIANTS)
    assert result.refusals == ()
    assert result.texts == tuple(text.rstrip("\r\n") for text in texts)


def test_kvn_keywords_are_read_without_regard_to_case_and_spacing() -> None:
    text = text_of(KVN_VARIANTS[0])
    varied = text.replace("MEAN_MOTION         = ", "mean_motion=").replace(
        "NORAD_CAT_ID        = ", "\tNorad_Cat_Id =\t"
    )
    assert omm.read_omm_kvn(varied, "case.kvn").records == (ISS_FIRST,)


def test_kvn_refusal_names_line_record_and_keyword_and_the_next_message_is_read() -> None:
    good = text_of(KVN_VARIANTS[0])
    bad = kvn_lines(good, {"MEAN_MOTION": "abc"})
    result = omm.read_omm_kvn(good + bad + good, "three.kvn")
    assert result.records == (ISS_FIRST, ISS_FIRST)
    (refusal,) = result.refusals
    assert refusal.record == 2
    assert refusal.field == "MEAN_MOTION"
    assert refusal.text == "abc"
    assert refusal.reason == "MEAN_MOTION 'abc' is not a number"
    lines = (good + bad).splitlines()
    assert lines[refusal.line - 1].startswith("MEAN_MOTION = abc")


@pytest.mark.parametrize(
    ("replace", "field", "words"),
    [
        ({"EPOCH": None}, "EPOCH", "EPOCH is missing"),
        ({"BSTAR": None}, "BSTAR", "BSTAR is missing"),
        ({"EPOCH": "1998-11-20 06:49:59"}, "EPOCH", "is not CCSDS"),
        ({"ECCENTRICITY": "1.2"}, "ECCENTRICITY", "outside [0, 1)"),
        ({"INCLINATION": "-3"}, "INCLINATION", "outside [0, 180]"),
        ({"MEAN_MOTION": "0"}, "MEAN_MOTION", "is not positive"),
        ({"MEAN_MOTION": "nan"}, "MEAN_MOTION", "is not a number"),
        ({"MEAN_MOTION": "1e999"}, "MEAN_MOTION", "is not a finite number"),
        ({"MEAN_MOTION": "15.5 [rad/s]"}, "MEAN_MOTION", "units [rad/s] are not [rev/day]"),
        ({"NORAD_CAT_ID": "A0000"}, "NORAD_CAT_ID", "Alpha-5"),
        ({"NORAD_CAT_ID": "1000000000"}, "NORAD_CAT_ID", "more than nine digits"),
        ({"NORAD_CAT_ID": "25544.0"}, "NORAD_CAT_ID", "is not an integer"),
        ({"ELEMENT_SET_NO": "-1"}, "ELEMENT_SET_NO", "out of range"),
        ({"CLASSIFICATION_TYPE": "UU"}, "CLASSIFICATION_TYPE", "is not one letter"),
        ({"REF_FRAME": "GCRF"}, "REF_FRAME", "'GCRF' is not TEME"),
        ({"CENTER_NAME": "MOON"}, "CENTER_NAME", "is not EARTH"),
        ({"TIME_SYSTEM": "TAI"}, "TIME_SYSTEM", "is not UTC"),
        ({"MEAN_ELEMENT_THEORY": "SGP4-XP"}, "MEAN_ELEMENT_THEORY", "is not SGP4 or SGP/SGP4"),
    ],
)
def test_kvn_bad_values_are_refused_with_the_keyword(replace: dict[str, str], field: str, words: str) -> None:
    good = text_of(KVN_VARIANTS[0])
    result = omm.read_omm_kvn(kvn_lines(good, replace) + good, "bad.kvn")
    assert result.records == (ISS_FIRST,)
    (refusal,) = result.refusals
    assert (refusal.record, refusal.field) == (1, field)
    assert words in refusal.reason
    assert refusal.line is not None


def test_kvn_missing_keyword_is_refused_at_the_message_start() -> None:
    good = text_of(KVN_VARIANTS[0])
    result = omm.read_omm_kvn(good + kvn_lines(good, {"EPOCH": None}), "two.kvn")
    (refusal,) = result.refusals
    assert refusal.line == len(good.splitlines()) + 1
    assert refusal.record == 2


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("CCSDS_OMM_VERS = 2.0\nthis is not a keyword line\n", "neither 'KEYWORD = value' nor a COMMENT"),
        ("OBJECT_NAME = X\nEPOCH = 2020-01-01T00:00:00\n", "starts with OBJECT_NAME, not CCSDS_OMM_VERS"),
        ("CCSDS_OMM_VERS = 2.0\nEPOCH = 2020-01-01T00:00:00\nEPOCH = 2020-01-02T00:00:00\n", "appears twice"),
    ],
)
def test_kvn_malformed_messages_are_refused_not_raised(text: str, words: str) -> None:
    result = omm.read_omm_kvn(text + text_of(KVN_VARIANTS[0]), "odd.kvn")
    assert result.records == (ISS_FIRST,)
    (refusal,) = result.refusals
    assert words in refusal.reason
    assert refusal.line is not None


def test_kvn_empty_text_has_no_records() -> None:
    assert omm.read_omm_kvn("\n\nCOMMENT nothing here\n", "empty.kvn").records == ()


def test_kvn_writer_header_and_creation_date() -> None:
    text = omm.write_omm_kvn([ISS_FIRST])
    assert text.startswith(
        "CCSDS_OMM_VERS      = 3.0\nCREATION_DATE       =\nORIGINATOR          = orbitwatch\n"
    )
    stamped = omm.write_omm_kvn([ISS_FIRST], creation_utc=datetime(2026, 5, 24, 12, tzinfo=UTC))
    assert "CREATION_DATE       = 2026-05-24T12:00:00.000000\n" in stamped
    assert omm.read_omm_kvn(stamped, "w.kvn").records == (ISS_FIRST,)


# ---------------------------------------------------------------- XML


def test_xml_ndm_reads_the_corpus_record() -> None:
    result = omm.read_omm_xml(text_of(GPCONF / "v07-xml-ndm-reserialised.xml"), "v07.xml")
    assert result.records == (ISS_FIRST,)
    assert result.texts[0].startswith('<omm id="CCSDS_OMM_VERS" version="2.0">')
    assert result.texts[0].endswith("</omm>")


def test_xml_celestrak_answer_matches_its_tle_and_python_sgp4() -> None:
    text = text_of(DATA / "python-sgp4" / "mario.xml")
    (element_set,) = omm.read_omm_xml(text, "mario.xml").records
    assert element_set.norad_id == 55123
    assert element_set.name == "MARIO"
    assert element_set.bstar_per_earth_radius == 0.001568
    assert_same_satellite(element_set.to_satrec(), satrec_of_tle(text_of(DATA / "python-sgp4" / "mario.tle")))
    fields = next(sgp4_omm.parse_xml(io.StringIO(text)))
    theirs = Satrec()
    sgp4_omm.initialize(theirs, fields)
    assert_same_satellite(element_set.to_satrec(), theirs)


def test_xml_bare_omm_with_namespace_units_and_comments() -> None:
    text = (
        '<omm xmlns="urn:ccsds:schema:ndmxml" id="CCSDS_OMM_VERS" version="3.0">'
        + text_of(GPCONF / "v07-xml-ndm-reserialised.xml")
        .split('version="2.0">', 1)[1]
        .split("</omm>")[0]
        .replace("<MEAN_MOTION>", '<COMMENT>a comment</COMMENT><MEAN_MOTION units="rev/day">')
        .replace("<INCLINATION>", '<INCLINATION units="deg">')
        + "</omm>"
    )
    assert omm.read_omm_xml(text, "bare.xml").records == (ISS_FIRST,)
    wrong = text.replace('units="deg"', 'units="rad"')
    (refusal,) = omm.read_omm_xml(wrong, "bare.xml").refusals
    assert (refusal.record, refusal.field) == (1, "INCLINATION")


def test_xml_refusal_gives_record_index_and_later_messages_are_read() -> None:
    one = text_of(GPCONF / "v07-xml-ndm-reserialised.xml").split("<omm ", 1)[1].split("</omm>")[0]
    good = f"<omm {one}</omm>"
    bad = good.replace("<ECCENTRICITY>.0125362<", "<ECCENTRICITY>.01x<")
    text = f"<ndm>{bad}<opm><header/></opm>{good}</ndm>"
    result = omm.read_omm_xml(text, "three.xml")
    assert result.records == (ISS_FIRST,)
    first, second = result.refusals
    assert (first.record, first.field, first.text) == (1, "ECCENTRICITY", ".01x")
    assert first.reason == "ECCENTRICITY '.01x' is not a number"
    assert (second.record, second.reason) == (2, "<opm> is not an OMM")


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("<ndm><omm>", "line 1, column 10"),
        ("", "malformed"),
        ("<tdm/>", "root is <tdm>"),
        ('<!DOCTYPE x [<!ENTITY a "aaaa">]><ndm>&a;</ndm>', "refuses to expand"),
        ("<ndm>\ud800</ndm>", "character 5 of the XML is not text"),
    ],
)
def test_xml_malformed_as_a_whole_raises(text: str, words: str) -> None:
    with pytest.raises(ElementsError, match=r"bad\.xml") as caught:
        omm.read_omm_xml(text, "bad.xml")
    assert words in str(caught.value)


# ---------------------------------------------------------------- JSON and CSV


def test_json_and_csv_read_the_corpus_records() -> None:
    for name, reader in (("unedited-array.json", omm.read_omm_json), ("unedited-rows.csv", omm.read_omm_csv)):
        result = reader(text_of(GPCONF / name), name)
        assert result.records == tuple(CORPUS_THREE), name
        assert result.refusals == ()
    rows = text_of(GPCONF / "unedited-rows.csv").splitlines()
    assert omm.read_omm_csv(text_of(GPCONF / "unedited-rows.csv"), "x").texts == tuple(rows[1:])
    objects = json.loads(text_of(GPCONF / "unedited-array.json"))
    texts = omm.read_omm_json(text_of(GPCONF / "unedited-array.json"), "x").texts
    assert [json.loads(text) for text in texts] == objects


def test_csv_cut_mid_row_keeps_the_complete_rows_and_refuses_the_cut_one() -> None:
    result = omm.read_omm_csv(text_of(GPCONF / "c5-cut-last-row.csv"), "cut.csv")
    assert result.records == (ISS_FIRST, DELTA_2_RB)
    (refusal,) = result.refusals
    assert (refusal.line, refusal.record) == (4, 3)
    assert "NORAD_CAT_ID 69999" in refusal.reason
    assert "16 values" in refusal.reason
    assert refusal.text.startswith("VANGUARD DEB,")


def test_json_cut_mid_array_is_refused_as_a_whole_with_position() -> None:
    with pytest.raises(ElementsError, match=r"cut\.json: line 1 column 1279: the JSON is malformed"):
        omm.read_omm_json(text_of(GPCONF / "c5-cut-closing-bracket.json"), "cut.json")


def test_space_track_json_strings_and_extra_keys_match_its_own_tle() -> None:
    text = text_of(DATA / "spacetrack" / "prefire-1.json")
    (element_set,) = omm.read_omm_json(text, "prefire.json").records
    record = json.loads(text)[0]
    satrec = Satrec.twoline2rv(record["TLE_LINE1"], record["TLE_LINE2"])
    assert element_set.norad_id == 59881 == satrec.satnum
    assert element_set.mean_motion_rev_per_day == 15.11864619
    assert element_set.eccentricity == 0.0012856
    assert element_set.bstar_per_earth_radius == 0.0002583
    assert element_set.mean_motion_dot_rev_per_day2 == 0.00004362
    assert element_set.rev_at_epoch == 105
    assert abs(element_set.epoch_utc - sat_epoch_datetime(satrec)) < timedelta(milliseconds=1)
    assert_same_satellite(element_set.to_satrec(), satrec)
    extras = dict(element_set.extras)
    assert extras["SEMIMAJOR_AXIS"] == "6908.651"
    assert extras["DECAY_DATE"] == ""
    assert extras["TLE_LINE1"] == record["TLE_LINE1"]
    assert "CREATION_DATE" not in extras


def test_json_single_object_nulls_and_non_objects() -> None:
    good = json.loads(text_of(GPCONF / "unedited-array.json"))[0]
    assert omm.read_omm_json(json.dumps(good), "one.json").records == (ISS_FIRST,)
    nulled = {**good, "OBJECT_ID": None, "EPOCH": None}
    result = omm.read_omm_json(json.dumps([nulled, 7, good]), "three.json")
    assert result.records == (ISS_FIRST,)
    first, second = result.refusals
    assert (first.record, first.field, first.reason) == (1, "EPOCH", "EPOCH is empty")
    assert (second.record, second.reason) == (2, "record 2 is not a JSON object")


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("NaN", "is not a number"),
        ("Infinity", "is not a number"),
        ("true", "is not a number"),
        ('"12,5"', "is not a number"),
        ('"\\u0661\\u0662"', "is not a number"),
        ("1e400", "is not a finite number"),
        ("[15.5]", "is not a number"),
    ],
)
def test_json_values_that_are_not_plain_numbers_are_refused(value: str, words: str) -> None:
    good = text_of(GPCONF / "unedited-array.json")
    bad = good.replace('"MEAN_MOTION":16.05064833', f'"MEAN_MOTION":{value}', 1)
    result = omm.read_omm_json(bad, "bad.json")
    assert len(result.records) == 2
    (refusal,) = result.refusals
    assert (refusal.record, refusal.field) == (1, "MEAN_MOTION")
    assert words in refusal.reason


@pytest.mark.parametrize(
    ("text", "words"),
    [("", "line 1 column 1"), ('{"a": [1, 2}', "line 1 column 12"), ("42", "is a int"), ('"x"', "is a str")],
)
def test_json_malformed_as_a_whole_raises(text: str, words: str) -> None:
    with pytest.raises(ElementsError, match=r"bad\.json") as caught:
        omm.read_omm_json(text, "bad.json")
    assert words in str(caught.value)


def test_csv_bad_value_is_refused_at_its_line() -> None:
    text = text_of(GPCONF / "unedited-rows.csv").replace(",20453,999,", ",20453,99x,")
    result = omm.read_omm_csv(text, "bad.csv")
    assert result.records == (ISS_FIRST, VANGUARD_DEB)
    (refusal,) = result.refusals
    assert (refusal.line, refusal.record, refusal.field, refusal.text) == (3, 2, "ELEMENT_SET_NO", "99x")


def test_csv_quoted_names_rows_over_two_lines_and_bom() -> None:
    rows = text_of(GPCONF / "unedited-rows.csv").splitlines()
    quoted = rows[1].replace("ISS (ZARYA)", '"ISS, ""ZARYA"""', 1)
    two_lines = rows[2].replace("DELTA 2 R/B(1)", '"DELTA 2\r\nR/B(1)"', 1)
    text = "\ufeff" + "\r\n".join([rows[0], quoted, two_lines, rows[3]]) + "\r\n"
    result = omm.read_omm_csv(text, "q.csv")
    assert [es.name for es in result.records] == ['ISS, "ZARYA"', "VANGUARD DEB"]
    assert result.texts == (quoted, rows[3])
    (refusal,) = result.refusals
    assert (refusal.line, refusal.record, refusal.field) == (3, 2, "OBJECT_NAME")
    assert "control character" in refusal.reason
    assert omm.read_omm_csv("\r\n".join([rows[0], rows[2], ""]), "x").records == (DELTA_2_RB,)


def test_values_padded_with_unicode_whitespace_are_read() -> None:
    text = text_of(GPCONF / "unedited-rows.csv").replace(",51.5908,", ",\x1f51.5908\u2003,", 1)
    assert omm.read_omm_csv(text, "padded.csv").records[0] == ISS_FIRST


def test_csv_header_without_mandatory_keywords_raises() -> None:
    with pytest.raises(ElementsError, match="lacks EPOCH"):
        omm.read_omm_csv("OBJECT_NAME,NORAD_CAT_ID\nISS,25544\n", "satcat.csv")
    with pytest.raises(ElementsError, match="EPOCH more than once"):
        omm.read_omm_csv("EPOCH,epoch\n", "twice.csv")


# ---------------------------------------------------------------- generated files and python-sgp4


def test_generated_files_agree_with_python_sgp4_in_every_format() -> None:
    exported = json.loads(text_of(GENERATED.with_suffix(".json")))
    tle_lines = text_of(STATIONS_TLE).splitlines()
    satrecs = [satrec_of_tle("\n".join(tle_lines[i : i + 3])) for i in range(0, len(tle_lines), 3)]
    results = {fmt: READERS[fmt](text_of(GENERATED.with_suffix(f".{fmt}")), fmt) for fmt in READERS}
    for fmt, result in results.items():
        assert result.refusals == (), fmt
        assert result.records == results["json"].records, fmt
    for element_set, record, satrec in zip(results["json"].records, exported, satrecs, strict=True):
        assert element_set.norad_id == record["NORAD_CAT_ID"]
        assert element_set.mean_motion_rev_per_day == record["MEAN_MOTION"]
        assert element_set.mean_motion_dot_rev_per_day2 == record["MEAN_MOTION_DOT"]
        assert element_set.mean_motion_ddot_rev_per_day3 == record["MEAN_MOTION_DDOT"]
        assert element_set.bstar_per_earth_radius == record["BSTAR"]
        # export_omm's EPOCH text stops at microseconds; the TLE's day fraction is finer (up to 0.5 us, 4 mm).
        assert_same_satellite(element_set.to_satrec(), satrec, position_km=1e-5)


@pytest.mark.parametrize(
    ("path", "parse"),
    [
        (DATA / "python-sgp4" / "mario.csv", sgp4_omm.parse_csv),
        (DATA / "python-sgp4" / "mario.xml", sgp4_omm.parse_xml),
        (GPCONF / "unedited-rows.csv", sgp4_omm.parse_csv),
        (GPCONF / "v07-xml-ndm-reserialised.xml", sgp4_omm.parse_xml),
        (GENERATED.with_suffix(".csv"), sgp4_omm.parse_csv),
        (GENERATED.with_suffix(".xml"), sgp4_omm.parse_xml),
    ],
    ids=lambda value: value.name if isinstance(value, Path) else value.__name__,
)
def test_readers_agree_with_python_sgp4_omm(path: Path, parse: Callable[[io.StringIO], object]) -> None:
    text = text_of(path)
    reader = omm.read_omm_csv if path.suffix == ".csv" else omm.read_omm_xml
    ours = reader(text, path.name).records
    theirs = []
    for fields in parse(io.StringIO(text)):  # type: ignore[attr-defined]
        satrec = Satrec()
        sgp4_omm.initialize(satrec, fields)
        theirs.append(satrec)
    assert len(ours) == len(theirs) > 0
    for element_set, satrec in zip(ours, theirs, strict=True):
        assert element_set.norad_id == satrec.satnum
        # omm.initialize keeps the epoch as one float of days since 1949 (a step of 0.3 us), orbitwatch as
        # Julian day plus fraction: 1 cm after a day covers the difference.
        assert_same_satellite(element_set.to_satrec(), satrec, position_km=1e-5)


# ---------------------------------------------------------------- writers


def real_records() -> list[ElementSet]:
    """Every record of the real test files, read once."""
    generated = omm.read_omm_json(text_of(GENERATED.with_suffix(".json")), "g").records
    spacetrack = omm.read_omm_json(text_of(DATA / "spacetrack" / "prefire-1.json"), "s").records
    mario = omm.read_omm_csv(text_of(DATA / "python-sgp4" / "mario.csv"), "m").records
    return [*CORPUS_THREE, *generated, *spacetrack, *mario]


@pytest.mark.parametrize("fmt", sorted(WRITERS))
def test_writing_then_reading_returns_equal_element_sets(fmt: str) -> None:
    records = real_records()
    result = READERS[fmt](WRITERS[fmt](records), f"written.{fmt}")
    assert result.refusals == ()
    assert list(result.records) == records


def test_json_writer_matches_celestrak_json() -> None:
    original = json.loads(text_of(GPCONF / "unedited-array.json"))
    written = omm.write_omm_json(CORPUS_THREE)
    assert json.loads(written) == original
    assert [list(item) for item in json.loads(written)] == [list(item) for item in original]
    assert all(type(item["NORAD_CAT_ID"]) is int for item in json.loads(written))


def test_csv_writer_uses_celestraks_header_and_values() -> None:
    original = text_of(GPCONF / "unedited-rows.csv")
    written = omm.write_omm_csv(CORPUS_THREE)
    assert written.split("\r\n")[0] == original.splitlines()[0]
    assert written.endswith("\r\n")
    assert omm.read_omm_csv(written, "w").records == omm.read_omm_csv(original, "o").records


def test_xml_writer_output_is_read_by_python_sgp4() -> None:
    written = omm.write_omm_xml(CORPUS_THREE)
    assert written.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<ndm xmlns:xsi=')
    assert "<CREATION_DATE/>" in written
    assert "<ORIGINATOR>orbitwatch</ORIGINATOR>" in written
    for element_set, fields in zip(CORPUS_THREE, sgp4_omm.parse_xml(io.StringIO(written)), strict=True):
        satrec = Satrec()
        sgp4_omm.initialize(satrec, fields)
        assert_same_satellite(element_set.to_satrec(), satrec)


def test_xml_writer_escapes_names() -> None:
    odd = dataclasses.replace(ISS_FIRST, name="A&B <C> ]]>")
    assert omm.read_omm_xml(omm.write_omm_xml([odd]), "x").records == (odd,)


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"ref_frame": "GCRF"}, "REF_FRAME 'GCRF' is not TEME"),
        ({"mean_element_theory": "DSST"}, "is not SGP4"),
        ({"name": "LINE\nBREAK"}, "control character"),
        ({"mean_motion_rev_per_day": float("nan")}, "not a finite number"),
        ({"norad_id": 1_000_000_000}, "up to nine digits"),
    ],
)
@pytest.mark.parametrize("fmt", sorted(WRITERS))
def test_writers_refuse_what_no_omm_can_carry(fmt: str, change: dict[str, object], words: str) -> None:
    with pytest.raises(ElementsError, match=words):
        WRITERS[fmt]([dataclasses.replace(ISS_FIRST, **change)])  # type: ignore[arg-type]


def test_writers_of_nothing() -> None:
    for fmt, writer in WRITERS.items():
        assert READERS[fmt](writer([]), fmt).records == ()


# ---------------------------------------------------------------- NORAD_CAT_ID


@pytest.mark.parametrize(
    ("text", "number"),
    [  # gpconf vectors/norad-cat-id-text.json "valid", and surrounding blanks
        ("25544", 25544),
        ("00964", 964),
        ("964", 964),
        ("+25544", 25544),
        ("100000", 100000),
        ("270449", 270449),
        ("799501621", 799501621),
        ("999999999", 999999999),
        (" 25544 ", 25544),
        ("0000000025544", 25544),
    ],
)
def test_parse_norad_id_accepts_integers_of_up_to_nine_digits(text: str, number: int) -> None:
    assert omm.parse_norad_id(text) == number
    assert type(omm.parse_norad_id(text)) is int


@pytest.mark.parametrize(
    ("text", "words"),
    [  # gpconf vectors/norad-cat-id-text.json "invalid_in_omm", and more
        ("A0000", "Alpha-5"),
        ("1000000000", "more than nine digits"),
        ("25544.0", "not an integer"),
        ("", "empty"),
        ("-5", "negative"),
        ("2 5544", "not an integer"),
        ("\u0662\u0665\u0665\u0664\u0664", "not an integer"),
        ("0x63C8", "not an integer"),
    ],
)
def test_parse_norad_id_refuses_with_the_reason(text: str, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        omm.parse_norad_id(text)


def test_nine_digit_catalog_numbers_round_trip_in_every_format() -> None:
    big = dataclasses.replace(ISS_FIRST, norad_id=799501621)
    for fmt, writer in WRITERS.items():
        assert READERS[fmt](writer([big]), fmt).records == (big,)
