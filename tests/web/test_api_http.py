"""The REST API through HTTP on a real ``orbitwatch serve`` process on loopback, on SQLite and PostgreSQL:
the bundled sample ingested by upload, then objects, history, passes, overflights, revisit, events, sites,
regions, watch lists and alerts read back; every error a problem document."""

from datetime import UTC, datetime

import httpx
import pytest
from api_server import TOKEN, Server, upload_sample

from orbitwatch.services.catalog import CatalogStore, Selection, open_store
from orbitwatch.services.changes import diff_locations, record_diff
from orbitwatch.services.overflights import TimeWindow, search_passes
from orbitwatch.services.targets import resolve_sites

PROBLEM = "application/problem+json"
SQUARE = {
    "type": "Polygon",
    "coordinates": [[[126.5, 37.0], [127.5, 37.0], [127.5, 38.0], [126.5, 38.0], [126.5, 37.0]]],
}


@pytest.fixture(scope="module")
def client(server: Server) -> httpx.Client:
    with server.client(TOKEN) as authorised:
        answers = upload_sample(authorised)
        assert [a.status_code for a in answers] == [201] * len(answers), answers[-1].text
        yield authorised


@pytest.fixture(scope="module")
def anonymous(server: Server) -> httpx.Client:
    with server.client() as plain:
        yield plain


def assert_problem(response: httpx.Response, status: int) -> dict[str, object]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert body["status"] == status
    assert body["title"]
    assert "instance" in body
    return body


def test_uploading_the_same_file_again_stores_nothing(client: httpx.Client) -> None:
    again = upload_sample(client)
    assert {a.status_code for a in again} == {200}
    assert all(a.json()["duplicate_of"] is not None and a.json()["new_element_sets"] == 0 for a in again)


def test_writes_without_a_valid_token_are_refused(anonymous: httpx.Client, server: Server) -> None:
    attempts = [
        anonymous.post("/ingest", content=b"x"),
        anonymous.post("/sites", json={"name": "X", "lat_deg": 1, "lon_deg": 2}),
        anonymous.post("/watchlists", json={"name": "X", "selections": [{"owner": "PRC"}]}),
        anonymous.delete("/sites/Seoul"),
        anonymous.post(
            "/sites", json={"name": "X", "lat_deg": 1, "lon_deg": 2}, headers={"Authorization": "Bearer nope"}
        ),
        anonymous.post(
            "/sites",
            json={"name": "X", "lat_deg": 1, "lon_deg": 2},
            headers={"Authorization": f"Basic {TOKEN}"},
        ),
    ]
    for answer in attempts:
        assert_problem(answer, 401)
        assert answer.headers["www-authenticate"].startswith("Bearer")
    assert anonymous.get("/sites").status_code == 200


def test_objects_are_listed_a_page_at_a_time(anonymous: httpx.Client) -> None:
    first = anonymous.get("/objects", params={"group": "military", "limit": 10}).json()
    assert len(first["items"]) == 10
    assert first["page"]["next_offset"] == 10
    everything = anonymous.get("/objects", params={"group": "military", "limit": 1000}).json()
    assert everything["page"]["next_offset"] is None
    assert [o["norad_id"] for o in everything["items"][:10]] == [o["norad_id"] for o in first["items"]]
    ids = [o["norad_id"] for o in everything["items"]]
    assert ids == sorted(ids)
    assert all("military" in o["groups"] for o in everything["items"])
    prc = anonymous.get("/objects", params={"owner": "prc", "type": "pay", "limit": 1000}).json()["items"]
    assert prc
    assert all(o["owner"] == "PRC" and o["object_type"] == "PAY" for o in prc)


