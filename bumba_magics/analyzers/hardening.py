"""Hardening checks for the ``secure`` command: framework settings, auth, crypto and transport.

These are configuration weaknesses rather than injection bugs: each one is a setting or an algorithm choice
with a known safer value, so every finding carries that value as its fix. They share the call dispatcher of
:mod:`.base`, the per-module facts of :mod:`.security.facts` and run in the same single walk.
"""

from __future__ import annotations

import ast
from urllib.parse import urlsplit

from ..core.findings import Category, Finding, Fix, Severity
from ..core.rules import rule
from .ast_helpers import (
    argument,
    assignment_targets,
    call_with,
    const_str,
    is_const,
    keyword,
    keyword_value,
    passed_keywords,
    py_str,
    rewrite,
    segment,
    strings_in,
)
from .base import AstGroupAnalyzer, Checks, Findings, NodeContext, call_name, register_analyzer
from .security.facts import at_module_level, module_facts

GROUP = "hardening"
checks = Checks(GROUP)


# ---------------------------------------------------------------------------------------------------------
# Framework settings (Django settings modules, Flask config, cookies)
# ---------------------------------------------------------------------------------------------------------

ALLOWED_HOSTS_WILDCARD = rule(
    "BMB150", "django-allowed-hosts-wildcard", 'ALLOWED_HOSTS accepts any host ("*")', Severity.medium,
    category=Category.security, analyzer=GROUP,
    why="Django trusts the Host header only for hosts in ALLOWED_HOSTS; with \"*\" an attacker's Host header "
    "ends up in password-reset links and absolute URLs (host-header poisoning, cache poisoning).",
    recommendation="List the host names the site is served on, e.g. read them from the environment.",
    references=("CWE-644", "A05:2021-Security Misconfiguration"),
    supersedes=(),
    bad='ALLOWED_HOSTS = ["*"]',
    good='ALLOWED_HOSTS = os.environ["ALLOWED_HOSTS"].split(",")',
)
COOKIE_NOT_SECURE = rule(
    "BMB151", "cookie-without-secure-flag", "Cookie is sent over plain HTTP (Secure flag off)", Severity.medium,
    category=Category.security, analyzer=GROUP,
    why="A cookie without the Secure flag is also sent on http:// requests, where anyone on the network can "
    "read it and take over the session.",
    recommendation="Set SESSION_COOKIE_SECURE / CSRF_COOKIE_SECURE = True (and `secure=True` on set_cookie) in production.",
    references=("CWE-614", "A05:2021-Security Misconfiguration"),
    supersedes=(),
    bad="SESSION_COOKIE_SECURE = False",
    good="SESSION_COOKIE_SECURE = True",
)
COOKIE_NOT_HTTPONLY = rule(
    "BMB152", "cookie-without-httponly-flag", "Session cookie readable by JavaScript (HttpOnly off)", Severity.medium,
    category=Category.security, analyzer=GROUP,
    why="Without HttpOnly any script on the page, including one injected through an XSS bug, can read the "
    "session cookie and send it away.",
    recommendation="Keep SESSION_COOKIE_HTTPONLY = True (the default) and pass `httponly=True` to set_cookie for session "
    "or auth cookies.",
    references=("CWE-1004", "A05:2021-Security Misconfiguration"),
    supersedes=(),
    bad="SESSION_COOKIE_HTTPONLY = False",
    good="SESSION_COOKIE_HTTPONLY = True",
)
SSL_REDIRECT_OFF = rule(
    "BMB153", "django-ssl-redirect-off", "Production settings do not redirect HTTP to HTTPS", Severity.low,
    category=Category.security, analyzer=GROUP,
    why="With DEBUG off these are production settings; without the redirect, users who type the bare domain "
    "stay on plain HTTP, where their traffic can be read and changed.",
    recommendation="Set SECURE_SSL_REDIRECT = True (or redirect at the proxy and say so in a comment).",
    references=("CWE-319", "A02:2021-Cryptographic Failures"),
    supersedes=(),
    bad="DEBUG = False\nSECURE_SSL_REDIRECT = False",
    good="DEBUG = False\nSECURE_SSL_REDIRECT = True",
)
HSTS_OFF = rule(
    "BMB154", "django-hsts-off", "HSTS is switched off (SECURE_HSTS_SECONDS = 0)", Severity.low,
    category=Category.security, analyzer=GROUP,
    why="Without Strict-Transport-Security a browser will still try http:// first, which an attacker on the "
    "network can intercept and downgrade (SSL stripping).",
    recommendation="Set SECURE_HSTS_SECONDS to at least 31536000 once the whole site is served over HTTPS.",
    references=("CWE-319", "A05:2021-Security Misconfiguration"),
    supersedes=(),
    bad="SECURE_HSTS_SECONDS = 0",
    good="SECURE_HSTS_SECONDS = 31536000",
)

