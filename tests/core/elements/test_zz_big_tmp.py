"""Properties of the OMM readers and writers, checked on generated inputs (hypothesis).

- Any valid element set written in any OMM encoding reads back equal, exactly.
- No input, however broken (random bytes, random text, real OMM files with random edits), makes a
  reader or ``formats.read_elements`` raise anything but ``ElementsError``; and whatever a reader
  accepts, it returns with its original text.
"""

import string
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orbitwatch.core.elements import formats, omm
from orbitwatch.core.elements.model import MAX_NORAD_ID, ElementSet
from orbitwatch.core.elements.result import ReadResult
from orbitwatch.core.elements.satcat import read_satcat_csv
from orbitwatch.errors import ElementsError

DATA = Path(__file__).resolve().parents[3] / "tests" / "data"
REAL_FILES = [
    *sorted((DATA / "omm" / "gpconf").iterdir()),
    DATA / "omm" / "python-sgp4" / "mario.xml",
    DATA / "omm" / "python-sgp4" / "mario.csv",
    DATA / "omm" / "spacetrack" / "prefire-1.json",
    DATA / "satcat" / "celestrak-excerpt.csv",
]
REAL_TEXTS = [path.read_bytes().decode("utf-8") for path in REAL_FILES]
OMM_FORMATS = ("omm-kvn", "omm-xml", "omm-json", "omm-csv")
READERS: dict[str, Callable[[str, str], ReadResult[object]]] = {
    "omm-kvn": omm.read_omm_kvn,
    "omm-xml": omm.read_omm_xml,
    "omm-json": omm.read_omm_json,
    "omm-csv": omm.read_omm_csv,
    "satcat-csv": read_satcat_csv,
}
QUICK = settings(max_examples=40000, deadline=None, suppress_health_check=[HealthCheck.too_slow])

_text_values = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="\ufffe\uffff"),
    max_size=24,
).map(str.strip)
_finite = st.floats(allow_nan=False, allow_infinity=False)

element_sets = st.builds(
    ElementSet,
    norad_id=st.integers(0, MAX_NORAD_ID),
    epoch_utc=st.datetimes(datetime(1957, 1, 1), datetime(2100, 12, 31), timezones=st.just(UTC)),
    mean_motion_rev_per_day=st.floats(min_value=0.0, exclude_min=True, allow_infinity=False),
    eccentricity=st.floats(min_value=0.0, max_value=1.0, exclude_max=True),
    inclination_deg=st.floats(min_value=0.0, max_value=180.0),
    raan_deg=st.floats(min_value=-360.0, max_value=360.0, exclude_max=True),
    arg_perigee_deg=st.floats(min_value=-360.0, max_value=360.0, exclude_max=True),
    mean_anomaly_deg=st.floats(min_value=-360.0, max_value=360.0, exclude_max=True),
    bstar_per_earth_radius=_finite,
    mean_motion_dot_rev_per_day2=_finite,
    mean_motion_ddot_rev_per_day3=_finite,
    name=_text_values,
    intl_designator=_text_values,
    classification=st.sampled_from(string.ascii_uppercase),
    ephemeris_type=st.integers(0, 9),
    element_set_no=st.integers(0, 999_999_999),
    rev_at_epoch=st.integers(0, 999_999_999),
)

_edit_characters = st.one_of(
    st.sampled_from(list('=<>/[]{}",:;\n\r\t .-+eE0123456789AZaz_\x00\ufeff')),
    st.characters(),
)
_edits = st.lists(
    st.tuples(
        st.sampled_from(["delete", "insert", "replace", "cut", "repeat"]), st.floats(0, 1), _edit_characters
    ),
    min_size=1,
    max_size=6,
)


def edited(text: str, edits: list[tuple[str, float, str]]) -> str:
    """A text with random edits applied in turn, each at a fraction of the current length."""
    for operation, where, character in edits:
        at = int(where * len(text))
        if operation == "delete":
            text = text[:at] + text[at + 1 :]
        elif operation == "insert":
            text = text[:at] + character + text[at:]
        elif operation == "replace":
            text = text[:at] + character + text[at + 1 :]
        elif operation == "cut":
            text = text[:at]
        else:
            text = text[:at] + text[at : at + 40] + text[at:]
    return text


def read_or_refuse(read: Callable[[], ReadResult[object]]) -> None:
    """Call a reader: it may refuse the input as a whole with ElementsError and nothing else."""
    try:
        result = read()
    except ElementsError:
        return
    assert len(result.texts) == len(result.records)
    assert all(refusal.reason for refusal in result.refusals)


@pytest.mark.parametrize("fmt", OMM_FORMATS)
@QUICK
@given(elements=st.lists(element_sets, max_size=3))
def test_every_writer_round_trips_valid_element_sets(fmt: str, elements: list[ElementSet]) -> None:
    written = formats.write_elements(elements, fmt)
    result = READERS[fmt](written, "written")
    assert result.refusals == ()
    assert list(result.records) == elements


@QUICK
@given(elements=st.lists(element_sets, min_size=1, max_size=2), fmt=st.sampled_from(OMM_FORMATS))
def test_written_omm_is_detected_and_read_back(elements: list[ElementSet], fmt: str) -> None:
    result = formats.read_elements(formats.write_elements(elements, fmt).encode("utf-8"), "written")
    assert result.format == fmt
    assert list(result.records) == elements


@QUICK
@given(data=st.binary(max_size=2000))
def test_random_bytes_raise_only_elements_error(data: bytes) -> None:
    read_or_refuse(lambda: formats.read_elements(data, "random.bin"))


@pytest.mark.parametrize("fmt", sorted(READERS))
@QUICK
@given(text=st.text(max_size=600))
def test_random_text_raises_only_elements_error(fmt: str, text: str) -> None:
    read_or_refuse(lambda: READERS[fmt](text, "random.txt"))


@settings(max_examples=4000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(index=st.integers(0, len(REAL_TEXTS) - 1), edits=_edits, fmt=st.sampled_from(sorted(READERS)))
def test_edited_real_files_raise_only_elements_error(
    index: int, edits: list[tuple[str, float, str]], fmt: str
) -> None:
    text = edited(REAL_TEXTS[index], edits)
    read_or_refuse(lambda: READERS[fmt](text, "edited"))
    read_or_refuse(lambda: formats.read_elements(text.encode("utf-8", "surrogatepass"), "edited"))


@pytest.mark.parametrize("fmt", OMM_FORMATS)
@QUICK
@given(element_set=element_sets, edits=_edits)
def test_edited_written_files_raise_only_elements_error(
    fmt: str, element_set: ElementSet, edits: list[tuple[str, float, str]]
) -> None:
    text = edited(formats.write_elements([element_set, element_set], fmt), edits)
    read_or_refuse(lambda: READERS[fmt](text, "edited"))
