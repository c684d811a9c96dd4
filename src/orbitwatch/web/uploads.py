"""Uploads: the OpenAPI description of a file body, and the body read as it streams in.

The server's upload limit is enforced by the application as the bytes arrive (413 beyond it); here an
empty body is a 422.
"""

from typing import Any, Final

from fastapi import Request

from orbitwatch.web.problems import ProblemError

FILENAME: Final = r"^[A-Za-z0-9][A-Za-z0-9._ -]*$"
"""The names a client may give an uploaded file (its source in the store)."""


def file_body(description: str) -> dict[str, Any]:
    """The ``openapi_extra`` of an operation whose body is one text file's bytes."""
    return {
        "requestBody": {
            "required": True,
            "description": description,
            "content": {
                "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
                "text/plain": {"schema": {"type": "string"}},
            },
        }
    }


async def uploaded_bytes(request: Request) -> bytes:
    """The request's body, read as it streams in; a 422 problem when it is empty."""
    data = bytearray()
    async for chunk in request.stream():
        data.extend(chunk)
    if not data:
        raise ProblemError(
            422, "Unprocessable Content", "the upload is empty: send the file's bytes as the body"
        )
    return bytes(data)
