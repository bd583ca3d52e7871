"""Small stateful fakes of the hosted helpdesks, for ``httpx.MockTransport``.

Each fake starts from the documented payloads in ``fixtures/<vendor>/`` (see the README
there for where each came from), answers the endpoints the adapter uses the way the
vendor documents them (status codes, bodies, error envelopes, rate-limit headers), and
keeps what is written, so a test can look at the helpdesk's side. ``fail(...)`` schedules
a failure, before or *after* the write is saved (the ambiguous case).
"""

from __future__ import annotations

import copy
import itertools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

FIXTURES = Path(__file__).parent / "fixtures"

Route = Callable[[httpx.Request, re.Match[str]], httpx.Response]


def fixture(vendor: str, name: str) -> Any:
    """A fixture payload, freshly parsed (tests may change it)."""
    return json.loads((FIXTURES / vendor / name).read_text(encoding="utf-8"))


def strip_tags(markup: str) -> str:
    """Text of HTML, as a helpdesk derives ``body_text`` (independent of the adapter's)."""
    text = re.sub(r"<br\s*/?>|</p>|</div>", "\n", markup)
    text = re.sub(r"<[^>]+>", "", text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").strip()


@dataclass
class Fault:
    """A scheduled failure of the next request(s) matching ``method`` and ``path``."""

    method: str
    path: str
    status: int | None = None
    error: Exception | None = None
    after_write: bool = False
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None
    times: int = 1

    def matches(self, request: httpx.Request) -> bool:
        return request.method == self.method and re.search(self.path, request.url.path) is not None

    def respond(self, request: httpx.Request) -> httpx.Response:
        if self.error is not None:
            raise self.error
        assert self.status is not None
        if self.body is None:
            return httpx.Response(self.status, headers=self.headers, request=request)
        if isinstance(self.body, str):
            return httpx.Response(self.status, text=self.body, headers=self.headers)
        return httpx.Response(self.status, json=self.body, headers=self.headers)


class FakeHelpdesk:
    """The machinery every vendor fake shares: auth, routing, faults, a request log."""

    vendor = ""
    unauthorized_body: Any = None
    not_found_body: Any = None

    def __init__(self, expected_auth: str) -> None:
        self.expected_auth = expected_auth
        self.requests: list[httpx.Request] = []
        self.faults: list[Fault] = []
        self.ids = itertools.count(9000)
        self.routes: list[tuple[str, re.Pattern[str], Route]] = []

    def route(self, method: str, pattern: str, handler: Route) -> None:
        self.routes.append((method, re.compile(f"^{pattern}$"), handler))

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self)

    def fail(
        self,
        method: str,
        path: str,
        *,
        status: int | None = None,
        error: Exception | None = None,
        after_write: bool = False,
        headers: dict[str, str] | None = None,
        body: Any = None,
        times: int = 1,
    ) -> None:
        """Make the next ``times`` matching requests fail (after saving, if ``after_write``)."""
        self.faults.append(
            Fault(method, path, status, error, after_write, dict(headers or {}), body, times)
        )

    def calls(self, method: str, path: str) -> int:
        """How many requests matched ``method`` and the ``path`` regex."""
        return sum(1 for r in self.requests if r.method == method and re.search(path, r.url.path))

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if request.headers.get("authorization") != self.expected_auth:
            return httpx.Response(401, json=self.unauthorized_body)
        fault = self._take(request)
        if fault is not None and not fault.after_write:
            return fault.respond(request)
        response = self._dispatch(request)
        if fault is not None:  # the write above was saved; now fail anyway
            return fault.respond(request)
        return response

    def _take(self, request: httpx.Request) -> Fault | None:
        for fault in self.faults:
            if fault.matches(request):
                fault.times -= 1
                if fault.times <= 0:
                    self.faults.remove(fault)
                return fault
        return None

    def _dispatch(self, request: httpx.Request) -> httpx.Response:
        for method, pattern, handler in self.routes:
            match = pattern.match(request.url.path)
            if match and method == request.method:
                return handler(request, match)
        return httpx.Response(404, json=self.not_found_body)

    def not_found(self) -> httpx.Response:
        return httpx.Response(404, json=self.not_found_body)


