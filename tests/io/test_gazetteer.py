"""The bundled gazetteer and regions: size, sources, sanity of every coordinate, lookups and region files."""

import json
import re
from pathlib import Path

import numpy as np
import pytest
from matplotlib.path import Path as MplPath

from orbitwatch.core.targets import contains, region_centroid, target_key
from orbitwatch.errors import SourceError, TargetError
from orbitwatch.io.gazetteer import (
    KINDS,
    bundled_region_names,
    find_site,
    gazetteer_entries,
    load_gazetteer,
    load_region,
)

LAND_50M = Path(__file__).resolve().parents[2] / "src/orbitwatch/io/bundled/naturalearth/land-50m.geojson"
# Islands too small for Natural Earth 1:50m: Oenarodo (Naro), Omelek (Kwajalein atoll), Shemya (Cobra Dane).
SMALL_ISLANDS = {"Naro", "Omelek", "Cobra Dane"}
COAST_KM = 10.0
LAUNCH_SITES = (
    "Sohae",
    "Tonghae",
    "Naro",
    "Jiuquan",
    "Taiyuan",
    "Xichang",
    "Wenchang",
    "Baikonur",
    "Plesetsk",
    "Vostochny",
    "Cape Canaveral",
    "Vandenberg",
    "Wallops",
    "Kourou",
    "Tanegashima",
    "Uchinoura",
    "Sriharikota",
    "Semnan",
    "Shahroud",
    "Palmachim",
    "Mahia",
)


def test_the_gazetteer_has_at_least_100_distinct_places_each_with_a_source() -> None:
    entries = gazetteer_entries()

    assert len(entries) >= 100
    assert len({target_key(entry.site.name) for entry in entries}) == len(entries)
    assert all(entry.kind in KINDS and len(entry.country) == 2 for entry in entries)
    assert all(entry.site.source.startswith("https://") for entry in entries)
    assert {entry.kind for entry in entries} == set(KINDS)


def test_the_launch_sites_of_the_brief_are_there_with_sohae_as_published() -> None:
    launch_sites = {site.name for site in load_gazetteer("launch_site")}

    assert set(LAUNCH_SITES) <= launch_sites
    sohae = find_site("Sohae")
    assert (sohae.lat_deg, sohae.lon_deg) == (39.660, 124.705)


def _land_paths() -> list[MplPath]:
    document = json.loads(LAND_50M.read_text(encoding="utf-8"))
    return [
        MplPath(np.array(ring))
        for polygon in document["features"][0]["geometry"]["coordinates"]
        for ring in polygon
    ]


def _on_land(paths: list[MplPath], lat_deg: float, lon_deg: float) -> bool:
    return sum(path.contains_point((lon_deg, lat_deg)) for path in paths) % 2 == 1


def test_every_place_is_on_or_within_10_km_of_natural_earth_land() -> None:
    """Catches a swapped sign or a mistyped degree: every place is on land, or on a coast or island."""
    paths = _land_paths()
    offsets_deg = np.linspace(-COAST_KM / 111.2, COAST_KM / 111.2, 7)
    at_sea = []
    for entry in gazetteer_entries():
        site = entry.site
        widen = 1.0 / np.cos(np.radians(site.lat_deg))
        near = (
            _on_land(paths, site.lat_deg + dlat, site.lon_deg + dlon * widen)
            for dlat in offsets_deg
            for dlon in offsets_deg
        )
        if site.name not in SMALL_ISLANDS and not any(near):
            at_sea.append(site.name)
    assert at_sea == []


def test_sites_are_found_ignoring_case_and_separators() -> None:
    assert find_site("seoul").name == "Seoul"
    assert find_site("CAPE-canaveral").name == "Cape Canaveral"
    assert find_site("punggye ri").name == "Punggye-ri"


def test_an_unknown_site_is_refused_with_close_matches() -> None:
    with pytest.raises(TargetError, match=r"unknown site 'Seul': not in the gazetteer; close matches: Seoul"):
        find_site("Seul")
    with pytest.raises(TargetError, match="close matches: Cape Canaveral"):
        find_site("canaveral")
    with pytest.raises(TargetError, match=r"unknown site 'Atlantis': not in the gazetteer$"):
        find_site("Atlantis")


def test_sites_of_one_kind_and_an_unknown_kind() -> None:
    capitals = load_gazetteer("capital")

    assert {"Seoul", "Pyongyang", "Tokyo", "Beijing", "Washington", "Moscow"} <= {
        site.name for site in capitals
    }
    assert len(load_gazetteer()) == len(gazetteer_entries())
    with pytest.raises(TargetError, match="gazetteer kind 'spaceport' is unknown"):
        load_gazetteer("spaceport")


def test_the_korean_peninsula_holds_korean_places_and_nothing_else() -> None:
    korea = load_region("korean-peninsula")
    inside = ["Seoul", "Pyongyang", "Busan", "Sohae", "Tonghae", "Osan", "Punggye-ri", "Jeju City", "Sinuiju"]
    outside = ["Beijing", "Tokyo", "Vladivostok", "Shenyang", "Dalian", "Fukuoka", "Harbin"]

    for name in inside + outside:
        site = find_site(name)
        assert bool(contains(korea, site.lat_deg, site.lon_deg)) == (name in inside), name
    lat, lon = region_centroid(korea)
    assert 37.5 < lat < 39.5
    assert 126.5 < lon < 128.5
    assert korea.name == "Korean peninsula"
    assert "Natural Earth" in korea.source


def test_bundled_regions_are_listed_and_found_ignoring_case() -> None:
    assert "korean-peninsula" in bundled_region_names()
    assert load_region("Korean Peninsula") == load_region("korean-peninsula")


def test_a_region_file_is_read_and_named_by_its_file_when_unnamed(tmp_path: Path) -> None:
    path = tmp_path / "test-range.geojson"
    path.write_text(json.dumps({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]}))

    region = load_region(str(path))

    assert region.name == "test-range"
    assert region.source == str(path)


def test_a_bad_region_file_says_which_file(tmp_path: Path) -> None:
    path = tmp_path / "bowtie.geojson"
    path.write_text(
        json.dumps({"type": "Polygon", "coordinates": [[[0, 0], [2, 2], [2, 0], [0, 1], [0, 0]]]})
    )

    with pytest.raises(TargetError, match=re.escape(f"({path}): a region that is not a valid polygon")):
        load_region(str(path))
    with pytest.raises(SourceError, match=r"neither a region file nor a bundled region .*korean-peninsula"):
        load_region(str(tmp_path / "missing.geojson"))
    (tmp_path / "binary.geojson").write_bytes(b"\xff\xfe\x00")
    with pytest.raises(SourceError, match="cannot read the region file"):
        load_region(str(tmp_path / "binary.geojson"))
