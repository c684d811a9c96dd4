"""A measurement simulator: realistic measurements of a known orbit from chosen sensors (OD tests, networks).

The truth is the element set propagated by SGP4 (python-sgp4, :mod:`orbitwatch.core.propagation.engine`)
on a regular grid; its TEME states become GCRS states (:mod:`orbitwatch.core.od.predict`)
and the values come from the measurement model (:func:`orbitwatch.core.od.predict.predict_values`,
geometric, no light time), so that the simulator and the estimator share one model. Each sensor sees the
satellite only:

- above its elevation mask (geometric elevation, WGS-84 horizon);
- for optical sensors (any ``ra_dec`` kind): when the station is dark (the Sun's centre below
  ``max_sun_elevation_deg``, -12 deg nautical twilight by default) and the satellite sunlit (the Sun's
  centre not hidden by the Earth, :func:`orbitwatch.core.frames.sun.sunlit`);
- at each grid instant with probability ``1 - dropout_probability`` (random gaps, as weather or a busy
  sensor make them), and within ``max_points_per_pass`` consecutive visible points (a tracklet).

Noise is Gaussian, independent per value, with the sensor's standard deviations, drawn from the caller's
``numpy.random.Generator`` (so a seed reproduces a run). Position sensors (``position_*``, ``pv_*``, a
GNSS receiver) have no station and see the satellite at every instant.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
from numpy.typing import NDArray

from orbitwatch.core.elements.model import ElementSet
from orbitwatch.core.frames.geodesy import SiteArray, elevation_deg
from orbitwatch.core.frames.sun import sun_elevation_from_itrs_deg, sun_itrs_km, sunlit
from orbitwatch.core.od.measurements import (
    DEFAULT_SIGMAS,
    MEASUREMENT_SIZES,
    STATION_KINDS,
    Measurement,
    Station,
)
from orbitwatch.core.od.predict import gcrs_states_from_teme, geometry_for, predict_values
from orbitwatch.core.propagation.engine import propagate
from orbitwatch.core.propagation.states import TimeGrid
from orbitwatch.errors import ObservationError, PropagationError

FloatArray = NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Sensor:
    """A sensor: its station (None for a position sensor), the kinds it measures and their sigmas.

    ``sigmas`` maps a kind to its standard deviations (defaults: :data:`DEFAULT_SIGMAS`).
    """

    station: Station | None
    kinds: tuple[str, ...]
    sigmas: Mapping[str, tuple[float, ...]] = field(default_factory=dict)
    min_elevation_deg: float = 10.0
    max_sun_elevation_deg: float = -12.0
    max_points_per_pass: int | None = None

    def __post_init__(self) -> None:
        for kind in self.kinds:
            if kind not in MEASUREMENT_SIZES:
                raise ObservationError(f"sensor: unknown measurement kind {kind!r}")
            if (kind in STATION_KINDS) != (self.station is not None):
                raise ObservationError(
                    f"sensor: {kind} needs {'a' if kind in STATION_KINDS else 'no'} station"
                )
            if len(self.sigma(kind)) != MEASUREMENT_SIZES[kind]:
                raise ObservationError(f"sensor: {kind} needs {MEASUREMENT_SIZES[kind]} standard deviations")

    def sigma(self, kind: str) -> tuple[float, ...]:
        """The standard deviations of one kind."""
        return tuple(self.sigmas.get(kind, DEFAULT_SIGMAS[kind]))

    @property
    def optical(self) -> bool:
        """True when the sensor measures right ascension and declination (it needs darkness and sunlight)."""
        return "ra_dec" in self.kinds


@dataclass(frozen=True, slots=True, eq=False)
class Simulation:
    """Simulated measurements (time order) and the truth: GCRS states on the grid (M, 3)."""

    measurements: tuple[Measurement, ...]
    grid: TimeGrid
    r_gcrs_km: FloatArray
    v_gcrs_km_s: FloatArray

    def truth_at(self, time_utc: datetime) -> tuple[FloatArray, FloatArray]:
        """The true GCRS state at one of the grid's instants."""
        offset = (time_utc - self.grid.t0_utc).total_seconds()
        index = int(np.argmin(np.abs(self.grid.offsets_s - offset)))
        if abs(self.grid.offsets_s[index] - offset) > 1e-3:
            raise ObservationError(f"{time_utc} is not an instant of the simulation's grid")
        return self.r_gcrs_km[index].copy(), self.v_gcrs_km_s[index].copy()


