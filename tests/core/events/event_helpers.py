"""Real satellites of the bundled sample and a StateGrid builder independent of orbitwatch's propagation.

States come from python-sgp4's ``SatrecArray`` (Vallado's code) fed the TLE text itself, rotated to
ITRS by Skyfield's ``TEME_to_ITRF`` (GMST 1982 and the IERS pole of the window's middle), so that the
event tests depend only on the events code and on independent references.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from sgp4.api import Satrec, SatrecArray
from skyfield.sgp4lib import TEME_to_ITRF

from orbitwatch.core.elements.model import ElementSet
from orbitwatch.core.elements.tle import read_tle
from orbitwatch.core.frames.time import skyfield_time
from orbitwatch.core.propagation.states import StateGrid, TimeGrid

DAY = "2026-05-24"
T0 = datetime(2026, 5, 24, tzinfo=UTC)
DAY_S = 86400.0  # Skyfield's TEME_to_ITRF works in km and days


@dataclass(frozen=True)
class Sat:
    """One sample satellite: its element set and its TLE lines."""

    element: ElementSet
    line1: str
    line2: str


def sample_groups(sample_dir: Path) -> dict[str, list[Sat]]:
    """Every satellite of the 2026-05-24 sample, by group file (stations, resource, geo, ...)."""
    groups: dict[str, list[Sat]] = {}
    for path in sorted((sample_dir / DAY).glob("*.tle")):
        result = read_tle(path.read_text(encoding="utf-8"), path.name)
        groups[path.stem] = [
            Sat(element, *text.split("\n")[-2:])
            for element, text in zip(result.records, result.texts, strict=True)
        ]
    return groups


def by_name(groups: dict[str, list[Sat]], *names: str) -> list[Sat]:
    """The satellites of these names, in that order."""
    index = {sat.element.name: sat for sats in groups.values() for sat in sats}
    return [index[name] for name in names]


def itrs_states(sats: list[Sat], grid: TimeGrid) -> StateGrid:
    """States of ``sats`` on ``grid`` from python-sgp4 and Skyfield's TEME -> ITRF (with polar motion)."""
    array = SatrecArray([Satrec.twoline2rv(s.line1, s.line2) for s in sats])
    jd, fraction = grid.julian_dates()
    error, r_teme, v_teme = array.sgp4(jd, fraction)
    time = skyfield_time(grid)
    middle = TimeGrid(grid.t0_utc, grid.offsets_s[[grid.size // 2]])
    _, xp_arcsec, yp_arcsec = skyfield_time(middle).polar_motion_angles()
    xp, yp = (float(np.radians(a[0] / 3600.0)) for a in (xp_arcsec, yp_arcsec))
    r = np.empty_like(r_teme)
    v = np.empty_like(v_teme)
    for i in range(len(sats)):
        r_i, v_i = TEME_to_ITRF(time.whole, r_teme[i].T, v_teme[i].T * DAY_S, xp, yp, time.ut1_fraction)
        r[i], v[i] = r_i.T, v_i.T / DAY_S
    return StateGrid(
        grid,
        np.array([s.element.norad_id for s in sats], dtype=np.int64),
        tuple(s.element.name for s in sats),
        r,
        v,
        error.astype(np.int8),
    )
