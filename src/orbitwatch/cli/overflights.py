"""``passes``, ``overflights``, ``revisit`` and ``who-saw``: the overflight warning on the command line."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from orbitwatch.cli.output import iso_utc, print_csv, print_json, print_table, stderr, stdout
from orbitwatch.cli.selection import GroupOpt, NameOpt, NoradOpt, OwnerOpt, TypeOpt, make_selection
from orbitwatch.cli.when import parse_instant, shown, zone
from orbitwatch.core.elements.hypothetical import is_hypothetical
from orbitwatch.core.targets import Region, Site
from orbitwatch.distributed import search_opportunities_chunked, search_passes_chunked
from orbitwatch.errors import OrbitwatchError
from orbitwatch.services.calendar import opportunities_calendar
from orbitwatch.services.catalog import CatalogStore, Selection, open_store, uncertainty_models
from orbitwatch.services.maps import warning_map
from orbitwatch.services.overflights import (
    STALE_AFTER_DAYS,
    Exclusions,
    OpportunityReport,
    SensorModel,
    TimeWindow,
    UncertaintyModels,
    pass_time_errors_s,
    revisit,
    search_who_saw,
    with_history_errors,
)
from orbitwatch.services.targets import (
    SatelliteSet,
    catalog_satellites,
    resolve_sites,
    resolve_targets,
    store_needed,
    with_hypothetical,
)

ElementsOpt = Annotated[
    list[str] | None, typer.Option("--elements", "-e", help="Elements file or folder, read directly.")
]
HypoOpt = Annotated[
    list[str] | None, typer.Option("--hypothetical", help="e.g. sso:alt=500,ltdn=10:30,count=3,spacing=120")
]
SiteOpt = Annotated[
    list[str] | None, typer.Option("--site", "-s", help="NAME=LAT,LON[,ALT_M] or a place name.")
]
RegionOpt = Annotated[list[str] | None, typer.Option("--region", "-r", help="Region name or GeoJSON file.")]
StartOpt = Annotated[
    str, typer.Option("--start", help="ISO 8601 start, 'now', or 'epoch' (newest elements).")
]
HoursOpt = Annotated[float, typer.Option("--hours", help="Length of the window in hours.")]
TzOpt = Annotated[str | None, typer.Option("--tz", help="Time zone for tables; CSV and JSON stay UTC.")]
EngineOpt = Annotated[str, typer.Option("--engine", help="SGP4 engine: auto, astroz or sgp4.")]
SchedulerOpt = Annotated[str | None, typer.Option("--scheduler", help="Dask: tcp://HOST:PORT, or 'local'.")]
FormatOpt = Annotated[str, typer.Option("--format", "-f", help="table, csv or json (overflights: also ics).")]
OffNadirOpt = Annotated[float, typer.Option("--max-off-nadir", help="Field of regard, deg from nadir.")]
SunOpt = Annotated[
    float | None, typer.Option("--min-sun-elevation", help="Optical: Sun above this at the target, deg.")
]
SarOpt = Annotated[bool, typer.Option("--sar", help="Radar imaging: no Sun limit.")]
PadOpt = Annotated[
    float, typer.Option("--pad-sigma", help="Widen each window by this many sigmas of its timing error.")
]
MapOpt = Annotated[Path | None, typer.Option("--map", help="Also write a ground-track map (PNG).")]

PASS_COLUMNS = (
    "norad_id", "name", "site", "rise_utc", "culmination_utc", "set_utc",
    "max_elevation_deg", "rise_azimuth_deg", "set_azimuth_deg", "visible",
)  # fmt: skip
OVERFLIGHT_COLUMNS = (
    "norad_id", "name", "target", "start_utc", "best_utc", "end_utc",
    "min_off_nadir_deg", "ground_range_km", "sun_elevation_deg",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Sources:
    """Where the satellites come from, as the options gave them."""

    selection: Selection
    element_paths: tuple[str, ...]
    hypothetical: tuple[str, ...]


def satellite_sources(
    group: list[str] | None,
    owner: str | None,
    object_type: str | None,
    name: str | None,
    norad: list[int] | None,
    elements: list[str] | None,
    hypothetical: list[str] | None,
) -> Sources:
    """Where the satellites come from: a store selection, element files, hypothetical specs."""
    return Sources(
        make_selection(group, owner, object_type, name, norad),
        tuple(elements or ()),
        tuple(hypothetical or ()),
    )


@dataclass(frozen=True, slots=True)
class Job:
    """The resolved satellites, the window, and the error models from the objects' stored histories."""

    satellites: SatelliteSet
    window: TimeWindow
    models: UncertaintyModels


