"""No import cycle between the modules of ``hybridroute``, checked statically.

Every ``import`` and ``from ... import`` naming a module of the package counts, at module
level, under ``if TYPE_CHECKING:`` and inside functions alike: a lazy import hides a cycle
from the interpreter, not from a reader. Relative imports are resolved against the
importing module's package.

``from pkg import name`` depends on ``pkg.name`` when that is a module, and otherwise on
the package itself, that is on its ``__init__.py`` and so on everything the ``__init__``
imports (its re-exports). A submodule is not taken to depend on its parent packages,
which Python imports first anyway: ``pkg/__init__.py`` importing ``pkg.a`` and ``pkg.b``,
with ``pkg.a`` importing ``pkg.b``, is no cycle; ``pkg.b`` importing ``pkg.a`` back is.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest

import hybridroute

Graph = dict[str, set[str]]


def _module_names(root: Path) -> dict[str, Path]:
    """Dotted name of every module under the package directory ``root``."""
    names: dict[str, Path] = {}
    for path in sorted(root.rglob("*.py")):
        parts = [root.name, *path.relative_to(root).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        names[".".join(parts)] = path
    return names


def _absolute(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    """The module a ``from ... import`` reads from, relative levels resolved."""
    if not node.level:
        return node.module or ""
    package = module.split(".")
    if not is_package:
        package.pop()
    package = package[: len(package) - (node.level - 1)]
    return ".".join([*package, node.module] if node.module else package)


def _resolve(name: str, modules: Mapping[str, Path]) -> str | None:
    """The deepest module of the package that ``name`` names, if any."""
    while name not in modules and "." in name:
        name = name.rpartition(".")[0]
    return name if name in modules else None


def import_graph(root: Path) -> Graph:
    """Which modules of the package in ``root`` each of its modules imports."""
    modules = _module_names(root)
    graph: Graph = {name: set() for name in modules}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                graph[name] |= _edges(node, name, path.name == "__init__.py", modules)
        graph[name].discard(name)
    return graph


def _edges(
    node: ast.Import | ast.ImportFrom, module: str, is_package: bool, modules: Mapping[str, Path]
) -> set[str]:
    """The package's modules one import statement runs."""
    if isinstance(node, ast.Import):
        wanted = [alias.name for alias in node.names]
    else:  # ``from m import sub`` runs m.sub; ``from m import name``, m (an __init__'s re-exports)
        base = _absolute(node, module, is_package)
        subs = (f"{base}.{alias.name}" for alias in node.names)
        wanted = [sub if sub in modules else base for sub in subs]
    return {hit for name in wanted if (hit := _resolve(name, modules)) is not None}


def find_cycles(graph: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """One cycle (as a path that returns to its start) per strongly connected component."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[set[str]] = []

    def visit(node: str) -> None:  # Tarjan's algorithm
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component: set[str] = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(component)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return [_cycle_in(component, graph) for component in components]


def _cycle_in(component: set[str], graph: Mapping[str, Iterable[str]]) -> list[str]:
    """A path inside ``component`` from its first member back to itself (breadth first)."""
    start = min(component)
    came_from: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following: list[str] = []
        for node in frontier:
            for nxt in sorted(graph[node]):
                if nxt == start:
                    chain = [node]
                    while chain[-1] != start:
                        chain.append(came_from[chain[-1]])
                    return [*reversed(chain), start]
                if nxt in component and nxt not in came_from:
                    came_from[nxt] = node
                    following.append(nxt)
        frontier = following
    raise AssertionError(f"no cycle through {start} in {sorted(component)}")


def _describe(cycles: list[list[str]]) -> str:
    return "\n".join(" -> ".join(cycle) for cycle in cycles)


def test_hybridroute_has_no_import_cycle() -> None:
    cycles = find_cycles(import_graph(Path(hybridroute.__file__).parent))
    assert not cycles, f"import cycles in hybridroute:\n{_describe(cycles)}"


# -- the check itself, on tiny synthetic packages -----------------------------------------


def _package(tmp_path: Path, files: Mapping[str, str]) -> Path:
    root = tmp_path / "pkg"
    for relative, source in {"__init__.py": "", **files}.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source, encoding="utf-8")
    return root


def test_a_cycle_through_an_import_inside_a_function_is_found(tmp_path: Path) -> None:
    root = _package(
        tmp_path,
        {
            "a.py": "from pkg.b import helper\n",
            "b.py": "def helper():\n    from . import a\n    return a\n",
        },
    )
    assert find_cycles(import_graph(root)) == [["pkg.a", "pkg.b", "pkg.a"]]


def test_a_cycle_through_a_package_reexport_is_found(tmp_path: Path) -> None:
    root = _package(
        tmp_path,
        {
            "sub/__init__.py": "from .impl import Thing\n",
            "sub/impl.py": "from ..user import use\nclass Thing: ...\n",
            "user.py": "from pkg.sub import Thing\ndef use(): ...\n",
        },
    )
    assert find_cycles(import_graph(root)) == [["pkg.sub", "pkg.sub.impl", "pkg.user", "pkg.sub"]]


def test_an_init_importing_siblings_that_import_each_other_one_way_is_no_cycle(
    tmp_path: Path,
) -> None:
    root = _package(
        tmp_path,
        {
            "__init__.py": "from pkg.a import A\nfrom pkg.b import B\nimport pkg.c\n",
            "a.py": "from pkg.b import B\nclass A(B): ...\n",
            "b.py": "import typing\nclass B: ...\n",
            "c.py": "from . import b\n",
        },
    )
    graph = import_graph(root)
    assert graph == {
        "pkg": {"pkg.a", "pkg.b", "pkg.c"},
        "pkg.a": {"pkg.b"},
        "pkg.b": set(),
        "pkg.c": {"pkg.b"},
    }
    assert find_cycles(graph) == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from . import b", {"pkg.sub.b"}),
        ("from .b import x", {"pkg.sub.b"}),
        ("from .. import top", {"pkg.top"}),
        ("from .. import name_in_init", {"pkg"}),
        ("from ..top import x", {"pkg.top"}),
        ("import pkg.sub.b as b", {"pkg.sub.b"}),
        ("import os, json", set()),
    ],
)
def test_relative_and_absolute_imports_are_resolved(
    tmp_path: Path, source: str, expected: set[str]
) -> None:
    root = _package(
        tmp_path,
        {"top.py": "", "sub/__init__.py": "", "sub/a.py": source + "\n", "sub/b.py": ""},
    )
    assert import_graph(root)["pkg.sub.a"] == expected
