"""The pure core: functions over arrays and frozen dataclasses; no I/O, no clock, no printing."""
