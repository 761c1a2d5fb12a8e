"""The architecture, tested: `archive` (files → reports), `index` (reports → hits), `cli` (hits →
terminal). No import cycle (function-level imports counted), no forbidden import in a package, each
technology in its one room, and index/ in rooms (issue 33): the engine above both corpora (index/local,
index/solr), which never import it. What breaks the rules today is an explicit allow-list that may only
shrink: an entry that no longer breaks them fails the test too, so it is struck when the code moves.
`python -m tests.test_structure` prints the rooms' import graph."""

import ast
import functools
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
@functools.cache
def modules() -> dict[str, ast.Module]:
    """Module name → its syntax tree, for every module of the three packages (parsed once: read only)."""
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
    assert len(graph) > 40 and graph["index.engine.searching"] >= {"index.engine.query", "index.model"}  # the graph is real
    assert cycles(graph) == []


def test_the_cycle_finder_finds_a_planted_cycle():
    graph = import_graph()
    graph["index.local.store"] = graph["index.local.store"] | {"index.engine.searching"}  # store → searching
    graph["index.engine.searching"] = graph["index.engine.searching"] | {"index.local.home"}  # → home → store
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



# --- One place per technology (issue 33) -------------------------------------------------------------
# Each technology → the files that may use it (a path, or a folder ending in "/").
ROOMS = {
    "sqlite3": ("index/local/store.py",),
    "SQL statements": ("index/local/store.py",),
    "HTTP": ("index/solr/",),
    "Solr query syntax": ("index/solr/",),
    "Whoosh": ("index/local/wordindex.py",),
    "numpy file formats": ("index/local/",),
    "click/rich/Textual": ("cli/",),
    "Unix sockets": ("cli/resident/",),
    "a web server": ("cli/serve.py",),  # `baogao serve` (issue 42)
}
MODULES_OF = {"sqlite3": ("sqlite3",), "HTTP": ("http", "urllib", "requests", "httpx"), "Unix sockets": ("socket", "_socket"),
              "Whoosh": ("whoosh",), "click/rich/Textual": ("click", "rich", "textual"),
              "a web server": ("aiohttp", "aiohttp_jinja2", "jinja2", "textual_serve")}
NUMPY_FILE_CALLS = ("load", "memmap", "fromfile")
# Who breaks a room's rule today, and why it still does: each entry goes when its reason does (the
# Corpus port of issue 33). The test fails on any break not listed AND on any listed one that is gone.
TECHNOLOGY_ALLOWED_FOR_NOW = {
}


def source_path(name: str) -> str:
    rel = name.replace(".", "/")
    return rel + "/__init__.py" if (ROOT / rel).is_dir() else rel + ".py"


def technology_uses(trees: dict[str, ast.Module] | None = None) -> set[tuple[str, str]]:
    """(technology, file) for every use found: an import of its modules anywhere in the body, a SQL
    call (`execute…`), a Solr local-params string (`{!`), `np.load`/`np.memmap`/`np.fromfile`."""
    found = set()
    for name, tree in (trees or modules()).items():
        path = source_path(name)
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                targets = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                    [node.module or ""] if not node.level else []
                for tech, roots in MODULES_OF.items():
                    if any(t.split(".")[0] in roots for t in targets):
                        found.add((tech, path))
            elif isinstance(node, ast.Constant) and isinstance(node.value, str) and "{!" in node.value:
                found.add(("Solr query syntax", path))
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                attr, owner = node.func.attr, node.func.value
                if attr in ("execute", "executemany", "executescript"):
                    found.add(("SQL statements", path))
                if attr in NUMPY_FILE_CALLS and isinstance(owner, ast.Name) and owner.id in ("np", "numpy"):
                    found.add(("numpy file formats", path))
    return found


def technology_breaks(trees=None) -> set[tuple[str, str]]:
    return {(tech, path) for tech, path in technology_uses(trees)
            if not any(path == room or (room.endswith("/") and path.startswith(room)) for room in ROOMS[tech])}


def test_each_technology_stays_in_its_room():
    uses = technology_uses()
    assert ("Whoosh", "index/local/wordindex.py") in uses and ("HTTP", "index/solr/client.py") in uses  # the scan is real
    breaks = technology_breaks()
    new = sorted(breaks - set(TECHNOLOGY_ALLOWED_FOR_NOW))
    assert not new, "a technology outside its room: " + "; ".join(f"{tech} in {path}" for tech, path in new)
    gone = sorted(set(TECHNOLOGY_ALLOWED_FOR_NOW) - breaks)
    assert not gone, "fixed — strike from TECHNOLOGY_ALLOWED_FOR_NOW: " + "; ".join(f"{t} in {p}" for t, p in gone)


# --- index/ in rooms: the engine above both corpora ------------------------------------------------
ROOM_ORDER = ("cli", "index/engine", "index/solr", "index/local", "index/writing", "index", "archive")
# Arrows that must not exist: a corpus never climbs into the engine; the engine (issue 33's goal)
# talks to a corpus only through its port, never to a corpus's modules.
FORBIDDEN_ARROWS = {("index/local", "index/engine"), ("index/solr", "index/engine"),
                    ("index/engine", "index/local"), ("index/engine", "index/solr")}
