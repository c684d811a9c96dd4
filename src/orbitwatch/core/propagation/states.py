"""The shared shapes of propagation results: a time grid and satellite states on it.

Every producer (SGP4 engines, Dask chunks, hypothetical satellites) returns a ``StateGrid`` and
every consumer (passes, imaging, revisit, exports) takes one, so that a single satellite is a
catalog of one and one code path serves all.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

import numpy as np
from numpy.typing import NDArray

from orbitwatch.core.elements.epochs import as_utc


@dataclass(frozen=True, slots=True, eq=False)
class TimeGrid:
    """Instants as float seconds after a UTC reference ``t0_utc`` (exact to well under 1 us over days).

    ``offsets_s`` is strictly increasing, shape (M,).
    """

    t0_utc: datetime
    offsets_s: NDArray[np.float64]

    def __post_init__(self) -> None:
        object.__setattr__(self, "t0_utc", as_utc(self.t0_utc))

    @classmethod
    def regular(cls, start_utc: datetime, duration_s: float, step_s: float) -> "TimeGrid":
        """A grid from ``start_utc`` every ``step_s`` seconds, its last point at or after ``duration_s``."""
        count = int(np.ceil(duration_s / step_s)) + 1
        return cls(start_utc, np.arange(count, dtype=np.float64) * step_s)

    @property
    def size(self) -> int:
        """Number of instants M."""
        return int(self.offsets_s.shape[0])

    def utc(self, offset_s: float) -> datetime:
        """The UTC datetime of one offset, rounded to the microsecond."""
        return self.t0_utc + timedelta(microseconds=round(float(offset_s) * 1e6))

    def julian_dates(self) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """UTC Julian dates split into whole part and fraction (for SGP4 and Skyfield precision)."""
        t0 = self.t0_utc
        seconds_of_day = t0.hour * 3600 + t0.minute * 60 + t0.second + t0.microsecond * 1e-6
        jd0 = (
            367 * t0.year
            - (7 * (t0.year + (t0.month + 9) // 12)) // 4
            + (275 * t0.month) // 9
            + t0.day
            + 1721013.5
        )
        fraction = (seconds_of_day + self.offsets_s) / 86400.0
        whole = np.floor(fraction)
        return jd0 + whole, fraction - whole


# SGP4's error codes (Vallado et al. 2006, sgp4 and sgp4init; python-sgp4's SGP4_ERRORS), and the
# code orbitwatch adds for states that SGP4 returns without complaint but that cannot be the orbit.
SGP4_ERROR_MESSAGES: Final = {
    1: "mean eccentricity is outside the range 0 <= e < 1",
    2: "mean motion has fallen below zero",
    3: "perturbed eccentricity is outside the range 0 <= e <= 1",
    4: "length of the orbit's semi-latus rectum has fallen below zero",
    5: "epoch elements are sub-orbital",
    6: "satellite has decayed",
}
DIVERGED = 7
ERROR_MESSAGES: Final = {
    **SGP4_ERROR_MESSAGES,
    DIVERGED: "diverged: the state is not finite or lies beyond 1.5 times the apogee radius of the elements",
}


@dataclass(frozen=True, slots=True, eq=False)
class StateGrid:
    """Positions and velocities of N satellites at the M instants of a TimeGrid.

    Arrays are satellite-major: ``r_itrs_km[i, j]`` is satellite i at instant j, in the ITRS
    (Earth-fixed, WGS-84) frame; ``v_itrs_km_s`` is the Earth-fixed velocity (the derivative of the
    Earth-fixed track). ``error_code[i, j]`` is SGP4's code (0: valid; 1-6 as in Vallado et al.
    2006: eccentricity out of range, mean motion negative, perturbed eccentricity out of range,
    semi-latus rectum negative, -, decayed) or orbitwatch's 7 (diverged: a state SGP4 returned that is
    not finite or lies beyond 1.5 times the apogee radius of the elements); where it is non-zero the
    state is NaN and must not be used (``ERROR_MESSAGES`` has the texts). A satellite whose elements
    SGP4 rejects at initialisation carries that code at every instant. ``norad_ids`` and ``names``
    identify the rows. ``r_teme_km`` and ``v_teme_km_s`` are the same states in SGP4's TEME frame
    when the producer was asked to keep them, else None.
    """

    times: TimeGrid
    norad_ids: NDArray[np.int64]
    names: tuple[str, ...]
    r_itrs_km: NDArray[np.float64]
    v_itrs_km_s: NDArray[np.float64]
    error_code: NDArray[np.int8]
    r_teme_km: NDArray[np.float64] | None = None
    v_teme_km_s: NDArray[np.float64] | None = None

    @property
    def count(self) -> int:
        """Number of satellites N."""
        return int(self.norad_ids.shape[0])
