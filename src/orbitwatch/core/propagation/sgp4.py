"""The reference SGP4 engine: a catalog as arrays over python-sgp4's ``SatrecArray`` (Vallado's C++ code).

python-sgp4 (Brandon Rhodes) wraps the code of Vallado, Crawford, Hujsak and Kelso (2006), "Revisiting
Spacetrack Report #3", AIAA 2006-6753, in improved mode ('i') with WGS-72 constants. It is the answer
of record for every state and every error code: the other engines are tested against it and hand it
every satellite they cannot vouch for.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from numpy.typing import NDArray
from sgp4.api import Satrec, SatrecArray

from orbitwatch.core.elements.model import ElementSet
from orbitwatch.core.propagation.states import TimeGrid

FloatArray = NDArray[np.float64]


@dataclass(frozen=True, slots=True, eq=False)
class SgpTimes:
    """The instants of a TimeGrid in the forms SGP4 engines take.

    ``jd_utc`` + ``fraction_utc`` is the UTC Julian date split as python-sgp4 wants it;
    ``minutes_after_t0`` is the same instant in minutes after ``t0_utc``. Every time slice keeps the
    grid's own values, so a satellite gets bit-identical times whatever the chunking.
    """

    t0_utc: datetime
    jd_utc: FloatArray
    fraction_utc: FloatArray
    minutes_after_t0: FloatArray

    @classmethod
    def from_grid(cls, grid: TimeGrid) -> "SgpTimes":
        """The instants of ``grid``."""
        jd_utc, fraction_utc = grid.julian_dates()
        minutes = np.asarray(grid.offsets_s, dtype=np.float64) / 60.0
        return cls(grid.t0_utc, jd_utc, fraction_utc, minutes)

    @property
    def size(self) -> int:
        """Number of instants."""
        return int(self.jd_utc.shape[0])

    def take(self, times: slice) -> "SgpTimes":
        """A contiguous range of the instants, as contiguous arrays."""
        return SgpTimes(
            self.t0_utc,
            np.ascontiguousarray(self.jd_utc[times]),
            np.ascontiguousarray(self.fraction_utc[times]),
            np.ascontiguousarray(self.minutes_after_t0[times]),
        )


def regular_boundaries(count: int, per_chunk: int) -> list[int]:
    """Chunk boundaries 0, per_chunk, 2 per_chunk, ..., count."""
    return [*range(0, count, max(per_chunk, 1)), count] if count else [0]


class Sgp4Catalog:
    """N element sets initialised once for python-sgp4 (``sgp4init`` through :meth:`ElementSet.to_satrec`).

    ``init_error[i]`` is the code ``sgp4init`` left for satellite i (0 when it initialised).
    """

    def __init__(self, elements: Sequence[ElementSet]) -> None:
        self.satrecs: tuple[Satrec, ...] = tuple(element.to_satrec() for element in elements)
        self.init_error: NDArray[np.int8] = np.array([s.error for s in self.satrecs], dtype=np.int8)

    def boundaries(self, per_chunk: int) -> list[int]:
        """Satellite chunk boundaries, ``per_chunk`` satellites each."""
        return regular_boundaries(len(self.satrecs), per_chunk)

    def batch(self, rows: slice) -> "Sgp4Batch":
        """The satellites ``rows`` as one SatrecArray."""
        return Sgp4Batch(self.satrecs[rows], self.init_error[rows])


class Sgp4Batch:
    """Satellites as one python-sgp4 ``SatrecArray``, propagated into caller-owned TEME buffers.

    ``init_error[i]`` is the code ``sgp4init`` left for satellite i (0 when it initialised).
    """

    def __init__(self, satrecs: Sequence[Satrec], init_error: NDArray[np.int8]) -> None:
        self.satrecs = tuple(satrecs)
        self.init_error = init_error
        self._array = SatrecArray(list(self.satrecs))

    def propagate_into(
        self,
        times: SgpTimes,
        r_teme_km: FloatArray,
        v_teme_km_s: FloatArray,
        error_code: NDArray[np.int8],
        radius2_km2: FloatArray,
    ) -> None:
        """Fill (N, M, 3) C-contiguous TEME position (km), velocity (km/s), (N, M) codes and |r|^2 (km^2)."""
        # SatrecArray.sgp4() allocates its outputs and then calls _sgp4() on them; calling _sgp4 on the
        # caller's buffers is the same computation without the allocation.
        self._array._sgp4(times.jd_utc, times.fraction_utc, error_code.view(np.uint8), r_teme_km, v_teme_km_s)
        np.einsum("nmi,nmi->nm", r_teme_km, r_teme_km, out=radius2_km2)

    def propagate_rows(
        self, rows: NDArray[np.intp], times: SgpTimes
    ) -> tuple[FloatArray, FloatArray, NDArray[np.int8]]:
        """TEME positions and velocities (len(rows), M, 3) and codes (len(rows), M) of satellites ``rows``."""
        shape = (rows.size, times.size)
        r_km, v_km_s = np.empty((*shape, 3)), np.empty((*shape, 3))
        codes = np.empty(shape, dtype=np.int8)
        SatrecArray([self.satrecs[i] for i in rows])._sgp4(
            times.jd_utc, times.fraction_utc, codes.view(np.uint8), r_km, v_km_s
        )
        return r_km, v_km_s, codes

    def propagate_rows_into(
        self,
        rows: NDArray[np.intp],
        times: SgpTimes,
        r_teme_km: FloatArray,
        v_teme_km_s: FloatArray,
        error_code: NDArray[np.int8],
        radius2_km2: FloatArray,
    ) -> None:
        """Propagate only the satellites ``rows`` and write their rows of the (N, M, ...) buffers."""
        r_km, v_km_s, codes = self.propagate_rows(rows, times)
        r_teme_km[rows], v_teme_km_s[rows], error_code[rows] = r_km, v_km_s, codes
        radius2_km2[rows] = np.einsum("nmi,nmi->nm", r_km, r_km)
