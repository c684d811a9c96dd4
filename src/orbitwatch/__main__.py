"""``python -m orbitwatch``: the same as the ``orbitwatch`` command."""

from orbitwatch.cli.main import run

run()
