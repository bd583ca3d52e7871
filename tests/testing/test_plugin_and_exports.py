"""The pytest plugin is registered, its fixtures need no import, every check is public.

The tidiness of ``hybridroute.testing.__all__`` is checked with every other package's in
``tests/test_exported_members.py``.
"""

from __future__ import annotations

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


def test_every_check_is_a_documented_public_function() -> None:
    from hybridroute.testing import checks

    for check in checks.CLASSIFIER_CHECKS:
        assert check.__name__ in checks.__all__
        assert getattr(checks, check.__name__) is check
        assert (check.__doc__ or "").strip()