def body_of(request: httpx.Request) -> Any:
    return json.loads(request.content) if request.content else None


# -- Zendesk ------------------------------------------------------------------------------


class FakeZendesk(FakeHelpdesk):
    """Zendesk Support's Tickets API v2 at ``https://acme.zendesk.com/api/v2``."""

    vendor = "zendesk"
    unauthorized_body = fixture("zendesk", "error_401.json")
    not_found_body = fixture("zendesk", "error_404.json")
    base_url = "https://acme.zendesk.com/api/v2"
    agent_id = 235323
    priorities = ("low", "normal", "high", "urgent")

    def __init__(self, expected_auth: str) -> None:
        super().__init__(expected_auth)
        ticket = fixture("zendesk", "ticket.json")["ticket"]
        self.tickets: dict[int, dict[str, Any]] = {ticket["id"]: ticket}
        self.comments: dict[int, list[dict[str, Any]]] = {
            ticket["id"]: fixture("zendesk", "comments.json")["comments"]
        }
        prefix = "/api/v2/tickets"
        self.route("GET", rf"{prefix}/(\d+)\.json", self._show)
        self.route("GET", rf"{prefix}/(\d+)/comments\.json", self._list_comments)
        self.route("PUT", rf"{prefix}/(\d+)\.json", self._update)

    def _ticket(self, match: re.Match[str]) -> dict[str, Any] | None:
        return self.tickets.get(int(match.group(1)))

    def _show(self, request: httpx.Request, match: re.Match[str]) -> httpx.Response:
        ticket = self._ticket(match)
        return httpx.Response(200, json={"ticket": ticket}) if ticket else self.not_found()

    def _list_comments(self, request: httpx.Request, match: re.Match[str]) -> httpx.Response:
        ticket = self._ticket(match)
        if ticket is None:
            return self.not_found()
        size = int(request.url.params.get("page[size]", 100))
        start = int(request.url.params.get("page[after]", 0))
        comments = self.comments[ticket["id"]]
        page = comments[start : start + size]
        more = start + size < len(comments)
        meta = {"has_more": more, "after_cursor": str(start + size) if more else None}
        return httpx.Response(200, json={"comments": page, "meta": meta})

    def _update(self, request: httpx.Request, match: re.Match[str]) -> httpx.Response:
        ticket = self._ticket(match)
        if ticket is None:
            return self.not_found()
        changes = body_of(request)["ticket"]
        if "priority" in changes and changes["priority"] not in self.priorities:
            return httpx.Response(422, json=fixture("zendesk", "error_422.json"))
        audit = fixture("zendesk", "update_response.json")["audit"]
        audit["events"] = []
        comment = changes.pop("comment", None)
        if comment is not None:
            new = {
                "id": next(self.ids),
                "type": "Comment",
                "author_id": self.agent_id,
                "body": comment["body"],
                "plain_body": comment["body"],
                "html_body": f'<div class="zd-comment"><p>{comment["body"]}</p></div>',
                "public": comment.get("public", True),
                "attachments": [],
                "created_at": "2026-01-01T00:00:00Z",
            }
            self.comments[ticket["id"]].append(new)
            audit["events"].append({k: new[k] for k in ("id", "type", "body", "public")})
        added = changes.pop("additional_tags", [])
        ticket["tags"] = list(dict.fromkeys([*ticket["tags"], *added]))
        ticket.update(changes)
        return httpx.Response(200, json={"ticket": ticket, "audit": audit})


# -- Freshdesk ----------------------------------------------------------------------------