def test_an_object_and_its_history(anonymous: httpx.Client) -> None:
    iss = anonymous.get("/objects/25544").json()
    assert iss["name"] == "ISS (ZARYA)"
    assert iss["intl_designator"] == "1998-067A"
    assert "stations" in iss["groups"]
    history = anonymous.get("/objects/25544/history", params={"limit": 2}).json()
    assert history["total"] >= 4
    assert len(history["items"]) == 2
    assert history["page"]["next_offset"] == 2
    rest = anonymous.get("/objects/25544/history", params={"offset": 2}).json()["items"]
    epochs = [s["epoch_utc"] for s in history["items"] + rest]
    assert epochs == sorted(epochs)
    assert len(epochs) == history["total"]
    assert history["items"][0]["original_text"].splitlines()[-1].startswith("2 25544")
    assert iss["epoch_utc"] == epochs[-1]


def test_unknown_things_are_404_problems(anonymous: httpx.Client) -> None:
    paths = ("/objects/999999", "/objects/999999/history", "/sites/Atlantis", "/regions/Atlantis")
    paths += ("/watchlists/none", "/watchlists/none/objects", "/alerts/123456", "/no/such/path")
    for path in paths:
        assert_problem(anonymous.get(path), 404)
    assert_problem(anonymous.get("/objects", params={"watchlist": "none"}), 404)


def test_bad_input_is_a_422_problem_saying_where_and_why(anonymous: httpx.Client) -> None:
    body = assert_problem(anonymous.get("/objects/0"), 422)
    assert body["errors"][0]["where"] == "path.norad_id"
    body = assert_problem(anonymous.get("/passes", params={"site": "Seoul", "hours": 169}), 422)
    assert body["errors"][0]["where"] == "query.hours"
    assert "168" in body["errors"][0]["why"]
    body = assert_problem(anonymous.get("/objects", params={"limit": 1001}), 422)
    assert "1000" in body["detail"]
    body = assert_problem(anonymous.get("/passes", params={"site": "Seoul", "start": "yesterday-ish"}), 422)
    assert body["errors"][0]["where"] == "query.start"
    assert_problem(anonymous.get("/passes", params={"site": "Nowhere-at-all"}), 422)
    assert_problem(anonymous.get("/overflights", params={"region": "/etc/passwd"}), 422)
    assert_problem(anonymous.get("/objects", params={"group": "a\x00b"}), 422)
    body = assert_problem(anonymous.get("/passes", params={"site": ["Seoul"] * 21}), 422)
    assert "20" in body["detail"]


def test_passes_are_those_the_services_compute(anonymous: httpx.Client, server: Server) -> None:
    params = {"site": "Seoul", "group": "military", "start": "epoch", "hours": 24, "min_elevation": 10}
    answer = anonymous.get("/passes", params=params).json()
    assert answer["satellites"] == 23
    assert answer["window"]["hours"] == 24
    with open_store(server.db_url) as store:
        elements = store.latest_elements(groups=["military"])
        start = max(e.epoch_utc for e in elements)
        report = search_passes(elements, resolve_sites(["Seoul"], store), TimeWindow(start, 86400.0))
    expected = report.table.passes()
    assert len(answer["passes"]) == len(expected) > 0
    for got, want in zip(answer["passes"], expected, strict=True):
        assert got["norad_id"] == want.norad_id
        assert datetime.fromisoformat(got["rise_utc"]) == want.rise_utc
        assert got["max_elevation_deg"] == pytest.approx(want.max_elevation_deg, abs=1e-9)
    visible = anonymous.get("/passes", params={**params, "visible_only": True}).json()["passes"]
    assert [p for p in answer["passes"] if p["visible"]] == visible


def test_overflights_and_revisit_of_sites_and_regions(client: httpx.Client) -> None:
    params = {
        "site": "Seoul",
        "region": "korean-peninsula",
        "norad": [40878, 48079],
        "start": "epoch",
        "hours": 24,
    }
    found = client.get("/overflights", params=params).json()
    assert found["satellites"] == 2
    assert found["sensor"].startswith("optical")
    targets = {o["target"] for o in found["opportunities"]}
    assert targets <= {"Seoul", "Korean peninsula"}
    starts = [o["start_utc"] for o in found["opportunities"]]
    assert starts == sorted(starts)
    assert all(o["start_utc"] <= o["best_utc"] <= o["end_utc"] for o in found["opportunities"])
    padded = client.get("/overflights", params={**params, "pad_sigma": 3}).json()["opportunities"]
    assert all(p["start_utc"] <= o["start_utc"] for p, o in zip(padded, found["opportunities"], strict=True))
    revisit = client.get("/revisit", params={**params, "sar": True}).json()
    assert [t["target"] for t in revisit["targets"]] == ["Seoul", "Korean peninsula"]
    assert all(0.0 <= t["coverage_fraction"] <= 1.0 for t in revisit["targets"])


