"""Where alerts go besides the store: a JSON-lines file and webhooks (an edge: files and HTTP).

- :class:`JsonlFile` appends one JSON object per line and ``fsync``s it before returning, so a line
  reported written survives a crash. A crash in the middle of a line leaves a partial last line: the
  next append cuts it off first. ``contains`` finds a line by its idempotency key, so a delivery whose
  outcome was lost in a crash is not written twice.
- :func:`post_webhook` sends one POST: the JSON body, ``X-Orbitwatch-Signature: sha256=<hex>`` (HMAC-SHA256
  of the body with the channel's secret), ``X-Orbitwatch-Timestamp`` and ``Idempotency-Key``; it reports
  the outcome, whether it is worth repeating, and never a URL or a secret in its text (a webhook URL
  often carries a token). Retries and back-off are the caller's (the store records each attempt).
"""

import hashlib
import hmac
import json
import logging
import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from http.client import responses
from pathlib import Path
from typing import Any, Final

import httpx

from orbitwatch.errors import SourceError
from orbitwatch.io.sources.http import USER_AGENT, first_line

SIGNATURE_HEADER: Final = "X-Orbitwatch-Signature"
TIMESTAMP_HEADER: Final = "X-Orbitwatch-Timestamp"
IDEMPOTENCY_HEADER: Final = "Idempotency-Key"
_RETRYABLE_STATUSES: Final = frozenset({408, 425, 429})
_REASON_CHARS: Final = 200


class JsonlFile:
    """A JSON-lines file that alerts are appended to, one object per line, each line synced to disk."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)

    def append(self, record: Mapping[str, Any]) -> None:
        """Append ``record`` as one line and fsync it (and, for a new file, its folder)."""
        line = json.dumps(dict(record), sort_keys=True, separators=(",", ":"), allow_nan=False) + "\n"
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            created = not self.path.exists()
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o640)
            try:
                end = _complete_length(fd)
                os.ftruncate(fd, end)
                os.lseek(fd, end, os.SEEK_SET)
                os.write(fd, line.encode("utf-8"))
                os.fsync(fd)
            finally:
                os.close(fd)
            if created:
                _fsync_folder(self.path.parent)
        except OSError as exc:
            raise SourceError(f"{self.path}: cannot append an alert ({exc.strerror or exc})") from None

    def contains(self, key_field: str, key: str) -> bool:
        """True when a complete line has ``key`` in its field ``key_field``."""
        try:
            with self.path.open("rb") as handle:
                for raw in handle:
                    if not raw.endswith(b"\n"):
                        break
                    try:
                        found = json.loads(raw)
                    except ValueError:
                        continue
                    if isinstance(found, dict) and found.get(key_field) == key:
                        return True
        except FileNotFoundError:
            return False
        except OSError as exc:
            raise SourceError(f"{self.path}: cannot be read ({exc.strerror or exc})") from None
        return False


def _complete_length(fd: int) -> int:
    """The length of the file up to and including its last newline (a partial last line is cut off)."""
    size = os.fstat(fd).st_size
    position = size
    chunk = 4096
    while position > 0:
        start = max(0, position - chunk)
        os.lseek(fd, start, os.SEEK_SET)
        data = os.read(fd, position - start)
        newline = data.rfind(b"\n")
        if newline >= 0:
            return start + newline + 1
        position = start
    return 0


def _fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def signature(secret: bytes, body: bytes) -> str:
    """The value of the signature header: ``sha256=`` and the hex HMAC-SHA256 of ``body`` with ``secret``."""
    return "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()


def verify_signature(secret: bytes, body: bytes, header: str) -> bool:
    """True when ``header`` is the signature of ``body`` with ``secret`` (compared in constant time)."""
    return hmac.compare_digest(signature(secret, body), header)


@dataclass(frozen=True)
class Webhook:
    """A receiver: a name (in messages, never the URL), its URL and secret (neither shown), a timeout."""

    name: str
    url: str = field(repr=False)
    secret: bytes = field(repr=False)
    timeout_s: float = 10.0


@dataclass(frozen=True, slots=True)
class PostOutcome:
    """What one POST came to: delivered (2xx), the status (None without an answer), why not, and whether
    another attempt may succeed (no answer, a timeout, 5xx, 408, 425, 429)."""

    delivered: bool
    status: int | None
    error: str
    retryable: bool
    retry_after_s: float = 0.0


class _Redact(logging.Filter):
    """Replaces webhook URLs and secrets in the records of httpx's loggers (which log request URLs)."""

    def __init__(self) -> None:
        super().__init__()
        self.hidden: dict[str, str] = {}
        self.lock = threading.Lock()

    def filter(self, record: logging.LogRecord) -> bool:
        with self.lock:
            hidden = sorted(self.hidden.items(), key=lambda item: -len(item[0]))  # whole URLs first
        if not hidden:
            return True
        text = record.getMessage()
        if any(secret in text for secret, _ in hidden):
            for secret, name in hidden:
                text = text.replace(secret, name)
            record.msg, record.args = text, None
        return True


