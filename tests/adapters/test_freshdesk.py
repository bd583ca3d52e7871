"""FreshdeskAdapter against a fake built from Freshdesk's documented API v2 payloads."""

from __future__ import annotations

import json

import httpx
import pytest

from hybridroute.adapters.freshdesk import FROM_FRESHDESK_PRIORITY, FreshdeskAdapter
from hybridroute.adapters.http import HttpOptions, RetryPolicy
from hybridroute.adapters.markers import carries_marker
from hybridroute.exceptions import (
    HelpdeskAuthError,
    HelpdeskNotFound,
    HelpdeskRejected,
    HelpdeskUnavailable,
)
from hybridroute.models import Channel, Priority, Role
from hybridroute.testing.adapters import AdapterFixture, ObservedTicket, check_adapter

from .fakes import FakeFreshdesk

TICKET = "1"
GROUPS = {"billing": 43000012, "risk": 43000013}
# base64("k3y:X"): the API key as user name, "X" as password, as Freshdesk documents
AUTH = "Basic azN5Olg="


def make(
    sleeps: list[float] | None = None, *, key: str = "k3y"
) -> tuple[FreshdeskAdapter, FakeFreshdesk]:
    fake = FakeFreshdesk(AUTH)
    adapter = FreshdeskAdapter(
        "acme",
        key,
        groups=GROUPS,
        http=HttpOptions(
            retry=RetryPolicy(max_attempts=3),
            transport=fake.transport(),
            sleep=(sleeps if sleeps is not None else []).append,
        ),
    )
    return adapter, fake


def observe(fake: FakeFreshdesk) -> ObservedTicket:
    ticket = fake.tickets[int(TICKET)]
    by_id = {v: k for k, v in GROUPS.items()}
    return ObservedTicket(
        queue=by_id.get(ticket["group_id"]),
        priority=FROM_FRESHDESK_PRIORITY.get(ticket["priority"]),
        tags=frozenset(ticket["tags"]),
    )


def make_fixture() -> AdapterFixture:
    adapter, fake = make()
    return AdapterFixture(
        adapter,
        TICKET,
        "This is a sample ticket, feel free to delete it.",
        "billing",
        observe=lambda _: observe(fake),
    )


def our_conversations(fake: FakeFreshdesk, key: str) -> list[dict[str, object]]:
    return [c for c in fake.conversations[int(TICKET)] if carries_marker(str(c["body"]), key)]


def test_passes_the_adapter_contract() -> None:
    check_adapter(make_fixture)


def test_reads_the_documented_ticket_and_conversations() -> None:
    adapter, fake = make()
    ticket = adapter.fetch_ticket(TICKET)
    assert ticket.subject == "This is a sample ticket"
    assert ticket.channel is Channel.WEB  # source 2: portal
    assert [(m.role, m.public, m.text) for m in ticket.conversation] == [
        (Role.CUSTOMER, True, "This is a sample ticket, feel free to delete it."),
        (Role.AGENT, False, "This is a private note"),
        (Role.AGENT, True, "This is a reply"),
        (Role.CUSTOMER, True, "Thanks, but the sample is still there."),
    ]
    assert ticket.metadata["priority"] == "low" and ticket.metadata["tags"] == "foo,bar"
    (request,) = fake.requests
    assert request.url.params["include"] == "conversations"


def test_reads_every_conversation_when_include_stops_at_ten() -> None:
    adapter, fake = make()
    template = fake.conversations[int(TICKET)][2]
    for n in range(12):
        fake.conversations[int(TICKET)].append({**template, "id": 100 + n, "body_text": f"m{n}"})
    assert len(adapter.fetch_ticket(TICKET).conversation) == 1 + 3 + 12
    assert fake.calls("GET", r"/conversations$") == 1


def test_authenticates_with_the_api_key_and_x() -> None:
    adapter, fake = make()
    adapter.fetch_ticket(TICKET)
    assert fake.requests[0].headers["authorization"] == AUTH
    assert str(fake.requests[0].url).startswith("https://acme.freshdesk.com/api/v2/tickets/1?")


