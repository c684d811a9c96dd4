"""CCSDS Tracking Data Message (TDM, CCSDS 503.0-B-2, 2020) in KVN and XML: reader and writer.

What orbitwatch reads (anything else is refused line by line, with the reason):

- header ``CCSDS_TDM_VERS`` (1.0 or 2.0), ``CREATION_DATE``, ``ORIGINATOR``, ``MESSAGE_ID``, ``COMMENT``;
- segments ``META_START .. META_STOP`` then ``DATA_START .. DATA_STOP`` with ``TIME_SYSTEM = UTC``,
  ``PARTICIPANT_1..5``, ``MODE = SEQUENTIAL``, ``PATH`` (participant indices from transmitter to
  receiver), ``ANGLE_TYPE`` = ``RADEC`` (with ``REFERENCE_FRAME`` = ``EME2000``, ``ICRF`` or ``GCRF``,
  all taken as GCRS axes: they differ by the 23 mas frame bias) or ``AZEL``, ``RANGE_UNITS = km``,
  ``DATA_QUALITY`` (``DEGRADED`` data is refused unless ``accept_degraded``); other metadata keywords
  (``INTEGRATION_INTERVAL``, ``CORRECTIONS_APPLIED``, frequencies ...) are accepted and ignored;
- data lines ``KEYWORD = epoch value`` for ``ANGLE_1`` and ``ANGLE_2`` (deg; paired by epoch into one
  ``ra_dec`` or ``az_el`` measurement), ``RANGE`` (km) and ``DOPPLER_INSTANTANEOUS`` (km/s, a range rate,
  positive when receding).

The station is the receiving participant (the last of ``PATH``); ``PATH = 2,1`` is one-way (light or
signal from the object, participant 2, to the station, participant 1), as optical data and as the writer
write it. For a round trip (``PATH = 1,2,1``) the TDM's range and range rate are those of the whole path,
and orbitwatch halves them to one-way values. TDM carries no positions: positions and GNSS states come
from the CSV (:mod:`orbitwatch.core.od.measurements_csv`).

Standard deviations: the TDM has no per-point sigma keyword. orbitwatch writes and reads a metadata
comment ``COMMENT SIGMA <DATA_KEYWORD> = <value>`` (in the data keyword's unit) for the whole segment;
without it the sigma is the caller's ``station_sigmas[station][kind]``, else ``default_sigmas[kind]``
(:data:`~orbitwatch.core.od.measurements.DEFAULT_SIGMAS` unless given).

Readers take the text and a source name, never a path, and return a
:class:`~orbitwatch.core.elements.result.ReadResult` of measurements (each with its source
``name:line``, or ``name:observation N`` for XML) and refusals. XML goes through ``defusedxml``.
"""

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from xml.etree.ElementTree import Element, ParseError
from xml.sax.saxutils import escape

import defusedxml.ElementTree as SafeElementTree
from defusedxml import DefusedXmlException

from orbitwatch.core.elements.epochs import ccsds_epoch, ccsds_epoch_text
from orbitwatch.core.elements.result import ReadResult, Refusal
from orbitwatch.core.elements.textrows import physical_lines, without_bom
from orbitwatch.core.od.measurements import DEFAULT_SIGMAS, Measurement
from orbitwatch.errors import ObservationError

FORMAT_KVN = "tdm-kvn"
FORMAT_XML = "tdm-xml"
TDM_VERSION = "2.0"
ORIGINATOR = "orbitwatch"
DATA_KEYWORDS = ("ANGLE_1", "ANGLE_2", "RANGE", "DOPPLER_INSTANTANEOUS")
RADEC_FRAMES = frozenset({"EME2000", "ICRF", "GCRF"})
Sigmas = Mapping[str, Sequence[float]]

_KEY_VALUE = re.compile(r"\s*([A-Za-z][A-Za-z0-9_]*)\s*=\s*(.*?)\s*")
_SIGMA_COMMENT = re.compile(r"\s*SIGMA\s+([A-Z0-9_]+)\s*=\s*(\S+)\s*", re.IGNORECASE)
_KIND_OF = {"RANGE": "range", "DOPPLER_INSTANTANEOUS": "range_rate"}
_KEYWORDS_OF = {"ra_dec": ("ANGLE_1", "ANGLE_2"), "az_el": ("ANGLE_1", "ANGLE_2"),
                "range": ("RANGE",), "range_rate": ("DOPPLER_INSTANTANEOUS",)}  # fmt: skip


