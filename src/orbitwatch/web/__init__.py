"""The REST API (FastAPI): :func:`create_app` builds it from :class:`Settings`; ``orbitwatch serve`` runs it.

Routers are thin: they check and convert what a request says, call the same service functions as the
CLI, and turn the results into the response models of :mod:`orbitwatch.web.schemas`. Errors are RFC 9457
problem documents (:mod:`orbitwatch.web.problems`); writes need a bearer token (:mod:`orbitwatch.web.auth`);
request bodies and computations are bounded (:mod:`orbitwatch.web.limits`).
"""

from orbitwatch.web.app import create_app
from orbitwatch.web.settings import Settings

__all__ = ["Settings", "create_app"]
