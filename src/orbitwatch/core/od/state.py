"""An osculating Cartesian orbit state: what initial orbit determination and the estimators return.

The state is a position (km) and velocity (km/s) at a UTC epoch in a named frame:

``gcrs``  the Geocentric Celestial Reference System, axes of the ICRF (as Skyfield's ``EarthSatellite``
          positions and ``orbitwatch.core.frames.rotations`` use them; EME2000/J2000 differs by the frame
          bias, about 23 milliarcseconds);
``teme``  SGP4's True Equator, Mean Equinox frame of date;
``itrs``  Earth-fixed (WGS-84), with the Earth-fixed velocity.
"""

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Final

import numpy as np
from numpy.typing import NDArray

from orbitwatch.errors import ObservationError

STATE_FRAMES: Final = frozenset({"gcrs", "teme", "itrs"})
"""The frames an :class:`OrbitState` may be given in."""


@dataclass(frozen=True, slots=True)
class OrbitState:
    """Position ``r_km`` and velocity ``v_km_s`` at ``epoch_utc`` (timezone-aware) in ``frame``.

    Construction checks the frame, the time zone and that all six numbers are finite
    (:class:`~orbitwatch.errors.ObservationError`).
    """

    epoch_utc: datetime
    frame: str
    r_km: tuple[float, float, float]
    v_km_s: tuple[float, float, float]

    def __post_init__(self) -> None:
        if self.frame not in STATE_FRAMES:
            raise ObservationError(f"orbit state: frame {self.frame!r} is not one of {sorted(STATE_FRAMES)}")
        if self.epoch_utc.tzinfo is None:
            raise ObservationError(f"orbit state: the epoch {self.epoch_utc} has no time zone (expected UTC)")
        if len(self.r_km) != 3 or len(self.v_km_s) != 3:
            raise ObservationError("orbit state: position and velocity must have three components each")
        object.__setattr__(self, "r_km", tuple(float(x) for x in self.r_km))
        object.__setattr__(self, "v_km_s", tuple(float(x) for x in self.v_km_s))
        if not all(math.isfinite(x) for x in (*self.r_km, *self.v_km_s)):
            raise ObservationError(f"orbit state: a component is not finite: {self.r_km} {self.v_km_s}")

    @classmethod
    def from_arrays(
        cls, epoch_utc: datetime, frame: str, r_km: NDArray[np.float64], v_km_s: NDArray[np.float64]
    ) -> "OrbitState":
        """A state from two 3-vectors (any array-like of three floats)."""
        r, v = np.asarray(r_km, dtype=np.float64).reshape(3), np.asarray(v_km_s, dtype=np.float64).reshape(3)
        return cls(
            epoch_utc, frame, (float(r[0]), float(r[1]), float(r[2])), (float(v[0]), float(v[1]), float(v[2]))
        )

    @property
    def r_array_km(self) -> NDArray[np.float64]:
        """The position as a new (3,) array."""
        return np.array(self.r_km, dtype=np.float64)

    @property
    def v_array_km_s(self) -> NDArray[np.float64]:
        """The velocity as a new (3,) array."""
        return np.array(self.v_km_s, dtype=np.float64)