@dataclass
class _Point:
    where: str  # "line 12" / "observation 3"
    line: int | None
    record: int | None
    keyword: str
    epoch: str
    value: str
    text: str


@dataclass
class _Segment:
    """One metadata block and its data points, as read; ``problem`` refuses every point."""

    start: str
    meta: dict[str, str] = field(default_factory=dict)
    sigmas: dict[str, float] = field(default_factory=dict)
    points: list[_Point] = field(default_factory=list)
    problem: str = ""


@dataclass(frozen=True, slots=True)
class _Options:
    source: str
    default_sigmas: Sigmas
    station_sigmas: Mapping[str, Sigmas]
    accept_degraded: bool


def read_tdm(
    data: bytes | str,
    source: str,
    *,
    default_sigmas: Sigmas | None = None,
    station_sigmas: Mapping[str, Sigmas] | None = None,
    accept_degraded: bool = False,
) -> ReadResult[Measurement]:
    """Measurements of a TDM in KVN or XML (told apart by a leading ``<``); the module says what is read."""
    text = _decode(data, source)
    if text.lstrip("\ufeff \t\r\n").startswith("<"):
        return read_tdm_xml(text, source, default_sigmas=default_sigmas, station_sigmas=station_sigmas,
                            accept_degraded=accept_degraded)  # fmt: skip
    return read_tdm_kvn(text, source, default_sigmas=default_sigmas, station_sigmas=station_sigmas,
                        accept_degraded=accept_degraded)  # fmt: skip


def _decode(data: bytes | str, source: str) -> str:
    if isinstance(data, str):
        return data
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ObservationError(f"{source}: byte {exc.start} is not UTF-8 ({exc.reason})") from None


def _options(
    source: str, default_sigmas: Sigmas | None, station_sigmas: Mapping[str, Sigmas] | None, degraded: bool
) -> _Options:
    return _Options(source, default_sigmas if default_sigmas is not None else DEFAULT_SIGMAS,
                    station_sigmas or {}, degraded)  # fmt: skip


