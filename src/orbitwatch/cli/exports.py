"""``export``: element sets (TLE, 3LE, OMM), maps (CZML, KML, GeoJSON) and opportunity windows (CSV, iCal)."""

from pathlib import Path
from typing import Annotated

import typer

from orbitwatch.cli.output import iso_utc, stderr
from orbitwatch.cli.overflights import (
    ElementsOpt,
    EngineOpt,
    HoursOpt,
    HypoOpt,
    OffNadirOpt,
    PadOpt,
    RegionOpt,
    SarOpt,
    SchedulerOpt,
    SiteOpt,
    StartOpt,
    SunOpt,
    run_opportunities,
    satellite_sources,
    sensor_from_options,
    targets_and_job,
    warn_exclusions,
)
from orbitwatch.cli.selection import GroupOpt, NameOpt, NoradOpt, OwnerOpt, TypeOpt, make_selection
from orbitwatch.core.elements.formats import WRITE_FORMATS
from orbitwatch.errors import OrbitwatchError
from orbitwatch.services.catalog import export_elements, open_store
from orbitwatch.services.exports import (
    DEFAULT_STEP_S,
    FOOTPRINT_CHOICES,
    MAP_FORMATS,
    WINDOW_FORMATS,
    FootprintChoice,
    FootprintSpec,
    map_scene,
    map_text,
    windows_text,
)
from orbitwatch.services.overflights import Exclusions

ALL_FORMATS = (*WRITE_FORMATS, *MAP_FORMATS, *WINDOW_FORMATS)


def export_command(
    ctx: typer.Context,
    group: GroupOpt = None,
    owner: OwnerOpt = None,
    object_type: TypeOpt = None,
    name: NameOpt = None,
    norad: NoradOpt = None,
    elements: ElementsOpt = None,
    hypothetical: HypoOpt = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help=f"One of {', '.join(ALL_FORMATS)}.")] = "3le",
    site: SiteOpt = None,
    region: RegionOpt = None,
    start: StartOpt = "now",
    hours: HoursOpt = 24.0,
    step_s: Annotated[
        float, typer.Option("--step-s", help="Maps: seconds between path samples.")
    ] = DEFAULT_STEP_S,
    max_off_nadir: OffNadirOpt = 30.0,
    min_sun_elevation: SunOpt = None,
    sar: SarOpt = False,
    pad_sigma: PadOpt = 0.0,
    footprints: Annotated[
        str, typer.Option("--footprints", help=f"Maps: {', '.join(FOOTPRINT_CHOICES)} footprints.")
    ] = "imaging",
    footprint_every: Annotated[
        float | None,
        typer.Option(
            "--footprint-every", help="Maps: a footprint every MIN minutes (default: one at the start)."
        ),
    ] = None,
    min_elevation: Annotated[
        float, typer.Option("--min-elevation", help="Visibility footprints: elevation mask, deg.")
    ] = 10.0,
    engine: EngineOpt = "auto",
    scheduler: SchedulerOpt = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write (default: stdout).")
    ] = None,
) -> None:
    """Export element sets (TLE, 3LE, OMM), maps of satellites' paths, footprints, targets and opportunity
    windows (CZML, KML, GeoJSON), or the opportunity windows alone (CSV, iCalendar)."""
    if fmt not in ALL_FORMATS:
        raise OrbitwatchError(f"--format {fmt!r} is not one of {', '.join(ALL_FORMATS)}")
    if fmt in WRITE_FORMATS:
        if site or region or elements or hypothetical:
            raise OrbitwatchError(
                f"--format {fmt} writes stored element sets: --site, --region, --elements and "
                "--hypothetical apply to the map and window formats"
            )
        selection = make_selection(group, owner, object_type, name, norad)
        with open_store(ctx.obj.db_url) as store:
            text, count = export_elements(store, selection, fmt)
        _write(text, output, f"{count} element sets", fmt)
        return
    if fmt in WINDOW_FORMATS and not (site or region):
        raise OrbitwatchError(f"--format {fmt} writes opportunity windows: give --site or --region")
    if footprints not in FOOTPRINT_CHOICES:
        raise OrbitwatchError(f"--footprints {footprints!r} is not one of {', '.join(FOOTPRINT_CHOICES)}")
    sources = satellite_sources(group, owner, object_type, name, norad, elements, hypothetical)
    targets, job = targets_and_job(ctx, site, region, sources, start, hours)
    sensor = sensor_from_options(max_off_nadir, min_sun_elevation, sar)
    report = run_opportunities(job, targets, sensor, scheduler, engine, pad_sigma) if targets else None
    window = job.window
    if fmt in WINDOW_FORMATS:
        assert report is not None
        text = windows_text(report, sensor, fmt, created_utc=window.start_utc)
        _write(text, output, f"{len(report.opportunities)} opportunity windows", fmt)
        return
    choice: FootprintChoice = footprints  # type: ignore[assignment]
    every_s = None if footprint_every is None else footprint_every * 60.0
    scene, rejected = map_scene(
        job.satellites.elements,
        window,
        title=f"orbitwatch {iso_utc(window.start_utc)} + {hours:g} h ({sensor.name})",
        step_s=step_s,
        targets=targets,
        sensor=sensor,
        report=report,
        footprints=FootprintSpec(choice, every_s, min_elevation),
    )
    if report is None:
        warn_exclusions(Exclusions(rejected=rejected))
    opportunities = f", {len(scene.opportunities)} opportunity windows" if report is not None else ""
    _write(map_text(scene, fmt), output, f"{scene.paths.count} satellite paths{opportunities}", fmt)


def _write(text: str, output: Path | None, what: str, fmt: str) -> None:
    if output is None:
        typer.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise OrbitwatchError(f"cannot write {output}: {exc.strerror}") from None
    stderr.print(f"wrote {what} to {output} ({fmt})", highlight=False)
