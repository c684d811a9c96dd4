"""``od``, ``correlate`` and ``ascent``: orbit determination, catalog correlation and ascent assessment.

Their ``--format json`` objects are built by :mod:`orbitwatch.services.od` (the API's jobs return the same).
"""

from datetime import UTC, datetime
from typing import Annotated, Any

import typer

from orbitwatch.cli.output import iso_utc, print_json, print_table, stderr, stdout
from orbitwatch.cli.selection import GroupOpt, NameOpt, NoradOpt, OwnerOpt, TypeOpt, make_selection
from orbitwatch.cli.when import parse_instant
from orbitwatch.core.elements.formats import write_elements
from orbitwatch.errors import OrbitwatchError
from orbitwatch.services.catalog import open_store
from orbitwatch.services.od import (
    INITIAL_METHODS,
    MeasurementSet,
    OrbitDetermination,
    ascent,
    ascent_json,
    correlate,
    correlation_json,
    determine_orbit,
    fitted_elements,
    od_json,
    read_measurements,
)

MeasurementsArg = Annotated[
    list[str] | None,
    typer.Argument(
        help="Measurement files: CCSDS TDM (KVN or XML) or CSV (or --since/--until: the store's)."
    ),
]
SinceOpt = Annotated[
    str | None, typer.Option("--since", help="Also the stored measurements from this ISO time (ingested).")
]
UntilOpt = Annotated[str | None, typer.Option("--until", help="... up to this ISO time.")]
SiteOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--site", "-s", help="A station: NAME=LAT,LON[,ALT_M] or a stored or gazetteer name (repeatable)."
    ),
]
OD_FORMATS = ("table", "json", "omm", "tle")


def _read(
    ctx: typer.Context,
    paths: list[str] | None,
    site: list[str] | None,
    since: str | None = None,
    until: str | None = None,
) -> MeasurementSet:
    now = datetime.now(UTC)
    span = None
    if since is not None or until is not None:
        span = (parse_instant(since, now) if since else None, parse_instant(until, now) if until else None)
    with open_store(ctx.obj.db_url) as store:
        data = read_measurements(paths or [], site or [], store, stored_between=span)
    for refusal in data.refusals:
        stderr.print(f"refused: {refusal}", markup=False, highlight=False)
    return data


def od_command(
    ctx: typer.Context,
    measurements: MeasurementsArg = None,
    site: SiteOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    initial: Annotated[
        str, typer.Option("--initial", help=f"Initial orbit: {', '.join(INITIAL_METHODS)}.")
    ] = "auto",
    fit_tle: Annotated[bool, typer.Option("--fit-tle", help="Also fit SGP4 mean elements (a TLE).")] = False,
    drag: Annotated[
        bool | None, typer.Option("--drag/--no-drag", help="Estimate C_D A/m (default: on arcs over 12 h).")
    ] = None,
    norad: Annotated[int, typer.Option("--norad", help="Catalog number for the fitted elements.")] = 99999,
    name: Annotated[str, typer.Option("--name", help="Object name for the fitted elements.")] = "",
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, json, omm or tle.")] = "table",
) -> None:
    """Determine an orbit (state and covariance at the first track's epoch) from tracking measurements."""
    if fmt not in OD_FORMATS:
        raise OrbitwatchError(f"--format {fmt!r} is not one of {', '.join(OD_FORMATS)}")
    data = _read(ctx, measurements, site, since, until)
    result = determine_orbit(
        data, initial=initial, drag=drag, fit_tle=fit_tle or fmt in ("omm", "tle"), norad_id=norad, name=name
    )
    for note in result.notes:
        stderr.print(f"warning: {note}", markup=False, highlight=False)
    if fmt in ("tle", "omm"):
        written = ("3le" if name else "tle") if fmt == "tle" else "omm-kvn"
        typer.echo(write_elements([fitted_elements(result)], written), nl=False)
        return
    payload = od_json(result)
    if fmt == "json":
        print_json(payload)
        return
    _od_table(result, payload)


def _od_table(result: OrbitDetermination, payload: dict[str, Any]) -> None:
    s = result.solution
    sigma_r, sigma_v = s.sigma_position_km, s.sigma_velocity_km_s
    rows = [
        (axis, f"{payload['position_km'][i]:.4f}", f"{sigma_r[i] * 1000:.1f}",
         f"{payload['velocity_km_s'][i]:.7f}", f"{sigma_v[i] * 1e6:.2f}")
        for i, axis in enumerate("xyz")
    ]  # fmt: skip
    print_table(
        f"orbit at {iso_utc(s.state.epoch_utc)} (GCRS), initial: {result.initial_method}, "
        f"{result.tracks} track(s) over {result.arc_s / 3600:.1f} h",
        ("axis", "position km", "sigma m", "velocity km/s", "sigma mm/s"),
        rows,
    )
    status = "converged" if s.converged else "NOT converged"
    stdout.print(
        f"{status} in {s.iterations} iterations; weighted RMS {s.weighted_rms:.3f}; "
        f"{len(s.rejected)} of {len(s.residuals)} measurements rejected",
        highlight=False,
    )
    for kind, values in s.rms_by_kind.items():
        stdout.print(f"  RMS {kind}: {', '.join(f'{v:.6g}' for v in values)}", highlight=False)
    if result.element_fit is not None:
        stdout.print(write_elements([result.element_fit.elements], "tle"), highlight=False, end="")


