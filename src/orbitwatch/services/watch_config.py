"""The watch configuration: a TOML file (read with ``tomllib``) of sources, targets, limits and channels.

See ``docs/watch.md`` for every key. Every mistake is an :class:`~orbitwatch.errors.OrbitwatchError`
naming the file and the key (``sources.celestrak_groups[2]``...); unknown keys are mistakes too, so a
misspelt key never silently does nothing. Relative paths are relative to the file's folder. Secrets
(webhook secrets, Space-Track passwords) are never in the file: it names the environment variables that
hold them, read when the file is loaded, and they never appear in a ``repr``.
"""

import dataclasses
import math
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from orbitwatch.core.changes import EVENT_KINDS
from orbitwatch.core.events.imaging import SensorModel
from orbitwatch.errors import OrbitwatchError
from orbitwatch.io.alerts_out import Webhook
from orbitwatch.io.sources.celestrak import CELESTRAK_BASE, GP_FORMATS
from orbitwatch.io.sources.spacetrack import IDENTITY_ENV, PASSWORD_ENV, SPACETRACK_BASE

_NAME: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
MIN_INTERVAL_MINUTES: Final = 0.01
"""The shortest interval (0.6 s, for a drop folder); HTTP answers are cached for 2 h whatever the interval."""


@dataclass(frozen=True)
class SpaceTrackSource:
    """A Space-Track query: a whole query URL, or the newest GP sets of catalog numbers; its group (when
    the answer is a group's membership) and the environment variables of the login."""

    name: str
    url: str | None
    norad_ids: tuple[int, ...]
    group: str | None
    base: str
    fmt: str
    identity: str = field(repr=False)
    password: str = field(repr=False)


@dataclass(frozen=True)
class Sources:
    """Where element sets come from on each cycle, and how politely they are fetched."""

    celestrak_groups: tuple[str, ...] = ()
    celestrak_base: str = CELESTRAK_BASE
    celestrak_format: str = "tle"
    spacetrack: tuple[SpaceTrackSource, ...] = ()
    drop_folders: tuple[Path, ...] = ()
    cache_dir: Path | None = None
    retries: int = 3
    backoff_s: float = 2.0
    timeout_s: float = 30.0
    min_group_fraction: float = 0.5


@dataclass(frozen=True)
class JsonlChannelConfig:
    """A JSON-lines file that alerts are appended to."""

    name: str
    path: Path

    @property
    def channel(self) -> str:
        """The channel's name in the store (``jsonl:NAME``)."""
        return f"jsonl:{self.name}"


@dataclass(frozen=True)
class WebhookChannelConfig:
    """A webhook and its retry budget: ``retries`` repeats after the first attempt, waits of ``backoff_s``
    doubling up to ``max_backoff_s``."""

    hook: Webhook
    retries: int = 4
    backoff_s: float = 1.0
    max_backoff_s: float = 30.0

    @property
    def channel(self) -> str:
        """The channel's name in the store (``webhook:NAME``)."""
        return f"webhook:{self.hook.name}"


ChannelConfig = JsonlChannelConfig | WebhookChannelConfig


@dataclass(frozen=True)
class WatchConfig:
    """A whole watch: its name (state in the store is kept under it), schedule, sources, targets, sensor,
    lead time and horizon of opportunities, the event kinds that alert, and the alert channels."""

    name: str = "default"
    interval_s: float = 7200.0
    horizon_hours: float = 24.0
    lead_time_s: float = 3600.0
    manoeuvre_lookback_hours: float = 72.0
    event_kinds: tuple[str, ...] = EVENT_KINDS
    sources: Sources = field(default_factory=Sources)
    sites: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    watch_lists: tuple[str, ...] = ()
    sensor: SensorModel = field(default_factory=SensorModel.optical)
    channels: tuple[ChannelConfig, ...] = ()
    path: Path | None = None

    @property
    def channel_names(self) -> tuple[str, ...]:
        """The store's names of the alert channels, in the order configured."""
        return tuple(c.channel for c in self.channels)


def load_watch_config(path: str | os.PathLike[str], environ: Mapping[str, str] | None = None) -> WatchConfig:
    """Read and check a watch configuration file; secrets from ``environ`` (default ``os.environ``)."""
    file = Path(path).expanduser()
    try:
        raw = tomllib.loads(file.read_text(encoding="utf-8"))
    except OSError as exc:
        raise OrbitwatchError(
            f"{file}: cannot read the watch configuration ({exc.strerror or exc})"
        ) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise OrbitwatchError(f"{file}: not valid TOML: {exc}") from None
    config = watch_config_from_mapping(
        raw, folder=file.resolve().parent, where=str(file), environ=os.environ if environ is None else environ
    )
    return dataclasses.replace(config, path=file)


