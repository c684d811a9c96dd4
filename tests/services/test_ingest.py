"""The ingest service end to end: files and URLs (a real HTTP server on loopback) into a real store."""

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from orbitwatch.core.elements.formats import read_elements, write_elements
from orbitwatch.io.store import CatalogStore
from orbitwatch.services.ingest import ingest_locations

NOW = datetime(2026, 5, 28, tzinfo=UTC)
NO_GP_DATA = (Path(__file__).parents[1] / "data" / "recorded" / "celestrak-no-gp-data-found.txt").read_bytes()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[CatalogStore]:
    with CatalogStore.open(f"sqlite:///{tmp_path / 'catalog.sqlite'}") as opened:
        yield opened


@pytest.fixture
def celestrak(sample_dir: Path) -> Iterator[str]:
    """A loopback server answering CelesTrak GP queries from the bundled snapshot of 2026-05-24."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            group = self.path.partition("GROUP=")[2].partition("&")[0]
            path = sample_dir / "2026-05-24" / f"{group}.tle"
            body, status = (path.read_bytes(), 200) if path.is_file() else (NO_GP_DATA, 404)
            self.send_response(status)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/NORAD/elements/gp.php"
    server.shutdown()
    server.server_close()


def test_a_celestrak_group_url_is_ingested_with_its_group(store: CatalogStore, celestrak: str) -> None:
    [outcome] = ingest_locations(store, [f"{celestrak}?GROUP=military&FORMAT=tle"], now_utc=NOW)
    assert outcome.status == "ingested"
    assert outcome.group == "military"
    assert outcome.summary is not None
    assert outcome.summary.accepted == len(store.catalog(groups=["military"])) > 0


def test_no_gp_data_is_not_an_outage_and_stores_nothing(store: CatalogStore, celestrak: str) -> None:
    [outcome] = ingest_locations(store, [f"{celestrak}?GROUP=nosuchgroup&FORMAT=tle"], now_utc=NOW)
    assert outcome.status == "no GP data at the provider"
    assert not outcome.failed
    assert store.ingests() == []


def test_an_omm_record_without_catalog_number_is_refused_alone(
    store: CatalogStore, sample_dir: Path, tmp_path: Path
) -> None:
    elements = read_elements(
        (sample_dir / "2026-05-24" / "stations.tle").read_bytes(), "stations.tle"
    ).records
    records = json.loads(write_elements(elements, "omm-json"))
    del records[2]["NORAD_CAT_ID"]
    path = tmp_path / "stations.json"
    path.write_text(json.dumps(records))
    [outcome] = ingest_locations(store, [str(path)], now_utc=NOW)
    assert outcome.summary is not None
    assert (outcome.summary.accepted, outcome.summary.refused) == (len(records) - 1, 1)
    assert "NORAD_CAT_ID" in str(outcome.refusals[0])
    assert len(store.catalog()) == len(records) - 1


def test_one_unreadable_input_does_not_stop_the_others(
    store: CatalogStore, sample_dir: Path, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('[{"OBJECT_NAME": "X",')
    outcomes = ingest_locations(
        store, [str(broken), str(sample_dir / "2026-05-24" / "weather.tle")], now_utc=NOW
    )
    assert outcomes[0].failed
    assert "broken.json" in outcomes[0].status
    assert outcomes[1].status == "ingested"
