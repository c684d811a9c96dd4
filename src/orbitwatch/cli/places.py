"""``sites`` and ``regions``: the places kept in the catalog store (inline and gazetteer places need none)."""

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from orbitwatch.cli.output import print_table, stdout
from orbitwatch.services import places
from orbitwatch.services.catalog import open_store

sites_app = typer.Typer(help="Sites kept in the catalog store.", no_args_is_help=True)
regions_app = typer.Typer(help="Regions (GeoJSON polygons) kept in the catalog store.", no_args_is_help=True)
ReplaceOpt = Annotated[bool, typer.Option("--replace", help="Overwrite a place of the same name.")]


@sites_app.command("add")
def add_site(
    ctx: typer.Context,
    spec: Annotated[str, typer.Argument(help="NAME=LAT,LON[,ALT_M]")],
    replace: ReplaceOpt = False,
) -> None:
    """Store a site."""
    with open_store(ctx.obj.db_url) as store:
        site = places.add_site(store, spec, now_utc=datetime.now(UTC), replace=replace)
    stdout.print(
        f"site {site.name} stored at {site.lat_deg:.4f}, {site.lon_deg:.4f}, {site.alt_m:g} m",
        highlight=False,
    )


@sites_app.command("list")
def list_sites(ctx: typer.Context) -> None:
    """List the stored sites."""
    with open_store(ctx.obj.db_url) as store:
        sites = store.sites()
    print_table(
        f"{len(sites)} sites",
        ("name", "lat_deg", "lon_deg", "alt_m", "source"),
        ((s.name, f"{s.lat_deg:.5f}", f"{s.lon_deg:.5f}", f"{s.alt_m:g}", s.source) for s in sites),
    )


@sites_app.command("delete")
def delete_site(ctx: typer.Context, name: str) -> None:
    """Delete a stored site."""
    with open_store(ctx.obj.db_url) as store:
        places.delete_site(store, name)
    stdout.print(f"site {name} deleted", highlight=False)


@regions_app.command("add")
def add_region(
    ctx: typer.Context,
    name: str,
    path: Annotated[Path, typer.Argument(help="GeoJSON Polygon/MultiPolygon/Feature(Collection) file.")],
    replace: ReplaceOpt = False,
) -> None:
    """Store a region from a GeoJSON file."""
    with open_store(ctx.obj.db_url) as store:
        region = places.add_region(store, name, path, now_utc=datetime.now(UTC), replace=replace)
    stdout.print(f"region {region.name} stored ({len(region.polygons)} polygons)", highlight=False)


@regions_app.command("list")
def list_regions(ctx: typer.Context) -> None:
    """List the stored regions."""
    with open_store(ctx.obj.db_url) as store:
        regions = store.regions()
    print_table(
        f"{len(regions)} regions",
        ("name", "polygons", "source"),
        ((r.name, len(r.polygons), r.source) for r in regions),
    )


@regions_app.command("delete")
def delete_region(ctx: typer.Context, name: str) -> None:
    """Delete a stored region."""
    with open_store(ctx.obj.db_url) as store:
        places.delete_region(store, name)
    stdout.print(f"region {name} deleted", highlight=False)
