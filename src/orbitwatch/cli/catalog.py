"""``catalog`` and ``show``: look at the store (``export`` is in :mod:`orbitwatch.cli.exports`)."""

from datetime import datetime
from typing import Annotated

import typer

from orbitwatch.cli.output import OUTPUT_FORMATS, iso_utc, print_csv, print_json, print_table
from orbitwatch.cli.selection import GroupOpt, NameOpt, NoradOpt, OwnerOpt, TypeOpt, make_selection
from orbitwatch.errors import OrbitwatchError
from orbitwatch.services.catalog import (
    CatalogEntry,
    ObjectDetail,
    list_catalog,
    object_detail,
    open_store,
)

CATALOG_COLUMNS = (
    "norad_id",
    "name",
    "intl_designator",
    "owner",
    "object_type",
    "launch_date",
    "launch_site",
    "decay_date",
    "epoch_utc",
    "groups",
)

FormatOpt = Annotated[str, typer.Option("--format", "-f", help="table, json or csv.")]


def _check_format(fmt: str, allowed: tuple[str, ...]) -> None:
    if fmt not in allowed:
        raise OrbitwatchError(f"--format {fmt!r} is not one of {', '.join(allowed)}")


def _entry_row(entry: CatalogEntry) -> dict[str, object]:
    return {
        "norad_id": entry.norad_id,
        "name": entry.name,
        "intl_designator": entry.intl_designator,
        "owner": entry.owner,
        "object_type": entry.object_type,
        "launch_date": entry.launch_date,
        "launch_site": entry.launch_site,
        "decay_date": entry.decay_date,
        "epoch_utc": entry.epoch_utc,
        "groups": list(entry.groups),
    }


def catalog_command(
    ctx: typer.Context,
    group: GroupOpt = None,
    owner: OwnerOpt = None,
    object_type: TypeOpt = None,
    name: NameOpt = None,
    norad: NoradOpt = None,
    fmt: FormatOpt = "table",
    limit: Annotated[int | None, typer.Option(help="At most this many rows.")] = None,
) -> None:
    """List catalog objects, filtered by group, owner, type, name or number."""
    _check_format(fmt, OUTPUT_FORMATS)
    selection = make_selection(group, owner, object_type, name, norad)
    with open_store(ctx.obj.db_url) as store:
        rows = [_entry_row(entry) for entry in list_catalog(store, selection, limit)]
    if fmt == "json":
        print_json(rows)
    elif fmt == "csv":
        print_csv(CATALOG_COLUMNS, rows)
    else:
        shown = ("norad_id", "name", "intl_designator", "owner", "object_type", "epoch_utc", "groups")
        print_table(
            f"{len(rows)} objects",
            shown,
            ([_cell(r[c]) for c in shown] for r in rows),
        )


def _cell(value: object) -> object:
    if isinstance(value, list):
        return ", ".join(value)
    if isinstance(value, datetime):
        return iso_utc(value)
    return value


def show_command(
    ctx: typer.Context,
    norad_id: Annotated[int, typer.Argument(help="Catalog number.")],
    fmt: FormatOpt = "table",
) -> None:
    """Metadata and element-set history of one object."""
    _check_format(fmt, ("table", "json"))
    with open_store(ctx.obj.db_url) as store:
        detail = object_detail(store, norad_id)
    if fmt == "json":
        print_json(_detail_json(detail))
        return
    entry = detail.entry
    print_table(
        f"{entry.norad_id} {entry.name}",
        ("field", "value"),
        [(key, _cell(value)) for key, value in _entry_row(entry).items() if key != "norad_id"],
    )
    print_table(
        f"{len(detail.history)} element sets",
        ("epoch_utc", "ingest", "n_rev_day", "ecc", "inc_deg", "raan_deg", "perigee_km", "apogee_km"),
        (
            (
                iso_utc(s.elements.epoch_utc),
                s.ingest_id,
                f"{s.elements.mean_motion_rev_per_day:.8f}",
                f"{s.elements.eccentricity:.7f}",
                f"{s.elements.inclination_deg:.4f}",
                f"{s.elements.raan_deg:.4f}",
                f"{s.elements.perigee_alt_km:.1f}",
                f"{s.elements.apogee_alt_km:.1f}",
            )
            for s in detail.history
        ),
    )


def _detail_json(detail: ObjectDetail) -> dict[str, object]:
    history = [
        {
            "epoch_utc": s.elements.epoch_utc,
            "ingest_id": s.ingest_id,
            "format": s.format,
            "mean_motion_rev_per_day": s.elements.mean_motion_rev_per_day,
            "eccentricity": s.elements.eccentricity,
            "inclination_deg": s.elements.inclination_deg,
            "raan_deg": s.elements.raan_deg,
            "arg_perigee_deg": s.elements.arg_perigee_deg,
            "mean_anomaly_deg": s.elements.mean_anomaly_deg,
            "bstar_per_earth_radius": s.elements.bstar_per_earth_radius,
            "perigee_alt_km": s.elements.perigee_alt_km,
            "apogee_alt_km": s.elements.apogee_alt_km,
            "original_text": s.original_text,
        }
        for s in detail.history
    ]
    return {**_entry_row(detail.entry), "history": history}
