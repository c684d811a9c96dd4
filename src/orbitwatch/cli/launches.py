"""``launch-estimate`` (where and when a new object was probably launched) and ``prelaunch`` (the proxy
orbit of a launch to come, for predicting its first passes before anyone has tracked it)."""

from dataclasses import replace
from datetime import UTC, datetime
from typing import Annotated

import typer

from orbitwatch.cli.output import iso_utc, print_json, print_table, stderr
from orbitwatch.cli.when import parse_instant
from orbitwatch.core.changes.launches import LaunchEstimate
from orbitwatch.core.changes.prelaunch import PrelaunchPlan
from orbitwatch.core.elements.formats import write_elements
from orbitwatch.errors import OrbitwatchError
from orbitwatch.services.catalog import open_store
from orbitwatch.services.launches import estimate_from_file, estimate_from_store, prelaunch_plan

TLE_PROXY_NUMBER = 99999
"""The catalog number a proxy gets in TLE form (its own number is above what a TLE can hold)."""


def launch_estimate_command(
    ctx: typer.Context,
    norad_id: Annotated[int | None, typer.Argument(help="Catalog number of a stored object.")] = None,
    elements: Annotated[
        str | None, typer.Option("--elements", help="An element file instead: each object in it.")
    ] = None,
    top: Annotated[int, typer.Option(help="Show this many candidate sites.")] = 5,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table or json.")] = "table",
) -> None:
    """Which launch sites and times fit an object's first element sets, best first, with the fit."""
    if fmt not in ("table", "json"):
        raise OrbitwatchError(f"--format {fmt!r} is not one of table, json")
    if (norad_id is None) == (elements is None):
        raise OrbitwatchError("give a catalog number or --elements PATH (one of them)")
    if elements is not None:
        estimates = estimate_from_file(elements)
    else:
        assert norad_id is not None
        with open_store(ctx.obj.db_url) as store:
            estimates = [estimate_from_store(store, norad_id)]
    if fmt == "json":
        print_json([_estimate_json(e, top) for e in estimates])
        return
    for estimate in estimates:
        _print_estimate(estimate, top)


def _estimate_json(estimate: LaunchEstimate, top: int) -> dict[str, object]:
    return {
        "norad_id": estimate.norad_id,
        "inherited_orbit": estimate.inherited_orbit,
        "notes": list(estimate.notes),
        "candidates": [
            {
                "rank": rank,
                "site": c.site.site.name,
                "code": c.site.code,
                "launch_time_utc": c.launch_time_utc,
                "azimuth_deg": c.azimuth_deg,
                "ascending": c.ascending,
                "score": c.score,
                "details": dict(c.details),
            }
            for rank, c in enumerate(estimate.candidates[:top], start=1)
        ],
        "excluded": [{"site": site.site.name, "reason": reason} for site, reason in estimate.excluded],
    }


def _print_estimate(estimate: LaunchEstimate, top: int) -> None:
    print_table(
        f"{estimate.norad_id}: launch site candidates"
        + (" (inherited orbit: the launch time cannot be dated)" if estimate.inherited_orbit else ""),
        ("rank", "site", "launch (UTC)", "azimuth deg", "side", "score"),
        (
            (rank, c.site.site.name, iso_utc(c.launch_time_utc) if c.launch_time_utc else "-",
             f"{c.azimuth_deg:.1f}", "ascending" if c.ascending else "descending", f"{c.score:.3g}")
            for rank, c in enumerate(estimate.candidates[:top], start=1)
        ),
    )  # fmt: skip
    for note in estimate.notes:
        print(f"note: {note}")
    print(
        f"{len(estimate.excluded)} sites excluded: "
        + "; ".join(f"{s.site.name}: {r}" for s, r in estimate.excluded)
    )


def prelaunch_command(
    site: Annotated[str, typer.Option("--site", help="Launch site name or code (see the bundled table).")],
    time: Annotated[str, typer.Option("--time", help="Launch time, ISO 8601 UTC.")],
    altitude: Annotated[float, typer.Option("--altitude", help="Orbit altitude of the proxy, km.")],
    azimuth: Annotated[
        float | None, typer.Option("--azimuth", help="Launch azimuth, deg from north.")
    ] = None,
    inclination: Annotated[
        float | None, typer.Option("--inclination", help="Target inclination, deg.")
    ] = None,
    hazard_areas: Annotated[
        str | None, typer.Option("--hazard-areas", help="GeoJSON of drop-zone polygons in flight order.")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="tle, omm (KVN) or json.")] = "json",
) -> None:
    """The orbit a launch from a site at a time would reach: azimuth, inclination, plane, and a proxy
    element set that the overflight commands take like any satellite (--elements FILE)."""
    if fmt not in ("tle", "omm", "json"):
        raise OrbitwatchError(f"--format {fmt!r} is not one of tle, omm, json")
    plan = prelaunch_plan(
        site,
        launch_time_utc=parse_instant(time, datetime.now(UTC)),
        altitude_km=altitude,
        azimuth_deg=azimuth,
        inclination_deg=inclination,
        hazard_areas_path=hazard_areas,
    )
    if fmt == "json":
        print_json(_plan_json(plan))
    elif fmt == "omm":
        print(write_elements([plan.proxy], "omm-kvn"), end="")
    else:
        note = f"note: the TLE has catalog number {TLE_PROXY_NUMBER}; a TLE cannot hold {plan.proxy.norad_id}"
        stderr.print(note, markup=False)
        print(write_elements([replace(plan.proxy, norad_id=TLE_PROXY_NUMBER)], "3le"), end="")


def _plan_json(plan: PrelaunchPlan) -> dict[str, object]:
    proxy = plan.proxy
    return {
        "site": plan.site.site.name,
        "launch_time_utc": plan.launch_time_utc,
        "azimuth_deg": plan.azimuth_deg,
        "inclination_deg": plan.inclination_deg,
        "ascending": plan.ascending,
        "raan_deg": plan.raan_deg,
        "details": dict(plan.details),
        "proxy": {
            "norad_id": proxy.norad_id,
            "name": proxy.name,
            "epoch_utc": proxy.epoch_utc,
            "mean_motion_rev_per_day": proxy.mean_motion_rev_per_day,
            "eccentricity": proxy.eccentricity,
            "inclination_deg": proxy.inclination_deg,
            "raan_deg": proxy.raan_deg,
            "arg_perigee_deg": proxy.arg_perigee_deg,
            "mean_anomaly_deg": proxy.mean_anomaly_deg,
            "omm_kvn": write_elements([proxy], "omm-kvn"),
        },
    }
