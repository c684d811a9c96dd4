"""What a source hands over (``Fetched``: bytes and where and when they came from), and local files.

``read_path`` reads one file, or every element file under a folder, as ``Fetched`` records; it
never parses: the core's readers take the bytes (:mod:`orbitwatch.core.elements`).
"""

import dataclasses
import hashlib
import os
import stat
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

from orbitwatch.errors import SourceError
from orbitwatch.io.sources.celestrak import CELESTRAK_GROUPS

MAX_FILE_BYTES: Final = 1 << 30
"""Files larger than this (1 GiB) are refused: no public element catalog comes near it."""

ELEMENT_EXTENSIONS: Final = (".tle", ".txt", ".3le", ".2le", ".kvn", ".xml", ".json", ".csv", ".omm", ".tdm")
"""File name endings ``read_path`` picks up in a folder (compared without regard to case): element
files, and tracking-measurement files (``.tdm``; a TDM or measurement CSV may also end ``.xml``, ``.csv``)."""

_GROUPS_BY_LOWER: Final = {group.lower(): group for group in CELESTRAK_GROUPS}


@dataclass(frozen=True)
class Fetched:
    """The bytes of one file or one HTTP response, and where and when they came from.

    ``retrieved_utc`` is the file's modification time, or the time the response arrived (for a
    cached body: when it was first received). ``group`` is the CelesTrak group when it is known.
    ``no_data`` says the provider answered "no records for this query in this format" (``data`` is
    then empty): not an outage and not an empty catalog. ``stale_reason`` is set when a request
    failed and an expired cached copy was returned instead: it says why the request failed.
    """

    source: str
    data: bytes
    retrieved_utc: datetime
    sha256: str
    group: str | None = None
    from_cache: bool = False
    no_data: bool = False
    stale_reason: str | None = None

    @classmethod
    def of(cls, source: str, data: bytes, retrieved_utc: datetime, group: str | None = None) -> "Fetched":
        """A record of ``data`` with its SHA-256 computed."""
        return cls(source, data, retrieved_utc, hashlib.sha256(data).hexdigest(), group)

    @property
    def stale(self) -> bool:
        """True when this is an expired cached copy returned after a failed request."""
        return self.stale_reason is not None

    def as_no_data(self) -> "Fetched":
        """This record as the provider's "no data" answer: empty bytes, ``no_data=True``."""
        return dataclasses.replace(self, data=b"", sha256=hashlib.sha256(b"").hexdigest(), no_data=True)


def celestrak_group_of(path: str | os.PathLike[str]) -> str | None:
    """The CelesTrak group a file holds, when its stem is a group name (``military.tle`` -> ``military``)."""
    return _GROUPS_BY_LOWER.get(Path(path).stem.lower())


def read_path(path: str | os.PathLike[str]) -> list[Fetched]:
    """One file, or every element file under a folder (recursively, sorted by relative path).

    In a folder, only regular files whose names end in one of ``ELEMENT_EXTENSIONS`` are read;
    a file named explicitly is read whatever its name. Raises ``SourceError`` naming the path
    and why (missing, permission denied, not a regular file, larger than 1 GiB).
    """
    root = Path(path).expanduser()
    mode = _stat(root).st_mode
    if stat.S_ISDIR(mode):
        return [_read_file(file) for file in _element_files(root)]
    return [_read_file(root)]


def _element_files(folder: Path) -> list[Path]:
    found = [
        Path(parent, name)
        for parent, _folders, names in os.walk(folder, onerror=_raise_walk_error)
        for name in names
        if Path(name).suffix.lower() in ELEMENT_EXTENSIONS
    ]
    return sorted(
        (file for file in found if file.is_file()), key=lambda file: file.relative_to(folder).as_posix()
    )


def _raise_walk_error(exc: OSError) -> None:
    raise _os_error(Path(exc.filename), exc) from None


def _read_file(file: Path) -> Fetched:
    info = _stat(file)
    if not stat.S_ISREG(info.st_mode):
        raise SourceError(f"{file}: not a regular file (a folder, device, pipe or socket)")
    if info.st_size > MAX_FILE_BYTES:
        raise SourceError(f"{file}: {info.st_size} bytes; files larger than 1 GiB are refused")
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise _os_error(file, exc) from None
    mtime = datetime.fromtimestamp(info.st_mtime, tz=UTC)
    return Fetched.of(str(file), data, mtime, celestrak_group_of(file))


def _stat(path: Path) -> os.stat_result:
    try:
        return path.stat()
    except OSError as exc:
        raise _os_error(path, exc) from None


def _os_error(path: Path, exc: OSError) -> SourceError:
    if isinstance(exc, FileNotFoundError):
        return SourceError(f"{path}: no such file or folder")
    if isinstance(exc, PermissionError):
        return SourceError(f"{path}: permission denied")
    return SourceError(f"{path}: cannot be read ({exc.strerror or exc})")
