"""The exceptions orbitwatch raises for bad input and failed computations.

Every message names the source, the record (line number or index), the field and what was
expected, so that a user can find and fix the input without reading a traceback.
"""


class OrbitwatchError(Exception):
    """Base of every error orbitwatch raises on purpose."""


class ElementsError(OrbitwatchError):
    """An element set (TLE, OMM, SATCAT record) is malformed or cannot be represented."""


class ObservationError(OrbitwatchError):
    """A tracking measurement is malformed."""


class PropagationError(OrbitwatchError):
    """An orbit cannot be propagated (SGP4 error code, diverged state)."""


class ConvergenceError(OrbitwatchError):
    """An iterative estimator did not converge."""


class SourceError(OrbitwatchError):
    """A file, URL or provider could not be read."""


class StoreError(OrbitwatchError):
    """The catalog store cannot be opened, migrated or written."""


class TargetError(OrbitwatchError, ValueError):
    """A site or region is malformed: a bad ``NAME=LAT,LON[,ALT_M]``, an unknown name, an invalid polygon."""
