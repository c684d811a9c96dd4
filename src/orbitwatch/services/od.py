"""Orbit determination use cases: read measurement files, find their stations, determine an orbit, fit a TLE,
correlate with the catalog, assess an ascent. Plain arguments in, results out; nothing prints.

Files are CCSDS TDM (KVN or XML) or the orbitwatch measurement CSV (:mod:`orbitwatch.core.od`), told
apart by their first characters. A measurement's station (a TDM ``PARTICIPANT``) is found among the
``--site`` specs (``NAME=LAT,LON[,ALT_M]`` or a name), then the store's sites, then the bundled gazetteer
(:func:`orbitwatch.services.targets.resolve_sites`).

Orbit determination is the pure pipeline of :mod:`orbitwatch.core.od.pipeline` (a growing arc).

The JSON of each result (:func:`od_json`, :func:`correlation_json`, :func:`ascent_json`) is built here once:
``orbitwatch od/correlate/ascent --format json`` prints it and the API's orbit-determination jobs return it.
"""

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from orbitwatch.core.elements.epochs import as_utc
from orbitwatch.core.elements.formats import write_elements
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
    "ascent_json",
    "correlate",
    "correlate_with",
    "correlation_catalog",
    "correlation_json",
    "determine_orbit",
    "od_json",
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
    stored_stations: Sequence[str] = (),
) -> MeasurementSet:
    """Measurements of the files (TDM or CSV), and with ``stored_between`` (since, until; either open)
    those the store keeps in that span (of ``stored_stations`` only, when given), with their stations
    resolved (module docstring)."""
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
        selected = MeasurementFilter(since_utc=since, until_utc=until, stations=tuple(stored_stations))
        stored = store.measurements(selected)
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
    catalog = correlation_catalog(data, store, selection)
    return correlate_with(data, catalog, probability=probability, top=top, solve=solve)