def watch_config_from_mapping(
    raw: Mapping[str, Any], *, folder: Path, where: str, environ: Mapping[str, str]
) -> WatchConfig:
    """A watch configuration from the parsed TOML (see :func:`load_watch_config`)."""
    r = _Reader(raw, where, "")
    r.only(
        "name", "interval_minutes", "horizon_hours", "lead_time_minutes", "manoeuvre_lookback_hours",
        "event_kinds", "sources", "targets", "sensor", "channels",
    )  # fmt: skip
    kinds = tuple(r.texts("event_kinds", list(EVENT_KINDS)))
    unknown = sorted(set(kinds) - set(EVENT_KINDS))
    if unknown:
        raise r.error("event_kinds", f"{unknown[0]!r} is not one of {', '.join(EVENT_KINDS)}")
    targets = r.table("targets")
    targets.only("sites", "regions", "watch_lists")
    config = WatchConfig(
        name=r.name("name", "default"),
        interval_s=60.0 * r.number("interval_minutes", 120.0, low=MIN_INTERVAL_MINUTES),
        horizon_hours=r.number("horizon_hours", 24.0, low=0.1, high=168.0),
        lead_time_s=60.0 * r.number("lead_time_minutes", 60.0, low=0.0, high=168.0 * 60),
        manoeuvre_lookback_hours=r.number("manoeuvre_lookback_hours", 72.0, low=0.0, high=24.0 * 366),
        event_kinds=kinds,
        sources=_sources(r.table("sources"), folder, environ),
        sites=tuple(targets.texts("sites", [])),
        regions=tuple(targets.texts("regions", [])),
        watch_lists=tuple(targets.texts("watch_lists", [])),
        sensor=_sensor(r.table("sensor")),
        channels=_channels(r.table("channels"), folder, environ),
    )
    if config.watch_lists and not (config.sites or config.regions):
        raise r.error("targets", "watch lists are given but no site or region to watch them over")
    return config


def _sources(r: "_Reader", folder: Path, environ: Mapping[str, str]) -> Sources:
    r.only(
        "celestrak_groups", "celestrak_base", "celestrak_format", "spacetrack", "drop_folders", "cache_dir",
        "retries", "backoff_s", "timeout_s", "min_group_fraction",
    )  # fmt: skip
    fmt = r.text("celestrak_format", "tle").lower()
    if fmt not in GP_FORMATS:
        raise r.error("celestrak_format", f"{fmt!r} is not one of {', '.join(GP_FORMATS)}")
    cache = r.text("cache_dir", "")
    return Sources(
        celestrak_groups=tuple(r.texts("celestrak_groups", [])),
        celestrak_base=_http_url(r, "celestrak_base", r.text("celestrak_base", CELESTRAK_BASE)),
        celestrak_format=fmt,
        spacetrack=tuple(_spacetrack(t, environ) for t in r.tables("spacetrack")),
        drop_folders=tuple(folder / Path(p).expanduser() for p in r.texts("drop_folders", [])),
        cache_dir=(folder / Path(cache).expanduser()) if cache else None,
        retries=int(r.number("retries", 3, low=0, high=10, integer=True)),
        backoff_s=r.number("backoff_s", 2.0, low=0.0, high=600.0),
        timeout_s=r.number("timeout_s", 30.0, low=0.1, high=600.0),
        min_group_fraction=r.number("min_group_fraction", 0.5, low=0.0, high=1.0),
    )


def _spacetrack(r: "_Reader", environ: Mapping[str, str]) -> SpaceTrackSource:
    r.only("name", "url", "norad_ids", "group", "base", "format", "identity_env", "password_env")
    url = r.text("url", "") or None
    ids = tuple(r.integers("norad_ids"))
    if (url is None) == (not ids):
        raise r.error("", "give exactly one of url and norad_ids")
    identity_env = r.text("identity_env", IDENTITY_ENV)
    password_env = r.text("password_env", PASSWORD_ENV)
    identity, password = environ.get(identity_env, ""), environ.get(password_env, "")
    if not identity or not password:
        raise r.error("", f"Space-Track needs ${identity_env} and ${password_env} set in the environment")
    return SpaceTrackSource(
        name=r.name("name", None),
        url=_http_url(r, "url", url) if url else None,
        norad_ids=ids,
        group=r.text("group", "") or None,
        base=_http_url(r, "base", r.text("base", SPACETRACK_BASE)),
        fmt=r.text("format", "json").lower(),
        identity=identity,
        password=password,
    )


def _sensor(r: "_Reader") -> SensorModel:
    r.only("kind", "max_off_nadir_deg", "min_sun_elevation_deg", "min_elevation_deg")
    kind = r.text("kind", "optical").lower()
    if kind not in ("optical", "sar"):
        raise r.error("kind", f"{kind!r} is not optical or sar")
    off_nadir = r.number("max_off_nadir_deg", 30.0 if kind == "optical" else 45.0, low=0.001, high=89.999)
    sun = None if kind == "sar" else r.number("min_sun_elevation_deg", 10.0, low=-90.0, high=90.0)
    elevation = r.number("min_elevation_deg", math.nan, low=-90.0, high=89.999)
    return SensorModel(off_nadir, None if math.isnan(elevation) else elevation, sun, kind)