class FakeFreshdesk(FakeHelpdesk):
    """Freshdesk's API v2 at ``https://acme.freshdesk.com/api/v2``."""

    vendor = "freshdesk"
    unauthorized_body = fixture("freshdesk", "error_401.json")
    not_found_body = None  # Freshdesk answers 404 with an empty body
    base_url = "https://acme.freshdesk.com/api/v2"
    agent_id = 6010396333

    def __init__(self, expected_auth: str) -> None:
        super().__init__(expected_auth)
        ticket = fixture("freshdesk", "ticket.json")
        self.tickets: dict[int, dict[str, Any]] = {ticket["id"]: ticket}
        self.conversations: dict[int, list[dict[str, Any]]] = {
            ticket["id"]: fixture("freshdesk", "conversations.json")
        }
        prefix = "/api/v2/tickets"
        self.route("GET", rf"{prefix}/(\d+)", self._show)
        self.route("GET", rf"{prefix}/(\d+)/conversations", self._list_conversations)
        self.route("POST", rf"{prefix}/(\d+)/reply", self._reply)
        self.route("POST", rf"{prefix}/(\d+)/notes", self._note)
        self.route("PUT", rf"{prefix}/(\d+)", self._update)

    def not_found(self) -> httpx.Response:
        return httpx.Response(404)

    def _ticket(self, match: re.Match[str]) -> dict[str, Any] | None:
        return self.tickets.get(int(match.group(1)))

    def _show(self, request: httpx.Request, match: re.Match[str]) -> httpx.Response:
        ticket = self._ticket(match)
        if ticket is None:
            return self.not_found()
        answer = copy.deepcopy(ticket)
        if request.url.params.get("include") == "conversations":
            answer["conversations"] = self.conversations[ticket["id"]][:10]
        return httpx.Response(200, json=answer)

    def _list_conversations(self, request: httpx.Request, match: re.Match[str]) -> httpx.Response:
        ticket = self._ticket(match)
        if ticket is None:
            return self.not_found()
        per_page = int(request.url.params.get("per_page", 30))
        page = int(request.url.params.get("page", 1))
        items = self.conversations[ticket["id"]][(page - 1) * per_page : page * per_page]
        return httpx.Response(200, json=items)

    def _add(self, match: re.Match[str], body: dict[str, Any], private: bool) -> httpx.Response:
        ticket = self._ticket(match)
        if ticket is None:
            return self.not_found()
        template = fixture("freshdesk", "note.json" if private else "reply.json")
        template.update(
            id=next(self.ids),
            ticket_id=ticket["id"],
            user_id=self.agent_id,
            body=body["body"],
            body_text=strip_tags(body["body"]),
            private=private,
        )
        self.conversations[ticket["id"]].append(template)
        return httpx.Response(201, json=template)

    def _reply(self, request: httpx.Request, match: re.Match[str]) -> httpx.Response:
        return self._add(match, body_of(request), private=False)

    def _note(self, request: httpx.Request, match: re.Match[str]) -> httpx.Response:
        body = body_of(request)
        return self._add(match, body, private=body.get("private", True))

    def _update(self, request: httpx.Request, match: re.Match[str]) -> httpx.Response:
        ticket = self._ticket(match)
        if ticket is None:
            return self.not_found()
        changes = body_of(request)
        if "priority" in changes and changes["priority"] not in (1, 2, 3, 4):
            return httpx.Response(400, json=fixture("freshdesk", "error_400.json"))
        ticket.update(changes)
        return httpx.Response(200, json=ticket)


# -- Intercom -----------------------------------------------------------------------------


