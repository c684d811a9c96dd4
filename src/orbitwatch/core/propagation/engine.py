"""The one function behind which the SGP4 engines sit: a catalog propagated to a time grid, in bounded chunks.

Engines (WGS-72, improved mode; each yields TEME states and SGP4 error codes, which this module turns
into ITRS states with one rotation, :func:`orbitwatch.core.frames.rotations.teme_to_itrs`):

- ``"sgp4"``: python-sgp4's ``SatrecArray`` (Vallado's C++ code), the reference;
- ``"astroz"``: astroz's native batch propagators, with python-sgp4 recomputing every satellite that
  astroz cannot vouch for (:mod:`orbitwatch.core.propagation.astroz_engine`);
- ``"auto"``: ``DEFAULT_ENGINE`` = ``"astroz"``, on this evidence (``benchmarks/bench_propagation.py``:
  the 2026-05-24 CelesTrak catalog, 11,886 objects x 1440 one-minute steps, on the 2-core development
  machine, which other jobs shared): python-sgp4 1.9-2.1 M propagations/s on its one core; astroz
  native 28 M/s on one thread (13.5 times python-sgp4) and 52 M/s on two (25 times) when the second
  core was free. The whole pipeline (engine, codes, TEME -> ITRS at 52-61 M states/s) runs at 14.7 M
  states/s with "astroz" on one thread against 2.0 M/s with "sgp4". (Two astroz threads help only
  when the second core is idle: with it busy they halved the pipeline's speed.) astroz agrees with
  python-sgp4 within 0.12 m near-Earth and 1.9 m deep-space on every object of the bundled sample,
  with identical error codes (tests/core/propagation).

Every chunk goes through the same steps: engine -> TEME states and SGP4 codes; a satellite that
``sgp4init`` rejected gets its code at every instant; a state SGP4 returned that is not finite or lies
beyond ``DIVERGED_APOGEE_FACTOR`` times the apogee radius of its elements gets orbitwatch's code 7
(``DIVERGED``; a radius below the Earth's is SGP4's own code 6); wherever the code is non-zero the
state is NaN; then TEME -> ITRS. Chunks are over satellites, and over times too when one satellite's
instants exceed ``max_states``; their buffers are allocated once and reused, so memory stays bounded
(100-150 bytes per state of ``max_states``) whatever N x M. Results do not depend on the chunking:
every satellite sees bit-identical times, the same engine and, with astroz, the same SIMD group.
"""

import itertools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Final, Protocol

import numpy as np
from numpy.typing import NDArray

from orbitwatch.core.constants import WGS72_RADIUS_KM
from orbitwatch.core.elements.model import ElementSet
from orbitwatch.core.frames.rotations import EarthRotation, earth_rotation, rotate_states
from orbitwatch.core.propagation.astroz_engine import AstrozCatalog
from orbitwatch.core.propagation.sgp4 import Sgp4Catalog, SgpTimes
from orbitwatch.core.propagation.states import DIVERGED, StateGrid, TimeGrid
from orbitwatch.errors import PropagationError

ENGINES: Final = ("auto", "sgp4", "astroz")
DEFAULT_ENGINE: Final = "astroz"
DEFAULT_MAX_STATES: Final = 1_000_000
DIVERGED_APOGEE_FACTOR: Final = 1.5
XP_REFUSAL: Final = (
    "orbitwatch propagates SGP4 element sets only; SGP4-XP (type 4) elements need the XP propagator"
)

FloatArray = NDArray[np.float64]
Progress = Callable[[int, int], None]


class _Catalog(Protocol):
    def boundaries(self, per_chunk: int) -> list[int]: ...

    def batch(self, rows: slice) -> "_Batch": ...


class _Batch(Protocol):
    init_error: NDArray[np.int8]

    def propagate_into(
        self,
        times: SgpTimes,
        r_teme_km: FloatArray,
        v_teme_km_s: FloatArray,
        error_code: NDArray[np.int8],
        radius2_km2: FloatArray,
    ) -> None: ...


