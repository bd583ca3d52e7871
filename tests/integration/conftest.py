"""Fixtures that start real services on loopback for the integration tests.

The django-helpdesk server is started once per session and always stopped, even when
a test fails. If it cannot be installed or started the tests FAIL (never skip): CI
must notice a helpdesk it could not test against.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from django_helpdesk_server import (
    DjangoHelpdeskServer,
    HelpdeskSetupError,
    start_django_helpdesk,
)
from webhook_receiver import WebhookReceiver


@pytest.fixture(scope="session")
def django_helpdesk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DjangoHelpdeskServer]:
    """A running django-helpdesk 2.6.1 (installed into a cached venv on first use)."""
    try:
        server = start_django_helpdesk(tmp_path_factory.mktemp("django-helpdesk"))
    except HelpdeskSetupError as exc:
        pytest.fail(
            "could not install or start django-helpdesk for the live tests "
            f"(requirements: tests/integration/requirements-django-helpdesk.txt):\n{exc}",
            pytrace=False,
        )
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def webhook_receiver(django_helpdesk: DjangoHelpdeskServer) -> Iterator[WebhookReceiver]:
    """A receiver the helpdesk's new-ticket and follow-up webhooks post to."""
    with WebhookReceiver() as receiver:
        django_helpdesk.set_webhooks(
            new_ticket=[f"{receiver.url}/new-ticket"], followup=[f"{receiver.url}/followup"]
        )
        try:
            yield receiver
        finally:
            django_helpdesk.set_webhooks()
