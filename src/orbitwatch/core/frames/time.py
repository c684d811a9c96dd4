"""UTC, UT1 and TT for a TimeGrid, through Skyfield's time scale built from offline IERS data.

The Earth-orientation data (UT1-UTC, leap seconds, polar motion) is the IERS ``finals2000A.all``
file (Bulletin A, IAU 2000 series) that the ``skyfield-data`` package ships; nothing is ever
downloaded. The time scale is built the way Skyfield's ``Loader.timescale(builtin=False)`` builds it
(``skyfield.data.iers.build_timescale_arrays``), and the polar-motion table from the same file is
installed as Skyfield documents (``iers.install_polar_motion_table``).

Coverage: the file holds observed values to 2025-08-21 and IERS predictions to 2026-08-29, so the
bundled sample's 2026-05 epochs are covered by predictions (UT1-UTC predicted a year ahead is good to
about 20 ms, IERS Bulletin A). Beyond the table Skyfield continues UT1 with its long-term model of
Delta T and holds polar motion at the last tabulated values.
"""

import os
import warnings
from functools import cache

import numpy as np
from numpy.typing import NDArray
from skyfield.api import Loader
from skyfield.data import iers
from skyfield.timelib import Time, Timescale
from skyfield_data import get_skyfield_data_path

from orbitwatch.core.constants import ARCSEC_TO_RAD
from orbitwatch.core.propagation.states import TimeGrid

FINALS_FILE = "finals2000A.all"
EPHEMERIS_FILE = "de421.bsp"


@cache
def data_directory() -> str:
    """The folder holding skyfield-data's offline files (``de421.bsp``, ``finals2000A.all``)."""
    with warnings.catch_warnings():
        # skyfield-data compares its files with today's date and warns once finals2000A.all is past
        # the date by which its maintainers expect a newer release. The file's IERS predictions run to
        # 2026-08-29 and cover the sample's 2026-05 epochs (module docstring); the warning says nothing
        # about the instants being computed, so it is silenced here and the coverage is documented.
        warnings.filterwarnings("ignore", message=r"The file \S+ has expired", category=RuntimeWarning)
        return str(get_skyfield_data_path())


def data_file(name: str) -> str:
    """The path of one of skyfield-data's offline files."""
    return os.path.join(data_directory(), name)


@cache
def timescale() -> Timescale:
    """Skyfield's time scale from skyfield-data's ``finals2000A.all``, with its polar-motion table."""
    loader = Loader(data_directory(), verbose=False)
    with loader.open(FINALS_FILE) as finals_file:  # a bare name opens the local file; it is never fetched
        finals = iers.parse_x_y_dut1_from_finals_all(finals_file)
    daily_tt, daily_delta_t, leap_dates, leap_offsets = iers.build_timescale_arrays(
        finals["utc_mjd"], finals["dut1"]
    )
    scale = Timescale((daily_tt, daily_delta_t), leap_dates, leap_offsets)
    iers.install_polar_motion_table(scale, finals)
    return scale


def skyfield_time(grid: TimeGrid) -> Time:
    """The grid's instants as a Skyfield ``Time`` (always an array, shape (M,)).

    Skyfield splits the UTC calendar date into a whole Julian date and a day fraction, so the
    instants keep their precision (about 10 ps over days); UT1 and TT follow from the time scale.
    """
    t0 = grid.t0_utc
    seconds = t0.second + t0.microsecond * 1e-6 + np.asarray(grid.offsets_s, dtype=np.float64)
    return timescale().utc(t0.year, t0.month, t0.day, t0.hour, t0.minute, seconds)


def ut1_julian_dates(time: Time) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """UT1 Julian dates split into Skyfield's whole part and fraction, shape (M,) each."""
    return np.asarray(time.whole, dtype=np.float64), np.asarray(time.ut1_fraction, dtype=np.float64)


def polar_motion_rad(time: Time) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Pole coordinates x_p, y_p in radians at each instant (IERS, interpolated linearly in TT)."""
    _, x_arcsec, y_arcsec = time.polar_motion_angles()
    return (
        np.asarray(x_arcsec, dtype=np.float64) * ARCSEC_TO_RAD,
        np.asarray(y_arcsec, dtype=np.float64) * ARCSEC_TO_RAD,
    )
