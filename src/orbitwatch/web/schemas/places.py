"""Sites, regions and watch lists: what a client sends to store one, and what it gets back."""

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from orbitwatch.core.elements.model import MAX_NORAD_ID
from orbitwatch.core.targets import Region, Site, region_to_geojson
from orbitwatch.services.catalog import Selection
from orbitwatch.services.watchlists import MAX_NORAD_IDS, MAX_SELECTIONS, WatchList, selection_to_json

PRINTABLE = r"^[^\u0000-\u001f\u007f]+$"
NAME = r"^[^\u0000-\u001f\u007f=/\\]+$"
Name = Annotated[str, StringConstraints(min_length=1, max_length=100, pattern=NAME, strip_whitespace=True)]
Text = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=PRINTABLE)]
NoradId = Annotated[int, Field(ge=1, le=MAX_NORAD_ID)]


class NewSite(BaseModel):
    """A site to store: a name (no ``=``, ``/`` or ``\\``), WGS-84 latitude and longitude (deg), height
    (m)."""

    model_config = ConfigDict(extra="forbid")

    name: Name
    lat_deg: float = Field(ge=-90.0, le=90.0)
    lon_deg: float = Field(ge=-180.0, le=180.0)
    alt_m: float = Field(default=0.0, ge=-100_000.0, le=100_000.0)


class SiteRecord(BaseModel):
    """A site: name, WGS-84 latitude and longitude (deg), height (m), and where it comes from."""

    name: str
    lat_deg: float
    lon_deg: float
    alt_m: float
    source: str

    @classmethod
    def of(cls, site: Site) -> "SiteRecord":
        """The model of a site."""
        return cls(
            name=site.name, lat_deg=site.lat_deg, lon_deg=site.lon_deg, alt_m=site.alt_m, source=site.source
        )


class NewRegion(BaseModel):
    """A region to store: a name and a GeoJSON Polygon, MultiPolygon, Feature or FeatureCollection."""

    model_config = ConfigDict(extra="forbid")

    name: Name
    geojson: dict[str, Any] = Field(
        description="GeoJSON object (lon, lat positions; no antimeridian crossing)"
    )


class RegionRecord(BaseModel):
    """A region: its name, source and GeoJSON (a Feature of a MultiPolygon)."""

    name: str
    source: str
    polygons: int
    geojson: dict[str, Any]

    @classmethod
    def of(cls, region: Region) -> "RegionRecord":
        """The model of a region."""
        return cls(
            name=region.name,
            source=region.source,
            polygons=len(region.polygons),
            geojson=region_to_geojson(region),
        )


class SelectionModel(BaseModel):
    """Which objects: every field given narrows (groups: any of them); at least one field is needed."""

    model_config = ConfigDict(extra="forbid")

    groups: list[Text] = Field(default=[], max_length=100)
    owner: Text | None = None
    object_type: Text | None = None
    name_like: Text | None = None
    norad_ids: list[NoradId] = Field(default=[], max_length=MAX_NORAD_IDS)

    def selection(self) -> Selection:
        """The services' selection (owner and type in upper case)."""
        return Selection(
            groups=tuple(self.groups),
            owner=self.owner.upper() if self.owner else None,
            object_type=self.object_type.upper() if self.object_type else None,
            name_like=self.name_like,
            norad_ids=tuple(dict.fromkeys(self.norad_ids)),
        )

    @classmethod
    def of(cls, selection: Selection) -> "SelectionModel":
        """The model of a selection."""
        return cls.model_validate(selection_to_json(selection))


class NewWatchList(BaseModel):
    """A watch list to store: a name and its selections (its objects are those of any selection)."""

    model_config = ConfigDict(extra="forbid")

    name: Name
    selections: list[SelectionModel] = Field(min_length=1, max_length=MAX_SELECTIONS)


class WatchListRecord(BaseModel):
    """A stored watch list."""

    name: str
    selections: list[SelectionModel]
    created_utc: datetime

    @classmethod
    def of(cls, watch_list: WatchList) -> "WatchListRecord":
        """The model of a watch list."""
        return cls(
            name=watch_list.name,
            selections=[SelectionModel.of(s) for s in watch_list.selections],
            created_utc=watch_list.created_utc,
        )