def read_tdm_kvn(
    data: bytes | str,
    source: str,
    *,
    default_sigmas: Sigmas | None = None,
    station_sigmas: Mapping[str, Sigmas] | None = None,
    accept_degraded: bool = False,
) -> ReadResult[Measurement]:
    """Measurements of a KVN TDM (CCSDS 503.0-B-2 section 4), each bad line refused with its reason."""
    options = _options(source, default_sigmas, station_sigmas, accept_degraded)
    refusals: list[Refusal] = []
    segments: list[_Segment] = []
    state = "header"
    version_seen = False
    for number, raw in enumerate(physical_lines(without_bom(_decode(data, source))), start=1):
        line = raw.rstrip("\r\n").strip()
        if not line:
            continue
        word = line.split(None, 1)[0].upper()
        if word == "COMMENT":
            comment = line[len("COMMENT") :]
            sigma = _SIGMA_COMMENT.fullmatch(comment)
            if state == "meta" and sigma is not None:
                try:
                    segments[-1].sigmas[sigma.group(1).upper()] = _positive(sigma.group(2))
                except ValueError as exc:
                    refusals.append(Refusal(source, f"SIGMA comment: {exc}", line=number, text=line))
            continue

        def refuse(reason: str, keyword: str = "", *, n: int = number, text: str = line) -> None:
            refusals.append(Refusal(source, reason, line=n, field=keyword, text=text))

        if word in ("META_START", "META_STOP", "DATA_START", "DATA_STOP"):
            expected = {"META_START": ("header", "between"), "META_STOP": ("meta",),
                        "DATA_START": ("after_meta",), "DATA_STOP": ("data",)}[word]  # fmt: skip
            if state not in expected or (word == "META_START" and not version_seen):
                refuse(f"{word} out of place (the TDM's structure is header, then META_START..META_STOP "
                       "and DATA_START..DATA_STOP blocks)")  # fmt: skip
                if word == "META_START":
                    segments.append(
                        _Segment(f"line {number}", problem=f"the segment at line {number} is out of place")
                    )
                    state = "meta"
                continue
            if word == "META_START":
                segments.append(_Segment(f"line {number}"))
            state = {"META_START": "meta", "META_STOP": "after_meta", "DATA_START": "data",
                     "DATA_STOP": "between"}[word]  # fmt: skip
            continue
        match = _KEY_VALUE.fullmatch(line)
        if match is None:
            refuse("the line is neither 'KEYWORD = value', a COMMENT nor a block marker")
            continue
        keyword, value = match.group(1).upper(), match.group(2)
        if state == "header":
            if keyword == "CCSDS_TDM_VERS":
                version_seen = True
                if value not in ("1.0", "2.0"):
                    refuse(f"CCSDS_TDM_VERS {value!r} is not 1.0 or 2.0", keyword)
            elif not version_seen:
                refuse(f"the TDM starts with {keyword}, not CCSDS_TDM_VERS", keyword)
            continue
        if state == "meta":
            segment = segments[-1]
            if keyword in segment.meta:
                refuse(f"{keyword} appears twice in one metadata block", keyword)
                segment.problem = (
                    segment.problem or f"{keyword} appears twice in the metadata at {segment.start}"
                )
            segment.meta[keyword] = value
            continue
        if state == "data":
            parts = value.split()
            if len(parts) != 2:
                refuse(f"a data line is 'KEYWORD = epoch value', got {value!r}", keyword)
                continue
            segments[-1].points.append(
                _Point(f"line {number}", number, None, keyword, parts[0], parts[1], line)
            )
            continue
        refuse(f"{keyword} stands outside a metadata or data block", keyword)
    if state in ("meta", "after_meta", "data"):
        refusals.append(Refusal(source, "the TDM ends inside a segment (no DATA_STOP)", line=None))
    measurements, more = _measurements(segments, options)
    all_refusals = sorted([*refusals, *more], key=lambda r: (r.line or 0, r.record or 0))
    return ReadResult(source, FORMAT_KVN, tuple(measurements), tuple(all_refusals),
                      tuple(m.source for m in measurements))  # fmt: skip


def read_tdm_xml(
    data: bytes | str,
    source: str,
    *,
    default_sigmas: Sigmas | None = None,
    station_sigmas: Mapping[str, Sigmas] | None = None,
    accept_degraded: bool = False,
) -> ReadResult[Measurement]:
    """Measurements of an XML TDM (CCSDS 505.0-B-2 NDM/XML: ``<tdm>`` or ``<ndm>`` of ``<tdm>``).

    ``<segment><metadata>..</metadata><data><observation><EPOCH/><ANGLE_1/></observation>..``; a refusal's
    ``record`` is the observation's 1-based position in the file. Raises ObservationError for text that is
    not well-formed XML or holds constructs defusedxml refuses.
    """
    options = _options(source, default_sigmas, station_sigmas, accept_degraded)
    try:
        root: Element = SafeElementTree.fromstring(without_bom(_decode(data, source)))
    except ParseError as exc:
        raise ObservationError(f"{source}: the XML is malformed: {exc}") from None
    except DefusedXmlException as exc:
        raise ObservationError(f"{source}: the XML holds a construct orbitwatch refuses: {exc}") from None
    messages = [root] if _local(root) == "tdm" else [c for c in root if _local(c) == "tdm"]
    if not messages:
        raise ObservationError(f"{source}: the XML root is <{_local(root)}>, not <tdm> or <ndm> of <tdm>")
    refusals: list[Refusal] = []
    segments: list[_Segment] = []
    count = 0
    for message in messages:
        for seg_index, seg in enumerate((e for e in message.iter() if _local(e) == "segment"), start=1):
            segment = _Segment(f"segment {seg_index}")
            for element in seg:
                if _local(element) == "metadata":
                    for item in element:
                        key, text = _local(item).upper(), (item.text or "").strip()
                        if key == "COMMENT":
                            sigma = _SIGMA_COMMENT.fullmatch(text)
                            if sigma is not None:
                                try:
                                    segment.sigmas[sigma.group(1).upper()] = _positive(sigma.group(2))
                                except ValueError as exc:
                                    segment.problem = f"SIGMA comment: {exc}"
                        else:
                            segment.meta[key] = text
                elif _local(element) == "data":
                    for obs in element:
                        if _local(obs) != "observation":
                            continue
                        count += 1
                        leaves = {_local(e).upper(): (e.text or "").strip() for e in obs}
                        epoch = leaves.pop("EPOCH", "")
                        leaves.pop("COMMENT", None)
                        text = " ".join(f"{k}={v}" for k, v in {"EPOCH": epoch, **leaves}.items())
                        if len(leaves) != 1 or not epoch:
                            reason = "an observation holds an EPOCH and one data keyword"
                            refusals.append(Refusal(source, reason, record=count, text=text))
                            continue
                        ((key, value),) = leaves.items()
                        segment.points.append(
                            _Point(f"observation {count}", None, count, key, epoch, value, text)
                        )
            segments.append(segment)
    measurements, more = _measurements(segments, options)
    all_refusals = sorted([*refusals, *more], key=lambda r: r.record or 0)
    return ReadResult(source, FORMAT_XML, tuple(measurements), tuple(all_refusals),
                      tuple(m.source for m in measurements))  # fmt: skip


