"""The selection options shared by commands that work on a set of catalog objects."""

from typing import Annotated

import typer

from orbitwatch.services.catalog import Selection

GroupOpt = Annotated[list[str] | None, typer.Option("--group", "-g", help="CelesTrak group (repeatable).")]
OwnerOpt = Annotated[str | None, typer.Option("--owner", help="Owner code as in SATCAT (PRC, NKOR, US...).")]
TypeOpt = Annotated[str | None, typer.Option("--type", help="Object type: PAY, R/B, DEB, UNK.")]
NameOpt = Annotated[str | None, typer.Option("--name", help="Name contains this text (case-insensitive).")]
NoradOpt = Annotated[list[int] | None, typer.Option("--norad", "-n", help="Catalog number (repeatable).")]


def make_selection(
    group: list[str] | None,
    owner: str | None,
    object_type: str | None,
    name: str | None,
    norad: list[int] | None,
) -> Selection:
    """A Selection from the command-line options."""
    return Selection(
        groups=tuple(group or ()),
        owner=owner.upper() if owner else None,
        object_type=object_type.upper() if object_type else None,
        name_like=name,
        norad_ids=tuple(norad or ()),
    )
