"""``serve`` (the REST API on uvicorn) and ``token create|list|revoke`` (the API's bearer tokens).

A token is printed once, when created, on stdout alone (for ``$(orbitwatch token create NAME)``); the
store keeps only its SHA-256. The server logs requests without their headers, so never a token.
"""

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from orbitwatch.cli.output import iso_utc, print_table, stderr
from orbitwatch.services.catalog import open_store
from orbitwatch.services.tokens import create_token, list_tokens, revoke_tokens
from orbitwatch.services.watch_config import load_watch_config

token_app = typer.Typer(help="Bearer tokens of the REST API (stored hashed).", no_args_is_help=True)


def serve_command(
    ctx: typer.Context,
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on (loopback by default).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="TCP port.")] = 8000,
    db: Annotated[
        str | None, typer.Option("--db", help="Database URL (overrides the global --db and ORBITWATCH_DB).")
    ] = None,
    read_access: Annotated[
        str | None,
        typer.Option(
            "--read-access",
            help="public: anyone may read; token: reads need a token too (default: ORBITWATCH_READ_ACCESS).",
        ),
    ] = None,
    max_upload_mib: Annotated[
        float,
        typer.Option("--max-upload-mib", min=0.001, max=64.0, help="The largest upload to /ingest, MiB."),
    ] = 64.0,
    access_log: Annotated[
        bool, typer.Option("--access-log/--no-access-log", help="Log each request.")
    ] = True,
    log_level: Annotated[str, typer.Option("--log-level", help="debug, info, warning or error.")] = "info",
    watch_config: Annotated[
        Path | None,
        typer.Option("--watch-config", help="Run the watch loop of this configuration too (docs/watch.md)."),
    ] = None,
) -> None:
    """Run the REST API (OpenAPI at /docs) until interrupted."""
    import uvicorn  # the server and FastAPI only for this command

    from orbitwatch.web import Settings, create_app

    url = db if db is not None else ctx.obj.db_url
    settings = Settings.from_environment(url, read_access, int(max_upload_mib * 1024 * 1024))
    watch = load_watch_config(watch_config) if watch_config is not None else None
    with open_store(settings.db_url) as store:  # create or migrate it now: errors the CLI's way
        where, tokens = store.url, [t for t in list_tokens(store) if t.revoked_utc is None]
    if settings.env_token is None and not tokens:
        stderr.print(
            "note: no ORBITWATCH_TOKEN and no token stored: every write will be refused "
            "(orbitwatch token create NAME)",
            highlight=False,
        )
    stderr.print(
        f"orbitwatch API on http://{host}:{port} (docs at /docs); catalog {where}; "
        f"reads: {settings.read_access}",
        highlight=False,
    )
    if watch is not None:
        stderr.print(f"watch loop {watch.name} every {watch.interval_s / 60:g} min", highlight=False)
    uvicorn.run(
        create_app(settings, watch),
        host=host,
        port=port,
        log_level=log_level.lower(),
        access_log=access_log,
        server_header=False,
        proxy_headers=False,
    )


@token_app.command("create")
def create(
    ctx: typer.Context, name: Annotated[str, typer.Argument(help="Who or what the token is for.")]
) -> None:
    """Create a token and print it once (only its hash is stored)."""
    with open_store(ctx.obj.db_url) as store:
        token, stored = create_token(store, name, now_utc=datetime.now(UTC))
    stderr.print(f"token {stored.token_id} ({stored.name}) created; it is shown only now:", highlight=False)
    typer.echo(token)


@token_app.command("list")
def list_command(ctx: typer.Context) -> None:
    """List the tokens (id, name, created, revoked); never their text."""
    with open_store(ctx.obj.db_url) as store:
        tokens = list_tokens(store)
    print_table(
        f"{len(tokens)} tokens",
        ("id", "name", "created_utc", "revoked_utc"),
        ((t.token_id, t.name, iso_utc(t.created_utc), iso_utc(t.revoked_utc)) for t in tokens),
    )


@token_app.command("revoke")
def revoke(
    ctx: typer.Context, which: Annotated[str, typer.Argument(help="Token id, or name (all of it).")]
) -> None:
    """Revoke a token by id, or every valid token of a name."""
    with open_store(ctx.obj.db_url) as store:
        revoked = revoke_tokens(store, which, now_utc=datetime.now(UTC))
    for t in revoked:
        stderr.print(f"token {t.token_id} ({t.name}) revoked", highlight=False)
