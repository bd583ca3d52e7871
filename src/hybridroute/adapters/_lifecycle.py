"""The methods every HTTP adapter has, written once: its repr, ``close`` and ``with``.

They are plain functions an adapter class takes as its methods (``close = close_api``),
so no adapter subclasses anything; each only needs its :class:`JsonApi` as ``_api``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, TypeVar

from hybridroute.adapters.http import JsonApi

AdapterT = TypeVar("AdapterT")


class _HasApi(Protocol):
    _api: JsonApi


def close_api(self: _HasApi) -> None:
    """Close the adapter's HTTP client and its transport."""
    self._api.close()


def enter(self: AdapterT) -> AdapterT:
    """The adapter itself, closed when the ``with`` block ends."""
    return self


def exit_closing(self: _HasApi, *exc_info: object) -> None:
    """Close the adapter at the end of a ``with`` block."""
    self._api.close()


def shown_as(*attributes: str) -> Callable[[object], str]:
    """A ``__repr__`` showing ``attributes`` (never a secret: those are not attributes)."""

    def show(self: object) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in attributes)
        return f"{type(self).__name__}({shown})"

    return show
