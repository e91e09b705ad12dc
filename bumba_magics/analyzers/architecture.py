"""Architecture: the import graph of the reviewed code, and what its shape says.

Modules are named the way Python would import them (package directories with ``__init__.py`` give dotted
names; a ``src/`` layout drops ``src``); imports of anything outside the reviewed code (stdlib, third
party) are not part of the graph. Each edge remembers the line of its import and how the import runs:

* ``runtime``: executed when the module is imported (module level, class bodies, plain ``if``/``try``);
* ``deferred``: inside a function, or under ``if __name__ == "__main__"`` — runs later, if at all. Moving an
  import into a function hides a cycle from the interpreter, not from the reader: the two modules still
  need each other and cannot be understood or split apart alone. So a cycle that only closes through a
  deferred import is still reported, at low severity and named as such (``import-cycles = "runtime"`` in
  ``[tool.bumba]`` counts only the imports that run at import time, as the interpreter does);
* ``type_checking``: under ``if TYPE_CHECKING:`` — never runs; no cycle, no layer violation.

Complexity per function is ruff's C901 (see ``ruff_bridge``), not repeated here.
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import networkx as nx

from ..context.source import Context, Source
from ..core.findings import Category, Finding, Severity
from ..core.rules import rule
from .base import (
    Analyzer,
    AnalyzerConfig,
    forget_parse,
    make_finding,
    parse_python,
    register_analyzer,
)

RUNTIME, DEFERRED, TYPE_CHECKING = "runtime", "deferred", "type_checking"
_STRENGTH = {RUNTIME: 2, DEFERRED: 1, TYPE_CHECKING: 0}


IMPORT_CYCLE = rule(
    "BMB401", "import-cycle", "Import cycle", Severity.medium,
    category=Category.architecture, analyzer="architecture",
    why="Modules that import each other at import time can only be loaded in one order: a new import elsewhere "
    "turns it into an ImportError or a half-initialised module, and the modules cannot be understood, tested "
    "or split apart on their own.",
    recommendation="Move what both modules need into a third module, or invert the dependency (the higher module passes "
    "a callable or an object implementing a protocol defined below). Importing inside a function only "
    "hides the cycle from the interpreter: it is still reported, at low severity.",
    references=("CWE-1047",),
    bad="# app/orders.py\nfrom app.customers import Customer\n\n# app/customers.py\nfrom app.orders import Order",
    good="# app/ids.py: what both need, below both\nCustomerId = int\n\n# app/orders.py\n"
    "from app.ids import CustomerId\n\n# app/customers.py\nfrom app.ids import CustomerId",
)
LAYER_VIOLATION = rule(
    "BMB402", "layer-violation", "Lower layer imports a higher layer", Severity.high,
    category=Category.architecture, analyzer="architecture",
    why="Layers only work when dependencies point downwards; a lower layer that imports a higher one ties the "
    "core of the system to its edges, so it can no longer change or be reused without them.",
    recommendation="Move the shared code down into the lower layer, or let the higher layer pass what is needed in "
    "(a callback, an interface defined below).",
    references=("CWE-1054",),
    bad="# layers: app.api > app.services > app.db\n# app/db/models.py\nfrom app.api.schemas import UserOut",
    good="# app/api/schemas.py\nfrom app.db.models import User",
)
FAN_OUT = rule(
    "BMB403", "high-fan-out", "Module depends on too many internal modules", Severity.low,
    category=Category.architecture, analyzer="architecture",
    why="A module that imports a large part of the code base changes whenever any of them does and is hard to "
    "test in isolation; it is usually doing several jobs.",
    recommendation="Split the module by responsibility, or put a facade in front of the subsystems it reaches into.",
    references=("CWE-1048",),
)
FAN_IN = rule(
    "BMB404", "high-fan-in", "Module many others depend on", Severity.info,
    category=Category.architecture, analyzer="architecture",
    why="Many modules import this one: every change to it ripples through all of them, so it needs a stable, "
    "small interface and good tests.",
    recommendation="Keep its public interface small and stable; split rarely used parts out so fewer modules change "
    "with it.",
)
LARGE_MODULE = rule(
    "BMB405", "large-module", "Very large module", Severity.low,
    category=Category.architecture, analyzer="architecture",
    why="Very long modules mix several responsibilities, are slow to navigate and review, and attract merge "
    "conflicts.",
    recommendation="Split it into a package of smaller modules, one responsibility each.",
    references=("CWE-1080",),
)
DEAD_MODULE = rule(
    "BMB406", "dead-module", "Module nothing imports", Severity.info,
    category=Category.architecture, analyzer="architecture",
    why="No reviewed module imports it and it is not an entry point: it may be dead code that still has to be "
    "read, maintained and kept secure.",
    recommendation="Delete it if it is unused; if something loads it dynamically (a plugin, a path in a settings string), "
    "suppress the finding with a comment saying what does.",
    references=("CWE-561",),
)


# ---------------------------------------------------------------------------------------------------------
# Module names
# ---------------------------------------------------------------------------------------------------------


class _PackageDirs:
    """Which directories (relative to the root, posix) are packages: hold ``__init__.py`` among the sources
    or on disk. The sources may be only part of the tree, so the disk has the last word."""

    def __init__(self, root: Path | None, paths: Iterable[str]) -> None:
        self.root = root
        self.known = {str(PurePosixPath(p).parent) for p in paths if PurePosixPath(p).name == "__init__.py"}
        self.cache: dict[str, bool] = {}

    def __call__(self, directory: str) -> bool:
        if directory in self.known:
            return True
        if directory not in self.cache:
            on_disk = self.root is not None and (self.root / directory / "__init__.py").is_file()
            self.cache[directory] = on_disk
        return self.cache[directory]


def _root_prefix(root: Path | None) -> list[str]:
    """When the review root is itself inside packages (``mypkg/sub`` with ``__init__.py`` files), the
    names of those packages, outermost first."""
    prefix: list[str] = []
    directory = root.resolve() if root is not None else None
    while directory is not None and (directory / "__init__.py").is_file() and len(prefix) < 32:
        prefix.insert(0, directory.name)
        directory = directory.parent if directory.parent != directory else None
    return prefix


def module_name(path: str, is_package_dir: Callable[[str], bool], root_prefix: Sequence[str] = ()) -> str:
    """The dotted name Python imports the file at ``path`` (relative to the root) by."""
    posix = PurePosixPath(path.replace("\\", "/"))
    directories = list(posix.parent.parts) if str(posix.parent) != "." else []
    stem = posix.name.split(".")[0]
    depth = 0  # how many of the innermost directories are packages
    while depth < len(directories) and is_package_dir("/".join(directories[: len(directories) - depth])):
        depth += 1
    if depth == len(directories):
        parts = [*root_prefix, *directories]
    elif depth:
        parts = directories[len(directories) - depth:]
    else:  # a plain directory: importable as a namespace package from the root
        parts = directories[1:] if directories[:1] == ["src"] else directories
    if stem != "__init__":
        parts = [*parts, stem]
    return ".".join(parts) or stem


def _is_importable(source: Source) -> bool:
    return source.kind == "python" and source.path.endswith(".py")


# ---------------------------------------------------------------------------------------------------------
# Imports of one module
# ---------------------------------------------------------------------------------------------------------


@dataclass
class _Import:
    node: ast.Import | ast.ImportFrom
    kind: str


@dataclass
class _ModuleScan:
    imports: list[_Import] = field(default_factory=list)
    main_guard: bool = False


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _is_main_guard(test: ast.expr) -> bool:
    if not (isinstance(test, ast.Compare) and len(test.comparators) == 1):
        return False
    sides = [test.left, test.comparators[0]]
    return any(isinstance(s, ast.Name) and s.id == "__name__" for s in sides) and any(
        isinstance(s, ast.Constant) and s.value == "__main__" for s in sides
    )


def _blocks(node: ast.stmt) -> Iterator[list[ast.stmt]]:
    """The statement lists nested in a compound statement (imports are statements, so only these matter)."""
    for name in ("body", "orelse", "finalbody"):
        block = getattr(node, name, None)
        if isinstance(block, list):
            yield block
    for handler in getattr(node, "handlers", ()):
        yield handler.body
    for case in getattr(node, "cases", ()):
        yield case.body


def scan_imports(tree: ast.Module) -> _ModuleScan:
    """Every import statement with how it runs; walks statement lists only, not expressions (cheap)."""
    scan = _ModuleScan()

    def visit(statements: list[ast.stmt], kind: str, top: bool) -> None:
        for node in statements:
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                scan.imports.append(_Import(node, kind))
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                visit(node.body, DEFERRED if kind == RUNTIME else kind, False)
            elif isinstance(node, ast.If) and _is_type_checking(node.test):
                visit(node.body, TYPE_CHECKING, False)
                visit(node.orelse, kind, top)
            elif isinstance(node, ast.If) and top and _is_main_guard(node.test):
                scan.main_guard = True
                visit(node.body, DEFERRED if kind == RUNTIME else kind, False)
                visit(node.orelse, kind, top)
            else:
                for block in _blocks(node):
                    visit(block, kind, top and isinstance(node, (ast.If, ast.Try)))

    visit(tree.body, RUNTIME, True)
    return scan


# ---------------------------------------------------------------------------------------------------------
# The graph
# ---------------------------------------------------------------------------------------------------------


@dataclass
class ImportGraph:
    """Internal modules and the imports between them.

    ``graph`` nodes are module names (notebooks and cell bodies: their path) with attributes ``path``,
    ``kind`` (module / package / notebook), ``main_guard``, ``lines``; edges carry ``kind`` (runtime /
    deferred / type_checking), ``path`` and ``line`` of the strongest import between the two.
    ``edges`` maps (importer, imported) to (importer's path, line) — virtual line for notebooks.
    """

    graph: nx.DiGraph
    modules: dict[str, Source]
    edges: dict[tuple[str, str], tuple[str, int]]
    sources: dict[str, Source] = field(default_factory=dict)  # every node, notebooks included
    referenced: set[str] = field(default_factory=set)  # dotted names quoted in strings (plugins, settings)
    templated: set[str] = field(default_factory=set)  # last parts of names built at run time: "%s.formats"

    def runtime_graph(self) -> nx.DiGraph:
        """Only the imports that run when a module is imported: the ones the interpreter trips over."""
        return self.edges_of_kind(RUNTIME)

    def edges_of_kind(self, *kinds: str) -> nx.DiGraph:
        return self.graph.edge_subgraph((a, b) for a, b, kind in self.graph.edges(data="kind") if kind in kinds)


def _line_count(text: str) -> int:
    return text.count("\n") + (1 if text and not text.endswith("\n") else 0)


def _deepest_module(name: str, modules: dict[str, Source]) -> str | None:
    """``a.b.c`` if it is a module, else ``a.b``, else ``a`` — what ``import a.b.c`` loads of ours."""
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in modules:
            return candidate
    return None


def _relative_base(importer: str, is_package: bool, level: int, module: str | None) -> str | None:
    """``from ..a import b`` inside ``importer``: the absolute name of ``..a``; None if it climbs too far."""
    parts = importer.split(".") if is_package else importer.split(".")[:-1]
    if level - 1 > len(parts):
        return None
    base = parts[: len(parts) - (level - 1)]
    if module:
        base += module.split(".")
    return ".".join(base) or None


def _targets(node: ast.Import | ast.ImportFrom, importer: str, is_package: bool,
             modules: dict[str, Source]) -> Iterator[str]:
    """The internal modules one import statement loads."""
    if isinstance(node, ast.Import):
        for alias in node.names:
            target = _deepest_module(alias.name, modules)
            if target is not None:
                yield target
        return
    if node.level and not importer:
        return  # a notebook cannot import relatively
    if node.level:
        base = _relative_base(importer, is_package, node.level, node.module)
    else:
        base = node.module
    if base is None:
        return
    for alias in node.names:
        submodule = f"{base}.{alias.name}"
        if alias.name != "*" and submodule in modules:
            yield submodule
        else:
            target = _deepest_module(base, modules)
            # ``from . import x`` in a package's __init__ where x is not among the sources: x is almost
            # always a submodule we were not given, not the package importing itself
            if target is not None and not (target == importer and is_package):
                yield target


_QUOTED_NAME = re.compile(r"""["']([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)["']""")
# "%s.formats", "{}.migrations", f"{app}.signals": a module name completed at run time for import_module
_TEMPLATED_NAME = re.compile(r"""(?:%s|%\(\w+\)s|\})\.([A-Za-z_]\w*)["']""")


def _quoted_prefixes(text: str) -> set[str]:
    """Every prefix of every dotted name in quotes: ``"app.views.index"`` gives app, app.views, …"""
    names: set[str] = set()
    for quoted in set(_QUOTED_NAME.findall(text)):
        parts = quoted.split(".")
        names.update(".".join(parts[:end]) for end in range(1, len(parts) + 1))
    return names


def build_import_graph(sources: Iterable[Source], root: Path | None) -> ImportGraph:
    """The import graph of ``sources`` (Python files and notebooks) under ``root``."""
    python = [s for s in sources if s.is_python]
    importable = [s for s in python if _is_importable(s)]
    is_package_dir = _PackageDirs(root, (s.path for s in importable))
    prefix = _root_prefix(root)
    modules: dict[str, Source] = {}
    names: dict[int, str] = {}
    for source in importable:
        name = module_name(source.path, is_package_dir, prefix)
        if name not in modules:  # two files with one import name: the first one is what Python finds
            modules[name] = source
            names[id(source)] = name
    graph = ImportGraph(graph=nx.DiGraph(), modules=modules, edges={})
    for source in python:
        name = names.get(id(source))
        if name is None:
            if _is_importable(source):
                continue  # the shadowed duplicate
            name = source.path  # notebooks, cell bodies: nodes nothing can import
        _add_module(graph, name, source)
    return graph


def _add_module(graph: ImportGraph, name: str, source: Source) -> None:
    is_package = PurePosixPath(source.path).name == "__init__.py"
    kind = "package" if is_package else "module" if _is_importable(source) else "notebook"
    shared = "_parsed" in source.__dict__  # another analyzer's parse that the engine will free
    tree = parse_python(source)
    scan = scan_imports(tree) if isinstance(tree, ast.Module) else _ModuleScan()
    if not shared:
        # keeping every tree of a large repository alive costs memory and makes the garbage collector
        # rescan them all on each collection: several times slower than the parse itself
        forget_parse(source)
    graph.graph.add_node(
        name, path=source.path, kind=kind, main_guard=scan.main_guard, lines=_line_count(source.text)
    )
    graph.sources[name] = source
    graph.referenced |= _quoted_prefixes(source.text)
    graph.templated.update(_TEMPLATED_NAME.findall(source.text))
    for found in scan.imports:
        importer = name if kind != "notebook" else ""  # notebooks have no package for relative imports
        for target in _targets(found.node, importer, is_package, graph.modules):
            _add_edge(graph, name, target, found.kind, source.path, found.node.lineno)


def _add_edge(graph: ImportGraph, a: str, b: str, kind: str, path: str, line: int) -> None:
    existing = graph.graph.get_edge_data(a, b)
    if existing is not None and _STRENGTH[existing["kind"]] >= _STRENGTH[kind]:
        return
    graph.graph.add_edge(a, b, kind=kind, path=path, line=line)
    graph.edges[(a, b)] = (path, line)


# ---------------------------------------------------------------------------------------------------------
# Rules
# ---------------------------------------------------------------------------------------------------------


def _shortest_cycle(graph: nx.DiGraph, component: set[str]) -> list[str]:
    """The shortest cycle through the alphabetically first module of a tangle, as ``[a, b, …, a]``."""
    start = min(component)
    sub = graph.subgraph(component)
    if sub.has_edge(start, start):
        return [start, start]
    # shortest paths in the reversed graph from start to n are the shortest paths from n back to start
    back = nx.single_source_shortest_path(sub.reverse(copy=False), start)
    nearest = min((s for s in sub.successors(start) if s in back), key=lambda s: (len(back[s]), s))
    return [start, *reversed(back[nearest])]


def cycle_findings(graph: ImportGraph, count_deferred: bool = True) -> Iterator[Finding | None]:
    """One finding per tangle of modules that import each other: medium when the imports that run at import
    time close the loop, low when it only closes through a function-level (deferred) import."""
    runtime = graph.runtime_graph()
    for component in nx.strongly_connected_components(runtime):
        if len(component) == 1:
            (only,) = component
            if not runtime.has_edge(only, only):
                continue
        cycle = _shortest_cycle(runtime, component)
        title = "Import cycle: " + " -> ".join(cycle)
        if len(component) > len(cycle) - 1:
            title += f" ({len(component)} modules import each other in a loop)"
        _path, line = graph.edges[(cycle[0], cycle[1])]
        yield make_finding(IMPORT_CYCLE, graph.modules[cycle[0]], line, title=title)
    if count_deferred:
        yield from _deferred_cycle_findings(graph)


def _deferred_cycle_findings(graph: ImportGraph) -> Iterator[Finding | None]:
    """Per tangle of the runtime + deferred graph, the shortest loop that needs a deferred import, reported
    at that import (the one someone moved into a function instead of untangling the modules)."""
    both = graph.edges_of_kind(RUNTIME, DEFERRED)
    for component in nx.strongly_connected_components(both):
        sub = both.subgraph(component)
        deferred = sorted((a, b) for a, b, kind in sub.edges(data="kind") if kind == DEFERRED)
        best: list[str] | None = None
        for a, b in deferred:
            try:
                back = nx.shortest_path(sub, b, a)  # b … a, then the deferred a -> b closes the loop
            except nx.NetworkXNoPath:
                continue
            loop = [a, *back]
            if best is None or (len(loop), loop) < (len(best), best):
                best = loop
        if best is None:
            continue
        importer, imported = best[0], best[1]
        _path, line = graph.edges[(importer, imported)]
        title = (f"Import cycle through a function-level import: {' -> '.join(best)} "
                 f"({importer} imports {imported} inside a function"
                 + (f"; {len(component)} modules are tangled)" if len(component) > len(best) - 1 else ")"))
        source = graph.sources.get(importer) or graph.modules[importer]
        yield make_finding(IMPORT_CYCLE, source, line, title=title, severity=Severity.low)


def _layer_index(module: str, layers: list[list[str]]) -> tuple[int, str] | None:
    """(index of the layer, matching prefix) for the longest prefix that matches, or None."""
    best: tuple[int, str] | None = None
    for index, prefixes in enumerate(layers):
        for prefix in [prefixes] if isinstance(prefixes, str) else prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and (
                best is None or len(prefix) > len(best[1])
            ):
                best = (index, prefix)
    return best


def layer_findings(graph: ImportGraph, layers: list[list[str]]) -> Iterator[Finding | None]:
    if not layers:
        return
    for a, b, data in graph.graph.edges(data=True):
        if data["kind"] == TYPE_CHECKING:
            continue
        lower, upper = _layer_index(a, layers), _layer_index(b, layers)
        if lower is None or upper is None or lower[0] <= upper[0]:
            continue
        title = (
            f"Layer violation: {a} (layer {lower[0] + 1}, {lower[1]}) imports {b} "
            f"(layer {upper[0] + 1}, {upper[1]}, above it)"
        )
        yield make_finding(LAYER_VIOLATION, graph.sources[a], data["line"], title=title)


def _real_dependencies(g: nx.DiGraph, pairs: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """The pairs whose import runs (a type-only import couples nothing at run time), minus self-imports."""
    return [(a, b) for a, b in pairs if a != b and g.edges[a, b]["kind"] != TYPE_CHECKING]


def coupling_findings(graph: ImportGraph, config: AnalyzerConfig) -> Iterator[Finding | None]:
    g = graph.graph
    for module, source in graph.sources.items():
        # a package's __init__ that gathers its submodules is a facade, and tests import what they test:
        # neither is the tangle this rule is about
        facade_or_test = g.nodes[module]["kind"] == "package" or is_test(source.path)
        if config.enabled(FAN_OUT.code) and not facade_or_test:
            targets = sorted(b for _, b in _real_dependencies(g, g.out_edges(module)))
            if len(targets) > config.max_fan_out:
                title = f"{module} imports {len(targets)} internal modules (limit {config.max_fan_out})"
                yield make_finding(FAN_OUT, source, None, evidence=_listing(targets), title=title)
        if config.enabled(FAN_IN.code):
            importers = sorted(a for a, _ in _real_dependencies(g, g.in_edges(module)))
            if len(importers) > config.max_fan_in:
                title = f"{module} is imported by {len(importers)} internal modules " \
                    f"(limit {config.max_fan_in})"
                yield make_finding(FAN_IN, source, None, evidence=_listing(importers), title=title)


def _listing(names: list[str], limit: int = 12) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f", … ({len(names) - limit} more)" if len(names) > limit else "")


def size_findings(sources: Iterable[Source], config: AnalyzerConfig) -> Iterator[Finding | None]:
    for source in sources:
        if source.kind != "python":
            continue  # a notebook's length is the notebook hygiene checks' concern
        lines = _line_count(source.text)
        if lines > config.max_module_lines:
            yield make_finding(
                LARGE_MODULE, source, None,
                title=f"Very large module: {lines} lines (limit {config.max_module_lines})",
            )


# Names that are run or loaded by convention rather than imported: scripts, tool configuration, and the
# modules frameworks discover by name (Django's models/admin/apps/urls, Celery's tasks, pytest's conftest).
_ENTRY_MODULES = {
    "__init__", "__main__", "__about__", "_version", "version", "manage", "setup", "conftest", "noxfile",
    "fabfile", "wsgi", "asgi", "settings", "main", "cli", "app", "run", "models", "admin", "apps", "urls",
    "tasks", "tests", "celery", "gunicorn_conf",
}
# Directories whose files are run, collected or discovered rather than imported.
_ENTRY_DIRECTORIES = {
    "tests", "test", "scripts", "bin", "tools", "examples", "example", "docs", "doc", "benchmarks", "bench",
    "migrations", "management", "templatetags", "alembic", "notebooks", "settings",
}


def is_entry_point(module: str, path: str, main_guard: bool) -> bool:
    """True for modules that are run or discovered by name rather than imported."""
    posix = PurePosixPath(path.replace("\\", "/"))
    stem = posix.name.split(".")[0]
    if main_guard or stem in _ENTRY_MODULES or module.rsplit(".", 1)[-1] in _ENTRY_MODULES:
        return True
    return is_test(path) or any(part in _ENTRY_DIRECTORIES for part in posix.parent.parts)


def is_test(path: str) -> bool:
    """test_*.py, *_test.py, tests.py, conftest.py, or anything under a tests/ directory."""
    posix = PurePosixPath(path.replace("\\", "/"))
    stem = posix.name.split(".")[0]
    if stem.startswith("test_") or stem.endswith(("_test", "_tests")) or stem in ("tests", "conftest"):
        return True
    return any(part in ("tests", "test", "testing") for part in posix.parent.parts)


def _unimported(graph: ImportGraph) -> list[str]:
    """Importable modules with no importer but themselves, that no string names either."""
    g = graph.graph
    return [
        module for module in graph.modules
        if module not in graph.referenced and all(importer == module for importer in g.predecessors(module))
    ]


def dead_module_findings(graph: ImportGraph) -> Iterator[Finding | None]:
    # a package of one module (plus its __init__) is a library or a script: "nothing imports it" is its
    # normal state, so only packages of several modules are judged
    package_sizes: dict[str, int] = defaultdict(int)
    for module in graph.modules:
        if graph.graph.nodes[module]["kind"] != "package":
            package_sizes[_package_of(module)] += 1
    candidates = [
        m for m in _unimported(graph)
        if package_sizes[_package_of(m)] > 1
        and not is_entry_point(m, graph.modules[m].path, graph.graph.nodes[m]["main_guard"])
        and m.rsplit(".", 1)[-1] not in graph.templated
    ]
    # the same file name unimported in several packages (locale/*/formats.py, plugins/*/hooks.py) is a
    # naming convention some loader relies on, not dead code
    by_stem: dict[str, int] = defaultdict(int)
    for module in candidates:
        by_stem[module.rsplit(".", 1)[-1]] += 1
    for module in candidates:
        if by_stem[module.rsplit(".", 1)[-1]] < 3:
            title = f"Module nothing imports: {module}"
            yield make_finding(DEAD_MODULE, graph.modules[module], None, title=title)


def _package_of(module: str) -> str:
    return module.split(".", 1)[0] if "." in module else ""


@register_analyzer
class ArchitectureAnalyzer(Analyzer):
    """Import cycles, layer violations, coupling, size and dead modules over the whole target."""

    name = "architecture"
    per_file = False

    def analyze(self, context: Context, sources: list[Source], config: AnalyzerConfig) -> Iterable[Finding]:
        graph = build_import_graph(sources, context.root)
        found: list[Finding | None] = []
        if config.enabled(IMPORT_CYCLE.code):
            found += cycle_findings(graph, count_deferred=config.import_cycles == "all")
        if config.enabled(LAYER_VIOLATION.code):
            found += layer_findings(graph, config.layers)
        found += coupling_findings(graph, config)
        if config.enabled(LARGE_MODULE.code):
            found += size_findings(sources, config)
        if config.enabled(DEAD_MODULE.code):
            found += dead_module_findings(graph)
        return [f for f in found if f is not None]
