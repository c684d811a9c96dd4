"""Measurement files of any supported format: tell them apart by their first characters and read them.

A CCSDS TDM (503.0-B-2) in XML starts with ``<``; in KVN with ``CCSDS_TDM_VERS``; the orbitwatch
measurement CSV has a header whose first column is ``TIME_UTC``.
"""

from orbitwatch.core.elements.result import ReadResult
from orbitwatch.core.od.measurements import Measurement
from orbitwatch.core.od.measurements_csv import read_measurements_csv
from orbitwatch.core.od.tdm import read_tdm
from orbitwatch.errors import ObservationError

MEASUREMENT_FORMATS = ("tdm", "measurements-csv")


def measurement_format(data: bytes | str) -> str | None:
    """``tdm`` or ``measurements-csv`` when the data is a measurement file, else None."""
    text = data[:4096].decode("utf-8-sig", errors="replace") if isinstance(data, bytes) else data[:4096]
    head = text.lstrip("\ufeff \t\r\n")
    if (head.startswith("<") and "<tdm" in head[:1024].lower()) or head.upper().startswith("CCSDS_TDM_VERS"):
        return "tdm"
    if head.split("\n", 1)[0].strip().upper().startswith("TIME_UTC"):
        return "measurements-csv"
    return None


def read_measurement_file(data: bytes | str, source: str) -> ReadResult[Measurement]:
    """The measurements of a TDM (KVN or XML) or measurement CSV, refusals record by record."""
    fmt = measurement_format(data)
    if fmt == "tdm":
        return read_tdm(data, source)
    if fmt == "measurements-csv":
        return read_measurements_csv(data, source)
    raise ObservationError(
        f"{source}: not a measurement file (expected a CCSDS TDM in KVN or XML, or a CSV whose header "
        "starts TIME_UTC,KIND,STATION)"
    )