_SECURE_FLAGS = {"SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE"}
_HTTPONLY_FLAGS = {"SESSION_COOKIE_HTTPONLY", "REMEMBER_COOKIE_HTTPONLY"}


def _setting_finding(ctx: NodeContext, node: ast.AST, setting: str, value: ast.expr) -> Finding | None:
    """The cookie-flag finding for ``setting = False`` (module constant, config item or update keyword)."""
    if setting in _SECURE_FLAGS:
        rule, fixed = COOKIE_NOT_SECURE, "True"
    elif setting in _HTTPONLY_FLAGS:
        rule, fixed = COOKIE_NOT_HTTPONLY, "True"
    else:
        return None
    return ctx.finding(rule, node, title=f"{setting} = False",
                       fix=Fix(description=f"Turn {setting} on.", code=rewrite(ctx.source, node, value, fixed)))


@checks.on(ast.Assign, ast.AnnAssign)
def check_settings_assignment(node: ast.Assign | ast.AnnAssign, ctx: NodeContext) -> Findings:
    for target in assignment_targets(node):
        yield from _setting_assigned(node, target, ctx)


def _setting_assigned(node: ast.Assign | ast.AnnAssign, target: ast.expr, ctx: NodeContext) -> Findings:
    value = node.value
    if isinstance(target, ast.Subscript) and isinstance(target.value, ast.Attribute) and target.value.attr == "config":
        setting = const_str(target.slice)  # app.config["SESSION_COOKIE_SECURE"] = False
        if setting and is_const(value, False):
            yield _setting_finding(ctx, node, setting, value)
        return
    if not isinstance(target, ast.Name) or not at_module_level(ctx):
        return
    name = target.id
    if is_const(value, False):
        yield _setting_finding(ctx, node, name, value)
    if name == "ALLOWED_HOSTS" and "*" in strings_in(value):
        yield ctx.finding(ALLOWED_HOSTS_WILDCARD, node, fix=Fix(
            description="Name the hosts; keep them in the environment so each deployment sets its own.",
            code=rewrite(ctx.source, node, value, 'os.environ["ALLOWED_HOSTS"].split(",")')))
    facts = module_facts(ctx)
    if not facts.is_django_settings:
        return
    if name == "SECURE_SSL_REDIRECT" and is_const(value, False) and is_const(facts.assignments.get("DEBUG"), False):
        yield ctx.finding(SSL_REDIRECT_OFF, node, title="SECURE_SSL_REDIRECT = False while DEBUG = False",
                          fix=Fix(description="Redirect plain HTTP to HTTPS.",
                                  code=rewrite(ctx.source, node, value, "True")))
    if name == "SECURE_HSTS_SECONDS" and is_const(value, 0):
        yield ctx.finding(HSTS_OFF, node, fix=Fix(description="Ask browsers to use HTTPS only, for a year.",
                                                  code=rewrite(ctx.source, node, value, "31_536_000")))


@checks.on(keywords=(*_SECURE_FLAGS, *_HTTPONLY_FLAGS))
def check_config_update(node: ast.Call, ctx: NodeContext) -> Findings:
    """``app.config.update(SESSION_COOKIE_SECURE=False)``."""
    if call_name(node, ctx) != "update":
        return
    for kw in passed_keywords(node, (*_SECURE_FLAGS, *_HTTPONLY_FLAGS)):
        if kw.arg and is_const(kw.value, False):
            yield _setting_finding(ctx, node, kw.arg, kw.value)


@checks.on("set_cookie")
def check_set_cookie(node: ast.Call, ctx: NodeContext) -> Findings:
    for flag, cookie_rule in (("secure", COOKIE_NOT_SECURE), ("httponly", COOKIE_NOT_HTTPONLY)):
        found = keyword(node, flag)
        if found is not None and is_const(found.value, False):
            yield ctx.finding(cookie_rule, node, title=f"set_cookie(…, {flag}=False)",
                              fix=Fix(description=f"Set {flag}=True.",
                                      code=rewrite(ctx.source, node, found.value, "True")))


