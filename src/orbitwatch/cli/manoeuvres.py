"""``manoeuvres`` (also ``maneuvers``) and ``history``: manoeuvres found in the stored element histories,
their command passes and changed overflights, and an object's history plotted with its events."""

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from orbitwatch.cli.changes import event_json
from orbitwatch.cli.output import iso_utc, print_json, print_table, stderr
from orbitwatch.cli.selection import GroupOpt, NameOpt, NoradOpt, OwnerOpt, TypeOpt, make_selection
from orbitwatch.cli.when import parse_instant
from orbitwatch.core.changes.manoeuvres import Manoeuvre
from orbitwatch.core.elements.model import ElementSet
from orbitwatch.errors import OrbitwatchError
from orbitwatch.services.catalog import open_store
from orbitwatch.services.manoeuvres import (
    Attribution,
    attribute_manoeuvre,
    object_history,
    scan_manoeuvres,
    write_history_plot,
)
from orbitwatch.services.targets import resolve_sites

FormatOpt = Annotated[str, typer.Option("--format", "-f", help="table or json.")]


def manoeuvres_command(
    ctx: typer.Context,
    group: GroupOpt = None,
    owner: OwnerOpt = None,
    object_type: TypeOpt = None,
    name: NameOpt = None,
    norad: NoradOpt = None,
    since: Annotated[
        str | None, typer.Option(help="Only manoeuvres estimated at or after this ISO time.")
    ] = None,
    station: Annotated[
        list[str] | None,
        typer.Option(
            help="Ground station (NAME=LAT,LON[,ALT_M] or a name); its passes "
            "between the bracketing element sets are listed (repeatable)."
        ),
    ] = None,
    watch: Annotated[
        list[str] | None,
        typer.Option(
            help="Watched site whose overflights after the manoeuvre are "
            "compared before and after it (repeatable)."
        ),
    ] = None,
    horizon_hours: Annotated[float, typer.Option(help="Hours of overflights compared after it.")] = 24.0,
    fmt: FormatOpt = "table",
) -> None:
    """Manoeuvres in the element histories of the selected objects: in-plane, out-of-plane, both, or a
    low-thrust campaign, with the change in each element, the Δv and a confidence. Kept as events."""
    if fmt not in ("table", "json"):
        raise OrbitwatchError(f"--format {fmt!r} is not one of table, json")
    now = datetime.now(UTC)
    selection = make_selection(group, owner, object_type, name, norad)
    since_utc = parse_instant(since, now) if since else None
    with open_store(ctx.obj.db_url) as store:
        scan = scan_manoeuvres(store, selection, since_utc=since_utc, now_utc=now)
        stations, watched = resolve_sites(station or [], store), resolve_sites(watch or [], store)
        attributed = None
        if stations or watched:
            histories = store.histories(sorted({m.norad_id for m in scan.found}))
            attributed = [
                attribute_manoeuvre(m, histories[m.norad_id], stations=stations, watched=watched,
                                    horizon_s=horizon_hours * 3600.0)
                for m in scan.found
            ]  # fmt: skip
    if scan.too_short:
        stderr.print(f"{len(scan.too_short)} objects have a single element set: not analysed", markup=False)
    if fmt == "json":
        print_json(
            [_manoeuvre_json(m, a) for m, a in zip(scan.found, attributed or _none(scan.found), strict=True)]
        )
        return
    _print_manoeuvres(scan.found, scan.recorded)
    for attribution in attributed or []:
        _print_attribution(attribution)


def _none(found: tuple[Manoeuvre, ...]) -> list[Attribution | None]:
    return [None] * len(found)


def _manoeuvre_json(m: Manoeuvre, attribution: Attribution | None) -> dict[str, object]:
    record: dict[str, object] = {
        "norad_id": m.norad_id,
        "epoch_before": m.epoch_before,
        "epoch_after": m.epoch_after,
        "estimated_time_utc": m.estimated_time_utc,
        "kind": m.kind,
        "delta_a_km": m.delta_a_km,
        "delta_e": m.delta_e,
        "delta_i_deg": m.delta_i_deg,
        "delta_raan_deg": m.delta_raan_deg,
        "delta_v_mps": m.delta_v_mps,
        "confidence": m.confidence,
        "details": dict(m.details),
    }
    if attribution is not None:
        record["command_passes"] = [
            {
                "site": p.site,
                "rise_utc": p.rise_utc,
                "set_utc": p.set_utc,
                "max_elevation_deg": p.max_elevation_deg,
            }
            for p in attribution.command_passes
        ]
        record["overflight_changes"] = [
            {
                "site": s.site,
                "culmination_before_utc": s.before.culmination_utc if s.before else None,
                "culmination_after_utc": s.after.culmination_utc if s.after else None,
                "shift_s": s.shift_s,
            }
            for s in attribution.overflight_changes
        ]
    return record


