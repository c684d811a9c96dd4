"""Maps of an overflight warning: the track arcs around each imaging window, and the targets."""

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from orbitwatch.core.elements.model import ElementSet
from orbitwatch.core.events.imaging import Opportunity
from orbitwatch.core.frames.geodesy import geodetic_from_itrs
from orbitwatch.core.propagation.engine import propagate
from orbitwatch.core.propagation.states import TimeGrid
from orbitwatch.core.targets import Region, Site, region_centroid
from orbitwatch.errors import OrbitwatchError
from orbitwatch.io.plots.groundtrack import Extent, GroundTrack, plot_ground_tracks
from orbitwatch.services.overflights import TimeWindow

TRACK_STEP_S = 20.0
ARC_MARGIN_S = 600.0
"""Each window is drawn with this much of the track before and after it (s)."""
MAP_MARGIN_DEG = 18.0


def ground_tracks(
    elements: Sequence[ElementSet], window: TimeWindow, opportunities: Sequence[Opportunity]
) -> list[GroundTrack]:
    """Track arcs of the satellites around their opportunities (windows highlighted); NaN elsewhere."""
    grid = TimeGrid.regular(window.start_utc, window.duration_s, TRACK_STEP_S)
    states = propagate(elements, grid, engine="sgp4").states
    lat_deg, lon_deg, _ = geodetic_from_itrs(states.r_itrs_km)
    tracks = []
    for row, norad_id in enumerate(states.norad_ids):
        near = np.zeros(grid.size, dtype=bool)
        inside = np.zeros(grid.size, dtype=bool)
        for o in (o for o in opportunities if o.norad_id == norad_id):
            start_s = (o.start_utc - grid.t0_utc).total_seconds()
            end_s = (o.end_utc - grid.t0_utc).total_seconds()
            t = grid.offsets_s
            near |= (t >= start_s - ARC_MARGIN_S) & (t <= end_s + ARC_MARGIN_S)
            inside |= (t >= start_s - TRACK_STEP_S) & (t <= end_s + TRACK_STEP_S)
        shown = near & (states.error_code[row] == 0)
        tracks.append(
            GroundTrack(states.names[row], np.where(shown, lat_deg[row], np.nan), lon_deg[row], inside)
        )
    return tracks


def map_extent(targets: Sequence[Site | Region]) -> Extent:
    """A window around the targets, wide enough to show the arcs that reach them."""
    points = [(t.lat_deg, t.lon_deg) if isinstance(t, Site) else region_centroid(t) for t in targets]
    lats, lons = [p[0] for p in points], [p[1] for p in points]
    return (
        max(min(lons) - MAP_MARGIN_DEG * 1.6, -180.0),
        min(max(lons) + MAP_MARGIN_DEG * 1.6, 180.0),
        max(min(lats) - MAP_MARGIN_DEG, -90.0),
        min(max(lats) + MAP_MARGIN_DEG, 90.0),
    )


def warning_map(
    elements: Sequence[ElementSet],
    window: TimeWindow,
    opportunities: Sequence[Opportunity],
    targets: Sequence[Site | Region],
    path: Path,
    title: str,
) -> Path:
    """A PNG map of the satellites that have opportunities, their track arcs and windows, and the targets."""
    seen = {o.norad_id for o in opportunities}
    chosen = [e for e in elements if e.norad_id in seen]
    sites = [t for t in targets if isinstance(t, Site)]
    regions = [t for t in targets if isinstance(t, Region)]
    tracks = ground_tracks(chosen, window, opportunities)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OrbitwatchError(f"cannot create the folder of the map {path}: {exc.strerror}") from None
    return plot_ground_tracks(tracks, sites, regions, path=path, title=title, extent=map_extent(targets))
