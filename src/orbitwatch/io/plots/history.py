"""Element-history plots: an object's perigee and apogee altitude, inclination and eccentricity against
time, with its events (manoeuvres, launch, decay) marked, written as a PNG.

Heights are ``ElementSet.perigee_alt_km``/``apogee_alt_km`` (above the WGS-72 equatorial radius, from the
mean elements, as CelesTrak's SATCAT gives them). matplotlib's Agg canvas is used directly (no pyplot).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Final

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.dates import date2num
from matplotlib.figure import Figure

from orbitwatch.core.elements.model import ElementSet
from orbitwatch.errors import OrbitwatchError

FIGURE_SIZE_IN: Final = (11.0, 8.0)
DPI: Final = 100
EVENT_COLORS: Final = {"manoeuvre": "#d62728", "campaign": "#ff7f0e", "launch": "#2ca02c"}
OTHER_EVENT_COLOR: Final = "#7f7f7f"


@dataclass(frozen=True, slots=True)
class EventMark:
    """An event to mark: its UTC time, its kind (colour) and a short label."""

    time_utc: datetime
    kind: str
    label: str


def plot_history(
    history: Sequence[ElementSet], marks: Sequence[EventMark], *, path: Path | str, title: str
) -> Path:
    """Draw the history (at least one element set) with the events marked; write ``path`` (PNG)."""
    if not history:
        raise OrbitwatchError(f"{title}: no element set to plot")
    ordered = sorted(history, key=lambda e: e.epoch_utc)
    times = [e.epoch_utc for e in ordered]
    figure = Figure(figsize=FIGURE_SIZE_IN, dpi=DPI)
    FigureCanvasAgg(figure)
    heights, inclination, eccentricity = figure.subplots(3, 1, sharex=True)
    heights.plot(times, [e.apogee_alt_km for e in ordered], "o-", ms=3, label="apogee")
    heights.plot(times, [e.perigee_alt_km for e in ordered], "o-", ms=3, label="perigee")
    heights.set_ylabel("height (km)")
    heights.legend(loc="best", fontsize="small")
    inclination.plot(times, [e.inclination_deg for e in ordered], "o-", ms=3, color="#9467bd")
    inclination.set_ylabel("inclination (deg)")
    eccentricity.plot(times, [e.eccentricity for e in ordered], "o-", ms=3, color="#8c564b")
    eccentricity.set_ylabel("eccentricity")
    eccentricity.set_xlabel("epoch (UTC)")
    for axes in (heights, inclination, eccentricity):
        _mark(axes, marks, labelled=axes is heights)
        axes.grid(True, alpha=0.3)
    heights.set_title(title)
    figure.autofmt_xdate()
    figure.tight_layout()
    written = Path(path)
    figure.savefig(written, format="png", metadata={"Software": None})
    return written


def _mark(axes: Axes, marks: Sequence[EventMark], *, labelled: bool) -> None:
    top = axes.get_ylim()[1]
    for mark in marks:
        x = float(date2num(mark.time_utc))  # type: ignore[no-untyped-call]
        axes.axvline(x, color=EVENT_COLORS.get(mark.kind, OTHER_EVENT_COLOR), linestyle="--", linewidth=1.0)
        if labelled:
            axes.annotate(mark.label, (x, top), fontsize="x-small", rotation=90, va="top", ha="right")
