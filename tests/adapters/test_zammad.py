"""ZammadAdapter against a fake built from Zammad's documented REST API payloads."""

from __future__ import annotations

import json

import httpx
import pytest

from hybridroute.adapters.http import HttpOptions, RetryPolicy
from hybridroute.adapters.markers import carries_marker
from hybridroute.adapters.zammad import ZammadAdapter
from hybridroute.exceptions import HelpdeskAuthError, HelpdeskNotFound, HelpdeskRejected
from hybridroute.models import Channel, Priority, Role
from hybridroute.testing.adapters import AdapterFixture, ObservedTicket, check_adapter

from .fakes import FakeZammad

TICKET = "3"
GROUPS = {"billing": "Sales", "risk": "2nd Level"}
TOKEN = "t0k3n"
AUTH = f"Token token={TOKEN}"


def make(
    sleeps: list[float] | None = None, *, token: str = TOKEN
) -> tuple[ZammadAdapter, FakeZammad]:
    fake = FakeZammad(AUTH)
    adapter = ZammadAdapter(
        "https://support.example.com/",
        token,
        groups=GROUPS,
        http=HttpOptions(
            retry=RetryPolicy(max_attempts=3),
            transport=fake.transport(),
            sleep=(sleeps if sleeps is not None else []).append,
        ),
    )
    return adapter, fake


def observe(fake: FakeZammad) -> ObservedTicket:
    ticket = fake.tickets[int(TICKET)]
    by_name = {v: k for k, v in GROUPS.items()}
    priorities = {"1 low": Priority.LOW, "2 normal": Priority.NORMAL, "3 high": Priority.HIGH}
    return ObservedTicket(
        queue=by_name.get(ticket["group"]),
        priority=priorities.get(ticket["priority"]),
        tags=frozenset(fake.tags[int(TICKET)]),
    )


def make_fixture() -> AdapterFixture:
    adapter, fake = make()
    return AdapterFixture(
        adapter, TICKET, "please send me:", "risk", observe=lambda _: observe(fake)
    )


def our_articles(fake: FakeZammad, key: str) -> list[dict[str, object]]:
    return [a for a in fake.articles[int(TICKET)] if carries_marker(str(a["body"]), key)]


def test_passes_the_adapter_contract() -> None:
    check_adapter(make_fixture)


def test_reads_the_documented_ticket_and_articles() -> None:
    adapter, fake = make()
    ticket = adapter.fetch_ticket(TICKET)
    assert ticket.subject == "Order 787556" and ticket.channel is Channel.EMAIL
    assert [m.role for m in ticket.conversation] == [Role.CUSTOMER, Role.AGENT]
    assert ticket.conversation[0].text.startswith("Hi,\n\nplease send me:\n1 x Café Kopi susu")
    assert ticket.metadata["queue"] == "billing" and ticket.metadata["priority"] == "normal"
    assert ticket.metadata["tags"] == "americano,complaint"
    assert fake.requests[0].url.params["expand"] == "true"


def test_authenticates_with_an_access_token() -> None:
    adapter, fake = make()
    adapter.fetch_ticket(TICKET)
    assert {r.headers["authorization"] for r in fake.requests} == {"Token token=t0k3n"}
    assert str(fake.requests[0].url) == "https://support.example.com/api/v1/tickets/3?expand=true"


def test_401_is_an_auth_error() -> None:
    adapter, _ = make(token="wrong")
    with pytest.raises(HelpdeskAuthError, match="Invalid token"):
        adapter.fetch_ticket(TICKET)


def test_404_is_not_found_with_zammads_words() -> None:
    adapter, _ = make()
    with pytest.raises(HelpdeskNotFound, match="Couldn't find Ticket"):
        adapter.fetch_ticket("404")


def test_429_waits_the_retry_after() -> None:
    sleeps: list[float] = []
    adapter, fake = make(sleeps)
    fake.fail("GET", r"/tickets/3$", status=429, headers={"Retry-After": "5"})
    adapter.fetch_ticket(TICKET)
    assert sleeps == [5.0]


def test_5xx_then_success() -> None:
    sleeps: list[float] = []
    adapter, fake = make(sleeps)
    fake.fail("GET", r"/by_ticket/3$", status=503, times=2)
    adapter.fetch_ticket(TICKET)
    assert fake.calls("GET", r"/by_ticket/3$") == 3 and len(sleeps) == 2


def test_ambiguous_500_after_the_article_was_saved_writes_it_once() -> None:
    adapter, fake = make()
    fake.fail("POST", r"/ticket_articles$", status=500, after_write=True)
    receipt = adapter.post_note(TICKET, "Checked the address.", idempotency_key="evt-1")
    ours = our_articles(fake, "evt-1")
    assert len(ours) == 1 and fake.calls("POST", r"/ticket_articles$") == 1
    assert receipt.duplicate and receipt.external_id == str(ours[0]["id"])


def test_read_timeout_before_saving_is_checked_then_retried() -> None:
    adapter, fake = make()
    fake.fail("POST", r"/ticket_articles$", error=httpx.ReadTimeout("slow"))
    receipt = adapter.post_reply(TICKET, "Shipped.", idempotency_key="evt-2")
    assert len(our_articles(fake, "evt-2")) == 1 and not receipt.duplicate
    assert fake.calls("POST", r"/ticket_articles$") == 2


def test_reply_is_an_email_to_the_customer_and_note_is_internal() -> None:
    adapter, fake = make()
    adapter.post_reply(TICKET, "Shipped.", idempotency_key="r")
    adapter.post_note(TICKET, "Internal.", idempotency_key="n")
    reply, note = [json.loads(r.content) for r in fake.requests if r.method == "POST"]
    assert reply["type"] == "email" and reply["to"] == "David Bell <david@example.com>"
    assert reply["internal"] is False and reply["sender"] == "Agent"
    assert (note["type"], note["internal"], note["content_type"]) == ("note", True, "text/plain")
    assert note["ticket_id"] == 3


def test_reply_without_a_customer_email_is_a_web_article() -> None:
    adapter, fake = make()
    for article in fake.articles[int(TICKET)]:
        article["type"] = "web"
    adapter.post_reply(TICKET, "Shipped.", idempotency_key="r")
    (post,) = [json.loads(r.content) for r in fake.requests if r.method == "POST"]
    assert post["type"] == "web" and "to" not in post


def test_assign_sets_group_and_priority_names() -> None:
    adapter, fake = make()
    adapter.assign(TICKET, queue="risk", priority=Priority.URGENT, idempotency_key="a")
    (put,) = [r for r in fake.requests if r.method == "PUT"]
    assert json.loads(put.content) == {"group": "2nd Level", "priority": "3 high"}


def test_unknown_group_is_rejected_with_zammads_words() -> None:
    adapter, fake = make()
    with pytest.raises(HelpdeskRejected, match="No lookup value found for 'group'"):
        adapter.assign(TICKET, queue="nowhere", idempotency_key="a")
    assert fake.calls("PUT", r"/tickets/3$") == 1


def test_add_tags_adds_only_new_ones() -> None:
    adapter, fake = make()
    receipt = adapter.add_tags(TICKET, ["complaint", "vip"], idempotency_key="t")
    adds = [json.loads(r.content) for r in fake.requests if r.url.path.endswith("/tags/add")]
    assert adds == [{"item": "vip", "object": "Ticket", "o_id": 3}] and not receipt.duplicate
    assert adapter.add_tags(TICKET, ["vip"], idempotency_key="t").duplicate
