"""Format detection and the one entry point that reads or writes every element format.

Inputs are the real files of the bundled CelesTrak sample and of ``tests/data`` (see the READMEs
there), and the writers' own output.
"""

import csv
import io
import json
from pathlib import Path

import pytest
from sgp4.api import Satrec

from orbitwatch.core.elements import formats, omm
from orbitwatch.errors import ElementsError

ROOT = Path(__file__).resolve().parents[3]
SAMPLE = ROOT / "src" / "orbitwatch" / "io" / "bundled" / "sample" / "2026-05-24"
DATA = ROOT / "tests" / "data"
GPCONF = DATA / "omm" / "gpconf"


def text_of(path: Path) -> str:
    """A file's text with its line endings as they are on disk."""
    return path.read_bytes().decode("utf-8")


def space_track_csv() -> str:
    """The real Space-Track record of ``prefire-1.json`` as Space-Track's CSV lays it out: keys as header."""
    record = json.loads(text_of(DATA / "omm" / "spacetrack" / "prefire-1.json"))[0]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(record)
    writer.writerow("" if value is None else value for value in record.values())
    return buffer.getvalue()


def three_line_tle() -> str:
    """The first sets of the bundled stations group, with name lines."""
    return "".join(text_of(SAMPLE / "stations.tle").splitlines(keepends=True)[:9])


def two_line_tle() -> str:
    """The same sets without their name lines."""
    lines = text_of(SAMPLE / "stations.tle").splitlines(keepends=True)[:9]
    return "".join(line for index, line in enumerate(lines) if index % 3)


@pytest.mark.parametrize(
    ("make_text", "expected"),
    [
        (three_line_tle, "tle"),
        (two_line_tle, "tle"),
        (lambda: text_of(GPCONF / "v01-baseline-reserialised.kvn"), "omm-kvn"),
        (lambda: text_of(GPCONF / "v04-comments-blank-lines-whitespace-LF.kvn"), "omm-kvn"),
        (lambda: "\r\n\r\nCOMMENT first\r\n" + text_of(GPCONF / "v01-baseline-reserialised.kvn"), "omm-kvn"),
        (lambda: text_of(GPCONF / "v07-xml-ndm-reserialised.xml"), "omm-xml"),
        (lambda: text_of(DATA / "omm" / "python-sgp4" / "mario.xml"), "omm-xml"),
        (lambda: text_of(GPCONF / "unedited-array.json"), "omm-json"),
        (lambda: text_of(DATA / "omm" / "spacetrack" / "prefire-1.json")[1:-2], "omm-json"),
        (lambda: text_of(GPCONF / "unedited-rows.csv"), "omm-csv"),
        (lambda: text_of(DATA / "omm" / "generated" / "stations-2026-05-24.csv"), "omm-csv"),
        (space_track_csv, "omm-csv"),
        (lambda: text_of(DATA / "satcat" / "celestrak-excerpt.csv"), "satcat-csv"),
        (lambda: "\ufeff" + text_of(DATA / "satcat" / "celestrak-excerpt.csv"), "satcat-csv"),
    ],
)
def test_detect_format_recognises_every_input(make_text: object, expected: str) -> None:
    assert callable(make_text)
    assert formats.detect_format(make_text(), "input") == expected


@pytest.mark.parametrize("text", ["", "   \r\n\t\n", "\ufeff"])
def test_empty_input_is_a_clear_error(text: str) -> None:
    with pytest.raises(ElementsError, match=r"empty\.txt: the input is empty"):
        formats.detect_format(text, "empty.txt")


@pytest.mark.parametrize("text", ["No GP data found", "hello, world\nfoo", "NAME,VALUE\nA,1\n", "%PDF-1.7\n"])
def test_unrecognisable_input_is_a_clear_error(text: str) -> None:
    with pytest.raises(ElementsError, match=r"odd\.bin: cannot tell the format .* give it explicitly"):
        formats.detect_format(text, "odd.bin")


@pytest.mark.parametrize("fmt", ["omm-kvn", "omm-xml", "omm-json", "omm-csv"])
def test_read_elements_dispatches_on_detection(fmt: str) -> None:
    expected = omm.read_omm_json(text_of(GPCONF / "unedited-array.json"), "corpus").records
    written = formats.write_elements(expected, fmt)
    result = formats.read_elements(written.encode("utf-8"), "written")
    assert result.format == fmt
    assert result.records == expected


def test_space_track_csv_reads_as_its_json() -> None:
    from_json = formats.read_elements(text_of(DATA / "omm" / "spacetrack" / "prefire-1.json"), "st.json")
    from_csv = formats.read_elements(space_track_csv(), "st.csv")
    assert from_csv.format == "omm-csv"
    assert from_csv.records == from_json.records
    assert dict(from_csv.records[0].extras) == dict(from_json.records[0].extras)


def test_read_elements_reads_tle() -> None:
    result = formats.read_elements(three_line_tle(), "stations.tle")
    assert result.format == "tle"
    lines = two_line_tle().splitlines()
    expected = [Satrec.twoline2rv(lines[i], lines[i + 1]).satnum for i in range(0, len(lines), 2)]
    assert [element_set.norad_id for element_set in result.records] == expected


def test_an_explicit_format_overrides_detection() -> None:
    csv_text = text_of(GPCONF / "unedited-rows.csv")
    assert formats.read_elements(csv_text, "rows.csv", "omm-csv").format == "omm-csv"
    as_kvn = formats.read_elements(csv_text, "rows.csv", "omm-kvn")
    assert as_kvn.format == "omm-kvn"
    assert as_kvn.records == ()
    assert as_kvn.refusals
    with pytest.raises(ElementsError, match="lacks EPOCH"):
        formats.read_elements(text_of(DATA / "satcat" / "celestrak-excerpt.csv"), "satcat.csv", "omm-csv")
    undetectable = "\n\n" + text_of(GPCONF / "unedited-array.json").replace("[", " [", 1)
    assert len(formats.read_elements(undetectable, "padded.json", "omm-json").records) == 3


def test_unknown_formats_are_refused() -> None:
    with pytest.raises(ElementsError, match="'omm-yaml' is not an element format"):
        formats.read_elements("x", "in", "omm-yaml")
    with pytest.raises(ElementsError, match="cannot write 'omm-yaml'"):
        formats.write_elements([], "omm-yaml")


def test_bytes_are_decoded_as_utf8_with_or_without_bom() -> None:
    data = text_of(GPCONF / "unedited-array.json").encode("utf-8")
    assert len(formats.read_elements(b"\xef\xbb\xbf" + data, "bom.json").records) == 3
    with pytest.raises(ElementsError, match=r"latin\.json: byte 0 is not UTF-8"):
        formats.read_elements(b"\xff" + data, "latin.json")