def _local(element: Element) -> str:
    tag = element.tag if isinstance(element.tag, str) else ""
    return tag.rpartition("}")[2]


def _positive(text: str) -> float:
    value = float(text)
    if not value > 0.0 or value == float("inf"):
        raise ValueError(f"{text!r} is not a positive number")
    return value


@dataclass(frozen=True, slots=True)
class _Meta:
    station: str
    angle_kind: str
    two_way: bool


def _check_meta(segment: _Segment, accept_degraded: bool) -> _Meta:
    """The segment's station, angle kind and path, or ValueError with the reason."""
    meta = segment.meta
    if segment.problem:
        raise ValueError(segment.problem)
    if meta.get("TIME_SYSTEM", "").upper() != "UTC":
        raise ValueError(f"TIME_SYSTEM {meta.get('TIME_SYSTEM', '(missing)')!r} is not UTC")
    if meta.get("MODE", "SEQUENTIAL").upper() != "SEQUENTIAL":
        raise ValueError(f"MODE {meta['MODE']!r} is not SEQUENTIAL (only single-path data is read)")
    if meta.get("RANGE_UNITS", "km") != "km":
        raise ValueError(f"RANGE_UNITS {meta['RANGE_UNITS']!r} is not km")
    if meta.get("DATA_QUALITY", "RAW").upper() == "DEGRADED" and not accept_degraded:
        raise ValueError("DATA_QUALITY is DEGRADED (pass accept_degraded to read it)")
    path_text = meta.get("PATH")
    if path_text is None:
        raise ValueError("PATH is missing (PATH_1/PATH_2 data are not read)")
    try:
        path = [int(p) for p in path_text.split(",")]
    except ValueError:
        raise ValueError(f"PATH {path_text!r} is not a list of participant numbers") from None
    station = meta.get(f"PARTICIPANT_{path[-1]}", "")
    if len(path) < 2 or not station:
        raise ValueError(f"PATH {path_text!r} does not end at a named participant")
    two_way = len(path) == 3 and path[0] == path[2]
    if len(path) > 2 and not two_way:
        raise ValueError(f"PATH {path_text!r}: only one-way (a,b) and round-trip (a,b,a) paths are read")
    angle_type = meta.get("ANGLE_TYPE", "").upper()
    angle_kind = ""
    if angle_type == "RADEC":
        frame = meta.get("REFERENCE_FRAME", "").upper()
        if frame not in RADEC_FRAMES:
            raise ValueError(f"REFERENCE_FRAME {frame or '(missing)'!r} of RADEC angles is not one of "
                             f"{sorted(RADEC_FRAMES)}")  # fmt: skip
        angle_kind = "ra_dec"
    elif angle_type == "AZEL":
        angle_kind = "az_el"
    elif angle_type:
        raise ValueError(f"ANGLE_TYPE {angle_type!r} is not RADEC or AZEL")
    return _Meta(station, angle_kind, two_way)


