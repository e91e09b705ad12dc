"""Web-framework configuration in code: debug mode on, CORS open to every origin with credentials
(BMB103, BMB108)."""

from __future__ import annotations

import ast

from ...core.findings import Category, Fix, Severity
from ...core.rules import rule
from ..ast_helpers import (
    assignment_targets,
    call_with,
    const_str,
    has_double_star,
    is_const,
    keyword_value,
    last_name,
    passed_keywords,
    rewrite,
    strings_in,
)
from ..base import Findings, NodeContext, call_name
from .dispatch import checks
from .facts import at_module_level, module_facts

# ---------------------------------------------------------------------------------------------------------
# BMB103 debug mode on
# ---------------------------------------------------------------------------------------------------------

DEBUG_MODE = rule(
    "BMB103", "debug-mode-on", "Debug mode is switched on in code", Severity.high,
    category=Category.security, analyzer="security",
    why="Flask/Werkzeug's debugger runs any Python typed into the error page, so a reachable debug server is "
    "remote code execution; Django and Starlette debug pages leak settings, SQL and source code.",
    recommendation="Read the flag from the environment, default off: `debug=os.environ.get(\"FLASK_DEBUG\") == \"1\"`, "
    "`DEBUG = os.environ.get(\"DJANGO_DEBUG\", \"\") == \"1\"`.",
    references=("CWE-489", "CWE-215", "A05:2021-Security Misconfiguration"),
    supersedes=("S201",),
    bad="app.run(debug=True)",
    good='app.run(debug=os.environ.get("FLASK_DEBUG") == "1")',
)

_RUNNERS = {"run", "run_server", "run_simple"}
_APP_RECEIVERS = {"app", "application", "api", "server", "socketio", "flask_app", "webapp"}
_DEBUG_APPS = {"FastAPI", "Starlette", "Quart", "Sanic"}


def _debug_fix(ctx: NodeContext, span: ast.AST, target: ast.AST, variable: str) -> Fix:
    replacement = f'os.environ.get("{variable}", "") == "1"'
    return Fix(description=f"Read the flag from the environment (off unless {variable}=1).",
               code=rewrite(ctx.source, span, target, replacement))


def _is_app_runner(node: ast.Call, name: str, qualname: str, ctx: NodeContext) -> bool:
    """``app.run`` / ``socketio.run`` / ``run_simple``, not ``unittest``'s or ``asyncio``'s run(debug=True)."""
    if name != "run":
        return True
    if qualname.startswith(("flask", "werkzeug", "uvicorn", "quart", "sanic")):
        return True
    receiver = node.func.value if isinstance(node.func, ast.Attribute) else None
    return isinstance(receiver, ast.Name) and (
        receiver.id in _APP_RECEIVERS or receiver.id in module_facts(ctx).app_names
    )


_DEBUG_KEYWORDS = ("debug", "use_debugger")


@checks.on(keywords=_DEBUG_KEYWORDS)
def check_debug_keyword(node: ast.Call, ctx: NodeContext) -> Findings:
    name = call_name(node, ctx)
    qualname = ctx.qualname(node.func) or ""
    for kw in passed_keywords(node, _DEBUG_KEYWORDS):
        if not is_const(kw.value, True):
            continue
        if name in _RUNNERS and _is_app_runner(node, name, qualname, ctx):
            yield ctx.finding(DEBUG_MODE, node, title=f"{ast.unparse(node.func)}(…, {kw.arg}=True) runs the "
                              "server in debug mode", fix=_debug_fix(ctx, node, kw.value, "FLASK_DEBUG"))
        elif name in _DEBUG_APPS:
            yield ctx.finding(DEBUG_MODE, node, severity=Severity.medium,
                              title=f"{name}(debug=True) returns tracebacks to clients",
                              fix=_debug_fix(ctx, node, kw.value, "APP_DEBUG"))


@checks.on(keywords=("DEBUG",))
def check_config_update_debug(node: ast.Call, ctx: NodeContext) -> Findings:
    for kw in passed_keywords(node, ("DEBUG",)):
        if call_name(node, ctx) == "update" and is_const(kw.value, True):
            yield ctx.finding(DEBUG_MODE, node, title="config.update(DEBUG=True) switches debug mode on",
                              fix=_debug_fix(ctx, node, kw.value, "FLASK_DEBUG"))


@checks.on(ast.Assign, ast.AnnAssign)
def check_debug_assignment(node: ast.Assign | ast.AnnAssign, ctx: NodeContext) -> Findings:
    if not is_const(node.value, True):
        return
    for target in assignment_targets(node):
        if isinstance(target, ast.Name) and target.id == "DEBUG":
            if at_module_level(ctx) and module_facts(ctx).is_django_settings:
                yield ctx.finding(DEBUG_MODE, node, severity=Severity.medium,
                                  title="DEBUG = True in Django settings",
                                  fix=_debug_fix(ctx, node, node.value, "DJANGO_DEBUG"))
        elif isinstance(target, ast.Attribute) and target.attr == "debug":
            receiver = target.value
            facts = module_facts(ctx)
            if isinstance(receiver, ast.Name) and (receiver.id in facts.app_names or receiver.id == "app"):
                yield ctx.finding(DEBUG_MODE, node, title=f"{receiver.id}.debug = True switches the debugger on",
                                  fix=_debug_fix(ctx, node, node.value, "FLASK_DEBUG"))
        elif (
            isinstance(target, ast.Subscript) and const_str(target.slice) == "DEBUG"
            and isinstance(target.value, ast.Attribute) and target.value.attr == "config"
        ):
            yield ctx.finding(DEBUG_MODE, node, title='config["DEBUG"] = True switches debug mode on',
                              fix=_debug_fix(ctx, node, node.value, "FLASK_DEBUG"))

