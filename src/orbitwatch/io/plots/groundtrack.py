"""Ground-track maps: satellite tracks, sites and regions over Natural Earth land, written as a PNG.

matplotlib's Agg canvas is used directly (no pyplot, no display, no global state), the map is
plate carrée (longitude and latitude as x and y, the aspect set for the map's middle latitude), and
the land comes from the bundled Natural Earth polygons (1:110m for wide maps, 1:50m for maps under
60° of longitude), so that nothing is downloaded. The same inputs give the same bytes.
"""

import functools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from numpy.typing import ArrayLike, NDArray

from orbitwatch.core.targets import Region, Site
from orbitwatch.errors import TargetError
from orbitwatch.io.naturalearth import land_geojson_bytes

Extent = tuple[float, float, float, float]
"""A map window: (lon_min_deg, lon_max_deg, lat_min_deg, lat_max_deg)."""

WORLD: Final[Extent] = (-180.0, 180.0, -90.0, 90.0)
OCEAN_COLOR: Final = "#dce9f5"
LAND_COLOR: Final = "#e8e0c8"
COASTLINE_COLOR: Final = "#8c8c7a"
REGION_COLOR: Final = "#b2182b"
SITE_COLOR: Final = "#222222"
FIGURE_SIZE_IN: Final = (12.0, 6.75)
DPI: Final = 100
DETAIL_BELOW_LON_SPAN_DEG: Final = 60.0
MAX_LEGEND_ENTRIES: Final = 20
_TRACK_COLORS: Final = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#17becf",
)


@dataclass(frozen=True, slots=True, eq=False)
class GroundTrack:
    """One satellite's sub-satellite points in time order: geodetic latitude and longitude in degrees.

    ``highlight`` (same length, optional) marks the points inside windows worth showing (for example
    imaging opportunities); they are drawn again, thicker. NaN points break the line.
    """

    name: str
    lat_deg: NDArray[np.float64]
    lon_deg: NDArray[np.float64]
    highlight: NDArray[np.bool_] | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "lat_deg", np.asarray(self.lat_deg, dtype=np.float64))
        object.__setattr__(self, "lon_deg", np.asarray(self.lon_deg, dtype=np.float64))
        if self.lat_deg.shape != self.lon_deg.shape or self.lat_deg.ndim != 1:
            raise TargetError(
                f"ground track {self.name!r}: latitudes and longitudes must be 1-D, of one length"
            )
        if self.highlight is not None:
            object.__setattr__(self, "highlight", np.asarray(self.highlight, dtype=bool))
            if self.highlight.shape != self.lat_deg.shape:
                raise TargetError(
                    f"ground track {self.name!r}: the highlight mask must have one flag per point"
                )


def plot_ground_tracks(
    tracks: Sequence[GroundTrack],
    sites: Sequence[Site],
    regions: Sequence[Region] = (),
    *,
    path: Path | str,
    title: str = "Ground tracks",
    extent: Extent | None = None,
) -> Path:
    """Draw the tracks, sites (labelled points) and regions (outlined) on a land map; write ``path`` (PNG).

    ``extent`` is the map window (:data:`Extent`; default the whole world). Returns the path written.
    """
    window = _checked_extent(extent or WORLD)
    figure = Figure(figsize=FIGURE_SIZE_IN, dpi=DPI)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    _draw_base(axes, window, title)
    for region in regions:
        _draw_region(axes, region)
    for index, track in enumerate(tracks):
        _draw_track(axes, track, _TRACK_COLORS[index % len(_TRACK_COLORS)])
    for site in sites:
        _draw_site(axes, site)
    if tracks and len(tracks) <= MAX_LEGEND_ENTRIES:
        axes.legend(loc="lower left", fontsize="small", framealpha=0.9)
    figure.tight_layout()
    written = Path(path)
    figure.savefig(written, format="png", metadata={"Software": None})
    return written


