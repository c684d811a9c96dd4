"""Alpha-5: the five-character catalog-number field of a TLE (columns 3-7 of both lines).

Space-Track's Alpha-5 documentation ("What is Alpha-5?", https://www.space-track.org/documentation):
numbers below 100000 are five digits with leading zeros (``00005``); numbers 100000 to 339999 are a
letter worth 10 to 33 (A=10, B=11, ... Z=33, with I and O never used, since they read as 1 and 0)
followed by the last four digits (``A0000`` = 100000, ``E8493`` = 148493, ``Z9999`` = 339999).
Larger numbers do not fit in a TLE; they exist only in the OMM formats, whose ``NORAD_CAT_ID`` holds
up to nine digits.

Inside orbitwatch a catalog number is always an ``int``; Alpha-5 lives only at the TLE text boundary.
"""

from typing import Final

ALPHA5_LETTERS: Final = "ABCDEFGHJKLMNPQRSTUVWXYZ"
MAX_ALPHA5_NUMBER: Final = 339_999
_FIELD_WIDTH: Final = 5
_DIGITS: Final = frozenset("0123456789")


def alpha5_decode(field: str) -> int:
    """The catalog number of a five-character TLE catalog field (five digits, or Alpha-5).

    Strict: the field is exactly five characters, the first a digit or an uppercase letter other
    than I and O, the other four digits. Leading spaces before digits (``"  964"``, as some old
    TLE sources print small numbers) are accepted; any other space, a sign, a lowercase letter or a
    letter after the first place raises ``ValueError`` naming the field and the reason.
    """
    if len(field) != _FIELD_WIDTH:
        raise ValueError(f"catalog field {field!r} must be five characters, has {len(field)}")
    digits = field.lstrip(" ")
    if digits and len(digits) < _FIELD_WIDTH and set(digits) <= _DIGITS:
        return int(digits)
    first, rest = field[0], field[1:]
    if not set(rest) <= _DIGITS:
        raise ValueError(
            f"catalog field {field!r}: characters 2-5 must be the digits 0-9 (a letter only first)"
        )
    if first in _DIGITS:
        return int(field)
    if first in "IO":
        raise ValueError(
            f"catalog field {field!r}: the letter {first} is never used in Alpha-5 (it reads as 1 or 0)"
        )
    letter_value = ALPHA5_LETTERS.find(first)
    if letter_value < 0:
        raise ValueError(
            f"catalog field {field!r}: the first character must be a digit or an uppercase letter A-Z "
            f"other than I and O, got {first!r}"
        )
    return (letter_value + 10) * 10_000 + int(rest)


def alpha5_encode(n: int) -> str:
    """The TLE catalog field of a catalog number: five digits below 100000, Alpha-5 up to 339999.

    Raises ``ValueError`` for a negative number or one above 339999 (``Z9999``).
    """
    if n < 0:
        raise ValueError(f"catalog number {n} is negative; a TLE catalog field holds 0..{MAX_ALPHA5_NUMBER}")
    if n > MAX_ALPHA5_NUMBER:
        raise ValueError(
            f"catalog number {n} is above {MAX_ALPHA5_NUMBER} (Alpha-5 'Z9999'), the largest a TLE carries; "
            "such records belong in an OMM, whose NORAD_CAT_ID holds up to nine digits"
        )
    if n < 100_000:
        return f"{n:05d}"
    ten_thousands, last_four = divmod(n, 10_000)
    return f"{ALPHA5_LETTERS[ten_thousands - 10]}{last_four:04d}"
