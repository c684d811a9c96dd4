"""The ``orbitwatch`` command: the typer application, its global options and its error policy.

Errors are one clear line on stderr and a non-zero exit (2), never a traceback; set
``ORBITWATCH_DEBUG=1`` to see the traceback of an unexpected failure.
"""

import os
import sys
from dataclasses import dataclass
from typing import Annotated

import typer

from orbitwatch import __version__
from orbitwatch.cli import catalog, changes, ingest, launches, manoeuvres, od, overflights, places, serve
from orbitwatch.cli.exports import export_command
from orbitwatch.cli.output import fail
from orbitwatch.cli.watch import watch_command
from orbitwatch.errors import OrbitwatchError

EXIT_ERROR = 2
EXIT_INTERNAL = 70

app = typer.Typer(
    name="orbitwatch",
    help="An open space-domain-awareness workbench: public orbital data in, warnings and analysis out.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


@dataclass(frozen=True, slots=True)
class GlobalOptions:
    """Options every command sees through ``ctx.obj``."""

    db_url: str | None


def _version(value: bool) -> None:
    if value:
        print(f"orbitwatch {__version__}")
        raise typer.Exit


@app.callback()
def main(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            envvar="ORBITWATCH_DB",
            help="Database URL (sqlite:///PATH or postgresql+psycopg://...); default: user data dir.",
        ),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """orbitwatch: watch the public satellite catalog."""
    ctx.obj = GlobalOptions(db_url=db)


app.command(name="ingest")(ingest.ingest_command)
app.command(name="catalog")(catalog.catalog_command)
app.command(name="show")(catalog.show_command)
app.command(name="export")(export_command)
app.command(name="passes")(overflights.passes_command)
app.command(name="overflights")(overflights.overflights_command)
app.command(name="revisit")(overflights.revisit_command)
app.command(name="who-saw")(overflights.who_saw_command)
app.command(name="diff")(changes.diff_command)
app.command(name="manoeuvres")(manoeuvres.manoeuvres_command)
app.command(name="maneuvers", help="The same as manoeuvres.")(manoeuvres.manoeuvres_command)
app.command(name="history")(manoeuvres.history_command)
app.command(name="launch-estimate")(launches.launch_estimate_command)
app.command(name="prelaunch")(launches.prelaunch_command)
app.command(name="od")(od.od_command)
app.command(name="correlate")(od.correlate_command)
app.command(name="ascent")(od.ascent_command)
app.add_typer(places.sites_app, name="sites")
app.add_typer(places.regions_app, name="regions")
app.command(name="serve")(serve.serve_command)
app.add_typer(serve.token_app, name="token")
app.command(name="watch")(watch_command)


def run() -> None:
    """Entry point of the console script: run the app with the error policy above."""
    try:
        app()
    except OrbitwatchError as exc:
        fail(str(exc))
        sys.exit(EXIT_ERROR)
    except KeyboardInterrupt:
        fail("interrupted")
        sys.exit(130)
    except Exception as exc:
        if os.environ.get("ORBITWATCH_DEBUG"):
            raise
        fail(f"internal error ({type(exc).__name__}: {exc}); set ORBITWATCH_DEBUG=1 for the traceback")
        sys.exit(EXIT_INTERNAL)