def _sigma(options: _Options, segment: _Segment, station: str, kind: str) -> tuple[float, ...]:
    keywords = _KEYWORDS_OF[kind]
    if all(k in segment.sigmas for k in keywords):
        return tuple(segment.sigmas[k] for k in keywords)
    per_station = options.station_sigmas.get(station, {})
    chosen = per_station.get(kind, options.default_sigmas.get(kind))
    if chosen is None:
        raise ValueError(f"no standard deviation for {kind} (no SIGMA comment and no default)")
    return tuple(float(s) for s in chosen)


def _measurements(segments: list[_Segment], options: _Options) -> tuple[list[Measurement], list[Refusal]]:
    out: list[tuple[int, Measurement]] = []
    refusals: list[Refusal] = []
    source = options.source

    def refuse(point: _Point, reason: str) -> None:
        refusals.append(Refusal(source, reason, line=point.line, record=point.record,
                                field=point.keyword, text=point.text))  # fmt: skip

    for segment in segments:
        try:
            meta = _check_meta(segment, options.accept_degraded)
        except ValueError as exc:
            for point in segment.points:
                refuse(point, f"segment at {segment.start}: {exc}")
            continue
        angles: dict[datetime, dict[str, tuple[_Point, float]]] = {}
        for point in segment.points:
            try:
                epoch = ccsds_epoch(point.epoch)
                value = float(point.value)
            except ValueError as exc:
                refuse(point, f"bad epoch or value: {exc}")
                continue
            if point.keyword in ("ANGLE_1", "ANGLE_2"):
                if not meta.angle_kind:
                    refuse(point, "angles in a segment without ANGLE_TYPE")
                    continue
                slot = angles.setdefault(epoch, {})
                if point.keyword in slot:
                    refuse(point, f"{point.keyword} given twice at {point.epoch}")
                    continue
                slot[point.keyword] = (point, value)
                continue
            kind = _KIND_OF.get(point.keyword)
            if kind is None:
                refuse(point, f"orbitwatch does not read {point.keyword} (reads {', '.join(DATA_KEYWORDS)})")
                continue
            if meta.two_way:
                value /= 2.0
            _make(out, refuse, options, segment, meta.station, point, epoch, kind, (value,))
        for epoch, slot in angles.items():
            if set(slot) != {"ANGLE_1", "ANGLE_2"}:
                ((_, (point, _)),) = slot.items()
                missing = "ANGLE_2" if point.keyword == "ANGLE_1" else "ANGLE_1"
                refuse(point, f"{point.keyword} at {point.epoch} has no {missing} at the same epoch")
                continue
            first, second = slot["ANGLE_1"], slot["ANGLE_2"]
            values = (first[1] % 360.0, second[1])
            _make(out, refuse, options, segment, meta.station, first[0], epoch, meta.angle_kind, values)
    out.sort(key=lambda item: item[0])
    return [m for _, m in out], refusals


def _make(
    out: list[tuple[int, Measurement]],
    refuse: Callable[[_Point, str], None],
    options: _Options,
    segment: _Segment,
    station: str,
    point: _Point,
    epoch: datetime,
    kind: str,
    values: tuple[float, ...],
) -> None:
    try:
        sigma = _sigma(options, segment, station, kind)
        where = point.line if point.line is not None else point.record
        measurement = Measurement(epoch, kind, values, sigma, station, f"{options.source}:{point.where}")
    except (ValueError, ObservationError) as exc:
        refuse(point, str(exc))
        return
    if kind in ("ra_dec", "az_el") and not -90.0 <= values[1] <= 90.0:
        refuse(point, f"ANGLE_2 {values[1]} is outside [-90, 90] deg")
        return
    out.append((where or 0, measurement))


# --- writing --------------------------------------------------------------------------------------