def _print_manoeuvres(found: tuple[Manoeuvre, ...], recorded: int) -> None:
    print_table(
        f"{len(found)} manoeuvres ({recorded} new to the store)",
        ("object", "kind", "estimated (UTC)", "between", "Δa km", "Δi deg", "Δv m/s", "confidence"),
        (
            (m.norad_id, m.kind, iso_utc(m.estimated_time_utc),
             f"{iso_utc(m.epoch_before)} .. {iso_utc(m.epoch_after)}", f"{m.delta_a_km:+.3f}",
             f"{m.delta_i_deg:+.4f}", f"{m.delta_v_mps:.2f}", f"{m.confidence:.2f}")
            for m in found
        ),
    )  # fmt: skip


def _print_attribution(attribution: Attribution) -> None:
    m = attribution.manoeuvre
    print_table(
        f"{m.norad_id} at {iso_utc(m.estimated_time_utc)}: passes over the stations between the element sets",
        ("station", "rise (UTC)", "set (UTC)", "max el deg"),
        (
            (p.site, iso_utc(p.rise_utc), iso_utc(p.set_utc), f"{p.max_elevation_deg:.1f}")
            for p in attribution.command_passes
        ),
    )
    print_table(
        f"{m.norad_id}: overflights of the watched sites, predicted before and after the manoeuvre",
        ("site", "before (UTC)", "after (UTC)", "shift s"),
        (
            (s.site, iso_utc(s.before.culmination_utc if s.before else None),
             iso_utc(s.after.culmination_utc if s.after else None),
             "lost" if s.after is None else "gained" if s.before is None else f"{s.shift_s:+.0f}")
            for s in attribution.overflight_changes
        ),
    )  # fmt: skip


def history_command(
    ctx: typer.Context,
    norad_id: Annotated[int, typer.Argument(help="Catalog number.")],
    plot: Annotated[
        Path | None, typer.Option("--plot", help="Write the history plot to this PNG file.")
    ] = None,
    fmt: FormatOpt = "table",
) -> None:
    """An object's element history with its events (manoeuvres detected now, launch, decay), optionally
    plotted: perigee and apogee height, inclination and eccentricity against time."""
    if fmt not in ("table", "json"):
        raise OrbitwatchError(f"--format {fmt!r} is not one of table, json")
    with open_store(ctx.obj.db_url) as store:
        found = object_history(store, norad_id, now_utc=datetime.now(UTC))
    if plot is not None:
        write_history_plot(found, plot)
        stderr.print(f"wrote {plot}", markup=False)
    history = [_elements_row(e) for e in found.history]
    events = [event_json(e) for e in found.events]
    if fmt == "json":
        print_json({"norad_id": norad_id, "name": found.name, "history": history, "events": events})
        return
    columns = ("epoch_utc", "perigee_km", "apogee_km", "inclination_deg", "eccentricity")
    title = f"{norad_id} {found.name}: {len(history)} element sets"
    print_table(title, columns, ([_shown(row[c]) for c in columns] for row in history))
    print_table(
        f"{len(events)} events",
        ("kind", "before", "after", "details"),
        (
            (e.kind, iso_utc(e.epoch_before), iso_utc(e.epoch_after), str(dict(e.details))[:120])
            for e in found.events
        ),
    )


def _elements_row(e: ElementSet) -> dict[str, object]:
    return {
        "epoch_utc": e.epoch_utc,
        "perigee_km": round(e.perigee_alt_km, 3),
        "apogee_km": round(e.apogee_alt_km, 3),
        "inclination_deg": e.inclination_deg,
        "eccentricity": e.eccentricity,
    }


def _shown(value: object) -> object:
    return iso_utc(value) if isinstance(value, datetime) else value
