"""CCSDS 502.0-B-3 Orbit Mean-Elements Messages: read and write KVN, XML, JSON and CSV (pure).

Each reader takes a text and a source name and returns a ReadResult: the element sets it read,
the records it refused (with the line or record, the keyword and the reason) and the original text
of each accepted record. A bad record never stops the others; only an input that is malformed as a
whole (JSON or XML that does not parse, a CSV header without the mandatory keywords) raises
ElementsError. Each writer takes element sets and returns text that its reader reads back to
equal element sets.

- KVN: :mod:`orbitwatch.core.elements.omm_kvn` (502.0-B-3 section 7);
- XML: :mod:`orbitwatch.core.elements.omm_xml` (505.0-B-2 NDM/XML);
- JSON and CSV as CelesTrak and Space-Track serve them: :mod:`~orbitwatch.core.elements.omm_json`,
  :mod:`~orbitwatch.core.elements.omm_csv`;
- keywords, values and their checks (section 4): :mod:`~orbitwatch.core.elements.omm_fields`.
"""

from orbitwatch.core.elements.omm_csv import read_omm_csv, write_omm_csv
from orbitwatch.core.elements.omm_fields import UNKNOWN_NORAD_ID, parse_norad_id
from orbitwatch.core.elements.omm_json import read_omm_json, write_omm_json
from orbitwatch.core.elements.omm_kvn import read_omm_kvn, write_omm_kvn
from orbitwatch.core.elements.omm_xml import read_omm_xml, write_omm_xml

__all__ = [
    "UNKNOWN_NORAD_ID",
    "parse_norad_id",
    "read_omm_csv",
    "read_omm_json",
    "read_omm_kvn",
    "read_omm_xml",
    "write_omm_csv",
    "write_omm_json",
    "write_omm_kvn",
    "write_omm_xml",
]