# ---------------------------------------------------------------------------------------------------------
# Auth: JWT decoding without a signature check
# ---------------------------------------------------------------------------------------------------------

JWT_UNVERIFIED = rule(
    "BMB155", "jwt-signature-not-verified", "JWT accepted without verifying its signature", Severity.high,
    category=Category.security, analyzer=GROUP,
    why="A token whose signature is not checked (or that may use the \"none\" algorithm) can be written by "
    "anyone: changing `sub` or `role` in the payload logs the attacker in as any user.",
    recommendation="Verify with the expected key and an explicit algorithm list: "
    "`jwt.decode(token, key, algorithms=[\"HS256\"])`.",
    references=("CWE-347", "A07:2021-Identification and Authentication Failures"),
    supersedes=(),
    bad='jwt.decode(token, options={"verify_signature": False})',
    good='jwt.decode(token, key, algorithms=["HS256"])',
)


def _disables_signature(options: ast.expr | None) -> bool:
    if not isinstance(options, ast.Dict):
        return False
    return any(
        const_str(k) in ("verify_signature", "verify") and is_const(v, False)
        for k, v in zip(options.keys, options.values)
    )


@checks.on("decode")
def check_jwt_decode(node: ast.Call, ctx: NodeContext) -> Findings:
    qualname = ctx.qualname(node.func) or ""
    if not qualname.startswith(("jwt.", "jose.")):
        return
    args = None  # keep the caller's arguments, adding a key when the unverified call had none
    if len(node.args) == 1 and keyword(node, "key") is None:
        args = [segment(ctx.source, node.args[0]), "key"]
    fixed = call_with(ctx.source, node, args=args, drop_keywords={"options", "verify"},
                      set_keywords={"algorithms": '["HS256"]'})
    fix = Fix(description="Verify the signature with the expected key and algorithm.",
              code=rewrite(ctx.source, node, node, fixed))
    if _disables_signature(keyword_value(node, "options")):
        yield ctx.finding(JWT_UNVERIFIED, node, title=f"{qualname}() with verify_signature False", fix=fix)
    elif is_const(keyword_value(node, "verify"), False):
        yield ctx.finding(JWT_UNVERIFIED, node, title=f"{qualname}(…, verify=False) skips the signature", fix=fix)
    elif any(s.lower() == "none" for s in strings_in(keyword_value(node, "algorithms") or ast.Constant(None))):
        yield ctx.finding(JWT_UNVERIFIED, node, title=f'{qualname}() accepts the "none" algorithm', fix=fix)


# ---------------------------------------------------------------------------------------------------------
# Crypto: broken ciphers, ECB, short keys
# ---------------------------------------------------------------------------------------------------------

WEAK_CIPHER = rule(
    "BMB156", "broken-cipher", "Broken or obsolete cipher", Severity.high,
    category=Category.security, analyzer=GROUP,
    why="DES keys are brute-forced in hours, RC4's keystream is biased, and 64-bit block ciphers (3DES, "
    "Blowfish, IDEA, CAST5) leak plaintext after a few GB (Sweet32): the data is not confidential.",
    recommendation="Use an authenticated AES mode: `AESGCM(key).encrypt(nonce, data, aad)` from cryptography, or "
    "ChaCha20-Poly1305; for a simple API use `cryptography.fernet.Fernet`.",
    references=("CWE-327", "A02:2021-Cryptographic Failures"),
    supersedes=("S304",),
    bad="from Crypto.Cipher import DES\ncipher = DES.new(key, DES.MODE_CBC, iv)",
    good="from Crypto.Cipher import AES\ncipher = AES.new(key, AES.MODE_GCM)",
)
ECB_MODE = rule(
    "BMB157", "ecb-mode", "Block cipher in ECB mode", Severity.medium,
    category=Category.security, analyzer=GROUP,
    why="ECB encrypts equal blocks to equal ciphertext, so patterns in the data (the famous penguin) and "
    "repeated records show through, and blocks can be cut and pasted undetected.",
    recommendation="Use an authenticated mode with a fresh nonce: AES-GCM (`AES.new(key, AES.MODE_GCM)`, "
    "`modes.GCM(iv)`).",
    references=("CWE-327", "A02:2021-Cryptographic Failures"),
    supersedes=("S305",),
    bad="from Crypto.Cipher import AES\ncipher = AES.new(key, AES.MODE_ECB)",
    good="from Crypto.Cipher import AES\ncipher = AES.new(key, AES.MODE_GCM)",
)
SHORT_KEY = rule(
    "BMB158", "short-asymmetric-key", "RSA/DSA key shorter than 2048 bits", Severity.high,
    category=Category.security, analyzer=GROUP,
    why="1024-bit RSA/DSA keys are within reach of well-funded attackers and are rejected by current TLS and "
    "signing policies; data signed or encrypted with them cannot be trusted for long.",
    recommendation="Generate at least 2048-bit keys (3072 for data that must stay safe past 2030), or use Ed25519 / "
    "X25519.",
    references=("CWE-326", "A02:2021-Cryptographic Failures"),
    supersedes=("S505",),
    bad="rsa.generate_private_key(public_exponent=65537, key_size=1024)",
    good="rsa.generate_private_key(public_exponent=65537, key_size=3072)",
)

