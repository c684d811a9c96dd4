"""The bundled real CelesTrak snapshots (four days of eight groups) and SATCAT sample through the store."""

import hashlib
from datetime import UTC, datetime
from pathlib import Path

from orbitwatch.core.elements.model import ElementSet
from orbitwatch.core.elements.satcat import read_satcat_csv
from orbitwatch.core.elements.tle import read_tle
from orbitwatch.io.store import CatalogStore

LATER = datetime(2026, 5, 28, tzinfo=UTC)
SATCAT = (
    Path(__file__).resolve().parents[3]
    / "src"
    / "orbitwatch"
    / "io"
    / "bundled"
    / "satcat"
    / "satcat-sample.csv"
)


def ingest_day(store: CatalogStore, folder: Path) -> dict[str, list[ElementSet]]:
    """Ingest every group file of one day's folder; the element sets read, by group."""
    retrieved = datetime.fromisoformat(folder.name).replace(tzinfo=UTC)
    read = {}
    for path in sorted(folder.glob("*.tle")):
        data = path.read_bytes()
        result = read_tle(data.decode(), f"{folder.name}/{path.name}")
        summary = store.ingest_elements(
            result,
            sha256=hashlib.sha256(data).hexdigest(),
            retrieved_utc=retrieved,
            ingested_utc=retrieved,
            group=path.stem,
        )
        assert summary.accepted == len(result.records) > 0
        read[path.stem] = list(result.records)
    return read


def test_four_days_of_real_groups(store: CatalogStore, sample_dir: Path) -> None:
    days = [ingest_day(store, folder) for folder in sorted(p for p in sample_dir.iterdir() if p.is_dir())]

    newest: dict[int, ElementSet] = {}
    for day in days:
        for records in day.values():
            for es in records:
                if es.norad_id not in newest or es.epoch_utc >= newest[es.norad_id].epoch_utc:
                    newest[es.norad_id] = es
    assert store.latest_elements() == [newest[n] for n in sorted(newest)]
    for group, records in days[-1].items():
        in_group = sorted({es.norad_id for es in records})
        assert [es.norad_id for es in store.latest_elements(groups=[group])] == in_group
        assert [e.norad_id for e in store.catalog(groups=[group])] == in_group


def test_history_keeps_the_original_lines(store: CatalogStore, sample_dir: Path) -> None:
    folder = sorted(p for p in sample_dir.iterdir() if p.is_dir())[0]
    text = (folder / "military.tle").read_text()
    result = read_tle(text, "military.tle")
    store.ingest_elements(
        result, sha256=hashlib.sha256(text.encode()).hexdigest(), retrieved_utc=LATER, ingested_utc=LATER
    )

    for es, original in zip(result.records, result.texts, strict=True):
        (stored,) = store.history(es.norad_id)
        assert stored.original_text == original
        assert stored.elements == es
        assert read_tle(original, "again").records == (es,)


def test_the_satcat_sample_fills_the_catalog(store: CatalogStore, sample_dir: Path) -> None:
    ingest_day(store, sorted(p for p in sample_dir.iterdir() if p.is_dir())[-1])
    data = SATCAT.read_bytes()
    result = read_satcat_csv(data.decode(), SATCAT.name)
    summary = store.ingest_metadata(
        result, sha256=hashlib.sha256(data).hexdigest(), retrieved_utc=LATER, ingested_utc=LATER
    )

    assert summary.accepted == len(result.records) > 0
    iss = store.entry(25544)
    assert iss is not None
    assert (iss.name, iss.owner, iss.object_type, iss.launch_site) == ("ISS (ZARYA)", "ISS", "PAY", "TYMSC")
    assert iss.epoch_utc is not None
    assert "stations" in iss.groups
    owners = {meta.norad_id: meta.owner for meta in result.records}
    prc = [e.norad_id for e in store.catalog(owner="PRC")]
    assert prc == sorted(n for n, owner in owners.items() if owner == "PRC")
