"""The tree shows the architecture: no import cycles between the application's modules.

Only module-level imports count (an import inside a function does not run at import
time, but a cycle hidden that way is still a cycle: both are checked, separately).
"""
from __future__ import annotations

import ast
from pathlib import Path

APP = Path(__file__).resolve().parents[2] / "app"


def _module_name(path: Path) -> str:
    rel = path.relative_to(APP.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _resolve(module: str, is_package: bool, node: ast.ImportFrom) -> list[str]:
    if node.level == 0:
        base = node.module or ""
        if not base.startswith("app"):
            return []
    else:
        parts = module.split(".")
        if not is_package:
            parts = parts[:-1]
        parts = parts[: len(parts) - (node.level - 1)]
        base = ".".join(parts + ([node.module] if node.module else []))
    # "from .x import y" may import the submodule x.y or a name from x
    return [base] + [f"{base}.{a.name}" for a in node.names]


def _graph(include_function_imports: bool) -> dict[str, set[str]]:
    modules = {}
    for path in APP.rglob("*.py"):
        modules[_module_name(path)] = path
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        nodes = ast.walk(tree) if include_function_imports else tree.body
        for node in nodes:
            targets = []
            if isinstance(node, ast.ImportFrom):
                targets = _resolve(name, path.name == "__init__.py", node)
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names if a.name.startswith("app")]
            for t in targets:
                if t in modules and t != name:
                    graph[name].add(t)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on_stack, result = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                result.append(sorted(component))

    for v in graph:
        if v not in index:
            visit(v)
    return result


def _ignore_package_inits(graph):
    # A package's __init__ importing its own submodules (re-exports) is not a cycle of design.
    return {m: {t for t in targets if not (m.startswith(t + ".") or t.startswith(m + "."))}
            for m, targets in graph.items()}


def test_no_module_level_import_cycles():
    cycles = _cycles(_ignore_package_inits(_graph(include_function_imports=False)))
    assert not cycles, f"import cycles: {cycles}"


def test_no_import_cycles_hidden_inside_functions():
    cycles = _cycles(_ignore_package_inits(_graph(include_function_imports=True)))
    assert not cycles, f"import cycles (counting imports inside functions): {cycles}"
