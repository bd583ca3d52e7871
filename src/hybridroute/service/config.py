"""The service configuration file (TOML): adapter, router, endpoints, database.

Secrets never sit in the file: it names the environment variables that hold them.

Example::

    [service]
    database = "hybridroute.db"
    host = "127.0.0.1"
    port = 8080
    admin_token_env = "HYBRIDROUTE_ADMIN_TOKEN"
    replay_window_seconds = 300     # signed timestamps (Zendesk) older or newer are refused
    max_concurrent_bodies = 64      # bodies read at a time; more get 503 + Retry-After
    body_read_timeout = 30          # seconds to send a whole body

    [router]
    factory = "my_support.routing:build_router"     # returns a hybridroute.Router

    [adapter]
    factory = "hybridroute.adapters.zendesk:ZendeskAdapter"
    options = { subdomain = "acme" }
    env = { email = "ZENDESK_EMAIL", api_token = "ZENDESK_API_TOKEN" }
    http = { timeout = 10, retry = { max_attempts = 4, max_wait = 8 } }   # optional

    [[endpoints]]
    name = "zendesk"
    scheme = "zendesk"
    secret_env = "ZENDESK_WEBHOOK_SECRET"
    parser = "hybridroute.service.events:parse_hybridroute_event"

Each table is checked by a frozen pydantic model that forbids unknown keys: a typo
(``databse``) or a wrong type (``port = "eighty"``) is a :class:`UsageError` naming the
table and the key, never a silently applied default.
"""

from __future__ import annotations

import difflib
import importlib
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pydantic
from pydantic import ConfigDict, field_validator

from hybridroute.adapters.options import HttpOptions, RetryPolicy
from hybridroute.exceptions import UsageError
from hybridroute.router import Router
from hybridroute.service.app import ServiceSettings, VendorEndpoint
from hybridroute.service.events import EventParser

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

__all__ = ["ServiceConfig", "import_object", "load_config"]

_DEFAULTS = ServiceSettings(endpoints={})
_DEFAULT_PARSER = "hybridroute.service.events:parse_hybridroute_event"


class _Table(pydantic.BaseModel):
    """One TOML table: frozen, strict types (TOML has them), unknown keys refused."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)


class _ServiceTable(_Table):
    database: str = "hybridroute.db"
    host: str = "127.0.0.1"
    port: int = 8080
    max_body_bytes: int = _DEFAULTS.max_body_bytes
    admin_token_env: str | None = None
    replay_window_seconds: float = _DEFAULTS.replay_window_seconds
    max_concurrent_bodies: float = _DEFAULTS.max_concurrent_bodies
    body_read_timeout: float = _DEFAULTS.body_read_timeout

    @field_validator("port", mode="before")
    @classmethod
    def _port(cls, value: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 65535:
            raise ValueError("must be a whole number from 1 to 65535, like port = 8080")
        return value

    @field_validator("max_body_bytes", mode="before")
    @classmethod
    def _positive_int(cls, value: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise ValueError("must be a positive whole number (bytes)")
        return value

    @field_validator(
        "replay_window_seconds", "max_concurrent_bodies", "body_read_timeout", mode="before"
    )
    @classmethod
    def _positive(cls, value: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
            raise ValueError("must be a positive number")
        return float(value)


class _RouterTable(_Table):
    factory: str


class _AdapterTable(_Table):
    factory: str
    options: dict[str, Any] = {}
    env: dict[str, str] = {}
    http: Any = None  # checked by _http_options, whose message shows the expected shape


class _EndpointTable(_Table):
    name: str
    scheme: str = "hybridroute"
    secret_env: str | None = None
    parser: str = _DEFAULT_PARSER


class _ConfigFile(_Table):
    service: _ServiceTable = _ServiceTable()
    router: _RouterTable
    adapter: _AdapterTable
    endpoints: list[_EndpointTable]


_TABLES: dict[str, type[_Table]] = {
    "service": _ServiceTable,
    "router": _RouterTable,
    "adapter": _AdapterTable,
    "endpoints": _EndpointTable,
}


def _problem(err: Any, file: Path) -> str:
    """One line for one of pydantic's errors: where (table and key), what, how to fix."""
    loc = tuple(err["loc"])
    kind = err["type"]
    if len(loc) == 1:  # a whole table
        table = str(loc[0])
        if kind == "missing":
            return f"config file {file} lacks {table!r}; see docs/deploy.md"
        if kind == "extra_forbidden":
            return f"[{table}]: {_unknown(table, list(_TABLES), 'table')}"
        return f"[{table}]: {err['msg']} (got {_shown(err.get('input'))})"
    table, key = str(loc[0]), str(loc[-1])
    where = f"[[endpoints]] #{int(loc[1]) + 1}" if table == "endpoints" else f"[{table}]"
    if kind == "extra_forbidden":
        return f"{where} {key}: {_unknown(key, list(_TABLES[table].model_fields), 'key')}"
    if kind == "missing":
        return f"{where} {key}: missing; add it (see docs/deploy.md)"
    message = err["msg"].removeprefix("Value error, ")
    return f"{where} {key}: {message} (got {_shown(err.get('input'))})"


