"""The shared transport discipline: timeouts, retries, error mapping, at-most-once writes."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import httpx
import pytest

from hybridroute.adapters.base import ActionReceipt
from hybridroute.adapters.http import (
    HttpOptions,
    JsonApi,
    RetryPolicy,
    parse_retry_after,
    vendor_error_text,
)
from hybridroute.exceptions import (
    HelpdeskAuthError,
    HelpdeskError,
    HelpdeskNotFound,
    HelpdeskRateLimited,
    HelpdeskRejected,
    HelpdeskUnavailable,
    UsageError,
)

Step = httpx.Response | Exception


class Script:
    """A MockTransport handler that plays one scripted step per request and records them."""

    def __init__(self, steps: Iterable[Step]) -> None:
        self.steps = list(steps)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        step = self.steps.pop(0) if len(self.steps) > 1 else self.steps[0]
        if isinstance(step, Exception):
            raise step
        return step

    @property
    def count(self) -> int:
        return len(self.requests)


def make_api(
    handler: Callable[[httpx.Request], httpx.Response],
    sleeps: list[float],
    *,
    max_attempts: int = 4,
    max_retry_after: float = 60.0,
) -> JsonApi:
    return JsonApi(
        "https://help.example.test/api/v2/",
        vendor="example",
        headers={"Authorization": "Bearer secret"},
        http=HttpOptions(
            timeout=3.0,
            retry=RetryPolicy(max_attempts=max_attempts, max_retry_after=max_retry_after),
            transport=httpx.MockTransport(handler),
            sleep=sleeps.append,
        ),
    )


def ok(payload: object = None, status: int = 200) -> httpx.Response:
    return httpx.Response(status, json=payload if payload is not None else {"ok": True})


def test_get_sends_headers_and_a_timeout_and_decodes_json() -> None:
    script = Script([ok({"ticket": {"id": 1}})])
    api = make_api(script, [])
    assert api.get("tickets/1.json", params={"include": "x"}) == {"ticket": {"id": 1}}
    (request,) = script.requests
    assert str(request.url) == "https://help.example.test/api/v2/tickets/1.json?include=x"
    assert request.headers["Authorization"] == "Bearer secret"
    assert request.headers["Accept"] == "application/json"
    assert request.extensions["timeout"] == {"connect": 3.0, "read": 3.0, "write": 3.0, "pool": 3.0}


def test_empty_body_is_none_and_non_json_success_is_our_error() -> None:
    assert make_api(Script([httpx.Response(204)]), []).request("DELETE", "x") is None
    api = make_api(Script([httpx.Response(200, text="<html>login</html>")]), [])
    with pytest.raises(HelpdeskError, match="not JSON: <html>login</html>"):
        api.get("x")


def test_5xx_is_retried_with_exponential_backoff_then_succeeds() -> None:
    script = Script([httpx.Response(503), httpx.Response(502), httpx.Response(500), ok()])
    sleeps: list[float] = []
    assert make_api(script, sleeps).get("x") == {"ok": True}
    assert script.count == 4
    policy = RetryPolicy()
    for n, waited in enumerate(sleeps):
        base = min(policy.max_wait, policy.initial_wait * 2**n)
        assert base <= waited <= base + policy.jitter


def test_persistent_5xx_raises_unavailable_from_the_original_after_the_last_attempt() -> None:
    script = Script([httpx.Response(500, json={"error": "boom"})])
    sleeps: list[float] = []
    with pytest.raises(HelpdeskUnavailable) as info:
        make_api(script, sleeps, max_attempts=3).get("x")
    assert script.count == 3 and len(sleeps) == 2
    assert info.value.status_code == 500 and info.value.vendor == "example"
    assert 'answered 500: {"error":"boom"}' in str(info.value)
    assert isinstance(info.value.__cause__, httpx.HTTPStatusError)


@pytest.mark.parametrize(
    "exc",
    [
        httpx.ConnectError("refused"),
        httpx.ConnectTimeout("slow"),
        httpx.ReadTimeout("slow"),
        httpx.WriteTimeout("slow"),
        httpx.PoolTimeout("busy"),
        httpx.ReadError("reset"),
        httpx.RemoteProtocolError("closed"),
    ],
)
def test_transport_errors_are_retried_and_never_leak(exc: Exception) -> None:
    script = Script([exc])
    sleeps: list[float] = []
    with pytest.raises(HelpdeskUnavailable) as info:
        make_api(script, sleeps, max_attempts=2).get("x")
    assert script.count == 2
    assert info.value.__cause__ is exc


def test_timeout_then_success_on_get() -> None:
    script = Script([httpx.ReadTimeout("slow"), ok()])
    assert make_api(script, []).get("x") == {"ok": True}
    assert script.count == 2


@pytest.mark.parametrize("value", ["7", "7.0"])
def test_429_waits_the_advertised_retry_after_seconds(value: str) -> None:
    script = Script([httpx.Response(429, headers={"Retry-After": value}), ok()])
    sleeps: list[float] = []
    assert make_api(script, sleeps).get("x") == {"ok": True}
    assert sleeps == [7.0]


def test_429_waits_until_an_http_date_retry_after() -> None:
    when = datetime.now(timezone.utc) + timedelta(seconds=30)
    header = format_datetime(when, usegmt=True)
    script = Script([httpx.Response(429, headers={"Retry-After": header}), ok()])
    sleeps: list[float] = []
    make_api(script, sleeps).get("x")
    assert len(sleeps) == 1 and 27 <= sleeps[0] <= 30


def test_503_retry_after_is_honoured_too() -> None:
    script = Script([httpx.Response(503, headers={"Retry-After": "3"}), ok()])
    sleeps: list[float] = []
    make_api(script, sleeps).get("x")
    assert sleeps == [3.0]


def test_retry_after_beyond_the_cap_fails_at_once_with_retry_after() -> None:
    script = Script([httpx.Response(429, headers={"Retry-After": "3600"})])
    sleeps: list[float] = []
    with pytest.raises(HelpdeskRateLimited) as info:
        make_api(script, sleeps, max_retry_after=60).get("x")
    assert script.count == 1 and sleeps == []
    assert info.value.retry_after == 3600.0 and info.value.status_code == 429


def test_persistent_429_raises_rate_limited_after_the_last_attempt() -> None:
    script = Script([httpx.Response(429, headers={"Retry-After": "1"})])
    sleeps: list[float] = []
    with pytest.raises(HelpdeskRateLimited) as info:
        make_api(script, sleeps, max_attempts=3).get("x")
    assert script.count == 3 and sleeps == [1.0, 1.0]
    assert info.value.retry_after == 1.0
    assert isinstance(info.value, HelpdeskUnavailable)


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (400, HelpdeskRejected),
        (401, HelpdeskAuthError),
        (403, HelpdeskAuthError),
        (404, HelpdeskNotFound),
        (409, HelpdeskRejected),
        (422, HelpdeskRejected),
        (301, HelpdeskRejected),
    ],
)
def test_other_statuses_map_to_our_errors_and_are_not_retried(
    status: int, error: type[HelpdeskError]
) -> None:
    body = {"description": "Validation failed", "errors": [{"field": "priority"}]}
    script = Script([httpx.Response(status, json=body)])
    sleeps: list[float] = []
    with pytest.raises(error) as info:
        make_api(script, sleeps).request("PUT", "tickets/1", json={})
    assert script.count == 1 and sleeps == []
    assert info.value.status_code == status
    assert "Validation failed" in str(info.value)


def test_vendor_error_text_is_one_trimmed_line() -> None:
    long = httpx.Response(400, text="bad\n  request " + "x" * 1000)
    text = vendor_error_text(long)
    assert text.startswith("bad request x") and len(text) == 300 and "\n" not in text
    assert vendor_error_text(httpx.Response(400)) == "(empty body)"


# -- at-most-once writes ----------------------------------------------------------------


class Helpdesk:
    """A fake that saves every POSTed comment, then can fail *after* saving."""

    def __init__(self, failures: list[Step]) -> None:
        self.comments: list[str] = []
        self.failures = failures
        self.posts = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.posts += 1
        self.comments.append(request.content.decode())
        if self.failures:
            step = self.failures.pop(0)
            if isinstance(step, Exception):
                raise step
            return step
        return httpx.Response(201, json={"id": len(self.comments)})

    def find(self) -> ActionReceipt | None:
        if self.comments:
            return ActionReceipt(ticket_id="1", action="reply", external_id=str(1))
        return None


def receipt(body: dict[str, int]) -> ActionReceipt:
    return ActionReceipt(ticket_id="1", action="reply", external_id=str(body["id"]))


@pytest.mark.parametrize(
    "failure", [httpx.Response(500), httpx.Response(504), httpx.ReadTimeout("slow")]
)
def test_ambiguous_failure_after_save_is_found_by_the_check_and_not_written_twice(
    failure: Step,
) -> None:
    desk = Helpdesk([failure])
    checks: list[ActionReceipt | None] = []

    def already_done() -> ActionReceipt | None:
        checks.append(desk.find())
        return checks[-1]

    api = make_api(desk, [])
    got = api.write("POST", "comments", json={"b": 1}, already_done=already_done, receipt=receipt)
    assert got.duplicate and got.external_id == "1"
    assert desk.posts == 1 and len(desk.comments) == 1
    assert len(checks) == 2  # before writing, and before the retry


def test_ambiguous_failure_before_save_is_checked_then_written_once() -> None:
    # the gateway fails the first POST before the helpdesk saw it; nothing is saved
    script = Script([httpx.Response(502), httpx.Response(201, json={"id": 9})])
    checks: list[int] = []

    def already_done() -> ActionReceipt | None:
        checks.append(1)
        return None

    got = make_api(script, []).write(
        "POST", "comments", json={}, already_done=already_done, receipt=receipt
    )
    assert not got.duplicate and got.external_id == "9"
    assert script.count == 2 and len(checks) == 2


def test_a_write_found_before_the_first_attempt_is_not_sent() -> None:
    script = Script([ok({"id": 1})])
    found = ActionReceipt(ticket_id="1", action="note", external_id="c-7")
    got = make_api(script, []).write(
        "POST", "notes", json={}, already_done=lambda: found, receipt=receipt
    )
    assert got == found.model_copy(update={"duplicate": True})
    assert script.count == 0


def test_unambiguous_failures_are_retried_without_a_check() -> None:
    script = Script(
        [
            httpx.ConnectError("refused"),
            httpx.Response(429, headers={"Retry-After": "2"}),
            ok({"id": 3}),
        ]
    )
    checks: list[int] = []
    sleeps: list[float] = []

    def already_done() -> ActionReceipt | None:
        checks.append(1)
        return None

    got = make_api(script, sleeps).write(
        "POST", "c", json={}, already_done=already_done, receipt=receipt, check_first=False
    )
    assert got.external_id == "3" and script.count == 3
    assert checks == [] and sleeps[-1] == 2.0


def test_a_failing_check_is_retried_before_anything_is_written_again() -> None:
    posts: list[int] = []
    check_answers: list[Step] = [httpx.Response(503), ok({"found": True})]

    def handler(request: httpx.Request) -> httpx.Response:
        if request.method == "GET":
            step = check_answers.pop(0)
            assert isinstance(step, httpx.Response)
            return step
        posts.append(1)
        return httpx.Response(500)  # saved, then failed

    api = make_api(handler, [])

    def already_done() -> ActionReceipt | None:
        body = api.get("comments")
        return ActionReceipt(ticket_id="1", action="reply") if body.get("found") else None

    got = api.write(
        "POST", "c", json={}, already_done=already_done, receipt=receipt, check_first=False
    )
    assert got.duplicate and posts == [1]


def test_post_without_a_check_is_not_retried_after_an_ambiguous_failure() -> None:
    script = Script([httpx.Response(500), ok()])
    with pytest.raises(HelpdeskUnavailable, match="not retried: the write may have been saved"):
        make_api(script, []).request("POST", "comments", json={})
    assert script.count == 1


def test_post_marked_idempotent_is_retried() -> None:
    script = Script([httpx.Response(500), ok()])
    assert make_api(script, []).request("POST", "tags", json={}, idempotent=True) == {"ok": True}
    assert script.count == 2


def test_write_that_keeps_failing_raises_unavailable() -> None:
    script = Script([httpx.Response(500)])
    with pytest.raises(HelpdeskUnavailable):
        make_api(script, [], max_attempts=2).write(
            "POST", "c", json={}, already_done=lambda: None, receipt=receipt
        )
    assert script.count == 2


# -- helpers and configuration ------------------------------------------------------------


def test_parse_retry_after() -> None:
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after("-5") == 0.0
    assert parse_retry_after(None) is None
    assert parse_retry_after("soon") is None
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0) == 10.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412490.0) == 0.0


def test_basic_auth_is_sent_with_every_request() -> None:
    script = Script([ok()])
    api = JsonApi(
        "https://h.test",
        vendor="x",
        auth=httpx.BasicAuth("apikey", "X"),
        http=HttpOptions(transport=httpx.MockTransport(script)),
    )
    api.get("x")
    assert script.requests[0].headers["Authorization"] == "Basic YXBpa2V5Olg="


def test_configuration_mistakes_are_usage_errors() -> None:
    with pytest.raises(UsageError, match="max_attempts"):
        RetryPolicy(max_attempts=0)
    with pytest.raises(UsageError, match="negative"):
        RetryPolicy(initial_wait=-1)
    with pytest.raises(UsageError, match="base_url"):
        JsonApi("help.example.test", vendor="x")
    with pytest.raises(UsageError, match="timeout"):
        HttpOptions(timeout=0)


def test_close_closes_the_client() -> None:
    with JsonApi("https://h.test", vendor="x") as api:
        pass
    with pytest.raises(HelpdeskError, match="could not be sent"):
        api.get("x")
