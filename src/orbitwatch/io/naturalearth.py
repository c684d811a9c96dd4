"""The bundled Natural Earth land polygons (public domain), at 1:110m and 1:50m, as GeoJSON bytes.

Read once per scale; the ground-track plots and the dashboard's map both draw from here.
"""

import functools
from importlib import resources
from typing import Final

LAND_SCALES: Final = ("110m", "50m")
_FOLDER: Final = resources.files("orbitwatch") / "io" / "bundled" / "naturalearth"


@functools.cache
def land_geojson_bytes(scale: str) -> bytes:
    """The land polygons at ``scale`` (one of ``LAND_SCALES``) as GeoJSON bytes; a ValueError otherwise."""
    if scale not in LAND_SCALES:
        raise ValueError(f"land scale {scale!r} is not one of {', '.join(LAND_SCALES)}")
    return (_FOLDER / f"land-{scale}.geojson").read_bytes()
