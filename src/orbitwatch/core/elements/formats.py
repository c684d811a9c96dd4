"""Format detection and the one entry point that reads or writes any element format.

Formats (names used everywhere: CLI, store, API):

- ``tle``: two-line or three-line element sets (a name line, with or without ``0 ``, is optional);
- ``omm-kvn``, ``omm-xml``, ``omm-json``, ``omm-csv``: CCSDS 502.0-B-3 OMM as CelesTrak and
  Space-Track serve it;
- ``satcat-csv``: CelesTrak's SATCAT (object metadata, not element sets), read with
  :func:`orbitwatch.core.elements.satcat.read_satcat_csv`.

Writers add ``3le`` (TLE with a name line) to the list.
"""

from collections.abc import Callable, Iterable
from typing import Final

from orbitwatch.core.elements import omm, tle
from orbitwatch.core.elements.model import ElementSet
from orbitwatch.core.elements.result import ReadResult
from orbitwatch.errors import ElementsError

ELEMENT_FORMATS: Final = ("tle", "omm-kvn", "omm-xml", "omm-json", "omm-csv")
WRITE_FORMATS: Final = ("tle", "3le", "omm-kvn", "omm-xml", "omm-json", "omm-csv")

_READERS: Final[dict[str, Callable[[str, str], ReadResult[ElementSet]]]] = {
    "tle": tle.read_tle,
    "omm-kvn": omm.read_omm_kvn,
    "omm-xml": omm.read_omm_xml,
    "omm-json": omm.read_omm_json,
    "omm-csv": omm.read_omm_csv,
}

_WRITERS: Final[dict[str, Callable[[Iterable[ElementSet]], str]]] = {
    "tle": lambda es: tle.write_tle(es, with_names=False),
    "3le": lambda es: tle.write_tle(es, with_names=True),
    "omm-kvn": omm.write_omm_kvn,
    "omm-xml": omm.write_omm_xml,
    "omm-json": omm.write_omm_json,
    "omm-csv": omm.write_omm_csv,
}


def decode_text(data: bytes | str, source: str) -> str:
    """Text of an input: UTF-8 (with or without a byte-order mark), else Latin-1 is refused with a reason."""
    if isinstance(data, str):
        return data
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ElementsError(
            f"{source}: byte {exc.start} is not UTF-8 ({exc.reason}); element files are UTF-8 or ASCII text"
        ) from None


def detect_format(text: str, source: str = "<input>") -> str:
    """The format of an input from its content: one of ``ELEMENT_FORMATS`` or ``satcat-csv``."""
    head = text.lstrip("\ufeff \t\r\n")
    if not head:
        raise ElementsError(f"{source}: the input is empty; there is no element set to read")
    if head.startswith("<"):
        return "omm-xml"
    if head.startswith(("[", "{")):
        return "omm-json"
    first = head.splitlines()[0]
    upper = first.upper()
    # before KVN: Space-Track's CSV header starts with CCSDS_OMM_VERS
    if "," in first and "NORAD_CAT_ID" in upper:
        if "MEAN_MOTION" in upper:
            return "omm-csv"
        if "OBJECT_TYPE" in upper or "LAUNCH_DATE" in upper:
            return "satcat-csv"
    if upper.startswith(("CCSDS_OMM_VERS", "COMMENT")) or "CCSDS_OMM_VERS" in head[:2000]:
        return "omm-kvn"
    if any(line.startswith("1 ") for line in head.splitlines()[:3]):
        return "tle"
    raise ElementsError(
        f"{source}: cannot tell the format from the content (first line {first[:40]!r}); "
        f"give it explicitly, one of {', '.join((*ELEMENT_FORMATS, 'satcat-csv'))}"
    )


def read_elements(data: bytes | str, source: str, fmt: str | None = None) -> ReadResult[ElementSet]:
    """Read every element set of an input, detecting the format unless ``fmt`` is given."""
    text = decode_text(data, source)
    chosen = fmt or detect_format(text, source)
    reader = _READERS.get(chosen)
    if reader is None:
        raise ElementsError(
            f"{source}: {chosen!r} is not an element format; expected one of {ELEMENT_FORMATS}"
        )
    return reader(text, source)


def write_elements(elements: Iterable[ElementSet], fmt: str) -> str:
    """Text of element sets in a format of ``WRITE_FORMATS``."""
    writer = _WRITERS.get(fmt)
    if writer is None:
        raise ElementsError(f"cannot write {fmt!r}; expected one of {', '.join(WRITE_FORMATS)}")
    return writer(elements)
