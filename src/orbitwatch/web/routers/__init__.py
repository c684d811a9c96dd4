"""The API's routers, one module per resource; each is thin: check, call a service, convert."""
