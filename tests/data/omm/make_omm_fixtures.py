"""Write the OMM fixtures under ``generated/`` from the bundled real CelesTrak TLE sample, with python-sgp4.

The values come from an implementation independent of orbitwatch: each TLE set of
``src/orbitwatch/io/bundled/sample/2026-05-24/stations.tle`` (CelesTrak GP data, public) is read by
python-sgp4's ``Satrec.twoline2rv`` and turned into OMM keyword values by ``sgp4.exporter.export_omm``.
Those values are then laid out, without any orbitwatch code, as:

- ``stations-2026-05-24.json``: a JSON list of the ``export_omm`` dictionaries (``json.dumps``);
- ``stations-2026-05-24.csv``: the same dictionaries through ``csv.DictWriter``;
- ``stations-2026-05-24.kvn``: one ``KEYWORD = value`` message per set, concatenated (502.0-B-3 7.4);
- ``stations-2026-05-24.xml``: an NDM of ``<omm>`` elements built with ``xml.etree.ElementTree``.

Floats are written with ``repr`` (``str``), so every file carries exactly the floats ``export_omm``
returned. Run from the repository root: ``.venv/bin/python tests/data/omm/make_omm_fixtures.py``.
"""

import csv
import io
import json
import xml.etree.ElementTree as ElementTree
from pathlib import Path

from sgp4.api import Satrec
from sgp4.exporter import export_omm

ROOT = Path(__file__).resolve().parents[3]
TLE_FILE = ROOT / "src" / "orbitwatch" / "io" / "bundled" / "sample" / "2026-05-24" / "stations.tle"
OUT = Path(__file__).resolve().parent / "generated"
STEM = "stations-2026-05-24"
SEGMENTS = {
    "metadata": (
        "OBJECT_NAME",
        "OBJECT_ID",
        "CENTER_NAME",
        "REF_FRAME",
        "TIME_SYSTEM",
        "MEAN_ELEMENT_THEORY",
    ),
    "meanElements": (
        "EPOCH",
        "MEAN_MOTION",
        "ECCENTRICITY",
        "INCLINATION",
        "RA_OF_ASC_NODE",
        "ARG_OF_PERICENTER",
        "MEAN_ANOMALY",
    ),
    "tleParameters": (
        "EPHEMERIS_TYPE",
        "CLASSIFICATION_TYPE",
        "NORAD_CAT_ID",
        "ELEMENT_SET_NO",
        "REV_AT_EPOCH",
        "BSTAR",
        "MEAN_MOTION_DOT",
        "MEAN_MOTION_DDOT",
    ),
}


def omm_records() -> list[dict[str, object]]:
    """python-sgp4's OMM values of every set of the three-line TLE file."""
    lines = TLE_FILE.read_text().splitlines()
    records = []
    for index in range(0, len(lines) - 2, 3):
        name, line1, line2 = lines[index : index + 3]
        records.append(export_omm(Satrec.twoline2rv(line1, line2), name.strip()))
    return records


def kvn_text(records: list[dict[str, object]]) -> str:
    """Concatenated KVN messages, one ``KEYWORD = value`` line per keyword."""
    messages = []
    for record in records:
        lines = ["CCSDS_OMM_VERS = 2.0", "CREATION_DATE = ", "ORIGINATOR = python-sgp4 export_omm"]
        lines += [f"{key} = {value}" for key, value in record.items()]
        messages.append("\n".join(lines) + "\n")
    return "\n".join(messages)


def xml_text(records: list[dict[str, object]]) -> str:
    """An NDM root with one ``<omm>`` per record, segments as CCSDS 505.0-B-2 lays them out."""
    ndm = ElementTree.Element("ndm")
    for record in records:
        omm = ElementTree.SubElement(ndm, "omm", id="CCSDS_OMM_VERS", version="2.0")
        header = ElementTree.SubElement(omm, "header")
        ElementTree.SubElement(header, "CREATION_DATE")
        ElementTree.SubElement(header, "ORIGINATOR").text = "python-sgp4 export_omm"
        segment = ElementTree.SubElement(ElementTree.SubElement(omm, "body"), "segment")
        add_leaves(ElementTree.SubElement(segment, "metadata"), record, SEGMENTS["metadata"])
        data = ElementTree.SubElement(segment, "data")
        for name in ("meanElements", "tleParameters"):
            add_leaves(ElementTree.SubElement(data, name), record, SEGMENTS[name])
    ElementTree.indent(ndm)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(ndm, encoding="unicode") + "\n"


def add_leaves(parent: ElementTree.Element, record: dict[str, object], keys: tuple[str, ...]) -> None:
    """One child element per keyword, holding the value's ``str``."""
    for key in keys:
        ElementTree.SubElement(parent, key).text = str(record[key])


def csv_text(records: list[dict[str, object]]) -> str:
    """The records as CSV rows under a header of their keys (CRLF, as ``csv`` writes)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(records[0]))
    writer.writeheader()
    writer.writerows(records)
    return buffer.getvalue()


def main() -> None:
    """Write the four files."""
    OUT.mkdir(exist_ok=True)
    records = omm_records()
    (OUT / f"{STEM}.json").write_text(json.dumps(records) + "\n")
    (OUT / f"{STEM}.csv").write_text(csv_text(records), newline="")
    (OUT / f"{STEM}.kvn").write_text(kvn_text(records))
    (OUT / f"{STEM}.xml").write_text(xml_text(records))
    print(f"wrote {len(records)} records in four formats to {OUT}")


if __name__ == "__main__":
    main()
