"""HTML and templates: autoescaping off, markup marked safe, template source built from input
(BMB102, BMB111)."""

from __future__ import annotations

import ast

from ...core.findings import Category, Fix, Severity
from ...core.rules import rule
from ..ast_helpers import (
    argument,
    call_with,
    has_double_star,
    is_const,
    keyword_value,
    rewrite,
)
from ..base import Findings, NodeContext, call_name
from .dispatch import checks
from .strings import built_string, value_is_safe

# ---------------------------------------------------------------------------------------------------------
# BMB102 HTML autoescaping off · BMB111 template source built from input
# ---------------------------------------------------------------------------------------------------------

AUTOESCAPE_OFF = rule(
    "BMB102", "html-autoescape-off", "HTML autoescaping is off", Severity.high,
    category=Category.security, analyzer="security",
    why="Without autoescaping every value rendered into HTML is markup: a user name like "
    "`<script>…</script>` runs in other users' browsers (stored or reflected XSS).",
    recommendation="Create the environment with `autoescape=select_autoescape()` (or `True`); mark only trusted, "
    "already-escaped strings safe.",
    references=("CWE-79", "A03:2021-Injection"),
    supersedes=("S701", "S704", "S308"),
    bad='env = jinja2.Environment(loader=FileSystemLoader("templates"))',
    good='env = jinja2.Environment(loader=FileSystemLoader("templates"), autoescape=select_autoescape())',
)
TEMPLATE_INJECTION = rule(
    "BMB111", "template-built-from-input", "Template source is built from a variable value", Severity.high,
    category=Category.security, analyzer="security",
    why="Jinja2 template text is code: input spliced into the template source (not passed as a variable) "
    "lets an attacker run `{{ ''.__class__.__mro__ … }}` payloads on the server (SSTI).",
    recommendation="Keep the template text constant and pass values as render variables: "
    "`render_template_string(TEMPLATE, name=name)`.",
    references=("CWE-1336", "CWE-94", "A03:2021-Injection"),
    supersedes=(),
    bad='render_template_string(f"<h1>Hello {name}</h1>")',
    good='render_template_string("<h1>Hello {{ name }}</h1>", name=name)',
)

_MARKUP = {"markupsafe.Markup", "jinja2.Markup", "flask.Markup", "jinja2.utils.Markup",
           "django.utils.safestring.mark_safe", "django.utils.safestring.SafeString",
           "django.utils.html.mark_safe"}


@checks.on("Environment", "SandboxedEnvironment")
def check_jinja_environment(node: ast.Call, ctx: NodeContext) -> Findings:
    if not (ctx.qualname(node.func) or "").startswith("jinja2"):
        return
    value = keyword_value(node, "autoescape")
    if value is None and has_double_star(node):
        return
    if value is None or is_const(value, False):
        code = rewrite(ctx.source, node, node, call_with(ctx.source, node, set_keywords={"autoescape": "select_autoescape()"}))
        yield ctx.finding(
            AUTOESCAPE_OFF, node,
            title="jinja2 Environment renders HTML without autoescaping"
            + (" (autoescape=False)" if value is not None else " (the default is off)"),
            fix=Fix(description="Turn autoescaping on for HTML/XML templates "
                                "(`from jinja2 import select_autoescape`).", code=code),
        )


@checks.on("Template")
def check_jinja_template(node: ast.Call, ctx: NodeContext) -> Findings:
    if not (ctx.qualname(node.func) or "").startswith("jinja2"):
        return
    template = argument(node, 0, "source")
    if template is not None:
        built = built_string(template, value_is_safe(ctx, node.lineno, set()))
        if built is not None and built.dynamic:
            yield ctx.finding(TEMPLATE_INJECTION, node, title="jinja2 Template source is built with "
                              f"{built.kind} from a variable value")
            return
    value = keyword_value(node, "autoescape")
    if (value is None and not has_double_star(node)) or is_const(value, False):
        code = rewrite(ctx.source, node, node, call_with(ctx.source, node, set_keywords={"autoescape": "True"}))
        yield ctx.finding(
            AUTOESCAPE_OFF, node, title="jinja2 Template() renders without autoescaping",
            fix=Fix(description="Pass autoescape=True, or load templates from an Environment with "
                                "select_autoescape().", code=code),
        )


@checks.on("render_template_string", "from_string")
def check_template_string(node: ast.Call, ctx: NodeContext) -> Findings:
    name = call_name(node, ctx)
    qualname = ctx.qualname(node.func) or ""
    if name == "render_template_string" and not qualname.startswith(("flask", "quart", "render_template")):
        return
    template = argument(node, 0, "source")
    if template is None:
        return
    built = built_string(template, value_is_safe(ctx, node.lineno, set()))
    if built is not None and built.dynamic:
        yield ctx.finding(
            TEMPLATE_INJECTION, node, title=f"Template source for {name}() is built with {built.kind}",
            fix=Fix(description="Put `{{ name }}` placeholders in a constant template and pass the values "
                                "as keyword arguments."),
        )


@checks.on("Markup", "mark_safe", "SafeString")
def check_markup(node: ast.Call, ctx: NodeContext) -> Findings:
    if ctx.qualname(node.func) not in _MARKUP or not node.args:
        return
    # only markup *built here* from variable values is reported: a plain variable is usually the output of
    # escape()/format_html()/a renderer, and frameworks pass those around by design (ruff's S308/S704 still
    # list every call for a manual audit)
    built = built_string(node.args[0], value_is_safe(ctx, node.lineno, set()))
    if built is not None and built.dynamic:
        function = ast.unparse(node.func)
        yield ctx.finding(
            AUTOESCAPE_OFF, node, title=f"{function}() marks HTML built with {built.kind} from variable values as safe",
            fix=Fix(description="Escape the value first, e.g. `Markup('<b>{}</b>').format(value)` or "
                                "Django's `format_html('<b>{}</b>', value)`."),
        )
