"""The webhook service as an ASGI app (Starlette): receive, verify, store, answer fast.

Routing and helpdesk calls never happen in the request: a delivery is verified,
parsed, stored durably (deduplicated by event id) and acknowledged with 202; the
worker thread then decides it and delivers the actions.

The edge never answers 500 to what a client sent: a helpdesk retries 5xx, so one
malformed delivery would repeat forever. Every bad input is a 400 (unreadable or
unusable), 401 (unsigned, wrongly signed, outside the replay window), 408 (body too
slow), 413 (body too large) or 503 (too many bodies being read at once, with
``Retry-After``), each with a message.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import threading
import time
from collections.abc import Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from hybridroute.exceptions import HybridRouteError, UsageError
from hybridroute.service.events import EventParser, check_event, parse_hybridroute_event
from hybridroute.service.records import Owner
from hybridroute.service.signatures import DEFAULT_REPLAY_WINDOW_SECONDS, SCHEMES
from hybridroute.service.store import OutboxStore
from hybridroute.service.worker import Worker

if TYPE_CHECKING:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse, Response

__all__ = ["MAX_JSON_DEPTH", "ServiceSettings", "VendorEndpoint", "create_app"]

log = logging.getLogger("hybridroute.service")

MAX_JSON_DEPTH = 64
"""The deepest nesting of objects and arrays accepted in a webhook body."""


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
    """What the app needs besides the store and the worker.

    ``replay_window_seconds`` bounds how far a signed timestamp (Zendesk) may be from
    ``clock()``, either way. ``max_concurrent_bodies`` bodies are read at a time, each
    within ``body_read_timeout`` seconds; more get 503 with ``Retry-After``.
    """

    endpoints: Mapping[str, VendorEndpoint]
    max_body_bytes: int = 1_000_000
    admin_token: str | None = None
    run_worker: bool = True
    replay_window_seconds: float = DEFAULT_REPLAY_WINDOW_SECONDS
    max_concurrent_bodies: int = 64
    body_read_timeout: float = 30.0
    clock: Callable[[], float] = time.time
    extra: dict[str, Any] = field(default_factory=dict)


def _error(status: int, message: str) -> JSONResponse:
    from starlette.responses import JSONResponse

    return JSONResponse({"error": message}, status_code=status)


class _BodyTooLarge(Exception):
    pass


async def _read_body(request: Request, limit: int) -> bytes:
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise _BodyTooLarge
    return bytes(body)


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _too_deep(value: Any, limit: int) -> bool:
    """Whether objects/arrays nest deeper than ``limit`` (iteratively: no recursion)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            if depth > limit:
                return True
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return False


def _parse_body(body: bytes) -> dict[str, Any]:
    """The body as a JSON object; ValueError saying why it is unusable."""
    try:
        payload = json.loads(body, parse_constant=_no_constants)
    except RecursionError:
        raise ValueError(f"body is not valid JSON: nested deeper than {MAX_JSON_DEPTH}") from None
    except ValueError as exc:  # also the integer digit limit and undecodable bytes
        raise ValueError(f"body is not valid JSON: {exc}") from None
    if not isinstance(payload, dict):
        raise ValueError("body must be a JSON object")
    if _too_deep(payload, MAX_JSON_DEPTH):
        raise ValueError(f"body is nested deeper than {MAX_JSON_DEPTH} levels")
    return payload


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
        If an endpoint names an unknown signature scheme, or a scheme without a secret,
        or the admin token is empty.
    """
    # Imported here, not at the top, so the store and the audit log work without the extra.
    from starlette.applications import Starlette
    from starlette.requests import ClientDisconnect
    from starlette.responses import JSONResponse, Response
    from starlette.routing import Route

    for endpoint in settings.endpoints.values():
        _check_endpoint(endpoint)
    if settings.admin_token == "":
        raise UsageError("the admin token is empty; give it a value, or None to disable hand-back")
    admin_authorization = (
        None if settings.admin_token is None else f"Bearer {settings.admin_token}".encode()
    )
    bodies = asyncio.Semaphore(settings.max_concurrent_bodies)

    async def receive_body(request: Request) -> bytes | Response:
        """The body, or the response for a body that cannot be read."""
        declared = request.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > settings.max_body_bytes:
            return _error(413, f"body larger than {settings.max_body_bytes} bytes")
        if bodies.locked():
            response = _error(503, "too many requests are sending their body; retry shortly")
            response.headers["Retry-After"] = "1"
            return response
        async with bodies:
            try:
                return await asyncio.wait_for(
                    _read_body(request, settings.max_body_bytes), settings.body_read_timeout
                )
            except _BodyTooLarge:
                return _error(413, f"body larger than {settings.max_body_bytes} bytes")
            except asyncio.TimeoutError:
                return _error(408, f"body not received within {settings.body_read_timeout} s")
            except ClientDisconnect:
                # nobody is left to answer; not worth a traceback
                log.debug("client disconnected while sending the body of %s", request.url.path)
                return Response(status_code=400)

    async def webhook(request: Request) -> Response:
        endpoint = settings.endpoints.get(request.path_params["vendor"])
        if endpoint is None:
            return _error(404, f"no webhook endpoint {request.path_params['vendor']!r}")
        body = await receive_body(request)
        if isinstance(body, Response):
            return body
        if endpoint.scheme is not None:
            assert endpoint.secret is not None
            problem = SCHEMES[endpoint.scheme].verify(
                endpoint.secret,
                body,
                request.headers,
                now=settings.clock(),
                replay_window=settings.replay_window_seconds,
            )
            if problem:
                return _error(401, problem)
        try:
            payload = _parse_body(body)
        except ValueError as exc:
            return _error(400, str(exc))
        try:
            event_id, ticket_id, kind = check_event(*endpoint.parser(payload))
        except HybridRouteError as exc:
            return _error(400, str(exc))
        except (KeyError, IndexError, TypeError, ValueError, AttributeError) as exc:
            # a parser that trips over an unexpected payload: the payload is the problem
            log.warning("webhook parser of %r failed: %r", endpoint.name, exc)
            return _error(400, f"the {endpoint.name!r} parser cannot read this payload: {exc!r}")
        new = store.add_event(event_id, endpoint.name, ticket_id, kind, payload)
        worker.wake.set()
        if not new:
            return JSONResponse({"status": "duplicate", "event_id": event_id}, status_code=200)
        return JSONResponse({"status": "accepted", "event_id": event_id}, status_code=202)

    async def hand_back(request: Request) -> JSONResponse:
        if admin_authorization is None:
            return _error(404, "hand-back is disabled: configure an admin token")
        given = request.headers.get("authorization", "").encode()
        if not hmac.compare_digest(given, admin_authorization):
            return _error(401, "hand-back needs 'Authorization: Bearer <admin token>'")
        ticket_id = request.path_params["ticket_id"]
        if not store.knows_ticket(ticket_id):
            return _error(404, f"ticket {ticket_id!r} is unknown to this service")
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
