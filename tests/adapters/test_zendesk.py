"""ZendeskAdapter against a fake built from Zendesk's documented Tickets API payloads."""

from __future__ import annotations

import json

import httpx
import pytest

from hybridroute.adapters.http import HttpOptions, RetryPolicy
from hybridroute.adapters.markers import carries_marker, idempotency_marker
from hybridroute.adapters.zendesk import ZendeskAdapter
from hybridroute.exceptions import (
    HelpdeskAuthError,
    HelpdeskNotFound,
    HelpdeskRateLimited,
    HelpdeskRejected,
    HelpdeskUnavailable,
)
from hybridroute.models import Channel, Priority, Role
from hybridroute.testing.adapters import AdapterFixture, ObservedTicket, check_adapter

from .fakes import FakeZendesk

TICKET = "35436"
GROUPS = {"billing": 98738, "risk": 98739}
# base64("agent@acme.com/token:s3cret"), as Zendesk documents: {email}/token:{api_token}
AUTH = "Basic YWdlbnRAYWNtZS5jb20vdG9rZW46czNjcmV0"


def make(
    sleeps: list[float] | None = None, *, token: str = "s3cret"
) -> tuple[ZendeskAdapter, FakeZendesk]:
    fake = FakeZendesk(AUTH)
    adapter = ZendeskAdapter(
        "acme",
        "agent@acme.com",
        token,
        groups=GROUPS,
        http=HttpOptions(
            retry=RetryPolicy(max_attempts=3),
            transport=fake.transport(),
            sleep=(sleeps if sleeps is not None else []).append,
        ),
    )
    return adapter, fake


def observe(fake: FakeZendesk) -> ObservedTicket:
    ticket = fake.tickets[int(TICKET)]
    by_id = {v: k for k, v in GROUPS.items()}
    return ObservedTicket(
        queue=by_id.get(ticket["group_id"]),
        priority=Priority(ticket["priority"]) if ticket["priority"] else None,
        tags=frozenset(ticket["tags"]),
    )


def make_fixture() -> AdapterFixture:
    adapter, fake = make()
    return AdapterFixture(
        adapter, TICKET, "The fire is very colorful.", "risk", observe=lambda _: observe(fake)
    )


def test_passes_the_adapter_contract() -> None:
    check_adapter(make_fixture)


def test_reads_the_documented_ticket_and_comments() -> None:
    adapter, _ = make()
    ticket = adapter.fetch_ticket(TICKET)
    assert ticket.subject == "Help, my printer is on fire!"
    assert ticket.channel is Channel.WEB
    assert [(m.role, m.public, m.text) for m in ticket.conversation] == [
        (Role.CUSTOMER, True, "The fire is very colorful."),
        (Role.AGENT, False, "Thanks for your help!"),
    ]
    assert ticket.metadata["queue"] == "billing"
    assert ticket.metadata["priority"] == "high"
    assert ticket.metadata["tags"] == "enterprise,other_tag"


def test_authenticates_with_email_slash_token_basic_auth() -> None:
    adapter, fake = make()
    adapter.fetch_ticket(TICKET)
    assert {r.headers["authorization"] for r in fake.requests} == {AUTH}
    assert str(fake.requests[0].url) == f"https://acme.zendesk.com/api/v2/tickets/{TICKET}.json"


def test_401_is_an_auth_error_with_zendesks_words() -> None:
    adapter, fake = make(token="wrong")
    with pytest.raises(HelpdeskAuthError, match="Couldn't authenticate you") as info:
        adapter.fetch_ticket(TICKET)
    assert info.value.status_code == 401 and len(fake.requests) == 1


def test_404_is_not_found() -> None:
    adapter, _ = make()
    with pytest.raises(HelpdeskNotFound, match="RecordNotFound"):
        adapter.fetch_ticket("123")


def test_429_waits_the_retry_after_zendesk_sends() -> None:
    sleeps: list[float] = []
    adapter, fake = make(sleeps)
    fake.fail(
        "GET",
        rf"/tickets/{TICKET}\.json$",
        status=429,
        headers={"Retry-After": "45"},
        body="Rate limit exceeded",
    )
    assert adapter.fetch_ticket(TICKET).id == TICKET
    assert sleeps == [45.0]


