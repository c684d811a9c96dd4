"""Bearer tokens: every request that writes needs one; reads too when the server is configured so.

The token comes only in the ``Authorization: Bearer`` header (never in a URL, so never in an access log),
is checked by :func:`orbitwatch.services.tokens.check_token` (hashed, compared in constant time) and is
never logged or echoed. Health and the API description stay public.
"""

from typing import Annotated, Final

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from orbitwatch.services.tokens import check_token
from orbitwatch.web.deps import get_settings, get_store
from orbitwatch.web.problems import ProblemError

READ_METHODS: Final = frozenset({"GET", "HEAD", "OPTIONS"})

bearer = HTTPBearer(
    auto_error=False,
    description="A token from `orbitwatch token create NAME`, or the server's ORBITWATCH_TOKEN.",
)


def authorize(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
) -> None:
    """Refuse a write without a valid token (401), and a read too when reads are token-only."""
    settings = get_settings(request)
    if request.method in READ_METHODS and settings.read_access == "public":
        return
    if credentials is None or not credentials.credentials:
        raise _unauthorized("this request needs a bearer token: Authorization: Bearer TOKEN", "")
    if not check_token(get_store(request), credentials.credentials, settings.env_token):
        raise _unauthorized("the bearer token is not valid (unknown or revoked)", "invalid_token")


def _unauthorized(detail: str, error: str) -> ProblemError:
    challenge = 'Bearer realm="orbitwatch"' + (f', error="{error}"' if error else "")
    return ProblemError(401, "Unauthorized", detail, headers={"WWW-Authenticate": challenge})
