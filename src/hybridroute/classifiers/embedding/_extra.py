"""The optional ``embeddings`` extra: telling the user how to install what is missing."""

from __future__ import annotations

import importlib.util

from hybridroute.exceptions import UsageError

__all__ = ["INSTALL_HINT", "require"]

INSTALL_HINT = "install the extra with: pip install 'hybridroute[embeddings]'"


def require(module: str, purpose: str) -> None:
    """Raise a UsageError naming the extra if ``module`` cannot be imported."""
    try:
        found = importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        found = False
    if not found:
        raise UsageError(
            f"{purpose} needs the package {module!r}, which is not installed; {INSTALL_HINT}"
        )