def _limit_pass_points(visible: NDArray[np.bool_], limit: int | None) -> NDArray[np.bool_]:
    if limit is None:
        return visible
    result = visible.copy()
    run = 0
    for i, seen in enumerate(visible):
        run = run + 1 if seen else 0
        if run > limit:
            result[i] = False
    return result


def simulate_measurements(
    element: ElementSet,
    sensors: Sequence[Sensor],
    start_utc: datetime,
    duration_s: float,
    step_s: float,
    rng: np.random.Generator,
    *,
    dropout_probability: float = 0.0,
    label: str = "simulated",
) -> Simulation:
    """Measurements of ``element``'s SGP4 orbit by ``sensors``, every ``step_s`` over ``duration_s``.

    Each measurement's source is ``"{label}:{sensor station or 'gnss'}"``. Raises PropagationError when
    SGP4 fails on the span (decay, bad elements).
    """
    if not 0.0 <= dropout_probability < 1.0:
        raise ObservationError(f"dropout probability must be in [0, 1), got {dropout_probability}")
    grid = TimeGrid.regular(start_utc, duration_s, step_s)
    result = propagate([element], grid, engine="sgp4", with_teme=True)
    states = result.states
    if states.count != 1 or states.r_teme_km is None or states.v_teme_km_s is None:
        raise PropagationError(f"{element.norad_id}: the element set was refused: {result.rejected}")
    if np.any(states.error_code[0] != 0):
        code = int(states.error_code[0][states.error_code[0] != 0][0])
        raise PropagationError(f"{element.norad_id}: SGP4 failed on the span (code {code})")
    times = [grid.utc(offset) for offset in grid.offsets_s]
    r_gcrs, v_gcrs = gcrs_states_from_teme(states.r_teme_km[0], states.v_teme_km_s[0], times)
    r_itrs = states.r_itrs_km[0]
    needs_sun = any(s.optical for s in sensors)
    sun_itrs = sun_itrs_km(grid) if needs_sun else None

    picks: list[
        tuple[int, str, str, tuple[float, ...], str]
    ] = []  # (time index, kind, station, sigmas, source)
    for sensor in sensors:
        station = sensor.station
        if station is None:
            visible = np.ones(grid.size, dtype=bool)
        else:
            site = SiteArray.from_geodetic(station.lat_deg, station.lon_deg, station.alt_km, [station.name])
            visible = elevation_deg(r_itrs, site)[0] >= sensor.min_elevation_deg
            if sensor.optical and sun_itrs is not None:
                dark = sun_elevation_from_itrs_deg(site, sun_itrs)[0] < sensor.max_sun_elevation_deg
                visible &= dark & sunlit(r_itrs, sun_itrs)
        visible = _limit_pass_points(visible, sensor.max_points_per_pass)
        if dropout_probability > 0.0:
            visible &= rng.random(grid.size) >= dropout_probability
        name = station.name if station is not None else ""
        source = f"{label}:{name or 'gnss'}"
        for seen in np.flatnonzero(visible):
            for kind in sensor.kinds:
                picks.append((int(seen), kind, name, sensor.sigma(kind), source))
    picks.sort(key=lambda p: p[0])
    stations = [s.station for s in sensors if s.station is not None]
    geometry = geometry_for(
        [times[p[0]] for p in picks], [p[1] for p in picks], [p[2] for p in picks], stations
    )
    rows = np.array([p[0] for p in picks], dtype=np.int64)
    values = predict_values(geometry, r_gcrs[rows].reshape(-1, 3), v_gcrs[rows].reshape(-1, 3))
    sigmas = np.array([s for p in picks for s in p[3]], dtype=np.float64)
    noisy = values + rng.normal(0.0, 1.0, values.shape) * sigmas
    measurements = []
    for i, (index, kind, name, sigma, source) in enumerate(picks):
        chunk = noisy[geometry.value_offsets[i] : geometry.value_offsets[i + 1]].copy()
        if kind in ("ra_dec", "az_el"):
            chunk[0] = np.mod(chunk[0], 360.0)
        measurements.append(
            Measurement(times[index], kind, tuple(float(x) for x in chunk), sigma, name, source)
        )
    return Simulation(tuple(measurements), grid, r_gcrs, v_gcrs)
