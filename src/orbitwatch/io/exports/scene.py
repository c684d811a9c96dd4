"""What a map export draws: satellites' sampled paths, footprints, opportunity windows, sites and regions.

One :class:`MapScene` feeds every map writer (:mod:`~orbitwatch.io.exports.czml`,
:mod:`~orbitwatch.io.exports.kml`, :mod:`~orbitwatch.io.exports.geojson`), so the CLI and the API
build it once (``orbitwatch.services.exports``) and each writer turns it into text.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
from numpy.typing import NDArray

from orbitwatch.core.elements.epochs import as_utc
from orbitwatch.core.events.footprint import Footprint
from orbitwatch.core.events.imaging import Opportunity
from orbitwatch.core.frames.geodesy import geodetic_from_itrs
from orbitwatch.core.propagation.states import StateGrid
from orbitwatch.core.targets import Region, Site

FloatArray = NDArray[np.float64]


@dataclass(frozen=True, slots=True, eq=False)
class MapScene:
    """The content of a map export. ``paths`` holds the satellites' Earth-fixed states on one time grid
    (rows with no valid state are left out of the exports); the rest may be empty."""

    title: str
    paths: StateGrid
    footprints: tuple[Footprint, ...] = ()
    opportunities: tuple[Opportunity, ...] = ()
    sites: tuple[Site, ...] = ()
    regions: tuple[Region, ...] = ()


@dataclass(frozen=True, slots=True, eq=False)
class SatelliteTrack:
    """One satellite's path: sample offsets (s after ``t0_utc``), Earth-fixed positions (km), and
    geodetic latitude, longitude (deg) and height (km); NaN where SGP4 gave no valid state."""

    norad_id: int
    name: str
    t0_utc: datetime
    offsets_s: FloatArray
    r_itrs_km: FloatArray
    lat_deg: FloatArray
    lon_deg: FloatArray
    alt_km: FloatArray
    valid: NDArray[np.bool_]

    @property
    def first_utc(self) -> datetime:
        """The first instant with a valid state."""
        return _at(self.t0_utc, float(self.offsets_s[self.valid][0]))

    @property
    def last_utc(self) -> datetime:
        """The last instant with a valid state."""
        return _at(self.t0_utc, float(self.offsets_s[self.valid][-1]))


def _at(t0_utc: datetime, offset_s: float) -> datetime:
    return t0_utc + timedelta(microseconds=round(offset_s * 1e6))


def satellite_tracks(paths: StateGrid) -> Iterator[SatelliteTrack]:
    """The tracks of the satellites that have at least one valid state, in row order."""
    valid = paths.error_code == 0
    r = np.where(valid[..., None], paths.r_itrs_km, np.nan)
    lat_deg, lon_deg, alt_km = geodetic_from_itrs(r)
    for row in range(paths.count):
        if valid[row].any():
            yield SatelliteTrack(
                int(paths.norad_ids[row]),
                paths.names[row],
                paths.times.t0_utc,
                paths.times.offsets_s,
                r[row],
                lat_deg[row],
                lon_deg[row],
                alt_km[row],
                valid[row],
            )


def iso_utc(moment: datetime) -> str:
    """ISO 8601 UTC with milliseconds and ``Z`` (the form every export writes)."""
    return as_utc(moment).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def opportunity_text(o: Opportunity) -> str:
    """A one-line human description of an opportunity (KML descriptions, CZML descriptions)."""
    return (
        f"{o.name} ({o.norad_id}) can image {o.target} from {iso_utc(o.start_utc)} to {iso_utc(o.end_utc)}; "
        f"best {iso_utc(o.best_utc)} at {o.min_off_nadir_deg:.1f} deg off nadir, "
        f"ground range {o.ground_range_km:.0f} km, elevation {o.elevation_deg:.1f} deg, "
        f"Sun {o.sun_elevation_deg:.1f} deg"
    )
