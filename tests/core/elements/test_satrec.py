"""ElementSet.to_satrec() against python-sgp4's own TLE reader, on every bundled real element set.

For each object, the Satrec built by ``sgp4init`` from the record orbitwatch read must propagate to the
same TEME position as ``Satrec.twoline2rv`` on the same two lines: within 1 mm, with the same error
code, at the epoch and at -1, +0.5 and +3 days.
"""

from importlib.resources import files
from importlib.resources.abc import Traversable

import numpy as np
import pytest
from sgp4.api import Satrec

from orbitwatch.core.elements.tle import read_tle

SAMPLE = files("orbitwatch") / "io" / "bundled" / "sample"
SAMPLE_FILES: list[Traversable] = sorted(
    (tle for day in SAMPLE.iterdir() if day.is_dir() for tle in day.iterdir() if tle.name.endswith(".tle")),
    key=lambda tle: str(tle),
)
OFFSETS_DAYS = np.array([0.0, 0.5, -1.0, 3.0])
POSITION_TOLERANCE_KM = 1e-6
VELOCITY_TOLERANCE_KM_S = 1e-9


def _sample_id(tle: Traversable) -> str:
    return f"{str(tle).split('/')[-2]}/{tle.name}"


@pytest.mark.parametrize("tle", SAMPLE_FILES, ids=_sample_id)
def test_to_satrec_propagates_like_twoline2rv(tle: Traversable) -> None:
    result = read_tle(tle.read_text(encoding="utf-8"), tle.name)
    assert result.records
    for element_set, text in zip(result.records, result.texts, strict=True):
        line1, line2 = text.split("\n")[-2:]
        reference = Satrec.twoline2rv(line1, line2)
        ours = element_set.to_satrec()
        jd = np.full(OFFSETS_DAYS.shape, reference.jdsatepoch)
        fr = reference.jdsatepochF + OFFSETS_DAYS
        error_ref, r_ref_km, v_ref_km_s = reference.sgp4_array(jd, fr)
        error_ours, r_ours_km, v_ours_km_s = ours.sgp4_array(jd, fr)
        assert list(error_ours) == list(error_ref), element_set.norad_id
        ok = error_ref == 0
        assert np.all(np.abs(r_ours_km[ok] - r_ref_km[ok]) < POSITION_TOLERANCE_KM), element_set.norad_id
        assert np.all(np.abs(v_ours_km_s[ok] - v_ref_km_s[ok]) < VELOCITY_TOLERANCE_KM_S), (
            element_set.norad_id
        )