_REDACT: Final = _Redact()
for _logger_name in ("httpx", "httpcore"):
    logging.getLogger(_logger_name).addFilter(_REDACT)


def hide_in_logs(hook: "Webhook") -> None:
    """Have httpx's log records show ``<webhook NAME>`` instead of the hook's URL, and never its secret."""
    with _REDACT.lock:
        _REDACT.hidden[hook.url] = f"<webhook {hook.name}>"
        try:
            parsed = httpx.URL(hook.url)
            _REDACT.hidden[str(parsed)] = f"<webhook {hook.name}>"
            for part in (parsed.query.decode("ascii", "replace"), parsed.path):
                if len(part) > 1:
                    _REDACT.hidden[part] = "<hidden>"
        except httpx.InvalidURL:
            pass
        if hook.secret:
            _REDACT.hidden[hook.secret.decode("utf-8", "replace")] = "<hidden>"


def webhook_client() -> httpx.Client:
    """The client for webhooks: our User-Agent, no redirects (a redirect is refused, not followed)."""
    return httpx.Client(headers={"User-Agent": USER_AGENT}, follow_redirects=False)


def post_webhook(
    client: httpx.Client, hook: Webhook, body: bytes, *, timestamp: str, idempotency_key: str
) -> PostOutcome:
    """POST ``body`` (JSON) to the webhook, signed; the outcome, its text free of the URL and the secret."""
    hide_in_logs(hook)
    headers = {
        "Content-Type": "application/json",
        SIGNATURE_HEADER: signature(hook.secret, body),
        TIMESTAMP_HEADER: timestamp,
        IDEMPOTENCY_HEADER: idempotency_key,
    }
    try:
        reply = client.post(hook.url, content=body, headers=headers, timeout=hook.timeout_s)
    except (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError) as exc:
        return PostOutcome(False, None, _scrubbed(hook, f"no answer: {_exception_text(exc)}"), True)
    except (httpx.HTTPError, httpx.InvalidURL) as exc:
        return PostOutcome(False, None, _scrubbed(hook, f"cannot send: {_exception_text(exc)}"), False)
    status = reply.status_code
    if HTTPStatus.OK <= status < HTTPStatus.MULTIPLE_CHOICES:
        return PostOutcome(True, status, "", False)
    phrase = responses.get(status, "unexpected status")
    text = f"HTTP {status} {phrase}"
    if reply.content.strip():
        text += f": {first_line(reply.content)[:_REASON_CHARS]}"
    retryable = status >= HTTPStatus.INTERNAL_SERVER_ERROR or status in _RETRYABLE_STATUSES
    return PostOutcome(False, status, _scrubbed(hook, text), retryable, _retry_after(reply))


def _retry_after(reply: httpx.Response) -> float:
    try:
        return max(0.0, float(reply.headers.get("retry-after", "")))
    except ValueError:
        return 0.0


def _scrubbed(hook: Webhook, text: str) -> str:
    """``text`` without the webhook's URL (or its query) or secret: those may carry credentials."""
    cleaned = text.replace(hook.url, f"<webhook {hook.name}>")
    try:
        parts = httpx.URL(hook.url)
        for secret_part in (parts.query.decode("ascii", "replace"), parts.path, parts.userinfo.decode()):
            if len(secret_part) > 1:
                cleaned = cleaned.replace(secret_part, "<hidden>")
    except (httpx.InvalidURL, UnicodeDecodeError):
        pass
    if hook.secret:
        cleaned = cleaned.replace(hook.secret.decode("utf-8", "replace"), "<hidden>")
    return cleaned


def _exception_text(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
