"""Shared fixtures: nothing a test does may touch the user's real data or cache folders."""

from pathlib import Path

import pytest

SAMPLE = Path(__file__).resolve().parents[1] / "src" / "orbitwatch" / "io" / "bundled" / "sample"


@pytest.fixture(autouse=True)
def _isolated_user_folders(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point the default database and the HTTP cache at a temporary folder for every test."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))
    monkeypatch.delenv("ORBITWATCH_DB", raising=False)


@pytest.fixture(scope="session")
def sample_dir() -> Path:
    """The bundled real CelesTrak sample: one folder per day, one file per group."""
    return SAMPLE