def correlate_command(
    ctx: typer.Context,
    measurements: MeasurementsArg = None,
    site: SiteOpt = None,
    group: GroupOpt = None,
    owner: OwnerOpt = None,
    object_type: TypeOpt = None,
    name: NameOpt = None,
    norad: NoradOpt = None,
    probability: Annotated[
        float, typer.Option("--probability", help="Gate: chi-square probability.")
    ] = 0.999,
    solve: Annotated[
        bool, typer.Option("--solve", help="Determine an orbit first and correlate it (long arcs).")
    ] = False,
    top: Annotated[int, typer.Option("--top", help="How many candidates to list.")] = 10,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table or json.")] = "table",
) -> None:
    """Which catalog object is this? Rank the store's objects against a track; 'uncorrelated' if none fits."""
    if fmt not in ("table", "json"):
        raise OrbitwatchError(f"--format {fmt!r} is not one of table, json")
    selection = make_selection(group, owner, object_type, name, norad)
    with open_store(ctx.obj.db_url) as store:
        data = read_measurements(measurements or [], site or [], store)
        result = correlate(data, store, selection, probability=probability, top=top, solve=solve)
    for refusal in data.refusals:
        stderr.print(f"refused: {refusal}", markup=False, highlight=False)
    if fmt == "json":
        print_json(correlation_json(result))
        return
    best = result.best
    verdict = f"correlated with {best.norad_id} {best.name}" if best is not None else "uncorrelated"
    print_table(
        f"{verdict}; gate {result.gate.describe()}; {result.considered} objects compared",
        ("rank", "norad_id", "name", "d^2", "p-value", "angle RMS deg", "offset km", "age d", "gate"),
        (
            (k + 1, c.norad_id, c.name, f"{c.distance_sq:.4g}", f"{c.p_value:.3g}",
             "" if c.angular_rms_deg is None else f"{c.angular_rms_deg:.4f}", f"{c.position_offset_km:.3f}",
             f"{c.element_age_days:.2f}", "pass" if c.passes_gate else "fail")
            for k, c in enumerate(result.candidates)
        ),
    )  # fmt: skip


def ascent_command(
    ctx: typer.Context,
    measurements: MeasurementsArg = None,
    site: SiteOpt = None,
    window: Annotated[
        float | None, typer.Option("--window", help="Use only the last SECONDS of measurements.")
    ] = None,
    powered: Annotated[
        bool, typer.Option("--powered", help="Tracking during powered flight: estimate a constant thrust.")
    ] = False,
    min_perigee: Annotated[
        float, typer.Option("--min-perigee", help="Orbital when perigee stays above this (km) after one rev.")
    ] = 100.0,
    ballistic: Annotated[float, typer.Option("--cda-m", help="C_D A / m (m^2/kg) for drag.")] = 0.01,
    samples: Annotated[
        int, typer.Option("--samples", help="Monte Carlo samples for the impact ellipse.")
    ] = 500,
    probability: Annotated[
        float, typer.Option("--probability", help="Probability held by the ellipse.")
    ] = 0.95,
    impact_drag: Annotated[
        bool, typer.Option("--impact-drag", help="Impact point with drag (default: vacuum IIP).")
    ] = False,
    seed: Annotated[int, typer.Option("--seed", help="Random seed of the Monte Carlo.")] = 0,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table or json.")] = "table",
) -> None:
    """Will it reach orbit? From tracking of a rocket: its orbit, the verdict, the impact point or passes."""
    if fmt not in ("table", "json"):
        raise OrbitwatchError(f"--format {fmt!r} is not one of table, json")
    data = _read(ctx, measurements, site)
    report = ascent(
        data, window_s=window, powered=powered, min_perigee_alt_km=min_perigee, ballistic_m2_kg=ballistic,
        samples=samples, probability=probability, seed=seed, impact_drag=impact_drag,
    )  # fmt: skip
    payload = ascent_json(report)
    if fmt == "json":
        print_json(payload)
        return
    a = report.assessment
    apogee = "escape" if a.apogee_alt_km is None else f"{a.apogee_alt_km:.1f} km"
    stdout.print(
        f"[bold]{a.verdict}[/]: perigee {a.perigee_alt_km:.1f} km, apogee {apogee}, "
        f"inclination {a.inclination_deg:.2f} deg (state at {iso_utc(a.state.epoch_utc)}; "
        f"orbital means perigee above {a.min_perigee_alt_km:g} km after one revolution with "
        f"C_D A/m {a.ballistic_m2_kg:g} m^2/kg)",
        highlight=False,
    )
    if a.impact is not None:
        i = a.impact
        stdout.print(
            f"impact {'with drag' if i.with_drag else 'in vacuum'}: {i.lat_deg:.4f}, {i.lon_deg:.4f} at "
            f"{iso_utc(i.time_utc)} (+-{i.time_sigma_s:.1f} s); {i.probability:.0%} ellipse "
            f"{i.ellipse_semi_major_km:.2f} x {i.ellipse_semi_minor_km:.2f} km, major axis azimuth "
            f"{i.ellipse_azimuth_deg:.1f} deg ({i.samples} samples, {i.impact_fraction:.0%} came down)",
            highlight=False,
        )
    if a.passes:
        print_table(
            "first passes",
            ("site", "rise", "culmination", "set", "max elevation deg"),
            ((p.site, iso_utc(p.rise_utc), iso_utc(p.culmination_utc), iso_utc(p.set_utc),
              f"{p.max_elevation_deg:.1f}") for p in a.passes),
        )  # fmt: skip
