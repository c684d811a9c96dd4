"""The fast SGP4 engine: astroz's native batch propagators, with python-sgp4 as the answer of record.

astroz (MIT, https://github.com/ATTron/astroz) implements SGP4/SDP4 in Zig: SIMD batches for
near-Earth satellites (``Sgp4Constellation.propagate_into``) and SIMD, threaded SDP4 for deep space
(``sdp4_batch_propagate_into``); ``ASTROZ_THREADS`` is read once per process. Only that native API is
used, fed from element values through ``Satrec.sgp4init`` (the same call and arguments as
:meth:`ElementSet.to_satrec`); astroz is never given a path, URL or group name (its ``Constellation``
fetches unknown strings from the network).

python-sgp4 computes, and its states and codes replace astroz's, every satellite of a chunk that:

- failed ``sgp4init`` in either library;
- has any non-finite astroz value in the chunk (astroz 0.17 returns NaN without SGP4's error code);
- comes within ``NEAR_DECAY_ALTITUDE_KM`` of the Earth's equatorial radius at any instant of the chunk;
- fails in python-sgp4 at the chunk's first or last instant (a probe of two propagations per
  satellite, for a window that lies wholly after a decay).

Evidence: on the 2026-05-24 catalog with B* raised so that 7,501 of its 11,310 near-Earth objects fail
within 20 days (852,234 failed states), astroz's NaNs matched every SGP4 error, and each of the 187
states it returned where SGP4 says "decayed" came after an earlier NaN of the same satellite; with
the rules above the engine's codes equal python-sgp4's on every state, also in time chunks of 7
instants and in windows starting 15 or 30 days after the epochs (tests/core/propagation). The last
two rules never fired in those runs; they cost about 1% and guard what the runs could not reach.

Reproducibility: astroz's results do not depend on time chunking or on the thread count, but they do
depend, by up to 1e-8 km (4e-8 km for SDP4), on which satellites share a SIMD batch. Each family
(near-Earth, deep-space) is therefore split into fixed groups of ``SIMD_GROUP`` satellites in input
order, and a satellite is always propagated inside its own group, so every chunking of one catalog is
bit-identical. Two different catalogs group a satellite differently: its states may differ by that
much (the "sgp4" engine is bit-identical under any partition).
"""

import math
from collections.abc import Sequence
from datetime import datetime

import numpy as np
from astroz import _astroz
from numpy.typing import NDArray
from sgp4.api import jday

from orbitwatch.core.constants import JD_SGP4_EPOCH0, MINUTES_PER_DAY, TWO_PI, WGS72_RADIUS_KM
from orbitwatch.core.elements.model import ElementSet
from orbitwatch.core.propagation.sgp4 import Sgp4Catalog, SgpTimes, regular_boundaries

NEAR_DECAY_ALTITUDE_KM = 150.0
SIMD_GROUP = 8
_NEAR_DECAY_RADIUS2_KM2 = (WGS72_RADIUS_KM + NEAR_DECAY_ALTITUDE_KM) ** 2
_RAD_PER_MIN_PER_REV_PER_DAY = TWO_PI / MINUTES_PER_DAY

FloatArray = NDArray[np.float64]


def astroz_satrec(element: ElementSet) -> _astroz.Satrec:
    """An astroz native ``Satrec`` initialised by ``sgp4init`` (WGS-72, 'i') from an element set's values.

    astroz keeps catalog numbers above 339999, which python-sgp4's ``sgp4init`` cannot hold.
    """
    epoch = element.epoch_utc
    jd, fraction = jday(
        epoch.year, epoch.month, epoch.day, epoch.hour, epoch.minute, epoch.second + epoch.microsecond * 1e-6
    )
    satrec = _astroz.Satrec()
    satrec.sgp4init(
        _astroz.WGS72,
        "i",
        element.norad_id,
        (jd - JD_SGP4_EPOCH0) + fraction,
        element.bstar_per_earth_radius,
        element.mean_motion_dot_rev_per_day2 * _RAD_PER_MIN_PER_REV_PER_DAY / MINUTES_PER_DAY,
        element.mean_motion_ddot_rev_per_day3 * _RAD_PER_MIN_PER_REV_PER_DAY / MINUTES_PER_DAY**2,
        element.eccentricity,
        math.radians(element.arg_perigee_deg),
        math.radians(element.inclination_deg),
        math.radians(element.mean_anomaly_deg),
        element.mean_motion_rev_per_day * _RAD_PER_MIN_PER_REV_PER_DAY,
        math.radians(element.raan_deg),
    )
    return satrec


