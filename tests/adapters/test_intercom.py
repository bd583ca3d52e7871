"""IntercomAdapter against a fake built from Intercom's OpenAPI description (2.11, Preview)."""

from __future__ import annotations

import json
import time

import httpx
import pytest

from hybridroute.adapters.http import HttpOptions, RetryPolicy
from hybridroute.adapters.intercom import FROM_INTERCOM_PRIORITY, IntercomAdapter, rate_limit_delay
from hybridroute.adapters.markers import carries_marker
from hybridroute.exceptions import (
    HelpdeskAuthError,
    HelpdeskNotFound,
    HelpdeskRateLimited,
    HelpdeskRejected,
)
from hybridroute.models import Channel, Priority, Role
from hybridroute.testing.adapters import AdapterFixture, ObservedTicket, check_adapter

from .fakes import FakeIntercom, fixture

CONVERSATION = "367"
TEAMS = {"billing": "5017691", "risk": "5017692"}
ADMIN = "991267715"
AUTH = "Bearer dG9rOjEyMw=="


def make(
    sleeps: list[float] | None = None, *, token: str = "dG9rOjEyMw==", **options: object
) -> tuple[IntercomAdapter, FakeIntercom]:
    fake = FakeIntercom(AUTH)
    adapter = IntercomAdapter(
        token,
        admin_id=ADMIN,
        teams=TEAMS,
        http=HttpOptions(
            retry=RetryPolicy(max_attempts=3),
            transport=fake.transport(),
            sleep=(sleeps if sleeps is not None else []).append,
        ),
        **options,  # type: ignore[arg-type]
    )
    return adapter, fake


def observe(fake: FakeIntercom) -> ObservedTicket:
    conversation = fake.conversations[CONVERSATION]
    by_id = {v: k for k, v in TEAMS.items()}
    return ObservedTicket(
        queue=by_id.get(str(conversation["team_assignee_id"])),
        priority=FROM_INTERCOM_PRIORITY.get(conversation["priority"]),
        tags=frozenset(t["name"] for t in conversation["tags"]["tags"]),
    )


def make_fixture() -> AdapterFixture:
    adapter, fake = make()
    return AdapterFixture(
        adapter, CONVERSATION, "this is the message body", "risk", observe=lambda _: observe(fake)
    )


def our_parts(fake: FakeIntercom, key: str) -> list[dict[str, object]]:
    parts = fake.conversations[CONVERSATION]["conversation_parts"]["conversation_parts"]
    return [p for p in parts if carries_marker(str(p.get("body") or ""), key)]


def test_passes_the_adapter_contract() -> None:
    check_adapter(make_fixture)


def test_reads_the_documented_conversation() -> None:
    adapter, _ = make()
    ticket = adapter.fetch_ticket(CONVERSATION)
    assert ticket.channel is Channel.CHAT
    assert ticket.customer.id == "667d60d88a68186f43bafde1"
    assert [(m.role, m.text) for m in ticket.conversation] == [
        (Role.CUSTOMER, "this is the message body"),
        (Role.CUSTOMER, "Thanks again :)"),
    ]
    assert ticket.metadata["queue"] == "billing"


def test_sends_the_bearer_token_and_api_version() -> None:
    adapter, fake = make()
    adapter.fetch_ticket(CONVERSATION)
    (request,) = fake.requests
    assert request.headers["authorization"] == AUTH
    assert request.headers["intercom-version"] == "2.11"
    assert str(request.url) == "https://api.intercom.io/conversations/367"


def test_401_is_an_auth_error_with_intercoms_words() -> None:
    adapter, _ = make(token="wrong")
    with pytest.raises(HelpdeskAuthError, match="Access Token Invalid"):
        adapter.fetch_ticket(CONVERSATION)


def test_404_is_not_found() -> None:
    adapter, _ = make()
    with pytest.raises(HelpdeskNotFound, match="not_found"):
        adapter.fetch_ticket("404")


def test_429_waits_until_x_ratelimit_reset() -> None:
    sleeps: list[float] = []
    adapter, fake = make(sleeps)
    reset = int(time.time()) + 8
    headers = {
        "X-RateLimit-Limit": "167",
        "X-RateLimit-Remaining": "0",
        "X-RateLimit-Reset": str(reset),
    }
    fake.fail(
        "GET",
        r"/conversations/367$",
        status=429,
        headers=headers,
        body=fixture("intercom", "error_429.json"),
    )
    assert adapter.fetch_ticket(CONVERSATION).id == CONVERSATION
    assert len(sleeps) == 1 and 6 <= sleeps[0] <= 8


