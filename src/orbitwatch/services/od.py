"""Orbit determination use cases: read measurement files, find their stations, determine an orbit, fit a TLE,
correlate with the catalog, assess an ascent. Plain arguments in, results out; nothing prints.

Files are CCSDS TDM (KVN or XML) or the orbitwatch measurement CSV (:mod:`orbitwatch.core.od`), told
apart by their first characters. A measurement's station (a TDM ``PARTICIPANT``) is found among the
``--site`` specs (``NAME=LAT,LON[,ALT_M]`` or a name), then the store's sites, then the bundled gazetteer
(:func:`orbitwatch.services.targets.resolve_sites`).

Orbit determination is the pure pipeline of :mod:`orbitwatch.core.od.pipeline` (a growing arc).
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from orbitwatch.core.elements.model import ElementSet
from orbitwatch.core.elements.result import Refusal
from orbitwatch.core.od.ascent import AscentAssessment, AscentState, assess_ascent, estimate_ascent_state
from orbitwatch.core.od.correlate import (
    DEFAULT_GATE_PROBABILITY,
    Correlation,
    correlate_orbit,
    correlate_track,
)
from orbitwatch.core.od.measurements import Measurement, Station
from orbitwatch.core.od.pipeline import (
    DEFAULT_FITTED_NORAD_ID,
    INITIAL_METHODS,
    OrbitDetermination,
    solve_orbit,
)

__all__ = [
    "INITIAL_METHODS",
    "MeasurementSet",
    "OrbitDetermination",
    "ascent",
    "correlate",
    "determine_orbit",
]
from orbitwatch.core.od.readers import read_measurement_file
from orbitwatch.errors import ObservationError, OrbitwatchError
from orbitwatch.io.files import read_path
from orbitwatch.io.store import CatalogStore
from orbitwatch.io.store.observations import MeasurementFilter
from orbitwatch.services.catalog import Selection, selected_elements
from orbitwatch.services.targets import resolve_sites

FloatArray = NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class MeasurementSet:
    """Measurements read from files (time order), the stations they name, and the refused records."""

    measurements: tuple[Measurement, ...]
    stations: dict[str, Station]
    refusals: tuple[Refusal, ...] = ()
    sources: tuple[str, ...] = ()


def _parse(data: bytes, source: str) -> tuple[list[Measurement], list[Refusal]]:
    result = read_measurement_file(data, source)
    return list(result.records), list(result.refusals)


def read_measurements(
    paths: Sequence[str],
    site_specs: Sequence[str] = (),
    store: CatalogStore | None = None,
    *,
    stored_between: tuple[datetime | None, datetime | None] | None = None,
) -> MeasurementSet:
    """Measurements of the files (TDM or CSV), and with ``stored_between`` (since, until; either open)
    those the store keeps in that span, with their stations resolved (module docstring)."""
    if not paths and stored_between is None:
        raise OrbitwatchError("no measurement file given (or --since/--until for stored measurements)")
    measurements: list[Measurement] = []
    refusals: list[Refusal] = []
    sources: list[str] = []
    for path in paths:
        for item in read_path(Path(path)):
            records, refused = _parse(item.data, item.source)
            measurements.extend(records)
            refusals.extend(refused)
            sources.append(item.source)
    if stored_between is not None and store is not None:
        since, until = stored_between
        stored = store.measurements(MeasurementFilter(since_utc=since, until_utc=until))
        measurements.extend(stored)
        sources.append(f"the store ({len(stored)} measurements)")
    if not measurements:
        why = (
            f"; first refusal: {refusals[0].source} line {refusals[0].line}: {refusals[0].reason}"
            if refusals
            else ""
        )
        raise ObservationError(f"no usable measurement in {', '.join(paths or sources)}{why}")
    measurements = list({(m.time_utc, m.kind, m.station, m.values): m for m in measurements}.values())
    given = {site.name: site for site in resolve_sites(site_specs, store)}
    stations: dict[str, Station] = {}
    for name in sorted({m.station for m in measurements if m.station}):
        site = given.get(name)
        if site is None:
            try:
                site = resolve_sites([name], store)[0]
            except OrbitwatchError as error:
                raise ObservationError(
                    f"station {name!r} of the measurements is unknown ({error}); "
                    f"give --site {name}=LAT,LON,ALT_M"
                ) from error
        stations[name] = Station(name, site.lat_deg, site.lon_deg, site.alt_m / 1000.0)
    for site in given.values():
        stations.setdefault(site.name, Station(site.name, site.lat_deg, site.lon_deg, site.alt_m / 1000.0))
    ordered = tuple(sorted(measurements, key=lambda m: m.time_utc))
    return MeasurementSet(ordered, stations, tuple(refusals), tuple(sources))


def determine_orbit(
    data: MeasurementSet,
    *,
    initial: str = "auto",
    drag: bool | None = None,
    fit_tle: bool = False,
    norad_id: int = DEFAULT_FITTED_NORAD_ID,
    name: str = "",
) -> OrbitDetermination:
    """:func:`solve_orbit` on a read measurement set."""
    return solve_orbit(
        data.measurements,
        data.stations,
        initial=initial,
        drag=drag,
        fit_tle=fit_tle,
        norad_id=norad_id,
        name=name,
    )


def fitted_elements(determination: OrbitDetermination) -> ElementSet:
    """The fitted element set; an error when none was fitted."""
    if determination.element_fit is None:
        raise OrbitwatchError("no element set was fitted (use --fit-tle)")
    return determination.element_fit.elements


# --- correlation ----------------------------------------------------------------------------------------


def correlate(
    data: MeasurementSet,
    store: CatalogStore,
    selection: Selection,
    *,
    probability: float = DEFAULT_GATE_PROBABILITY,
    top: int = 10,
    solve: bool = False,
) -> Correlation:
    """Rank the store's selected objects against the measurements (one short track), or, with ``solve``,
    against the orbit determined from them."""
    reference = data.measurements[len(data.measurements) // 2].time_utc
    catalog = selected_elements(store, selection, reference)
    if not catalog:
        raise OrbitwatchError("the selection matches no element set in the catalog; ingest elements first")
    if solve:
        solved = solve_orbit(data.measurements, data.stations)
        return correlate_orbit(
            solved.solution.state, solved.solution.covariance_gcrs, catalog, probability=probability, top=top
        )
    return correlate_track(data.measurements, data.stations, catalog, probability=probability, top=top)


# --- ascent ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, eq=False)
class AscentReport:
    """The state estimated from the tracking and the assessment made from it."""

    estimate: AscentState
    assessment: AscentAssessment


def ascent(
    data: MeasurementSet,
    *,
    window_s: float | None = None,
    powered: bool = False,
    min_perigee_alt_km: float = 100.0,
    ballistic_m2_kg: float = 0.01,
    samples: int = 500,
    probability: float = 0.95,
    seed: int = 0,
    impact_drag: bool = False,
    pass_window_s: float = 86400.0,
) -> AscentReport:
    """Estimate the state at the last measurement and assess it; passes over every station and --site."""
    if not (math.isfinite(ballistic_m2_kg) and ballistic_m2_kg >= 0.0):
        raise OrbitwatchError(f"C_D A / m must be a number >= 0, got {ballistic_m2_kg}")
    estimate = estimate_ascent_state(data.measurements, data.stations, window_s=window_s, thrust=powered)
    assessment = assess_ascent(
        estimate.state,
        estimate.covariance_gcrs,
        np.random.default_rng(seed),
        min_perigee_alt_km=min_perigee_alt_km,
        ballistic_m2_kg=ballistic_m2_kg,
        pass_sites=list(data.stations.values()),
        pass_window_s=pass_window_s,
        samples=samples,
        probability=probability,
        impact_drag=impact_drag,
    )
    return AscentReport(estimate, assessment)
