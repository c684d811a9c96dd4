"""Imported by the computations' fork server (:mod:`orbitwatch.web.compute`): a tiny search of each kind,
so that every child forked from it starts with the time scale, ephemerides and SGP4 engines loaded."""

from orbitwatch.web.compute import warm_up

warm_up()
