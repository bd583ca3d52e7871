"""The webhook service: receive events, store them durably, route, act, audit.

Running the app (:func:`create_app`, ``hybridroute serve``) needs the ``service``
extra (``pip install 'hybridroute[service]'``); the store and its audit log
(``hybridroute audit``) work on a core install.
"""

from hybridroute.service.app import ServiceSettings, VendorEndpoint, create_app
from hybridroute.service.config import ServiceConfig, load_config
from hybridroute.service.events import EventParser, parse_hybridroute_event
from hybridroute.service.records import (
    ActionStatus,
    AuditKind,
    EventKind,
    EventStatus,
    Owner,
    Ownership,
)
from hybridroute.service.signatures import SCHEMES, SignatureScheme, sign_hybridroute
from hybridroute.service.store import Event, OutboxStore, PendingAction
from hybridroute.service.worker import Worker

__all__ = [
    "SCHEMES",
    "ActionStatus",
    "AuditKind",
    "Event",
    "EventKind",
    "EventParser",
    "EventStatus",
    "OutboxStore",
    "Owner",
    "Ownership",
    "PendingAction",
    "ServiceConfig",
    "ServiceSettings",
    "SignatureScheme",
    "VendorEndpoint",
    "Worker",
    "create_app",
    "load_config",
    "parse_hybridroute_event",
    "sign_hybridroute",
]
