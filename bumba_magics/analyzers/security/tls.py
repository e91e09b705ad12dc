"""Transport: TLS certificate or hostname verification switched off (BMB105)."""

from __future__ import annotations

import ast

from ...core.findings import Category, Fix, Severity
from ...core.rules import rule
from ..ast_helpers import (
    assignment_targets,
    const_str,
    is_const,
    passed_keywords,
    rewrite,
)
from ..base import Findings, NodeContext, call_name
from .dispatch import checks

# ---------------------------------------------------------------------------------------------------------
# BMB105 TLS certificate verification off
# ---------------------------------------------------------------------------------------------------------

TLS_UNVERIFIED = rule(
    "BMB105", "tls-verification-off", "TLS certificate verification is off", Severity.high,
    category=Category.security, analyzer="security",
    why="Without certificate checks anyone on the network path (public Wi-Fi, a compromised proxy) can "
    "impersonate the server and read or change the traffic, including credentials and tokens.",
    recommendation="Leave verification on (`verify=True`, the default); for a private CA pass its bundle: "
    "`verify=\"/etc/ssl/private-ca.pem\"` or `ssl.create_default_context(cafile=...)`.",
    references=("CWE-295", "A07:2021-Identification and Authentication Failures"),
    supersedes=("S501", "S323"),
    bad='requests.get(url, verify=False)',
    good='requests.get(url, verify="/etc/ssl/certs/internal-ca.pem")',
)

_HTTP_CALLS = {"get", "post", "put", "patch", "delete", "head", "options", "request", "stream", "send",
               "Client", "AsyncClient", "ClientSession", "TCPConnector", "ws_connect", "urlopen",
               "PoolManager", "ProxyManager", "HTTPSConnectionPool", "connection_from_url"}


def _tls_fix(ctx: NodeContext, node: ast.Call, kw: ast.keyword, value: str) -> Fix:
    return Fix(description=f"Verify certificates ({kw.arg}={value}); pass a CA bundle path for a private CA.",
               code=rewrite(ctx.source, node, kw.value, value))


_VERIFY_KEYWORDS = ("verify", "verify_ssl", "ssl")


@checks.on(keywords=_VERIFY_KEYWORDS)
def check_verify_false(node: ast.Call, ctx: NodeContext) -> Findings:
    qualname = ctx.qualname(node.func) or ""
    if qualname.startswith(("jwt", "jose")):
        return  # old PyJWT's verify=False skips the signature check: hardening's BMB155 reports that
    name = call_name(node, ctx)
    http = name in _HTTP_CALLS or qualname.startswith(("requests", "httpx", "aiohttp", "urllib3"))
    for kw in passed_keywords(node, _VERIFY_KEYWORDS):
        if is_const(kw.value, False) and (http or kw.arg == "verify_ssl"):
            replacement = "None" if kw.arg == "ssl" else "True"
            yield ctx.finding(TLS_UNVERIFIED, node, title=f"{ast.unparse(node.func)}(…, {kw.arg}=False) "
                              "accepts any certificate", fix=_tls_fix(ctx, node, kw, replacement))


def _is_cert_none(node: ast.AST | None, ctx: NodeContext) -> bool:
    if node is None:
        return False
    return const_str(node) == "CERT_NONE" or (ctx.qualname(node) or "").endswith("CERT_NONE")


@checks.on(keywords=("cert_reqs",))
def check_cert_reqs(node: ast.Call, ctx: NodeContext) -> Findings:
    for kw in passed_keywords(node, ("cert_reqs",)):
        if _is_cert_none(kw.value, ctx):
            yield ctx.finding(TLS_UNVERIFIED, node, title="cert_reqs=CERT_NONE accepts any certificate",
                              fix=_tls_fix(ctx, node, kw, '"CERT_REQUIRED"'))


@checks.on("_create_unverified_context")
def check_unverified_context_call(node: ast.Call, ctx: NodeContext) -> Findings:
    if (ctx.qualname(node.func) or "").startswith("ssl."):
        yield ctx.finding(TLS_UNVERIFIED, node, title="ssl._create_unverified_context() skips certificate checks",
                          fix=Fix(description="Use a verifying context.",
                                  code=rewrite(ctx.source, node, node, "ssl.create_default_context()")))


@checks.on("disable_warnings")
def check_disable_warnings(node: ast.Call, ctx: NodeContext) -> Findings:
    if "urllib3" not in (ctx.qualname(node.func) or ""):
        return
    if not node.args or any("InsecureRequestWarning" in ast.unparse(a) for a in node.args):
        yield ctx.finding(
            TLS_UNVERIFIED, node, severity=Severity.medium,
            title="urllib3.disable_warnings() hides the warning about unverified HTTPS requests",
            fix=Fix(description="Remove the call and fix the requests it silences (verify=True or a CA bundle)."),
        )


@checks.on(ast.Assign, ast.AnnAssign)
def check_tls_assignment(node: ast.Assign | ast.AnnAssign, ctx: NodeContext) -> Findings:
    for target in assignment_targets(node):
        if isinstance(target, ast.Attribute):
            yield from _tls_setting(node, target, ctx)


def _tls_setting(node: ast.Assign | ast.AnnAssign, target: ast.Attribute, ctx: NodeContext) -> Findings:
    value = node.value
    if target.attr == "check_hostname" and is_const(value, False):
        yield ctx.finding(TLS_UNVERIFIED, node, title="check_hostname = False accepts a certificate for any host",
                          fix=Fix(description="Keep hostname checking on.",
                                  code=rewrite(ctx.source, node, value, "True")))
    elif target.attr == "verify_mode" and _is_cert_none(value, ctx):
        yield ctx.finding(TLS_UNVERIFIED, node, title="verify_mode = CERT_NONE accepts any certificate",
                          fix=Fix(description="Require a valid certificate.",
                                  code=rewrite(ctx.source, node, value, "ssl.CERT_REQUIRED")))
    elif target.attr == "verify" and is_const(value, False):
        yield ctx.finding(TLS_UNVERIFIED, node, title=f"{ast.unparse(target)} = False turns off certificate "
                          "checks for every request of the session",
                          fix=Fix(description="Keep verification on; set a CA bundle path for a private CA.",
                                  code=rewrite(ctx.source, node, value, "True")))
    elif isinstance(value, ast.Attribute) and value.attr == "_create_unverified_context":
        yield ctx.finding(TLS_UNVERIFIED, node, title="The default HTTPS context is replaced by one that "
                          "skips certificate checks",
                          fix=Fix(description="Delete this line; the default context verifies certificates."))
