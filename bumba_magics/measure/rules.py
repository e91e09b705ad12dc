"""The rules the measuring commands report (BMB6xx), registered so ``explain`` and docs/rules.md cover them.

Kept apart from the runners so the docs and ``%bumba explain`` can load them without importing httpx,
schemathesis or matplotlib.

BMB60x load test · BMB61x API conformance · BMB63x–BMB64x HTTP hardening · BMB65x the project's test suite.
"""

from __future__ import annotations

from ..analyzers.base import RULES, Rule
from ..core.findings import Category, Severity

_P, _T, _S = Category.performance, Category.testing, Category.security


def _rule(code, name, title, severity, category, analyzer, why, recommendation, references=(), bad="", good=""):
    return RULES.add(Rule(
        code=code, name=name, title=title, severity=severity, category=category, analyzer=analyzer, why=why,
        recommendation=recommendation, references=tuple(references), example_bad=bad, example_good=good,
    ))


# -- load test ----------------------------------------------------------------------------------------------
LATENCY_BUDGET = _rule(
    "BMB601", "latency-budget-exceeded", "Latency above its budget under load", Severity.medium, _P, "loadtest",
    "A latency percentile over its budget means that share of users waits longer than the service promised; "
    "tail latency (p95, p99) grows first when a service saturates, long before the average moves.",
    "Profile the endpoint under the same load (%%bumba improve-performance on the handler), remove blocking "
    "calls and N+1 queries, add caching or capacity, then re-run the load test with the same options.",
    ("https://sre.google/sre-book/service-level-objectives/",),
    "bumba validate performance http://127.0.0.1:8000/search --p95 200ms   # p95 measured 850 ms",
    "bumba validate performance http://127.0.0.1:8000/search --p95 200ms   # p95 measured 120 ms",
)
ERROR_RATE = _rule(
    "BMB602", "error-rate-exceeded", "Error rate above its budget under load", Severity.high, _P, "loadtest",
    "Requests that fail under load (HTTP 4xx/5xx, timeouts, refused connections) are lost work for users; "
    "errors that appear only under concurrency point at exhausted pools, races or timeouts set too low.",
    "Look at the status codes in the metrics and the service's logs for the failing requests; raise pool sizes "
    "or timeouts where they are the limit, fix the races, and shed load with 429/503 plus Retry-After.",
    ("https://sre.google/sre-book/handling-overload/",),
    "bumba validate performance http://127.0.0.1:8000/orders --error-rate 1%   # 12% of requests failed",
    "bumba validate performance http://127.0.0.1:8000/orders --error-rate 1%   # 0.1% failed",
)

