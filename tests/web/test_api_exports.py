"""``GET /exports/{format}`` through HTTP on a real ``orbitwatch serve`` process, on SQLite and PostgreSQL:
each format with its media type and file name, valid by the validators of the export tests (the OGC KML 2.2
schema and fastkml, the geojson library and shapely, czml3, the csv module, icalendar), and the windows
those of ``/overflights`` for the same query."""

import csv
import io
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import datetime
from importlib import resources

import fastkml
import geojson
import httpx
import icalendar
import pytest
import shapely.geometry
from api_server import TOKEN, Server, upload_sample
from czml3 import Document
from lxml import etree

from orbitwatch.io.exports.csv_export import OPPORTUNITY_COLUMNS

PROBLEM = "application/problem+json"
KML_NS = {"kml": "http://www.opengis.net/kml/2.2"}
QUERY: dict[str, str | int | float | bool | list[int]] = {
    "site": "Seoul",
    "region": "korean-peninsula",
    "norad": [40878, 48079],
    "start": "epoch",
    "hours": 12,
    "sar": True,
    "max_off_nadir": 45.0,
    "step_s": 120.0,
    "footprints": "visibility",
    "footprint_every": 60.0,
}


@pytest.fixture(scope="module")
def client(server: Server) -> Iterator[httpx.Client]:
    with server.client(TOKEN) as authorised:
        answers = upload_sample(authorised)
        assert [a.status_code for a in answers] == [201] * len(answers), answers[-1].text
        yield authorised


@pytest.fixture(scope="module")
def windows(client: httpx.Client) -> list[dict[str, object]]:
    """The opportunities ``/overflights`` gives for the same query."""
    answer = client.get("/overflights", params=QUERY)
    assert answer.status_code == 200, answer.text
    found: list[dict[str, object]] = answer.json()["opportunities"]
    assert found
    return found


def export(client: httpx.Client, fmt: str, media_type: str, extension: str, **extra: object) -> str:
    """The body of a successful export, after checking its media type and its file name."""
    answer = client.get(f"/exports/{fmt}", params={**QUERY, **extra})
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].split(";")[0] == media_type
    disposition = answer.headers["content-disposition"]
    assert disposition.startswith("attachment; filename=")
    assert disposition.endswith(f'.{extension}"')
    return answer.text


def assert_problem(response: httpx.Response, status: int) -> dict[str, object]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body: dict[str, object] = response.json()
    assert body["status"] == status
    return body


def test_kml_is_valid_kml_22_with_every_folder(client: httpx.Client) -> None:
    text = export(client, "kml", "application/vnd.google-earth.kml+xml", "kml")
    schema_dir = resources.files("fastkml") / "schema"
    with resources.as_file(schema_dir / "ogckml22.xsd") as xsd:
        schema = etree.XMLSchema(etree.parse(str(xsd)))
    assert schema.validate(etree.fromstring(text.encode("utf-8"))), schema.error_log
    [root] = fastkml.KML.from_string(text.encode("utf-8")).features
    assert [folder.name for folder in root.features] == ["Ground tracks", "Footprints", "Sites", "Regions"]
    tracks = ET.fromstring(text).findall("kml:Document/kml:Folder/kml:Placemark", KML_NS)
    assert len(tracks) >= 2


def test_geojson_is_valid_with_tracks_footprints_and_targets(client: httpx.Client) -> None:
    collection = geojson.loads(export(client, "geojson", "application/geo+json", "geojson"))
    assert collection.is_valid, collection.errors()
    kinds = [f["properties"]["kind"] for f in collection["features"]]
    assert {"ground_track", "footprint", "site", "region"} <= set(kinds)
    for feature in collection["features"]:
        assert shapely.geometry.shape(feature["geometry"]).is_valid, feature["properties"]


def test_czml_is_read_by_czml3_with_satellites_and_windows(
    client: httpx.Client, windows: list[dict[str, object]]
) -> None:
    text = export(client, "czml", "application/json", "czml")
    ids = [str(p.id) for p in Document.model_validate_json(text).packets]
    assert ids[0] == "document"
    assert {"satellite/40878", "satellite/48079", "site/Seoul"} <= set(ids)
    assert sum(i.startswith("opportunity/") for i in ids) == len(windows)


def test_csv_holds_the_windows_of_overflights(client: httpx.Client, windows: list[dict[str, object]]) -> None:
    text = export(client, "csv", "text/csv", "csv")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert rows
    assert tuple(rows[0].keys()) == OPPORTUNITY_COLUMNS
    assert len(rows) == len(windows)
    for row, window in zip(rows, windows, strict=True):
        assert int(row["norad_id"]) == window["norad_id"]
        assert row["target"] == window["target"]
        for column in ("start_utc", "best_utc", "end_utc"):
            read = datetime.fromisoformat(row[column].replace("Z", "+00:00"))
            expected = datetime.fromisoformat(str(window[column]).replace("Z", "+00:00"))
            assert abs((read - expected).total_seconds()) < 1e-3


def test_ical_has_one_event_per_window(client: httpx.Client, windows: list[dict[str, object]]) -> None:
    text = export(client, "ical", "text/calendar", "ics")
    events = icalendar.Calendar.from_ical(text).walk("VEVENT")
    assert len(events) == len(windows)
    starts = sorted(e.decoded("DTSTART") for e in events)
    expected = sorted(datetime.fromisoformat(str(w["start_utc"]).replace("Z", "+00:00")) for w in windows)
    assert all(abs((a - b).total_seconds()) < 1.0 for a, b in zip(starts, expected, strict=True))


def test_a_map_without_targets_draws_the_paths_alone(client: httpx.Client) -> None:
    params = {"norad": [40878], "start": "epoch", "hours": 3, "footprints": "none"}
    answer = client.get("/exports/geojson", params=params)
    assert answer.status_code == 200, answer.text
    kinds = {f["properties"]["kind"] for f in answer.json()["features"]}
    assert kinds == {"ground_track"}


def wheres(problem: dict[str, object]) -> set[str]:
    errors = problem.get("errors")
    assert isinstance(errors, list)
    return {str(e["where"]) for e in errors}


def test_bad_requests_are_problems(client: httpx.Client) -> None:
    no_target = client.get("/exports/csv", params={"norad": [40878], "start": "epoch"})
    assert "site or a region" in str(assert_problem(no_target, 422)["detail"])
    assert "path.format" in wheres(assert_problem(client.get("/exports/pdf", params={"norad": [40878]}), 422))
    too_fine = client.get("/exports/kml", params={**QUERY, "step_s": 0.5})
    assert "query.step_s" in wheres(assert_problem(too_fine, 422))
    too_long = client.get("/exports/kml", params={**QUERY, "hours": 1000})
    assert "query.hours" in wheres(assert_problem(too_long, 422))
    assert "query.footprints" in wheres(
        assert_problem(client.get("/exports/kml", params={**QUERY, "footprints": "all"}), 422)
    )
    too_often = client.get("/exports/czml", params={**QUERY, "footprint_every": 1e-300})
    assert "query.footprint_every" in wheres(assert_problem(too_often, 422))
    assert_problem(client.get("/exports/kml", params={**QUERY, "watchlist": "nobody"}), 404)


def test_reads_need_a_token_only_when_the_server_says_so(server: Server) -> None:
    with server.client() as anonymous:
        answer = anonymous.get("/exports/csv", params={**QUERY, "hours": 1})
    assert answer.status_code == 200, answer.text