def test_429_beyond_the_cap_is_left_to_the_caller() -> None:
    adapter, fake = make()
    fake.fail("GET", r"\.json$", status=429, headers={"Retry-After": "600"}, body="Slow down")
    with pytest.raises(HelpdeskRateLimited) as info:
        adapter.fetch_ticket(TICKET)
    assert info.value.retry_after == 600.0


def test_5xx_then_success() -> None:
    sleeps: list[float] = []
    adapter, fake = make(sleeps)
    fake.fail("GET", r"/comments\.json$", status=503, times=2)
    assert len(adapter.fetch_ticket(TICKET).conversation) == 2
    assert fake.calls("GET", r"/comments\.json$") == 3 and len(sleeps) == 2


def test_ambiguous_500_after_the_comment_was_saved_writes_it_once() -> None:
    adapter, fake = make()
    fake.fail("PUT", rf"/tickets/{TICKET}\.json$", status=500, after_write=True)
    receipt = adapter.post_reply(TICKET, "Your card is on its way.", idempotency_key="evt-1")
    ours = [c for c in fake.comments[int(TICKET)] if carries_marker(c["body"], "evt-1")]
    assert len(ours) == 1 and fake.calls("PUT", r"\.json$") == 1
    assert receipt.duplicate and receipt.external_id == str(ours[0]["id"])


def test_timeout_before_saving_is_checked_then_retried() -> None:
    adapter, fake = make()
    fake.fail("PUT", rf"/tickets/{TICKET}\.json$", error=httpx.ReadTimeout("slow"))
    receipt = adapter.post_note(TICKET, "Checked the order.", idempotency_key="evt-2")
    ours = [c for c in fake.comments[int(TICKET)] if carries_marker(c["body"], "evt-2")]
    assert len(ours) == 1 and not receipt.duplicate and receipt.external_id == str(ours[0]["id"])
    assert fake.calls("PUT", r"\.json$") == 2


def test_comments_are_written_as_documented() -> None:
    adapter, fake = make()
    adapter.post_note(TICKET, "Internal.", idempotency_key="k")
    (put,) = [r for r in fake.requests if r.method == "PUT"]
    sent = json.loads(put.content)
    assert sent == {
        "ticket": {"comment": {"body": f"Internal.\n\n{idempotency_marker('k')}", "public": False}}
    }


def test_assign_and_tags_use_group_ids_and_additional_tags() -> None:
    adapter, fake = make()
    adapter.assign(TICKET, queue="risk", priority=Priority.URGENT, idempotency_key="a")
    adapter.add_tags(TICKET, ["vip"], idempotency_key="t")
    bodies = [json.loads(r.content) for r in fake.requests if r.method == "PUT"]
    assert bodies == [
        {"ticket": {"group_id": 98739, "priority": "urgent"}},
        {"ticket": {"additional_tags": ["vip"]}},
    ]
    assert fake.tickets[int(TICKET)]["tags"] == ["enterprise", "other_tag", "vip"]


def test_unknown_queue_is_rejected_without_writing() -> None:
    adapter, fake = make()
    with pytest.raises(HelpdeskRejected, match="queue 'nowhere'"):
        adapter.assign(TICKET, queue="nowhere", idempotency_key="a")
    assert fake.requests == []


def test_422_is_rejected_with_the_details() -> None:
    adapter, fake = make()
    fake.fail("PUT", r"\.json$", status=422, body={"error": "RecordInvalid", "description": "x"})
    with pytest.raises(HelpdeskRejected, match="RecordInvalid") as info:
        adapter.add_tags(TICKET, ["a"], idempotency_key="t")
    assert info.value.status_code == 422 and fake.calls("PUT", r"\.json$") == 1


def test_persistent_outage_raises_unavailable() -> None:
    adapter, fake = make()
    fake.fail("GET", r"\.json$", status=502, times=10)
    with pytest.raises(HelpdeskUnavailable):
        adapter.fetch_ticket(TICKET)
    assert len(fake.requests) == 3
