"""Plots (an edge): matplotlib figures written as files, from core results and bundled map data."""

from orbitwatch.io.plots.groundtrack import GroundTrack, plot_ground_tracks

__all__ = ["GroundTrack", "plot_ground_tracks"]