# module → the modules it still imports across a forbidden arrow (to go with the Corpus port).
ARROWS_ALLOWED_FOR_NOW: dict[str, set[str]] = {}  # none left (issue 33): kept, so a new break has a place to be argued


def room_of(name: str) -> str:
    parts = name.split(".")
    if parts[0] == "index" and len(parts) > 1 and f"index/{parts[1]}" in ROOM_ORDER:
        return f"index/{parts[1]}"
    return parts[0]


def forbidden_imports(graph: dict[str, set[str]]) -> set[tuple[str, str]]:
    return {(a, b) for a, targets in graph.items() for b in targets if (room_of(a), room_of(b)) in FORBIDDEN_ARROWS}


def room_graph(graph: dict[str, set[str]]) -> str:
    """The rooms, top down, each with the rooms it imports (how many module imports; `!` where
    they cross a forbidden arrow still allowed for now)."""
    arrows: dict[tuple[str, str], int] = {}
    for a, targets in graph.items():
        for b in targets:
            if room_of(a) != room_of(b):
                arrows[room_of(a), room_of(b)] = arrows.get((room_of(a), room_of(b)), 0) + 1
    lines = []
    for room in ROOM_ORDER:
        out = [f"{to} ({n}){' !' if (room, to) in FORBIDDEN_ARROWS else ''}"
               for to in ROOM_ORDER for (frm, t), n in arrows.items() if frm == room and t == to]
        lines.append(f"{room:<14} → {', '.join(out) or '—'}")
    return "\n".join(lines)


def test_the_engine_stands_above_both_corpora():
    graph = import_graph()
    print("\n" + room_graph(graph))
    crossing = forbidden_imports(graph)
    allowed = {(a, b) for a, targets in ARROWS_ALLOWED_FOR_NOW.items() for b in targets}
    new = sorted(crossing - allowed)
    assert not new, "an import across the rooms' order: " + "; ".join(f"{a} → {b}" for a, b in new)
    gone = sorted(allowed - crossing)
    assert not gone, "fixed — strike from ARROWS_ALLOWED_FOR_NOW: " + "; ".join(f"{a} → {b}" for a, b in gone)


def test_the_room_rules_catch_planted_breaks():
    """Each break the issue names, planted in a syntax tree, is found (the rules are not vacuous)."""
    trees = modules()

    def plant(name, code):
        planted = dict(trees)
        planted[name] = ast.Module(body=trees[name].body + ast.parse(code).body, type_ignores=[])
        return planted

    assert ("sqlite3", "index/engine/searching.py") in technology_breaks(plant("index.engine.searching", "import sqlite3"))
    assert ("HTTP", "index/local/store.py") in technology_breaks(plant("index.local.store", "import urllib.request"))
    assert ("numpy file formats", "index/engine/trends.py") in technology_breaks(plant("index.engine.trends", "np.load('x.npy')"))
    assert ("click/rich/Textual", "index/model.py") in technology_breaks(plant("index.model", "from rich.table import Table"))
    assert ("a web server", "cli/ui/searching.py") in technology_breaks(plant("cli.ui.searching", "from aiohttp import web"))
    graph = import_graph()
    graph["index.local.store"] = graph["index.local.store"] | {"index.engine.searching"}
    assert ("index.local.store", "index.engine.searching") in forbidden_imports(graph)



# --- Text from outside reaches a screen through one builder (issue 34) ----------------------------
BUILDER = "cli/shown.py"  # cli.shown.Shown: the one maker of rich Text; it escapes what enters it
# Where the CLI and the app put text on a screen.
SCREEN_CODE = ("cli/render/", "cli/ui/", "cli/main.py", "cli/errors.py", "cli/app.py")
# The fields of records (index.model) that hold text from outside: report text, sidecar fields, file names.
RECORD_FIELDS = {"title", "region", "heading", "text", "url", "urls", "speaker", "report", "id", "path", "snippet",
                 "subtitle", "occasion", "date", "file", "query", "term", "phrase", "section", "quote", "source",
                 "left", "right", "match", "also_in", "baseline", "duplicate_of", "key", "collection", "level",
                 "session", "why", "error", "note", "reason"}
ESCAPERS = {"field", "safe", "joined", "Shown", "lit", "append", "append_lines", "cite", "cite_line", "url_line"}
# Calls whose result is their argument's text, cut or converted: a field passes through them unescaped.
TRANSPARENT = {"str", "cropped", "fit_start", "fit_end", "strip", "replace", "lstrip", "rstrip"}
# Where text becomes output: rich's Text and tables, a console, a widget, click.
SINKS = {"Text", "print", "add_row", "add_column", "update", "echo", "Static", "Label", "Option", "Segment", "write",
         "notify", "join", "format", "from_markup", "render_markup"}


