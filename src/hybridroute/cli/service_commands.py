"""``hybridroute serve`` and ``hybridroute audit``."""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from typing import Any

__all__ = ["LOG_LEVELS", "configure_logging", "register"]

LOG_LEVELS = ("debug", "info", "warning", "error")
_log = logging.getLogger("hybridroute.serve")
_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"


def register(commands: Any) -> None:
    """Add the ``serve`` and ``audit`` sub-commands."""
    serve = commands.add_parser(
        "serve",
        help="run the webhook service (needs the 'service' extra)",
        description="Receive helpdesk webhooks, route tickets and act in the helpdesk.",
    )
    serve.add_argument("--config", required=True, help="service configuration (TOML)")
    serve.add_argument("--host", help="override the configured host")
    serve.add_argument("--port", type=int, help="override the configured port")
    serve.add_argument(
        "--log-level",
        choices=LOG_LEVELS,
        default="info",
        help="for hybridroute and uvicorn; info shows each request (default: info)",
    )
    serve.set_defaults(run=_serve)

    audit = commands.add_parser(
        "audit",
        help="query or export the audit log",
        description="Show what the service received, decided and did, per ticket or in full.",
    )
    audit.add_argument("--db", required=True, help="the service database (SQLite)")
    audit.add_argument("--ticket", help="only this ticket")
    audit.add_argument("--export", metavar="FILE", help="write entries as JSON lines to FILE")
    audit.add_argument("--json", action="store_true", help="print JSON lines instead of text")
    audit.set_defaults(run=_audit)


def configure_logging(level: str) -> None:
    """Send the ``hybridroute`` loggers to stderr at ``level`` (uvicorn's are set by uvicorn).

    Calling it again changes the level without adding a second handler.
    """
    logger = logging.getLogger("hybridroute")
    logger.setLevel(level.upper())
    if not any(getattr(handler, "_hybridroute_serve", False) for handler in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter(_FORMAT))
        handler._hybridroute_serve = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
    logger.propagate = False  # one line per record, even if the root logger has a handler


def _serve(args: argparse.Namespace) -> int:
    try:
        import starlette  # noqa: F401  (create_app imports it; check before loading the config)
        import uvicorn
    except ImportError as exc:
        print(
            f"hybridroute serve needs the 'service' extra ({exc.name} is missing): "
            "pip install 'hybridroute[service]'",
            file=sys.stderr,
        )
        return 2
    from hybridroute.service import OutboxStore, Worker, create_app, load_config

    configure_logging(args.log_level)
    _log.info("reading config %s", args.config)
    config = load_config(args.config)
    _log.info("opening database %s", config.database)
    store = OutboxStore(config.database)
    _log.info("loading router from %s (this may take a while)", config.router_factory)
    started = time.monotonic()
    router = config.build_router()
    _log.info(
        "router ready in %.1f s; building adapter %s",
        time.monotonic() - started,
        config.adapter_factory,
    )
    worker = Worker(store, router, config.build_adapter())
    app = create_app(store, worker, config.settings)
    host, port = args.host or config.host, args.port or config.port
    where = f"http://{host}:{port} (config {args.config}, database {config.database})"

    class Server(uvicorn.Server):
        async def startup(self, sockets: Any = None) -> None:
            await super().startup(sockets=sockets)
            if self.started:  # the port is open
                _log.info("listening on %s", where)

    Server(
        uvicorn.Config(app, host=host, port=port, log_level=args.log_level, access_log=True)
    ).run()
    return 0


def _audit(args: argparse.Namespace) -> int:
    from pathlib import Path

    from hybridroute.service.records import AuditKind
    from hybridroute.service.store import OutboxStore

    if not Path(args.db).exists():
        print(f"hybridroute: error: no database at {args.db}", file=sys.stderr)
        return 2
    entries = OutboxStore(args.db).audit_log(args.ticket)
    if args.export:
        with open(args.export, "w", encoding="utf-8") as fh:
            for entry in entries:
                fh.write(json.dumps(entry) + "\n")
        print(f"wrote {len(entries)} audit entries to {args.export}")
        return 0
    if not entries:
        print("no audit entries" + (f" for ticket {args.ticket}" if args.ticket else ""))
        return 1 if args.ticket else 0
    for entry in entries:
        if args.json:
            print(json.dumps(entry))
            continue
        detail = entry["detail"]
        summary = ", ".join(
            f"{k}={v}"
            for k, v in detail.items()
            if k in ("action", "rule", "kind", "reason", "error", "owner")
        )
        print(f"{entry['id']:>6}  ticket {entry['ticket_id']}  {entry['kind']:<16} {summary}")
        if entry["kind"] is AuditKind.DECISION and detail.get("reasons"):
            print(f"{'':>8}why: {'; '.join(detail['reasons'])}")
        if entry["kind"] is AuditKind.DECISION and detail.get("certificates"):
            print(f"{'':>8}certified by: {', '.join(detail['certificates'])}")
    return 0
