"""Ingest: bring element sets, SATCAT metadata and tracking measurements (CCSDS TDM, measurement CSV) from
files, folders and URLs into the store.

Sources give bytes (``orbitwatch.io``), the core reads them (``orbitwatch.core.elements``), the
store keeps them in one transaction per input. One input that cannot be read at all is reported
and skipped; the others go through.

The time of an input (the ingest's ``retrieved_utc``, by which the store answers "the catalog as it
was at a time") is when a URL's response arrived; for a local file it is the time its contents show,
the median epoch of its element sets (:func:`orbitwatch.core.changes.catalog_time`), because a file's
modification time is when it was copied or checked out, not when the catalog was published.
"""

from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from pathlib import Path

from orbitwatch.core.changes import catalog_time
from orbitwatch.core.elements.formats import decode_text, detect_format, read_elements
from orbitwatch.core.elements.model import ElementSet
from orbitwatch.core.elements.result import ReadResult, Refusal
from orbitwatch.core.elements.satcat import read_satcat_csv
from orbitwatch.core.od.readers import MEASUREMENT_FORMATS, measurement_format, read_measurement_file
from orbitwatch.errors import OrbitwatchError
from orbitwatch.io.files import Fetched, read_path
from orbitwatch.io.sources.http import HttpFetcher, fetch_url
from orbitwatch.io.store import CatalogStore, IngestSummary

Progress = Callable[[str, int, int], None]
"""Progress callback: (source, records done, records in this source)."""


@dataclass(frozen=True, slots=True)
class IngestOutcome:
    """What became of one input: its summary when it reached the store, else why not."""

    source: str
    format: str
    group: str | None
    summary: IngestSummary | None
    status: str

    @property
    def refusals(self) -> tuple[Refusal, ...]:
        """The records of this input that were refused, with reasons."""
        return self.summary.refusals if self.summary else ()

    @property
    def failed(self) -> bool:
        """True when the input could not be read or stored at all."""
        return self.status.startswith("failed")


def bundled_sample_locations() -> list[str]:
    """The real sample shipped with the package: a SATCAT excerpt (Dec 2025), then four days of GP snapshots.

    The SATCAT goes first because it is older: names from the May 2026 element sets then win.
    """
    bundled = Path(str(resources.files("orbitwatch") / "io" / "bundled"))
    return [str(bundled / "satcat" / "satcat-sample.csv"), str(bundled / "sample")]


def ingest_locations(
    store: CatalogStore,
    locations: Sequence[str],
    *,
    now_utc: datetime,
    fmt: str | None = None,
    group: str | None = None,
    progress: Progress | None = None,
) -> list[IngestOutcome]:
    """Ingest every file, folder (recursively) and http(s) URL of ``locations``, in order."""
    outcomes: list[IngestOutcome] = []
    with ExitStack() as stack:
        fetcher: HttpFetcher | None = None
        for location in locations:
            try:
                if location.startswith(("http://", "https://")):
                    fetcher = fetcher or stack.enter_context(HttpFetcher())
                    inputs = [fetch_url(fetcher, location)]
                else:
                    inputs = read_path(Path(location))
            except OrbitwatchError as exc:
                outcomes.append(IngestOutcome(location, fmt or "", group, None, f"failed: {exc}"))
                continue
            outcomes.extend(
                ingest_fetched(store, item, now_utc=now_utc, fmt=fmt, group=group, progress=progress)
                for item in inputs
            )
    return outcomes


def ingest_fetched(
    store: CatalogStore,
    item: Fetched,
    *,
    now_utc: datetime,
    fmt: str | None = None,
    group: str | None = None,
    progress: Progress | None = None,
) -> IngestOutcome:
    """Read one fetched input and store what it holds; an unreadable input is reported, not raised."""
    chosen_group = group or item.group
    if item.no_data:
        return IngestOutcome(item.source, fmt or "", chosen_group, None, "no GP data at the provider")
    try:
        text = decode_text(item.data, item.source)
        chosen = fmt or measurement_format(text) or detect_format(text, item.source)
        report = (lambda done, total: progress(item.source, done, total)) if progress else None
        if chosen in MEASUREMENT_FORMATS:
            summary = store.ingest_measurements(
                read_measurement_file(text, item.source),
                sha256=item.sha256,
                retrieved_utc=item.retrieved_utc,
                ingested_utc=now_utc,
            )
        elif chosen == "satcat-csv":
            summary = store.ingest_metadata(
                read_satcat_csv(text, item.source),
                sha256=item.sha256,
                retrieved_utc=item.retrieved_utc,
                ingested_utc=now_utc,
                progress=report,
            )
        else:
            result = with_catalog_numbers(read_elements(text, item.source, chosen))
            summary = store.ingest_elements(
                result,
                sha256=item.sha256,
                retrieved_utc=_catalog_time(item, result),
                ingested_utc=now_utc,
                group=chosen_group,
                progress=report,
            )
    except OrbitwatchError as exc:
        return IngestOutcome(item.source, fmt or "", chosen_group, None, f"failed: {exc}")
    status = f"already ingested (ingest {summary.duplicate_of})" if summary.duplicate_of else "ingested"
    return IngestOutcome(item.source, chosen, chosen_group, summary, status)


def _catalog_time(item: Fetched, result: ReadResult[ElementSet]) -> datetime:
    """When the catalog of an input was published: the response time, or a file's median epoch."""
    if item.source.startswith(("http://", "https://")) or not result.records:
        return item.retrieved_utc
    return catalog_time(result.records)


def with_catalog_numbers(result: ReadResult[ElementSet]) -> ReadResult[ElementSet]:
    """The records the store can key: those without a catalog number (an OMM may omit it) become refusals."""
    keep = [i for i, e in enumerate(result.records) if e.norad_id > 0]
    if len(keep) == len(result.records):
        return result
    refused = tuple(
        Refusal(
            result.source,
            "no NORAD_CAT_ID: the catalog store keys every object by its catalog number",
            record=i + 1,
            field="NORAD_CAT_ID",
            text=result.records[i].name,
        )
        for i in range(len(result.records))
        if result.records[i].norad_id <= 0
    )
    return ReadResult(
        result.source,
        result.format,
        tuple(result.records[i] for i in keep),
        result.refusals + refused,
        tuple(result.texts[i] for i in keep) if result.texts else (),
    )
