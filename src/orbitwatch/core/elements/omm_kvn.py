"""OMM in KVN (CCSDS 502.0-B-3 section 7): many messages read from one text, one written per element set.

Reading follows the KVN syntax of section 7: ``KEYWORD = value`` lines (7.4) with any whitespace
around ``=`` and at the ends, blank lines and ``COMMENT`` lines anywhere (7.8), bracketed units
after numeric values (7.7.1, checked against Table 4-3), the CCSDS epoch forms (7.5.10), signed
integers (7.5.4) and both floating-point exponents (7.5.7). A message starts at its
``CCSDS_OMM_VERS`` line (Table 4-1), so concatenated messages, as CelesTrak serves them, are
read one by one, and one bad message is refused without losing the others. Keywords are read
without regard to case.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

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
from orbitwatch.core.elements.textrows import physical_lines, without_bom

FORMAT = "omm-kvn"
OMM_VERSION = "3.0"
ORIGINATOR = "orbitwatch"
_KEYWORD_WIDTH = len("MEAN_ELEMENT_THEORY")

_KEY_VALUE = re.compile(r"\s*([A-Za-z][A-Za-z0-9_]*)\s*=(.*)", re.DOTALL)
_COMMENT = re.compile(r"\s*COMMENT(?:\s.*)?", re.IGNORECASE | re.DOTALL)
_VALUE_WITH_UNITS = re.compile(r"(.*?)\s*\[([^\[\]]*)\]", re.DOTALL)


@dataclass
class _Message:
    """One OMM being gathered from its lines: keyword values, where each stands, and the first problem."""

    source: str
    index: int
    start_line: int
    lines: list[str] = field(default_factory=list)
    values: dict[str, str] = field(default_factory=dict)
    keyword_lines: dict[str, int] = field(default_factory=dict)
    problem: Refusal | None = None

    def add(self, number: int, raw: str) -> None:
        """Take one physical line of the message."""
        self.lines.append(raw)
        line = raw.rstrip("\r\n")
        if not line.strip() or _COMMENT.fullmatch(line) or self.problem is not None:
            return
        match = _KEY_VALUE.fullmatch(line)
        if match is None:
            self._refuse(number, "", line, f"line {number} is neither 'KEYWORD = value' nor a COMMENT (7.4)")
            return
        keyword, value = match.group(1).upper(), match.group(2).strip()
        if keyword in self.values:
            first = self.keyword_lines[keyword]
            self._refuse(
                number, keyword, line, f"{keyword} appears twice in one OMM (lines {first} and {number})"
            )
            return
        if not self.values and keyword != "CCSDS_OMM_VERS":
            self._refuse(
                number, keyword, line, f"the OMM starts with {keyword}, not CCSDS_OMM_VERS (Table 4-1)"
            )
            return
        try:
            self.values[keyword] = _without_units(keyword, value)
            self.keyword_lines[keyword] = number
        except FieldError as exc:
            self._refuse(number, keyword, line, exc.reason)

    def outcome(self) -> ElementSet | Refusal:
        """The message's element set, or the refusal of it."""
        if self.problem is not None:
            return self.problem
        try:
            return element_set_from_fields(self.values)
        except FieldError as exc:
            line = self.keyword_lines.get(exc.keyword, self.start_line)
            return Refusal(
                self.source, exc.reason, line=line, record=self.index, field=exc.keyword, text=exc.text
            )

    @property
    def text(self) -> str:
        """The message's lines as the input had them, without the blank lines after it."""
        lines = list(self.lines)
        while lines and not lines[-1].strip():
            lines.pop()
        return "".join(lines).rstrip("\r\n")

    def _refuse(self, number: int, keyword: str, line: str, reason: str) -> None:
        self.problem = Refusal(self.source, reason, line=number, record=self.index, field=keyword, text=line)


def read_omm_kvn(text: str, source: str) -> ReadResult[ElementSet]:
    """Every OMM of a KVN text (CCSDS 502.0-B-3 section 7), each refused on its own when it is bad.

    Never raises for bad content: a message that cannot be read is refused with the line and
    keyword at fault, and lines outside any message are refused likewise.
    """
    return gathered(
        source, FORMAT, ((message.outcome(), message.text) for message in _messages(text, source))
    )


def write_omm_kvn(elements: Iterable[ElementSet], *, creation_utc: datetime | None = None) -> str:
    """One OMM 3.0 message per element set, in KVN (CCSDS 502.0-B-3 section 7), separated by blank lines.

    CREATION_DATE is ``creation_utc``; without it the value is left blank, as CelesTrak leaves it,
    so that the output depends on the element sets alone. Floats are written with ``repr``, which
    reads back to the same float. Raises ElementsError for an element set no OMM can carry.
    """
    return "\n".join(_message_text(element_set, creation_utc) for element_set in elements)


def _messages(text: str, source: str) -> list[_Message]:
    messages: list[_Message] = []
    for number, raw in enumerate(physical_lines(without_bom(text)), start=1):
        line = raw.rstrip("\r\n")
        content = bool(line.strip()) and not _COMMENT.fullmatch(line)
        starts = content and _starts_message(line)
        if starts or (content and not messages):
            messages.append(_Message(source, len(messages) + 1, number))
        if messages:
            messages[-1].add(number, raw)
    return messages


def _starts_message(line: str) -> bool:
    match = _KEY_VALUE.fullmatch(line)
    return match is not None and match.group(1).upper() == "CCSDS_OMM_VERS"


def _without_units(keyword: str, value: str) -> str:
    if keyword not in NUMERIC_KEYWORDS:
        return value
    match = _VALUE_WITH_UNITS.fullmatch(value)
    if match is None:
        return value
    check_units(keyword, match.group(2).strip())
    return match.group(1)


def _message_text(element_set: ElementSet, creation_utc: datetime | None) -> str:
    values = omm_values(element_set)
    header = {
        "CCSDS_OMM_VERS": OMM_VERSION,
        "CREATION_DATE": ccsds_epoch_text(creation_utc) if creation_utc is not None else "",
        "ORIGINATOR": ORIGINATOR,
    }
    sections = (
        header,
        {key: written(values[key]) for key in METADATA_KEYWORDS},
        {key: written(values[key]) for key in MEAN_ELEMENT_KEYWORDS},
        {key: written(values[key]) for key in TLE_PARAMETER_KEYWORDS},
    )
    return "\n\n".join(_section_text(section) for section in sections) + "\n"


def _section_text(section: dict[str, str]) -> str:
    return "\n".join(f"{keyword:<{_KEYWORD_WIDTH}} = {value}".rstrip() for keyword, value in section.items())
