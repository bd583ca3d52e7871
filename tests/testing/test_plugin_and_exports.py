"""The pytest plugin is registered and its fixtures need no import; the public API is tidy."""

from __future__ import annotations

import ast
import inspect
from importlib.metadata import entry_points

import hybridroute as hr
import hybridroute.testing as kit


def test_plugin_is_registered_as_a_pytest_entry_point() -> None:
    plugins = {ep.name: ep.value for ep in entry_points(group="pytest11")}
    assert plugins.get("hybridroute") == "hybridroute.testing.plugin"


def test_fixtures_are_available_without_imports(
    ticket_factory: kit.TicketFactory,
    memory_helpdesk: kit.MemoryHelpdesk,
    captured_decisions: list[hr.Decision],
) -> None:
    ticket = ticket_factory.build()
    memory_helpdesk.add_ticket(ticket)
    router = hr.Router([], hr.Policy([], default=hr.handoff("general")))
    decision = router.route(memory_helpdesk.fetch_ticket(ticket.id))
    assert captured_decisions == [decision]
    assert ticket.id == "T-1"  # a fresh factory per test


def test_fixtures_are_fresh_for_each_test(
    ticket_factory: kit.TicketFactory, memory_helpdesk: kit.MemoryHelpdesk
) -> None:
    assert ticket_factory.build().id == "T-1"
    assert memory_helpdesk.ticket_ids == ()


def test_all_is_sorted_and_every_name_exists_and_is_documented() -> None:
    assert list(kit.__all__) == sorted(set(kit.__all__))
    for name in kit.__all__:
        member = getattr(kit, name)
        if inspect.isclass(member) or inspect.isfunction(member):
            assert (member.__doc__ or "").strip(), f"{name} has no docstring"


def test_init_only_reexports() -> None:
    tree = ast.parse(inspect.getsource(kit))
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            continue
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue
        if isinstance(node, ast.Assign) and [t.id for t in node.targets] == ["__all__"]:  # type: ignore[attr-defined]
            continue
        raise AssertionError(f"__init__.py should only re-export; line {node.lineno} does more")


def test_every_check_is_a_documented_public_function() -> None:
    from hybridroute.testing import checks

    for check in checks.CLASSIFIER_CHECKS:
        assert check.__name__ in checks.__all__
        assert getattr(checks, check.__name__) is check
        assert (check.__doc__ or "").strip()