class FakeIntercom(FakeHelpdesk):
    """Intercom's REST API at ``https://api.intercom.io`` (2.11, plus Preview priority)."""

    vendor = "intercom"
    unauthorized_body = fixture("intercom", "error_401.json")
    not_found_body = fixture("intercom", "error_404.json")
    base_url = "https://api.intercom.io"
    levels = ("none", "low", "medium", "high", "urgent")

    def __init__(self, expected_auth: str) -> None:
        super().__init__(expected_auth)
        conversation = fixture("intercom", "conversation.json")
        conversation["priority"] = "none"
        self.conversations: dict[str, dict[str, Any]] = {conversation["id"]: conversation}
        self.tags: dict[str, dict[str, Any]] = {}
        self.versions: list[str | None] = []
        self.route("GET", r"/conversations/(\d+)", self._show)
        self.route("POST", r"/conversations/(\d+)/reply", self._reply)
        self.route("POST", r"/conversations/(\d+)/parts", self._manage)
        self.route("PUT", r"/conversations/(\d+)", self._update)
        self.route("POST", r"/tags", self._create_tag)
        self.route("POST", r"/conversations/(\d+)/tags", self._attach_tag)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.versions.append(request.headers.get("intercom-version"))
        return super().__call__(request)

    def _conversation(self, match: re.Match[str]) -> dict[str, Any] | None:
        return self.conversations.get(match.group(1))

    def _render(self, conversation: dict[str, Any], request: httpx.Request) -> httpx.Response:
        answer = copy.deepcopy(conversation)
        if request.headers.get("intercom-version") != "Preview":
            # the stable versions only say whether the conversation is prioritised
            flagged = answer["priority"] in ("high", "urgent")
            answer["priority"] = "priority" if flagged else "not_priority"
        return httpx.Response(200, json=answer)

    def _show(self, request: httpx.Request, match: re.Match[str]) -> httpx.Response:
        conversation = self._conversation(match)
        return self._render(conversation, request) if conversation else self.not_found()

    def _part(self, conversation: dict[str, Any], **fields: Any) -> None:
        listing = conversation["conversation_parts"]
        listing["conversation_parts"].append(
            {
                "type": "conversation_part",
                "id": str(next(self.ids)),
                "created_at": 1719500000,
                "attachments": [],
                "redacted": False,
                **fields,
            }
        )
        listing["total_count"] = len(listing["conversation_parts"])

    def _reply(self, request: httpx.Request, match: re.Match[str]) -> httpx.Response:
        conversation = self._conversation(match)
        if conversation is None:
            return self.not_found()
        body = body_of(request)
        self._part(
            conversation,
            part_type=body["message_type"],
            body=body["body"],
            author={"type": body["type"], "id": body["admin_id"]},
        )
        return self._render(conversation, request)

    def _manage(self, request: httpx.Request, match: re.Match[str]) -> httpx.Response:
        conversation = self._conversation(match)
        if conversation is None:
            return self.not_found()
        body = body_of(request)
        assert body["message_type"] == "assignment"
        key = "team_assignee_id" if body["type"] == "team" else "admin_assignee_id"
        conversation[key] = int(body["assignee_id"])
        self._part(
            conversation,
            part_type="assignment",
            body=body.get("body"),
            author={"type": "admin", "id": body["admin_id"]},
            assigned_to={"type": body["type"], "id": body["assignee_id"]},
        )
        return self._render(conversation, request)

    def _update(self, request: httpx.Request, match: re.Match[str]) -> httpx.Response:
        conversation = self._conversation(match)
        if conversation is None:
            return self.not_found()
        body = body_of(request)
        if "priority" in body:
            if (
                request.headers.get("intercom-version") != "Preview"
                or body["priority"] not in self.levels
            ):
                error = {
                    "code": "parameter_invalid",
                    "message": "Priority is not a valid parameter",
                }
                return httpx.Response(400, json={"type": "error.list", "errors": [error]})
            conversation["priority"] = body["priority"]
        return self._render(conversation, request)

    def _create_tag(self, request: httpx.Request, match: re.Match[str]) -> httpx.Response:
        name = body_of(request)["name"]
        for tag in self.tags.values():
            if tag["name"].casefold() == name.casefold():
                return httpx.Response(200, json=tag)
        tag = {"type": "tag", "id": str(next(self.ids)), "name": name}
        self.tags[tag["id"]] = tag
        return httpx.Response(200, json=tag)

    def _attach_tag(self, request: httpx.Request, match: re.Match[str]) -> httpx.Response:
        conversation = self._conversation(match)
        if conversation is None:
            return self.not_found()
        body = body_of(request)
        tag = self.tags.get(str(body["id"]))
        if tag is None:
            return self.not_found()
        attached = conversation["tags"]["tags"]
        if all(t["id"] != tag["id"] for t in attached):
            attached.append({"type": "tag", "id": tag["id"], "name": tag["name"]})
        answer = fixture("intercom", "tag.json")
        answer.update(
            id=tag["id"], name=tag["name"], applied_by={"type": "admin", "id": body["admin_id"]}
        )
        return httpx.Response(200, json=answer)


# -- Zammad -------------------------------------------------------------------------------


