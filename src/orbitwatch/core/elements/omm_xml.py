"""OMM in XML: an NDM of ``<omm>`` messages (CCSDS 505.0-B-2 NDM/XML, keywords of 502.0-B-3 section 4).

Reading takes an ``<ndm>`` root holding ``<omm>`` messages, as CelesTrak serves them, or a bare
``<omm>`` root; namespaces, ``xsi`` attributes and ``units`` attributes (checked against Table 4-3)
are tolerated, and the keywords are read from the leaf elements of the header, metadata,
meanElements and tleParameters segments wherever they stand. Parsing goes through
``defusedxml``, so entity expansion and external references are refused.

Writing gives CelesTrak's layout (OMM version 2.0, valid against SANA's ndmxml-2.0.0 schema,
whose epoch pattern allows the empty CREATION_DATE written when no creation time is given).
"""

import copy
import re
from collections.abc import Iterable
from datetime import datetime
from xml.etree.ElementTree import Element, ParseError, tostring
from xml.sax.saxutils import escape

import defusedxml.ElementTree as SafeElementTree
from defusedxml import DefusedXmlException

from orbitwatch.core.elements.epochs import ccsds_epoch_text
from orbitwatch.core.elements.model import ElementSet
from orbitwatch.core.elements.omm_fields import (
    MEAN_ELEMENT_KEYWORDS,
    METADATA_KEYWORDS,
    NUMERIC_KEYWORDS,
    TLE_PARAMETER_KEYWORDS,
    FieldError,
    check_units,
    element_set_from_fields,
    omm_values,
    written,
)
from orbitwatch.core.elements.result import ReadResult, Refusal, gathered
from orbitwatch.core.elements.textrows import without_bom
from orbitwatch.errors import ElementsError

FORMAT = "omm-xml"
ORIGINATOR = "orbitwatch"
_KEYWORD = re.compile(r"[A-Z][A-Z0-9_]*")
_NDM_OPEN = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<ndm xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xsi:noNamespaceSchemaLocation="https://sanaregistry.org/r/ndmxml_unqualified/ndmxml-2.0.0-master-2.0.xsd">\n'
)


def read_omm_xml(text: str, source: str) -> ReadResult[ElementSet]:
    """Every ``<omm>`` of an NDM/XML text, each refused on its own (``record`` = its 1-based position).

    Raises ElementsError when the text is not well-formed XML (with the line and column), holds
    an entity declaration or external reference, or has a root other than ``<ndm>`` or ``<omm>``.
    """
    try:
        messages = enumerate(_messages(_root(text, source), source), start=1)
        return gathered(
            source,
            FORMAT,
            ((_outcome(message, i, source), _element_text(message)) for i, message in messages),
        )
    except RecursionError:
        raise ElementsError(f"{source}: the XML is nested too deeply to be an OMM") from None


def write_omm_xml(elements: Iterable[ElementSet], *, creation_utc: datetime | None = None) -> str:
    """An NDM holding one ``<omm>`` per element set, laid out as CelesTrak's XML.

    CREATION_DATE is ``creation_utc``, or empty without it (as CelesTrak writes it). Floats are
    written with ``repr``, which reads back to the same float. Raises ElementsError for an element
    set no OMM can carry.
    """
    creation = ccsds_epoch_text(creation_utc) if creation_utc is not None else ""
    return _NDM_OPEN + "".join(_omm_text(element_set, creation) for element_set in elements) + "</ndm>\n"


def _root(text: str, source: str) -> Element:
    try:
        root: Element = SafeElementTree.fromstring(without_bom(text))
    except ParseError as exc:
        raise ElementsError(f"{source}: the XML is malformed: {exc}") from None
    except DefusedXmlException as exc:
        raise ElementsError(
            f"{source}: the XML holds a construct orbitwatch refuses to expand: {exc}"
        ) from None
    except UnicodeEncodeError as exc:
        raise ElementsError(
            f"{source}: character {exc.start} of the XML is not text ({exc.reason})"
        ) from None
    return root


def _messages(root: Element, source: str) -> list[Element]:
    name = _local_name(root)
    if name == "omm":
        return [root]
    if name == "ndm":
        return [child for child in root if len(child) or _local_name(child) == "omm"]
    raise ElementsError(f"{source}: the XML root is <{name}>, not <ndm> or <omm> (CCSDS 505.0-B-2)")


def _outcome(message: Element, index: int, source: str) -> ElementSet | Refusal:
    name = _local_name(message)
    if name != "omm":
        return Refusal(source, f"<{name}> is not an OMM", record=index, text=_element_text(message))
    try:
        return element_set_from_fields(_fields(message))
    except FieldError as exc:
        return Refusal(source, exc.reason, record=index, field=exc.keyword, text=exc.text)


def _fields(message: Element) -> dict[str, str]:
    fields: dict[str, str] = {}
    for element in message.iter():
        keyword = _keyword(element)
        if keyword is None or keyword == "COMMENT" or len(element):
            continue
        text = (element.text or "").strip()
        if keyword in fields:
            raise FieldError(keyword, text, f"{keyword} appears twice in one OMM")
        units = element.get("units")
        if units is not None and keyword in NUMERIC_KEYWORDS:
            check_units(keyword, units)
        fields[keyword] = text
    return fields


def _keyword(element: Element) -> str | None:
    name = _local_name(element)
    if name == "USER_DEFINED":
        return f"USER_DEFINED_{element.get('parameter', '')}"
    return name if _KEYWORD.fullmatch(name) else None


def _local_name(element: Element) -> str:
    tag = element.tag if isinstance(element.tag, str) else ""
    return tag.rpartition("}")[2]


def _element_text(element: Element) -> str:
    alone = copy.copy(element)
    alone.tail = None
    return tostring(alone, encoding="unicode")


def _omm_text(element_set: ElementSet, creation: str) -> str:
    values = omm_values(element_set)
    return (
        '  <omm id="CCSDS_OMM_VERS" version="2.0">\n'
        "    <header>\n"
        f"{_leaf('CREATION_DATE', creation, 6)}{_leaf('ORIGINATOR', ORIGINATOR, 6)}"
        "    </header>\n"
        "    <body>\n      <segment>\n"
        f"{_block('metadata', values, METADATA_KEYWORDS, 8)}"
        "        <data>\n"
        f"{_block('meanElements', values, MEAN_ELEMENT_KEYWORDS, 10)}"
        f"{_block('tleParameters', values, TLE_PARAMETER_KEYWORDS, 10)}"
        "        </data>\n"
        "      </segment>\n    </body>\n"
        "  </omm>\n"
    )


def _block(name: str, values: dict[str, str | int | float], keywords: tuple[str, ...], indent: int) -> str:
    leaves = "".join(_leaf(keyword, written(values[keyword]), indent + 2) for keyword in keywords)
    pad = " " * indent
    return f"{pad}<{name}>\n{leaves}{pad}</{name}>\n"


def _leaf(keyword: str, text: str, indent: int) -> str:
    pad = " " * indent
    if not text:
        return f"{pad}<{keyword}/>\n"
    return f"{pad}<{keyword}>{escape(text)}</{keyword}>\n"
