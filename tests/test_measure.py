"""The measuring commands against a real service started here on 127.0.0.1 (tests/data/measure_app).

Each planted flaw must be found (true positive) and each clean part must stay clean (true negative); bad
input must give a clear error: UsageError in the magic, exit 2 in the CLI.
"""

from __future__ import annotations

import argparse
import base64
import importlib.util
import shutil
import socket
import ssl
import subprocess
import textwrap
import warnings
from pathlib import Path

import pytest
from IPython.core.error import UsageError

from bumba_magics.cli import main
from bumba_magics.measure import common, loadtest
from bumba_magics.report import Report
from bumba_magics.review import review

APP_DIR = Path(__file__).resolve().parent / "data" / "measure_app"
_spec = importlib.util.spec_from_file_location("measure_app", APP_DIR / "app.py")
measure_app = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(measure_app)
SPEC = APP_DIR / "openapi.json"


@pytest.fixture(scope="module")
def flawed():
    with measure_app.serve(measure_app.make_app(hardened=False)) as url:
        yield url


@pytest.fixture(scope="module")
def hardened():
    with measure_app.serve(measure_app.make_app(hardened=True)) as url:
        yield url


@pytest.fixture
def closed_url():
    """A loopback URL where nothing listens: bind a port, then release it."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def run_cli(argv, capsys) -> tuple[int, str, str]:
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def rules_of(report: Report) -> set[str]:
    return {f.rule for f in report.findings}


def measure(command: str, line: str) -> Report:
    """Run a measuring command the way the front ends do: parse the line, then review()."""
    from bumba_magics.commands.parser import parse, review_overrides

    invocation = parse(f"{command} {line}")
    return review(invocation.command, None, overrides=review_overrides(invocation.args), args=invocation.args)


# -- units --------------------------------------------------------------------------------------------------
def test_loopback_hosts():
    for host in ("127.0.0.1", "127.3.4.5", "::1", "[::1]", "localhost", "api.localhost"):
        assert common.is_loopback(host), host
    for host in ("10.0.0.1", "example.com", "localhost.example.com", "0.0.0.0", "169.254.1.1"):
        assert not common.is_loopback(host), host


def test_budgets_parse():
    assert common.duration_ms("200ms") == 200
    assert common.duration_ms("0.5s") == 500
    assert common.duration_ms("250") == 250
    assert common.fraction("1%") == 0.01
    assert common.fraction("0.05") == 0.05
    for bad in ("fast", "-3ms"):
        with pytest.raises(argparse.ArgumentTypeError):
            common.duration_ms(bad)
    with pytest.raises(argparse.ArgumentTypeError):
        common.fraction("150%")


def test_nearest_rank_percentiles():
    values = [float(v) for v in range(1, 101)]
    assert loadtest.percentile(values, 50) == 50
    assert loadtest.percentile(values, 95) == 95
    assert loadtest.percentile(values, 100) == 100
    assert loadtest.percentile([7.0], 99) == 7


def test_commands_are_available_and_explained(capsys):
    from bumba_magics.commands import get_command

    assert get_command("validate").available and get_command("test").available
    for code in ("BMB601", "BMB610", "BMB638", "BMB650"):
        assert main(["explain", code]) == 0
    assert "cors-reflects-origin" in capsys.readouterr().out


# -- validate performance -----------------------------------------------------------------------------------
@pytest.mark.slow
def test_slow_endpoint_exceeds_the_latency_budget(flawed):
    report = measure("validate", f"performance {flawed}/slow --requests 40 --concurrency 4 --p95 20ms")
    assert rules_of(report) == {"BMB601"}
    finding = report.findings[0]
    assert "p95" in finding.title and finding.location.path == f"GET {flawed}/slow"
    metrics = report.metrics
    assert metrics["requests"] == 40 and metrics["errors"] == 0
    assert metrics["latency_p50_ms"] >= 50  # the endpoint sleeps 50 ms
    assert metrics["latency_p50_ms"] <= metrics["latency_p90_ms"] <= metrics["latency_p99_ms"] <= metrics[
        "latency_max_ms"]
    assert metrics["throughput_rps"] > 0
    titles = [a.title for a in report.artifacts]
    assert titles == ["Latency histogram", "Latency over time"]
    for artifact in report.artifacts:
        assert artifact.mime == "image/png"
        assert base64.b64decode(artifact.data).startswith(b"\x89PNG")


@pytest.mark.slow
def test_fast_endpoint_within_budgets_has_no_findings(flawed):
    report = measure("validate", f"performance {flawed}/health -n 30 -c 3 --p95 5s --p99 5s --error-rate 1%")
    assert report.findings == []
    assert report.metrics["error_rate"] == 0 and report.metrics["status_codes"] == "200: 30"


@pytest.mark.slow
def test_failing_endpoint_exceeds_the_error_budget(flawed):
    report = measure("validate", f"performance {flawed}/flaky -n 40 -c 4 --error-rate 1%")
    assert rules_of(report) == {"BMB602"}
    assert 0.3 < report.metrics["error_rate"] < 0.7  # every second request answers 503
    assert "503" in report.findings[0].evidence


@pytest.mark.slow
def test_duration_bounds_the_run_and_the_body_is_sent(flawed):
    report = measure("validate", f"performance {flawed}/ --duration 0.3s -c 2 -X POST --json '{{\"a\": 1}}'")
    assert report.metrics["stopped_by"] == "duration"
    assert report.metrics["method"] == "POST" and report.metrics["errors"] == 0  # the JSON body was accepted


@pytest.mark.slow
def test_validate_from_the_magic_and_the_cli(ip, flawed, capsys, tmp_path):
    report = ip.run_line_magic("bumba", f"validate performance {flawed}/health -n 10 -c 2")
    assert isinstance(report, Report) and report.run.command == "validate performance"
    assert "image/png" in report.to_html() or "data:image/png;base64" in report.to_html()
    out = tmp_path / "load.json"
    code, stdout, _ = run_cli(["validate", "performance", f"{flawed}/slow", "-n", "8", "--p95", "1ms",
                               "--fail-on", "medium", "-o", str(out)], capsys)
    assert code == 1 and "gate fail" in stdout  # a budget exceeded fails the gate
    assert '"BMB601"' in out.read_text()


def test_validate_refuses_remote_hosts_and_bad_options(ip, capsys):
    code, _, err = run_cli(["validate", "performance", "http://10.1.2.3/"], capsys)
    assert code == 2 and "--allow-remote" in err
    with pytest.raises(UsageError, match="not a loopback host"):
        ip.run_line_magic("bumba", "validate performance https://example.com/")
    for argv, message in (
        (["--requests", "0"], "--requests must be between"),
        (["--requests", "1000000"], "--requests must be between"),
        (["--concurrency", "5000"], "--concurrency must be between"),
        (["--duration", "3600s"], "--duration must be"),
        (["--header", "no-colon"], "is not 'Name: value'"),
        (["--json", "{oops"], "not valid JSON"),
    ):
        code, _, err = run_cli(["validate", "performance", "http://127.0.0.1:9/", *argv], capsys)
        assert code == 2 and message in err, (argv, err)
    code, _, err = run_cli(["validate", "speed", "http://127.0.0.1:9/"], capsys)
    assert code == 2 and "invalid choice" in err
    code, _, err = run_cli(["validate", "performance", "ftp://127.0.0.1/"], capsys)
    assert code == 2 and "not an http" in err


def test_validate_unreachable_url_is_a_clear_error(ip, closed_url, capsys):
    code, _, err = run_cli(["validate", "performance", closed_url, "-n", "5"], capsys)
    assert code == 2 and f"cannot reach {closed_url}" in err
    with pytest.raises(UsageError, match="cannot reach"):
        ip.run_line_magic("bumba", f"validate performance {closed_url}")


# -- test api -----------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def api_report(hardened):
    return measure("test", f"api {SPEC} --base-url {hardened} --max-examples 25 --seed 7 "
                           "--phases examples,coverage,fuzzing")


@pytest.mark.slow
def test_api_finds_the_planted_flaws(api_report):
    found = {(f.location.path, f.rule) for f in api_report.findings}
    assert found == {
        ("GET /items/{item_id}", "BMB610"),  # 500 for item 0
        ("GET /users/{user_id}", "BMB611"),  # age is a string
        ("GET /legacy", "BMB612"),  # 202 is not documented
        ("GET /admin/stats", "BMB613"),  # bearer auth declared, never checked
    }
    for finding in api_report.findings:
        assert "reproduce: curl -X GET" in finding.evidence
    assert "/items/0" in next(f for f in api_report.findings if f.rule == "BMB610").evidence
    assert next(f for f in api_report.findings if f.rule == "BMB613").category.value == "security"


@pytest.mark.slow
def test_api_clean_operations_have_no_findings(api_report):
    # /health, /me (auth enforced) and POST /orders (validates, documents 400 and 415) are clean
    assert not {f.location.path for f in api_report.findings} & {"GET /health", "GET /me", "POST /orders"}
    metrics = api_report.metrics
    assert metrics["operations"] == 7 and metrics["operations_tested"] == 7
    assert metrics["operations_failing"] == 4 and metrics["requests"] > 7
    assert api_report.run.tool_versions["schemathesis"].startswith("4.")


@pytest.mark.slow
def test_api_spec_from_url_with_the_magic(ip, hardened, tmp_path):
    ip.run_line_magic("cd", str(tmp_path))
    report = ip.run_line_magic("bumba", f"test api {hardened}/openapi.json --max-examples 5 --phases coverage")
    assert report.metrics["base_url"] == hardened  # taken from the spec URL
    assert {"BMB612", "BMB613"} <= rules_of(report)
    assert not (tmp_path / ".hypothesis").exists()  # hypothesis's storage does not land in the user's folder


def test_api_bad_input(ip, tmp_path, closed_url, capsys):
    broken = tmp_path / "broken.json"
    broken.write_text('{"openapi": "3.0.0", "info": ')
    no_version = tmp_path / "no_version.json"
    no_version.write_text('{"info": {"title": "x", "version": "1"}, "paths": {}}')
    cases = [
        ([str(broken), "--base-url", "http://127.0.0.1:9"], "not a usable OpenAPI spec"),
        ([str(no_version), "--base-url", "http://127.0.0.1:9"], "not a usable OpenAPI spec"),
        ([str(tmp_path / "missing.yaml"), "--base-url", "http://127.0.0.1:9"], "no such spec file"),
        ([str(SPEC)], "--base-url is needed"),
        ([str(SPEC), "--base-url", "http://192.0.2.1:8000"], "--allow-remote"),
        ([str(SPEC), "--base-url", closed_url], f"cannot reach {closed_url}"),
        ([f"{closed_url}/openapi.json"], "cannot load the spec"),
        ([str(SPEC), "--base-url", closed_url, "--max-examples", "0"], "--max-examples must be"),
    ]
    for argv, message in cases:
        code, _, err = run_cli(["test", "api", *argv], capsys)
        assert code == 2 and message in err, (argv, err)
    with pytest.raises(UsageError, match="no such spec file"):
        ip.run_line_magic("bumba", f"test api {tmp_path / 'missing.json'} --base-url http://127.0.0.1:9")


# -- test security ------------------------------------------------------------------------------------------
@pytest.mark.slow
def test_security_finds_the_planted_flaws(flawed):
    report = measure("test", f"security {flawed}/")
    assert rules_of(report) == {
        "BMB630", "BMB632", "BMB633", "BMB634",  # CSP, nosniff, frame protection, referrer policy
        "BMB635", "BMB636", "BMB637",  # the session cookie has no flags
        "BMB638",  # CORS reflects the Origin, with credentials
        "BMB642",  # Server and X-Powered-By with versions
        "BMB643",  # /static/ lists its files
        "BMB644",  # a malformed JSON body shows a traceback
    }
    assert "BMB631" not in rules_of(report)  # HSTS is only asked of HTTPS
    by_rule = {f.rule: f for f in report.findings}
    assert by_rule["BMB638"].severity.value == "high" and "credentials" in by_rule["BMB638"].title
    assert "Traceback" in by_rule["BMB644"].evidence
    assert by_rule["BMB643"].location.path == f"{flawed}/static/"
    assert "session=****" in by_rule["BMB635"].evidence  # the cookie's value is not repeated
    banners = {f.evidence for f in report.findings if f.rule == "BMB642"}
    assert banners == {"Server: FlawedHTTP/1.4.2", "X-Powered-By: PHP/7.4.3"}


@pytest.mark.slow
def test_security_hardened_service_is_clean(hardened):
    report = measure("test", f"security {hardened}/")
    assert report.findings == [], [f.title for f in report.findings]


@pytest.mark.slow
def test_security_adds_the_source_review(ip, hardened, tmp_path):
    source = tmp_path / "service"
    source.mkdir()
    (source / "loader.py").write_text("import yaml\n\n\ndef load(text):\n    return yaml.load(text)\n")
    report = ip.run_line_magic("bumba", f"test security {hardened}/ {source}")
    from_source = [f for f in report.findings if f.location.path and f.location.path.endswith("loader.py")]
    assert from_source and from_source[0].location.line == 5
    assert report.metrics["source_findings"] == len(from_source)
    assert report.metrics["http_findings"] == 0


def _self_signed(tmp_path: Path) -> ssl.SSLContext:
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("the openssl command is needed to make a test certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out",
                    str(cert), "-days", "2", "-subj", "/CN=127.0.0.1"], check=True, capture_output=True)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context


@pytest.mark.slow
def test_security_over_https_checks_the_certificate_and_hsts(tmp_path):
    context = _self_signed(tmp_path)
    with measure_app.serve(measure_app.make_app(hardened=True), ssl_context=context) as url:
        report = measure("test", f"security {url}/")
    assert rules_of(report) == {"BMB641", "BMB631"}  # self-signed certificate; no HSTS on HTTPS
    assert "self-signed" in next(f for f in report.findings if f.rule == "BMB641").evidence
    assert report.metrics["tls_version"] in ("TLSv1.2", "TLSv1.3")
    assert "BMB640" not in rules_of(report)  # the server refuses TLS 1.0/1.1


def test_security_bad_input(ip, closed_url, capsys, tmp_path):
    code, _, err = run_cli(["test", "security", closed_url], capsys)
    assert code == 2 and "cannot reach" in err
    code, _, err = run_cli(["test", "security", "http://203.0.113.9/"], capsys)
    assert code == 2 and "--allow-remote" in err
    with pytest.raises(UsageError, match="no such file or folder"):
        ip.run_line_magic("bumba", f"test security {closed_url} {tmp_path / 'nowhere'}")


# -- test integration ---------------------------------------------------------------------------------------
@pytest.fixture
def project(tmp_path) -> Path:
    root = tmp_path / "project"
    (root / "tests").mkdir(parents=True)
    (root / "calc.py").write_text("def add(a, b):\n    return a + b\n")
    (root / "conftest.py").write_text("")
    (root / "tests" / "test_calc.py").write_text(textwrap.dedent("""\
        import pytest
        from calc import add


        def test_adds():
            assert add(2, 2) == 4


        def test_adds_wrong():
            total = add(2, 2)
            assert total == 5, "two and two make five"


        @pytest.fixture
        def database():
            raise ConnectionError("database is down")


        def test_needs_database(database):
            pass


        @pytest.mark.skip(reason="not yet")
        def test_later():
            pass
        """))
    return root


@pytest.mark.slow
def test_integration_reports_failures_at_the_failing_line(project):
    report = measure("test", f"integration {project}")
    by_rule = {f.rule: f for f in report.findings}
    assert set(by_rule) == {"BMB650", "BMB651"}
    failed = by_rule["BMB650"]
    assert (failed.location.path, failed.location.line) == ("tests/test_calc.py", 11)
    assert "two and two make five" in failed.title and "assert 4 == 5" in failed.evidence
    error = by_rule["BMB651"]
    assert error.location.path == "tests/test_calc.py" and "setup" in error.title
    assert "database is down" in error.title
    metrics = report.metrics
    assert (metrics["passed"], metrics["failed"], metrics["error"], metrics["skipped"]) == (1, 1, 1, 1)
    assert metrics["tests"] == 4 and len(metrics["slowest_tests"]) == 4
    assert all("tests/test_calc.py::" in line for line in metrics["slowest_tests"])


@pytest.mark.slow
def test_integration_passing_suite_and_the_magic(ip, project):
    (project / "tests" / "test_calc.py").write_text("from calc import add\n\n\ndef test_adds():\n    assert add(1, 1) == 2\n")
    report = ip.run_line_magic("bumba", f"test integration {project}")
    assert report.findings == [] and report.metrics["passed"] == 1 and report.metrics["failed"] == 0
    assert not (project / ".pytest_cache").exists()


@pytest.mark.slow
def test_integration_collection_error_is_a_finding(project):
    (project / "tests" / "test_broken.py").write_text("import not_a_module_anywhere\n")
    report = measure("test", f"integration {project}")
    errors = [f for f in report.findings if f.rule == "BMB651" and "test_broken.py" in (f.location.path or "")]
    assert errors and "not_a_module_anywhere" in errors[0].evidence


def test_integration_bad_input(ip, tmp_path, capsys):
    no_tests = tmp_path / "no_tests"
    no_tests.mkdir()
    (no_tests / "app.py").write_text("x = 1\n")
    not_python = tmp_path / "docs_only"
    not_python.mkdir()
    (not_python / "README.md").write_text("# hello\n")
    text_file = tmp_path / "notes.txt"
    text_file.write_text("hi\n")
    cases = [
        (no_tests, "no tests found"),
        (not_python, "holds no Python files"),
        (text_file, "is not a Python file"),
        (tmp_path / "missing", "no such file or folder"),
    ]
    for path, message in cases:
        code, _, err = run_cli(["test", "integration", str(path)], capsys)
        assert code == 2 and message in err, (path, err)
    with pytest.raises(UsageError, match="holds no Python files"):
        ip.run_line_magic("bumba", f"test integration {not_python}")
    code, _, err = run_cli(["test", "integration"], capsys)
    assert code == 2 and "path" in err


@pytest.mark.slow
def test_security_flags_a_server_that_accepts_tls_1_0(tmp_path):
    context = _self_signed(tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        context.minimum_version = ssl.TLSVersion.TLSv1
    context.set_ciphers("ALL:@SECLEVEL=0")
    with measure_app.serve(measure_app.make_app(hardened=True), ssl_context=context) as url:
        report = measure("test", f"security {url}/")
    if report.metrics["tls_old_protocols"].startswith("not checked"):
        pytest.skip("this Python's OpenSSL cannot offer TLS 1.0/1.1")
    assert "BMB640" in rules_of(report)
    assert report.metrics["tls_old_protocols"].startswith("accepted")