def _job(store: CatalogStore, sources: Sources, start: str, hours: float) -> Job:
    """The job of a command: satellites, window, and history error models (from the store)."""
    satellites, window = _satellites(store, sources, start, hours)
    ids = [e.norad_id for e in satellites.elements if not is_hypothetical(e)]
    return Job(satellites, window, uncertainty_models(store, ids))


def targets_and_job(
    ctx: typer.Context,
    site: list[str] | None,
    region: list[str] | None,
    sources: Sources,
    start: str,
    hours: float,
) -> tuple[list[Site | Region], Job]:
    """The targets (sites, then regions) and the job, resolved with the store open once."""
    with open_store(ctx.obj.db_url) as store:
        return resolve_targets(site or [], region or [], store), _job(store, sources, start, hours)


def _satellites(
    store: CatalogStore, sources: Sources, start: str, hours: float
) -> tuple[SatelliteSet, TimeWindow]:
    """The satellites (the store only when the options ask for it) and the window; 'epoch' resolved."""
    at = None if start.strip().lower() == "epoch" else parse_instant(start, datetime.now(UTC))
    found = catalog_satellites(
        store=store if store_needed(sources.selection, sources.element_paths, sources.hypothetical) else None,
        selection=sources.selection,
        element_paths=sources.element_paths,
        at_utc=at,
    )
    if at is None:
        if not found.elements:
            raise OrbitwatchError("--start epoch needs catalog or file satellites to take the epoch from")
        at = max(e.epoch_utc for e in found.elements)
    for refusal in found.refusals:
        stderr.print(f"refused: {refusal}", markup=False, highlight=False)
    return with_hypothetical(found, sources.hypothetical, at), TimeWindow(at, hours * 3600.0)


def warn_exclusions(exclusions: Exclusions) -> None:
    """Print a warning line for each satellite left out of a search, and why."""
    for rejected in exclusions.rejected:
        stderr.print(f"warning: {rejected.norad_id} {rejected.name}: {rejected.reason}", markup=False)
    for skipped in exclusions.skipped:
        stderr.print(f"warning: {skipped.norad_id} {skipped.name} skipped: {skipped.reason}", markup=False)
    if exclusions.stale:
        oldest = max(exclusions.stale, key=lambda s: abs(s.age_days))
        stderr.print(
            f"warning: {len(exclusions.stale)} element sets are more than {STALE_AFTER_DAYS:g} days "
            "from the window "
            f"(oldest: {oldest.norad_id} {oldest.name}, {oldest.age_days:.0f} days); predictions degrade",
            markup=False,
        )


def _check_format(fmt: str, allowed: Sequence[str]) -> None:
    if fmt not in allowed:
        raise OrbitwatchError(f"--format {fmt!r} is not one of {', '.join(allowed)}")