def test_rate_limit_delay_prefers_retry_after_then_reset() -> None:
    assert rate_limit_delay(httpx.Response(429, headers={"Retry-After": "3"}), now=0) == 3.0
    reset = httpx.Response(429, headers={"X-RateLimit-Reset": "1487332520"})
    assert rate_limit_delay(reset, now=1487332510) == 10.0
    assert rate_limit_delay(httpx.Response(429), now=0) is None


def test_429_with_a_distant_reset_is_left_to_the_caller() -> None:
    adapter, fake = make()
    headers = {"X-RateLimit-Reset": str(int(time.time()) + 3600)}
    fake.fail("GET", r"/conversations/367$", status=429, headers=headers)
    with pytest.raises(HelpdeskRateLimited) as info:
        adapter.fetch_ticket(CONVERSATION)
    assert info.value.retry_after is not None and info.value.retry_after > 3000


def test_5xx_then_success() -> None:
    sleeps: list[float] = []
    adapter, fake = make(sleeps)
    fake.fail("GET", r"/conversations/367$", status=500)
    adapter.fetch_ticket(CONVERSATION)
    assert fake.calls("GET", r"/conversations/367$") == 2 and len(sleeps) == 1


def test_ambiguous_500_after_the_reply_was_saved_writes_it_once() -> None:
    adapter, fake = make()
    fake.fail("POST", r"/reply$", status=500, after_write=True)
    receipt = adapter.post_reply(CONVERSATION, "Here is how to reset it.", idempotency_key="evt-1")
    ours = our_parts(fake, "evt-1")
    assert len(ours) == 1 and fake.calls("POST", r"/reply$") == 1
    assert receipt.duplicate and receipt.external_id == ours[0]["id"]


def test_reply_and_note_are_written_as_the_admin() -> None:
    adapter, fake = make()
    reply = adapter.post_reply(CONVERSATION, "Hi", idempotency_key="r")
    adapter.post_note(CONVERSATION, "Internal", idempotency_key="n")
    bodies = [json.loads(r.content) for r in fake.requests if r.url.path.endswith("/reply")]
    assert [(b["message_type"], b["type"], b["admin_id"]) for b in bodies] == [
        ("comment", "admin", ADMIN),
        ("note", "admin", ADMIN),
    ]
    assert reply.external_id == our_parts(fake, "r")[0]["id"]
    note = adapter.fetch_ticket(CONVERSATION).conversation[-1]
    assert (note.role, note.public, note.text) == (Role.BOT, False, "Internal")


def test_assign_uses_parts_for_the_team_and_preview_for_priority() -> None:
    adapter, fake = make()
    adapter.assign(CONVERSATION, queue="risk", priority=Priority.NORMAL, idempotency_key="a")
    (part,) = [r for r in fake.requests if r.url.path.endswith("/parts")]
    assert json.loads(part.content) == {
        "message_type": "assignment",
        "type": "team",
        "admin_id": ADMIN,
        "assignee_id": "5017692",
    }
    (put,) = [r for r in fake.requests if r.method == "PUT"]
    assert put.headers["intercom-version"] == "Preview"
    assert json.loads(put.content) == {"priority": "medium", "admin_id": ADMIN}
    assert fake.conversations[CONVERSATION]["priority"] == "medium"


def test_priority_can_be_left_alone() -> None:
    adapter, fake = make(priority_api_version=None)
    adapter.assign(CONVERSATION, priority=Priority.URGENT, idempotency_key="a")
    assert [r for r in fake.requests if r.method == "PUT"] == []


def test_tags_are_created_by_name_then_attached_once() -> None:
    adapter, fake = make()
    first = adapter.add_tags(CONVERSATION, ["vip", "refund"], idempotency_key="t")
    again = adapter.add_tags(CONVERSATION, ["VIP"], idempotency_key="t2")
    assert not first.duplicate and again.duplicate
    assert [t["name"] for t in fake.conversations[CONVERSATION]["tags"]["tags"]] == [
        "vip",
        "refund",
    ]
    attach = [
        json.loads(r.content)
        for r in fake.requests
        if r.url.path.endswith("/tags") and "conversations" in r.url.path
    ]
    assert all(set(b) == {"id", "admin_id"} for b in attach) and len(attach) == 2


def test_unknown_team_is_rejected_without_writing() -> None:
    adapter, fake = make()
    with pytest.raises(HelpdeskRejected, match="queue 'nowhere'"):
        adapter.assign(CONVERSATION, queue="nowhere", idempotency_key="a")
    assert fake.requests == []
