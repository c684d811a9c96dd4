"""KML (OGC KML 2.2, OGC 07-147r2) of a map scene for Google Earth, written with ``fastkml``.

One ``Document`` with four ``Folder``s: *Ground tracks* (a Placemark per satellite, its sub-satellite
points as ``LineString``s of ``lon,lat,0`` clamped to the ground, cut at the antimeridian and held in a
``MultiGeometry``, with a ``TimeSpan`` of the path), *Footprints* (a ``Polygon`` per footprint, with a
``TimeSpan`` of the window it stands for, so Google Earth's time slider shows each in its time), *Sites*
(``Point``s) and *Regions* (``Polygon``s with their holes). Coordinates are WGS-84 longitude, latitude
(degrees) and altitude (m), 6 decimals.
"""

from collections.abc import Sequence
from datetime import datetime

import pygeoif.geometry as geo
from fastkml import KML, Document, Folder, LineStyle, Placemark, PolyStyle, Style
from fastkml.enums import AltitudeMode
from fastkml.geometry import LineString, MultiGeometry, Polygon
from fastkml.styles import StyleUrl
from fastkml.times import KmlDateTime, TimeSpan, TimeStamp

from orbitwatch.core.events.footprint import Footprint
from orbitwatch.core.targets import Region, Site
from orbitwatch.io.exports.antimeridian import LonLat, split_line, split_ring
from orbitwatch.io.exports.scene import MapScene, SatelliteTrack, opportunity_text, satellite_tracks

DECIMALS = 6
TRACK_STYLE = Style(id="track", styles=[LineStyle(color="ff2f7fff", width=1.5)])
"""KML colours are aabbggrr."""
FOOTPRINT_STYLE = Style(
    id="footprint", styles=[LineStyle(color="ff00a5ff", width=1.0), PolyStyle(color="4000a5ff")]
)
OPPORTUNITY_STYLE = Style(
    id="opportunity", styles=[LineStyle(color="ff2b18b2", width=2.0), PolyStyle(color="602b18b2")]
)
REGION_STYLE = Style(id="region", styles=[LineStyle(color="ff2b18b2", width=2.0), PolyStyle(fill=False)])


def kml_text(scene: MapScene) -> str:
    """The scene as a KML 2.2 document (UTF-8 XML text with its declaration)."""
    document = Document(
        name=scene.title,
        styles=[TRACK_STYLE, FOOTPRINT_STYLE, OPPORTUNITY_STYLE, REGION_STYLE],
        features=[
            Folder(name="Ground tracks", features=[_track(t) for t in satellite_tracks(scene.paths)]),
            Folder(name="Footprints", features=[_footprint(f) for f in scene.footprints]),
            Folder(name="Sites", features=[_site(s) for s in scene.sites]),
            Folder(name="Regions", features=[_region(r) for r in scene.regions]),
        ],
    )
    body = KML(features=[document]).to_string(prettyprint=True, precision=DECIMALS)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body


def _span(start_utc: datetime, end_utc: datetime) -> TimeSpan | TimeStamp:
    if start_utc == end_utc:
        return TimeStamp(timestamp=KmlDateTime(start_utc))
    return TimeSpan(begin=KmlDateTime(start_utc), end=KmlDateTime(end_utc))


def _ground_line(piece: Sequence[LonLat]) -> LineString:
    return LineString(
        tessellate=True,
        altitude_mode=AltitudeMode.clamp_to_ground,
        geometry=geo.LineString([(x, y, 0.0) for x, y in piece]),
    )


def _ground_polygon(exterior: Sequence[LonLat], holes: Sequence[Sequence[LonLat]] = ()) -> Polygon:
    return Polygon(
        tessellate=True,
        altitude_mode=AltitudeMode.clamp_to_ground,
        geometry=geo.Polygon(
            [(x, y, 0.0) for x, y in exterior], [[(x, y, 0.0) for x, y in hole] for hole in holes]
        ),
    )


def _track(track: SatelliteTrack) -> Placemark:
    lines = [_ground_line(piece) for piece in split_line(track.lon_deg, track.lat_deg)]
    return Placemark(
        id=f"satellite-{track.norad_id}",
        name=f"{track.name} ({track.norad_id})",
        description=f"ground track of {track.name}, NORAD {track.norad_id}",
        times=_span(track.first_utc, track.last_utc),
        style_url=StyleUrl(url="#track"),
        kml_geometry=MultiGeometry(kml_geometries=lines),
    )


def _footprint(footprint: Footprint) -> Placemark:
    rings = split_ring(footprint.lon_deg, footprint.lat_deg)
    o = footprint.opportunity
    label = f"{footprint.name} ({footprint.norad_id})"
    description = (
        opportunity_text(o)
        if o is not None
        else f"{footprint.kind} footprint of {label} at {footprint.at_utc:%Y-%m-%dT%H:%M:%S}Z"
    )
    return Placemark(
        name=label if o is None else f"{label} -> {o.target}",
        description=description,
        times=_span(footprint.start_utc, footprint.end_utc),
        style_url=StyleUrl(url="#footprint" if o is None else "#opportunity"),
        kml_geometry=MultiGeometry(kml_geometries=[_ground_polygon(ring) for ring in rings]),
    )


def _site(site: Site) -> Placemark:
    return Placemark(
        name=site.name,
        description=f"{site.lat_deg:.6f} N, {site.lon_deg:.6f} E, {site.alt_m:g} m" + _source(site.source),
        geometry=geo.Point(site.lon_deg, site.lat_deg, site.alt_m),
    )


def _region(region: Region) -> Placemark:
    polygons = [_ground_polygon(polygon[0], polygon[1:]) for polygon in region.polygons]
    return Placemark(
        name=region.name,
        description=f"region {region.name}" + _source(region.source),
        style_url=StyleUrl(url="#region"),
        kml_geometry=MultiGeometry(kml_geometries=polygons),
    )


def _source(source: str) -> str:
    return f" (source: {source})" if source else ""