# -- API conformance (schemathesis) ------------------------------------------------------------------------
API_SERVER_ERROR = _rule(
    "BMB610", "api-server-error", "The API answers a request with a server error (5xx)", Severity.high, _T,
    "apitest",
    "A 5xx for a request the client was allowed to send is an unhandled error: the client gets no usable "
    "answer, and the input that triggers it is often a denial-of-service or a sign of missing validation.",
    "Run the reproducer in the evidence, read the traceback in the service's log, validate the input and "
    "answer with a documented 4xx.",
    ("CWE-755", "https://schemathesis.readthedocs.io/"),
    "def item(item_id: int):\n    return {'unit_price': total / item_id}   # item_id=0 -> 500",
    "def item(item_id: int):\n    if item_id < 1:\n        raise HTTPException(400, 'item_id must be positive')",
)
API_SCHEMA_VIOLATION = _rule(
    "BMB611", "api-response-violates-schema", "The response does not match its documented schema", Severity.medium,
    _T, "apitest",
    "Clients are generated from and validated against the spec; a response that contradicts it (wrong type, "
    "missing field, wrong content type or header) breaks them at runtime in ways no type checker catches.",
    "Fix the handler or the spec so they agree; add a response model (pydantic, marshmallow) that validates "
    "what the handler returns.",
    ("https://spec.openapis.org/oas/v3.1.0#response-object",),
    '{"id": 7, "name": "Ada", "age": "unknown"}   # spec: age is an integer',
    '{"id": 7, "name": "Ada", "age": 36}',
)
API_UNDOCUMENTED_STATUS = _rule(
    "BMB612", "api-undocumented-status", "The API answers with a status code its spec does not document",
    Severity.low, _T, "apitest",
    "Clients handle the status codes the spec lists; an undocumented one falls through to generic error "
    "handling, or, for an undocumented 2xx, is treated as something it is not.",
    "Document the status code (with its response schema) or change the handler to answer with a documented one.",
    ("https://spec.openapis.org/oas/v3.1.0#responses-object",),
    "responses: {'200': ...}   # the handler returns 202",
    "responses: {'200': ..., '202': {'description': 'queued'}}",
)
API_AUTH_NOT_ENFORCED = _rule(
    "BMB613", "api-auth-not-enforced", "An operation that declares authentication accepts requests without it",
    Severity.high, _S, "apitest",
    "The spec says the operation needs credentials, but the service answers without them (or with made-up "
    "ones): anyone who can reach the service can call it.",
    "Enforce the declared security scheme in the handler or the framework (a dependency, decorator or "
    "middleware) and answer 401/403 when the credentials are missing or wrong.",
    ("CWE-306", "OWASP API2:2023"),
    "@app.get('/admin/stats')   # security: bearerAuth, but no check\ndef stats(): ...",
    "@app.get('/admin/stats')\ndef stats(user=Depends(require_admin)): ...",
)
API_ACCEPTS_INVALID = _rule(
    "BMB614", "api-accepts-invalid-input", "The API accepts a request its schema says is invalid",
    Severity.medium, _T, "apitest",
    "Input the spec forbids reaching the handler means validation is missing; that is where injection, "
    "mass assignment and corrupted data come from.",
    "Validate requests against the schema (framework models or an OpenAPI validation middleware) and answer "
    "400/422 for invalid input.",
    ("CWE-20",),
)
API_REJECTS_VALID = _rule(
    "BMB615", "api-rejects-valid-input", "The API rejects a request its schema says is valid", Severity.medium,
    _T, "apitest",
    "A request that matches the spec but is refused means the spec promises something the service does not "
    "do; clients built from the spec will fail.",
    "Loosen the handler's validation or tighten the spec (formats, patterns, ranges) so they agree.",
)
API_CHECK_FAILED = _rule(
    "BMB616", "api-check-failed", "The API fails a conformance check", Severity.medium, _T, "apitest",
    "The API behaves differently from what its spec and HTTP say it should (an undocumented method accepted, "
    "a deleted resource still served, a created resource missing).",
    "Read the check's message and the reproducer in the evidence, then fix the handler or the spec.",
    ("https://schemathesis.readthedocs.io/en/stable/reference/checks/",),
)

