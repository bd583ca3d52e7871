"""The webhook service as an ASGI app (Starlette): receive, verify, store, answer fast.

Routing and helpdesk calls never happen in the request: a delivery is verified,
parsed, stored durably (deduplicated by event id) and acknowledged with 202; the
worker thread then decides it and delivers the actions.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from hybridroute.exceptions import HybridRouteError, UsageError
from hybridroute.service.events import EventParser, event_kind, parse_hybridroute_event
from hybridroute.service.records import Owner
from hybridroute.service.signatures import SCHEMES
from hybridroute.service.store import OutboxStore
from hybridroute.service.worker import Worker

if TYPE_CHECKING:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse

__all__ = ["ServiceSettings", "VendorEndpoint", "create_app"]


@dataclass(frozen=True)
class VendorEndpoint:
    """One webhook endpoint: ``POST /webhooks/<name>``.

    ``scheme`` names a signature scheme (``hybridroute``, ``zendesk``, ``intercom``)
    or is None for helpdesks that cannot sign (django-helpdesk); then expose the
    endpoint only on a private network.
    """

    name: str
    secret: bytes | None
    scheme: str | None = "hybridroute"
    parser: EventParser = parse_hybridroute_event


@dataclass(frozen=True)
class ServiceSettings:
    """What the app needs besides the store and the worker."""

    endpoints: Mapping[str, VendorEndpoint]
    max_body_bytes: int = 1_000_000
    admin_token: str | None = None
    run_worker: bool = True
    extra: dict[str, Any] = field(default_factory=dict)


def _error(status: int, message: str) -> JSONResponse:
    from starlette.responses import JSONResponse

    return JSONResponse({"error": message}, status_code=status)


def _check_endpoint(endpoint: VendorEndpoint) -> None:
    """Refuse an endpoint that could never verify a delivery, saying how to fix it."""
    if endpoint.scheme is not None and endpoint.scheme not in SCHEMES:
        raise UsageError(
            f"endpoint {endpoint.name!r}: unknown signature scheme {endpoint.scheme!r}; "
            f"use one of {sorted(SCHEMES)}, or None for a helpdesk that cannot sign"
        )
    if endpoint.scheme is not None and not endpoint.secret:
        raise UsageError(
            f"endpoint {endpoint.name!r} has signature scheme {endpoint.scheme!r} but no "
            "secret; give it the webhook secret (secret_env in the config file), or scheme "
            'None ("none" in the file) for a helpdesk that cannot sign, on a private network'
        )


def create_app(store: OutboxStore, worker: Worker, settings: ServiceSettings) -> Starlette:
    """Build the ASGI app; the worker runs in a background thread while the app lives.

    Raises
    ------
    UsageError
        If an endpoint names an unknown signature scheme, or a scheme without a secret.
    """
    # Imported here, not at the top, so the store and the audit log work without the extra.
    from starlette.applications import Starlette
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    for endpoint in settings.endpoints.values():
        _check_endpoint(endpoint)

    async def webhook(request: Request) -> JSONResponse:
        endpoint = settings.endpoints.get(request.path_params["vendor"])
        if endpoint is None:
            return _error(404, f"no webhook endpoint {request.path_params['vendor']!r}")
        declared = request.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > settings.max_body_bytes:
            return _error(413, f"body larger than {settings.max_body_bytes} bytes")
        body = b""
        async for chunk in request.stream():
            body += chunk
            if len(body) > settings.max_body_bytes:
                return _error(413, f"body larger than {settings.max_body_bytes} bytes")
        if endpoint.scheme is not None:
            assert endpoint.secret is not None
            problem = SCHEMES[endpoint.scheme].verify(endpoint.secret, body, request.headers)
            if problem:
                return _error(401, problem)
        try:
            payload = json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            return _error(400, f"body is not valid JSON: {exc}")
        if not isinstance(payload, dict):
            return _error(400, "body must be a JSON object")
        try:
            event_id, ticket_id, parsed_kind = endpoint.parser(payload)
            kind = event_kind(parsed_kind)
        except HybridRouteError as exc:
            return _error(400, str(exc))
        new = store.add_event(event_id, endpoint.name, ticket_id, kind, payload)
        worker.wake.set()
        if not new:
            return JSONResponse({"status": "duplicate", "event_id": event_id}, status_code=200)
        return JSONResponse({"status": "accepted", "event_id": event_id}, status_code=202)

    async def hand_back(request: Request) -> JSONResponse:
        if settings.admin_token is None:
            return _error(404, "hand-back is disabled: configure an admin token")
        if request.headers.get("authorization") != f"Bearer {settings.admin_token}":
            return _error(401, "hand-back needs 'Authorization: Bearer <admin token>'")
        ticket_id = request.path_params["ticket_id"]
        store.set_owner(ticket_id, Owner.BOT, "handed back to the bot through the API")
        return JSONResponse({"status": "handed back", "ticket_id": ticket_id})

    async def health(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok", **store.counts()})

    stop = threading.Event()

    @asynccontextmanager
    async def lifespan(app: Starlette):  # type: ignore[no-untyped-def]
        thread = None
        if settings.run_worker:
            thread = threading.Thread(
                target=worker.run_forever, args=(stop,), name="hybridroute-worker", daemon=True
            )
            thread.start()
        yield
        stop.set()
        worker.wake.set()
        if thread is not None:
            thread.join(timeout=10)

    return Starlette(
        routes=[
            Route("/webhooks/{vendor}", webhook, methods=["POST"]),
            Route("/tickets/{ticket_id}/hand-back", hand_back, methods=["POST"]),
            Route("/healthz", health, methods=["GET"]),
        ],
        lifespan=lifespan,
    )
