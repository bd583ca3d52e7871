"""What every adapter shares: HttpOptions, the retry wait, name lookups, tag merging."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest
import tenacity

from hybridroute.adapters import HelpdeskAdapter, HttpOptions, RetryPolicy
from hybridroute.adapters._mappings import lookup, name_for
from hybridroute.adapters._tags import merged_tags, new_tags
from hybridroute.adapters.django_helpdesk import DjangoHelpdeskAdapter
from hybridroute.adapters.freshdesk import FreshdeskAdapter
from hybridroute.adapters.http import honour_retry_after
from hybridroute.adapters.intercom import IntercomAdapter
from hybridroute.adapters.zammad import ZammadAdapter
from hybridroute.adapters.zendesk import ZendeskAdapter
from hybridroute.exceptions import (
    HelpdeskRateLimited,
    HelpdeskRejected,
    HelpdeskUnavailable,
    UsageError,
)

AGENTS = {"7": 99, "ana": 41}  # a name made of digits, listed on purpose
SECRET = "s3cret-credential"


class Recorder:
    """Answers every request with one object that satisfies every adapter's reads."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return httpx.Response(200, json={"id": 1, "followup_set": [], "tags": []})

    def sent(self) -> list[Any]:
        return [json.loads(r.content) for r in self.requests if r.method != "GET"]


def build(name: str, http: HttpOptions) -> HelpdeskAdapter:
    makers: dict[str, Callable[[], HelpdeskAdapter]] = {
        "zendesk": lambda: ZendeskAdapter("acme", "a@acme.com", SECRET, agents=AGENTS, http=http),
        "freshdesk": lambda: FreshdeskAdapter("acme", SECRET, agents=AGENTS, http=http),
        "zammad": lambda: ZammadAdapter("https://z.test", SECRET, agents=AGENTS, http=http),
        "intercom": lambda: IntercomAdapter(
            SECRET, admin_id="1", admins={k: str(v) for k, v in AGENTS.items()}, http=http
        ),
        "django-helpdesk": lambda: DjangoHelpdeskAdapter(
            "https://d.test/helpdesk/api/", "u", SECRET, queues={}, agents=AGENTS, http=http
        ),
    }
    return makers[name]()


ADAPTERS = ["zendesk", "freshdesk", "zammad", "intercom", "django-helpdesk"]


def assigned_agent(name: str, agent: str) -> str:
    recorder = Recorder()
    adapter = build(name, HttpOptions(transport=httpx.MockTransport(recorder)))
    adapter.assign("1", agent=agent, idempotency_key=f"k-{agent}")
    first = recorder.sent()[0]
    body = first.get("ticket", first)  # Zendesk wraps the changes in "ticket"
    for field in ("assignee_id", "responder_id", "owner_id", "assigned_to"):
        if field in body:
            return str(body[field])
    return str(body["assignee_id"])


@pytest.mark.parametrize("name", ADAPTERS)
def test_every_adapter_looks_up_the_mapping_first_then_takes_digits_as_an_id(name: str) -> None:
    assert assigned_agent(name, "7") == "99"  # the mapping wins, even for digits
    assert assigned_agent(name, "ana") == "41"
    assert assigned_agent(name, "12") == "12"  # not listed: digits are the id itself
    with pytest.raises(HelpdeskRejected, match="agents mapping"):
        assigned_agent(name, "nobody")


@pytest.mark.parametrize("name", ADAPTERS)
def test_every_adapter_takes_http_options_and_sends_through_their_transport(name: str) -> None:
    recorder = Recorder()
    http = HttpOptions(timeout=2.5, transport=httpx.MockTransport(recorder))
    with build(name, http) as adapter:  # type: ignore[attr-defined]
        adapter.assign("1", agent="ana", idempotency_key="k")
    assert recorder.requests
    timeouts = {r.extensions["timeout"]["read"] for r in recorder.requests}
    assert timeouts == {2.5}
    assert SECRET not in repr(adapter)  # settings only, never a credential


@pytest.mark.parametrize("name", ADAPTERS)
def test_every_adapter_retries_with_the_policy_and_sleep_of_its_options(name: str) -> None:
    answers = [httpx.Response(503, headers={"Retry-After": "3"})]
    recorder = Recorder()

    def flaky(request: httpx.Request) -> httpx.Response:
        return answers.pop() if answers else recorder(request)

    sleeps: list[float] = []
    http = HttpOptions(
        retry=RetryPolicy(max_attempts=2), transport=httpx.MockTransport(flaky), sleep=sleeps.append
    )
    build(name, http).assign("1", agent="ana", idempotency_key="k")
    assert sleeps == [3.0]


def test_http_options_are_frozen_and_checked() -> None:
    options = HttpOptions()
    assert options.timeout == 10.0 and options.retry == RetryPolicy()
    with pytest.raises(AttributeError):
        options.timeout = 1.0  # type: ignore[misc]
    with pytest.raises(UsageError, match="timeout"):
        HttpOptions(timeout=-1)


def retry_state(exc: BaseException, attempt: int = 1) -> tenacity.RetryCallState:
    state = tenacity.RetryCallState(tenacity.Retrying(), fn=None, args=(), kwargs={})
    state.attempt_number = attempt
    state.set_exception((type(exc), exc, None))
    return state


def test_the_wait_honours_retry_after_and_caps_it() -> None:
    wait = honour_retry_after(RetryPolicy(max_retry_after=30.0))
    assert wait(retry_state(HelpdeskRateLimited("slow", retry_after=12.0))) == 12.0
    assert wait(retry_state(HelpdeskUnavailable("busy", retry_after=90.0))) == 30.0


def test_the_wait_backs_off_exponentially_without_retry_after() -> None:
    policy = RetryPolicy(initial_wait=1.0, max_wait=4.0, jitter=0.0)
    wait = honour_retry_after(policy)
    waits = [wait(retry_state(HelpdeskUnavailable("busy"), n)) for n in (1, 2, 3, 4)]
    assert waits == [1.0, 2.0, 4.0, 4.0]


def test_a_retried_failure_comes_out_as_our_error_from_the_last_attempt() -> None:
    failures = [httpx.ReadTimeout(f"slow {n}") for n in range(3)]
    seen: list[BaseException] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(failures.pop(0))
        raise seen[-1]

    http = HttpOptions(
        retry=RetryPolicy(max_attempts=3),
        transport=httpx.MockTransport(handler),
        sleep=lambda seconds: None,
    )
    adapter = ZendeskAdapter("acme", "a@acme.com", "t", http=http)
    with pytest.raises(HelpdeskUnavailable) as info:
        adapter.fetch_ticket("1")
    assert len(seen) == 3
    assert info.value.__cause__ is seen[-1]  # ours, from the last httpx failure
    assert info.value.retryable and info.value.ambiguous


def test_lookup_and_name_for() -> None:
    assert lookup({"billing": 3}, "billing", "queue", "v") == 3
    with pytest.raises(HelpdeskRejected, match="queues mapping"):
        lookup({"billing": 3}, "12", "queue", "v")  # queues take no raw ids
    assert name_for({"billing": 3, "refunds": 3, "risk": 4}, 3) == "refunds"
    assert name_for({"billing": 3}, 5) is None


def test_tags_are_added_once_in_the_order_asked() -> None:
    assert new_tags(["vip"], ["refund", "vip", "refund", "late"]) == ["refund", "late"]
    assert new_tags(["VIP"], ["vip", "Late"], fold=str.casefold) == ["Late"]
    assert merged_tags(["a", "b"], ["b", "c"]) == ["a", "b", "c"]
