"""Vectorised propagation of many satellites to many times (SGP4 engines, states on grids)."""
