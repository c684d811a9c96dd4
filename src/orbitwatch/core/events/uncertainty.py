"""How far predicted times can be off: along-track error growth with the age of the element set.

SGP4 predictions drift from the truth mostly along the track (drag and its modelling, manoeuvres), so
a predicted event time carries an error of about e_along / v, with v the orbital speed. The model here
is linear in the age of the element set (the time from its epoch to the prediction):

    e_along(age) = e_0 + g |age|

with e_0 the error at epoch and g the growth rate. g comes from the object's own history when it is
long enough: each element set is propagated to the epoch of the next one and compared with it there
(the "prediction difference" of consecutive sets, Vallado and Cefola, "Two-line element sets --
practice and use", IAC-12-C1.6.12, 2012); the median of |along-track difference| / interval is robust
to the occasional manoeuvre. Without history, the defaults are the typical figures reported for TLEs
(Vallado and Cefola 2012; Kelso, "Validation of SGP4 and IS-GPS-200D against GPS precision
ephemerides", AAS 07-127, 2007): about 1 km at epoch, growing some 1-3 km per day in low orbit and
more slowly higher up -- here 2 km/day below 2,000 km perigee, 1 km/day above.
"""

import dataclasses
import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta

import numpy as np
from numpy.typing import ArrayLike, NDArray

from orbitwatch.core.constants import MINUTES_PER_DAY, SECONDS_PER_DAY, WGS72_MU_KM3_S2
from orbitwatch.core.elements.model import ElementSet
from orbitwatch.core.events.imaging import Opportunity

FloatArray = NDArray[np.float64]

DEFAULT_EPOCH_ERROR_KM = 1.0
DEFAULT_LEO_GROWTH_KM_PER_DAY = 2.0
DEFAULT_HIGH_GROWTH_KM_PER_DAY = 1.0
LEO_PERIGEE_LIMIT_KM = 2000.0
MIN_HISTORY_INTERVAL_DAYS = 0.05
MIN_HISTORY_PAIRS = 2


@dataclass(frozen=True, slots=True)
class AlongTrackModel:
    """e_along(age) = ``epoch_error_km`` + ``growth_km_per_day`` |age|; ``source`` says where g came from."""

    epoch_error_km: float
    growth_km_per_day: float
    source: str

    def error_km(self, age_days: ArrayLike) -> FloatArray:
        """The along-track error (km) after ``age_days`` from the epoch."""
        result: FloatArray = self.epoch_error_km + self.growth_km_per_day * np.abs(
            np.asarray(age_days, float)
        )
        return result


@dataclass(frozen=True, slots=True)
class TimingUncertainty:
    """The error bar of a predicted time: element age (days), along-track error (km), time error (s)."""

    element_age_days: float
    along_track_km: float
    time_error_s: float


def default_model(element: ElementSet) -> AlongTrackModel:
    """The default model for an object without history (module docstring)."""
    low = element.perigee_alt_km < LEO_PERIGEE_LIMIT_KM
    growth = DEFAULT_LEO_GROWTH_KM_PER_DAY if low else DEFAULT_HIGH_GROWTH_KM_PER_DAY
    orbit = "low orbit" if low else "perigee above 2,000 km"
    return AlongTrackModel(DEFAULT_EPOCH_ERROR_KM, growth, f"default for {orbit} (Vallado and Cefola 2012)")


def model_from_history(history: Sequence[ElementSet]) -> AlongTrackModel:
    """The growth rate from consecutive element sets of one object (module docstring); the default model
    of the newest set when fewer than two pairs at least 0.05 day apart propagate cleanly."""
    ordered = sorted(history, key=lambda e: e.epoch_utc)
    if not ordered:
        raise ValueError("an element-set history needs at least one element set")
    if len({e.norad_id for e in ordered}) > 1:
        raise ValueError("an element-set history must be of one object (one catalog number)")
    rates = [
        rate
        for older, newer in itertools.pairwise(ordered)
        if (rate := _drift_rate_km_per_day(older, newer)) is not None
    ]
    if len(rates) < MIN_HISTORY_PAIRS:
        return default_model(ordered[-1])
    source = f"median of {len(rates)} prediction differences between consecutive element sets"
    return AlongTrackModel(DEFAULT_EPOCH_ERROR_KM, float(np.median(rates)), source)


