"""Providers of element data over HTTP: CelesTrak, Space-Track, and the shared driver.

- :mod:`~orbitwatch.io.sources.http`: ``HttpFetcher``, the one httpx driver (User-Agent, rate
  limit per host, retries, timeouts, on-disk cache);
- :mod:`~orbitwatch.io.sources.celestrak`: CelesTrak GP queries
  (https://celestrak.org/NORAD/documentation/gp-data-formats.php);
- :mod:`~orbitwatch.io.sources.spacetrack`: Space-Track ``gp`` and ``gp_history`` queries
  (https://www.space-track.org/documentation).

Sources only fetch bytes: parsing is the core's job and storing is the store's. This package
module imports none of its submodules, so that :mod:`orbitwatch.io.files` can read
``CELESTRAK_GROUPS`` without an import cycle.
"""

from orbitwatch.errors import SourceError


class QueryError(SourceError, ValueError):
    """A provider query cannot be built from the arguments given (unknown format, no selector...)."""