def correlation_catalog(data: MeasurementSet, store: CatalogStore, selection: Selection) -> list[ElementSet]:
    """The selected objects' element sets valid at the middle measurement (an error when there are none)."""
    reference = data.measurements[len(data.measurements) // 2].time_utc
    catalog = selected_elements(store, selection, reference)
    if not catalog:
        raise OrbitwatchError("the selection matches no element set in the catalog; ingest elements first")
    return catalog


def correlate_with(
    data: MeasurementSet,
    catalog: Sequence[ElementSet],
    *,
    probability: float = DEFAULT_GATE_PROBABILITY,
    top: int = 10,
    solve: bool = False,
) -> Correlation:
    """:func:`correlate` on a catalog already chosen (:func:`correlation_catalog`); no store needed."""
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


# --- the JSON of each result (the CLI's --format json, the API's jobs) -------------------------------------


def od_json(result: OrbitDetermination) -> dict[str, Any]:
    """The ``od --format json`` object (JSON-ready: times as ISO 8601 UTC with milliseconds and ``Z``)."""
    s = result.solution
    payload: dict[str, Any] = {
        "epoch_utc": s.state.epoch_utc,
        "frame": s.state.frame.upper(),
        "position_km": list(s.state.r_km),
        "velocity_km_s": list(s.state.v_km_s),
        "covariance": np.asarray(s.covariance_gcrs).tolist(),
        "covariance_units": "km, km/s",
        "rms_residuals": {kind: list(values) for kind, values in s.rms_by_kind.items()},
        "rms_residual_units": "deg for angles, km for ranges and positions, km/s for rates",
        "weighted_rms": s.weighted_rms,
        "weighted_rms_by_station": dict(s.weighted_rms_by_station),
        "iterations": s.iterations,
        "converged": s.converged,
        "rejected": list(s.rejected),
        "measurements": len(s.residuals),
        "tracks": result.tracks,
        "arc_hours": result.arc_s / 3600.0,
        "initial_method": result.initial_method,
        "ballistic_m2_kg": s.ballistic_m2_kg,
        "ballistic_sigma_m2_kg": s.ballistic_sigma_m2_kg,
    }
    if result.element_fit is not None:
        payload["tle"] = write_elements([result.element_fit.elements], "tle").splitlines()
        payload["tle_weighted_rms"] = result.element_fit.weighted_rms
        payload["tle_converged"] = result.element_fit.converged
    return json_ready(payload)


def correlation_json(result: Correlation) -> dict[str, Any]:
    """The ``correlate --format json`` object (JSON-ready)."""
    return json_ready(
        {
            "verdict": result.verdict,
            "norad_id": result.best.norad_id if result.best is not None else None,
            "gate": {
                "method": result.gate.method,
                "probability": result.gate.probability,
                "degrees_of_freedom": result.gate.degrees_of_freedom,
                "threshold": result.gate.threshold,
            },
            "reference_utc": result.reference_utc,
            "considered": result.considered,
            "skipped": [{"norad_id": n, "reason": r} for n, r in result.skipped],
            "candidates": [
                {
                    "norad_id": c.norad_id,
                    "name": c.name,
                    "distance_sq": c.distance_sq,
                    "p_value": c.p_value,
                    "angular_rms_deg": c.angular_rms_deg,
                    "position_offset_km": c.position_offset_km,
                    "element_age_days": c.element_age_days,
                    "passes_gate": c.passes_gate,
                }
                for c in result.candidates
            ],
        }
    )


def ascent_json(report: AscentReport) -> dict[str, Any]:
    """The ``ascent --format json`` object (JSON-ready)."""
    a, e = report.assessment, report.estimate
    payload: dict[str, Any] = {
        "verdict": a.verdict,
        "epoch_utc": a.state.epoch_utc,
        "frame": "GCRS",
        "position_km": list(a.state.r_km),
        "velocity_km_s": list(a.state.v_km_s),
        "covariance": np.asarray(a.covariance_gcrs).tolist(),
        "perigee_km": a.perigee_alt_km,
        "apogee_km": a.apogee_alt_km,
        "inclination_deg": a.inclination_deg,
        "altitudes_above": "WGS-84 equatorial radius",
        "min_perigee_km": a.min_perigee_alt_km,
        "perigee_after_one_rev_km": a.perigee_after_one_rev_alt_km,
        "ballistic_m2_kg": a.ballistic_m2_kg,
        "weighted_rms": e.weighted_rms,
        "measurements_used": e.measurements_used,
        "thrust_km_s2": None if e.thrust_km_s2 is None else list(e.thrust_km_s2),
        "impact": None,
        "passes": [
            {"site": p.site, "rise_utc": p.rise_utc, "culmination_utc": p.culmination_utc,
             "set_utc": p.set_utc, "max_elevation_deg": p.max_elevation_deg}
            for p in a.passes
        ],
    }  # fmt: skip
    if a.impact is not None:
        i = a.impact
        payload["impact"] = {
            "lat_deg": i.lat_deg,
            "lon_deg": i.lon_deg,
            "time_utc": i.time_utc,
            "time_sigma_s": i.time_sigma_s,
            "ellipse_semi_major_km": i.ellipse_semi_major_km,
            "ellipse_semi_minor_km": i.ellipse_semi_minor_km,
            "ellipse_azimuth_deg": i.ellipse_azimuth_deg,
            "probability": i.probability,
            "samples": i.samples,
            "impact_fraction": i.impact_fraction,
            "with_drag": i.with_drag,
        }
    return json_ready(payload)


def json_ready(payload: Mapping[str, Any]) -> dict[str, Any]:
    """``payload`` with datetimes as ISO 8601 UTC with milliseconds and ``Z``, dates as ISO, tuples as
    lists, NumPy scalars as Python numbers."""
    return {str(key): _plain(value) for key, value in payload.items()}


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return as_utc(value).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, tuple | list):
        return [_plain(item) for item in value]
    if isinstance(value, np.generic):
        return value.item()
    return value
