"""``watch``: the watch loop (sources in, changes and opportunities out as alerts) on a schedule.

Each cycle prints one summary line on stderr, and a line per failed source; the details are logged
(``--log-level``). Webhook URLs and secrets are never printed or logged. SIGTERM or Ctrl-C stops the loop
between two steps; deliveries not finished are sent by the next run.
"""

import logging
import signal
import sys
import threading
from pathlib import Path
from typing import Annotated

import typer

from orbitwatch.cli.output import iso_utc, stderr
from orbitwatch.services.catalog import open_store
from orbitwatch.services.delivery import DeliveryReport
from orbitwatch.services.watch import CycleReport, run_watch
from orbitwatch.services.watch_config import load_watch_config

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure_logging(level: str) -> None:
    """Log to stderr at ``level``; the HTTP client's own request lines (which hold URLs) only as warnings."""
    logging.basicConfig(level=level.upper(), format=LOG_FORMAT, stream=sys.stderr)
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.WARNING)


def watch_command(
    ctx: typer.Context,
    config: Annotated[Path, typer.Option("--config", help="The watch configuration (TOML; docs/watch.md).")],
    once: Annotated[bool, typer.Option("--once", help="One cycle and its deliveries, then exit.")] = False,
    log_level: Annotated[str, typer.Option("--log-level", help="debug, info, warning or error.")] = "warning",
) -> None:
    """Ingest, detect changes, look ahead for opportunities and raise alerts on a schedule; exit 1 after
    --once when a source or a delivery failed."""
    configure_logging(log_level)
    watch = load_watch_config(config)
    stop = threading.Event()
    troubles: list[str] = []

    def on_cycle(
        cycle: CycleReport | None, delivered: DeliveryReport | None, error: Exception | None
    ) -> None:
        if error is not None or cycle is None:
            stderr.print(f"watch {watch.name}: the cycle failed: {error}", highlight=False)
            return
        failed = cycle.failed_sources
        sent = f"; delivered {delivered.delivered}, failed {delivered.failed}" if delivered else ""
        stderr.print(
            f"{iso_utc(cycle.now_utc)} watch {watch.name}: {len(cycle.sources)} sources"
            f" ({len(failed)} failed), {cycle.events_recorded} new events, {len(cycle.alerts)} alerts{sent}",
            highlight=False,
        )
        for source in failed:
            stderr.print(f"  source {source.source} failed: {source.error}", highlight=False)
        troubles.extend(s.source for s in failed)
        if delivered is not None and delivered.failed:
            troubles.append("delivery")

    def halt(signum: int, frame: object) -> None:
        stop.set()

    previous = signal.signal(signal.SIGTERM, halt)
    try:
        with open_store(ctx.obj.db_url) as store:
            run_watch(store, watch, stop=stop, once=once, on_cycle=on_cycle)
    finally:
        signal.signal(signal.SIGTERM, previous)
    if once and troubles:
        raise typer.Exit(1)