def _drift_rate_km_per_day(older: ElementSet, newer: ElementSet) -> float | None:
    """|along-track difference| / interval of ``older`` propagated to ``newer``'s epoch, or None."""
    interval_days = (newer.epoch_utc - older.epoch_utc).total_seconds() / SECONDS_PER_DAY
    if interval_days < MIN_HISTORY_INTERVAL_DAYS:
        return None
    old = older.to_satrec()
    new = newer.to_satrec()
    error_old, r_old, _ = old.sgp4_tsince(interval_days * MINUTES_PER_DAY)
    error_new, r_new, v_new = new.sgp4_tsince(0.0)
    if error_old or error_new:
        return None
    along = float(np.dot(np.subtract(r_old, r_new), v_new) / np.linalg.norm(v_new))
    return abs(along) / interval_days


def orbital_speed_km_s(element: ElementSet) -> float:
    """The mean orbital speed n a = (mu n)^(1/3) (km/s) from the mean motion."""
    n_rad_s = element.mean_motion_rev_per_day * 2.0 * math.pi / SECONDS_PER_DAY
    return float((WGS72_MU_KM3_S2 * n_rad_s) ** (1.0 / 3.0))


def timing_uncertainty(
    model: AlongTrackModel, element_age_days: float, speed_km_s: float
) -> TimingUncertainty:
    """The error bar of a time predicted ``element_age_days`` after the epoch, at ``speed_km_s``."""
    if speed_km_s <= 0.0:
        raise ValueError(f"orbital speed {speed_km_s} km/s must be positive")
    along = float(model.error_km(element_age_days))
    return TimingUncertainty(element_age_days, along, along / speed_km_s)


def time_errors_s(model: AlongTrackModel, element_age_days: ArrayLike, speed_km_s: float) -> FloatArray:
    """Time error bars (s) of predictions at these element ages (days), for one satellite (vectorised
    :func:`timing_uncertainty`, e.g. over a PassTable's ``element_age_days``)."""
    if speed_km_s <= 0.0:
        raise ValueError(f"orbital speed {speed_km_s} km/s must be positive")
    result: FloatArray = model.error_km(element_age_days) / speed_km_s
    return result


def catalog_time_errors_s(
    norad_ids: ArrayLike,
    element_age_days: ArrayLike,
    elements: Sequence[ElementSet],
    models: Mapping[int, AlongTrackModel] | None = None,
) -> FloatArray:
    """Time error bars (s) of many predictions of many satellites: prediction k is of satellite
    ``norad_ids[k]`` at ``element_age_days[k]`` (NaN: age unknown, taken as 0). Each satellite's model is
    ``models[norad_id]`` (from its history) when given, else :func:`default_model` of its element set."""
    ids = np.asarray(norad_ids, dtype=np.int64)
    ages = np.nan_to_num(np.asarray(element_age_days, dtype=np.float64), nan=0.0)
    by_id = {e.norad_id: e for e in elements}
    errors = np.zeros(ids.shape, dtype=np.float64)
    for norad_id in np.unique(ids):
        element = by_id[int(norad_id)]
        model = (models or {}).get(element.norad_id) or default_model(element)
        mine = ids == norad_id
        errors[mine] = time_errors_s(model, ages[mine], orbital_speed_km_s(element))
    return errors


def padded(opportunity: Opportunity, time_error_s: float, sigmas: float = 3.0) -> Opportunity:
    """The opportunity widened on both sides by ``sigmas`` times its time error (s)."""
    if sigmas < 0.0:
        raise ValueError(f"the padding factor must not be negative, got {sigmas}")
    pad = timedelta(seconds=sigmas * time_error_s)
    return dataclasses.replace(
        opportunity, start_utc=opportunity.start_utc - pad, end_utc=opportunity.end_utc + pad
    )
