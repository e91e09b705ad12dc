"""The target as a program: its modules by dotted name, their imports (relative ones resolved), and the
functions and classes a call can land in. Modules are parsed when first needed, so a scan only parses the
files that can hold a source and the files those call into."""

from __future__ import annotations

import ast
import builtins
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from ...context.source import Source
from ..base import forget_parse, parse_python

_BUILTINS = frozenset(dir(builtins))
_STATEMENT_BLOCKS = ("body", "orelse", "finalbody", "handlers", "cases")


@dataclass(eq=False)
class FunctionInfo:
    qual: str
    node: ast.FunctionDef | ast.AsyncFunctionDef
    module: ModuleInfo
    cls: ClassInfo | None = None
    params: list[str] = field(default_factory=list)  # positional, then *args, keyword-only, **kwargs
    positional: int = 0  # how many of params take positions
    vararg: int = -1  # index of *args in params
    kwarg: int = -1  # index of **kwargs
    kind: str = "function"  # function | method | classmethod | staticmethod

    @property
    def name(self) -> str:
        return self.node.name


@dataclass(eq=False)
class ClassInfo:
    qual: str
    node: ast.ClassDef
    module: ModuleInfo
    bases: list[str] = field(default_factory=list)  # dotted names, as written through the imports
    methods: dict[str, FunctionInfo] = field(default_factory=dict)
    fields: dict = field(default_factory=dict)  # attribute -> Val: untrusted data stored on self anywhere


@dataclass(eq=False)
class ModuleInfo:
    name: str
    source: Source
    tree: ast.Module
    aliases: dict[str, str]
    functions: dict[str, FunctionInfo]  # local dotted name ("f", "C.m") -> function
    classes: dict[str, ClassInfo]
    globals: dict | None = None  # name -> Val after the module body ran (None until then)
    running: bool = False

    def member(self, local: str) -> FunctionInfo | ClassInfo | None:
        return self.functions.get(local) or self.classes.get(local)


def module_names(path: str) -> list[str]:
    """Dotted names a file may be imported as: its full path, then shorter package-relative suffixes."""
    pure = PurePosixPath(path.replace("\\", "/"))
    parts = list(pure.with_suffix("").parts)
    if parts and parts[-1] == "__init__":
        parts = parts[:-1]
    parts = [p for p in parts if p not in ("", ".")]
    return [".".join(parts[i:]) for i in range(len(parts)) if all(p.isidentifier() for p in parts[i:])]


class Program:
    def __init__(self, sources: list[Source]) -> None:
        self.sources = {s.path: s for s in sources if s.is_python}
        self._by_name: dict[str, str] = {}
        for path in sorted(self.sources, key=lambda p: (p.count("/"), p)):
            for name in module_names(path):
                self._by_name.setdefault(name, path)
        self._modules: dict[str, ModuleInfo | None] = {}
        self._parsed_here: list[Source] = []  # parses this analysis made, freed by release()

    def module(self, path: str) -> ModuleInfo | None:
        if path in self._modules:
            return self._modules[path]
        source = self.sources.get(path)
        info = None
        if source is not None:
            if "_parsed" not in source.__dict__:
                self._parsed_here.append(source)
            tree = parse_python(source)
            if not isinstance(tree, SyntaxError):
                names = module_names(path)
                info = _index_module(names[0] if names else path, source, tree)
        self._modules[path] = info
        return info

    def release(self) -> None:
        """Drop the modules and their trees (the sources stay, for the findings)."""
        for module in self._modules.values():
            if module is not None:
                module.functions.clear()
                module.classes.clear()
                module.globals = None
        self._modules.clear()
        for source in self._parsed_here:
            forget_parse(source)
        self._parsed_here.clear()

    def module_named(self, dotted: str) -> ModuleInfo | None:
        path = self._by_name.get(dotted)
        return self.module(path) if path else None

    def resolve(self, qual: str | None) -> FunctionInfo | ClassInfo | None:
        """The function or class of the target a dotted name refers to."""
        found = self._split(qual)
        if found is None:
            return None
        module, rest = found
        return module.member(rest) if rest else None

    def resolve_global(self, qual: str) -> tuple[ModuleInfo, str] | None:
        """(module, variable) for a dotted name naming a module-level variable of the target."""
        found = self._split(qual)
        if found is None or not found[1] or "." in found[1]:
            return None
        return found

    def _split(self, qual: str | None) -> tuple[ModuleInfo, str] | None:
        if not qual or qual.startswith("builtins."):
            return None
        parts = qual.split(".")
        for cut in range(len(parts) - 1, 0, -1):
            path = self._by_name.get(".".join(parts[:cut]))
            if path is not None:
                module = self.module(path)
                if module is not None:
                    return module, ".".join(parts[cut:])
        return None


