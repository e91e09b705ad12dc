"""``test security URL [PATH]``: HTTP hardening checks of a running service, plus the ``secure`` review of PATH.

A handful of ordinary requests, nothing an attacker's scanner would not send: the page itself (headers,
cookies, banners), the same page with a foreign Origin (CORS), a missing page and a malformed JSON body (error
pages), a few common static folders (directory listings), and for HTTPS a TLS handshake with verification and
one limited to TLS 1.0/1.1.
"""

from __future__ import annotations

import argparse
import re
import secrets
import socket
import ssl
import time
import warnings
from http.cookies import SimpleCookie
from urllib.parse import urljoin, urlsplit

from ..core.errors import ReviewError
from ..core.findings import Finding, Severity
from ..core.report import Report
from ..core.request import RunRequest
from . import rules
from .common import add_output_options, build_report, check_url, finding, parse_headers, short

FOREIGN_ORIGIN = "https://bumba-cors-probe.example"
LISTING_PATHS = ("static/", "uploads/", "files/", "media/", "assets/", "public/")
_LISTING = re.compile(r"<title>\s*(Index of|Directory listing for)\b|<h1>\s*(Index of|Directory listing for)\b", re.IGNORECASE)
_DEBUG_MARKERS = (
    ("Python traceback", re.compile(r"Traceback \(most recent call last\)")),
    ("Werkzeug debugger", re.compile(r"Werkzeug Debugger|The debugger caught an exception")),
    ("Django debug page", re.compile(r"You're seeing this error because you have <code>DEBUG = True|"
                                     r"Using the URLconf defined in")),
    ("Java stack trace", re.compile(r"\bat [a-z][\w$]*(\.[\w$]+)+\([\w$]+\.java:\d+\)")),
    ("PHP error", re.compile(r"<b>(Fatal error|Warning|Parse error)</b>:.* on line <b>\d+</b>")),
    ("Node.js stack trace", re.compile(r"\n\s+at .+ \(/[^)]+\.js:\d+:\d+\)")),
    ("Rails error page", re.compile(r"Action Controller: Exception caught")),
    ("ASP.NET error page", re.compile(r"Server Error in '/' Application")),
)
_VERSION = re.compile(r"\d+(\.\d+)+")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("url", help="the service, e.g. http://127.0.0.1:8000/")
    parser.add_argument("path", nargs="?", help="the service's source: also run the offline 'secure' review on it")
    parser.add_argument("-H", "--header", action="append", default=[], metavar="'NAME: VALUE'",
                        help="a header for every request (e.g. a session cookie); repeat for more")
    parser.add_argument("--timeout", type=float, default=10.0, metavar="SECONDS", help="per request (default 10)")
    parser.add_argument("--allow-remote", action="store_true",
                        help="allow a host other than loopback (only services you may test)")
    add_output_options(parser)


class _Probe:
    def __init__(self, url: str, headers: dict[str, str], timeout: float) -> None:
        import httpx

        self.url = url
        # verification happens in the TLS check, which reports it; here we want the headers either way
        self.client = httpx.Client(headers=headers, timeout=timeout, verify=False, follow_redirects=False)
        self.httpx = httpx

    def get(self, url: str, **kwargs):
        return self.client.request(kwargs.pop("method", "GET"), url, **kwargs)


def check_headers(url: str, response) -> list[Finding]:
    headers = response.headers
    found = []
    is_https = urlsplit(url).scheme == "https"
    csp = headers.get("content-security-policy", "")
    if not csp:
        found.append(finding(rules.MISSING_CSP, url, evidence=_status_line(response)))
    if is_https and "strict-transport-security" not in headers:
        found.append(finding(rules.MISSING_HSTS, url, evidence=_status_line(response)))
    if headers.get("x-content-type-options", "").strip().lower() != "nosniff":
        found.append(finding(rules.MISSING_NOSNIFF, url, evidence=_header_evidence(response, "x-content-type-options")))
    if "frame-ancestors" not in csp.lower() and headers.get("x-frame-options", "").strip().upper() not in (
        "DENY", "SAMEORIGIN"
    ):
        found.append(finding(rules.MISSING_FRAME_PROTECTION, url, evidence=_header_evidence(response, "x-frame-options")))
    if "referrer-policy" not in headers:
        found.append(finding(rules.MISSING_REFERRER_POLICY, url, evidence=_status_line(response)))
    return found