# -- HTTP hardening ----------------------------------------------------------------------------------------
MISSING_CSP = _rule(
    "BMB630", "missing-content-security-policy", "No Content-Security-Policy header", Severity.medium, _S,
    "httpsecurity",
    "Without a CSP, any HTML injection becomes script execution (XSS): the browser runs whatever script "
    "reaches the page, from any origin.",
    "Send a Content-Security-Policy, starting from \"default-src 'self'; frame-ancestors 'none'\" and allowing "
    "only the origins the pages need.",
    ("CWE-1021", "https://developer.mozilla.org/docs/Web/HTTP/CSP"),
    "HTTP/1.1 200 OK\nContent-Type: text/html", "Content-Security-Policy: default-src 'self'; frame-ancestors 'none'",
)
MISSING_HSTS = _rule(
    "BMB631", "missing-hsts", "HTTPS without Strict-Transport-Security", Severity.medium, _S, "httpsecurity",
    "Without HSTS a browser may still try plain HTTP first, and an attacker on the network can strip TLS "
    "from that first request and read or change everything after it.",
    "Send Strict-Transport-Security: max-age=31536000; includeSubDomains on every HTTPS response.",
    ("CWE-319", "https://developer.mozilla.org/docs/Web/HTTP/Headers/Strict-Transport-Security"),
)
MISSING_NOSNIFF = _rule(
    "BMB632", "missing-content-type-options", "No X-Content-Type-Options: nosniff", Severity.low, _S,
    "httpsecurity",
    "Browsers that sniff content types can run an uploaded text or JSON file as a script or HTML page.",
    "Send X-Content-Type-Options: nosniff on every response.",
    ("https://developer.mozilla.org/docs/Web/HTTP/Headers/X-Content-Type-Options",),
)
MISSING_FRAME_PROTECTION = _rule(
    "BMB633", "missing-frame-protection", "Pages may be framed by any site (clickjacking)", Severity.medium, _S,
    "httpsecurity",
    "Without X-Frame-Options or CSP frame-ancestors, another site can load the page in an invisible frame "
    "and trick users into clicking its buttons.",
    "Send Content-Security-Policy: frame-ancestors 'none' (or 'self'), and X-Frame-Options: DENY for old browsers.",
    ("CWE-1021",),
)
MISSING_REFERRER_POLICY = _rule(
    "BMB634", "missing-referrer-policy", "No Referrer-Policy header", Severity.low, _S, "httpsecurity",
    "Full URLs, with the tokens and ids in their paths and query strings, leak to every site the page links "
    "to or loads from.",
    "Send Referrer-Policy: strict-origin-when-cross-origin (or no-referrer).",
    ("https://developer.mozilla.org/docs/Web/HTTP/Headers/Referrer-Policy",),
)
COOKIE_NOT_SECURE = _rule(
    "BMB635", "cookie-without-secure", "Cookie set without the Secure flag", Severity.medium, _S, "httpsecurity",
    "A cookie without Secure is also sent over plain HTTP, where anyone on the network can read it and take "
    "over the session.",
    "Set the Secure flag (Django SESSION_COOKIE_SECURE, Flask SESSION_COOKIE_SECURE, Starlette https_only).",
    ("CWE-614",), "Set-Cookie: session=3f2a9c; Path=/", "Set-Cookie: session=3f2a9c; Path=/; Secure; HttpOnly; SameSite=Lax",
)
COOKIE_NOT_HTTPONLY = _rule(
    "BMB636", "cookie-without-httponly", "Cookie set without the HttpOnly flag", Severity.medium, _S,
    "httpsecurity",
    "Scripts can read a cookie without HttpOnly, so one XSS bug is enough to steal the session.",
    "Set HttpOnly on session and authentication cookies (only a CSRF token meant for scripts may go without).",
    ("CWE-1004",),
)
COOKIE_NO_SAMESITE = _rule(
    "BMB637", "cookie-without-samesite", "Cookie set without a SameSite attribute", Severity.low, _S,
    "httpsecurity",
    "Without SameSite the cookie rides along on requests other sites trigger, which is what CSRF needs; "
    "browser defaults differ, so say it explicitly.",
    "Set SameSite=Lax (or Strict) on session cookies.",
    ("CWE-1275",),
)
CORS_REFLECTS_ORIGIN = _rule(
    "BMB638", "cors-reflects-origin", "CORS allows any Origin by echoing it back", Severity.high, _S,
    "httpsecurity",
    "A service that copies the request's Origin into Access-Control-Allow-Origin lets every website read its "
    "responses in the user's browser — with credentials, that is the user's data.",
    "Compare the Origin with an allowlist of your front ends and answer only those; never reflect it.",
    ("CWE-942", "https://portswigger.net/web-security/cors"),
    "Access-Control-Allow-Origin: https://evil.example\nAccess-Control-Allow-Credentials: true",
    "Access-Control-Allow-Origin: https://app.example.com\nVary: Origin",
)
CORS_WILDCARD_CREDENTIALS = _rule(
    "BMB639", "cors-wildcard-with-credentials", "CORS allows * together with credentials", Severity.medium, _S,
    "httpsecurity",
    "Access-Control-Allow-Origin: * with Allow-Credentials: true is refused by browsers, so either the API is "
    "broken for credentialed clients or someone will 'fix' it by reflecting the Origin.",
    "Pick: a public API answers * without credentials; a private one answers an allowlisted origin with them.",
    ("CWE-942",),
)
TLS_OLD_PROTOCOL = _rule(
    "BMB640", "tls-old-protocol", "The server accepts TLS 1.0 or 1.1", Severity.high, _S, "httpsecurity",
    "TLS 1.0 and 1.1 are deprecated (RFC 8996): their cipher suites have known attacks, and accepting them "
    "lets a downgrade put every client on them.",
    "Set the server's minimum protocol to TLS 1.2 (ssl_protocols TLSv1.2 TLSv1.3; in nginx).",
    ("CWE-327", "RFC 8996"),
)
TLS_CERTIFICATE = _rule(
    "BMB641", "tls-certificate-invalid", "The server's TLS certificate does not verify", Severity.high, _S,
    "httpsecurity",
    "A certificate that does not verify (self-signed, expired, wrong host name) trains clients to turn "
    "verification off — and then anyone on the path can impersonate the service.",
    "Serve a certificate from a trusted CA for the host name (Let's Encrypt), with the full chain, and renew it "
    "automatically.",
    ("CWE-295",),
)
SERVER_BANNER = _rule(
    "BMB642", "server-version-banner", "The server announces its software and version", Severity.low, _S,
    "httpsecurity",
    "Version banners (Server: nginx/1.18.0, X-Powered-By: PHP/7.4.3) tell an attacker which known "
    "vulnerabilities to try, without a single probe.",
    "Drop X-Powered-By and the version from Server (nginx server_tokens off; Apache ServerTokens Prod).",
    ("CWE-200",), "Server: FlawedHTTP/1.4.2\nX-Powered-By: PHP/7.4.3", "Server: app",
)
DIRECTORY_LISTING = _rule(
    "BMB643", "directory-listing", "A directory listing is served", Severity.medium, _S, "httpsecurity",
    "A listing shows every file in the folder — backups, configuration, sources — including the ones no page "
    "links to.",
    "Turn directory indexes off (nginx autoindex off; Apache Options -Indexes) and serve only named files.",
    ("CWE-548",),
)
VERBOSE_ERRORS = _rule(
    "BMB644", "verbose-error-page", "Error pages show tracebacks or debug information", Severity.high, _S,
    "httpsecurity",
    "A traceback or debug page shows source code, file paths, settings and sometimes secrets, and tells an "
    "attacker exactly which input broke what.",
    "Turn debug mode off in production (DEBUG = False, app.debug = False) and answer errors with a generic "
    "page; log the details server-side.",
    ("CWE-209", "CWE-215"),
    "Traceback (most recent call last):\n  File \"/srv/app.py\", line 42, in index", '{"error": "internal error"}',
)

# -- the project's test suite ------------------------------------------------------------------------------
TEST_FAILED = _rule(
    "BMB650", "test-failed", "A test fails", Severity.high, _T, "integration",
    "A failing test is a behaviour the project promised and no longer keeps (or a test that no longer "
    "describes the code); either way the suite cannot guard the next change.",
    "Read the assertion message in the evidence, run the test alone (pytest NODEID), fix the code or the test.",
)
TEST_ERROR = _rule(
    "BMB651", "test-error", "A test errors in setup, teardown or collection", Severity.high, _T, "integration",
    "An error outside the test body (a fixture, an import, a collection error) hides every assertion behind "
    "it: the tests it affects say nothing.",
    "Fix the fixture or import named in the evidence; run pytest --collect-only to see collection errors.",
)
