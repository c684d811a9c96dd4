"""The measurement model: what each measurement should read, given the satellite's state; and its partials.

States are geocentric GCRS positions (km) and velocities (km/s), one per measurement, at the measurement's
time (an estimator propagates to those times first; :func:`gcrs_states_from_teme` converts SGP4's TEME).
Stations are WGS-84 points fixed in the ITRS. The frames are those of :mod:`orbitwatch.core.frames`:

- ITRS <- GCRS is ``C(t) P(t)``: ``P`` = GCRS -> TEME (Skyfield's ``TEME.rotation_at``, IAU 2000A
  precession-nutation with the frame bias, interpolated between whole hours, error under 1e-10 rad) and
  ``C`` = TEME -> ITRS (GMST 1982 and IERS polar motion, Vallado et al. 2006, AIAA 2006-6753, App. C).
  The Earth-fixed velocity is ``C P v + dC/dt P r``; the slow change of ``P`` (precession, 1e-11 rad/s) is
  neglected, as in Vallado (2013), "Fundamentals of Astrodynamics and Applications", 4th ed., sec. 3.7.
- A station's GCRS position is ``(C P)^T s`` and its velocity ``-(C P)^T (dC/dt P) (C P)^T s``: the
  Earth's rotation carries it at up to 0.465 km/s.

Each kind (:mod:`orbitwatch.core.od.measurements`), with rho = r_sat - r_station (GCRS):

``ra_dec``      topocentric right ascension atan2(rho_y, rho_x) in [0, 360) and declination
                asin(rho_z / |rho|), in the GCRS (ICRF axes): the "astrometric" place that star-catalogue
                reduction of an optical frame gives (no aberration, no refraction; Vallado 2013 sec. 4.4).
``az_el``       azimuth atan2(east, north) in [0, 360) and geometric elevation (no refraction) in the
                station's WGS-84 east-north-up frame, as :func:`orbitwatch.core.frames.geodesy.topocentric`.
``range``       |rho| (one way).
``range_rate``  rho . (v_sat - v_station) / |rho| (one way; positive when the range grows).
``position_*``  r in GCRS, or ``C P r`` in ITRS; ``pv_*`` adds the velocity (Earth-fixed for ITRS).

Light time (``light_time=True``, off by default): the satellite is taken where it was when the light left
it, ``r(t - tau)`` with tau = |rho| / c, from ``r - v tau`` iterated twice (the neglected acceleration
term is below 1e-9 km for LEO and GEO), and the station where it is at reception ``t``. Geometric
prediction (the default) is what Skyfield's ``(satellite - topos).at(t)`` gives, and what
:mod:`orbitwatch.core.od.simulate` simulates; light time moves a LEO satellite's apparent place by up
to about 5 arcseconds, so real optical data should be predicted with it. The partials are geometric.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
from numpy.typing import ArrayLike, NDArray

from orbitwatch.core.frames.geodesy import enu_from_itrs_matrix, itrs_from_geodetic
from orbitwatch.core.frames.rotations import earth_rotation, teme_from_gcrs_matrix
from orbitwatch.core.od.measurements import MEASUREMENT_SIZES, STATION_KINDS, Measurement, Station
from orbitwatch.core.propagation.states import TimeGrid
from orbitwatch.errors import ObservationError

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

SPEED_OF_LIGHT_KM_S = 299_792.458
ANGLE_KINDS = frozenset({"ra_dec", "az_el"})
"""Kinds whose first value is an angle on a circle (right ascension, azimuth), wrapped in residuals."""

Stations = Mapping[str, Station] | Sequence[Station]

_LIGHT_TIME_ITERATIONS = 2
_MICROSECOND = timedelta(microseconds=1)


def time_grid(times_utc: Sequence[datetime]) -> tuple[TimeGrid, IntArray]:
    """The distinct instants of ``times_utc`` as a TimeGrid (sorted), and the index of each input in it."""
    if not times_utc:
        return TimeGrid(datetime(2000, 1, 1), np.empty(0)), np.empty(0, dtype=np.int64)
    t0 = min(times_utc)
    micro = np.array([(t - t0) // _MICROSECOND for t in times_utc], dtype=np.int64)
    unique, inverse = np.unique(micro, return_inverse=True)
    return TimeGrid(t0, unique.astype(np.float64) * 1e-6), inverse.astype(np.int64).reshape(-1)


@dataclass(frozen=True, slots=True, eq=False)
class EarthOrientation:
    """GCRS -> ITRS at N instants: ``r_itrs = matrix r_gcrs``, ``v_itrs = matrix v_gcrs + rate_per_s r_gcrs``.

    ``matrix`` and ``rate_per_s`` are (N, 3, 3).
    """

    matrix: FloatArray
    rate_per_s: FloatArray


def earth_orientation(times_utc: Sequence[datetime]) -> EarthOrientation:
    """The GCRS -> ITRS rotation and its rate at each instant (repeated instants computed once)."""
    grid, index = time_grid(times_utc)
    if grid.size == 0:
        return EarthOrientation(np.empty((0, 3, 3)), np.empty((0, 3, 3)))
    rotation = earth_rotation(grid)
    teme_from_gcrs = teme_from_gcrs_matrix(grid)
    return EarthOrientation(
        (rotation.matrix @ teme_from_gcrs)[index], (rotation.rate_per_s @ teme_from_gcrs)[index]
    )


def itrs_states_from_gcrs(
    r_gcrs_km: ArrayLike, v_gcrs_km_s: ArrayLike, orientation: EarthOrientation
) -> tuple[FloatArray, FloatArray]:
    """ITRS positions and Earth-fixed velocities of (N, 3) GCRS states at the instants of ``orientation``."""
    r, v = np.asarray(r_gcrs_km, dtype=np.float64), np.asarray(v_gcrs_km_s, dtype=np.float64)
    r_itrs = np.einsum("nij,nj->ni", orientation.matrix, r)
    v_itrs = np.einsum("nij,nj->ni", orientation.matrix, v) + np.einsum(
        "nij,nj->ni", orientation.rate_per_s, r
    )
    return r_itrs, v_itrs


def gcrs_states_from_itrs(
    r_itrs_km: ArrayLike, v_itrs_km_s: ArrayLike, orientation: EarthOrientation
) -> tuple[FloatArray, FloatArray]:
    """GCRS states of (N, 3) ITRS positions and Earth-fixed velocities (the inverse of the above)."""
    r, v = np.asarray(r_itrs_km, dtype=np.float64), np.asarray(v_itrs_km_s, dtype=np.float64)
    gcrs_from_itrs = orientation.matrix.transpose(0, 2, 1)
    r_gcrs = np.einsum("nij,nj->ni", gcrs_from_itrs, r)
    v_gcrs = np.einsum(
        "nij,nj->ni", gcrs_from_itrs, v - np.einsum("nij,nj->ni", orientation.rate_per_s, r_gcrs)
    )
    return r_gcrs, v_gcrs


def gcrs_states_from_teme(
    r_teme_km: ArrayLike, v_teme_km_s: ArrayLike, times_utc: Sequence[datetime]
) -> tuple[FloatArray, FloatArray]:
    """GCRS states of (N, 3) TEME states (SGP4's output) at N instants.

    Both vectors turn by the same rotation; TEME's own rotation rate (precession, nutation, about
    1e-11 rad/s) is neglected, a velocity error under 1e-7 km/s at GEO.
    """
    grid, index = time_grid(times_utc)
    gcrs_from_teme = teme_from_gcrs_matrix(grid).transpose(0, 2, 1)[index]
    r, v = np.asarray(r_teme_km, dtype=np.float64), np.asarray(v_teme_km_s, dtype=np.float64)
    return np.einsum("nij,nj->ni", gcrs_from_teme, r), np.einsum("nij,nj->ni", gcrs_from_teme, v)


def station_states_gcrs(
    station: Station, times_utc: Sequence[datetime], orientation: EarthOrientation | None = None
) -> tuple[FloatArray, FloatArray]:
    """GCRS position (km) and velocity (km/s) of a station at each instant, (N, 3) each."""
    orient = orientation if orientation is not None else earth_orientation(times_utc)
    site_itrs = itrs_from_geodetic(station.lat_deg, station.lon_deg, station.alt_km)
    count = orient.matrix.shape[0]
    return gcrs_states_from_itrs(np.broadcast_to(site_itrs, (count, 3)), np.zeros((count, 3)), orient)


@dataclass(frozen=True, slots=True, eq=False)
class MeasurementGeometry:
    """What the model needs of N measurements besides the satellite's state, computed once per set.

    ``value_offsets[i]:value_offsets[i + 1]`` are measurement i's entries in the flat value vectors.
    Position kinds have a zero station (its arrays are zero there).
    """

    kinds: tuple[str, ...]
    orientation: EarthOrientation
    site_itrs_km: FloatArray
    enu_from_itrs: FloatArray
    site_r_gcrs_km: FloatArray
    site_v_gcrs_km_s: FloatArray
    value_offsets: IntArray

    @property
    def size(self) -> int:
        """Number of measurements N."""
        return len(self.kinds)

    @property
    def value_count(self) -> int:
        """Number of scalar values over all measurements."""
        return int(self.value_offsets[-1])


def station_table(stations: Stations) -> dict[str, Station]:
    """Stations by name, from a mapping or a sequence (a name given twice must be the same station)."""
    if isinstance(stations, Mapping):
        return dict(stations)
    table: dict[str, Station] = {}
    for station in stations:
        if table.get(station.name, station) != station:
            raise ObservationError(f"station {station.name!r} is given twice with different coordinates")
        table[station.name] = station
    return table


def geometry_for(
    times_utc: Sequence[datetime], kinds: Sequence[str], station_names: Sequence[str], stations: Stations
) -> MeasurementGeometry:
    """The geometry of N measurements given as parallel sequences of times, kinds and station names."""
    table = station_table(stations)
    count = len(times_utc)
    if not len(kinds) == len(station_names) == count:
        raise ObservationError("times, kinds and station names must have the same length")
    lat, lon, alt = np.zeros(count), np.zeros(count), np.zeros(count)
    has_site = np.zeros(count, dtype=bool)
    for i, (kind, name) in enumerate(zip(kinds, station_names, strict=True)):
        if kind not in MEASUREMENT_SIZES:
            raise ObservationError(f"measurement {i}: unknown kind {kind!r}")
        if kind in STATION_KINDS:
            station = table.get(name)
            if station is None:
                raise ObservationError(f"measurement {i}: station {name!r} is not among the stations given")
            lat[i], lon[i], alt[i], has_site[i] = station.lat_deg, station.lon_deg, station.alt_km, True
    orientation = earth_orientation(times_utc)
    site_itrs = np.where(has_site[:, None], itrs_from_geodetic(lat, lon, alt), 0.0).reshape(count, 3)
    enu = enu_from_itrs_matrix(lat, lon).reshape(count, 3, 3)
    site_r, site_v = gcrs_states_from_itrs(site_itrs, np.zeros((count, 3)), orientation)
    sizes = np.array([MEASUREMENT_SIZES[k] for k in kinds], dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    return MeasurementGeometry(tuple(kinds), orientation, site_itrs, enu, site_r, site_v, offsets)


def measurement_geometry(measurements: Sequence[Measurement], stations: Stations) -> MeasurementGeometry:
    """The geometry of a list of measurements (stations looked up by the measurements' station names)."""
    return geometry_for(
        [m.time_utc for m in measurements],
        [m.kind for m in measurements],
        [m.station for m in measurements],
        stations,
    )


def _kind_rows(kinds: Sequence[str]) -> dict[str, IntArray]:
    rows: dict[str, list[int]] = {}
    for i, kind in enumerate(kinds):
        rows.setdefault(kind, []).append(i)
    return {kind: np.array(index, dtype=np.int64) for kind, index in rows.items()}


def _value_columns(geometry: MeasurementGeometry, rows: IntArray, size: int) -> IntArray:
    """Indices in the flat value vector of the ``size`` values of each measurement in ``rows``, (n, size)."""
    result: IntArray = geometry.value_offsets[rows][:, None] + np.arange(size, dtype=np.int64)[None, :]
    return result


def _line_of_sight(
    geometry: MeasurementGeometry, r: FloatArray, v: FloatArray, light_time: bool
) -> tuple[FloatArray, FloatArray]:
    rho = r - geometry.site_r_gcrs_km
    if light_time:
        for _ in range(_LIGHT_TIME_ITERATIONS):
            tau_s = np.linalg.norm(rho, axis=-1, keepdims=True) / SPEED_OF_LIGHT_KM_S
            rho = r - v * tau_s - geometry.site_r_gcrs_km
    return rho, v - geometry.site_v_gcrs_km_s


def predict_values(
    geometry: MeasurementGeometry, r_gcrs_km: ArrayLike, v_gcrs_km_s: ArrayLike, *, light_time: bool = False
) -> FloatArray:
    """The predicted values of every measurement, flat (``geometry.value_count``,), in their units.

    ``r_gcrs_km`` and ``v_gcrs_km_s`` are (N, 3): the satellite at each measurement's time.
    """
    r = np.asarray(r_gcrs_km, dtype=np.float64).reshape(geometry.size, 3)
    v = np.asarray(v_gcrs_km_s, dtype=np.float64).reshape(geometry.size, 3)
    out = np.empty(geometry.value_count)
    rho, rho_dot = _line_of_sight(geometry, r, v, light_time)
    for kind, rows in _kind_rows(geometry.kinds).items():
        cols = _value_columns(geometry, rows, MEASUREMENT_SIZES[kind])
        out[cols] = _predict_kind(kind, geometry, rows, r[rows], v[rows], rho[rows], rho_dot[rows])
    return out


def _predict_kind(
    kind: str,
    geometry: MeasurementGeometry,
    rows: IntArray,
    r: FloatArray,
    v: FloatArray,
    rho: FloatArray,
    rho_dot: FloatArray,
) -> FloatArray:
    matrix, rate = geometry.orientation.matrix[rows], geometry.orientation.rate_per_s[rows]
    if kind == "ra_dec":
        ra = np.mod(np.degrees(np.arctan2(rho[:, 1], rho[:, 0])), 360.0)
        dec = np.degrees(np.arctan2(rho[:, 2], np.hypot(rho[:, 0], rho[:, 1])))
        return np.stack([np.where(ra >= 360.0, 0.0, ra), dec], axis=-1)
    if kind == "az_el":
        enu = np.einsum("nij,nj->ni", geometry.enu_from_itrs[rows] @ matrix, rho)
        az = np.mod(np.degrees(np.arctan2(enu[:, 0], enu[:, 1])), 360.0)
        el = np.degrees(np.arctan2(enu[:, 2], np.hypot(enu[:, 0], enu[:, 1])))
        return np.stack([np.where(az >= 360.0, 0.0, az), el], axis=-1)
    distance: FloatArray = np.linalg.norm(rho, axis=-1)[:, None]
    if kind == "range":
        return distance
    if kind == "range_rate":
        rate_km_s: FloatArray = np.einsum("ni,ni->n", rho, rho_dot)[:, None] / distance
        return rate_km_s
    r_itrs = np.einsum("nij,nj->ni", matrix, r)
    v_itrs = np.einsum("nij,nj->ni", matrix, v) + np.einsum("nij,nj->ni", rate, r)
    result: FloatArray = {
        "position_gcrs": r,
        "position_itrs": r_itrs,
        "pv_gcrs": np.concatenate([r, v], axis=-1),
        "pv_itrs": np.concatenate([r_itrs, v_itrs], axis=-1),
    }[kind]
    return result


def predict_measurements(
    measurements: Sequence[Measurement],
    r_gcrs_km: ArrayLike,
    v_gcrs_km_s: ArrayLike,
    stations: Stations,
    *,
    geometry: MeasurementGeometry | None = None,
    light_time: bool = False,
) -> FloatArray:
    """Predicted values of the measurements, flat in measurement order (as :func:`observed_values`).

    ``r_gcrs_km``, ``v_gcrs_km_s``: (N, 3), the satellite at each measurement's time. ``geometry`` is
    :func:`measurement_geometry` of the same measurements, to compute the Earth's orientation once when the
    model is called many times (an estimator's iterations).
    """
    geo = geometry if geometry is not None else measurement_geometry(measurements, stations)
    if geo.size != len(measurements):
        raise ObservationError(f"the geometry is of {geo.size} measurements, not {len(measurements)}")
    return predict_values(geo, r_gcrs_km, v_gcrs_km_s, light_time=light_time)


def observed_values(measurements: Sequence[Measurement]) -> FloatArray:
    """The measured values, flat in measurement order."""
    return np.array([x for m in measurements for x in m.values], dtype=np.float64)


def observed_sigmas(measurements: Sequence[Measurement]) -> FloatArray:
    """The standard deviations, flat in measurement order."""
    return np.array([x for m in measurements for x in m.sigmas], dtype=np.float64)


def residuals(geometry: MeasurementGeometry, observed: ArrayLike, predicted: ArrayLike) -> FloatArray:
    """observed - predicted, with right ascension and azimuth differences wrapped into [-180, 180)."""
    diff = np.asarray(observed, dtype=np.float64) - np.asarray(predicted, dtype=np.float64)
    for kind in ANGLE_KINDS & set(geometry.kinds):
        rows = _kind_rows(geometry.kinds)[kind]
        first = geometry.value_offsets[rows]
        diff[first] = np.mod(diff[first] + 180.0, 360.0) - 180.0
    return diff


def measurement_partials(
    geometry: MeasurementGeometry, r_gcrs_km: ArrayLike, v_gcrs_km_s: ArrayLike
) -> FloatArray:
    """Partial derivatives of every value with respect to the GCRS state (r, v): (value_count, 6), geometric.

    Units: value unit per km (columns 0-2) and per km/s (columns 3-5); angles in degrees. The formulas are
    the usual ones (Montenbruck and Gill 2000, "Satellite Orbits", sec. 7.4; Vallado 2013 sec. 10.4):
    d|rho|/dr = rho^, d(rho_dot)/dr = (rho_dot_vec - rho_dot rho^)/|rho|, d(rho_dot)/dv = rho^, and the
    angle gradients of atan2 in the GCRS (ra, dec) or in the station's ENU frame (az, el).
    """
    r = np.asarray(r_gcrs_km, dtype=np.float64).reshape(geometry.size, 3)
    v = np.asarray(v_gcrs_km_s, dtype=np.float64).reshape(geometry.size, 3)
    out = np.zeros((geometry.value_count, 6))
    rho, rho_dot = _line_of_sight(geometry, r, v, light_time=False)
    deg = np.degrees(1.0)
    for kind, rows in _kind_rows(geometry.kinds).items():
        first = geometry.value_offsets[rows]
        p, pd = rho[rows], rho_dot[rows]
        dist = np.linalg.norm(p, axis=-1)
        unit = p / dist[:, None]
        matrix, rate = geometry.orientation.matrix[rows], geometry.orientation.rate_per_s[rows]
        if kind == "range":
            out[first, :3] = unit
        elif kind == "range_rate":
            rate_km_s = np.einsum("ni,ni->n", unit, pd)
            out[first, :3] = (pd - rate_km_s[:, None] * unit) / dist[:, None]
            out[first, 3:] = unit
        elif kind in ANGLE_KINDS:
            if kind == "ra_dec":
                axes = np.broadcast_to(np.eye(3), (rows.size, 3, 3))
            else:
                axes = geometry.enu_from_itrs[rows] @ matrix
            x, y, z = np.einsum("nij,nj->ni", axes, p).T
            h2 = x * x + y * y
            h = np.sqrt(h2)
            # ra = atan2(y, x), az = atan2(east, north): the roles of the first two axes differ.
            d_first = np.stack([-y, x, 0 * x], -1) if kind == "ra_dec" else np.stack([y, -x, 0 * x], -1)
            d_first = d_first / h2[:, None]
            d_second = np.stack([-x * z, -y * z, h2], -1) / (dist**2 * h)[:, None]
            out[first, :3] = deg * np.einsum("ni,nij->nj", d_first, axes)
            out[first + 1, :3] = deg * np.einsum("ni,nij->nj", d_second, axes)
        else:
            size = MEASUREMENT_SIZES[kind]
            cols = _value_columns(geometry, rows, size)
            eye = np.broadcast_to(np.eye(3), (rows.size, 3, 3))
            block = np.zeros((rows.size, size, 6))
            block[:, :3, :3] = matrix if kind.endswith("itrs") else eye
            if size == 6:
                block[:, 3:, 3:] = matrix if kind.endswith("itrs") else eye
                block[:, 3:, :3] = rate if kind.endswith("itrs") else 0.0
            out[cols] = block
    return out
