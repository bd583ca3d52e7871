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
"""

from __future__ import annotations

import importlib
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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


def _positive(service: dict[str, Any], key: str, default: float) -> float:
    value = service.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise UsageError(f"[service] {key} must be a positive number, got {value!r}")
    return float(value)


def load_config(path: str | os.PathLike[str]) -> ServiceConfig:
    """Read and check a service configuration file."""
    file = Path(path)
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise UsageError(f"config file {file} does not exist") from exc
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"config file {file} is not valid TOML: {exc}") from exc
    base = file.parent
    service = data.get("service", {})
    try:
        router_factory = data["router"]["factory"]
        adapter = data["adapter"]
        adapter_factory = adapter["factory"]
        endpoints_data = data["endpoints"]
    except KeyError as exc:
        raise UsageError(f"config file {file} lacks {exc}; see docs/deploy.md") from exc
    options = dict(adapter.get("options", {}))
    for option, env_name in adapter.get("env", {}).items():
        options[option] = _env(env_name, f"adapter option {option!r}")
    if "http" in adapter:
        options["http"] = _http_options(adapter["http"])
    endpoints = {}
    for item in endpoints_data:
        secret_env = item.get("secret_env")
        secret = (
            _env(secret_env, f"endpoint {item['name']!r} secret").encode() if secret_env else None
        )
        parser: EventParser = import_object(
            item.get("parser", "hybridroute.service.events:parse_hybridroute_event")
        )
        scheme = item.get("scheme", "hybridroute")
        endpoints[item["name"]] = VendorEndpoint(
            name=item["name"],
            secret=secret,
            scheme=None if scheme == "none" else scheme,
            parser=parser,
        )
    defaults = ServiceSettings(endpoints={})
    settings = ServiceSettings(
        endpoints=endpoints,
        max_body_bytes=int(service.get("max_body_bytes", 1_000_000)),
        admin_token=_admin_token(service.get("admin_token_env")),
        replay_window_seconds=_positive(
            service, "replay_window_seconds", defaults.replay_window_seconds
        ),
        max_concurrent_bodies=int(
            _positive(service, "max_concurrent_bodies", defaults.max_concurrent_bodies)
        ),
        body_read_timeout=_positive(service, "body_read_timeout", defaults.body_read_timeout),
    )
    database = Path(service.get("database", "hybridroute.db"))
    return ServiceConfig(
        database=database if database.is_absolute() else base / database,
        host=str(service.get("host", "127.0.0.1")),
        port=int(service.get("port", 8080)),
        router_factory=router_factory,
        adapter_factory=adapter_factory,
        adapter_options=options,
        settings=settings,
    )
