"""Write ``spacetrack-gp-military.json``: real TLE values shaped as a Space-Track ``class/gp`` JSON answer.

The values are copied from the text of the first objects of the bundled real CelesTrak snapshot
``src/orbitwatch/io/bundled/sample/2026-05-24/military.tle``; the field names, their order and the
all-string values follow Space-Track's ``gp`` class (https://www.space-track.org/documentation).
Fields Space-Track takes from its catalog and a TLE does not hold (CREATION_DATE, OBJECT_TYPE,
RCS_SIZE, COUNTRY_CODE, LAUNCH_DATE, SITE, DECAY_DATE, FILE, GP_ID, and the derived SEMIMAJOR_AXIS,
PERIOD, APOAPSIS, PERIAPSIS) are left out rather than invented.

Run from the repository root: ``.venv/bin/python tests/data/recorded/make_spacetrack_gp_json.py``.
"""

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
SOURCE = ROOT / "src" / "orbitwatch" / "io" / "bundled" / "sample" / "2026-05-24" / "military.tle"
TARGET = Path(__file__).with_name("spacetrack-gp-military.json")
OBJECTS = 3


def implied_decimal(field: str) -> str:
    """A TLE ``±NNNNN±E`` field (implied leading decimal point) as a plain decimal string."""
    text = field.strip()
    sign = "-" if text.startswith("-") else ""
    mantissa, exponent = text.lstrip("+-")[:-2], text[-2:]
    return sign + format(Decimal(f"0.{mantissa}e{exponent}").normalize(), "f")


def epoch(field: str) -> str:
    """A TLE epoch ``YYDDD.DDDDDDDD`` as ISO 8601 with microseconds, as Space-Track writes it."""
    year = int(field[:2])
    day = Decimal(field[2:])
    microseconds = int((day - 1) * 86_400_000_000)
    start = datetime(1900 + year if year >= 57 else 2000 + year, 1, 1, tzinfo=UTC)
    return (start + timedelta(microseconds=microseconds)).strftime("%Y-%m-%dT%H:%M:%S.%f")


def object_id(field: str) -> str:
    """A TLE international designator ``YYNNNPPP`` as ``YYYY-NNNPPP``."""
    year = int(field[:2])
    return f"{1900 + year if year >= 57 else 2000 + year}-{field[2:5]}{field[5:].strip()}"


def record(name: str, line1: str, line2: str) -> dict[str, str]:
    """One ``gp`` record from a three-line element set."""
    return {
        "CCSDS_OMM_VERS": "3.0",
        "COMMENT": "GENERATED VIA SPACE-TRACK.ORG API",
        "ORIGINATOR": "18 SPCS",
        "OBJECT_NAME": name,
        "OBJECT_ID": object_id(line1[9:17]),
        "CENTER_NAME": "EARTH",
        "REF_FRAME": "TEME",
        "TIME_SYSTEM": "UTC",
        "MEAN_ELEMENT_THEORY": "SGP4",
        "EPOCH": epoch(line1[18:32]),
        "MEAN_MOTION": line2[52:63].strip(),
        "ECCENTRICITY": f"0.{line2[26:33]}",
        "INCLINATION": line2[8:16].strip(),
        "RA_OF_ASC_NODE": line2[17:25].strip(),
        "ARG_OF_PERICENTER": line2[34:42].strip(),
        "MEAN_ANOMALY": line2[43:51].strip(),
        "EPHEMERIS_TYPE": line1[62],
        "CLASSIFICATION_TYPE": line1[7],
        "NORAD_CAT_ID": str(int(line1[2:7])),
        "ELEMENT_SET_NO": line1[64:68].strip(),
        "REV_AT_EPOCH": str(int(line2[63:68])),
        "BSTAR": implied_decimal(line1[53:61]),
        "MEAN_MOTION_DOT": format(Decimal(line1[33:43].strip()), "f"),
        "MEAN_MOTION_DDOT": implied_decimal(line1[44:52]),
        "TLE_LINE0": f"0 {name}",
        "TLE_LINE1": line1,
        "TLE_LINE2": line2,
    }


def main() -> None:
    """Write the file (compact JSON, one array, as Space-Track sends it)."""
    lines = [line.rstrip() for line in SOURCE.read_text(encoding="ascii").splitlines()]
    triples = [lines[i : i + 3] for i in range(0, 3 * OBJECTS, 3)]
    records = [record(name, line1, line2) for name, line1, line2 in triples]
    TARGET.write_text(json.dumps(records, separators=(",", ":")), encoding="ascii")


if __name__ == "__main__":
    main()