_BROKEN_PYCRYPTO = {"DES", "DES3", "ARC4", "ARC2", "Blowfish", "CAST", "XOR"}
_BROKEN_CRYPTOGRAPHY = {"TripleDES", "ARC4", "Blowfish", "IDEA", "CAST5", "SEED"}


@checks.on("new")
def check_pycryptodome_cipher(node: ast.Call, ctx: NodeContext) -> Findings:
    parts = (ctx.qualname(node.func) or "").split(".")
    if len(parts) < 4 or parts[0] not in ("Crypto", "Cryptodome") or parts[1] != "Cipher":
        return
    cipher = parts[-2]
    if cipher in _BROKEN_PYCRYPTO:
        yield ctx.finding(WEAK_CIPHER, node, title=f"{cipher} is broken or obsolete",
                          fix=Fix(description="Encrypt with AES-GCM (new key, fresh nonce per message).",
                                  code=rewrite(ctx.source, node, node, "AES.new(key, AES.MODE_GCM)")))
        return
    mode = argument(node, 1, "mode")
    if mode is not None and (ctx.qualname(mode) or "").endswith("MODE_ECB"):
        yield ctx.finding(ECB_MODE, node, title=f"{cipher} in ECB mode",
                          fix=Fix(description="Use GCM; keep the nonce with the ciphertext.",
                                  code=rewrite(ctx.source, node, mode, mode.value.id + ".MODE_GCM"
                                               if isinstance(mode, ast.Attribute)
                                               and isinstance(mode.value, ast.Name) else "AES.MODE_GCM")))


@checks.on(*_BROKEN_CRYPTOGRAPHY, "ECB")
def check_cryptography_cipher(node: ast.Call, ctx: NodeContext) -> Findings:
    qualname = ctx.qualname(node.func) or ""
    name = call_name(node, ctx)
    if not (qualname.startswith("cryptography") or qualname.split(".")[0] in ("algorithms", "modes")):
        return
    if name == "ECB":
        yield ctx.finding(ECB_MODE, node, title="cryptography modes.ECB()",
                          fix=Fix(description="Use AESGCM from cryptography.hazmat.primitives.ciphers.aead, or "
                                              "modes.GCM(iv) with a fresh 12-byte iv."))
    else:
        yield ctx.finding(WEAK_CIPHER, node, title=f"{name} is broken or obsolete",
                          fix=Fix(description="Use AESGCM (cryptography.hazmat.primitives.ciphers.aead)."))


def _key_size_argument(node: ast.Call, qualname: str) -> ast.expr | None:
    if ".rsa." in f".{qualname}" and qualname.endswith("generate_private_key"):
        return argument(node, 1, "key_size")
    if ".dsa." in f".{qualname}" and qualname.endswith("generate_private_key"):
        return argument(node, 0, "key_size")
    if qualname.startswith(("Crypto.PublicKey.", "Cryptodome.PublicKey.")) and qualname.split(".")[-2] in (
        "RSA", "DSA"
    ):
        return argument(node, 0, "bits")
    return None


@checks.on("generate_private_key", "generate")
def check_key_size(node: ast.Call, ctx: NodeContext) -> Findings:
    qualname = ctx.qualname(node.func) or ""
    size = _key_size_argument(node, qualname)
    if isinstance(size, ast.Constant) and isinstance(size.value, int) and size.value < 2048:
        yield ctx.finding(SHORT_KEY, node, title=f"{size.value}-bit key from {qualname}()",
                          fix=Fix(description="Generate a 3072-bit key.",
                                  code=rewrite(ctx.source, node, size, "3072")))


