"""CelesTrak SATCAT: object metadata (owner, type, launch, decay, orbit summary).

Columns as CelesTrak serves ``https://celestrak.org/pub/satcat.csv`` and
``satcat/records.php?FORMAT=CSV`` (see https://celestrak.org/satcat/satcat-format.php):
OBJECT_NAME, OBJECT_ID, NORAD_CAT_ID, OBJECT_TYPE, OPS_STATUS_CODE, OWNER, LAUNCH_DATE,
LAUNCH_SITE, DECAY_DATE, PERIOD, INCLINATION, APOGEE, PERIGEE, RCS, DATA_STATUS_CODE,
ORBIT_CENTER, ORBIT_TYPE.
"""

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class ObjectMetadata:
    """What the catalog knows of one object besides its elements.

    ``object_type`` is CelesTrak's code: PAY (payload), R/B (rocket body), DEB (debris), UNK.
    ``owner`` and ``launch_site`` are CelesTrak's source and site codes (``PRC``, ``NKOR``, ``TSC``).
    Numbers are None when the catalog leaves them empty.
    """

    norad_id: int
    name: str = ""
    intl_designator: str = ""
    object_type: str = ""
    ops_status: str = ""
    owner: str = ""
    launch_date: date | None = None
    launch_site: str = ""
    decay_date: date | None = None
    period_min: float | None = None
    inclination_deg: float | None = None
    apogee_km: float | None = None
    perigee_km: float | None = None
    rcs_m2: float | None = None
    data_status: str = ""
    orbit_center: str = ""
    orbit_type: str = ""