def _channels(r: "_Reader", folder: Path, environ: Mapping[str, str]) -> tuple[ChannelConfig, ...]:
    r.only("jsonl", "webhook")
    found: list[ChannelConfig] = []
    for t in r.tables("jsonl"):
        t.only("name", "path")
        found.append(
            JsonlChannelConfig(t.name("name", "jsonl"), folder / Path(t.text("path", "")).expanduser())
        )
        if not t.text("path", ""):
            raise t.error("path", "a JSON-lines channel needs a path")
    for t in r.tables("webhook"):
        t.only("name", "url", "secret_env", "timeout_s", "retries", "backoff_s", "max_backoff_s")
        name = t.name("name", None)
        secret_env = t.text("secret_env", "")
        if not secret_env:
            raise t.error("secret_env", "a webhook needs the name of the environment variable of its secret")
        secret = environ.get(secret_env, "")
        if len(secret) < 16:
            raise t.error("secret_env", f"${secret_env} must hold a secret of at least 16 characters")
        hook = Webhook(
            name,
            _http_url(t, "url", t.text("url", "")),
            secret.encode("utf-8"),
            t.number("timeout_s", 10.0, low=0.1, high=300.0),
        )
        found.append(
            WebhookChannelConfig(
                hook,
                retries=int(t.number("retries", 4, low=0, high=20, integer=True)),
                backoff_s=t.number("backoff_s", 1.0, low=0.0, high=3600.0),
                max_backoff_s=t.number("max_backoff_s", 30.0, low=0.0, high=3600.0),
            )
        )
    names = [c.channel for c in found]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise r.error("", f"two channels are named {duplicates[0]!r}")
    return tuple(found)


def _http_url(r: "_Reader", key: str, url: str) -> str:
    if not url.startswith(("http://", "https://")):
        raise r.error(key, "expected an http:// or https:// URL")
    return url


class _Reader:
    """Typed access to one TOML table, with errors that name the file and the key."""

    def __init__(self, raw: Any, where: str, prefix: str) -> None:
        if not isinstance(raw, Mapping):
            raise OrbitwatchError(f"{where}: {prefix or 'the file'}: expected a table")
        self.raw, self.where, self.prefix = raw, where, prefix

    def error(self, key: str, why: str) -> OrbitwatchError:
        path = ".".join(p for p in (self.prefix, key) if p) or "(top level)"
        return OrbitwatchError(f"{self.where}: {path}: {why}")

    def only(self, *keys: str) -> None:
        unknown = sorted(set(self.raw) - set(keys))
        if unknown:
            raise self.error(unknown[0], f"unknown key; expected some of {', '.join(keys)}")

    def table(self, key: str) -> "_Reader":
        return _Reader(self.raw.get(key, {}), self.where, self._path(key))

    def tables(self, key: str) -> list["_Reader"]:
        value = self.raw.get(key, [])
        if not isinstance(value, list):
            raise self.error(key, "expected an array of tables ([[...]])")
        return [_Reader(item, self.where, f"{self._path(key)}[{k}]") for k, item in enumerate(value)]

    def text(self, key: str, default: str) -> str:
        value = self.raw.get(key, default)
        if not isinstance(value, str) or not value.isprintable():
            raise self.error(key, "expected printable text")
        return value.strip()

    def name(self, key: str, default: str | None) -> str:
        if default is None and key not in self.raw:
            raise self.error(key, "a name is needed")
        value = self.text(key, default or "")
        if not _NAME.fullmatch(value):
            raise self.error(key, "expected a name of letters, digits, '_', '.', '-' (at most 64)")
        return value

    def texts(self, key: str, default: list[str]) -> list[str]:
        value = self.raw.get(key, default)
        if not isinstance(value, list):
            raise self.error(key, "expected a list of texts")
        for k, item in enumerate(value):
            if not isinstance(item, str) or not item.strip() or not item.isprintable():
                raise self.error(f"{key}[{k}]", "expected printable text")
        return [item.strip() for item in value]

    def integers(self, key: str) -> list[int]:
        value = self.raw.get(key, [])
        if not isinstance(value, list) or not all(type(n) is int and n > 0 for n in value):
            raise self.error(key, "expected a list of positive integers")
        return list(value)

    def number(
        self, key: str, default: float, *, low: float, high: float = math.inf, integer: bool = False
    ) -> float:
        value = self.raw.get(key, default)
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or (integer and type(value) is not int)
        ):
            raise self.error(key, "expected an integer" if integer else "expected a number")
        if math.isnan(value) and math.isnan(default):
            return value
        if not low <= value <= high:
            raise self.error(key, f"{value} is outside {low:g} .. {high:g}")
        return float(value)

    def _path(self, key: str) -> str:
        return f"{self.prefix}.{key}" if self.prefix else key