def _segments_for_writing(
    measurements: Iterable[Measurement],
) -> list[tuple[str, str, tuple[float, ...], list[Measurement]]]:
    groups: dict[tuple[str, str, tuple[float, ...]], list[Measurement]] = {}
    for m in measurements:
        if m.kind not in _KEYWORDS_OF:
            raise ObservationError(f"{m.source}: a TDM cannot carry {m.kind} measurements (use the CSV)")
        groups.setdefault((m.station, m.kind, m.sigmas), []).append(m)
    return [(st, kind, sig, sorted(ms, key=lambda m: m.time_utc)) for (st, kind, sig), ms in groups.items()]


def _meta_items(station: str, kind: str, object_name: str) -> list[tuple[str, str]]:
    items = [("TIME_SYSTEM", "UTC"), ("PARTICIPANT_1", station), ("PARTICIPANT_2", object_name),
             ("MODE", "SEQUENTIAL"), ("PATH", "2,1")]  # fmt: skip
    if kind == "ra_dec":
        items += [("ANGLE_TYPE", "RADEC"), ("REFERENCE_FRAME", "ICRF")]
    elif kind == "az_el":
        items.append(("ANGLE_TYPE", "AZEL"))
    elif kind == "range":
        items.append(("RANGE_UNITS", "km"))
    return items


def _data_items(m: Measurement) -> list[tuple[str, str, str]]:
    epoch = ccsds_epoch_text(m.time_utc)
    return [(k, epoch, repr(v)) for k, v in zip(_KEYWORDS_OF[m.kind], m.values, strict=True)]


def write_tdm_kvn(
    measurements: Iterable[Measurement], *, object_name: str = "UNKNOWN", creation_utc: datetime | None = None
) -> str:
    """A KVN TDM 2.0 of station measurements: one segment per station, kind and sigmas, with SIGMA comments.

    The object is ``PARTICIPANT_2``; ``PATH = 2,1`` (one way). ObservationError for position kinds.
    """
    lines = [f"CCSDS_TDM_VERS = {TDM_VERSION}",
             f"CREATION_DATE = {ccsds_epoch_text(creation_utc) if creation_utc is not None else ''}".rstrip(),
             f"ORIGINATOR = {ORIGINATOR}", ""]  # fmt: skip
    for station, kind, sigmas, ms in _segments_for_writing(measurements):
        lines.append("META_START")
        lines += [f"COMMENT SIGMA {k} = {s!r}" for k, s in zip(_KEYWORDS_OF[kind], sigmas, strict=True)]
        lines += [f"{k} = {v}" for k, v in _meta_items(station, kind, object_name)]
        lines += ["META_STOP", "", "DATA_START"]
        lines += [f"{k} = {e} {v}" for m in ms for k, e, v in _data_items(m)]
        lines += ["DATA_STOP", ""]
    return "\n".join(lines)


def write_tdm_xml(
    measurements: Iterable[Measurement], *, object_name: str = "UNKNOWN", creation_utc: datetime | None = None
) -> str:
    """The same TDM in XML (CCSDS 505.0-B-2 NDM/XML layout of 503.0-B-2's keywords)."""
    creation = ccsds_epoch_text(creation_utc) if creation_utc is not None else ""
    out = ['<?xml version="1.0" encoding="UTF-8"?>', '<tdm id="CCSDS_TDM_VERS" version="2.0">', "  <header>",
           f"    <CREATION_DATE>{creation}</CREATION_DATE>", f"    <ORIGINATOR>{ORIGINATOR}</ORIGINATOR>",
           "  </header>", "  <body>"]  # fmt: skip
    for station, kind, sigmas, ms in _segments_for_writing(measurements):
        out += ["    <segment>", "      <metadata>"]
        out += [
            f"        <COMMENT>SIGMA {k} = {s!r}</COMMENT>"
            for k, s in zip(_KEYWORDS_OF[kind], sigmas, strict=True)
        ]
        out += [f"        <{k}>{escape(v)}</{k}>" for k, v in _meta_items(station, kind, object_name)]
        out += ["      </metadata>", "      <data>"]
        for m in ms:
            for k, e, v in _data_items(m):
                out.append(f"        <observation><EPOCH>{e}</EPOCH><{k}>{v}</{k}></observation>")
        out += ["      </data>", "    </segment>"]
    out += ["  </body>", "</tdm>", ""]
    return "\n".join(out)