def test_401_is_an_auth_error_with_freshdesks_words() -> None:
    adapter, _ = make(key="wrong")
    with pytest.raises(HelpdeskAuthError, match="invalid_credentials"):
        adapter.fetch_ticket(TICKET)


def test_404_is_not_found() -> None:
    adapter, _ = make()
    with pytest.raises(HelpdeskNotFound):
        adapter.fetch_ticket("404")


def test_429_waits_the_retry_after_freshdesk_sends() -> None:
    sleeps: list[float] = []
    adapter, fake = make(sleeps)
    limited = {"Retry-After": "12", "X-Ratelimit-Total": "400", "X-Ratelimit-Remaining": "0"}
    fake.fail("GET", r"/tickets/1$", status=429, headers=limited)
    assert adapter.fetch_ticket(TICKET).id == TICKET
    assert sleeps == [12.0]


def test_5xx_then_success() -> None:
    sleeps: list[float] = []
    adapter, fake = make(sleeps)
    fake.fail("GET", r"/tickets/1$", status=502)
    adapter.fetch_ticket(TICKET)
    assert fake.calls("GET", r"/tickets/1$") == 2 and len(sleeps) == 1


def test_ambiguous_500_after_the_reply_was_saved_writes_it_once() -> None:
    adapter, fake = make()
    fake.fail("POST", r"/reply$", status=500, after_write=True)
    receipt = adapter.post_reply(TICKET, "Done: refund issued.", idempotency_key="evt-1")
    ours = our_conversations(fake, "evt-1")
    assert len(ours) == 1 and fake.calls("POST", r"/reply$") == 1
    assert receipt.duplicate and receipt.external_id == str(ours[0]["id"])


def test_dropped_connection_after_the_note_was_saved_writes_it_once() -> None:
    adapter, fake = make()
    fake.fail("POST", r"/notes$", error=httpx.RemoteProtocolError("closed"), after_write=True)
    receipt = adapter.post_note(TICKET, "Handoff note.", idempotency_key="evt-2")
    assert len(our_conversations(fake, "evt-2")) == 1 and receipt.duplicate


def test_note_is_private_html_with_the_marker() -> None:
    adapter, fake = make()
    adapter.post_note(TICKET, "a < b\n\nsecond", idempotency_key="k")
    (post,) = [r for r in fake.requests if r.method == "POST"]
    sent = json.loads(post.content)
    assert sent["private"] is True
    assert sent["body"].startswith("<p>a &lt; b</p><p>second</p><p>[hybridroute:")


def test_assign_sends_group_id_and_priority_number() -> None:
    adapter, fake = make()
    adapter.assign(TICKET, queue="risk", priority=Priority.NORMAL, agent="42", idempotency_key="a")
    (put,) = [r for r in fake.requests if r.method == "PUT"]
    assert json.loads(put.content) == {"group_id": 43000013, "priority": 2, "responder_id": 42}


def test_add_tags_writes_the_union_and_reports_nothing_new_as_duplicate() -> None:
    adapter, fake = make()
    receipt = adapter.add_tags(TICKET, ["bar", "vip"], idempotency_key="t")
    (put,) = [r for r in fake.requests if r.method == "PUT"]
    assert json.loads(put.content) == {"tags": ["foo", "bar", "vip"]} and not receipt.duplicate
    again = adapter.add_tags(TICKET, ["vip"], idempotency_key="t")
    assert again.duplicate and fake.calls("PUT", r"/tickets/1$") == 1


def test_validation_error_is_rejected_with_freshdesks_words() -> None:
    adapter, fake = make()
    fake.fail("PUT", r"/tickets/1$", status=400, body={"description": "Validation failed"})
    with pytest.raises(HelpdeskRejected, match="Validation failed"):
        adapter.assign(TICKET, priority=Priority.HIGH, idempotency_key="a")
    assert fake.calls("PUT", r"/tickets/1$") == 1


def test_post_that_keeps_timing_out_raises_unavailable() -> None:
    adapter, fake = make()
    fake.fail("POST", r"/reply$", error=httpx.ConnectTimeout("down"), times=5)
    with pytest.raises(HelpdeskUnavailable):
        adapter.post_reply(TICKET, "x", idempotency_key="k")
    assert fake.calls("POST", r"/reply$") == 3
