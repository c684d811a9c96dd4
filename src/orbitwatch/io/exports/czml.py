"""CZML (Cesium Language, https://github.com/AnalyticalGraphicsInc/czml-writer/wiki/CZML-Guide) of a map
scene, written with ``czml3``.

Packets, in order:

- ``document``: the preamble (``"version": "1.0"``), with a clock over the paths' time span;
- ``satellite/NORAD``: one per satellite, ``position`` sampled in the Earth-fixed ``FIXED`` frame as
  ``cartesian`` ``[t, x, y, z, ...]`` (s after the packet's ``epoch``; metres, the ITRS of
  :mod:`orbitwatch.core.frames.rotations`), Lagrange-interpolated (degree 5), ``availability`` from the
  first to the last valid state; drawn as a point, a label and a ``path`` (one orbit behind);
- ``site/NAME`` (a point and a label at ``cartographicDegrees``), ``region/NAME`` (a label at its centroid)
  and ``region/NAME/K`` (its polygons, children of ``region/NAME``);
- ``opportunity/NORAD/TARGET/START``: one per opportunity window, ``availability`` the window, drawn as a
  line from the satellite to the target (``polyline.positions.references`` to their positions), so that
  Cesium shows the line only while the satellite can image the target.
"""

from collections.abc import Sequence
from datetime import timedelta

from czml3 import Document, Packet
from czml3.enums import InterpolationAlgorithms, ReferenceFrames
from czml3.properties import (
    Clock,
    Color,
    Label,
    Material,
    Path,
    Point,
    Polygon,
    Polyline,
    PolylineMaterial,
    Position,
    PositionList,
    PositionListOfLists,
    SolidColorMaterial,
)
from czml3.types import Cartesian2Value, TimeInterval

from orbitwatch.core.events.imaging import Opportunity
from orbitwatch.core.targets import Region, Site, region_centroid
from orbitwatch.errors import OrbitwatchError
from orbitwatch.io.exports.scene import MapScene, SatelliteTrack, iso_utc, opportunity_text, satellite_tracks

CZML_VERSION = "1.0"
POSITION_DECIMALS = 2
"""Cartesian positions are written in metres to the centimetre."""
INTERPOLATION_DEGREE = 5
TRAIL_S = 5400.0
"""How much of the path behind the satellite is drawn (about one low orbit)."""
_LABEL_OFFSET = Cartesian2Value(values=[8.0, 0.0])
_SATELLITE_RGBA = [255, 127, 47, 255]
_OPPORTUNITY_RGBA = [178, 24, 43, 255]
_REGION_RGBA = [178, 24, 43, 96]


def satellite_id(norad_id: int) -> str:
    """The packet id of a satellite."""
    return f"satellite/{norad_id}"


def target_id(name: str, regions: Sequence[Region]) -> str:
    """The packet id of a target (a site or a region of that name)."""
    return f"region/{name}" if any(r.name == name for r in regions) else f"site/{name}"


def czml_text(scene: MapScene) -> str:
    """The scene as a CZML document (a compact JSON array of packets, the document packet first)."""
    tracks = list(satellite_tracks(scene.paths))
    times = scene.paths.times
    start = times.t0_utc
    end = times.utc(float(times.offsets_s[-1])) if times.size else start
    packets = [
        Packet(
            id="document",
            name=scene.title,
            version=CZML_VERSION,
            clock=Clock(
                interval=TimeInterval(start=iso_utc(start), end=iso_utc(end)),
                currentTime=iso_utc(start),
                multiplier=60.0,
            ),
        )
    ]
    packets.extend(_satellite(track) for track in tracks)
    packets.extend(_site(site) for site in scene.sites)
    for region in scene.regions:
        packets.extend(_region(region))
    known = {satellite_id(t.norad_id) for t in tracks}
    known |= {f"site/{s.name}" for s in scene.sites} | {f"region/{r.name}" for r in scene.regions}
    packets.extend(_opportunity(o, scene.regions, known) for o in scene.opportunities)
    return Document(packets=packets).model_dump_json(exclude_none=True) + "\n"


