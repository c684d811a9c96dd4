"""``od``, ``correlate`` and ``ascent``: orbit determination, catalog correlation and ascent assessment."""

from datetime import UTC, datetime
from typing import Annotated, Any

import numpy as np
import typer

from orbitwatch.cli.output import iso_utc, print_json, print_table, stderr, stdout
from orbitwatch.cli.selection import GroupOpt, NameOpt, NoradOpt, OwnerOpt, TypeOpt, make_selection
from orbitwatch.cli.when import parse_instant
from orbitwatch.core.elements.formats import write_elements
from orbitwatch.core.od.correlate import Correlation
from orbitwatch.errors import OrbitwatchError
from orbitwatch.services.catalog import open_store
from orbitwatch.services.od import (
    INITIAL_METHODS,
    AscentReport,
    MeasurementSet,
    OrbitDetermination,
    ascent,
    correlate,
    determine_orbit,
    fitted_elements,
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


def od_json(result: OrbitDetermination) -> dict[str, Any]:
    """The ``od --format json`` object."""
    s = result.solution
    payload: dict[str, Any] = {
        "epoch_utc": s.state.epoch_utc,
        "frame": s.state.frame.upper(),
        "position_km": list(s.state.r_km),
        "velocity_km_s": list(s.state.v_km_s),
        "covariance": np.asarray(s.covariance_gcrs).tolist(),
        "covariance_units": "km, km/s",
        "rms_residuals": {kind: list(values) for kind, values in s.rms_by_kind.items()},
        "rms_residual_units": "deg for angles, km for ranges and positions, km/s for rates",
        "weighted_rms": s.weighted_rms,
        "weighted_rms_by_station": dict(s.weighted_rms_by_station),
        "iterations": s.iterations,
        "converged": s.converged,
        "rejected": list(s.rejected),
        "measurements": len(s.residuals),
        "tracks": result.tracks,
        "arc_hours": result.arc_s / 3600.0,
        "initial_method": result.initial_method,
        "ballistic_m2_kg": s.ballistic_m2_kg,
        "ballistic_sigma_m2_kg": s.ballistic_sigma_m2_kg,
    }
    if result.element_fit is not None:
        payload["tle"] = write_elements([result.element_fit.elements], "tle").splitlines()
        payload["tle_weighted_rms"] = result.element_fit.weighted_rms
        payload["tle_converged"] = result.element_fit.converged
    return payload


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


def correlation_json(result: Correlation) -> dict[str, Any]:
    """The ``correlate --format json`` object."""
    return {
        "verdict": result.verdict,
        "norad_id": result.best.norad_id if result.best is not None else None,
        "gate": {
            "method": result.gate.method,
            "probability": result.gate.probability,
            "degrees_of_freedom": result.gate.degrees_of_freedom,
            "threshold": result.gate.threshold,
        },
        "reference_utc": result.reference_utc,
        "considered": result.considered,
        "skipped": [{"norad_id": n, "reason": r} for n, r in result.skipped],
        "candidates": [
            {
                "norad_id": c.norad_id,
                "name": c.name,
                "distance_sq": c.distance_sq,
                "p_value": c.p_value,
                "angular_rms_deg": c.angular_rms_deg,
                "position_offset_km": c.position_offset_km,
                "element_age_days": c.element_age_days,
                "passes_gate": c.passes_gate,
            }
            for c in result.candidates
        ],
    }


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


def ascent_json(report: AscentReport) -> dict[str, Any]:
    """The ``ascent --format json`` object."""
    a, e = report.assessment, report.estimate
    payload: dict[str, Any] = {
        "verdict": a.verdict,
        "epoch_utc": a.state.epoch_utc,
        "frame": "GCRS",
        "position_km": list(a.state.r_km),
        "velocity_km_s": list(a.state.v_km_s),
        "covariance": np.asarray(a.covariance_gcrs).tolist(),
        "perigee_km": a.perigee_alt_km,
        "apogee_km": a.apogee_alt_km,
        "inclination_deg": a.inclination_deg,
        "altitudes_above": "WGS-84 equatorial radius",
        "min_perigee_km": a.min_perigee_alt_km,
        "perigee_after_one_rev_km": a.perigee_after_one_rev_alt_km,
        "ballistic_m2_kg": a.ballistic_m2_kg,
        "weighted_rms": e.weighted_rms,
        "measurements_used": e.measurements_used,
        "thrust_km_s2": None if e.thrust_km_s2 is None else list(e.thrust_km_s2),
        "impact": None,
        "passes": [
            {"site": p.site, "rise_utc": p.rise_utc, "culmination_utc": p.culmination_utc,
             "set_utc": p.set_utc, "max_elevation_deg": p.max_elevation_deg}
            for p in a.passes
        ],
    }  # fmt: skip
    if a.impact is not None:
        i = a.impact
        payload["impact"] = {
            "lat_deg": i.lat_deg,
            "lon_deg": i.lon_deg,
            "time_utc": i.time_utc,
            "time_sigma_s": i.time_sigma_s,
            "ellipse_semi_major_km": i.ellipse_semi_major_km,
            "ellipse_semi_minor_km": i.ellipse_semi_minor_km,
            "ellipse_azimuth_deg": i.ellipse_azimuth_deg,
            "probability": i.probability,
            "samples": i.samples,
            "impact_fraction": i.impact_fraction,
            "with_drag": i.with_drag,
        }
    return payload
