"""The dashboard without a browser: its page and files are served with the right types and headers from
the package, name nothing outside the server, and its data endpoints (land, regions, satellites with
tracks and footprints, history plot) answer as documented. The satellites on the map are checked against
Skyfield, an independent implementation of SGP4 and the Earth-fixed frame, and the footprints against
the geometry of the field of regard."""

import json
import math
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from importlib import resources
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient
from skyfield.api import EarthSatellite, load, wgs84

from orbitwatch.core.elements.model import ElementSet
from orbitwatch.core.elements.tle import write_tle
from orbitwatch.errors import OrbitwatchError
from orbitwatch.services.catalog import open_store
from orbitwatch.services.ingest import ingest_locations
from orbitwatch.services.map_data import land_geojson, map_snapshot
from orbitwatch.services.object_plots import history_png, stored_history
from orbitwatch.web import Settings, create_app

NOW = datetime(2026, 5, 28, tzinfo=UTC)
TOKEN = "dashboard-token-" + "d" * 24
STATIC = Path(str(resources.files("orbitwatch.web") / "static"))
# XML namespace names inside D3 (identifiers, never fetched) and the bundle's own banner comment.
NOT_FETCHED = {
    "http://www.w3.org/1999/xhtml",
    "http://www.w3.org/2000/svg",
    "http://www.w3.org/1999/xlink",
    "http://www.w3.org/XML/1998/namespace",
    "http://www.w3.org/2000/xmlns/",
    "https://d3js.org",
}
URL = re.compile(r"(?:https?:)?//[A-Za-z0-9.-]+\.[A-Za-z]{2,}[^\s\"'`)<>]*")
ISS = ElementSet(
    25544, datetime(2026, 5, 27, 12, tzinfo=UTC), 15.50, 0.0004, 51.64, 120.0, 80.0, 280.0,
    bstar_per_earth_radius=2.0e-4, name="ISS (ZARYA)",
)  # fmt: skip
GEO = ElementSet(41866, datetime(2026, 5, 27, 12, tzinfo=UTC), 1.0027, 0.0002, 0.05, 80.0, 200.0, 100.0,
                 name="GOES 16")  # fmt: skip


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The app on a SQLite catalog holding the bundled sample's military group."""
    db_url = f"sqlite:///{tmp_path_factory.mktemp('dashboard') / 'catalog.sqlite'}"
    bundled = Path(str(resources.files("orbitwatch") / "io" / "bundled"))
    with open_store(db_url) as store:
        ingest_locations(
            store, [str(bundled / "sample" / "2026-05-27" / "military.tle")], group="military", now_utc=NOW
        )
    settings = Settings(db_url=db_url, env_token=TOKEN)
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def test_the_page_and_its_files_are_served_with_their_types(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    policy = page.headers["content-security-policy"]
    assert "default-src 'none'" in policy
    assert "connect-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert page.headers["x-content-type-options"] == "nosniff"
    for path, kind in [
        ("/static/dashboard.js", "javascript"),
        ("/static/dashboard.css", "text/css"),
        ("/static/vendor/d3.min.js", "javascript"),
        ("/static/vendor/THIRD-PARTY-NOTICES.txt", "text/plain"),
    ]:
        answer = client.get(path)
        assert answer.status_code == 200, path
        assert kind in answer.headers["content-type"], (path, answer.headers["content-type"])
    for reference in re.findall(r'(?:src|href)="([^"]+)"', page.text):
        if reference.startswith("/"):
            assert client.get(reference).status_code == 200, reference
        else:
            assert reference.startswith("data:"), reference
    assert client.get("/static/../app.py").status_code == 404
    assert client.get("/static/missing.js").status_code == 404


def test_nothing_in_the_page_or_its_files_points_outside_the_server() -> None:
    files = [p for p in STATIC.rglob("*") if p.suffix in {".html", ".js", ".css"}]
    assert {p.name for p in files} >= {"index.html", "dashboard.js", "dashboard.css", "d3.min.js"}
    for path in files:
        text = path.read_text(encoding="utf-8")
        found = set(URL.findall(text)) - NOT_FETCHED
        assert not found, f"{path.name} names {sorted(found)}"
        assert "@import" not in text, path.name
        assert "importScripts" not in text, path.name
    assert "THIRD-PARTY-NOTICES" in (STATIC / "index.html").read_text(encoding="utf-8")
    assert "ISC" in (STATIC / "vendor" / "THIRD-PARTY-NOTICES.txt").read_text(encoding="utf-8")


def test_the_land_is_the_bundled_natural_earth_and_is_cached(client: TestClient) -> None:
    answer = client.get("/map/land")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/geo+json"
    assert "max-age" in answer.headers["cache-control"]
    land = answer.json()
    assert land["type"] == "FeatureCollection"
    assert land["features"][0]["geometry"]["type"] == "MultiPolygon"
    assert answer.content == land_geojson("110m")
    again = client.get("/map/land", headers={"If-None-Match": answer.headers["etag"]})
    assert again.status_code == 304
    assert client.get("/map/land", params={"scale": "50m"}).content == land_geojson("50m")
    assert client.get("/map/land", params={"scale": "10m"}).status_code == 422
    with pytest.raises(OrbitwatchError):
        land_geojson("../x")


def test_regions_to_draw_are_the_stored_and_the_bundled_ones(client: TestClient) -> None:
    names = [r["name"] for r in client.get("/map/regions").json()]
    assert "Korean peninsula" in names


def test_the_selected_satellites_come_with_tracks_and_footprints(client: TestClient) -> None:
    answer = client.get("/map/satellites", params={"group": "military", "start": "epoch"})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert len(body["satellites"]) == 23
    assert body["footprint"] == "imaging"
    for satellite in body["satellites"]:
        assert -90 <= satellite["lat_deg"] <= 90
        assert -180 <= satellite["lon_deg"] <= 180
        assert len(satellite["footprint"]) == 72
        assert sum(len(line) for line in satellite["track"]) > 200
    none = client.get(
        "/map/satellites", params={"norad": 39088, "start": "epoch", "footprint": "none"}
    ).json()
    assert [s["footprint"] for s in none["satellites"]] == [[]]
    too_many = client.get("/map/satellites", params={"group": "military", "orbits": 4})
    assert too_many.status_code == 422


def test_the_map_is_bounded(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    from orbitwatch.web.routers import map as map_router

    monkeypatch.setattr(map_router, "MAX_MAP_SATELLITES", 5)
    answer = client.get("/map/satellites", params={"group": "military", "start": "epoch"})
    assert answer.status_code == 422
    assert answer.json()["bound"]["name"] == "MAX_MAP_SATELLITES"


def test_the_history_plot_is_a_png_of_a_known_object(client: TestClient) -> None:
    answer = client.get("/objects/39088/history.png")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "image/png"
    assert answer.content.startswith(b"\x89PNG\r\n\x1a\n")
    assert client.get("/objects/999999/history.png").status_code == 404


def test_reads_of_the_map_need_a_token_when_reads_do(tmp_path: Path) -> None:
    settings = Settings(db_url=f"sqlite:///{tmp_path / 'c.sqlite'}", read_access="token", env_token=TOKEN)
    with TestClient(create_app(settings)) as locked:
        assert locked.get("/").status_code == 200
        assert locked.get("/static/dashboard.js").status_code == 200
        assert locked.get("/map/land").status_code == 200
        assert locked.get("/map/satellites").status_code == 401
        assert locked.get("/map/regions").status_code == 401
        assert locked.get("/objects/1/history.png").status_code == 401
        authorised = {"Authorization": f"Bearer {TOKEN}"}
        assert locked.get("/map/regions", headers=authorised).status_code == 200


def _skyfield_subpoint(element: ElementSet, at: datetime) -> tuple[float, float]:
    line1, line2 = write_tle([element], with_names=False).splitlines()[-2:]
    timescale = load.timescale(builtin=True)
    position = EarthSatellite(line1, line2, ts=timescale).at(timescale.from_datetime(at))
    point = wgs84.subpoint_of(position)
    return point.latitude.degrees, point.longitude.degrees


def test_positions_and_tracks_agree_with_skyfield() -> None:
    at = datetime(2026, 5, 27, 18, 7, 30, tzinfo=UTC)
    snapshot = map_snapshot([ISS, GEO], at, orbits=1.0)
    assert [s.norad_id for s in snapshot.satellites] == [25544, 41866]
    for element, satellite in zip([ISS, GEO], snapshot.satellites, strict=True):
        lat, lon = _skyfield_subpoint(element, at)
        # Skyfield's ITRS leaves out polar motion, which moves the point by well under 0.001 deg
        assert satellite.lat_deg == pytest.approx(lat, abs=1e-3)
        assert math.remainder(satellite.lon_deg - lon, 360.0) == pytest.approx(0.0, abs=1e-3)
        points = [p for line in satellite.track for p in line]
        period_s = element.period_min * 60.0
        step_s = 2 * period_s / (len(points) - 1)
        assert step_s == pytest.approx(period_s / 120.0, rel=0.02)
        first_lat, first_lon = _skyfield_subpoint(
            element, at - timedelta(seconds=step_s * (len(points) // 2))
        )
        assert points[0][1] == pytest.approx(first_lat, abs=1e-3)
        assert math.remainder(points[0][0] - first_lon, 360.0) == pytest.approx(0.0, abs=1e-3)


def test_footprints_are_the_field_of_regard() -> None:
    at = datetime(2026, 5, 27, 18, tzinfo=UTC)
    satellite = map_snapshot([ISS], at, max_off_nadir_deg=30.0).satellites[0]
    assert satellite.alt_km is not None
    assert satellite.lat_deg is not None
    assert satellite.lon_deg is not None
    sat = wgs84.latlon(satellite.lat_deg, satellite.lon_deg, satellite.alt_km * 1000.0).itrs_xyz.km
    nadir = -np.asarray(sat) / np.linalg.norm(sat)
    for lon, lat in satellite.footprint:
        ground = np.asarray(wgs84.latlon(lat, lon).itrs_xyz.km)
        line = ground - sat
        off_nadir = math.degrees(math.acos(float(np.dot(line, nadir) / np.linalg.norm(line))))
        assert off_nadir == pytest.approx(30.0, abs=0.01)
    # The visibility footprint on a sphere (Wertz, SMAD): sin(eta) = cos(eps) R / r, lambda = 90 - eta - eps.
    visibility = map_snapshot([ISS], at, footprint="visibility", min_elevation_deg=10.0).satellites[0]
    radius_km = 6371.0
    eta = math.degrees(math.asin(math.cos(math.radians(10.0)) * radius_km / (radius_km + satellite.alt_km)))
    central_deg = 90.0 - eta - 10.0
    centre = np.asarray(wgs84.latlon(satellite.lat_deg, satellite.lon_deg).itrs_xyz.km)
    for lon, lat in visibility.footprint:
        edge = np.asarray(wgs84.latlon(lat, lon).itrs_xyz.km)
        angle = math.degrees(
            math.acos(float(np.dot(edge, centre) / np.linalg.norm(edge) / np.linalg.norm(centre)))
        )
        assert angle == pytest.approx(central_deg, abs=0.3)


def test_bad_map_arguments_are_refused() -> None:
    at = datetime(2026, 5, 27, 18, tzinfo=UTC)
    with pytest.raises(OrbitwatchError, match="orbits"):
        map_snapshot([ISS], at, orbits=5.0)
    with pytest.raises(OrbitwatchError, match="footprint"):
        map_snapshot([ISS], at, footprint="huge")  # type: ignore[arg-type]
    with pytest.raises(OrbitwatchError, match="field of regard"):
        map_snapshot([ISS], at, max_off_nadir_deg=95.0)
    assert map_snapshot([], at).satellites == ()


def test_the_history_plot_needs_an_element_set(tmp_path: Path) -> None:
    with open_store(f"sqlite:///{tmp_path / 'c.sqlite'}") as store:
        assert stored_history(store, 25544) is None
        bundled = Path(str(resources.files("orbitwatch") / "io" / "bundled"))
        ingest_locations(
            store, [str(bundled / "sample" / "2026-05-27" / "military.tle")], group="military", now_utc=NOW
        )
        found = stored_history(store, 39088)
    assert found is not None
    assert history_png(found).startswith(b"\x89PNG")
    with pytest.raises(OrbitwatchError, match="no element set"):
        history_png(type(found)(found.norad_id, found.name, (), ()))
    assert json.loads(land_geojson())["type"] == "FeatureCollection"