def passes_command(
    ctx: typer.Context,
    site: SiteOpt = None,
    start: StartOpt = "now",
    hours: HoursOpt = 24.0,
    min_elevation: Annotated[float, typer.Option("--min-elevation", help="Elevation mask, deg.")] = 10.0,
    visible_only: Annotated[
        bool, typer.Option("--visible-only", help="Only optically visible passes.")
    ] = False,
    group: GroupOpt = None,
    owner: OwnerOpt = None,
    object_type: TypeOpt = None,
    name: NameOpt = None,
    norad: NoradOpt = None,
    elements: ElementsOpt = None,
    hypothetical: HypoOpt = None,
    fmt: FormatOpt = "table",
    tz: TzOpt = None,
    engine: EngineOpt = "auto",
    scheduler: SchedulerOpt = None,
) -> None:
    """Passes of the selected satellites over sites: rise, culmination, set, and optical visibility."""
    _check_format(fmt, ("table", "csv", "json"))
    sources = satellite_sources(group, owner, object_type, name, norad, elements, hypothetical)
    with open_store(ctx.obj.db_url) as store:
        sites = resolve_sites(site or [], store)
        job = _job(store, sources, start, hours)
    window = job.window
    report = search_passes_chunked(
        list(job.satellites.elements), sites, window, scheduler=scheduler,
        min_elevation_deg=min_elevation, engine=engine,
    )  # fmt: skip
    warn_exclusions(report.exclusions)
    errors = pass_time_errors_s(report, job.satellites.elements, job.models)
    chosen = [
        (p, e) for p, e in zip(report.table.passes(), errors, strict=True) if p.visible or not visible_only
    ]
    rows = [p for p, _ in chosen]
    records = [
        {
            "norad_id": p.norad_id, "name": p.name, "site": p.site, "rise_utc": p.rise_utc,
            "culmination_utc": p.culmination_utc, "set_utc": p.set_utc,
            "max_elevation_deg": round(p.max_elevation_deg, 3), "rise_azimuth_deg": round(p.rise_az_deg, 3),
            "set_azimuth_deg": round(p.set_az_deg, 3), "visible": p.visible,
            "element_age_days": None if p.element_age_days is None else round(p.element_age_days, 3),
            "time_error_s": round(err, 2),
        }
        for p, err in chosen
    ]  # fmt: skip
    if fmt == "json":
        print_json(records)
    elif fmt == "csv":
        print_csv(PASS_COLUMNS, ({**r, "visible": str(r["visible"]).lower()} for r in records))
    else:
        where = zone(tz)
        print_table(
            f"{len(records)} passes, {iso_utc(window.start_utc)} + {hours:g} h, mask {min_elevation:g} deg; "
            f"times {tz or 'UTC'}",
            ("norad", "name", "site", "rise", "culmination", "set", "max el", "visible"),
            (
                (r["norad_id"], r["name"], r["site"], shown(p.rise_utc, where),
                 shown(p.culmination_utc, where), shown(p.set_utc, where), f"{p.max_elevation_deg:.1f}",
                 "yes" if p.visible else "")
                for r, p in zip(records, rows, strict=True)
            ),
        )  # fmt: skip


def sensor_from_options(max_off_nadir: float, min_sun_elevation: float | None, sar: bool) -> SensorModel:
    """The sensor model of the command-line options (bad limits as the project's error)."""
    try:
        return _sensor_model(max_off_nadir, min_sun_elevation, sar)
    except ValueError as exc:
        raise OrbitwatchError(f"sensor: {exc}") from None


def _sensor_model(max_off_nadir: float, min_sun_elevation: float | None, sar: bool) -> SensorModel:
    if sar:
        return SensorModel(max_off_nadir, name=f"SAR, {max_off_nadir:g} deg")
    sun = 10.0 if min_sun_elevation is None else min_sun_elevation
    return SensorModel(
        max_off_nadir, min_sun_elevation_deg=sun, name=f"optical, {max_off_nadir:g} deg, Sun > {sun:g}"
    )


def run_opportunities(
    job: Job,
    targets: Sequence[Site | Region],
    sensor: SensorModel,
    scheduler: str | None,
    engine: str,
    pad: float,
) -> OpportunityReport:
    """The opportunities with history-based error bars, padded by ``pad`` sigmas; warnings printed."""
    elements = list(job.satellites.elements)
    report = search_opportunities_chunked(
        elements, targets, sensor, job.window, scheduler=scheduler, engine=engine
    )
    warn_exclusions(report.exclusions)
    report = with_history_errors(report, elements, job.models)
    if pad < 0:
        raise OrbitwatchError(f"--pad-sigma must not be negative, got {pad}")
    return report.padded(pad) if pad else report


