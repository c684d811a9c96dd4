"""What a reader returns: the records it accepted and the records it refused, with reasons.

A batch never dies on one bad record (DESIGN.md, Conventions): each refusal says where it is
(source, line or record number, columns or field) and why, and the records after it are read.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Refusal:
    """One refused record: where it is and why it was refused.

    ``line`` is the 1-based line of the text where the record starts (None for formats without
    lines, such as JSON, where ``record`` gives the 1-based index instead). ``field`` names the
    column range or the keyword (``"line 1 columns 19-32 (epoch)"``, ``"MEAN_MOTION"``).
    """

    source: str
    reason: str
    line: int | None = None
    record: int | None = None
    field: str = ""
    text: str = ""

    def __str__(self) -> str:
        where = [self.source]
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.record is not None:
            where.append(f"record {self.record}")
        if self.field:
            where.append(self.field)
        return f"{', '.join(where)}: {self.reason}"


@dataclass(frozen=True, slots=True)
class ReadResult(Generic[T]):
    """The accepted records of one input, in input order, and its refusals.

    ``texts[i]`` is the original text of ``records[i]`` as it stood in the input (the TLE's lines,
    the KVN block, the CSV row, the JSON object, the XML ``<omm>`` element), kept by the store.
    """

    source: str
    format: str
    records: tuple[T, ...]
    refusals: tuple[Refusal, ...] = ()
    texts: tuple[str, ...] = ()


def gathered(source: str, fmt: str, outcomes: Iterable[tuple[T | Refusal, str]]) -> ReadResult[T]:
    """A ReadResult from (record or refusal, original text) pairs in input order."""
    records: list[T] = []
    refusals: list[Refusal] = []
    texts: list[str] = []
    for outcome, text in outcomes:
        if isinstance(outcome, Refusal):
            refusals.append(outcome)
        else:
            records.append(outcome)
            texts.append(text)
    return ReadResult(source, fmt, tuple(records), tuple(refusals), tuple(texts))
