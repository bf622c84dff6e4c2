"""The layout shows the design: imports point down, no module grows past a page or so.

Why a test: import circles and 1,000-line modules come back one convenient
edit at a time; this fails on the edit that brings them back.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("mtdetect", "training")
MAX_LINES = 400
# Modules still over MAX_LINES, each with the reason; shrink this list, never grow it.
OVERSIZED: dict[str, str] = {}
# Circles known when this test was written, in branches not yet merged with it; shrink
# this list, never grow it. Each is the set of modules on the circle.
KNOWN_CIRCLES: dict[frozenset[str], str] = {}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {
        _module_name(path): path
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
    }


def _import_nodes(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    """Every import statement, lazy ones included; ``if TYPE_CHECKING:`` blocks skipped."""
    found: list[ast.Import | ast.ImportFrom] = []
    todo: list[ast.AST] = [tree]
    while todo:
        node = todo.pop()
        if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING":
            todo.extend(node.orelse)
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            found.append(node)
        todo.extend(ast.iter_child_nodes(node))
    return found


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    """Project modules that ``name`` imports anywhere in its body (lazy imports too)."""
    out: set[str] = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in _import_nodes(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        else:
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                anchor = parts[: len(parts) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            # ``from pkg import module`` reads the module, not the package's __init__
            targets = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base
                for alias in node.names
            ]
        out.update(t for t in targets if t in known and t != name)
    return out


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    return {name: _imports(name, path, known) for name, path in modules.items()}


def test_no_import_circles() -> None:
    """A lower module never imports a higher one, not even inside a function."""
    graph = _graph()
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for child in sorted(graph[node]):
            if state.get(child) == 1:
                cycle = [*stack[stack.index(child) :], child]
                if frozenset(cycle) not in KNOWN_CIRCLES:
                    cycles.append(cycle)
            elif child not in state:
                visit(child, [*stack, child])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert not cycles, "import circles: " + "; ".join(" -> ".join(c) for c in cycles)


def test_the_library_never_imports_training() -> None:
    graph = _graph()
    wrong = {
        name: sorted(t for t in targets if t.startswith("training"))
        for name, targets in graph.items()
        if name.startswith("mtdetect")
    }
    assert not {k: v for k, v in wrong.items() if v}


@pytest.mark.parametrize("package", PACKAGES)
def test_no_module_over_a_page_or_so(package: str) -> None:
    too_long = {
        str(path.relative_to(ROOT)): n
        for pattern in ("*.py", "*.pyx", "*.pxd")  # the compiled modules are modules too
        for path in sorted((ROOT / package).rglob(pattern))
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
        and str(path.relative_to(ROOT)) not in OVERSIZED
    }
    assert not too_long, f"modules over {MAX_LINES} lines: {too_long}"
