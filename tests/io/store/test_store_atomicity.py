"""An ingest killed half-way (SIGKILL, no clean-up of any kind) leaves the database exactly as before."""

import os
import signal
import subprocess
import sys
import textwrap
from datetime import timedelta
from pathlib import Path

import pytest
from store_samples import T0, sha, snapshot, synthetic_result

from orbitwatch.core.elements.result import ReadResult
from orbitwatch.core.elements.satcat import ObjectMetadata
from orbitwatch.io.store import CatalogStore

BATCH = 20_000

# Runs in a child process: ingest a large batch, SIGKILL itself from the progress callback half-way.
_KILLED_INGEST = textwrap.dedent(
    """
    import os, signal, sys
    from datetime import timedelta
    from orbitwatch.io.store import CatalogStore
    from store_samples import T0, sha, synthetic_result

    url, batch = sys.argv[1], int(sys.argv[2])

    def kill_half_way(done, total):
        if done >= total // 2:
            print(f"killing at {done}/{total}", flush=True)
            os.kill(os.getpid(), signal.SIGKILL)

    store = CatalogStore.open(url)
    result = synthetic_result(range(1, batch + 1), T0 + timedelta(days=1), seed=42, source="big.tle")
    store.ingest_elements(
        result, sha256=sha("big"), retrieved_utc=T0, ingested_utc=T0, group="big", progress=kill_half_way
    )
    print("the ingest finished; it should have been killed", flush=True)
    """
)


def _fill(store: CatalogStore) -> None:
    """A catalog with rows in every table: element sets, a group, refusals, SATCAT metadata."""
    result = synthetic_result(range(1, 3001), T0, seed=1, source="base.tle")
    store.ingest_elements(result, sha256=sha("base"), retrieved_utc=T0, ingested_utc=T0, group="big")
    satcat = ReadResult("satcat.csv", "satcat-csv", (ObjectMetadata(5, name="FIVE", owner="PRC"),))
    store.ingest_metadata(satcat, sha256=sha("satcat"), retrieved_utc=T0, ingested_utc=T0)


@pytest.mark.slow
def test_a_killed_ingest_leaves_the_database_as_it_was(store: CatalogStore, store_url: str) -> None:
    _fill(store)
    before = snapshot(store_url)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(Path(__file__).parent), *sys.path])}

    child = subprocess.run(
        [sys.executable, "-c", _KILLED_INGEST, store_url, str(BATCH)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )

    assert child.returncode == -signal.SIGKILL, child.stdout + child.stderr
    assert f"killing at {BATCH // 2}/{BATCH}" in child.stdout
    assert snapshot(store_url) == before
    result = synthetic_result(range(1, BATCH + 1), T0 + timedelta(days=1), seed=42, source="big.tle")
    with CatalogStore.open(store_url) as reopened:
        summary = reopened.ingest_elements(
            result, sha256=sha("big"), retrieved_utc=T0, ingested_utc=T0, group="big"
        )
        assert (summary.new_element_sets, summary.new_objects) == (BATCH, BATCH - 3000)
        assert len(reopened.latest_elements(groups=["big"])) == BATCH
