"""The gpconf GP/OMM conformance corpus, run offline against orbitwatch (adapter: gpconf_adapter.py).

Offline, the runner grades the five cases whose files ship with the corpus; the others need provider
data fetched from CelesTrak and report not-fetched. Every graded case must pass, and the five must
be among the graded ones, so that a run that grades nothing cannot pass.
"""

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ADAPTER_DIR = Path(__file__).resolve().parent
NOT_GRADED = {"not-fetched", "not-available", "not-exercised"}
PASSED = {"pass", "pass-tolerance"}
OFFLINE_CASES = {
    "alpha5-encoding-vectors",
    "alpha5-tle-derived",
    "kvn-syntax-variants",
    "tle-writer-alpha5",
    "corrupt-input",
}


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("gpconf")
    (folder / "data").mkdir()
    command = [
        sys.executable,
        "-m",
        "gpconf",
        "run",
        "--adapter",
        "gpconf_adapter:Parser",
        "--data",
        str(folder / "data"),
        "--no-fetch-hint",
        "--json",
        str(folder / "report.json"),
    ]
    run = subprocess.run(command, cwd=ADAPTER_DIR, capture_output=True, text=True, timeout=300, check=False)
    assert (folder / "report.json").exists(), run.stdout[-3000:] + run.stderr[-3000:]
    loaded: dict[str, Any] = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    loaded["_stdout"] = run.stdout
    loaded["_returncode"] = run.returncode
    return loaded


def test_every_graded_case_passes(report: dict[str, Any]) -> None:
    graded = {r["case"]: r for r in report["results"] if r["status"] not in NOT_GRADED}
    failing = {
        case: [item for item in result["items"] if item["status"] not in PASSED | NOT_GRADED | {"info"}]
        for case, result in graded.items()
        if result["status"] not in PASSED
    }
    assert failing == {}, report["_stdout"][-4000:]
    assert report["_returncode"] == 0
    assert report["summary"]["fail"] == 0


def test_the_offline_cases_are_graded(report: dict[str, Any]) -> None:
    graded = {r["case"] for r in report["results"] if r["status"] not in NOT_GRADED}
    assert graded >= OFFLINE_CASES


def test_the_adapter_declares_and_reports_refusals(report: dict[str, Any]) -> None:
    corrupt = next(r for r in report["results"] if r["case"] == "corrupt-input")
    refused = [item for item in corrupt["items"] if item["check"].startswith("corrupt-tle-")]
    assert len(refused) == 4
    assert all(item["status"] == "pass" and "refused with a reason" in item["detail"] for item in refused)