@dataclass(frozen=True, slots=True)
class Rejected:
    """An element set refused before propagation, and why."""

    norad_id: int
    name: str
    reason: str


@dataclass(frozen=True, slots=True, eq=False)
class PropagationResult:
    """States of the accepted satellites, and the element sets refused before propagation.

    ``states`` rows are the accepted element sets in input order; ``element_index[i]`` is the position
    of row i's element set in the input sequence.
    """

    states: StateGrid
    element_index: NDArray[np.int64]
    rejected: tuple[Rejected, ...]


@dataclass(frozen=True, slots=True, eq=False)
class StateChunk:
    """One chunk from :func:`iter_states`: some satellites at a contiguous range of the grid's instants.

    ``element_index[i]`` is the input position of row i; ``times`` the range of the grid's instants
    (``states.times`` holds their offsets). The arrays live in buffers that the next chunk overwrites:
    copy what must outlive the iteration step.
    """

    states: StateGrid
    element_index: NDArray[np.int64]
    times: slice


def screen_elements(elements: Sequence[ElementSet]) -> tuple[NDArray[np.int64], tuple[Rejected, ...]]:
    """Input positions of the element sets SGP4 can propagate, and the refusals (SGP4-XP, type 4)."""
    accepted: list[int] = []
    rejected: list[Rejected] = []
    for index, element in enumerate(elements):
        if element.ephemeris_type == 4 or element.mean_element_theory.strip().upper() == "SGP4-XP":
            rejected.append(Rejected(element.norad_id, element.name, XP_REFUSAL))
        else:
            accepted.append(index)
    return np.array(accepted, dtype=np.int64), tuple(rejected)


@dataclass(frozen=True, slots=True, eq=False)
class _Plan:
    """What every chunk needs: the accepted element sets and their limits, times, rotation and engine."""

    grid: TimeGrid
    elements: tuple[ElementSet, ...]
    element_index: NDArray[np.int64]
    norad_ids: NDArray[np.int64]
    names: tuple[str, ...]
    max_radius2_km2: FloatArray
    times: SgpTimes
    rotation: EarthRotation
    catalog: _Catalog
    satellites_per_chunk: int
    instants_per_chunk: int

    def chunks(self) -> Iterator[tuple[slice, _Batch, slice]]:
        """(satellite range, its engine batch, instant range) in satellite-major order."""
        instants = self.times.size
        if instants == 0 or not self.elements:
            return
        bounds = self.catalog.boundaries(self.satellites_per_chunk)
        for start, stop in itertools.pairwise(bounds):
            satellites = slice(start, stop)
            batch = self.catalog.batch(satellites)
            for first in range(0, instants, self.instants_per_chunk):
                yield satellites, batch, slice(first, min(first + self.instants_per_chunk, instants))


