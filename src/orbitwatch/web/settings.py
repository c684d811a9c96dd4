"""What a server is configured with: the database, who may read, and the bearer token from the environment."""

import os
from dataclasses import dataclass
from typing import Final, Literal

from orbitwatch.errors import OrbitwatchError
from orbitwatch.services.tokens import env_token
from orbitwatch.web.limits import MAX_UPLOAD_BYTES

ReadAccess = Literal["public", "token"]
READ_ACCESS_ENV: Final = "ORBITWATCH_READ_ACCESS"
READ_ACCESS_VALUES: Final = ("public", "token")


@dataclass(frozen=True, slots=True)
class Settings:
    """A server's configuration.

    ``db_url``: the catalog (None: ``ORBITWATCH_DB`` or the user data folder). ``read_access``: ``public``
    (anyone may read) or ``token`` (reads need a bearer token too; writes always do). ``env_token``: the
    token of ``ORBITWATCH_TOKEN``, valid besides the stored ones. ``max_upload_bytes``: the largest upload.
    """

    db_url: str | None = None
    read_access: ReadAccess = "public"
    env_token: str | None = None
    max_upload_bytes: int = MAX_UPLOAD_BYTES

    def __post_init__(self) -> None:
        if self.read_access not in READ_ACCESS_VALUES:
            raise OrbitwatchError(
                f"read access {self.read_access!r} is not one of {', '.join(READ_ACCESS_VALUES)}"
            )

    @classmethod
    def from_environment(
        cls,
        db_url: str | None = None,
        read_access: str | None = None,
        max_upload_bytes: int = MAX_UPLOAD_BYTES,
    ) -> "Settings":
        """Settings from the arguments, else ``ORBITWATCH_READ_ACCESS``; the token of ``ORBITWATCH_TOKEN``
        besides."""
        access = (read_access or os.environ.get(READ_ACCESS_ENV, "") or "public").strip().lower()
        if access not in READ_ACCESS_VALUES:
            raise OrbitwatchError(f"read access {access!r} is not one of {', '.join(READ_ACCESS_VALUES)}")
        chosen: ReadAccess = "token" if access == "token" else "public"
        if not 0 < max_upload_bytes <= MAX_UPLOAD_BYTES:
            raise OrbitwatchError(
                f"the upload limit must be 1 to {MAX_UPLOAD_BYTES} bytes, got {max_upload_bytes}"
            )
        return cls(
            db_url=db_url, read_access=chosen, env_token=env_token(), max_upload_bytes=max_upload_bytes
        )
