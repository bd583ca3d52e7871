"""Golden files: a table of tickets and the decisions expected for them.

When a policy or a model changes, :func:`check_golden` routes every ticket of the
table again and reports *every* decision that changed, in one failure, so a
reviewer sees the whole effect of the change at once. Accepting the change is one
command: rerun with ``HYBRIDROUTE_UPDATE_GOLDEN=1`` and review the file's diff.

Two formats, chosen by the file's suffix:

YAML (``.yaml``/``.yml``; needs PyYAML) -- a list of cases, each with the ticket as
:class:`~hybridroute.Ticket` fields and the expected decision::

    - ticket: {id: T-1, body: "I still haven't received my card"}
      expected: {action: auto_reply, queue: null, priority: null, rule: confident}
    - ticket:
        id: T-2
        messages: [{text: "Hi"}, {text: "Someone used my card", role: customer}]
      expected: {action: handoff, queue: risk, rule: fraud}

CSV (``.csv``) -- one row per ticket; the columns ``action``, ``queue``,
``priority`` and ``rule`` hold the expected decision (an empty cell means none, as
for the queue of an automated reply) and every other column is a ticket field,
dotted for nested ones (``customer.tier``, ``metadata.order_id``)::

    id,body,customer.tier,action,queue,rule
    T-1,I still haven't received my card,,auto_reply,,confident
    T-2,Someone used my card,vip,handoff,risk,fraud

Only the expected fields a case lists are compared, so a table can check just the
action. An update keeps each case's fields (all four for a case with none yet).
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hybridroute.exceptions import UsageError
from hybridroute.models import Decision, Ticket
from hybridroute.router import Router

__all__ = ["GOLDEN_FIELDS", "UPDATE_ENV", "GoldenChange", "check_golden"]

GOLDEN_FIELDS = ("action", "queue", "priority", "rule")
"""The parts of a decision a golden file records."""

UPDATE_ENV = "HYBRIDROUTE_UPDATE_GOLDEN"
"""Set this environment variable to 1 to rewrite golden files instead of checking them."""

_YAML_HEADER = (
    "# Golden decisions checked by hybridroute.testing.check_golden.\n"
    f"# To accept changed decisions: rerun the tests with {UPDATE_ENV}=1, then review the diff.\n"
)


@dataclass(frozen=True)
class GoldenChange:
    """One field of one golden decision that differs from what the router now decides.

    Parameters
    ----------
    ticket_id : str
        The ticket.
    field : str
        ``"action"``, ``"queue"``, ``"priority"`` or ``"rule"``; ``"(all)"`` for a
        case with no expected decision yet.
    expected, actual : str or None
        The recorded value and the new one.
    """

    ticket_id: str
    field: str
    expected: str | None
    actual: str | None


@dataclass
class _Case:
    ticket_data: dict[str, Any]
    expected: dict[str, str | None]


def _decided(decision: Decision) -> dict[str, str | None]:
    package = decision.handoff
    return {
        "action": decision.action.value,
        "queue": package.queue if package else None,
        "priority": package.priority.value if package else None,
        "rule": decision.rule,
    }


def _expected_fields(raw: Any, where: str) -> dict[str, str | None]:
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise UsageError(f"{where}: 'expected' must be a mapping of {list(GOLDEN_FIELDS)}")
    unknown = sorted(set(raw) - set(GOLDEN_FIELDS))
    if unknown:
        raise UsageError(f"{where}: unknown expected field(s) {unknown}; use {list(GOLDEN_FIELDS)}")
    return {k: None if v is None or v == "" else str(v) for k, v in raw.items()}


# -- YAML ----------------------------------------------------------------------------


def _yaml() -> Any:
    try:
        import yaml
    except ImportError as exc:  # pragma: no cover - pyyaml is in the test extra
        raise UsageError(
            "YAML golden files need PyYAML: pip install pyyaml (or use a .csv file)"
        ) from exc
    return yaml


def _read_yaml(path: Path) -> list[_Case]:
    data = _yaml().safe_load(path.read_text(encoding="utf-8")) or []
    if not isinstance(data, list):
        raise UsageError(f"{path}: a YAML golden file is a list of {{ticket: ..., expected: ...}}")
    cases = []
    for i, entry in enumerate(data, start=1):
        where = f"{path}, case {i}"
        if not isinstance(entry, Mapping) or not isinstance(entry.get("ticket"), Mapping):
            raise UsageError(f"{where}: each case needs a 'ticket' mapping of ticket fields")
        extra = sorted(set(entry) - {"ticket", "expected"})
        if extra:
            raise UsageError(f"{where}: unknown key(s) {extra}; use 'ticket' and 'expected'")
        cases.append(_Case(dict(entry["ticket"]), _expected_fields(entry.get("expected"), where)))
    return cases


def _write_yaml(path: Path, cases: Sequence[_Case]) -> None:
    data = [{"ticket": c.ticket_data, "expected": c.expected} for c in cases]
    text = _yaml().safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    path.write_text(_YAML_HEADER + text, encoding="utf-8")


# -- CSV -----------------------------------------------------------------------------


def _nested(row: Mapping[str, str]) -> dict[str, Any]:
    """Ticket fields from CSV cells: dotted names nest, empty cells are left out."""
    fields: dict[str, Any] = {}
    for column, value in row.items():
        if column in GOLDEN_FIELDS or value is None or value == "":
            continue
        *parents, leaf = column.split(".")
        target = fields
        for part in parents:
            target = target.setdefault(part, {})
        target[leaf] = value
    return fields


def _read_csv(path: Path) -> tuple[list[_Case], list[str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        columns = list(reader.fieldnames or [])
        rows = list(reader)
    if "id" not in columns:
        raise UsageError(f"{path}: a CSV golden file needs an 'id' column (and 'body')")
    checked = [c for c in GOLDEN_FIELDS if c in columns]
    cases = [
        _Case(
            _nested(row),
            _expected_fields({c: row[c] for c in checked}, f"{path}, row {i}"),
        )
        for i, row in enumerate(rows, start=2)
    ]
    for case in cases:
        if not checked or all(v is None for v in case.expected.values()):
            case.expected = {}
    return cases, columns


def _flat(data: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, Mapping):
            flat.update(_flat(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def _write_csv(path: Path, cases: Sequence[_Case], columns: Sequence[str]) -> None:
    header = [*columns, *(f for f in GOLDEN_FIELDS if f not in columns)]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    for case in cases:
        row = _flat(case.ticket_data)
        row.update({k: "" if v is None else v for k, v in case.expected.items()})
        writer.writerow({c: row.get(c, "") for c in header})
    path.write_text(buffer.getvalue(), encoding="utf-8")


# -- checking ------------------------------------------------------------------------


def _changes(case: _Case, ticket: Ticket, actual: dict[str, str | None]) -> list[GoldenChange]:
    if not case.expected:
        return [GoldenChange(ticket.id, "(all)", None, actual["action"])]
    return [
        GoldenChange(ticket.id, field, want, actual[field])
        for field, want in case.expected.items()
        if want != actual[field]
    ]


def _describe(changes: Sequence[GoldenChange], tickets: Mapping[str, Ticket], total: int) -> str:
    changed_ids = list(dict.fromkeys(c.ticket_id for c in changes))
    lines = [f"{len(changed_ids)} of {total} golden decisions changed:"]
    for ticket_id in changed_ids:
        text = " ".join(tickets[ticket_id].text.split())
        lines.append(f"  {ticket_id} {text[:60] + '...' if len(text) > 60 else text!r}")
        for change in (c for c in changes if c.ticket_id == ticket_id):
            if change.field == "(all)":
                lines.append(f"      no expected decision recorded (now {change.actual!r})")
            else:
                lines.append(
                    f"      {change.field}: expected {change.expected!r}, got {change.actual!r}"
                )
    return "\n".join(lines)


def _update_requested(update: bool) -> bool:
    return update or os.environ.get(UPDATE_ENV, "").strip().lower() in {"1", "true", "yes"}


def check_golden(
    router: Router, path: str | os.PathLike[str], *, update: bool = False
) -> list[GoldenChange]:
    """Route every ticket of a golden file and compare with the recorded decisions.

    Parameters
    ----------
    router : Router
        The router under test.
    path : path
        A ``.yaml``/``.yml`` or ``.csv`` golden file (see the module docstring).
    update : bool
        Rewrite the file with the router's current decisions instead of failing.
        Setting the environment variable ``HYBRIDROUTE_UPDATE_GOLDEN=1`` does the same.

    Returns
    -------
    list of GoldenChange
        What differed (empty when nothing changed); with ``update``, what was rewritten.

    Raises
    ------
    AssertionError
        If any decision changed (and no update was asked for); the message lists
        every changed decision, field by field.
    UsageError
        If the file is missing or malformed, or two cases share a ticket id.
    """
    file = Path(path)
    suffix = file.suffix.lower()
    if suffix not in {".yaml", ".yml", ".csv"}:
        raise UsageError(f"{file}: golden files are .yaml, .yml or .csv")
    if not file.exists():
        raise UsageError(f"golden file {file} does not exist; create it with the tickets to check")
    columns: list[str] = []
    if suffix == ".csv":
        cases, columns = _read_csv(file)
    else:
        cases = _read_yaml(file)
    tickets = [Ticket.model_validate(c.ticket_data) for c in cases]
    ids = [t.id for t in tickets]
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise UsageError(f"{file}: ticket ids must be unique; repeated: {repeated}")
    decisions = router.route_batch(tickets)
    changes: list[GoldenChange] = []
    for case, ticket, decision in zip(cases, tickets, decisions, strict=True):
        changes.extend(_changes(case, ticket, _decided(decision)))
    if not changes:
        return []
    if _update_requested(update):
        for case, decision in zip(cases, decisions, strict=True):
            actual = _decided(decision)
            keep = case.expected or dict.fromkeys(GOLDEN_FIELDS)
            case.expected = {k: actual[k] for k in GOLDEN_FIELDS if k in keep}
        if suffix == ".csv":
            _write_csv(file, cases, columns)
        else:
            _write_yaml(file, cases)
        return changes
    report = _describe(changes, {t.id: t for t in tickets}, len(tickets))
    raise AssertionError(
        f"{report}\n({file})\nIf the new decisions are intended, rerun with {UPDATE_ENV}=1 "
        "(or check_golden(..., update=True)) to rewrite the file, and review its diff."
    )
