"""OMM in JSON, as CelesTrak (``gp.php?FORMAT=JSON``) and Space-Track (``class/gp``) serve it.

The JSON keys are the OMM keywords of CCSDS 502.0-B-3 section 4. CelesTrak gives numbers as JSON
numbers and leaves out the header and the constant metadata; Space-Track gives every value as a
string and adds keys of its own (DECAY_DATE, PERIOD, APOAPSIS, TLE_LINE1, ...), which are kept in
``ElementSet.extras``. The document is a list of objects or one object.
"""

import json
from collections.abc import Iterable

from orbitwatch.core.elements.model import ElementSet
from orbitwatch.core.elements.omm_fields import FieldError, celestrak_values, element_set_from_fields
from orbitwatch.core.elements.result import ReadResult, Refusal, gathered
from orbitwatch.core.elements.textrows import without_bom
from orbitwatch.errors import ElementsError

FORMAT = "omm-json"


def read_omm_json(text: str, source: str) -> ReadResult[ElementSet]:
    """Every OMM object of a JSON text, each refused on its own (``record`` = its 1-based position).

    ``NaN`` and ``Infinity`` are read as text and refused by the record that holds them. Raises
    ElementsError when the text is not JSON (with the line and column) or is neither a list nor
    an object.
    """
    try:
        items = enumerate(_items(text, source), start=1)
        return gathered(source, FORMAT, ((_outcome(item, i, source), _compact(item)) for i, item in items))
    except RecursionError:
        raise ElementsError(f"{source}: the JSON is nested too deeply to be an OMM") from None


def write_omm_json(elements: Iterable[ElementSet]) -> str:
    """A JSON list of one object per element set as CelesTrak writes it: its keys, order and JSON numbers.

    Floats are written with ``repr``, which reads back to the same float. Raises ElementsError for
    an element set no OMM can carry.
    """
    return (
        json.dumps([celestrak_values(element_set) for element_set in elements], separators=(",", ":")) + "\n"
    )


def _items(text: str, source: str) -> list[object]:
    try:
        document = json.loads(without_bom(text), parse_constant=str)
    except json.JSONDecodeError as exc:
        raise ElementsError(
            f"{source}: line {exc.lineno} column {exc.colno}: the JSON is malformed ({exc.msg})"
        ) from None
    except ValueError as exc:
        raise ElementsError(f"{source}: the JSON cannot be read ({exc})") from None
    if isinstance(document, dict):
        return [document]
    if isinstance(document, list):
        return document
    raise ElementsError(
        f"{source}: the JSON is a {type(document).__name__}, not a list of OMM objects or one object"
    )


def _outcome(item: object, index: int, source: str) -> ElementSet | Refusal:
    if not isinstance(item, dict):
        return Refusal(source, f"record {index} is not a JSON object", record=index, text=_compact(item))
    fields = {str(key).strip().upper(): value for key, value in item.items()}
    try:
        return element_set_from_fields(fields)
    except FieldError as exc:
        return Refusal(source, exc.reason, record=index, field=exc.keyword, text=exc.text)


def _compact(item: object) -> str:
    return json.dumps(item, separators=(",", ":"), ensure_ascii=False)