# ---------------------------------------------------------------------------------------------------------
# BMB108 CORS: any origin with credentials
# ---------------------------------------------------------------------------------------------------------

CORS_WILDCARD_CREDENTIALS = rule(
    "BMB108", "cors-any-origin-with-credentials", "CORS allows any origin together with credentials", Severity.high,
    category=Category.security, analyzer="security",
    why="With credentials allowed the CORS layer reflects the caller's origin, so any web page a logged-in "
    "user visits can call this API with their cookies and read the responses.",
    recommendation="List the origins that may call the API (`origins=[\"https://app.example.com\"]`) or drop credentials "
    "for public endpoints.",
    references=("CWE-942", "CWE-346", "A05:2021-Security Misconfiguration"),
    supersedes=(),
    bad='from flask_cors import CORS\nCORS(app, supports_credentials=True)',
    good='from flask_cors import CORS\nCORS(app, origins=["https://app.example.com"], supports_credentials=True)',
)

_WILDCARD_REGEXES = {".*", ".+", "^.*$", "^.+$", "*", "https?://.*", "^https?://.*$"}


def _is_wildcard(node: ast.AST | None) -> bool:
    return node is not None and any(s in _WILDCARD_REGEXES for s in strings_in(node))


def _cors_fix(ctx: NodeContext, node: ast.Call, keyword_name: str) -> Fix:
    code = rewrite(ctx.source, node, node, call_with(
        ctx.source, node, set_keywords={keyword_name: '["https://app.example.com"]'}, drop_keywords={"resources"}
        if keyword_name == "origins" else {"allow_origin_regex"}))
    return Fix(description="Name the origins allowed to send credentialed requests.", code=code)


@checks.on("CORS", "cross_origin")
def check_flask_cors(node: ast.Call, ctx: NodeContext) -> Findings:
    if not (ctx.qualname(node.func) or "").startswith("flask_cors") or has_double_star(node):
        return
    if not is_const(keyword_value(node, "supports_credentials"), True):
        return
    origins = keyword_value(node, "origins")
    everyone = origins is None or _is_wildcard(origins)  # flask-cors allows every origin by default
    resources = keyword_value(node, "resources")
    if isinstance(resources, ast.Dict) and resources.values:
        # per-resource options override the top-level origins
        per_resource = []
        for options in resources.values:
            own = None
            if isinstance(options, ast.Dict):
                own = next((v for k, v in zip(options.keys, options.values) if const_str(k) == "origins"), None)
            per_resource.append(_is_wildcard(own) if own is not None else everyone)
        everyone = any(per_resource)
    if everyone:
        yield ctx.finding(CORS_WILDCARD_CREDENTIALS, node,
                          title="flask-cors allows every origin with supports_credentials=True",
                          fix=_cors_fix(ctx, node, "origins"))


@checks.on("add_middleware", "Middleware", "CORSMiddleware")
def check_starlette_cors(node: ast.Call, ctx: NodeContext) -> Findings:
    name = call_name(node, ctx)
    if name != "CORSMiddleware" and not (node.args and last_name(node.args[0]) == "CORSMiddleware"):
        return
    if not is_const(keyword_value(node, "allow_credentials"), True):
        return
    if _is_wildcard(keyword_value(node, "allow_origins")):
        yield ctx.finding(CORS_WILDCARD_CREDENTIALS, node,
                          title='CORSMiddleware allow_origins=["*"] with allow_credentials=True',
                          fix=_cors_fix(ctx, node, "allow_origins"))
    elif _is_wildcard(keyword_value(node, "allow_origin_regex")):
        yield ctx.finding(CORS_WILDCARD_CREDENTIALS, node,
                          title="CORSMiddleware allow_origin_regex matches every origin, with credentials",
                          fix=_cors_fix(ctx, node, "allow_origins"))


@checks.on(ast.Assign, ast.AnnAssign)
def check_django_cors(node: ast.Assign | ast.AnnAssign, ctx: NodeContext) -> Findings:
    for target in assignment_targets(node):
        if not (isinstance(target, ast.Name) and target.id in ("CORS_ALLOW_ALL_ORIGINS", "CORS_ORIGIN_ALLOW_ALL")):
            continue
        credentials = module_facts(ctx).assignments.get("CORS_ALLOW_CREDENTIALS")
        if is_const(node.value, True) and at_module_level(ctx) and is_const(credentials, True):
            yield ctx.finding(
                CORS_WILDCARD_CREDENTIALS, node, title=f"{target.id} = True with CORS_ALLOW_CREDENTIALS = True",
                fix=Fix(description="List the allowed origins instead.",
                        code='CORS_ALLOWED_ORIGINS = ["https://app.example.com"]'),
            )
