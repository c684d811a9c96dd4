"""The orbit-determination pipeline (pure): from time-ordered measurements to an orbit, by a growing arc.

The measurements are cut into tracks (a gap of more than ``TRACK_GAP_S``); initial orbit determination
runs on the first track that allows it (Gauss for angles, Gibbs / Herrick-Gibbs on radar or position
fixes, refined by a two-body fit; :mod:`orbitwatch.core.od.iod`); then batch least squares
(:func:`orbitwatch.core.od.batch.batch_least_squares`, J2..J4) is run on the first track, then on the
first two, and so on, each from the previous solution, so that the initial guess is always close enough
for the whole arc. On arcs longer than ``DRAG_ARC_S`` the last fit also estimates C_D A / m
(exponential-atmosphere drag). With ``fit_tle``, SGP4 mean elements are fitted to all measurements
(:mod:`orbitwatch.core.od.tlefit`), so the result can be shared in the catalog's own format.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
from numpy.typing import NDArray

from orbitwatch.core.frames.rotations import teme_from_gcrs_matrix
from orbitwatch.core.od.batch import OrbitSolution, batch_least_squares
from orbitwatch.core.od.iod import (
    angles_only,
    herrick_gibbs,
    radar_positions_gcrs,
    radar_track,
    three_positions,
)
from orbitwatch.core.od.measurements import Measurement, Station
from orbitwatch.core.od.predict import earth_orientation, gcrs_states_from_itrs
from orbitwatch.core.od.state import OrbitState
from orbitwatch.core.od.tlefit import ElementFit, fit_elements_to_measurements, osculating_elements
from orbitwatch.core.propagation.numerical import ForceModel
from orbitwatch.core.propagation.states import TimeGrid
from orbitwatch.errors import ConvergenceError, ObservationError

FloatArray = NDArray[np.float64]

INITIAL_METHODS = ("auto", "gauss", "radar", "gibbs", "herrick-gibbs")
TRACK_GAP_S = 600.0
DRAG_ARC_S = 12 * 3600.0
INITIAL_BALLISTIC_M2_KG = 0.01
DEFAULT_FITTED_NORAD_ID = 99999
_POSITION_KINDS = ("position_gcrs", "position_itrs", "pv_gcrs", "pv_itrs")


@dataclass(frozen=True, slots=True, eq=False)
class OrbitDetermination:
    """An orbit determined from measurements: the initial orbit (and how), the batch solution, and the
    fitted SGP4 element set when asked for."""

    initial: OrbitState
    initial_method: str
    solution: OrbitSolution
    element_fit: ElementFit | None = None
    tracks: int = 1
    arc_s: float = 0.0
    notes: tuple[str, ...] = field(default=())


def split_tracks(measurements: Sequence[Measurement], gap_s: float = TRACK_GAP_S) -> list[list[Measurement]]:
    """Time-ordered measurements cut into tracks at gaps longer than ``gap_s`` (stations may overlap)."""
    tracks: list[list[Measurement]] = []
    for m in sorted(measurements, key=lambda m: m.time_utc):
        if tracks and (m.time_utc - tracks[-1][-1].time_utc).total_seconds() <= gap_s:
            tracks[-1].append(m)
        else:
            tracks.append([m])
    return tracks


def _position_fixes(
    measurements: Sequence[Measurement], stations: dict[str, Station]
) -> tuple[list[datetime], FloatArray]:
    times, r = radar_positions_gcrs(measurements, stations)
    fixes = [m for m in measurements if m.kind in _POSITION_KINDS]
    if fixes:
        values = np.array([m.values[:3] for m in fixes], dtype=np.float64)
        fix_times = [m.time_utc for m in fixes]
        itrs = np.array([m.kind.endswith("itrs") for m in fixes])
        gcrs, _ = gcrs_states_from_itrs(values, np.zeros_like(values), earth_orientation(fix_times))
        values = np.where(itrs[:, None], gcrs, values)
        order = np.argsort([t.timestamp() for t in [*times, *fix_times]], kind="stable")
        all_times = [*times, *fix_times]
        times, r = [all_times[i] for i in order], np.concatenate([r, values])[order]
    return times, r


def initial_orbit(
    measurements: Sequence[Measurement], stations: dict[str, Station], method: str = "auto"
) -> tuple[OrbitState, str]:
    """An initial orbit of one track by ``method`` (INITIAL_METHODS) and the method used."""
    if method not in INITIAL_METHODS:
        raise ObservationError(
            f"unknown initial orbit method {method!r}; expected one of {', '.join(INITIAL_METHODS)}"
        )
    kinds = {m.kind for m in measurements}
    if method == "auto":
        if "range" in kinds and "az_el" in kinds:
            method = "radar"
        elif kinds & set(_POSITION_KINDS):
            method = "gibbs"
        elif "ra_dec" in kinds:
            method = "gauss"
        else:
            raise ObservationError(
                "no initial orbit method fits these measurements "
                "(need ra_dec, az_el with range, or positions)"
            )
    if method == "gauss":
        return angles_only(measurements, stations), "gauss"
    if method == "radar":
        return radar_track(measurements, stations), "radar"
    times, r = _position_fixes(measurements, stations)
    if len(times) < 3:
        raise ObservationError(f"{method}: needs three position fixes, got {len(times)}")
    chosen = [0, len(times) // 2, len(times) - 1]
    picked_t, picked_r = [times[i] for i in chosen], r[chosen]
    if method == "herrick-gibbs":
        return herrick_gibbs(picked_t, picked_r), "herrick-gibbs"
    return three_positions(picked_t, picked_r), "gibbs"


def solve_orbit(
    measurements: Sequence[Measurement],
    stations: dict[str, Station],
    *,
    initial: str = "auto",
    drag: bool | None = None,
    fit_tle: bool = False,
    norad_id: int = DEFAULT_FITTED_NORAD_ID,
    name: str = "",
) -> OrbitDetermination:
    """Determine an orbit from measurements by the growing arc of the module docstring.

    ``drag``: None estimates C_D A / m on arcs longer than ``DRAG_ARC_S``; True always; False never.
    ``fit_tle``: also fit SGP4 mean elements (B* on long arcs) to all measurements.
    """
    if not measurements:
        raise ObservationError("orbit determination: no measurements")
    tracks = split_tracks(measurements)
    arc_s = (tracks[-1][-1].time_utc - tracks[0][0].time_utc).total_seconds()
    notes: list[str] = []
    start = None
    errors: list[str] = []
    for k, track in enumerate(tracks):
        try:
            start = initial_orbit(track, stations, initial)
            break
        except (ObservationError, ConvergenceError) as error:
            errors.append(f"track {k + 1}: {error}")
    if start is None:
        raise ObservationError("initial orbit determination failed on every track: " + "; ".join(errors))
    state0, method = start
    with_drag = arc_s > DRAG_ARC_S if drag is None else drag
    state = state0
    used: list[Measurement] = []
    solution: OrbitSolution | None = None
    for k, track in enumerate(tracks):
        used.extend(track)
        last = k == len(tracks) - 1
        force = (
            ForceModel(drag=True, ballistic_m2_kg=INITIAL_BALLISTIC_M2_KG)
            if (with_drag and last)
            else ForceModel()
        )
        solution = batch_least_squares(
            used, stations, state, force=force, estimate_ballistic=with_drag and last
        )
        state = solution.state
    assert solution is not None
    fit = None
    if fit_tle:
        fit = fit_tle_to(
            solution.state, measurements, stations, bstar=arc_s > DRAG_ARC_S, norad_id=norad_id, name=name
        )
        if not fit.converged:
            notes.append(f"the element fit did not converge: {fit.message}")
    return OrbitDetermination(state0, method, solution, fit, len(tracks), arc_s, tuple(notes))


def fit_tle_to(
    state: OrbitState,
    measurements: Sequence[Measurement],
    stations: dict[str, Station],
    *,
    bstar: bool,
    norad_id: int = DEFAULT_FITTED_NORAD_ID,
    name: str = "",
) -> ElementFit:
    """SGP4 mean elements fitted to the measurements, started from the osculating elements of a GCRS state."""
    rotation = teme_from_gcrs_matrix(TimeGrid(state.epoch_utc, np.zeros(1)))[0]
    start = osculating_elements(
        rotation @ state.r_array_km,
        rotation @ state.v_array_km_s,
        state.epoch_utc,
        norad_id=norad_id,
        name=name,
    )
    try:
        return fit_elements_to_measurements(measurements, stations, start, fit_bstar=bstar)
    except ConvergenceError:
        if not bstar:
            raise
    # B* free from the start can fail on a short first stage: fit the six elements first, then B* too.
    fixed = fit_elements_to_measurements(measurements, stations, start, fit_bstar=False)
    return fit_elements_to_measurements(measurements, stations, fixed.elements, fit_bstar=True)
