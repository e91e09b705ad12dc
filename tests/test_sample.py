"""The bundled sample, reviewed the way `make demo` does: every planted problem of
notebooks/sample_service/EXPECTED.md is found where the table says (cells there are 0-based; ours 1-based)."""

import pytest

from bumba_magics.review import review

SVC = "sample_service/"

EXPECTED = [
    # security
    ("BMB101", SVC + "db.py", None, 80), ("BMB101", SVC + "db.py", None, 89), ("S608", SVC + "db.py", None, 87),
    ("BMB104", SVC + "auth.py", None, 15), ("BMB110", SVC + "auth.py", None, 25),
    ("BMB105", SVC + "integrations.py", None, 18), ("BMB106", SVC + "routes.py", None, 60),
    ("BMB106", SVC + "settings.py", None, 27), ("BMB107", SVC + "ops.py", None, 20),
    ("BMB102", SVC + "notifications.py", None, 23), ("BMB108", SVC + "app.py", None, 19),
    ("BMB103", SVC + "app.py", None, 31), ("BMB103", SVC + "settings.py", None, 11),
    # performance
    ("BMB301", SVC + "reports.py", None, 42), ("BMB302", SVC + "reports.py", None, 35),
    ("BMB305", SVC + "reports.py", None, 51), ("BMB308", SVC + "reports.py", None, 65),
    ("BMB304", SVC + "reports.py", None, 73), ("BMB306", SVC + "reports.py", None, 84),
    ("BMB307", SVC + "reports.py", None, 93), ("BMB303", SVC + "reports.py", None, 103),
    # architecture
    ("C901", SVC + "services/orders.py", None, 26),
    # notebook
    ("BMB301", "sample.ipynb", 6, 2), ("BMB502", "sample.ipynb", 8, 2), ("BMB502", "sample.ipynb", 9, 3),
]

SECRETS = [
    (SVC + "settings.py", 17), (SVC + "settings.py", 18), (SVC + "ops.py", 13), (SVC + "config.yaml", 8),
    (SVC + "config.yaml", 11), (SVC + ".env", 2), (SVC + ".env", 3), (SVC + ".env", 4),
]


@pytest.fixture(scope="module")
def report(request):
    notebooks = request.config.rootpath / "notebooks"
    return review("checkpoint", str(notebooks), overrides={"fail_on": "none"}, use_store=False)


def places(report):
    return {(f.rule, f.location.path, f.location.cell, f.location.line) for f in report.findings}


@pytest.mark.parametrize("expected", EXPECTED, ids=lambda e: f"{e[0]}-{e[1]}-{e[3]}")
def test_planted_problem_is_found(report, expected):
    assert expected in places(report)


@pytest.mark.parametrize("where", SECRETS, ids=lambda w: f"{w[0]}-{w[1]}")
def test_planted_secret_is_found_and_masked(report, where):
    hits = [f for f in report.findings
            if f.category.value == "secrets" and (f.location.path, f.location.line) == where]
    assert hits, f"no secret found at {where}"


def test_secret_in_a_saved_output_is_found(report):
    assert any(f.category.value == "secrets" and f.location.path == "sample.ipynb" and f.location.cell == 10
               for f in report.findings)


def test_architecture_of_the_sample(report):
    rules = {(f.rule, f.location.path) for f in report.findings}
    assert ("BMB406", SVC + "legacy_export.py") in rules
    assert {("BMB401", SVC + "db.py"), ("BMB401", SVC + "services/orders.py")} & rules
    assert any(f.rule == "BMB501" and f.location.path == "sample.ipynb" for f in report.findings)


def test_no_raw_secret_in_the_report(report):
    text = report.to_json()
    for raw in ("v97ZTgD5WHly7hkTHjhxUx4EFcpnJKcKYBsJtjlm", "sk_live_tDz5SYAABZSxmQxLerHG9XSM",
                "yqtSYVfGkLo18DYWmspc", "sk-proj-yCF9Bi3yHGwPoh73r9Xwk38o"):
        assert raw not in text
