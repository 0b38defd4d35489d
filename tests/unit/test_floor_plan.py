"""The floor plan ARCHITECTURE.md draws holds in the code: each part of ``portal/`` stands
only on the parts below it, strategies and states are defined once, and views leave the
transaction to the request.

Read from the source with ``ast``, so an import inside a function, or under
``TYPE_CHECKING``, counts like any other.
"""

from __future__ import annotations

import ast
from collections import Counter
from functools import cache
from pathlib import Path

PORTAL = Path(__file__).resolve().parents[2] / "portal"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PORTAL.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _part(module: str) -> str | None:
    """The part of the portal a module belongs to: ``portal.voting.views`` -> ``voting``."""
    names = module.split(".")
    return names[1] if names[0] == "portal" and len(names) > 1 else None


@cache
def _sources() -> dict[Path, ast.Module]:
    return {path: ast.parse(path.read_text(encoding="utf-8"))
            for path in sorted(PORTAL.rglob("*.py"))}


def _imported(path: Path, tree: ast.Module) -> set[str]:
    """Every module ``path`` imports, with ``from x import y`` counted as x and x.y."""
    package = _module_name(path)
    if path.name != "__init__.py":
        package = package.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def part_graph() -> dict[str, dict[str, set[str]]]:
    """part -> {part it imports: the files that do}, for every part under ``portal/``."""
    parts = {p.stem for p in PORTAL.iterdir()
             if (p.is_dir() and (p / "__init__.py").exists()) or p.suffix == ".py"} - {"__init__"}
    graph: dict[str, dict[str, set[str]]] = {part: {} for part in parts}
    for path, tree in _sources().items():
        source = _part(_module_name(path))
        if source is None:
            continue  # portal/__init__.py wires every part together
        for module in _imported(path, tree):
            target = _part(module)
            if target in parts and target != source:
                graph[source].setdefault(target, set()).add(str(path.relative_to(PORTAL.parent)))
    return graph


def cycles_of(graph: dict[str, dict[str, set[str]]]) -> list[list[str]]:
    """The strongly connected groups of more than one part (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_part_of_the_portal_imports_one_that_imports_it_back():
    graph = part_graph()
    circles = cycles_of(graph)
    assert not circles, "\n".join(
        f"{' <-> '.join(group)}: " + "; ".join(
            f"{a} -> {b} in {sorted(graph[a][b])}"
            for a in group for b in group if b in graph[a])
        for group in circles)


def test_the_cycle_finder_finds_a_circle_and_nothing_else():
    assert cycles_of({"a": {"b": set()}, "b": {"c": set()}, "c": {"a": set()}, "d": {}}) == [
        ["a", "b", "c"]]
    assert cycles_of({"a": {"b": set()}, "b": {}, "c": {"a": set(), "b": set()}}) == []


def _enums() -> list[tuple[str, Path]]:
    enums = []
    for path, tree in _sources().items():
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and any(
                    getattr(base, "id", getattr(base, "attr", "")).endswith("Enum")
                    for base in node.bases):
                enums.append((node.name, path))
    return enums


def test_no_two_enums_share_a_name():
    enums = _enums()
    assert len(enums) > 40  # the reader found them
    twice = {name: sorted(str(path.relative_to(PORTAL.parent)) for n, path in enums if n == name)
             for name, count in Counter(name for name, _path in enums).items() if count > 1}
    assert not twice, twice


def test_views_leave_commit_and_rollback_to_the_request():
    """Every module with routes is a view module; the request commits for it (portal.db)."""
    views = [path for path in _sources() if ".route(" in path.read_text(encoding="utf-8")]
    assert len(views) > 15  # the reader found them
    found = [f"{path.relative_to(PORTAL.parent)}: {call}" for path in views
             for call in (".commit()", ".rollback()") if call in path.read_text(encoding="utf-8")]
    assert not found, found