def _satellite(track: SatelliteTrack) -> Packet:
    samples: list[float] = []
    for t, r in zip(track.offsets_s[track.valid], track.r_itrs_km[track.valid], strict=True):
        samples.extend((float(t), *(round(float(c) * 1e3, POSITION_DECIMALS) for c in r)))
    label = f"{track.name} ({track.norad_id})"
    step_s = float(track.offsets_s[1] - track.offsets_s[0]) if track.offsets_s.size > 1 else 60.0
    return Packet(
        id=satellite_id(track.norad_id),
        name=label,
        description=f"{label}: SGP4 path, Earth-fixed (ITRS)",
        availability=TimeInterval(start=iso_utc(track.first_utc), end=iso_utc(track.last_utc)),
        position=Position(
            epoch=iso_utc(track.t0_utc),
            referenceFrame=ReferenceFrames.FIXED,
            interpolationAlgorithm=InterpolationAlgorithms.LAGRANGE,
            interpolationDegree=INTERPOLATION_DEGREE,
            cartesian=samples,
        ),
        point=Point(pixelSize=6, color=Color(rgba=_SATELLITE_RGBA)),
        label=Label(text=track.name, font="11pt sans-serif", pixelOffset=_LABEL_OFFSET),
        path=Path(
            leadTime=0.0,
            trailTime=TRAIL_S,
            width=1.0,
            resolution=step_s,
            material=PolylineMaterial(solidColor=SolidColorMaterial(color=Color(rgba=_SATELLITE_RGBA))),
        ),
    )


def _site(site: Site) -> Packet:
    return Packet(
        id=f"site/{site.name}",
        name=site.name,
        description=f"{site.lat_deg:.6f} N, {site.lon_deg:.6f} E, {site.alt_m:g} m",
        position=Position(cartographicDegrees=[site.lon_deg, site.lat_deg, site.alt_m]),
        point=Point(pixelSize=8, color=Color(rgba=[34, 34, 34, 255])),
        label=Label(text=site.name, font="11pt sans-serif", pixelOffset=_LABEL_OFFSET),
    )


def _region(region: Region) -> list[Packet]:
    lat_deg, lon_deg = region_centroid(region)
    lon_deg = (lon_deg + 180.0) % 360.0 - 180.0
    packets = [
        Packet(
            id=f"region/{region.name}",
            name=region.name,
            position=Position(cartographicDegrees=[lon_deg, lat_deg, 0.0]),
            label=Label(text=region.name, font="11pt sans-serif"),
        )
    ]
    for index, polygon in enumerate(region.polygons, start=1):
        exterior = [c for x, y in polygon[0] for c in (x, y, 0.0)]
        holes = [[c for x, y in hole for c in (x, y, 0.0)] for hole in polygon[1:]]
        packets.append(
            Packet(
                id=f"region/{region.name}/{index}",
                parent=f"region/{region.name}",
                name=f"{region.name} ({index})",
                polygon=Polygon(
                    positions=PositionList(cartographicDegrees=exterior),
                    holes=PositionListOfLists(cartographicDegrees=holes) if holes else None,
                    material=Material(solidColor=SolidColorMaterial(color=Color(rgba=_REGION_RGBA))),
                    outline=True,
                ),
            )
        )
    return packets


def _opportunity(o: Opportunity, regions: Sequence[Region], known: set[str]) -> Packet:
    satellite, target = satellite_id(o.norad_id), target_id(o.target, regions)
    for needed in (satellite, target):
        if needed not in known:
            raise OrbitwatchError(
                f"CZML: the opportunity of {o.name} over {o.target} needs packet {needed!r}"
            )
    end = o.end_utc if o.end_utc > o.start_utc else o.start_utc + timedelta(milliseconds=1)
    return Packet(
        id=f"opportunity/{o.norad_id}/{o.target}/{iso_utc(o.start_utc)}",
        name=f"{o.name} -> {o.target}",
        description=opportunity_text(o),
        availability=TimeInterval(start=iso_utc(o.start_utc), end=iso_utc(end)),
        polyline=Polyline(
            positions=PositionList(references=[f"{satellite}#position", f"{target}#position"]),
            width=2.0,
            material=PolylineMaterial(solidColor=SolidColorMaterial(color=Color(rgba=_OPPORTUNITY_RGBA))),
        ),
    )
