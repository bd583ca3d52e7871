"""django-helpdesk adapter without a server: webhook parsing, text safety, mappings.

The adapter's behaviour against a real django-helpdesk is tested live in
tests/integration/test_django_helpdesk_live.py; these cover what a live server
cannot easily show (a read timeout, malformed payloads) and run in milliseconds.
Payloads are the ones captured from a real 2.6.1 server (shared notes).
"""

from __future__ import annotations

import copy
import json
from typing import Any

import httpx
import pytest

from hybridroute.adapters.django_helpdesk import (
    FROM_HELPDESK_PRIORITY,
    TO_HELPDESK_PRIORITY,
    DjangoHelpdeskAdapter,
    neutralise,
    parse_django_helpdesk_webhook,
)
from hybridroute.adapters.http import HttpOptions, RetryPolicy
from hybridroute.adapters.markers import idempotency_marker
from hybridroute.exceptions import HelpdeskNotFound, HelpdeskRejected, UsageError, ValidationError
from hybridroute.models import Priority, Role

DESCRIPTION = (
    "Hi, is the Main Street branch open on Saturdays, and until what time? I'd like to drop "
    "by to order a new debit card."
)
TICKET: dict[str, Any] = {
    "id": 1,
    "queue": 1,
    "title": "Opening hours on Saturday?",
    "description": DESCRIPTION,
    "resolution": None,
    "submitter_email": "sofia.marin@example.com",
    "assigned_to": None,
    "status": 1,
    "on_hold": False,
    "priority": 3,
    "due_date": None,
    "merged_to": None,
    "followup_set": [
        {"id": 1, "ticket": 1, "user": 1, "title": "Ticket Opened", "comment": DESCRIPTION,
         "public": True, "new_status": None, "time_spent": None, "followupattachment_set": [],
         "date": "2026-11-23T20:00:00.600236Z", "message_id": None,
         "email_recipients": ["sofia.marin@example.com"]},
        {"id": 6, "ticket": 1, "user": 1, "title": "Opening hours on Saturday?",
         "comment": "Our branches are open on Saturdays from 9:00 to 13:00.",
         "public": True, "new_status": None, "time_spent": None, "followupattachment_set": [],
         "date": "2026-11-23T20:00:01.202421Z", "message_id": None,
         "email_recipients": ["sofia.marin@example.com"]},
        {"id": 7, "ticket": 1, "user": 1, "title": "Opening hours on Saturday?",
         "comment": "Internal note: answered from FAQ, confidence 0.97",
         "public": False, "new_status": None, "time_spent": None, "followupattachment_set": [],
         "date": "2026-11-23T20:00:01.358187Z", "message_id": None, "email_recipients": []},
    ],
}  # fmt: skip
QUEUES = {"general": 1, "risk": 2, "payments": 3}
API = "http://helpdesk.test/helpdesk/api/"


def new_ticket_payload() -> dict[str, Any]:
    ticket = copy.deepcopy(TICKET)
    ticket["followup_set"] = ticket["followup_set"][:1]
    return {"ticket": ticket, "queue_slug": "general"}


def followup_payload(followup_id: int = 7, **changes: Any) -> dict[str, Any]:
    ticket = copy.deepcopy(TICKET)
    for followup in ticket["followup_set"]:
        if followup["id"] == followup_id:
            followup.update(changes)
    return {"ticket": ticket, "queue_slug": "general", "followup_id": followup_id}


# -- webhooks ----------------------------------------------------------------------------


def test_new_ticket_webhook_gives_a_stable_event_id() -> None:
    parsed = parse_django_helpdesk_webhook(new_ticket_payload())
    assert parsed == ("django-helpdesk:ticket:1", "1", "ticket")
    assert parse_django_helpdesk_webhook(new_ticket_payload()) == parsed  # redelivery dedupes


@pytest.mark.parametrize(
    ("changes", "kind"),
    [
        ({}, "agent_message"),  # a staff user's follow-up: a human took part
        ({"user": None}, "message"),  # an e-mail reply or the web form: the customer
        ({"comment": "Done.\n\n" + idempotency_marker("evt-1:reply")}, "bot_message"),
    ],
)
def test_followup_webhook_says_who_wrote(changes: dict[str, Any], kind: str) -> None:
    parsed = parse_django_helpdesk_webhook(followup_payload(7, **changes))
    assert parsed == ("django-helpdesk:followup:7", "1", kind)


@pytest.mark.parametrize(
    ("payload", "says"),
    [
        ([], "expected a JSON object"),
        ({}, "'ticket'"),
        ({"ticket": "1"}, "'ticket'"),
        ({"ticket": {"title": "no id"}}, "ticket.id"),
        ({"ticket": {"id": -3}}, "ticket.id"),
        ({"ticket": {"id": True}}, "ticket.id"),
        ({"ticket": {"id": 1}, "followup_id": "seven"}, "followup_id"),
        ({"ticket": {"id": 1}, "followup_id": None}, "followup_id"),
    ],
)
def test_malformed_webhooks_are_rejected_with_a_reason(payload: Any, says: str) -> None:
    with pytest.raises(ValidationError, match="django-helpdesk webhook") as caught:
        parse_django_helpdesk_webhook(payload)
    assert says in str(caught.value)


