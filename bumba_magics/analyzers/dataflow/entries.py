"""Entry points: the functions a framework calls with request data (a route, a view, a resolver), and what
each of their parameters is — a value from the request, a framework object, or nothing of the client's."""

from __future__ import annotations

import ast
import fnmatch
from typing import TYPE_CHECKING

from .models import Models
from .models.schema import Handler, TypedParam
from .program import ClassInfo, FunctionInfo, ModuleInfo, dotted
from .values import CLEAN, Origin, Step, Val

if TYPE_CHECKING:
    from .engine import Analysis

_SKIPPED = frozenset({"self", "cls", "info", "root", "parent", "_root", "_info", "_"})


def handler_of(analysis: Analysis, fn: FunctionInfo) -> Handler | None:
    models = analysis.models
    module = fn.module
    for decorator in fn.node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        qual = analysis.static_qual(target, module)
        for handler in models.handlers:
            if handler.via == "decorator" and qual == handler.name:
                return handler
        if isinstance(target, ast.Attribute) and target.attr in ("route", "get", "post", "put", "patch",
                                                                  "delete") and _imports(module, "flask") \
                and not _imports(module, "fastapi"):
            return next(h for h in models.handlers if h.name == "flask.Flask.route")
    if fn.cls is not None:
        ancestors = analysis.ancestors(fn.cls)
        for handler in models.handlers:
            if handler.via == "base" and any(_matches(handler.name, a) for a in ancestors) \
                    and any(fnmatch.fnmatchcase(fn.name, m) for m in handler.methods):
                return handler
        strawberry = [h for h in models.handlers if h.style == "strawberry-type"]
        if strawberry and any(analysis.static_qual(d.func if isinstance(d, ast.Call) else d, module)
                              == strawberry[0].name for d in fn.cls.node.decorator_list) \
                and fn.node.decorator_list:
            return next((h for h in models.handlers if h.style == "strawberry"), None)
        return None
    positional = fn.params[: fn.positional]
    for handler in models.handlers:
        if handler.via == "module" and positional and _imports(module, handler.name) \
                and any(tp.name == positional[0] for tp in models.typed_params.get(handler.style, ())):
            return handler
    return None


def _imports(module: ModuleInfo, prefix: str) -> bool:
    key = f"_imports:{prefix}"
    cached = module.__dict__.get(key)
    if cached is None:
        cached = any(v == prefix or v.startswith(prefix + ".") for v in module.aliases.values())
        module.__dict__[key] = cached
    return cached


def _matches(pattern: str, qual: str) -> bool:
    return qual == pattern or (pattern.endswith("*") and qual.startswith(pattern[:-1]))


def seed_parameters(analysis: Analysis, fn: FunctionInfo, handler: Handler) -> dict[str, Val]:
    """The values a handler's parameters hold when the framework calls it."""
    models = analysis.models
    style = handler.style.removesuffix("-view")
    typed = models.typed_params.get(style, ())
    args = fn.node.args
    nodes = [*args.posonlyargs, *args.args, *([args.vararg] if args.vararg else []), *args.kwonlyargs,
             *([args.kwarg] if args.kwarg else [])]
    defaults = _defaults(args)
    # a function taking `request` first is a view only in a views module or behind a view decorator;
    # elsewhere (middleware, helpers such as login(request, user)) its other parameters are the caller's
    url_values = handler.via != "module" or style != "django" or _looks_like_view(analysis, fn)
    seeded: dict[str, Val] = {}
    for index, arg in enumerate(nodes):
        name = arg.arg
        if index == 0 and fn.kind in ("method", "classmethod"):
            seeded[name] = self_value(analysis, fn.cls) if fn.kind == "method" else Val(qual=fn.cls.qual)
            continue
        framework = _typed(analysis, fn.module, typed, arg, defaults.get(name), models)
        if framework is not None:
            seeded[name] = Val(qual=framework.type, inst=True) if framework.type else CLEAN
            continue
        if name in _SKIPPED or (style == "graphene" and index <= 1) or (style == "websockets"):
            seeded[name] = CLEAN
            continue
        if style in ("django", "aiohttp") and index == 0:
            seeded[name] = CLEAN
            continue
        if style == "aiohttp" or not url_values:
            seeded[name] = CLEAN
            continue
        label = _LABELS.get(style, "parameter `{}`").format(name)
        secret = bool(_password(name))
        origin = Origin("remote", label, secret=secret)
        step = Step(fn.module.source.path, arg.lineno, arg.col_offset + 1,
                    fn.module.source.line_text(arg.lineno).strip()[:200], f"{label} (source)")
        kind = "dict" if args.kwarg is arg else None
        seeded[name] = Val(taints={(origin, frozenset()): (step,)}, kind=kind)
    return seeded


def _looks_like_view(analysis: Analysis, fn: FunctionInfo) -> bool:
    parts = fn.module.source.path.replace("\\", "/").removesuffix(".py").split("/")
    if any(p == "views" or p.endswith("_views") for p in parts):
        return True
    return any((analysis.static_qual(d, fn.module) or "").startswith(_VIEW_DECORATORS)
               for d in fn.node.decorator_list)


_VIEW_DECORATORS = ("django.views.decorators", "django.contrib.auth.decorators", "rest_framework.decorators",
                    "django.contrib.admin.views.decorators")

_LABELS = {
    "flask": "route parameter `{}`", "django": "URL parameter `{}`", "fastapi": "request parameter `{}`",
    "graphene": "GraphQL argument `{}`", "strawberry": "GraphQL argument `{}`",
}


def _password(name: str) -> bool:
    from .interpreter import PASSWORD_NAME

    return bool(PASSWORD_NAME.search(name))


def self_value(analysis: Analysis, cls: ClassInfo) -> Val:
    return Val(qual=cls.qual, inst=True)


def _defaults(args: ast.arguments) -> dict[str, ast.expr]:
    positional = [*args.posonlyargs, *args.args]
    out = {a.arg: d for a, d in zip(positional[len(positional) - len(args.defaults):], args.defaults)}
    out.update({a.arg: d for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is not None})
    return out


def _typed(analysis: Analysis, module: ModuleInfo, typed: list[TypedParam], arg: ast.arg,
           default: ast.expr | None, models: Models) -> TypedParam | None:
    annotation = arg.annotation
    metadata: list[ast.expr] = []
    if isinstance(annotation, ast.Subscript) and (dotted(annotation.value, module.aliases) or "").endswith(
            "Annotated"):
        elts = annotation.slice.elts if isinstance(annotation.slice, ast.Tuple) else [annotation.slice]
        annotation, metadata = elts[0], list(elts[1:])
    annotated = models.canonical(dotted(annotation, module.aliases)) if annotation is not None else None
    calls = [models.canonical(dotted(m.func, module.aliases)) for m in [*metadata, default]
             if isinstance(m, ast.Call)]
    for tp in typed:
        if tp.name and tp.name == arg.arg and not tp.annotation:
            return tp
        if tp.annotation and annotated == models.canonical(tp.annotation):
            return tp
        if tp.default_call and models.canonical(tp.default_call) in calls:
            return tp
    return None
