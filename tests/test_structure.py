"""The architecture, tested: `archive` (files → reports), `index` (reports → hits), `cli` (hits →
terminal). No import cycle (function-level imports counted), no forbidden import in a package, and
each technology in its one room (SQL in index/store.py, Whoosh in index/wordindex.py)."""

import ast
import subprocess
import sys

import pytest

from tests.conftest import ROOT

PACKAGES = ("archive", "index", "cli")
# What a package must never load, even through a function-level import (checked by importing each
# of its modules in a fresh process).
FORBIDDEN = {
    "archive": ("index", "cli", "whoosh", "click", "rich", "rjieba", "numpy", "textual"),
    "index": ("cli", "click", "rich", "textual"),
}
# Each technology in one room: the modules that may use it.
ROOMS = {
    "whoosh": {"index/local/wordindex.py"},
    "sqlite3 statements": {"index/local/store.py"},
    "Solr (HTTP, its query syntax)": {"index/solr/client.py"},
}


def modules() -> dict[str, ast.Module]:
    """Module name → its syntax tree, for every module of the three packages."""
    out = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            rel = path.relative_to(ROOT).with_suffix("")
            parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
            out[".".join(parts)] = ast.parse(path.read_text(encoding="utf-8"), str(path))
    return out


def imports_of(name: str, tree: ast.Module, known: set[str]) -> set[str]:
    """The modules of ours that `name` imports anywhere in its body (functions and TYPE_CHECKING
    blocks included): `from . import x` names the submodule x when there is one."""
    is_package = (ROOT / name.replace(".", "/") / "__init__.py").exists()
    here = name.split(".") if is_package else name.split(".")[:-1]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = here[:len(here) - node.level + 1] if node.level else []
            module = ".".join(base + (node.module.split(".") if node.module else []))
            targets = [f"{module}.{a.name}" if f"{module}.{a.name}" in known else module for a in node.names]
        else:
            continue
        for t in targets:
            while t and t not in known:  # `import index.store` counts as index.store; a name in a module as the module
                t = t.rpartition(".")[0]
            if t and t != name:
                found.add(t)
    return found


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Each strongly connected component of more than one module (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            part = []
            while True:
                w = stack.pop()
                on.discard(w)
                part.append(w)
                if w == v:
                    break
            if len(part) > 1:
                out.append(sorted(part))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def import_graph() -> dict[str, set[str]]:
    trees = modules()
    known = set(trees)
    return {name: imports_of(name, tree, known) for name, tree in trees.items()}


def test_no_import_cycle():
    graph = import_graph()
    assert len(graph) > 40 and graph["index.engine.searching"] >= {"index.local.store", "index.local.home"}  # the graph is real
    assert cycles(graph) == []


def test_the_cycle_finder_finds_a_planted_cycle():
    graph = import_graph()
    graph["index.local.store"] = graph["index.local.store"] | {"index.engine.searching"}  # store → searching → store
    assert any({"index.local.store", "index.engine.searching"} <= set(c) for c in cycles(graph))


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_no_module_of_a_package_loads_what_it_must_not(package):
    """Every module of the package imported in one fresh process: none of the forbidden modules
    may be loaded after (a function-level import is caught by calling nothing: the test also scans
    the source below)."""
    names = sorted(n for n in modules() if n == package or n.startswith(package + "."))
    code = ("import importlib, sys\n"
            f"for name in {names!r}:\n    importlib.import_module(name)\n"
            f"print(sorted(m for m in {FORBIDDEN[package]!r} if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]", f"{package} loads {out.stdout.strip()}"
    for name, tree in modules().items():  # imports inside functions never run at import time
        if name == package or name.startswith(package + "."):
            for node in ast.walk(tree):
                targets = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                    [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else []
                bad = [t for t in targets if t.split(".")[0] in FORBIDDEN[package]]
                assert not bad, f"{name} imports {bad}"


def test_each_technology_stays_in_its_room():
    for name, tree in modules().items():
        path = name.replace(".", "/") + (".py" if not (ROOT / name.replace(".", "/")).is_dir() else "/__init__.py")
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                targets = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
                if any(t.split(".")[0] == "whoosh" for t in targets):
                    assert path in ROOMS["whoosh"], f"{path} imports Whoosh"
                if any(t.split(".")[0] in ("http", "urllib") for t in targets) and path.startswith("index/"):
                    assert path in ROOMS["Solr (HTTP, its query syntax)"], f"{path} speaks HTTP"
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and "{!" in node.value:
                assert path in ROOMS["Solr (HTTP, its query syntax)"], f"{path} writes a Solr query (line {node.lineno})"
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                    node.func.attr in ("execute", "executemany", "executescript"):
                assert path in ROOMS["sqlite3 statements"], f"{path} runs SQL ({node.func.attr}, line {node.lineno})"
