"""Hardening rules BMB150–BMB161: a true positive (rule and line) and the nearest safe code for each."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import pytest

from bumba_magics.analyzers.base import ANALYZERS, RULES, AnalyzerConfig
from bumba_magics.analyzers.hardening import HardeningAnalyzer
from bumba_magics.context.source import Cell, Context, Source
from bumba_magics.findings import Category, Severity


def scan(code: str, path: str = "app.py", config: AnalyzerConfig | None = None):
    source = Source(path=path, text=textwrap.dedent(code))
    return HardeningAnalyzer().analyze(Context(root=Path(".")), [source], config or AnalyzerConfig())


def hits(code: str, rule: str, path: str = "app.py") -> list[int]:
    """1-based lines where ``rule`` fired."""
    return [f.location.line for f in scan(code, path) if f.rule == rule]


def only(code: str, rule: str, path: str = "app.py"):
    found = [f for f in scan(code, path) if f.rule == rule]
    assert len(found) == 1, found
    return found[0]


# --- registry -------------------------------------------------------------------------------------------


def test_analyzer_and_rules_are_registered():
    assert ANALYZERS["hardening"] is HardeningAnalyzer
    rules = [r for r in RULES if r.analyzer == "hardening"]
    assert [r.code for r in rules] == [f"BMB1{n}" for n in range(50, 62)]
    for rule in rules:
        assert rule.category is Category.security
        assert rule.why and rule.recommendation and rule.example_bad and rule.example_good, rule.code
        assert any(ref.startswith("CWE-") for ref in rule.references), rule.code


@pytest.mark.parametrize("rule", [r for r in RULES if r.analyzer == "hardening"], ids=lambda r: r.code)
def test_each_rules_own_examples_behave(rule):
    """The docs examples are tests: the bad one is reported, the good one is not (as a settings module)."""
    assert rule.code in {f.rule for f in scan(rule.example_bad, "settings.py")}, rule.example_bad
    assert rule.code not in {f.rule for f in scan(rule.example_good, "settings.py")}, rule.example_good


def test_every_finding_has_a_fix():
    code = """
    import jwt, ssl
    ALLOWED_HOSTS = ["*"]
    SESSION_COOKIE_SECURE = False
    jwt.decode(token, options={"verify_signature": False})
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLSv1)
    """
    findings = scan(code, "settings.py")
    assert len(findings) == 4
    assert all(f.fix and f.fix.description for f in findings)


# --- framework settings ---------------------------------------------------------------------------------

DJANGO_SETTINGS = """
import os
DEBUG = False
ALLOWED_HOSTS = ["*"]
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SESSION_COOKIE_HTTPONLY = False
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
"""


def test_django_settings_module():
    findings = {(f.rule, f.location.line) for f in scan(DJANGO_SETTINGS, "mysite/settings.py")}
    assert findings == {
        ("BMB150", 4), ("BMB151", 5), ("BMB151", 6), ("BMB152", 7), ("BMB153", 8), ("BMB154", 9),
    }


def test_settings_fixes_replace_the_value():
    fixes = {f.location.line: f.fix.code for f in scan(DJANGO_SETTINGS, "mysite/settings.py")}
    assert fixes[5] == "SESSION_COOKIE_SECURE = True"
    assert fixes[4] == 'ALLOWED_HOSTS = os.environ["ALLOWED_HOSTS"].split(",")'
    assert fixes[9] == "SECURE_HSTS_SECONDS = 31_536_000"


def test_ssl_redirect_and_hsts_need_a_settings_module_in_production():
    # DEBUG on: a development settings file may skip the redirect
    assert hits("INSTALLED_APPS = []\nDEBUG = True\nSECURE_SSL_REDIRECT = False\n", "BMB153") == []
    # not a settings module (no settings path, no INSTALLED_APPS / ROOT_URLCONF)
    assert hits("DEBUG = False\nSECURE_SSL_REDIRECT = False\nSECURE_HSTS_SECONDS = 0\n", "BMB153") == []
    assert hits("SECURE_HSTS_SECONDS = 0\n", "BMB154", path="tools/report.py") == []


@pytest.mark.parametrize(
    "code",
    [
        'ALLOWED_HOSTS = ["app.example.com", ".example.com"]',
        'ALLOWED_HOSTS = os.environ["ALLOWED_HOSTS"].split(",")',
        "SESSION_COOKIE_SECURE = True\nCSRF_COOKIE_SECURE = True\nSESSION_COOKIE_HTTPONLY = True",
        "SECURE_HSTS_SECONDS = 31536000\nSECURE_SSL_REDIRECT = True",
        "LANGUAGE_COOKIE_SECURE = False",  # the language cookie carries no credential
        "class Config:\n    SESSION_COOKIE_SECURE = False",  # class attributes are not module settings
    ],
)
def test_settings_true_negatives(code):
    rules = {f.rule for f in scan(code, "mysite/settings.py")}
    assert not rules & {"BMB150", "BMB151", "BMB152", "BMB153", "BMB154"}


def test_flask_config_and_cookies():
    code = """
    from flask import Flask
    app = Flask(__name__)
    app.config["SESSION_COOKIE_SECURE"] = False
    app.config.update(SESSION_COOKIE_HTTPONLY=False)
    def login(resp, sid):
        resp.set_cookie("sid", sid, secure=False, httponly=False)
    """
    assert hits(code, "BMB151") == [4, 7]
    assert hits(code, "BMB152") == [5, 7]


def test_flask_cookie_true_negatives():
    code = """
    app.config["SESSION_COOKIE_SECURE"] = True
    app.config.update(SESSION_COOKIE_HTTPONLY=True)
    resp.set_cookie("sid", sid, secure=True, httponly=True)
    resp.set_cookie("theme", "dark")
    """
    assert scan(code) == []


# --- auth -----------------------------------------------------------------------------------------------


def test_jwt_without_signature_check():
    code = """
    import jwt
    from jose import jwt as jose_jwt
    a = jwt.decode(token, options={"verify_signature": False})
    b = jwt.decode(token, key, verify=False)
    c = jwt.decode(token, key, algorithms=["none", "HS256"])
    d = jose_jwt.decode(token, key, options={"verify_signature": False})
    """
    assert hits(code, "BMB155") == [4, 5, 6, 7]
    first = only(code.split("b =")[0], "BMB155")
    assert first.severity is Severity.high
    assert first.fix.code == 'a = jwt.decode(token, key, algorithms=["HS256"])'


@pytest.mark.parametrize(
    "code",
    [
        "import jwt\nclaims = jwt.decode(token, key, algorithms=['HS256'])",
        "import jwt\nclaims = jwt.decode(token, key, algorithms=['RS256'], options={'verify_exp': True})",
        "import base64\nraw = base64.b64decode(data)",
        "text = payload.decode('utf-8')",
    ],
)
def test_jwt_true_negatives(code):
    assert hits(code, "BMB155") == []


# --- crypto ---------------------------------------------------------------------------------------------


def test_broken_ciphers_ecb_and_short_keys():
    code = """
    from Crypto.Cipher import AES, ARC4, DES3
    from Crypto.PublicKey import RSA
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
    from cryptography.hazmat.primitives.asymmetric import dsa, rsa
    a = ARC4.new(key)
    b = DES3.new(key, DES3.MODE_CBC, iv)
    c = AES.new(key, AES.MODE_ECB)
    d = Cipher(algorithms.Blowfish(key), modes.CBC(iv))
    e = Cipher(algorithms.AES(key), modes.ECB())
    f = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    g = dsa.generate_private_key(1024)
    h = RSA.generate(1024)
    """
    assert hits(code, "BMB156") == [6, 7, 9]
    assert hits(code, "BMB157") == [8, 10]
    assert hits(code, "BMB158") == [11, 12, 13]
    fixes = {f.location.line: f.fix.code for f in scan(code)}
    assert fixes[8] == "c = AES.new(key, AES.MODE_GCM)"
    assert fixes[11] == "f = rsa.generate_private_key(public_exponent=65537, key_size=3072)"


@pytest.mark.parametrize(
    "code",
    [
        "from Crypto.Cipher import AES\nc = AES.new(key, AES.MODE_GCM)",
        (
            "from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes\n"
            "c = Cipher(algorithms.AES(key), modes.GCM(iv))"
        ),
        (
            "from cryptography.hazmat.primitives.asymmetric import rsa\n"
            "k = rsa.generate_private_key(public_exponent=65537, key_size=3072)"
        ),
        "from Crypto.PublicKey import RSA\nk = RSA.generate(2048)",
        "import hmac\nh = hmac.new(key, msg, 'sha256')",  # .new of something else
    ],
)
def test_crypto_true_negatives(code):
    assert not {f.rule for f in scan(code)} & {"BMB156", "BMB157", "BMB158"}


# --- transport ------------------------------------------------------------------------------------------


def test_bind_all_interfaces():
    code = """
    import uvicorn
    app.run(host="0.0.0.0", port=8000)
    uvicorn.run(app, host="0.0.0.0")
    """
    assert hits(code, "BMB159") == [3, 4]
    finding = only(code.split("uvicorn.run")[0], "BMB159")
    assert finding.severity is Severity.low
    assert finding.fix.code == 'app.run(host=os.environ.get("HOST", "127.0.0.1"), port=8000)'


@pytest.mark.parametrize(
    "code",
    [
        "app.run(host='127.0.0.1')",
        "app.run()",
        "import uvicorn\nuvicorn.run(app, host=os.environ['HOST'])",
        "import asyncio\nasyncio.run(main())",
    ],
)
def test_bind_true_negatives(code):
    assert hits(code, "BMB159") == []


def test_plain_http_to_remote_hosts():
    code = """
    import requests, httpx
    requests.get("http://api.partner.net/v1/users")
    httpx.post(f"http://billing.corp.net/charge/{order_id}", json=body)
    session.get("http://api.partner.net/v1/orders")
    """
    assert hits(code, "BMB160") == [3, 4, 5]
    assert only(code.split("httpx.post")[0], "BMB160").fix.code == (
        'requests.get("https://api.partner.net/v1/users")'
    )


@pytest.mark.parametrize(
    "code",
    [
        "import requests\nrequests.get('https://api.partner.net/v1/users')",
        "import requests\nrequests.get('http://localhost:8000/health')",
        "import requests\nrequests.get('http://127.0.0.1:8000/health')",
        "import requests\nrequests.get(f'http://{host}/health')",
        "schemas = {'xsd': 'http://www.w3.org/2001/XMLSchema'}.get('xsd')",  # a dict, not an HTTP client
    ],
)
def test_plain_http_true_negatives(code):
    assert hits(code, "BMB160") == []


def test_obsolete_tls():
    code = """
    import ssl
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLSv1)
    sock = ssl.wrap_socket(raw)
    ctx2 = ssl.create_default_context()
    ctx2.minimum_version = ssl.TLSVersion.TLSv1_1
    """
    assert hits(code, "BMB161") == [3, 4, 6]
    fixes = {f.location.line: f.fix.code for f in scan(code)}
    assert fixes[3] == "ctx = ssl.create_default_context()"
    assert fixes[6] == "ctx2.minimum_version = ssl.TLSVersion.TLSv1_2"


@pytest.mark.parametrize(
    "code",
    [
        "import ssl\nctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)",
        "import ssl\nctx = ssl.create_default_context()\nctx.minimum_version = ssl.TLSVersion.TLSv1_2",
        "import ssl\ns = ssl.create_default_context().wrap_socket(raw, server_hostname=host)",
    ],
)
def test_tls_version_true_negatives(code):
    assert hits(code, "BMB161") == []


# --- plumbing -------------------------------------------------------------------------------------------


def test_notebook_location_and_config_ignore():
    cells = [Cell(index=1, source="import jwt"), Cell(index=2, source="x = 1\nc = jwt.decode(t, verify=False)")]
    source = Source(
        path="auth.ipynb", kind="notebook", text="import jwt\nx = 1\nc = jwt.decode(t, verify=False)\n",
        cells=cells, line_map=[(1, 1), (2, 1), (2, 2)],
    )
    analyzer = HardeningAnalyzer()
    (finding,) = analyzer.analyze(Context(root=Path(".")), [source], AnalyzerConfig())
    assert (finding.rule, finding.location.cell, finding.location.line) == ("BMB155", 2, 2)
    ignored = AnalyzerConfig(ignore=frozenset({"BMB155"}))
    assert analyzer.analyze(Context(root=Path(".")), [source], ignored) == []


def test_security_and_hardening_groups_do_not_mix():
    from bumba_magics.analyzers.security import SecurityAnalyzer

    code = "import jwt, pickle\njwt.decode(t, verify=False)\npickle.loads(b)\n"
    source = Source(path="app.py", text=code)
    hardening = {f.rule for f in HardeningAnalyzer().analyze(Context(root=Path(".")), [source], AnalyzerConfig())}
    security = {f.rule for f in SecurityAnalyzer().analyze(Context(root=Path(".")), [source], AnalyzerConfig())}
    assert hardening == {"BMB155"} and security == {"BMB106"}


def test_fixes_are_valid_python():
    for finding in scan(DJANGO_SETTINGS, "settings.py"):
        if finding.fix.code:
            ast.parse(finding.fix.code)
