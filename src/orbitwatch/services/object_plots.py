"""An object's element-history plot as PNG bytes, for a page that shows it (the web dashboard).

The plot is :func:`orbitwatch.services.manoeuvres.write_history_plot`'s, the one of ``orbitwatch
manoeuvres --plot``, drawn from what the store holds: the object's element sets and its stored events.
Reading it detects nothing and stores nothing (``orbitwatch manoeuvres`` detects and keeps manoeuvres).
"""

import tempfile
from pathlib import Path

from orbitwatch.errors import OrbitwatchError
from orbitwatch.io.store import CatalogStore, EventFilter
from orbitwatch.services.manoeuvres import ObjectHistory, single_set_message, write_history_plot

MAX_HISTORY_EVENTS = 1000
"""The most events marked on one plot (the newest)."""


def stored_history(store: CatalogStore, norad_id: int) -> ObjectHistory | None:
    """An object's stored element sets (oldest first) and events (newest first); None when the catalog
    has no such object."""
    entry = store.entry(norad_id)
    if entry is None:
        return None
    history = store.histories([norad_id]).get(norad_id, [])
    events = store.events(EventFilter(norad_ids=[norad_id], limit=MAX_HISTORY_EVENTS))
    return ObjectHistory(norad_id, entry.name, tuple(history), tuple(s.event for s in events))


def history_png(found: ObjectHistory) -> bytes:
    """The history plot of ``found`` as PNG bytes (an error when it has no element set)."""
    if not found.history:
        raise OrbitwatchError(single_set_message(found.norad_id, found.history))
    with tempfile.TemporaryDirectory(prefix="orbitwatch-plot-") as folder:
        path = write_history_plot(found, Path(folder) / f"{found.norad_id}.png")
        return path.read_bytes()