def _unknown(name: str, known: list[str], what: str) -> str:
    close = difflib.get_close_matches(name, known, n=1)
    hint = f"did you mean {close[0]!r}?" if close else f"the {what}s are {', '.join(known)}"
    return f"unknown {what}; {hint} (fix its spelling or remove it)"


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _parse(data: dict[str, Any], file: Path) -> _ConfigFile:
    try:
        return _ConfigFile.model_validate(data)
    except pydantic.ValidationError as exc:
        lines = [_problem(err, file) for err in exc.errors(include_url=False)]
        if len(lines) == 1:
            raise UsageError(lines[0]) from None
        head = f"config file {file} has {len(lines)} problems:"
        raise UsageError("\n  ".join([head, *lines])) from None


def import_object(spec: str) -> Any:
    """Import ``"package.module:attribute"``; a clear error if it is not there."""
    module_name, _, attr = spec.partition(":")
    if not module_name or not attr:
        raise UsageError(f"{spec!r} should look like 'package.module:attribute'")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise UsageError(f"cannot import module {module_name!r} (from {spec!r}): {exc}") from exc
    try:
        return getattr(module, attr)
    except AttributeError as exc:
        raise UsageError(f"module {module_name!r} has no attribute {attr!r}") from exc


def _env(name: str, what: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise UsageError(f"{what}: environment variable {name} is not set")
    return value


@dataclass
class ServiceConfig:
    """A loaded configuration, ready to build the service."""

    database: Path
    host: str
    port: int
    router_factory: str
    adapter_factory: str
    adapter_options: dict[str, Any]
    settings: ServiceSettings

    def build_router(self) -> Router:
        """Call the router factory."""
        router = import_object(self.router_factory)()
        if not isinstance(router, Router):
            raise UsageError(
                f"{self.router_factory} returned {type(router).__name__}, not a Router"
            )
        return router

    def build_adapter(self) -> Any:
        """Call the adapter factory with its options (secrets read from the environment)."""
        return import_object(self.adapter_factory)(**self.adapter_options)


def _http_options(table: Any) -> HttpOptions:
    """``[adapter] http = {timeout = .., retry = {..}}`` as the adapter's :class:`HttpOptions`."""
    try:
        retry = RetryPolicy(**dict(table.get("retry", {})))
        extra = set(table) - {"timeout", "retry"}
        if extra:
            raise TypeError(f"unexpected key(s) {sorted(extra)}")
        return HttpOptions(timeout=float(table.get("timeout", 10.0)), retry=retry)
    except (UsageError, TypeError, ValueError, AttributeError) as exc:
        raise UsageError(
            "[adapter] http must be a table like "
            "{ timeout = 10, retry = { max_attempts = 4 } }"
            f" (retry keys: max_attempts, initial_wait, max_wait, jitter, max_retry_after): {exc}"
        ) from exc


def _admin_token(token_env: str | None) -> str | None:
    """The hand-back token: None (disabled) if unnamed or unset; an empty one is a mistake."""
    if not token_env:
        return None
    value = os.environ.get(token_env)
    if value is not None and not value.strip():
        raise UsageError(
            f"[service] admin_token_env: environment variable {token_env} is set but empty; "
            "give it a token, or unset it to disable hand-back"
        )
    return value


def load_config(path: str | os.PathLike[str]) -> ServiceConfig:
    """Read and check a service configuration file.

    Raises
    ------
    UsageError
        The file is missing or not TOML; a table or key is unknown, missing or of the
        wrong type (the message names each one); a named secret variable is unset.
    """
    file = Path(path)
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise UsageError(f"config file {file} does not exist") from exc
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"config file {file} is not valid TOML: {exc}") from exc
    parsed = _parse(data, file)
    service, adapter = parsed.service, parsed.adapter
    options = dict(adapter.options)
    moved = sorted(set(options) & {"timeout", "retry", "client", "sleep"})
    if moved:
        raise UsageError(
            f"[adapter] options {moved}: adapters take these as one value now; write "
            "http = { timeout = 10, retry = { max_attempts = 4 } } in [adapter] instead"
        )
    for option, env_name in adapter.env.items():
        options[option] = _env(env_name, f"adapter option {option!r}")
    if "http" in adapter.model_fields_set:
        options["http"] = _http_options(adapter.http)
    endpoints = {item.name: _endpoint(item) for item in parsed.endpoints}
    settings = ServiceSettings(
        endpoints=endpoints,
        max_body_bytes=service.max_body_bytes,
        admin_token=_admin_token(service.admin_token_env),
        replay_window_seconds=service.replay_window_seconds,
        max_concurrent_bodies=int(service.max_concurrent_bodies),
        body_read_timeout=service.body_read_timeout,
    )
    database = Path(service.database)
    return ServiceConfig(
        database=database if database.is_absolute() else file.parent / database,
        host=service.host,
        port=service.port,
        router_factory=parsed.router.factory,
        adapter_factory=adapter.factory,
        adapter_options=options,
        settings=settings,
    )


def _endpoint(item: _EndpointTable) -> VendorEndpoint:
    secret = (
        _env(item.secret_env, f"endpoint {item.name!r} secret").encode()
        if item.secret_env
        else None
    )
    parser: EventParser = import_object(item.parser)
    return VendorEndpoint(
        name=item.name,
        secret=secret,
        scheme=None if item.scheme == "none" else item.scheme,
        parser=parser,
    )
