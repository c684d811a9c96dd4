"""Exports for the tools analysts already use (calendars now; CZML, KML, GeoJSON later)."""