def _opportunity_records(report: OpportunityReport) -> list[dict[str, object]]:
    return [
        {
            "norad_id": o.norad_id, "name": o.name, "target": o.target, "start_utc": o.start_utc,
            "best_utc": o.best_utc, "end_utc": o.end_utc, "min_off_nadir_deg": round(o.min_off_nadir_deg, 3),
            "ground_range_km": round(o.ground_range_km, 3),
            "sun_elevation_deg": round(o.sun_elevation_deg, 3),
            "time_error_s": round(err, 1),
            "element_age_days": None if o.element_age_days is None else round(o.element_age_days, 3),
        }
        for o, err in zip(report.opportunities, report.time_error_s, strict=True)
    ]  # fmt: skip


def overflights_command(
    ctx: typer.Context,
    site: SiteOpt = None,
    region: RegionOpt = None,
    start: StartOpt = "now",
    hours: HoursOpt = 24.0,
    max_off_nadir: OffNadirOpt = 30.0,
    min_sun_elevation: SunOpt = None,
    sar: SarOpt = False,
    group: GroupOpt = None,
    owner: OwnerOpt = None,
    object_type: TypeOpt = None,
    name: NameOpt = None,
    norad: NoradOpt = None,
    elements: ElementsOpt = None,
    hypothetical: HypoOpt = None,
    fmt: FormatOpt = "table",
    tz: TzOpt = None,
    engine: EngineOpt = "auto",
    scheduler: SchedulerOpt = None,
    pad_sigma: PadOpt = 0.0,
    map_path: MapOpt = None,
) -> None:
    """The overflight warning: when each satellite can image the sites or regions, sorted by time."""
    _check_format(fmt, ("table", "csv", "json", "ics"))
    sources = satellite_sources(group, owner, object_type, name, norad, elements, hypothetical)
    targets, job = targets_and_job(ctx, site, region, sources, start, hours)
    satellites, window = job.satellites, job.window
    sensor = sensor_from_options(max_off_nadir, min_sun_elevation, sar)
    report = run_opportunities(job, targets, sensor, scheduler, engine, pad_sigma)
    _print_opportunities(report, window, sensor, fmt, tz)
    if map_path is not None:
        title = f"Overflight warning {iso_utc(window.start_utc)} + {hours:g} h ({sensor.name})"
        written = warning_map(satellites.elements, window, report.opportunities, targets, map_path, title)
        stderr.print(f"map written to {written}", highlight=False)


def _print_opportunities(
    report: OpportunityReport, window: TimeWindow, sensor: SensorModel, fmt: str, tz: str | None
) -> None:
    records = _opportunity_records(report)
    if fmt == "json":
        print_json(records)
    elif fmt == "csv":
        print_csv(OVERFLIGHT_COLUMNS, records)
    elif fmt == "ics":
        typer.echo(opportunities_calendar(report, sensor, created_utc=window.start_utc), nl=False)
    else:
        where = zone(tz)
        print_table(
            f"{len(records)} imaging opportunities from {shown(window.start_utc, where)} "
            f"for {window.duration_s / 3600:g} h ({sensor.name}); times {tz or 'UTC'}",
            ("norad", "name", "target", "start", "best", "end", "off-nadir", "km", "sun el", "±s", "age d"),
            (
                (o.norad_id, o.name, o.target, shown(o.start_utc, where), shown(o.best_utc, where),
                 shown(o.end_utc, where), f"{o.min_off_nadir_deg:.1f}", f"{o.ground_range_km:.0f}",
                 f"{o.sun_elevation_deg:.1f}", f"{err:.1f}",
                 "" if o.element_age_days is None else f"{o.element_age_days:.1f}")
                for o, err in zip(report.opportunities, report.time_error_s, strict=True)
            ),
        )  # fmt: skip


