"""What the dashboard's map draws: the selected satellites at an instant, their tracks and footprints."""

from datetime import datetime

from pydantic import BaseModel, Field

from orbitwatch.services.map_data import MapSnapshot, SatelliteOnMap
from orbitwatch.web.schemas.overflights import Excluded

COORDINATE_DIGITS = 3
"""Longitudes and latitudes are rounded to 1e-3 deg (about 100 m): enough for a world map."""

Point = tuple[float, float]


def _point(lon_lat: tuple[float, float]) -> Point:
    return (round(lon_lat[0], COORDINATE_DIGITS), round(lon_lat[1], COORDINATE_DIGITS))


class MapSatellite(BaseModel):
    """One satellite at the instant: its sub-satellite point and height (null where SGP4 has no state
    then, with the reason in ``problem``), its ground track as lines of [lon, lat] (deg) from the orbits
    before to the orbits after the instant, and its footprint ring ([lon, lat], open, clockwise seen from
    above; empty when not drawn)."""

    norad_id: int
    name: str
    period_min: float | None
    epoch_utc: datetime
    lat_deg: float | None
    lon_deg: float | None
    alt_km: float | None
    track: list[list[Point]]
    footprint: list[Point]
    problem: str | None

    @classmethod
    def of(cls, s: SatelliteOnMap) -> "MapSatellite":
        """The model of a satellite on the map."""
        return cls(
            norad_id=s.norad_id,
            name=s.name,
            period_min=s.period_min if s.period_min != float("inf") else None,
            epoch_utc=s.epoch_utc,
            lat_deg=None if s.lat_deg is None else round(s.lat_deg, 4),
            lon_deg=None if s.lon_deg is None else round(s.lon_deg, 4),
            alt_km=None if s.alt_km is None else round(s.alt_km, 2),
            track=[[_point(p) for p in line] for line in s.track],
            footprint=[_point(p) for p in s.footprint],
            problem=s.problem,
        )


class MapSatellites(BaseModel):
    """The selected satellites at ``at_utc`` (catalog order), with the footprint kind drawn."""

    at_utc: datetime
    footprint: str = Field(description="imaging (field of regard), visibility (above the elevation) or none")
    orbits: float = Field(description="Track length either side of the instant, in orbits")
    satellites: list[MapSatellite]
    excluded: list[Excluded]

    @classmethod
    def of(cls, snapshot: MapSnapshot, orbits: float) -> "MapSatellites":
        """The model of a map snapshot."""
        return cls(
            at_utc=snapshot.at_utc,
            footprint=snapshot.footprint,
            orbits=orbits,
            satellites=[MapSatellite.of(s) for s in snapshot.satellites],
            excluded=[Excluded(norad_id=r.norad_id, name=r.name, reason=r.reason) for r in snapshot.rejected],
        )
