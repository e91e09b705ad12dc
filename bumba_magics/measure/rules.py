"""The rules the measuring commands report (BMB6xx), registered so ``explain`` and docs/rules.md cover them.

Kept apart from the runners so the docs and ``%bumba explain`` can load them without importing httpx,
schemathesis or matplotlib.

BMB60x load test · BMB61x API conformance · BMB63x–BMB64x HTTP hardening · BMB65x the project's test suite.
"""

from __future__ import annotations

from ..core.findings import Category, Severity
from ..core.rules import rule

_P, _T, _S = Category.performance, Category.testing, Category.security


# -- load test ----------------------------------------------------------------------------------------------
LATENCY_BUDGET = rule(
    "BMB601", "latency-budget-exceeded", "Latency above its budget under load", Severity.medium,
    category=_P,
    analyzer="loadtest",
    why="A latency percentile over its budget means that share of users waits longer than the service promised; "
    "tail latency (p95, p99) grows first when a service saturates, long before the average moves.",
    recommendation="Profile the endpoint under the same load (%%bumba improve-performance on the handler), remove blocking "
    "calls and N+1 queries, add caching or capacity, then re-run the load test with the same options.",
    references=("https://sre.google/sre-book/service-level-objectives/",),
    bad="bumba validate performance http://127.0.0.1:8000/search --p95 200ms   # p95 measured 850 ms",
    good="bumba validate performance http://127.0.0.1:8000/search --p95 200ms   # p95 measured 120 ms",
)
ERROR_RATE = rule(
    "BMB602", "error-rate-exceeded", "Error rate above its budget under load", Severity.high,
    category=_P,
    analyzer="loadtest",
    why="Requests that fail under load (HTTP 4xx/5xx, timeouts, refused connections) are lost work for users; "
    "errors that appear only under concurrency point at exhausted pools, races or timeouts set too low.",
    recommendation="Look at the status codes in the metrics and the service's logs for the failing requests; raise pool sizes "
    "or timeouts where they are the limit, fix the races, and shed load with 429/503 plus Retry-After.",
    references=("https://sre.google/sre-book/handling-overload/",),
    bad="bumba validate performance http://127.0.0.1:8000/orders --error-rate 1%   # 12% of requests failed",
    good="bumba validate performance http://127.0.0.1:8000/orders --error-rate 1%   # 0.1% failed",
)