# -- text safety and mappings -------------------------------------------------------------


def test_neutralise_breaks_template_syntax_and_ticket_links_only() -> None:
    text = "Hi {{ ticket.title }} {# c #} {% tag %} see #12, item #a, 50% & <b>x</b> &amp;"
    safe = neutralise(text)
    for live in ("{{", "{#", "#12", "<b>", "</b>", "&amp;"):
        assert live not in safe
    assert safe.replace("\u200b", "") == text  # nothing else changed
    assert neutralise("plain text") == "plain text"


def test_marker_is_fixed_shape_and_hides_the_key() -> None:
    marker = idempotency_marker("evt-123:reply")
    assert marker == idempotency_marker("evt-123:reply") != idempotency_marker("evt-123:note")
    assert "evt-123" not in marker and neutralise(marker) == marker


def test_priority_mapping_round_trips_our_priorities() -> None:
    assert {p: FROM_HELPDESK_PRIORITY[TO_HELPDESK_PRIORITY[p]] for p in Priority} == {
        p: p for p in Priority
    }
    assert FROM_HELPDESK_PRIORITY[5] is Priority.LOW  # Very Low has no match of its own


@pytest.mark.parametrize(
    "kwargs",
    [
        {"base_url": "helpdesk.test/api/"},
        {"queues": {"general": "1"}},
        {"tags_field": "tags; drop"},
    ],
)
def test_configuration_mistakes_raise_usage_errors(kwargs: dict[str, Any]) -> None:
    args: dict[str, Any] = {"base_url": API, "queues": QUEUES, **kwargs}
    with pytest.raises(UsageError):
        DjangoHelpdeskAdapter(args.pop("base_url"), "u", "p", **args)


# -- over a mock transport ------------------------------------------------------------------


class FakeHelpdesk:
    """Enough of the API for one ticket; ``fail_next_post`` simulates a lost answer."""

    def __init__(self) -> None:
        self.ticket = copy.deepcopy(TICKET)
        self.posts = 0
        self.fail_next_post: Exception | None = None

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path.removeprefix("/helpdesk/api/")
        if request.method == "GET" and path == "tickets/1/":
            return httpx.Response(200, json=self.ticket)
        if request.method == "GET":
            return httpx.Response(404, json={"detail": "No Ticket matches the given query."})
        if request.method == "POST" and path == "followups/":
            body = json.loads(request.content)
            assert "title" not in body  # a title would rename the ticket
            self.posts += 1
            followup = {"id": 100 + self.posts, "user": 1, "date": "2026-11-23T20:01:00Z", **body}
            self.ticket["followup_set"].append(followup)
            if self.fail_next_post is not None:
                error, self.fail_next_post = self.fail_next_post, None
                raise error  # saved, but the answer never came back
            return httpx.Response(201, json=followup)
        raise AssertionError(f"unexpected {request.method} {path}")


def adapter_for(fake: FakeHelpdesk, **kwargs: Any) -> DjangoHelpdeskAdapter:
    retry = RetryPolicy(max_attempts=3, initial_wait=0, max_wait=0, jitter=0)
    http = HttpOptions(retry=retry, transport=httpx.MockTransport(fake), sleep=lambda _: None)
    return DjangoHelpdeskAdapter(API, "u", "p", queues=QUEUES, http=http, **kwargs)


def test_fetch_ticket_maps_followups_to_messages() -> None:
    ticket = adapter_for(FakeHelpdesk()).fetch_ticket("1")
    assert ticket.body == DESCRIPTION and ticket.subject == "Opening hours on Saturday?"
    assert [(m.role, m.public) for m in ticket.messages] == [
        (Role.AGENT, True),
        (Role.AGENT, False),
    ]
    assert ticket.metadata["queue"] == "general" and ticket.metadata["priority"] == "normal"
    assert ticket.customer.id == "sofia.marin@example.com"


def test_a_read_timeout_after_the_write_is_resolved_by_looking_not_by_reposting() -> None:
    fake = FakeHelpdesk()
    fake.fail_next_post = httpx.ReadTimeout("no answer")
    receipt = adapter_for(fake).post_reply("1", "We open at 9.", idempotency_key="evt-9:reply")
    assert fake.posts == 1
    assert receipt.external_id == "101"
    assert [f["public"] for f in fake.ticket["followup_set"] if f["id"] > 100] == [True]


def test_unknown_ticket_ids_and_queues_are_clear_errors() -> None:
    adapter = adapter_for(FakeHelpdesk())
    with pytest.raises(HelpdeskNotFound, match="positive integers"):
        adapter.fetch_ticket("T-1")
    with pytest.raises(HelpdeskNotFound):
        adapter.post_note("2", "x", idempotency_key="k")
    with pytest.raises(HelpdeskRejected, match="queues mapping"):
        adapter.assign("1", queue="fraud", idempotency_key="k")


def test_tags_need_the_custom_field_to_exist() -> None:
    with pytest.raises(HelpdeskRejected, match="custom field 'route_tags'"):
        adapter_for(FakeHelpdesk(), tags_field="route_tags").add_tags(
            "1", ["vip"], idempotency_key="k"
        )
