"""API tokens: create (shown once, stored hashed), list, revoke, and check a presented bearer token.

A token is ``secrets.token_urlsafe(32)`` (256 random bits); the store keeps only its SHA-256. A presented
token is hashed and compared with every valid hash and with the hash of ``ORBITWATCH_TOKEN`` by
:func:`hmac.compare_digest`, so the comparison takes the same time wherever the texts differ. Nothing
here logs or prints a token: :func:`create_token` hands it to the caller, which shows it once.
"""

import hashlib
import hmac
import os
import secrets
from collections.abc import Sequence
from datetime import datetime
from typing import Final

from orbitwatch.errors import OrbitwatchError
from orbitwatch.io.store import CatalogStore
from orbitwatch.io.store.access import StoredToken

__all__ = [
    "TOKEN_ENV",
    "StoredToken",
    "check_token",
    "create_token",
    "env_token",
    "hash_token",
    "list_tokens",
    "revoke_tokens",
    "token_matches",
]

TOKEN_ENV: Final = "ORBITWATCH_TOKEN"
MIN_ENV_TOKEN_CHARS: Final = 16
TOKEN_BYTES: Final = 32


def hash_token(token: str) -> str:
    """The SHA-256 (lower-case hex) of a token's UTF-8 text, as the store keeps it."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def env_token() -> str | None:
    """The token of ``ORBITWATCH_TOKEN``, None when unset or blank; an error when too short to be secret."""
    value = os.environ.get(TOKEN_ENV, "").strip()
    if not value:
        return None
    if len(value) < MIN_ENV_TOKEN_CHARS:
        raise OrbitwatchError(
            f"{TOKEN_ENV} is set but shorter than {MIN_ENV_TOKEN_CHARS} characters; "
            "use a long random value (python -c 'import secrets; print(secrets.token_urlsafe(32))')"
        )
    return value


def create_token(store: CatalogStore, name: str, *, now_utc: datetime) -> tuple[str, StoredToken]:
    """A new token: its text (to show once, never stored) and its stored record."""
    if not name.strip() or not name.isprintable() or len(name) > 200:
        raise OrbitwatchError(f"token name {name!r}: give printable text of 1 to 200 characters")
    token = secrets.token_urlsafe(TOKEN_BYTES)
    return token, store.add_token(name.strip(), hash_token(token), created_utc=now_utc)


def list_tokens(store: CatalogStore) -> list[StoredToken]:
    """Every token (revoked ones too), oldest first; never their text or hash."""
    return store.tokens()


def revoke_tokens(store: CatalogStore, which: str, *, now_utc: datetime) -> list[StoredToken]:
    """Revoke the token of id ``which``, or every valid token named ``which``; the tokens revoked.
    An error when no valid token has that id or name."""
    valid = [t for t in store.tokens() if t.revoked_utc is None]
    chosen = [t for t in valid if str(t.token_id) == which.strip()] or [t for t in valid if t.name == which]
    if not chosen:
        raise OrbitwatchError(f"no valid token has the id or name {which!r} (see: orbitwatch token list)")
    store.revoke_tokens([t.token_id for t in chosen], revoked_utc=now_utc)
    return chosen


def token_matches(presented: str, valid_hashes: Sequence[str], env: str | None) -> bool:
    """True when the presented token is ``env`` or hashes to one of ``valid_hashes`` (compared in constant
    time)."""
    digest = hash_token(presented).encode("ascii")
    found = False
    if env is not None:
        found |= hmac.compare_digest(digest, hash_token(env).encode("ascii"))
    for valid in valid_hashes:
        found |= hmac.compare_digest(digest, valid.encode("ascii"))
    return found


def check_token(store: CatalogStore, presented: str, env: str | None) -> bool:
    """True when the presented bearer token is valid: ``ORBITWATCH_TOKEN`` or a stored token not revoked."""
    if not presented:
        return False
    if env is not None and token_matches(presented, (), env):
        return True
    return token_matches(presented, store.active_token_hashes(), None)
