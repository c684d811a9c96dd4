"""``diff``: what changed between two catalog states (launches, new pieces, group moves, decays)."""

from contextlib import nullcontext
from datetime import UTC, datetime
from typing import Annotated

import typer

from orbitwatch.cli.output import iso_utc, print_json, print_table, stderr
from orbitwatch.cli.when import parse_instant
from orbitwatch.core.changes import ChangeEvent
from orbitwatch.errors import OrbitwatchError
from orbitwatch.services.catalog import open_store
from orbitwatch.services.changes import StateSource, diff_locations, record_diff, uses_store

StateArg = "An element file, a folder of them (all groups one state), or @TIME: the store's state then."


def diff_command(
    ctx: typer.Context,
    old: Annotated[str, typer.Argument(help=f"The older state. {StateArg}")],
    new: Annotated[str, typer.Argument(help=f"The newer state. {StateArg}")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="table or json.")] = "table",
) -> None:
    """Launches, new pieces, objects joining or leaving groups, renames, removals with re-entry windows.

    Comparisons with the store (@TIME) keep their events in it, each once.
    """
    if fmt not in ("table", "json"):
        raise OrbitwatchError(f"--format {fmt!r} is not one of table, json")
    now = datetime.now(UTC)
    sources = [_source(old, now), _source(new, now)]
    with open_store(ctx.obj.db_url) if uses_store(sources) else nullcontext() as store:
        diff = diff_locations(sources[0], sources[1], store=store)
        if store is not None:
            diff = record_diff(store, diff, now_utc=now)
    for refusal in diff.refusals:
        stderr.print(f"refused: {refusal}", markup=False, highlight=False)
    if diff.swapped:
        stderr.print(f"warning: {old} is the newer state; compared {new} -> {old}", markup=False)
    if fmt == "json":
        print_json([event_json(e) for e in diff.events])
        return
    kept = "" if diff.recorded is None else f" ({diff.recorded} new to the store)"
    print_table(
        f"{len(diff.events)} changes from {iso_utc(diff.old.time_utc)} to {iso_utc(diff.new.time_utc)}{kept}",
        ("kind", "objects", "launch", "before", "after", "details"),
        (
            (e.kind, " ".join(map(str, e.norad_ids)), e.launch_id, iso_utc(e.epoch_before),
             iso_utc(e.epoch_after), _summary(dict(e.details)))
            for e in diff.events
        ),
    )  # fmt: skip


def event_json(event: ChangeEvent) -> dict[str, object]:
    """An event as the JSON outputs print it."""
    return {
        "kind": event.kind,
        "norad_ids": list(event.norad_ids),
        "launch_id": event.launch_id,
        "epoch_before": event.epoch_before,
        "epoch_after": event.epoch_after,
        "details": dict(event.details),
    }


def _source(text: str, now_utc: datetime) -> StateSource:
    return parse_instant(text[1:], now_utc) if text.startswith("@") else text


def _summary(details: dict[str, object]) -> str:
    return "; ".join(f"{key}={value}" for key, value in details.items())[:160]
