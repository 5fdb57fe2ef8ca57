"""The package's shape (issue 18, item 5): imports at the top of each module, and no import
cycle between features.

An import inside a function hides a cycle until the function runs; the only ones allowed are
the app factory's (`create_app` imports the features it registers, as Flask's pattern does) and
those under `if TYPE_CHECKING:` (annotations only, never run).

The feature graph has an arrow from feature A to feature B when a module of A imports one of
B at the top (a feature is a package under perisai/). The ORM models are the data layer below
every feature: mapped relationships join the features' tables by design, so an import of a
`models` module draws no arrow. Modules directly under perisai/ (the clock, zones, money,
errors, db, api, …) are shared pieces below the features and draw none either.

Within a feature, the modules import each other one way too (`module_graph`): a cycle there works
only while the import order happens to suit it (an import at the bottom of a module).
"""

from __future__ import annotations

import ast
import itertools
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "perisai"


def _modules() -> dict[str, ast.Module]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return found


def _imported(node: ast.Import | ast.ImportFrom, module: str) -> list[str]:
    """The perisai modules (or names in them) an import statement names, absolute."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names if alias.name.split(".")[0] == "perisai"]
    if node.level:  # relative: from the module's own package
        base = module.split(".")[: -node.level]
        target = ".".join([*base, node.module] if node.module else base)
    else:
        target = node.module or ""
    if target.split(".")[0] != "perisai":
        return []
    return [target, *(f"{target}.{alias.name}" for alias in node.names)]


def _is_type_checking(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def _nested_imports(tree: ast.Module):
    """(function name, import) for every import inside a function or class body."""

    def visit(node, owner):
        for child in ast.iter_child_nodes(node):
            if _is_type_checking(child):
                continue
            if isinstance(child, ast.Import | ast.ImportFrom) and owner is not None:
                yield owner, child
            inner = child.name if isinstance(child, ast.FunctionDef | ast.ClassDef) else owner
            yield from visit(child, inner)

    yield from visit(tree, None)


def _feature(name: str) -> str | None:
    """The feature (a package under perisai/) a module belongs to; None for shared modules."""
    parts = name.split(".")
    return parts[1] if len(parts) > 1 and (PACKAGE / parts[1]).is_dir() else None


def _module_of(target: str, modules: dict) -> str | None:
    """The module an imported name lives in (`perisai.a.b.name` → `perisai.a.b`)."""
    while target and target not in modules:
        target = target.rpartition(".")[0]
    return target or None


def test_perisai_imports_are_at_the_top_of_each_module():
    misplaced = []
    for name, tree in _modules().items():
        for owner, node in _nested_imports(tree):
            if not _imported(node, name):
                continue
            if name == "perisai" and owner == "create_app":
                continue  # the app factory registers the features
            misplaced.append(f"{name}.{owner}: {ast.unparse(node)}")
    assert misplaced == []


def feature_graph() -> dict[str, dict[str, set[str]]]:
    """feature → {imported feature: {"module -> module", …}} from top-level imports."""
    modules = _modules()
    graph: dict[str, dict[str, set[str]]] = {}
    for name, tree in modules.items():
        source = _feature(name)
        if source is None:
            continue
        for node in tree.body:
            if not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            for target in _imported(node, name):
                module = _module_of(target, modules)
                if module is None or module.rsplit(".", 1)[-1] == "models":
                    continue
                feature = _feature(module)
                if feature is not None and feature != source:
                    graph.setdefault(source, {}).setdefault(feature, set()).add(
                        f"{name} -> {module}"
                    )
    return graph


def _cycle(graph: dict[str, dict]) -> list[str] | None:
    """One cycle of the graph as [a, b, …, a], or None."""
    state: dict[str, str] = {}
    path: list[str] = []

    def visit(node):
        state[node] = "open"
        path.append(node)
        for nxt in sorted(graph.get(node, {})):
            if state.get(nxt) == "open":
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        state[node] = "done"
        path.pop()
        return None

    for start in sorted(graph):
        if start not in state and (found := visit(start)):
            return found
    return None


def test_features_import_each_other_one_way():
    graph = feature_graph()
    cycle = _cycle(graph)
    why = []
    if cycle:
        for a, b in itertools.pairwise(cycle):
            why += sorted(graph[a][b])
    assert cycle is None, "\n".join(why)


def module_graph() -> dict[str, dict[str, set[str]]]:
    """module → {module of the same feature it imports at the top: {the import statement}}."""
    modules = _modules()
    graph: dict[str, dict[str, set[str]]] = {}
    for name, tree in modules.items():
        source = _feature(name)
        for node in tree.body:
            if source is None or not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            for target in _imported(node, name):
                module = _module_of(target, modules)
                if module not in (None, name) and _feature(module) == source:
                    graph.setdefault(name, {}).setdefault(module, set()).add(ast.unparse(node))
    return graph


def test_modules_of_a_feature_import_each_other_one_way():
    graph = module_graph()
    cycle = _cycle(graph)
    why = []
    if cycle:
        for a, b in itertools.pairwise(cycle):
            why += [f"{a}: {statement}" for statement in sorted(graph[a][b])]
    assert cycle is None, "\n".join(why)


def test_the_cycle_check_can_fail():
    graph = {"a": {"b": {"a.x -> b.y"}}, "b": {"c": {"b.y -> c.z"}}, "c": {"a": {"c.z -> a.x"}}}
    assert _cycle(graph) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b": set()}, "b": {}}) is None