def _minutes_between(later: datetime, earlier: datetime) -> float:
    """Exact minutes from ``earlier`` to ``later`` (both carry microseconds)."""
    return (later - earlier).total_seconds() / 60.0


class _Family:
    """The satellites of one astroz propagator (near-Earth SGP4 or deep-space SDP4), in input order.

    ``rows`` are their catalog rows; ``before[i]`` counts the family's satellites before catalog row i.
    """

    def __init__(self, satrecs: Sequence[_astroz.Satrec], members: NDArray[np.bool_]) -> None:
        self.rows = np.flatnonzero(members)
        self.satrecs = [satrecs[int(i)] for i in self.rows]
        self.before = np.concatenate([[0], np.cumsum(members)])

    def span(self, rows: slice) -> tuple[slice, slice]:
        """The family members among catalog rows ``rows``, and the whole SIMD groups that hold them."""
        first, end = int(self.before[rows.start]), int(self.before[rows.stop])
        group_start = first - first % SIMD_GROUP
        group_end = min(-(-end // SIMD_GROUP) * SIMD_GROUP, len(self.rows))
        return slice(first, end), slice(group_start, group_end)


class AstrozCatalog:
    """N element sets initialised once for astroz and python-sgp4, with astroz's fixed SIMD groups."""

    def __init__(self, elements: Sequence[ElementSet], t0_utc: datetime) -> None:
        self.reference = Sgp4Catalog(elements)
        satrecs = [astroz_satrec(element) for element in elements]
        usable = np.array(
            [s.error == 0 and code == 0 for s, code in zip(satrecs, self.reference.init_error, strict=True)],
            dtype=bool,
        )
        deep = np.array([s.is_deep_space for s in satrecs], dtype=bool)
        self.near = _Family(satrecs, usable & ~deep)
        self.deep = _Family(satrecs, usable & deep)
        self.near_epoch_offsets_min = np.array(
            [_minutes_between(t0_utc, elements[int(i)].epoch_utc) for i in self.near.rows], dtype=np.float64
        )

    def boundaries(self, per_chunk: int) -> list[int]:
        """Chunk boundaries of at most ``per_chunk`` satellites, on near-Earth group edges where possible."""
        before = self.near.before
        count = len(before) - 1
        if per_chunk < SIMD_GROUP:
            return regular_boundaries(count, per_chunk)
        bounds = [0]
        while bounds[-1] < count:
            start = bounds[-1]
            stop = min(start + per_chunk, count)
            if stop < count:
                aligned = np.flatnonzero(before[start + 1 : stop + 1] % SIMD_GROUP == 0)
                stop = start + 1 + int(aligned[-1]) if aligned.size else stop
            bounds.append(stop)
        return bounds

    def batch(self, rows: slice) -> "AstrozBatch":
        """The satellites ``rows`` (a chunk of this catalog)."""
        return AstrozBatch(self, rows)


class AstrozBatch:
    """A chunk of an AstrozCatalog: its satellites on astroz, the failed and the flagged on python-sgp4.

    ``init_error[i]`` is python-sgp4's ``sgp4init`` code for satellite i of the chunk.
    """

    def __init__(self, catalog: AstrozCatalog, rows: slice) -> None:
        self._reference = catalog.reference.batch(rows)
        self.init_error = self._reference.init_error
        near_members, near_groups = catalog.near.span(rows)
        deep_members, deep_groups = catalog.deep.span(rows)
        self._near = catalog.near.rows[near_members] - rows.start  # chunk rows
        self._deep = catalog.deep.rows[deep_members] - rows.start
        self._near_in_groups = _shift(near_members, near_groups.start)
        self._deep_in_groups = _shift(deep_members, deep_groups.start)
        self._always_reference = np.ones(rows.stop - rows.start, dtype=bool)
        self._always_reference[self._near] = False
        self._always_reference[self._deep] = False
        self._constellation = (
            _astroz.Sgp4Constellation(catalog.near.satrecs[near_groups], gravity_model=_astroz.WGS72)
            if self._near.size
            else None
        )
        self._near_epoch_offsets_min = catalog.near_epoch_offsets_min[near_groups]
        self._deep_satrecs = catalog.deep.satrecs[deep_groups] if self._deep.size else []
        contiguous = self._near.size > 0 and self._near[-1] - self._near[0] + 1 == self._near.size
        self._near_direct = contiguous and near_members == near_groups

    def propagate_into(
        self,
        times: SgpTimes,
        r_teme_km: FloatArray,
        v_teme_km_s: FloatArray,
        error_code: NDArray[np.int8],
        radius2_km2: FloatArray,
    ) -> None:
        """Fill (N, M, 3) C-contiguous TEME position (km), velocity (km/s), (N, M) codes and |r|^2 (km^2)."""
        error_code.fill(0)
        reference_rows = self._always_reference.copy()
        for rows, r_fast in (
            (self._near, self._propagate_near(times, r_teme_km, v_teme_km_s)),
            (self._deep, self._propagate_deep(times, r_teme_km, v_teme_km_s)),
        ):
            if rows.size:
                fast_radius2 = np.einsum("nmi,nmi->nm", r_fast, r_fast)
                radius2_km2[rows] = fast_radius2
                reference_rows[rows] = self._suspect(rows, times, fast_radius2)
        flagged = np.flatnonzero(reference_rows)
        if flagged.size:
            self._reference.propagate_rows_into(
                flagged, times, r_teme_km, v_teme_km_s, error_code, radius2_km2
            )

    def _propagate_near(self, times: SgpTimes, r_teme_km: FloatArray, v_teme_km_s: FloatArray) -> FloatArray:
        """Run the near-Earth SIMD groups and write the chunk's rows (in place when they are the groups)."""
        if self._constellation is None:
            return np.empty((0, times.size, 3))
        if self._near_direct:
            block = slice(int(self._near[0]), int(self._near[-1]) + 1)
            r_out, v_out = r_teme_km[block], v_teme_km_s[block]
        else:
            shape = (self._near_epoch_offsets_min.size, times.size, 3)
            r_out, v_out = np.empty(shape), np.empty(shape)
        self._constellation.propagate_into(
            times.minutes_after_t0, r_out, v_out, epoch_offsets=self._near_epoch_offsets_min, output="teme"
        )
        if not self._near_direct:
            r_teme_km[self._near] = r_out[self._near_in_groups]
            v_teme_km_s[self._near] = v_out[self._near_in_groups]
        return r_out[self._near_in_groups]

    def _propagate_deep(self, times: SgpTimes, r_teme_km: FloatArray, v_teme_km_s: FloatArray) -> FloatArray:
        """Run the deep-space SIMD groups and write the chunk's rows."""
        if not self._deep_satrecs:
            return np.empty((0, times.size, 3))
        shape = (len(self._deep_satrecs), times.size, 3)
        r_out, v_out = np.empty(shape), np.empty(shape)
        _astroz.sdp4_batch_propagate_into(self._deep_satrecs, times.jd_utc, times.fraction_utc, r_out, v_out)
        r_teme_km[self._deep] = r_out[self._deep_in_groups]
        v_teme_km_s[self._deep] = v_out[self._deep_in_groups]
        return r_out[self._deep_in_groups]

    def _suspect(self, rows: NDArray[np.intp], times: SgpTimes, radius2_km2: FloatArray) -> NDArray[np.bool_]:
        """For astroz rows: True where python-sgp4 must supply the states (module docstring)."""
        suspect: NDArray[np.bool_] = ~np.all(radius2_km2 >= _NEAR_DECAY_RADIUS2_KM2, axis=1)  # NaN: suspect
        ends = times.take(slice(0, times.size, max(times.size - 1, 1)))
        _, _, probe_codes = self._reference.propagate_rows(rows, ends)
        suspect |= np.any(probe_codes != 0, axis=1)
        return suspect


def _shift(members: slice, origin: int) -> slice:
    """``members`` counted from ``origin``."""
    return slice(members.start - origin, members.stop - origin)
