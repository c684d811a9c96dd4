"""GeoJSON (RFC 7946) of a map scene: ground tracks, footprints, sites and regions as one FeatureCollection.

Positions are ``[longitude, latitude]`` in decimal degrees on WGS-84 (RFC 7946 §4), rounded to 6
decimals (about 0.1 m, §11.2). Lines and polygons that cross the antimeridian are cut there into
MultiLineString / MultiPolygon (§3.1.9, :mod:`~orbitwatch.io.exports.antimeridian`); polygon exteriors
are counter-clockwise (§3.1.6). Every Feature has a ``kind`` property (``ground_track``, ``footprint``,
``site``, ``region``) and the properties listed in ``docs/exports.md``; times are ISO 8601 UTC strings.
"""

import json
from typing import Any

from orbitwatch.core.events.footprint import Footprint
from orbitwatch.core.targets import Region, Site
from orbitwatch.io.exports.antimeridian import LonLat, split_line, split_ring
from orbitwatch.io.exports.scene import MapScene, SatelliteTrack, iso_utc, satellite_tracks

DECIMALS = 6
JsonObject = dict[str, Any]


def geojson_text(scene: MapScene) -> str:
    """The scene as a GeoJSON FeatureCollection (compact JSON text, ending in a newline)."""
    features: list[JsonObject] = []
    features.extend(_track_feature(track) for track in satellite_tracks(scene.paths))
    features.extend(_footprint_feature(footprint) for footprint in scene.footprints)
    features.extend(_site_feature(site) for site in scene.sites)
    features.extend(_region_feature(region) for region in scene.regions)
    document = {"type": "FeatureCollection", "features": [f for f in features if f["geometry"]]}
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n"


def _feature(geometry: JsonObject | None, properties: JsonObject) -> JsonObject:
    return {"type": "Feature", "geometry": geometry, "properties": properties}


def _position(point: LonLat) -> list[float]:
    return [round(point[0], DECIMALS), round(point[1], DECIMALS)]


def _lines(pieces: list[list[LonLat]]) -> JsonObject | None:
    lines = [[_position(p) for p in piece] for piece in pieces]
    if not lines:
        return None
    if len(lines) == 1:
        return {"type": "LineString", "coordinates": lines[0]}
    return {"type": "MultiLineString", "coordinates": lines}


def _polygons(polygons: list[list[list[LonLat]]]) -> JsonObject:
    coordinates = [[[_position(p) for p in ring] for ring in polygon] for polygon in polygons]
    if len(coordinates) == 1:
        return {"type": "Polygon", "coordinates": coordinates[0]}
    return {"type": "MultiPolygon", "coordinates": coordinates}


def _track_feature(track: SatelliteTrack) -> JsonObject:
    steps = track.offsets_s[1:] - track.offsets_s[:-1]
    return _feature(
        _lines(split_line(track.lon_deg, track.lat_deg)),
        {
            "kind": "ground_track",
            "norad_id": track.norad_id,
            "name": track.name,
            "start_utc": iso_utc(track.first_utc),
            "end_utc": iso_utc(track.last_utc),
            "step_s": float(steps[0]) if steps.size else None,
        },
    )


def _footprint_feature(footprint: Footprint) -> JsonObject:
    properties: JsonObject = {
        "kind": "footprint",
        "footprint": footprint.kind,
        "norad_id": footprint.norad_id,
        "name": footprint.name,
        "at_utc": iso_utc(footprint.at_utc),
        "start_utc": iso_utc(footprint.start_utc),
        "end_utc": iso_utc(footprint.end_utc),
        "nadir_lat_deg": round(footprint.nadir_lat_deg, DECIMALS),
        "nadir_lon_deg": round(footprint.nadir_lon_deg, DECIMALS),
    }
    o = footprint.opportunity
    if o is not None:
        properties |= {
            "target": o.target,
            "best_utc": iso_utc(o.best_utc),
            "min_off_nadir_deg": round(o.min_off_nadir_deg, 3),
            "ground_range_km": round(o.ground_range_km, 3),
            "elevation_deg": round(o.elevation_deg, 3),
            "sun_elevation_deg": round(o.sun_elevation_deg, 3),
        }
    rings = split_ring(footprint.lon_deg, footprint.lat_deg)
    return _feature(_polygons([[ring] for ring in rings]), properties)


def _site_feature(site: Site) -> JsonObject:
    return _feature(
        {"type": "Point", "coordinates": _position((site.lon_deg, site.lat_deg))},
        {"kind": "site", "name": site.name, "alt_m": site.alt_m, "source": site.source},
    )


def _region_feature(region: Region) -> JsonObject:
    polygons = [[list(ring) for ring in polygon] for polygon in region.polygons]
    return _feature(_polygons(polygons), {"kind": "region", "name": region.name, "source": region.source})
