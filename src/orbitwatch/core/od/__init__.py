"""Orbit determination (pure): measurements, initial orbit determination, least squares, SGP4 element
fitting, correlation with the catalog and ascent assessment."""
