"""Alpha-5 catalog fields: Space-Track's examples, every boundary, and python-sgp4 as a second opinion."""

import pytest
from sgp4.alpha5 import from_alpha5, to_alpha5

from orbitwatch.core.elements.alpha5 import ALPHA5_LETTERS, alpha5_decode, alpha5_encode

# Space-Track, "What is Alpha-5?" (documentation page, examples section).
SPACE_TRACK_EXAMPLES = [
    (100000, "A0000"),
    (148493, "E8493"),
    (182931, "J2931"),
    (234018, "P4018"),
    (301928, "W1928"),
    (339999, "Z9999"),
]
BELOW_100000 = [
    (0, "00000"),
    (5, "00005"),
    (964, "00964"),
    (25544, "25544"),
    (69999, "69999"),
    (99999, "99999"),
]


@pytest.mark.parametrize(("number", "field"), SPACE_TRACK_EXAMPLES + BELOW_100000)
def test_published_examples_both_ways(number: int, field: str) -> None:
    assert alpha5_encode(number) == field
    assert alpha5_decode(field) == number


def test_letters_skip_i_and_o() -> None:
    assert len(ALPHA5_LETTERS) == 24
    assert "I" not in ALPHA5_LETTERS
    assert "O" not in ALPHA5_LETTERS
    assert alpha5_encode(179999) == "H9999"
    assert alpha5_encode(180000) == "J0000"
    assert alpha5_encode(229999) == "N9999"
    assert alpha5_encode(230000) == "P0000"


@pytest.mark.parametrize("letter", list(ALPHA5_LETTERS))
def test_every_letter_at_both_ends_of_its_range(letter: str) -> None:
    value = (ALPHA5_LETTERS.index(letter) + 10) * 10_000
    assert alpha5_decode(f"{letter}0000") == value
    assert alpha5_decode(f"{letter}9999") == value + 9999
    assert alpha5_encode(value) == f"{letter}0000"
    assert alpha5_encode(value + 9999) == f"{letter}9999"


def test_every_number_round_trips_and_agrees_with_python_sgp4() -> None:
    for number in range(0, 340_000, 7):
        field = alpha5_encode(number)
        assert len(field) == 5
        assert alpha5_decode(field) == number
        assert field == to_alpha5(number)
        assert from_alpha5(field) == number


@pytest.mark.parametrize(("field", "number"), [("  964", 964), ("    5", 5), (" 1234", 1234)])
def test_space_padded_small_numbers_of_old_tles_are_read(field: str, number: int) -> None:
    assert alpha5_decode(field) == number


@pytest.mark.parametrize(
    ("field", "why"),
    [
        ("I0000", "never used"),
        ("O1234", "never used"),
        ("a0000", "uppercase"),
        ("AA000", "digits 0-9"),
        ("1A000", "digits 0-9"),
        ("A000", "five characters"),
        ("A00000", "five characters"),
        ("", "five characters"),
        ("A 000", "digits 0-9"),
        ("12 34", "digits 0-9"),
        ("964  ", "digits 0-9"),
        ("     ", "digits 0-9"),
        ("+1234", "uppercase letter"),
        ("-1234", "uppercase letter"),
        ("\u0661\u0662\u0663\u0664\u0665", "digits 0-9"),
    ],
)
def test_invalid_fields_are_refused_naming_the_field_and_why(field: str, why: str) -> None:
    with pytest.raises(ValueError, match=why) as caught:
        alpha5_decode(field)
    assert repr(field) in str(caught.value)


@pytest.mark.parametrize("number", [340000, 799501621, 999999999])
def test_numbers_above_z9999_belong_in_an_omm(number: int) -> None:
    with pytest.raises(ValueError, match="belong in an OMM"):
        alpha5_encode(number)


def test_negative_numbers_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        alpha5_encode(-1)