def revisit_command(
    ctx: typer.Context,
    site: SiteOpt = None,
    region: RegionOpt = None,
    start: StartOpt = "now",
    hours: HoursOpt = 24.0,
    max_off_nadir: OffNadirOpt = 30.0,
    min_sun_elevation: SunOpt = None,
    sar: SarOpt = False,
    group: GroupOpt = None,
    owner: OwnerOpt = None,
    object_type: TypeOpt = None,
    name: NameOpt = None,
    norad: NoradOpt = None,
    elements: ElementsOpt = None,
    hypothetical: HypoOpt = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table or json.")] = "table",
    tz: TzOpt = None,
    engine: EngineOpt = "auto",
    scheduler: SchedulerOpt = None,
    pad_sigma: PadOpt = 0.0,
) -> None:
    """Revisit per target: opportunities, mean and maximum gap, coverage, and the unobserved windows."""
    _check_format(fmt, ("table", "json"))
    sources = satellite_sources(group, owner, object_type, name, norad, elements, hypothetical)
    targets, job = targets_and_job(ctx, site, region, sources, start, hours)
    satellites, window = job.satellites, job.window
    sensor = sensor_from_options(max_off_nadir, min_sun_elevation, sar)
    report = run_opportunities(job, targets, sensor, scheduler, engine, pad_sigma)
    stats, gaps = revisit(report, targets, window)
    if fmt == "json":
        print_json([
            {
                "target": s.target, "opportunities": s.opportunities, "observed_periods": s.observed_periods,
                "mean_gap_s": round(s.mean_gap_s, 1), "max_gap_s": round(s.max_gap_s, 1),
                "coverage_fraction": round(s.coverage_fraction, 6),
                "unobserved": [{"start_utc": g.start_utc, "end_utc": g.end_utc} for g in gaps[s.target]],
            }
            for s in stats
        ])  # fmt: skip
        return
    where = zone(tz)
    print_table(
        f"revisit over {window.duration_s / 3600:g} h, {len(satellites.elements)} satellites "
        f"({sensor.name}); "
        f"times {tz or 'UTC'}",
        ("target", "opportunities", "mean gap h", "max gap h", "coverage %"),
        ((s.target, s.opportunities, f"{s.mean_gap_s / 3600:.2f}", f"{s.max_gap_s / 3600:.2f}",
          f"{100 * s.coverage_fraction:.2f}") for s in stats),
    )  # fmt: skip
    for target, windows in gaps.items():
        print_table(
            f"{target}: {len(windows)} unobserved windows (no selected satellite can image it)",
            ("from", "to", "hours"),
            (
                (shown(g.start_utc, where), shown(g.end_utc, where), f"{g.duration_s / 3600:.2f}")
                for g in windows
            ),
        )


def who_saw_command(
    ctx: typer.Context,
    site: Annotated[str, typer.Option("--site", "-s", help="NAME=LAT,LON[,ALT_M] or a place name.")],
    time: Annotated[str, typer.Option("--time", help="ISO 8601 time of the claimed image.")],
    tolerance: Annotated[float, typer.Option("--tolerance", help="Minutes either side of --time.")] = 5.0,
    max_off_nadir: OffNadirOpt = 45.0,
    min_sun_elevation: SunOpt = None,
    sar: SarOpt = False,
    group: GroupOpt = None,
    owner: OwnerOpt = None,
    object_type: TypeOpt = None,
    name: NameOpt = None,
    norad: NoradOpt = None,
    elements: ElementsOpt = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, csv or json.")] = "table",
    tz: TzOpt = None,
    engine: EngineOpt = "auto",
) -> None:
    """Which satellites' geometry and lighting allowed an image of the site at that time."""
    _check_format(fmt, ("table", "csv", "json"))
    sources = satellite_sources(group, owner, object_type, name, norad, elements, None)
    when = parse_instant(time, datetime.now(UTC))
    with open_store(ctx.obj.db_url) as store:
        [target] = resolve_sites([site], store)
        needed = store_needed(sources.selection, sources.element_paths, ())
        found = catalog_satellites(store=store if needed else None, selection=sources.selection,
                                   element_paths=sources.element_paths, at_utc=when)  # fmt: skip
    sensor = sensor_from_options(max_off_nadir, 0.0 if min_sun_elevation is None else min_sun_elevation, sar)
    report = search_who_saw(
        list(found.elements), target, when, tolerance_s=tolerance * 60.0, sensor=sensor, engine=engine
    )
    warn_exclusions(report.exclusions)
    window = TimeWindow(when, tolerance * 60.0 + 1.0)
    _print_opportunities(report, window, sensor, fmt, tz)
    if fmt == "table" and not report.opportunities:
        stdout.print(
            f"no selected satellite could image {target.name} within {tolerance:g} min of {iso_utc(when)}"
        )
