"""The public surface: every package re-exports only, with a sorted, documented ``__all__``.

One test module for every ``__init__.py`` of hybridroute (httpx keeps the same check in
``tests/test_exported_members.py``); ``hr.__all__`` also holds every public error.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from pathlib import Path
from types import ModuleType

import pytest

import hybridroute as hr
import hybridroute.exceptions

_SRC = Path(hr.__file__).parent
# Packages whose import pulls an optional extra (they say which when it is missing).
_NEEDS_EXTRA: dict[str, str] = {}


def _packages() -> list[str]:
    names = ["hybridroute"]
    for info in pkgutil.walk_packages([str(_SRC)], prefix="hybridroute."):
        if info.ispkg and info.name not in _NEEDS_EXTRA:
            names.append(info.name)
    return sorted(names)


PACKAGES = _packages()


def _isort_order(names: list[str]) -> list[str]:
    """Constants first, then classes, then the rest (ruff's RUF022 "isort-style")."""
    return sorted(names, key=lambda n: (0 if n.isupper() else 1 if n[:1].isupper() else 2, n))


def _module(name: str) -> ModuleType:
    return importlib.import_module(name)


def test_every_package_is_found() -> None:
    assert {"hybridroute", "hybridroute.policy", "hybridroute.testing"} <= set(PACKAGES)


@pytest.mark.parametrize("package", PACKAGES)
def test_init_only_reexports(package: str) -> None:
    module = _module(package)
    tree = ast.parse(inspect.getsource(module))
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            continue
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue  # the module docstring
        if (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and node.targets[0].id == "__all__"
        ):
            continue
        raise AssertionError(f"{package}/__init__.py line {node.lineno} does more than re-export")


@pytest.mark.parametrize("package", PACKAGES)
def test_all_is_sorted_unique_and_every_name_exists_and_is_documented(package: str) -> None:
    module = _module(package)
    exported = list(getattr(module, "__all__", []))
    assert exported == _isort_order(list(set(exported))), f"{package}.__all__ is not sorted"
    undocumented = []
    for name in exported:
        member = getattr(module, name)  # AttributeError if a name is missing
        if name.startswith("__") or not (inspect.isclass(member) or inspect.isfunction(member)):
            continue
        if not (member.__doc__ or "").strip():
            undocumented.append(name)
    assert undocumented == [], f"{package} exports undocumented names"


def test_every_error_is_exported_from_the_top_level() -> None:
    missing = set(hybridroute.exceptions.__all__) - set(hr.__all__)
    assert missing == set(), f"errors in exceptions.__all__ but not in hr.__all__: {missing}"


def test_every_error_is_in_the_tree_and_in_its_docstring() -> None:
    doc = hybridroute.exceptions.__doc__ or ""
    for name in hybridroute.exceptions.__all__:
        error = getattr(hybridroute.exceptions, name)
        assert issubclass(error, hr.HybridRouteError), name
        assert name in doc, f"{name} is missing from the tree in exceptions.py's docstring"


def test_helpdesk_contract_names_cited_in_docstrings_are_exported() -> None:
    for name in ("HelpdeskAdapter", "ActionReceipt"):
        assert name in hr.__all__
        assert getattr(hr, name) is getattr(importlib.import_module("hybridroute.adapters"), name)