def _plan(
    elements: Sequence[ElementSet], grid: TimeGrid, engine: str, polar_motion: bool, max_states: int
) -> tuple[_Plan, tuple[Rejected, ...]]:
    """Check the arguments, screen the element sets, initialise the engine and size the chunks."""
    if engine not in ENGINES:
        raise PropagationError(f"engine {engine!r} is not one of {', '.join(ENGINES)}")
    if max_states < 1:
        raise PropagationError(f"max_states must be at least 1, got {max_states}")
    index, rejected = screen_elements(elements)
    accepted = tuple(elements[i] for i in index)
    instants = max(min(grid.size, max_states), 1)
    satellites = max(max_states // instants, 1)
    max_radius_km = np.array(
        [DIVERGED_APOGEE_FACTOR * (e.apogee_alt_km + WGS72_RADIUS_KM) for e in accepted], dtype=np.float64
    )
    plan = _Plan(
        grid=grid,
        elements=accepted,
        element_index=index,
        norad_ids=np.array([e.norad_id for e in accepted], dtype=np.int64),
        names=tuple(e.name for e in accepted),
        max_radius2_km2=max_radius_km**2,
        times=SgpTimes.from_grid(grid),
        rotation=earth_rotation(grid, polar_motion=polar_motion),
        catalog=_catalog(accepted, grid, DEFAULT_ENGINE if engine == "auto" else engine),
        satellites_per_chunk=satellites,
        instants_per_chunk=instants,
    )
    return plan, rejected


def _catalog(elements: tuple[ElementSet, ...], grid: TimeGrid, engine: str) -> _Catalog:
    """The element sets initialised for ``engine``."""
    if engine == "astroz":
        return AstrozCatalog(elements, grid.t0_utc)
    return Sgp4Catalog(elements)


class _Workspace:
    """Flat buffers sized for the largest chunk, viewed as (n, m, ...) C-contiguous arrays for each chunk."""

    def __init__(self, plan: _Plan, *, itrs: bool) -> None:
        size = min(plan.satellites_per_chunk, len(plan.elements)) * plan.instants_per_chunk
        self._r_teme = np.empty(size * 3)
        self._v_teme = np.empty(size * 3)
        self._code = np.empty(size, dtype=np.int8)
        self._radius2 = np.empty(size)
        self._r_itrs = np.empty(size * 3 if itrs else 0)
        self._v_itrs = np.empty(size * 3 if itrs else 0)

    def teme(self, n: int, m: int) -> tuple[FloatArray, FloatArray, NDArray[np.int8], FloatArray]:
        """TEME position and velocity buffers (n, m, 3), the code buffer and the |r|^2 buffer (n, m)."""
        return (
            self._r_teme[: n * m * 3].reshape(n, m, 3),
            self._v_teme[: n * m * 3].reshape(n, m, 3),
            self._code[: n * m].reshape(n, m),
            self._radius2[: n * m].reshape(n, m),
        )

    def itrs(self, n: int, m: int) -> tuple[FloatArray, FloatArray]:
        """ITRS position and velocity buffers (n, m, 3)."""
        return self._r_itrs[: n * m * 3].reshape(n, m, 3), self._v_itrs[: n * m * 3].reshape(n, m, 3)


def _apply_codes(
    r_km: FloatArray,
    v_km_s: FloatArray,
    code: NDArray[np.int8],
    radius2_km2: FloatArray,
    init_error: NDArray[np.int8],
    max_radius2_km2: FloatArray,
) -> None:
    """Init failures at every instant, code 7 for diverged states, NaN wherever the code is non-zero."""
    failed_init = init_error != 0
    if failed_init.any():
        code[failed_init] = init_error[failed_init][:, None]
    suspect_rows = np.flatnonzero(~np.all(radius2_km2 <= max_radius2_km2[:, None], axis=1))  # NaN: suspect
    for row in suspect_rows:
        diverged = ~(radius2_km2[row] <= max_radius2_km2[row]) & (code[row] == 0)
        code[row, diverged] = DIVERGED
    bad = code != 0
    if bad.any():
        r_km[bad] = np.nan
        v_km_s[bad] = np.nan


def _run(
    plan: _Plan,
    workspace: _Workspace,
    itrs_out: Callable[[slice, slice], tuple[FloatArray, FloatArray]],
) -> Iterator[tuple[slice, slice, FloatArray, FloatArray, NDArray[np.int8], FloatArray, FloatArray]]:
    """Compute every chunk; yield (satellites, times, r_teme, v_teme, code, r_itrs, v_itrs)."""
    for satellites, batch, times in plan.chunks():
        n, m = satellites.stop - satellites.start, times.stop - times.start
        r_teme, v_teme, code, radius2 = workspace.teme(n, m)
        batch.propagate_into(plan.times.take(times), r_teme, v_teme, code, radius2)
        _apply_codes(r_teme, v_teme, code, radius2, batch.init_error, plan.max_radius2_km2[satellites])
        r_itrs, v_itrs = itrs_out(satellites, times)
        rotation = plan.rotation.take(times)
        rotate_states(r_teme, v_teme, rotation.matrix, rotation.rate_per_s, r_itrs, v_itrs)
        yield satellites, times, r_teme, v_teme, code, r_itrs, v_itrs


def iter_states(
    elements: Sequence[ElementSet],
    grid: TimeGrid,
    *,
    engine: str = "auto",
    polar_motion: bool = True,
    with_teme: bool = False,
    max_states: int = DEFAULT_MAX_STATES,
) -> Iterator[StateChunk]:
    """Chunks of the catalog's ITRS states on ``grid``, each at most ``max_states`` states, in reused buffers.

    ``engine`` is one of ``ENGINES`` ("auto" is ``DEFAULT_ENGINE``). Element sets that
    :func:`screen_elements` refuses are skipped (``propagate`` reports them). Each chunk's arrays are
    overwritten by the next one. ``polar_motion=False`` gives PEF instead of ITRS (about 10 m apart at
    the Earth's surface); ``with_teme`` keeps the TEME states in the chunk too.
    """
    plan, _ = _plan(elements, grid, engine, polar_motion, max_states)
    workspace = _Workspace(plan, itrs=True)
    for satellites, times, r_teme, v_teme, code, r_itrs, v_itrs in _run(
        plan, workspace, lambda s, t: workspace.itrs(s.stop - s.start, t.stop - t.start)
    ):
        states = StateGrid(
            TimeGrid(grid.t0_utc, grid.offsets_s[times]),
            plan.norad_ids[satellites],
            plan.names[satellites],
            r_itrs,
            v_itrs,
            code,
            r_teme if with_teme else None,
            v_teme if with_teme else None,
        )
        yield StateChunk(states, plan.element_index[satellites], times)


def propagate(
    elements: Sequence[ElementSet],
    grid: TimeGrid,
    *,
    engine: str = "auto",
    polar_motion: bool = True,
    with_teme: bool = False,
    max_states: int = DEFAULT_MAX_STATES,
    progress: Progress | None = None,
) -> PropagationResult:
    """ITRS positions (km) and Earth-fixed velocities (km/s) of every element set at every instant of a grid.

    Returns the states of the accepted element sets (input order) and the refused ones with reasons
    (SGP4-XP, ephemeris type 4). SGP4 failures never raise: they are codes in ``states.error_code``
    per satellite and instant (:class:`~orbitwatch.core.propagation.states.StateGrid`). The work runs in
    chunks of at most ``max_states`` states; ``progress(done_states, total_states)`` is called after
    each. ``engine``, ``polar_motion`` and ``with_teme`` are as for :func:`iter_states`.
    """
    plan, rejected = _plan(elements, grid, engine, polar_motion, max_states)
    shape = (len(plan.elements), grid.size)
    r_itrs, v_itrs = np.empty((*shape, 3)), np.empty((*shape, 3))
    code = np.zeros(shape, dtype=np.int8)
    r_teme = np.empty((*shape, 3)) if with_teme else None
    v_teme = np.empty((*shape, 3)) if with_teme else None
    done, total = 0, shape[0] * shape[1]
    for satellites, times, chunk_r_teme, chunk_v_teme, chunk_code, _, _ in _run(
        plan, _Workspace(plan, itrs=False), lambda s, t: (r_itrs[s, t], v_itrs[s, t])
    ):
        code[satellites, times] = chunk_code
        if r_teme is not None and v_teme is not None:
            r_teme[satellites, times], v_teme[satellites, times] = chunk_r_teme, chunk_v_teme
        done += chunk_code.size
        if progress is not None:
            progress(done, total)
    states = StateGrid(grid, plan.norad_ids, plan.names, r_itrs, v_itrs, code, r_teme, v_teme)
    return PropagationResult(states, plan.element_index, rejected)