class FakeZammad(FakeHelpdesk):
    """Zammad's REST API v1 at ``https://support.example.com/api/v1``."""

    vendor = "zammad"
    unauthorized_body = fixture("zammad", "error_401.json")
    not_found_body = fixture("zammad", "error_404.json")
    base_url = "https://support.example.com"
    groups = ("Users", "Sales", "2nd Level")

    def __init__(self, expected_auth: str) -> None:
        super().__init__(expected_auth)
        ticket = fixture("zammad", "ticket.json")
        self.tickets: dict[int, dict[str, Any]] = {ticket["id"]: ticket}
        self.articles: dict[int, list[dict[str, Any]]] = {
            ticket["id"]: fixture("zammad", "articles.json")
        }
        self.tags: dict[int, list[str]] = {ticket["id"]: fixture("zammad", "tags.json")["tags"]}
        self.priorities = {p["name"]: p["id"] for p in fixture("zammad", "priorities.json")}
        prefix = "/api/v1"
        self.route("GET", rf"{prefix}/tickets/(\d+)", self._show)
        self.route("PUT", rf"{prefix}/tickets/(\d+)", self._update)
        self.route("GET", rf"{prefix}/ticket_articles/by_ticket/(\d+)", self._list_articles)
        self.route("POST", rf"{prefix}/ticket_articles", self._create_article)
        self.route("GET", rf"{prefix}/tags", self._list_tags)
        self.route("POST", rf"{prefix}/tags/add", self._add_tag)

    def _ticket(self, ticket_id: object) -> dict[str, Any] | None:
        return self.tickets.get(int(str(ticket_id))) if str(ticket_id).isdigit() else None

    def _show(self, request: httpx.Request, match: re.Match[str]) -> httpx.Response:
        ticket = self._ticket(match.group(1))
        return httpx.Response(200, json=ticket) if ticket else self.not_found()

    def _update(self, request: httpx.Request, match: re.Match[str]) -> httpx.Response:
        ticket = self._ticket(match.group(1))
        if ticket is None:
            return self.not_found()
        changes = body_of(request)
        if "priority" in changes and changes["priority"] not in self.priorities:
            error = f"No lookup value found for 'priority': {changes['priority']!r}"
            return httpx.Response(422, json={"error": error, "error_human": error})
        if "group" in changes and changes["group"] not in self.groups:
            error = f"No lookup value found for 'group': {changes['group']!r}"
            return httpx.Response(422, json={"error": error, "error_human": error})
        ticket.update(changes)
        if "priority" in changes:
            ticket["priority_id"] = self.priorities[changes["priority"]]
        return httpx.Response(200, json=ticket)

    def _list_articles(self, request: httpx.Request, match: re.Match[str]) -> httpx.Response:
        ticket = self._ticket(match.group(1))
        return httpx.Response(200, json=self.articles[ticket["id"]]) if ticket else self.not_found()

    def _create_article(self, request: httpx.Request, match: re.Match[str]) -> httpx.Response:
        body = body_of(request)
        ticket = self._ticket(body.get("ticket_id"))
        if ticket is None:
            return self.not_found()
        article = fixture("zammad", "article_created.json")
        article.update(
            id=next(self.ids),
            ticket_id=ticket["id"],
            subject=None,
            body=body["body"],
            content_type=body.get("content_type", "text/html"),
            type=body.get("type", "note"),
            internal=body.get("internal", False),
            sender=body.get("sender", "Agent"),
            to=body.get("to"),
            created_at="2026-01-01T00:00:00.000Z",
        )
        self.articles[ticket["id"]].append(article)
        return httpx.Response(201, json=article)

    def _list_tags(self, request: httpx.Request, match: re.Match[str]) -> httpx.Response:
        ticket = self._ticket(request.url.params.get("o_id"))
        if ticket is None or request.url.params.get("object") != "Ticket":
            return self.not_found()
        return httpx.Response(200, json={"tags": self.tags[ticket["id"]]})

    def _add_tag(self, request: httpx.Request, match: re.Match[str]) -> httpx.Response:
        body = body_of(request)
        ticket = self._ticket(body.get("o_id"))
        if ticket is None:
            return self.not_found()
        if body["item"] not in self.tags[ticket["id"]]:
            self.tags[ticket["id"]].append(body["item"])
        return httpx.Response(201, json=True)
