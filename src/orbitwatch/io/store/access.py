"""API tokens and watch lists in the catalog store (schema version 4): their rows, and the statements on them.

A token is kept only as the SHA-256 (hex) of its text: the store never sees a token it could hand back.
A watch list is a name and a JSON list of selections; its name is looked up by its key, like a site's
(:func:`orbitwatch.core.targets.target_key`), so "DPRK reconnaissance" and "dprk-reconnaissance" are one.
"""

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from orbitwatch.core.targets import target_key
from orbitwatch.errors import StoreError
from orbitwatch.io.store import places
from orbitwatch.io.store.rows import aware_utc, check_sha256, naive_utc
from orbitwatch.io.store.tables import api_tokens, watch_lists


@dataclass(frozen=True, slots=True)
class StoredToken:
    """An API token as the store keeps it (without its hash): id, name, when created and revoked (UTC)."""

    token_id: int
    name: str
    created_utc: datetime
    revoked_utc: datetime | None


@dataclass(frozen=True, slots=True)
class StoredWatchList:
    """A watch list: its name, its selections as plain JSON objects, and when it was stored (UTC)."""

    name: str
    selections: tuple[dict[str, Any], ...]
    created_utc: datetime


def add_token(connection: Connection, name: str, sha256_hex: str, created_utc: datetime) -> StoredToken:
    """Insert a token row; the token as stored."""
    _check_text("token", name)
    created = naive_utc(created_utc)
    row = {"name": name, "sha256": check_sha256(sha256_hex), "created_utc": created, "revoked_utc": None}
    token_id = int(connection.execute(insert(api_tokens).values(row).returning(api_tokens.c.id)).scalar_one())
    return StoredToken(token_id, name, aware_utc(created), None)


def tokens(connection: Connection) -> list[StoredToken]:
    """Every token, oldest first."""
    query = select(api_tokens).order_by(api_tokens.c.id)
    return [_token(row) for row in connection.execute(query).mappings()]


def active_token_hashes(connection: Connection) -> list[str]:
    """The SHA-256 (hex) of every token not revoked."""
    query = select(api_tokens.c.sha256).where(api_tokens.c.revoked_utc.is_(None))
    return [str(digest) for digest in connection.execute(query).scalars()]


def revoke_tokens(connection: Connection, ids: Sequence[int], revoked_utc: datetime) -> int:
    """Revoke the tokens of these ids that are not revoked yet; how many were."""
    if not ids:
        return 0
    result = connection.execute(
        update(api_tokens)
        .where(api_tokens.c.id.in_([int(i) for i in ids]), api_tokens.c.revoked_utc.is_(None))
        .values(revoked_utc=naive_utc(revoked_utc))
    )
    return int(result.rowcount)


def watch_list_row(
    name: str, selections: Sequence[Mapping[str, Any]], created_utc: datetime
) -> dict[str, Any]:
    """The ``watch_lists`` row of a watch list (without its id)."""
    _check_text("watch list", name)
    text = json.dumps([dict(s) for s in selections], sort_keys=True, separators=(",", ":"))
    if "\\u0000" in text:
        raise StoreError(f"watch list {name!r}: a selection contains a NUL character")
    return {
        "name": name,
        "name_key": target_key(name),
        "selection": text,
        "created_utc": naive_utc(created_utc),
    }


def add_watch_list(connection: Connection, row: Mapping[str, Any], *, replace: bool) -> None:
    """Insert the row; one of the same name key is replaced when ``replace``, else a StoreError."""
    places.add(connection, watch_lists, row, replace=replace)


def find_watch_list(connection: Connection, name: str) -> StoredWatchList | None:
    """The watch list of that name (key), None when there is none."""
    row = places.find(connection, watch_lists, name)
    return _watch_list(row) if row is not None else None


def every_watch_list(connection: Connection) -> list[StoredWatchList]:
    """Every watch list, by name key."""
    return [_watch_list(row) for row in places.every(connection, watch_lists)]


def remove_watch_list(connection: Connection, name: str) -> bool:
    """Delete the watch list of that name (key); True when there was one."""
    return places.remove(connection, watch_lists, name)


def _token(row: Mapping[Any, Any]) -> StoredToken:
    revoked = row["revoked_utc"]
    return StoredToken(
        int(row["id"]), row["name"], aware_utc(row["created_utc"]), aware_utc(revoked) if revoked else None
    )


def _watch_list(row: Mapping[Any, Any]) -> StoredWatchList:
    selections = json.loads(row["selection"])
    return StoredWatchList(row["name"], tuple(selections), aware_utc(row["created_utc"]))


def _check_text(kind: str, name: str) -> None:
    if not name.strip() or not name.isprintable():
        raise StoreError(f"{kind} name {name!r} must be printable text that is not blank")
