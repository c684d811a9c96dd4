"""``ingest``: load files, folders and URLs into the catalog store, with a summary of what was refused."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeRemainingColumn

from orbitwatch.cli.output import fail, print_table, stderr, stdout
from orbitwatch.errors import OrbitwatchError
from orbitwatch.services.catalog import open_store
from orbitwatch.services.ingest import (
    IngestOutcome,
    bundled_sample_locations,
    ingest_locations,
)
from orbitwatch.services.ingest import (
    Progress as ProgressCallback,
)

LARGE_INPUT_RECORDS = 2000
MAX_REFUSALS_SHOWN = 20


@contextmanager
def _progress_bar() -> Iterator[ProgressCallback]:
    """A rich progress bar that appears only for inputs of many records."""
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=stderr,
    )
    tasks: dict[str, TaskID] = {}

    def update(source: str, done: int, total: int) -> None:
        if total < LARGE_INPUT_RECORDS:
            return
        if source not in tasks:
            bar.start()
            tasks[source] = bar.add_task(source[-40:], total=total)
        bar.update(tasks[source], completed=done)

    try:
        yield update
    finally:
        bar.stop()


def ingest_command(
    ctx: typer.Context,
    locations: Annotated[list[str] | None, typer.Argument(help="Files, folders or http(s) URLs.")] = None,
    fmt: Annotated[
        str | None, typer.Option("--format", "-f", help="Force the format (default: detected).")
    ] = None,
    group: Annotated[
        str | None, typer.Option("--group", "-g", help="Record the objects as members of this group.")
    ] = None,
    sample: Annotated[
        bool, typer.Option("--sample", help="Ingest the real sample bundled with orbitwatch.")
    ] = False,
) -> None:
    """Ingest element sets (TLE, 3LE, OMM KVN/XML/JSON/CSV) and SATCAT; exit 1 if anything was refused."""
    sources = list(locations or [])
    if sample:
        sources.extend(bundled_sample_locations())
    if not sources:
        raise OrbitwatchError("nothing to ingest: give files, folders or URLs, or --sample")
    with open_store(ctx.obj.db_url) as store, _progress_bar() as progress:
        outcomes = ingest_locations(
            store, sources, now_utc=datetime.now(UTC), fmt=fmt, group=group, progress=progress
        )
        stdout.print(f"database: {store.url}", highlight=False)
    _print_summary(outcomes)
    if any(o.failed or o.refusals for o in outcomes):
        raise typer.Exit(1)


def _short(source: str) -> str:
    """A URL as is; a path by its last two parts (``2026-05-24/military.tle``)."""
    if "://" in source:
        return source
    return "/".join(source.replace("\\", "/").rsplit("/", 2)[-2:])


def _print_summary(outcomes: list[IngestOutcome]) -> None:
    rows = []
    for o in outcomes:
        s = o.summary
        counts = (s.accepted, s.refused, s.new_element_sets, s.new_objects) if s else ("", "", "", "")
        rows.append((_short(o.source), o.format, o.group or "", *counts, o.status))
    print_table(
        f"ingested {len(outcomes)} inputs",
        ("source", "format", "group", "accepted", "refused", "new sets", "new objects", "status"),
        rows,
    )
    for failed in (o for o in outcomes if o.failed):
        fail(f"{failed.source}: {failed.status.removeprefix('failed: ')}")
    refusals = [r for o in outcomes for r in o.refusals]
    for refusal in refusals[:MAX_REFUSALS_SHOWN]:
        stderr.print(f"refused: {refusal}", highlight=False, markup=False)
    if len(refusals) > MAX_REFUSALS_SHOWN:
        stderr.print(f"... and {len(refusals) - MAX_REFUSALS_SHOWN} more refusals", highlight=False)
    summaries = [o.summary for o in outcomes if o.summary]
    accepted, new_sets = sum(s.accepted for s in summaries), sum(s.new_element_sets for s in summaries)
    repeated = sum(1 for s in summaries if s.duplicate_of)
    stdout.print(
        f"{accepted} records accepted, {len(refusals)} refused, {new_sets} new element sets stored"
        + (f"; {repeated} inputs were already ingested" if repeated else ""),
        highlight=False,
    )