def check_cookies(url: str, response) -> list[Finding]:
    found = []
    for raw in response.headers.get_list("set-cookie"):
        cookie = SimpleCookie()
        try:
            cookie.load(raw)
        except Exception:  # noqa: BLE001 — a cookie the stdlib cannot parse still has its flags checked by text
            cookie = None
        name = next(iter(cookie), None) if cookie else raw.split("=", 1)[0].strip()
        attributes = {part.strip().split("=", 1)[0].lower() for part in raw.split(";")[1:]}
        masked = _mask_cookie(raw)
        for flag, rule in (("secure", rules.COOKIE_NOT_SECURE), ("httponly", rules.COOKIE_NOT_HTTPONLY),
                           ("samesite", rules.COOKIE_NO_SAMESITE)):
            if flag not in attributes:
                found.append(finding(rule, url, key=name or "", evidence=f"Set-Cookie: {masked}",
                                     title=f"{rule.title}: {name}"))
    return found


def _mask_cookie(raw: str) -> str:
    name, sep, rest = raw.partition("=")
    value, semi, attributes = rest.partition(";")
    return f"{name}{sep}{'****' if value else ''}{semi}{attributes}"


def check_cors(url: str, response) -> list[Finding]:
    allowed = response.headers.get("access-control-allow-origin")
    credentials = response.headers.get("access-control-allow-credentials", "").strip().lower() == "true"
    evidence = (f"request Origin: {FOREIGN_ORIGIN}\nAccess-Control-Allow-Origin: {allowed}\n"
                f"Access-Control-Allow-Credentials: {response.headers.get('access-control-allow-credentials', '-')}")
    if allowed and allowed.strip() in (FOREIGN_ORIGIN, "null"):
        title = "CORS allows any Origin" + (" with credentials" if credentials else "")
        return [finding(rules.CORS_REFLECTS_ORIGIN, url, title=title, evidence=evidence,
                        severity=None if credentials else Severity.medium)]
    if allowed and allowed.strip() == "*" and credentials:
        return [finding(rules.CORS_WILDCARD_CREDENTIALS, url, evidence=evidence)]
    return []


def check_banners(url: str, response) -> list[Finding]:
    found = []
    for header in ("server", "x-powered-by", "x-aspnet-version", "x-aspnetmvc-version"):
        value = response.headers.get(header)
        if value and (_VERSION.search(value) or header != "server"):
            found.append(finding(rules.SERVER_BANNER, url, key=header, title=f"{rules.SERVER_BANNER.title}: "
                                 f"{_canonical(header)}: {value}"[:200], evidence=f"{_canonical(header)}: {value}"))
    return found


def _canonical(header: str) -> str:
    return "-".join(part.capitalize() for part in header.split("-"))


def check_listing(probe: _Probe, url: str) -> list[Finding]:
    found = []
    base = url if url.endswith("/") else url.rsplit("/", 1)[0] + "/"
    candidates = [url] if url.endswith("/") else []
    candidates += [urljoin(base, path) for path in LISTING_PATHS]
    seen = set()
    for candidate in candidates:
        if candidate in seen:
            continue
        seen.add(candidate)
        try:
            response = probe.get(candidate)
        except probe.httpx.HTTPError:
            continue
        if response.status_code == 200 and _LISTING.search(response.text[:20000]):
            title = _LISTING.search(response.text).group(0)
            found.append(finding(rules.DIRECTORY_LISTING, candidate, evidence=f"GET {candidate} -> 200\n{title}"))
    return found


def check_error_pages(probe: _Probe, url: str) -> list[Finding]:
    """Provoke a 404 and a malformed-input error and look for debug output in what comes back."""
    base = f"{urlsplit(url).scheme}://{urlsplit(url).netloc}/"
    missing = urljoin(base, f"bumba-probe-{secrets.token_hex(4)}/%27%22%3C")
    attempts = [
        ("GET", missing, {}),
        ("POST", url, {"content": b'{"bumba": ', "headers": {"Content-Type": "application/json"}}),
        ("GET", f"{url}{'&' if '?' in url else '?'}id=%27%22%3C%00&page=-1%27", {}),
    ]
    for method, target, kwargs in attempts:
        try:
            response = probe.get(target, method=method, **kwargs)
        except probe.httpx.HTTPError:
            continue
        text = response.text[:200_000]
        for name, pattern in _DEBUG_MARKERS:
            match = pattern.search(text)
            if match:
                start = max(0, match.start() - 80)
                return [finding(
                    rules.VERBOSE_ERRORS, url, title=f"{rules.VERBOSE_ERRORS.title}: {name}",
                    evidence=f"{method} {target} -> {response.status_code}\n…{short(text[start:match.end() + 400], 600)}",
                )]
    return []