def _call_name(call: ast.Call) -> str:
    f = call.func
    return f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""


def raw_text_breaks(trees: dict[str, ast.Module] | None = None) -> set[tuple[str, int, str]]:
    """(file, line, why) for each place screen code could print text from outside raw: rich's Text (or
    markup) made anywhere but the builder, and a record's text field (`hit.region`) reaching an
    f-string, a `+`, a join or an output call without passing through an escaper (field, safe, Shown…)."""
    found = set()
    for name, tree in (trees or modules()).items():
        path = source_path(name)
        if path == BUILDER or not path.startswith(SCREEN_CODE):
            continue
        parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module in ("rich.text", "rich.markup", "textual.content"):
                found.add((path, node.lineno, f"imports {node.module}: text is made by cli.shown.Shown"))
            if not (isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load) and node.attr in RECORD_FIELDS):
                continue
            parent = parents.get(node)
            if isinstance(parent, ast.Attribute) or (isinstance(parent, ast.Call) and parent.func is node):
                continue  # hit.text.split(…), self.text.plain: a method or a part, not the text itself
            at, built = node, False
            while (up := parents.get(at)) is not None and not isinstance(up, ast.stmt):
                if isinstance(up, ast.IfExp) and up.test is at:
                    break  # `… if hit.url else …`: a test, not text
                if isinstance(up, ast.Call) and up.func is not at:
                    called = _call_name(up)
                    if called in ESCAPERS:
                        break
                    if called in SINKS:
                        found.add((path, node.lineno, f"{ast.unparse(node)} reaches {called}() raw"))
                        break
                    if called not in TRANSPARENT:
                        break  # len(hit.also_in), getattr(…): not the text
                elif isinstance(up, ast.JoinedStr) or (isinstance(up, ast.BinOp) and isinstance(up.op, (ast.Add, ast.Mod))):
                    built = True  # a string built with the field: escaped further up, or it is a break
                at = up
            else:
                # The string was built raw and kept (a variable, a return). An exception's message is
                # escaped where it is shown (errors.report through Shown, JSON through export.dumps).
                if built and not isinstance(up, ast.Raise):
                    found.add((path, node.lineno, f"{ast.unparse(node)} built into a string raw"))
    return found


def test_text_from_outside_reaches_a_screen_only_through_the_builder():
    breaks = raw_text_breaks()
    assert not breaks, "\n".join(f"{p}:{n}: {why}" for p, n, why in sorted(breaks))


@pytest.mark.parametrize("plant", [
    "from rich.text import Text\ndef planted(hit):\n    return Text(hit.region)",
    "def planted(console, hit):\n    console.print(f'{hit.title} [{hit.report}]')",
    "def planted(t, hit):\n    t.add_row(hit.region, ' › '.join(hit.path))",
    "def planted(hit):\n    return '《' + hit.title + '》'",
])
def test_the_builder_rule_catches_a_planted_raw_field(plant):
    """A renderer that prints a field raw — `Text(hit.region)` above all — fails the rule; escaped, it passes."""
    trees = modules()
    planted = dict(trees)
    tree = trees["cli.render.reading"]
    planted["cli.render.reading"] = ast.Module(body=tree.body + ast.parse(plant).body, type_ignores=[])
    assert any(p == "cli/render/reading.py" for p, _, _ in raw_text_breaks(planted))
    escaped = plant.replace("hit.region", "field(hit.region)").replace("hit.title", "field(hit.title)") \
        .replace("hit.report", "field(hit.report)").replace("' › '.join(hit.path)", "joined(hit.path, ' › ')") \
        .replace("from rich.text import Text\n", "").replace("Text(", "Shown(")
    planted["cli.render.reading"] = ast.Module(body=tree.body + ast.parse(escaped).body, type_ignores=[])
    assert not raw_text_breaks(planted)


def test_the_builder_makes_every_control_character_visible():
    """What Shown lets in, appended, as lines or lit up, prints no raw control character; a field stays
    on one line, text keeps its line breaks."""
    import io

    from rich.console import Console

    from cli.shown import Shown
    from tests.conftest import RAW_CONTROLS, raw_controls

    raw = "".join(sorted(RAW_CONTROLS)) + "\x1b]52;c;AAAA\x07[bold]人参[/bold]"
    console = Console(file=io.StringIO(), width=400, markup=False, color_system=None)
    line = Shown(raw).append(raw, style="bold").append_lines("甲\n乙" + raw)
    line.append(Shown.lit(raw + "\n人参", [(len(raw) + 1, len(raw) + 3)], plain=True))
    console.print(line, soft_wrap=True)
    out = console.file.getvalue()
    assert raw_controls(out) == [] and "[bold]人参[/bold]" in out  # markup stays text
    assert out.count("\n") == 3 and "〖人参〗" in out  # 甲↵乙, the lit text's own break, the end

if __name__ == "__main__":
    print(room_graph(import_graph()))
