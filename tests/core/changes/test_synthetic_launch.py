"""Synthetic launches: the insertion geometry and the SGP4 mean elements fitted to the reached orbit."""

import math
from datetime import UTC, datetime

import numpy as np
import pytest

from orbitwatch.core.changes.prelaunch import geocentric_latitude_deg
from orbitwatch.core.changes.synthetic_launch import synthesize_launch
from orbitwatch.core.elements.model import ElementSet
from orbitwatch.errors import ElementsError
from orbitwatch.io.launch_sites import find_launch_site

LAUNCH = datetime(2026, 6, 1, 3, 0, tzinfo=UTC)


@pytest.mark.parametrize(("perigee_km", "apogee_km"), [(300.0, None), (200.0, 400.0), (500.0, 520.0)])
def test_fitted_mean_elements_reproduce_the_integrated_arc(
    perigee_km: float, apogee_km: float | None
) -> None:
    launch = synthesize_launch(
        find_launch_site("jiuquan"), LAUNCH, 97.0, perigee_alt_km=perigee_km, apogee_alt_km=apogee_km
    )

    # SGP4 against two-body + J2 over one orbit: measured 0.03 km (circular) to 0.25 km (200 x 400 km).
    assert launch.fit_rms_km < 0.3
    assert launch.fit_max_km < 0.5


def _osculating(r: np.ndarray, v: np.ndarray, template: ElementSet) -> ElementSet:
    """Two-body elements of a state (Vallado 4th ed. Algorithm 9), put into an ElementSet unchanged."""
    mu = 398600.8
    h = np.cross(r, v)
    e_vec = ((v @ v - mu / np.linalg.norm(r)) * r - (r @ v) * v) / mu
    a = 1.0 / (2.0 / np.linalg.norm(r) - v @ v / mu)
    node = np.cross([0.0, 0.0, 1.0], h)
    node /= np.linalg.norm(node)
    q_axis = np.cross(h / np.linalg.norm(h), node)
    u = math.atan2(r @ q_axis, r @ node)
    ecc = float(np.linalg.norm(e_vec))
    argp = math.atan2(e_vec @ q_axis, e_vec @ node)
    nu = u - argp
    big_e = 2.0 * math.atan(math.sqrt((1 - ecc) / (1 + ecc)) * math.tan(nu / 2.0))
    return ElementSet(
        norad_id=template.norad_id,
        epoch_utc=template.epoch_utc,
        mean_motion_rev_per_day=math.sqrt(mu / a**3) * 86400.0 / (2.0 * math.pi),
        eccentricity=ecc,
        inclination_deg=math.degrees(math.acos(h[2] / np.linalg.norm(h))),
        raan_deg=math.degrees(math.atan2(h[0], -h[1])) % 360.0,
        arg_perigee_deg=math.degrees(argp) % 360.0,
        mean_anomaly_deg=math.degrees(big_e - ecc * math.sin(big_e)) % 360.0,
    )


def test_osculating_elements_relabelled_as_mean_would_miss_by_kilometres() -> None:
    launch = synthesize_launch(
        find_launch_site("jiuquan"), LAUNCH, 97.0, perigee_alt_km=200.0, apogee_alt_km=400.0
    )
    fitted = launch.elements.to_satrec()
    # SGP4 from the fitted elements gives the state at insertion (the fit matches the truth to 0.5 km
    # three hours later); its osculating elements relabelled as mean ones drift away within hours.
    jd, fr = fitted.jdsatepoch, fitted.jdsatepochF
    insertion_fr = fr - 3.0 / 24.0
    _, r0, v0 = fitted.sgp4(jd, insertion_fr)
    template = ElementSet(
        norad_id=1,
        epoch_utc=launch.insertion_time_utc,
        mean_motion_rev_per_day=15.0,
        eccentricity=0.0,
        inclination_deg=0.0,
        raan_deg=0.0,
        arg_perigee_deg=0.0,
        mean_anomaly_deg=0.0,
    )
    relabelled = _osculating(np.array(r0), np.array(v0), template).to_satrec()
    _, r_fit, _ = fitted.sgp4(jd, fr)
    _, r_rel, _ = relabelled.sgp4(jd, fr)

    assert np.linalg.norm(np.subtract(r_fit, r_rel)) > 5.0


def test_the_plane_follows_the_launch_triangle_and_the_revolutions_are_counted() -> None:
    site = find_launch_site("sohae")
    launch = synthesize_launch(site, LAUNCH, 190.0, elements_after_h=6.0)
    lat = math.radians(geocentric_latitude_deg(site))

    expected = math.degrees(math.acos(math.cos(lat) * math.sin(math.radians(190.0))))
    assert launch.inclination_deg == pytest.approx(expected, abs=1e-9)
    assert launch.elements.inclination_deg == pytest.approx(expected, abs=0.05)
    assert not launch.ascending
    # 6 h at about 15.3 rev/day: 3 or 4 ascending nodes after insertion.
    assert launch.revolutions_at_epoch in (3, 4)
    assert launch.elements.rev_at_epoch == launch.revolutions_at_epoch
    assert isinstance(launch.elements, ElementSet)
    assert launch.elements.name == "SYNTHETIC SOHAE 2026-06-01T03:00Z"


def test_a_ground_heading_is_turned_into_the_inertial_azimuth() -> None:
    site = find_launch_site("sohae")
    launch = synthesize_launch(site, LAUNCH, 192.6, ground_relative=True, perigee_alt_km=500.0)

    # A sun-synchronous ground track leaves 40 deg N heading about 192.6 deg; the plane's azimuth is 190.
    assert launch.ground_azimuth_deg == pytest.approx(192.6)
    assert launch.azimuth_deg == pytest.approx(190.0, abs=0.1)


def test_bad_orbits_are_refused() -> None:
    with pytest.raises(ElementsError, match="perigee"):
        synthesize_launch(find_launch_site("sohae"), LAUNCH, 190.0, perigee_alt_km=400.0, apogee_alt_km=300.0)