def check_tls(url: str, timeout: float) -> tuple[list[Finding], dict]:
    parts = urlsplit(url)
    host, port = parts.hostname, parts.port or 443
    found, metrics = [], {}
    verified = ssl.create_default_context()
    try:
        with socket.create_connection((host, port), timeout=timeout) as raw, \
                verified.wrap_socket(raw, server_hostname=host) as tls:
            metrics["tls_version"] = tls.version()
            metrics["tls_cipher"] = tls.cipher()[0]
    except ssl.SSLCertVerificationError as error:
        found.append(finding(rules.TLS_CERTIFICATE, url, evidence=f"{error.verify_message or error}"))
        unverified = _unverified_context()  # only to read the protocol, after reporting the certificate
        try:
            with socket.create_connection((host, port), timeout=timeout) as raw, \
                    unverified.wrap_socket(raw, server_hostname=host) as tls:
                metrics["tls_version"] = tls.version()
                metrics["tls_cipher"] = tls.cipher()[0]
        except (OSError, ssl.SSLError):
            pass
    except (OSError, ssl.SSLError) as error:
        raise ReviewError(f"TLS handshake with {host}:{port} failed: {error}") from None
    old = _unverified_context()
    try:
        with warnings.catch_warnings():  # deprecated, which is exactly why we ask whether the server takes them
            warnings.simplefilter("ignore", DeprecationWarning)
            old.minimum_version = ssl.TLSVersion.TLSv1
            old.maximum_version = ssl.TLSVersion.TLSv1_1
        old.set_ciphers("ALL:@SECLEVEL=0")
    except (ValueError, ssl.SSLError):
        metrics["tls_old_protocols"] = "not checked: this Python's OpenSSL cannot offer TLS 1.0/1.1"
        return found, metrics
    try:
        with socket.create_connection((host, port), timeout=timeout) as raw, \
                old.wrap_socket(raw, server_hostname=host) as tls:
            found.append(finding(rules.TLS_OLD_PROTOCOL, url, evidence=f"handshake completed with {tls.version()}"))
            metrics["tls_old_protocols"] = f"accepted ({tls.version()})"
    except (OSError, ssl.SSLError):
        metrics["tls_old_protocols"] = "refused"
    return found, metrics


def _unverified_context() -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # probing the protocol; verification is checked separately
    return context


def _status_line(response) -> str:
    return f"{response.request.method} {response.request.url} -> {response.status_code} (header absent)"


def _header_evidence(response, name: str) -> str:
    value = response.headers.get(name)
    return f"{_canonical(name)}: {value}" if value is not None else _status_line(response)


def run(request: RunRequest) -> Report:
    import httpx

    started = time.monotonic()
    args = request.args
    url = check_url(args.url, args.allow_remote)
    headers = parse_headers(args.header)
    if args.path is not None:
        from pathlib import Path

        if not Path(args.path).exists():
            raise ReviewError(f"{args.path}: no such file or folder")
    probe = _Probe(url, headers, args.timeout)
    findings: list[Finding] = []
    metrics: dict = {"url": url}
    notes: list[str] = []
    try:
        try:
            page = probe.get(url)
        except httpx.TransportError as error:
            raise ReviewError(f"cannot reach {url}: {type(error).__name__}: {error or 'no response'}") from None
        metrics["status"] = page.status_code
        findings += check_headers(url, page)
        findings += check_cookies(url, page)
        findings += check_banners(url, page)
        try:
            cors = probe.get(url, headers={"Origin": FOREIGN_ORIGIN})
            findings += check_cors(url, cors)
        except httpx.HTTPError as error:
            notes.append(f"CORS check skipped: {error}")
        findings += check_listing(probe, url)
        findings += check_error_pages(probe, url)
    finally:
        probe.client.close()
    if urlsplit(url).scheme == "https":
        tls_findings, tls_metrics = check_tls(url, args.timeout)
        findings += tls_findings
        metrics.update(tls_metrics)
    metrics["http_findings"] = len(findings)
    root = None
    if args.path is not None:
        source = request.review("secure", args.path, overrides={k: v for k, v in request.overrides.items()
                                                         if k in ("min_severity", "select", "ignore")},
                        store=request.store, use_store=False)
        findings += source.findings
        notes += source.notes
        root = source.run.root
        metrics["source_findings"] = len(source.findings)
        metrics["source_files"] = source.run.files
    target = url + (f" + {args.path}" if args.path else "")
    return build_report(request, target, findings, started=started, metrics=metrics, notes=notes, root=root,
                        tools={"httpx": httpx.__version__}, label="test security")