# ---------------------------------------------------------------------------------------------------------
# Transport: listening on every interface, plain http, old TLS versions
# ---------------------------------------------------------------------------------------------------------

BIND_ALL = rule(
    "BMB159", "server-binds-all-interfaces", "Server listens on every network interface", Severity.low,
    category=Category.security, analyzer=GROUP,
    why="0.0.0.0 exposes a development server (often with debug on and no auth) to everyone on the same "
    "network, not only to this machine.",
    recommendation="Bind to 127.0.0.1 for local work; in a container, read the host from the environment.",
    references=("CWE-1327", "A05:2021-Security Misconfiguration"),
    supersedes=("S104",),
    bad='app.run(host="0.0.0.0")',
    good='app.run(host=os.environ.get("HOST", "127.0.0.1"))',
)
PLAIN_HTTP = rule(
    "BMB160", "plain-http-request", "Request sent over plain http://", Severity.low,
    category=Category.security, analyzer=GROUP,
    why="Over plain HTTP the request, its credentials and the response can be read and changed by anyone on "
    "the path; a tampered response is then trusted as if it came from the service.",
    recommendation="Call the https:// URL; if the service has no TLS, put it behind a TLS-terminating proxy.",
    references=("CWE-319", "A02:2021-Cryptographic Failures"),
    supersedes=(),
    bad='requests.get("http://api.example.com/users")',
    good='requests.get("https://api.example.com/users")',
)
OLD_TLS = rule(
    "BMB161", "obsolete-tls-version", "Obsolete SSL/TLS version or wrap_socket", Severity.medium,
    category=Category.security, analyzer=GROUP,
    why="SSLv2/3 and TLS 1.0/1.1 have practical attacks (POODLE, BEAST) and are disabled by modern servers; "
    "`ssl.wrap_socket` does not check the host name and was removed in Python 3.12.",
    recommendation="Use `ssl.create_default_context()` (TLS 1.2+, certificate and host-name checks) and "
    "`context.wrap_socket(sock, server_hostname=host)`.",
    references=("CWE-326", "CWE-757", "A02:2021-Cryptographic Failures"),
    supersedes=("S502", "S503", "S504"),
    bad="ssl.wrap_socket(sock, ssl_version=ssl.PROTOCOL_TLSv1)",
    good="ssl.create_default_context().wrap_socket(sock, server_hostname=host)",
)

_SERVER_RUNNERS = {"run", "run_app", "run_simple", "serve", "run_server"}
_ALL_INTERFACES = {"0.0.0.0", "::"}
_HTTP_METHODS = {"get", "post", "put", "patch", "delete", "head", "options", "request", "stream"}
_HTTP_CLIENT_RECEIVERS = {"session", "client", "http", "s", "sess", "api"}
_LOOPBACK_SUFFIXES = (".localhost", ".local", ".internal", ".test", ".example", ".invalid")
_OLD_PROTOCOLS = {"PROTOCOL_SSLv2", "PROTOCOL_SSLv3", "PROTOCOL_TLSv1", "PROTOCOL_TLSv1_1", "SSLv2_METHOD",
                  "SSLv3_METHOD", "TLSv1_METHOD", "TLSv1_1_METHOD", "SSLv23_METHOD"}
_OLD_VERSIONS = {"SSLv3", "TLSv1", "TLSv1_1"}


@checks.on(*_SERVER_RUNNERS)
def check_bind_all(node: ast.Call, ctx: NodeContext) -> Findings:
    qualname = ctx.qualname(node.func) or ""
    if qualname.startswith("asyncio"):
        return
    host = keyword_value(node, "host")
    if host is None and call_name(node, ctx) in ("run_simple", "run") and node.args:
        host = node.args[0] if const_str(node.args[0]) is not None else None
    if const_str(host) in _ALL_INTERFACES and const_str(host) is not None:
        yield ctx.finding(BIND_ALL, node, title=f'{ast.unparse(node.func)}() listens on "{host.value}"',  # type: ignore
                          fix=Fix(description="Listen on loopback unless the environment says otherwise.",
                                  code=rewrite(ctx.source, node, host, 'os.environ.get("HOST", "127.0.0.1")')))


