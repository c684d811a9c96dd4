"""The API's request and response models (pydantic), one module per resource, with converters from the
services' records. Units are in the field names, times are UTC (ISO 8601 with ``Z``)."""