def _checked_extent(extent: Extent) -> Extent:
    lon_min, lon_max, lat_min, lat_max = (float(value) for value in extent)
    if not (-180.0 <= lon_min < lon_max <= 180.0 and -90.0 <= lat_min < lat_max <= 90.0):
        raise TargetError(
            f"map extent {extent} must be (lon_min, lon_max, lat_min, lat_max) with "
            "-180 <= lon_min < lon_max <= 180 and -90 <= lat_min < lat_max <= 90"
        )
    return lon_min, lon_max, lat_min, lat_max


def _draw_base(axes: Axes, window: Extent, title: str) -> None:
    lon_min, lon_max, lat_min, lat_max = window
    axes.set_facecolor(OCEAN_COLOR)
    scale = "50m" if lon_max - lon_min < DETAIL_BELOW_LON_SPAN_DEG else "110m"
    exteriors, holes = _land_rings(scale)
    axes.add_collection(
        PolyCollection(exteriors, facecolors=LAND_COLOR, edgecolors=COASTLINE_COLOR, linewidths=0.4)
    )
    axes.add_collection(
        PolyCollection(holes, facecolors=OCEAN_COLOR, edgecolors=COASTLINE_COLOR, linewidths=0.4)
    )
    axes.set_xlim(lon_min, lon_max)
    axes.set_ylim(lat_min, lat_max)
    middle_lat_rad = np.radians((lat_min + lat_max) / 2.0)
    axes.set_aspect(1.0 / max(float(np.cos(middle_lat_rad)), 0.2))
    axes.set_xlabel("Longitude (°E)")
    axes.set_ylabel("Latitude (°N)")
    axes.grid(color="white", linewidth=0.5, alpha=0.8)
    axes.set_title(title)


@functools.cache
def _land_rings(scale: str) -> tuple[list[NDArray[np.float64]], list[NDArray[np.float64]]]:
    """Exterior rings and holes ((n, 2) lon/lat arrays) of the bundled Natural Earth land polygons."""
    document: dict[str, Any] = json.loads(land_geojson_bytes(scale))
    exteriors: list[NDArray[np.float64]] = []
    holes: list[NDArray[np.float64]] = []
    for feature in document["features"]:
        geometry = feature["geometry"]
        polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        for polygon in polygons:
            exteriors.append(np.asarray(polygon[0], dtype=np.float64))
            holes.extend(np.asarray(ring, dtype=np.float64) for ring in polygon[1:])
    return exteriors, holes


def broken_at_antimeridian(
    lon_deg: ArrayLike, lat_deg: ArrayLike
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """The points with a NaN inserted wherever the longitude jumps by more than 180° (a line would
    otherwise cross the whole map), so that a plotted line stops at one edge and resumes at the other."""
    lon = np.asarray(lon_deg, dtype=np.float64)
    lat = np.asarray(lat_deg, dtype=np.float64)
    jumps = np.flatnonzero(np.abs(np.diff(lon)) > 180.0) + 1
    return np.insert(lon, jumps, np.nan), np.insert(lat, jumps, np.nan)


def _draw_track(axes: Axes, track: GroundTrack, color: str) -> None:
    lon, lat = broken_at_antimeridian(track.lon_deg, track.lat_deg)
    axes.plot(lon, lat, color=color, linewidth=1.0, label=track.name)
    if track.highlight is not None and track.highlight.any():
        shown_lon = np.where(track.highlight, track.lon_deg, np.nan)
        lon, lat = broken_at_antimeridian(shown_lon, track.lat_deg)
        axes.plot(lon, lat, color=color, linewidth=3.5, solid_capstyle="round")


def _draw_site(axes: Axes, site: Site) -> None:
    axes.plot([site.lon_deg], [site.lat_deg], marker="^", markersize=7, color=SITE_COLOR, linestyle="none")
    axes.annotate(
        site.name,
        (site.lon_deg, site.lat_deg),
        xytext=(4, 4),
        textcoords="offset points",
        fontsize="small",
        color=SITE_COLOR,
        clip_on=True,
    )


def _draw_region(axes: Axes, region: Region) -> None:
    rings = [np.asarray(ring, dtype=np.float64) for polygon in region.polygons for ring in polygon]
    axes.add_collection(
        PolyCollection(rings, facecolors=REGION_COLOR, edgecolors=REGION_COLOR, alpha=0.25, linewidths=1.5)
    )
