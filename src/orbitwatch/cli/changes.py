"""``diff``: what changed between two catalog states (launches, new pieces, group moves, decays)."""

from typing import Annotated

import typer

from orbitwatch.cli.output import iso_utc, print_json, print_table, stderr
from orbitwatch.errors import OrbitwatchError
from orbitwatch.services.changes import diff_locations


def diff_command(
    old: Annotated[str, typer.Argument(help="The older state: an element file or a folder of them.")],
    new: Annotated[str, typer.Argument(help="The newer state: an element file or a folder of them.")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="table or json.")] = "table",
) -> None:
    """Launches, new pieces, objects joining or leaving groups, renames, removals with re-entry windows."""
    if fmt not in ("table", "json"):
        raise OrbitwatchError(f"--format {fmt!r} is not one of table, json")
    diff = diff_locations(old, new)
    for refusal in diff.refusals:
        stderr.print(f"refused: {refusal}", markup=False, highlight=False)
    if diff.swapped:
        stderr.print(f"warning: {old} is the newer state; compared {new} -> {old}", markup=False)
    records = [
        {
            "kind": e.kind,
            "norad_ids": list(e.norad_ids),
            "launch_id": e.launch_id,
            "epoch_before": e.epoch_before,
            "epoch_after": e.epoch_after,
            "details": dict(e.details),
        }
        for e in diff.events
    ]
    if fmt == "json":
        print_json(records)
        return
    print_table(
        f"{len(records)} changes from {iso_utc(diff.old.time_utc)} to {iso_utc(diff.new.time_utc)}",
        ("kind", "objects", "launch", "before", "after", "details"),
        (
            (e.kind, " ".join(map(str, e.norad_ids)), e.launch_id, iso_utc(e.epoch_before),
             iso_utc(e.epoch_after), _summary(dict(e.details)))
            for e in diff.events
        ),
    )  # fmt: skip


def _summary(details: dict[str, object]) -> str:
    return "; ".join(f"{key}={value}" for key, value in details.items())[:160]