def _index_module(name: str, source: Source, tree: ast.Module) -> ModuleInfo:
    is_package = source.path.replace("\\", "/").endswith("__init__.py")
    package = name if is_package else name.rpartition(".")[0]
    module = ModuleInfo(name=name, source=source, tree=tree, aliases=_aliases(tree, package), functions={},
                        classes={})
    for node in tree.body:
        _index_definition(module, node, "", None)
    return module


def _index_definition(module: ModuleInfo, node: ast.AST, prefix: str, cls: ClassInfo | None) -> None:
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        local = prefix + node.name
        module.functions[local] = info = _function_info(f"{module.name}.{local}", node, module, cls)
        if cls is not None:
            cls.methods[node.name] = info
    elif isinstance(node, ast.ClassDef) and cls is None:  # nested classes are rare enough to leave out
        local = prefix + node.name
        bases = [b for b in (_dotted(base, module.aliases) for base in node.bases) if b]
        info = ClassInfo(qual=f"{module.name}.{local}", node=node, module=module, bases=bases)
        module.classes[local] = info
        for child in node.body:
            _index_definition(module, child, local + ".", info)
    elif isinstance(node, ast.If | ast.Try):  # `if TYPE_CHECKING:` / `try: import …` blocks define too
        for block in ("body", "orelse", "finalbody"):
            for child in getattr(node, block, ()):
                _index_definition(module, child, prefix, cls)


def _function_info(qual: str, node, module: ModuleInfo, cls: ClassInfo | None) -> FunctionInfo:
    args = node.args
    positional = [a.arg for a in (*args.posonlyargs, *args.args)]
    params = list(positional)
    vararg = kwarg = -1
    if args.vararg:
        vararg = len(params)
        params.append(args.vararg.arg)
    params.extend(a.arg for a in args.kwonlyargs)
    if args.kwarg:
        kwarg = len(params)
        params.append(args.kwarg.arg)
    kind = "function"
    if cls is not None:
        kind = "method"
        for decorator in node.decorator_list:
            if isinstance(decorator, ast.Name) and decorator.id in ("classmethod", "staticmethod"):
                kind = decorator.id
    return FunctionInfo(qual=qual, node=node, module=module, cls=cls, params=params, positional=len(positional),
                        vararg=vararg, kwarg=kwarg, kind=kind)


def _dotted(node: ast.AST, aliases: dict[str, str]) -> str | None:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Subscript):  # Generic[T], APIView[...]: the class is what is subscripted
        return _dotted(node.value, aliases)
    if not isinstance(node, ast.Name):
        return None
    return ".".join([aliases.get(node.id, node.id), *reversed(parts)])


def _aliases(tree: ast.Module, package: str) -> dict[str, str]:
    """Local name -> dotted name for every import in the module (nested ones too), relative imports resolved
    against the module's package. (base.collect_aliases leaves relative imports out: it has no package.)"""
    aliases: dict[str, str] = {}
    pending: list[ast.AST] = list(tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    aliases[alias.asname] = alias.name
                else:
                    head = alias.name.split(".")[0]
                    aliases.setdefault(head, head)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".") if package else []
                if node.level > 1:
                    parts = parts[: len(parts) - (node.level - 1)]
                base = ".".join([*parts, *([node.module] if node.module else [])])
            for alias in node.names:
                if alias.name != "*":
                    aliases[alias.asname or alias.name] = f"{base}.{alias.name}" if base else alias.name
        else:
            for name in _STATEMENT_BLOCKS:
                block = getattr(node, name, None)
                if block:
                    pending.extend(block)
    return aliases


def builtin_name(name: str) -> str | None:
    return f"builtins.{name}" if name in _BUILTINS else None


def dotted(node: ast.AST, aliases: dict[str, str]) -> str | None:
    return _dotted(node, aliases)
