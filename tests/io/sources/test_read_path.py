"""``read_path``: files and folders as ``Fetched`` records, and the CelesTrak group from a file's stem."""

import hashlib
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from loopback_server import SAMPLE

from orbitwatch.errors import SourceError
from orbitwatch.io.files import MAX_FILE_BYTES, Fetched, celestrak_group_of, read_path
from orbitwatch.io.sources.celestrak import CELESTRAK_GROUPS


def test_a_file_is_read_whole_with_its_hash_time_and_group() -> None:
    path = SAMPLE / "2026-05-24" / "military.tle"
    [fetched] = read_path(path)
    data = path.read_bytes()
    assert fetched.source == str(path)
    assert fetched.data == data
    assert fetched.sha256 == hashlib.sha256(data).hexdigest()
    assert fetched.retrieved_utc == datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
    assert fetched.retrieved_utc.tzinfo is UTC
    assert fetched.group == "military"
    assert (fetched.from_cache, fetched.no_data, fetched.stale) == (False, False, False)


def test_the_bundled_sample_folder_is_read_recursively_in_order() -> None:
    fetched = read_path(SAMPLE)
    relative = [Path(item.source).relative_to(SAMPLE).as_posix() for item in fetched]
    assert relative == sorted(relative)
    assert len(fetched) == 24
    assert relative[0] == "2026-05-24/geo.tle"
    assert {item.group for item in fetched} == {
        "geo",
        "military",
        "resource",
        "science",
        "stations",
        "weather",
    }


def test_a_folder_gives_element_files_only_sorted_by_relative_path(tmp_path: Path) -> None:
    for name in (
        "b/weather.TLE",
        "a.json",
        "b/a/x.omm",
        "c.csv",
        "notes.md",
        "d.kvn",
        "e.xml",
        "f.3le",
        "g.2le",
    ):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    (tmp_path / "h.txt").symlink_to(tmp_path / "missing")  # a dangling link is not a regular file
    names = [Path(item.source).relative_to(tmp_path).as_posix() for item in read_path(tmp_path)]
    assert names == ["a.json", "b/a/x.omm", "b/weather.TLE", "c.csv", "d.kvn", "e.xml", "f.3le", "g.2le"]


def test_an_empty_folder_gives_no_records(tmp_path: Path) -> None:
    assert read_path(tmp_path) == []


def test_a_file_named_explicitly_is_read_whatever_its_extension(tmp_path: Path) -> None:
    path = tmp_path / "elements.dat"
    path.write_bytes(b"1 25544U")
    [fetched] = read_path(str(path))
    assert (fetched.data, fetched.group) == (b"1 25544U", None)


@pytest.mark.parametrize(
    ("name", "group"),
    [
        ("military.tle", "military"),
        ("gps-ops.txt", "gps-ops"),
        ("IRIDIUM-next.json", "iridium-NEXT"),
        ("cosmos-2251-debris.csv", "cosmos-2251-debris"),
        ("military-old.tle", None),
        ("sample.tle", None),
    ],
)
def test_the_group_is_the_stem_when_it_is_a_celestrak_group(name: str, group: str | None) -> None:
    assert celestrak_group_of(Path("/data") / name) == group


def test_the_group_list_holds_celestraks_groups() -> None:
    assert len(set(CELESTRAK_GROUPS)) == len(CELESTRAK_GROUPS)
    for group in (
        "stations",
        "last-30-days",
        "active",
        "analyst",
        "military",
        "iridium-NEXT",
        "gps-ops",
        "other",
    ):
        assert group in CELESTRAK_GROUPS


def test_a_missing_path_names_the_path(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match=r"nothing-here\.tle: no such file or folder"):
        read_path(tmp_path / "nothing-here.tle")


def test_an_unreadable_file_says_permission_denied(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "military.tle"
    path.write_text("x")

    def refuse(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", refuse)  # chmod does not stop root, who runs CI
    with pytest.raises(SourceError, match=r"military\.tle: permission denied"):
        read_path(path)


def test_a_pipe_is_not_a_regular_file(tmp_path: Path) -> None:
    pipe = tmp_path / "feed.tle"
    os.mkfifo(pipe)
    with pytest.raises(SourceError, match=r"feed\.tle: not a regular file"):
        read_path(pipe)
    assert read_path(tmp_path) == []


def test_a_file_over_one_gib_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.tle"
    with path.open("wb") as sparse:
        sparse.truncate(MAX_FILE_BYTES + 1)
    with pytest.raises(
        SourceError, match=r"huge\.tle: 1073741825 bytes; files larger than 1 GiB are refused"
    ):
        read_path(path)


def test_no_data_empties_the_record_and_stale_says_why() -> None:
    fetched = Fetched.of(
        "https://x/gp.php", b"No GP data found", datetime(2026, 5, 24, tzinfo=UTC), "military"
    )
    empty = fetched.as_no_data()
    assert (empty.data, empty.no_data, empty.group) == (b"", True, "military")
    assert empty.sha256 == hashlib.sha256(b"").hexdigest()
    assert not fetched.stale