# -- API conformance (schemathesis) ------------------------------------------------------------------------
API_SERVER_ERROR = rule(
    "BMB610", "api-server-error", "The API answers a request with a server error (5xx)", Severity.high,
    category=_T,
    analyzer="apitest",
    why="A 5xx for a request the client was allowed to send is an unhandled error: the client gets no usable "
    "answer, and the input that triggers it is often a denial-of-service or a sign of missing validation.",
    recommendation="Run the reproducer in the evidence, read the traceback in the service's log, validate the input and "
    "answer with a documented 4xx.",
    references=("CWE-755", "https://schemathesis.readthedocs.io/"),
    bad="def item(item_id: int):\n    return {'unit_price': total / item_id}   # item_id=0 -> 500",
    good="def item(item_id: int):\n    if item_id < 1:\n        raise HTTPException(400, 'item_id must be positive')",
)
API_SCHEMA_VIOLATION = rule(
    "BMB611", "api-response-violates-schema", "The response does not match its documented schema", Severity.medium,
    category=_T,
    analyzer="apitest",
    why="Clients are generated from and validated against the spec; a response that contradicts it (wrong type, "
    "missing field, wrong content type or header) breaks them at runtime in ways no type checker catches.",
    recommendation="Fix the handler or the spec so they agree; add a response model (pydantic, marshmallow) that validates "
    "what the handler returns.",
    references=("https://spec.openapis.org/oas/v3.1.0#response-object",),
    bad='{"id": 7, "name": "Ada", "age": "unknown"}   # spec: age is an integer',
    good='{"id": 7, "name": "Ada", "age": 36}',
)
API_UNDOCUMENTED_STATUS = rule(
    "BMB612", "api-undocumented-status", "The API answers with a status code its spec does not document", Severity.low,
    category=_T,
    analyzer="apitest",
    why="Clients handle the status codes the spec lists; an undocumented one falls through to generic error "
    "handling, or, for an undocumented 2xx, is treated as something it is not.",
    recommendation="Document the status code (with its response schema) or change the handler to answer with a documented one.",
    references=("https://spec.openapis.org/oas/v3.1.0#responses-object",),
    bad="responses: {'200': ...}   # the handler returns 202",
    good="responses: {'200': ..., '202': {'description': 'queued'}}",
)
API_AUTH_NOT_ENFORCED = rule(
    "BMB613", "api-auth-not-enforced", "An operation that declares authentication accepts requests without it", Severity.high,
    category=_S,
    analyzer="apitest",
    why="The spec says the operation needs credentials, but the service answers without them (or with made-up "
    "ones): anyone who can reach the service can call it.",
    recommendation="Enforce the declared security scheme in the handler or the framework (a dependency, decorator or "
    "middleware) and answer 401/403 when the credentials are missing or wrong.",
    references=("CWE-306", "OWASP API2:2023"),
    bad="@app.get('/admin/stats')   # security: bearerAuth, but no check\ndef stats(): ...",
    good="@app.get('/admin/stats')\ndef stats(user=Depends(require_admin)): ...",
)
API_ACCEPTS_INVALID = rule(
    "BMB614", "api-accepts-invalid-input", "The API accepts a request its schema says is invalid", Severity.medium,
    category=_T,
    analyzer="apitest",
    why="Input the spec forbids reaching the handler means validation is missing; that is where injection, "
    "mass assignment and corrupted data come from.",
    recommendation="Validate requests against the schema (framework models or an OpenAPI validation middleware) and answer "
    "400/422 for invalid input.",
    references=("CWE-20",),
)
API_REJECTS_VALID = rule(
    "BMB615", "api-rejects-valid-input", "The API rejects a request its schema says is valid", Severity.medium,
    category=_T,
    analyzer="apitest",
    why="A request that matches the spec but is refused means the spec promises something the service does not "
    "do; clients built from the spec will fail.",
    recommendation="Loosen the handler's validation or tighten the spec (formats, patterns, ranges) so they agree.",
)
API_CHECK_FAILED = rule(
    "BMB616", "api-check-failed", "The API fails a conformance check", Severity.medium,
    category=_T,
    analyzer="apitest",
    why="The API behaves differently from what its spec and HTTP say it should (an undocumented method accepted, "
    "a deleted resource still served, a created resource missing).",
    recommendation="Read the check's message and the reproducer in the evidence, then fix the handler or the spec.",
    references=("https://schemathesis.readthedocs.io/en/stable/reference/checks/",),
)

