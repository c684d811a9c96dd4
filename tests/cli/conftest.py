"""The ``cli`` fixture: run ``orbitwatch ARGS`` in-process through the console-script entry point."""

import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from orbitwatch.cli.main import run


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path):  # type: ignore[no-untyped-def]
    """Run ``orbitwatch ARGS`` in-process through the console-script entry point, on a temporary database."""
    db = f"sqlite:///{tmp_path / 'catalog.sqlite'}"
    monkeypatch.setenv("COLUMNS", "250")

    def invoke(*args: str, with_db: bool = True) -> Result:
        argv = ["orbitwatch", *(("--db", db) if with_db else ()), *args]
        monkeypatch.setattr(sys, "argv", argv)
        code = 0
        try:
            run()
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return invoke