def test_sites_are_created_listed_read_and_deleted(client: httpx.Client) -> None:
    site = {"name": "Sohae", "lat_deg": 39.66, "lon_deg": 124.705, "alt_m": 20}
    created = client.post("/sites", json=site)
    assert created.status_code == 201
    assert created.json()["source"] == "added through the API"
    assert_problem(client.post("/sites", json=site), 409)
    assert client.post("/sites", params={"replace": True}, json={**site, "alt_m": 30}).json()["alt_m"] == 30
    assert "Sohae" in [s["name"] for s in client.get("/sites").json()]
    assert client.get("/sites/sohae").json()["lat_deg"] == 39.66
    passes = client.get("/passes", params={"site": "Sohae", "norad": 25544, "start": "epoch", "hours": 48})
    assert passes.status_code == 200
    assert {p["site"] for p in passes.json()["passes"]} == {"Sohae"}
    assert_problem(client.post("/sites", json={**site, "lat_deg": 91}), 422)
    assert_problem(client.post("/sites", json={**site, "name": "a=b"}), 422)
    assert client.delete("/sites/SOHAE").status_code == 204
    assert_problem(client.delete("/sites/Sohae"), 404)


def test_regions_are_created_used_and_deleted(client: httpx.Client) -> None:
    created = client.post("/regions", json={"name": "Seoul square", "geojson": SQUARE})
    assert created.status_code == 201
    assert created.json()["polygons"] == 1
    assert_problem(client.post("/regions", json={"name": "Seoul square", "geojson": SQUARE}), 409)
    found = client.get(
        "/overflights", params={"region": "seoul-square", "norad": 48079, "start": "epoch", "hours": 48}
    )
    assert found.status_code == 200, found.text
    assert {o["target"] for o in found.json()["opportunities"]} <= {"Seoul square"}
    bowtie = {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}
    assert_problem(client.post("/regions", json={"name": "bad", "geojson": bowtie}), 422)
    ring = [[float(i % 90), float(i // 90) / 100] for i in range(6000)]
    body = assert_problem(
        client.post("/regions", json={"name": "big", "geojson": {"type": "Polygon", "coordinates": [ring]}}),
        422,
    )
    assert body["bound"]["name"] == "MAX_REGION_POSITIONS"
    assert "Seoul square" in [r["name"] for r in client.get("/regions").json()]
    assert client.delete("/regions/Seoul square").status_code == 204


def test_watch_lists_select_objects_for_every_computation(client: httpx.Client) -> None:
    watch = {
        "name": "DPRK reconnaissance",
        "selections": [{"owner": "NKOR", "object_type": "PAY"}, {"norad_ids": [25544]}],
    }
    assert client.post("/watchlists", json=watch).status_code == 201
    assert_problem(client.post("/watchlists", json=watch), 409)
    assert_problem(client.post("/watchlists", json={"name": "empty", "selections": [{}]}), 422)
    assert client.get("/watchlists/dprk-reconnaissance").json()["selections"][0]["owner"] == "NKOR"
    objects = client.get("/watchlists/DPRK reconnaissance/objects").json()["items"]
    assert 25544 in [o["norad_id"] for o in objects]
    assert all(o["owner"] == "NKOR" and o["object_type"] == "PAY" for o in objects if o["norad_id"] != 25544)
    same = client.get("/objects", params={"watchlist": "DPRK reconnaissance"}).json()["items"]
    assert same == objects
    passes = client.get(
        "/passes", params={"watchlist": "DPRK reconnaissance", "site": "Seoul", "start": "epoch"}
    ).json()
    assert passes["satellites"] == len([o for o in objects if o["epoch_utc"] is not None])
    assert {p["norad_id"] for p in passes["passes"]} <= {o["norad_id"] for o in objects}
    assert client.delete("/watchlists/DPRK reconnaissance").status_code == 204


def test_events_are_filtered_and_paged(client: httpx.Client, server: Server) -> None:
    with open_store(server.db_url) as store:
        diff = diff_locations(
            datetime(2026, 5, 24, 12, tzinfo=UTC), datetime(2026, 5, 27, 23, tzinfo=UTC), store=store
        )
        record_diff(store, diff, now_utc=datetime(2026, 5, 28, tzinfo=UTC))
    everything = client.get("/events", params={"limit": 1000}).json()["items"]
    assert len(everything) == len({e.kind + str(e.norad_ids) for e in diff.events}) > 0
    kinds = {e["kind"] for e in everything}
    kind = sorted(kinds)[0]
    of_kind = client.get("/events", params={"kind": kind, "limit": 1000}).json()["items"]
    assert of_kind
    assert {e["kind"] for e in of_kind} == {kind}
    first = client.get("/events", params={"limit": 1}).json()
    assert first["items"] == everything[:1]
    assert first["page"]["next_offset"] == (1 if len(everything) > 1 else None)
    about = everything[0]["norad_ids"][0]
    assert all(
        about in e["norad_ids"] for e in client.get("/events", params={"norad": about}).json()["items"]
    )
    assert_problem(client.get("/events", params={"kind": "alien_visit"}), 422)
    assert client.get("/events", params={"since": "2100-01-01T00:00:00Z"}).json()["items"] == []


def test_alerts_are_read_with_their_deliveries(client: httpx.Client, server: Server) -> None:
    now = datetime(2026, 5, 28, 6, tzinfo=UTC)
    with open_store(server.db_url) as store:
        alert = store.record_alert(
            kind="overflight", dedupe_key="api-test-1", title="GAOFEN over Seoul",
            payload={"elevation_deg": 61.5}, norad_ids=[48079], created_utc=now,
            channels=["email", "webhook"],
        )  # fmt: skip
        assert alert is not None
        assert store.record_alert(kind="overflight", dedupe_key="api-test-1", title="again", payload={},
                                  created_utc=now) is None  # fmt: skip
        store.mark_delivery(alert.alert_id, "email", status="delivered", updated_utc=now)
    listed = client.get("/alerts", params={"norad": 48079}).json()["items"]
    assert [a["dedupe_key"] for a in listed] == ["api-test-1"]
    one = client.get(f"/alerts/{alert.alert_id}").json()
    assert one["payload"] == {"elevation_deg": 61.5}
    assert one["norad_ids"] == [48079]
    assert {(d["channel"], d["status"], d["attempts"]) for d in one["deliveries"]} == {
        ("email", "delivered", 1), ("webhook", "pending", 0),
    }  # fmt: skip
    assert client.get("/alerts", params={"norad": 25544}).json()["items"] == []
    assert client.get("/alerts", params={"kind": "launch"}).json()["items"] == []


def test_the_openapi_description_is_served(anonymous: httpx.Client) -> None:
    spec = anonymous.get("/openapi.json").json()
    assert {"/objects", "/passes", "/overflights", "/revisit", "/events", "/ingest", "/alerts"} <= set(
        spec["paths"]
    )
    assert "HTTPBearer" in spec["components"]["securitySchemes"]
    assert anonymous.get("/docs").status_code == 200
    assert anonymous.get("/limits").json()["max_window_hours"] == 168


def test_the_store_after_the_module_is_whole(server: Server, client: httpx.Client) -> None:
    with CatalogStore.open(server.db_url) as store:
        assert len(store.catalog(groups=["military"])) == 23
        assert store.catalog(norad_ids=[25544])[0].name == "ISS (ZARYA)"
        assert Selection().is_empty()