def _url_literal(node: ast.expr | None) -> str | None:
    """The literal URL, or the literal start of an f-string / concatenation URL."""
    if node is None:
        return None
    text = const_str(node)
    if text is not None:
        return text
    if isinstance(node, ast.JoinedStr) and node.values:
        return const_str(node.values[0])
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _url_literal(node.left)
    return None


def _is_remote_plain_http(url: str) -> bool:
    if not url.lower().startswith("http://"):
        return False
    host = (urlsplit(url).hostname or "").lower()
    if not host or "{" in host:
        return False
    if host in ("localhost", "0.0.0.0", "::1") or host.startswith("127.") or host.endswith(_LOOPBACK_SUFFIXES):
        return False
    return not host.startswith("169.254.")  # link-local: cloud metadata endpoints have no TLS


@checks.on(*_HTTP_METHODS)
def check_plain_http(node: ast.Call, ctx: NodeContext) -> Findings:
    qualname = ctx.qualname(node.func) or ""
    receiver = node.func.value if isinstance(node.func, ast.Attribute) else None
    client = qualname.startswith(("requests.", "httpx.")) or (
        isinstance(receiver, ast.Name) and receiver.id.lower() in _HTTP_CLIENT_RECEIVERS
    )
    if not client:
        return
    url_node = argument(node, 1, "url") if call_name(node, ctx) == "request" else argument(node, 0, "url")
    url = _url_literal(url_node)
    if url is not None and _is_remote_plain_http(url):
        literal = url_node if const_str(url_node) is not None else None
        code = None
        if literal is not None:
            code = rewrite(ctx.source, node, literal, py_str("https://" + url[7:]))
        yield ctx.finding(PLAIN_HTTP, node, title=f"{ast.unparse(node.func)}() calls {urlsplit(url).hostname} "
                          "over plain http://", fix=Fix(description="Use https://.", code=code))


def _old_protocol(node: ast.AST | None, ctx: NodeContext) -> str | None:
    if node is None:
        return None
    parts = (ctx.qualname(node) or "").split(".")
    if parts[-1] in _OLD_PROTOCOLS and parts[0] in ("ssl", "OpenSSL", "SSL"):
        return parts[-1]
    if len(parts) >= 2 and parts[-2] == "TLSVersion" and parts[-1] in _OLD_VERSIONS:
        return "TLSVersion." + parts[-1]
    return None


@checks.on("SSLContext", "Context", "wrap_socket")
def check_tls_protocol(node: ast.Call, ctx: NodeContext) -> Findings:
    qualname = ctx.qualname(node.func) or ""
    candidates = [*node.args[:1], *(k.value for k in node.keywords if k.arg in ("protocol", "ssl_version",
                                                                                   "method"))]
    protocol = next((p for p in (_old_protocol(c, ctx) for c in candidates) if p), None)
    if protocol is not None:
        yield ctx.finding(OLD_TLS, node, title=f"{protocol} is an obsolete protocol version",
                          fix=Fix(description="Let the default context negotiate TLS 1.2 or newer.",
                                  code=rewrite(ctx.source, node, node, "ssl.create_default_context()")
                                  if qualname.startswith("ssl.") else None))
    elif qualname == "ssl.wrap_socket":
        yield ctx.finding(OLD_TLS, node, title="ssl.wrap_socket() does not check host names (removed in 3.12)",
                          fix=Fix(description="Wrap through a default context with the server's host name: "
                                              "ssl.create_default_context().wrap_socket(sock, "
                                              "server_hostname=host)."))


@checks.on(ast.Assign, ast.AnnAssign)
def check_minimum_version(node: ast.Assign | ast.AnnAssign, ctx: NodeContext) -> Findings:
    for target in assignment_targets(node):
        if isinstance(target, ast.Attribute) and target.attr == "minimum_version":
            protocol = _old_protocol(node.value, ctx)
            if protocol is not None:
                yield ctx.finding(OLD_TLS, node, title=f"minimum_version = {protocol} allows obsolete TLS",
                                  fix=Fix(description="Require TLS 1.2 or newer.",
                                          code=rewrite(ctx.source, node, node.value, "ssl.TLSVersion.TLSv1_2")))


# ---------------------------------------------------------------------------------------------------------
# The analyzer
# ---------------------------------------------------------------------------------------------------------


@register_analyzer
class HardeningAnalyzer(AstGroupAnalyzer):
    """Framework settings, auth, crypto and transport hardening for ``secure`` (BMB150–BMB199)."""

    name = GROUP
    per_file = True
    version = "1"