# -- HTTP hardening ----------------------------------------------------------------------------------------
MISSING_CSP = rule(
    "BMB630", "missing-content-security-policy", "No Content-Security-Policy header", Severity.medium,
    category=_S,
    analyzer="httpsecurity",
    why="Without a CSP, any HTML injection becomes script execution (XSS): the browser runs whatever script "
    "reaches the page, from any origin.",
    recommendation="Send a Content-Security-Policy, starting from \"default-src 'self'; frame-ancestors 'none'\" and allowing "
    "only the origins the pages need.",
    references=("CWE-1021", "https://developer.mozilla.org/docs/Web/HTTP/CSP"),
    bad="HTTP/1.1 200 OK\nContent-Type: text/html",
    good="Content-Security-Policy: default-src 'self'; frame-ancestors 'none'",
)
MISSING_HSTS = rule(
    "BMB631", "missing-hsts", "HTTPS without Strict-Transport-Security", Severity.medium,
    category=_S,
    analyzer="httpsecurity",
    why="Without HSTS a browser may still try plain HTTP first, and an attacker on the network can strip TLS "
    "from that first request and read or change everything after it.",
    recommendation="Send Strict-Transport-Security: max-age=31536000; includeSubDomains on every HTTPS response.",
    references=("CWE-319", "https://developer.mozilla.org/docs/Web/HTTP/Headers/Strict-Transport-Security"),
)
MISSING_NOSNIFF = rule(
    "BMB632", "missing-content-type-options", "No X-Content-Type-Options: nosniff", Severity.low,
    category=_S,
    analyzer="httpsecurity",
    why="Browsers that sniff content types can run an uploaded text or JSON file as a script or HTML page.",
    recommendation="Send X-Content-Type-Options: nosniff on every response.",
    references=("https://developer.mozilla.org/docs/Web/HTTP/Headers/X-Content-Type-Options",),
)
MISSING_FRAME_PROTECTION = rule(
    "BMB633", "missing-frame-protection", "Pages may be framed by any site (clickjacking)", Severity.medium,
    category=_S,
    analyzer="httpsecurity",
    why="Without X-Frame-Options or CSP frame-ancestors, another site can load the page in an invisible frame "
    "and trick users into clicking its buttons.",
    recommendation="Send Content-Security-Policy: frame-ancestors 'none' (or 'self'), and X-Frame-Options: DENY for old browsers.",
    references=("CWE-1021",),
)
MISSING_REFERRER_POLICY = rule(
    "BMB634", "missing-referrer-policy", "No Referrer-Policy header", Severity.low,
    category=_S,
    analyzer="httpsecurity",
    why="Full URLs, with the tokens and ids in their paths and query strings, leak to every site the page links "
    "to or loads from.",
    recommendation="Send Referrer-Policy: strict-origin-when-cross-origin (or no-referrer).",
    references=("https://developer.mozilla.org/docs/Web/HTTP/Headers/Referrer-Policy",),
)
COOKIE_NOT_SECURE = rule(
    "BMB635", "cookie-without-secure", "Cookie set without the Secure flag", Severity.medium,
    category=_S,
    analyzer="httpsecurity",
    why="A cookie without Secure is also sent over plain HTTP, where anyone on the network can read it and take "
    "over the session.",
    recommendation="Set the Secure flag (Django SESSION_COOKIE_SECURE, Flask SESSION_COOKIE_SECURE, Starlette https_only).",
    references=("CWE-614",),
    bad="Set-Cookie: session=3f2a9c; Path=/",
    good="Set-Cookie: session=3f2a9c; Path=/; Secure; HttpOnly; SameSite=Lax",
)
COOKIE_NOT_HTTPONLY = rule(
    "BMB636", "cookie-without-httponly", "Cookie set without the HttpOnly flag", Severity.medium,
    category=_S,
    analyzer="httpsecurity",
    why="Scripts can read a cookie without HttpOnly, so one XSS bug is enough to steal the session.",
    recommendation="Set HttpOnly on session and authentication cookies (only a CSRF token meant for scripts may go without).",
    references=("CWE-1004",),
)
COOKIE_NO_SAMESITE = rule(
    "BMB637", "cookie-without-samesite", "Cookie set without a SameSite attribute", Severity.low,
    category=_S,
    analyzer="httpsecurity",
    why="Without SameSite the cookie rides along on requests other sites trigger, which is what CSRF needs; "
    "browser defaults differ, so say it explicitly.",
    recommendation="Set SameSite=Lax (or Strict) on session cookies.",
    references=("CWE-1275",),
)
CORS_REFLECTS_ORIGIN = rule(
    "BMB638", "cors-reflects-origin", "CORS allows any Origin by echoing it back", Severity.high,
    category=_S,
    analyzer="httpsecurity",
    why="A service that copies the request's Origin into Access-Control-Allow-Origin lets every website read its "
    "responses in the user's browser — with credentials, that is the user's data.",
    recommendation="Compare the Origin with an allowlist of your front ends and answer only those; never reflect it.",
    references=("CWE-942", "https://portswigger.net/web-security/cors"),
    bad="Access-Control-Allow-Origin: https://evil.example\nAccess-Control-Allow-Credentials: true",
    good="Access-Control-Allow-Origin: https://app.example.com\nVary: Origin",
)
CORS_WILDCARD_CREDENTIALS = rule(
    "BMB639", "cors-wildcard-with-credentials", "CORS allows * together with credentials", Severity.medium,
    category=_S,
    analyzer="httpsecurity",
    why="Access-Control-Allow-Origin: * with Allow-Credentials: true is refused by browsers, so either the API is "
    "broken for credentialed clients or someone will 'fix' it by reflecting the Origin.",
    recommendation="Pick: a public API answers * without credentials; a private one answers an allowlisted origin with them.",
    references=("CWE-942",),
)
TLS_OLD_PROTOCOL = rule(
    "BMB640", "tls-old-protocol", "The server accepts TLS 1.0 or 1.1", Severity.high,
    category=_S,
    analyzer="httpsecurity",
    why="TLS 1.0 and 1.1 are deprecated (RFC 8996): their cipher suites have known attacks, and accepting them "
    "lets a downgrade put every client on them.",
    recommendation="Set the server's minimum protocol to TLS 1.2 (ssl_protocols TLSv1.2 TLSv1.3; in nginx).",
    references=("CWE-327", "RFC 8996"),
)
TLS_CERTIFICATE = rule(
    "BMB641", "tls-certificate-invalid", "The server's TLS certificate does not verify", Severity.high,
    category=_S,
    analyzer="httpsecurity",
    why="A certificate that does not verify (self-signed, expired, wrong host name) trains clients to turn "
    "verification off — and then anyone on the path can impersonate the service.",
    recommendation="Serve a certificate from a trusted CA for the host name (Let's Encrypt), with the full chain, and renew it "
    "automatically.",
    references=("CWE-295",),
)
SERVER_BANNER = rule(
    "BMB642", "server-version-banner", "The server announces its software and version", Severity.low,
    category=_S,
    analyzer="httpsecurity",
    why="Version banners (Server: nginx/1.18.0, X-Powered-By: PHP/7.4.3) tell an attacker which known "
    "vulnerabilities to try, without a single probe.",
    recommendation="Drop X-Powered-By and the version from Server (nginx server_tokens off; Apache ServerTokens Prod).",
    references=("CWE-200",),
    bad="Server: FlawedHTTP/1.4.2\nX-Powered-By: PHP/7.4.3",
    good="Server: app",
)
DIRECTORY_LISTING = rule(
    "BMB643", "directory-listing", "A directory listing is served", Severity.medium,
    category=_S,
    analyzer="httpsecurity",
    why="A listing shows every file in the folder — backups, configuration, sources — including the ones no page "
    "links to.",
    recommendation="Turn directory indexes off (nginx autoindex off; Apache Options -Indexes) and serve only named files.",
    references=("CWE-548",),
)
VERBOSE_ERRORS = rule(
    "BMB644", "verbose-error-page", "Error pages show tracebacks or debug information", Severity.high,
    category=_S,
    analyzer="httpsecurity",
    why="A traceback or debug page shows source code, file paths, settings and sometimes secrets, and tells an "
    "attacker exactly which input broke what.",
    recommendation="Turn debug mode off in production (DEBUG = False, app.debug = False) and answer errors with a generic "
    "page; log the details server-side.",
    references=("CWE-209", "CWE-215"),
    bad="Traceback (most recent call last):\n  File \"/srv/app.py\", line 42, in index",
    good='{"error": "internal error"}',
)

# -- the project's test suite ------------------------------------------------------------------------------
TEST_FAILED = rule(
    "BMB650", "test-failed", "A test fails", Severity.high,
    category=_T,
    analyzer="integration",
    why="A failing test is a behaviour the project promised and no longer keeps (or a test that no longer "
    "describes the code); either way the suite cannot guard the next change.",
    recommendation="Read the assertion message in the evidence, run the test alone (pytest NODEID), fix the code or the test.",
)
TEST_ERROR = rule(
    "BMB651", "test-error", "A test errors in setup, teardown or collection", Severity.high,
    category=_T,
    analyzer="integration",
    why="An error outside the test body (a fixture, an import, a collection error) hides every assertion behind "
    "it: the tests it affects say nothing.",
    recommendation="Fix the fixture or import named in the evidence; run pytest --collect-only to see collection errors.",
)
