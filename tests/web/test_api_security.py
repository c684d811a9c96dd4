"""Security of the REST API: tokens (stored hashed, revocable, never logged), token-only reads, body size
limits by Content-Length and by the bytes that stream in, strict readers (an XML entity bomb is refused),
and no SQL text built from strings anywhere in the package."""

import ast
import logging
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from api_server import TOKEN, Server
from fastapi.testclient import TestClient

from orbitwatch.web import Settings, create_app

SRC = Path(__file__).resolve().parents[2] / "src" / "orbitwatch"
BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<ndm><omm><body><segment><metadata><OBJECT_NAME>&lol3;</OBJECT_NAME></metadata></segment></body></omm></ndm>
"""


@pytest.fixture(scope="module")
def strict_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server whose reads need a token too, with a 1 MiB upload limit (SQLite)."""
    folder = tmp_path_factory.mktemp("strict")
    running = Server(
        f"sqlite:///{folder / 'catalog.sqlite'}",
        folder / "server.log",
        extra_args=("--read-access", "token", "--max-upload-mib", "1"),
    ).start()
    yield running
    running.stop()


def cli(server: Server, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "orbitwatch", "--db", server.db_url, *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


def test_reads_need_a_token_when_so_configured(strict_server: Server) -> None:
    with strict_server.client() as anonymous, strict_server.client(TOKEN) as authorised:
        assert anonymous.get("/health").json()["read_access"] == "token"
        assert anonymous.get("/objects").status_code == 401
        assert anonymous.get("/openapi.json").status_code == 200
        assert authorised.get("/objects").status_code == 200


def test_stored_tokens_work_until_revoked_and_only_their_hash_is_kept(strict_server: Server) -> None:
    created = cli(strict_server, "token", "create", "analyst")
    assert created.returncode == 0, created.stderr
    token = created.stdout.strip()
    assert len(token) >= 40
    assert token not in created.stderr
    with strict_server.client(token) as client:
        assert (
            client.post(
                "/sites", json={"name": "Tongchang-ri", "lat_deg": 39.66, "lon_deg": 124.7}
            ).status_code
            == 201
        )
    listed = cli(strict_server, "token", "list")
    assert "analyst" in listed.stdout
    assert token not in listed.stdout
    database = Path(strict_server.db_url.removeprefix("sqlite:///")).read_bytes()
    assert token.encode() not in database
    assert cli(strict_server, "token", "revoke", "analyst").returncode == 0
    with strict_server.client(token) as client:
        assert client.get("/sites").status_code == 401
    assert cli(strict_server, "token", "revoke", "analyst").returncode == 2


def test_tokens_never_reach_the_server_log(strict_server: Server) -> None:
    wrong = "wrong-" + "y" * 40
    with strict_server.client(TOKEN) as client:
        client.get("/objects", params={"limit": 1})
        client.post("/ingest", content=b"not elements")
        client.get("/sites", headers={"Authorization": f"Bearer {wrong}"})
    log = strict_server.log()
    assert "GET /objects?limit=1" in log  # the access log is on
    assert TOKEN not in log
    assert wrong not in log


def test_in_process_logs_hold_no_token(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    settings = Settings(db_url=f"sqlite:///{tmp_path / 'c.sqlite'}", env_token=TOKEN)
    wrong = "wrong-" + "z" * 40
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        client.post(
            "/sites",
            json={"name": "A", "lat_deg": 1, "lon_deg": 2},
            headers={"Authorization": f"Bearer {wrong}"},
        )
        client.post("/ingest", content=b"\xff\xfe garbage", headers={"Authorization": f"Bearer {TOKEN}"})
        client.get("/passes", params={"site": "Seoul"}, headers={"Authorization": f"Bearer {TOKEN}"})
    assert caplog.records
    assert all(TOKEN not in r.getMessage() and wrong not in r.getMessage() for r in caplog.records)


def test_bodies_over_the_limit_are_refused_with_413(strict_server: Server) -> None:
    big = b"0" * (1024 * 1024 + 1)
    with strict_server.client(TOKEN) as client:
        declared = client.post("/ingest", content=big)
        assert declared.status_code == 413
        assert declared.headers["content-type"].startswith("application/problem+json")
        assert "1048576 bytes" in declared.json()["detail"]

        def chunks() -> Iterator[bytes]:
            for _ in range(40):
                yield b"1" * 65536

        streamed = client.post("/ingest", content=chunks())
        assert streamed.status_code == 413
        json_body = client.post("/sites", content=b'{"name": "' + b"a" * (1024 * 1024) + b'"}',
                                headers={"Content-Type": "application/json"})  # fmt: skip
        assert json_body.status_code == 413
        assert client.get("/health").status_code == 200


def test_uploads_are_read_by_the_strict_readers(strict_server: Server) -> None:
    with strict_server.client(TOKEN) as client:
        bomb = client.post("/ingest", params={"filename": "bomb.xml", "format": "omm-xml"}, content=BOMB)
        assert bomb.status_code == 422
        assert "failed" in bomb.json()["detail"]
        mangled = client.post(
            "/ingest", params={"filename": "x.tle"}, content=b"1 25544U 98067A   26147\n2 oops\n"
        )
        assert mangled.status_code in (201, 422)
        if mangled.status_code == 201:
            assert mangled.json()["accepted"] == 0
            assert mangled.json()["refused"] >= 1
        assert client.post("/ingest", params={"format": "pdf"}, content=b"x").status_code == 422
        assert client.post("/ingest", content=b"").status_code == 422
        assert (
            client.post("/ingest", params={"filename": "../../etc/passwd"}, content=b"x").status_code == 422
        )


def _builds_sql_text(call: ast.Call) -> bool:
    """A call of text/execute/exec_driver_sql whose SQL is an f-string, a concatenation or a format()."""
    name = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")
    if name not in {"text", "execute", "exec_driver_sql", "executescript"} or not call.args:
        return False
    sql = call.args[0]
    built = isinstance(sql, ast.JoinedStr | ast.BinOp)
    formatted = (
        isinstance(sql, ast.Call) and isinstance(sql.func, ast.Attribute) and sql.func.attr == "format"
    )
    return built or formatted


def test_no_sql_is_built_by_string_concatenation() -> None:
    allowed = {("io/store/engine.py", "PRAGMA busy_timeout")}  # a constant of the module, no input
    found = []
    for path in SRC.rglob("*.py"):
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _builds_sql_text(node):
                where = str(path.relative_to(SRC))
                snippet = ast.get_source_segment(path.read_text(), node) or ""
                if not any(where == a and key in snippet for a, key in allowed):
                    found.append(f"{where}:{node.lineno}: {snippet}")
    assert found == []


def test_the_server_refuses_a_short_environment_token(tmp_path: Path) -> None:
    env_server = Server(
        f"sqlite:///{tmp_path / 'c.sqlite'}", tmp_path / "log", env={"ORBITWATCH_TOKEN": "short"}
    )
    with pytest.raises(RuntimeError, match="shorter than 16 characters"):
        env_server.start()
    assert isinstance(httpx.Client, type)
