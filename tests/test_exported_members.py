"""Every name ``hybridroute`` exports exists, is documented, and __all__ is sorted."""

from __future__ import annotations

import ast
import inspect

import hybridroute as hr


def test_all_is_sorted_and_unique() -> None:
    assert list(hr.__all__) == sorted(set(hr.__all__))


def test_every_exported_member_exists_and_is_documented() -> None:
    undocumented = []
    for name in hr.__all__:
        member = getattr(hr, name)  # raises AttributeError if missing
        if name.startswith("__") or not (inspect.isclass(member) or inspect.isfunction(member)):
            continue
        if not (member.__doc__ or "").strip():
            undocumented.append(name)
    assert undocumented == []


def test_init_only_reexports() -> None:
    tree = ast.parse(inspect.getsource(hr))
    allowed = (ast.Import, ast.ImportFrom)
    for node in tree.body:
        if isinstance(node, allowed):
            continue
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue  # the module docstring
        if isinstance(node, ast.Assign) and [t.id for t in node.targets] == ["__all__"]:  # type: ignore[attr-defined]
            continue
        raise AssertionError(f"__init__.py should only re-export; line {node.lineno} does more")
