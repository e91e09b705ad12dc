"""The secret scanner: one true positive and one true negative per rule, masking, redaction, notebooks.

Every secret here is assembled by concatenation, so the repository itself holds no literal that looks like
a live key (and no push-protection or scanner flags this file).
"""

from __future__ import annotations

import pytest

from bumba_magics.analyzers.base import ANALYZERS, RULES, AnalyzerConfig
from bumba_magics.analyzers.secrets import (
    SecretMatch,
    SecretsAnalyzer,
    find_secrets,
    mask,
    mask_secrets,
    redact,
    scan_source,
    shannon_entropy,
)
from bumba_magics.context.source import Cell, Context, Source
from bumba_magics.findings import Severity

# -- test secrets, assembled ---------------------------------------------------------------------------------
RANDOM_36 = "a1B2c3D4e5F6g7H8" + "i9J0k1L2m3N4o5P6q7R8"
RANDOM_40 = "Zq8Lm3Nx7Pv2Kt9Ws4" + "Hy6Jd1Fg5Bc0Rn8Tu3Ve7X"
AWS_KEY_ID = "AKIA" + "Q3EGRY7ZXNB4SOXT"
AWS_SECRET = "wJalrXUtnFEMI/K7MDENG" + "/bPxRfiCYQ3EGRY7ZXN"
GITHUB_PAT = "ghp_" + RANDOM_36
GITHUB_FINE = "github_pat_" + "11ABCDE2Y0" + "q" * 0 + RANDOM_36 + "_" + RANDOM_40
SLACK_BOT = "xoxb-" + "2194765832" + "-" + "3928475610" + "-" + "Kq8Zt3Lm9Wx2Pv7Nc4Rb6Hd"
SLACK_HOOK_PATH = "T0" + "1ABCDEF23/B0" + "4GHIJKL56/" + "Xk9mP2qLw8vN4Rt7Yb3Zc6Hd"
STRIPE_LIVE = "sk_" + "live_" + "51Hq8Lm3Nx7Pv2Kt9Ws4Hy6Jd"
STRIPE_TEST = "sk_" + "test_" + "51Hq8Lm3Nx7Pv2Kt9Ws4Hy6Jd"
GOOGLE_KEY = "AIza" + "SyD8Lm3Nx7Pv2Kt9Ws4Hy6Jd1Fg5Bc0Rn8T"
GOOGLE_OAUTH = "GOCSPX-" + "Lm3Nx7Pv2Kt9Ws4Hy6Jd1Fg5Bc0R"
ANTHROPIC = "sk-ant-" + "api03-" + RANDOM_40 + RANDOM_36 + "-" + "Qw8Er7Ty6AA"
OPENAI_PROJECT = "sk-" + "proj-" + RANDOM_40 + "_" + RANDOM_36
OPENAI_LEGACY = "sk-" + "Lm3Nx7Pv2Kt9Ws4Hy6Jd" + "1Fg5Bc0Rn8Tu3Ve7XqZ8Lm3Nx7Pv"
OPENAI_SERVICE = "sk-" + "svcacct-" + RANDOM_40
JWT_TOKEN = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9" + "."
    + "eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkFkYSJ9" + "." + "Qw8Er7Ty6Ui5Op4As3Df2Gh1Jk0Lz9Xc8Vb7"
)
DB_PASSWORD = "Sup3r" + "S3cr3t9x"
TWILIO_TOKEN = "9f8a7c6b5d4e3f2a" + "1b0c9d8e7f6a5b4c"
SENDGRID = "SG." + "Lm3Nx7Pv2Kt9Ws4Hy6Jd1F" + "." + "g5Bc0Rn8Tu3Ve7XqZ8Lm3Nx7Pv2Kt9Ws4Hy6Jd1Fg5B"
NPM = "npm_" + RANDOM_36
PYPI = "pypi-" + "AgEIcHlwaS5vcmc" + "CJGQ1ZjE4ZTY5LWFhYmQtNGE0Ny05YzE3LTM3NjQyMTk4MzE1ZQACKlszLCI"
AZURE_KEY = ("Lm3Nx7Pv2Kt9Ws4Hy6Jd1Fg5" * 4)[:86] + "=="
HF = "hf_" + "LmNxPvKtWsHyJdFgBc" + "RnTuVeXqZaLmNxPvKt"
BEARER = "Lm3Nx7Pv2Kt9Ws4Hy6Jd" + "1Fg5Bc0Rn8Tu"
GENERIC = "Xk9$mP2q" + "Lw8vN4Rt"
DJANGO_KEY = "django-insecure-" + "8j#k2@l!9x$q0z&m4v^b7n*c1p%w3"
PEM_BODY = ("MIIEowIBAAKCAQEA7Lm3Nx7Pv2Kt9Ws4Hy6Jd1Fg5Bc0Rn8Tu3Ve7XqZ8Lm3Nx7Pv2\n" * 4).strip()
PRIVATE_KEY = "-----BEGIN RSA " + "PRIVATE KEY-----\n" + PEM_BODY + "\n-----END RSA " + "PRIVATE KEY-----"

PREAMBLE = "import os\n\n"  # the secret of every positive case is on line 3


def scan(text: str, kind: str = "python", path: str = "app/settings.py") -> list:
    return scan_source(Source(path=path, text=text, kind=kind))  # type: ignore[arg-type]


def only(findings: list):
    assert len(findings) == 1, [(f.rule, f.location.line, f.evidence) for f in findings]
    return findings[0]


def assert_masked(finding, secret: str) -> None:
    assert secret not in finding.model_dump_json()
    assert "*" in (finding.evidence or "")


# (rule, kind, line holding the secret, the secret, severity, source kind)
POSITIVES = [
    ("BMB201", "aws-access-key-id", f'client = boto3.client("s3", aws_access_key_id="{AWS_KEY_ID}")', AWS_KEY_ID,
     Severity.critical, "python"),
    ("BMB202", "aws-secret-access-key", f'AWS_SECRET_ACCESS_KEY = "{AWS_SECRET}"', AWS_SECRET,
     Severity.critical, "python"),
    ("BMB203", "github-token", f'headers = {{"X-Token": "{GITHUB_PAT}"}}', GITHUB_PAT, Severity.critical, "python"),
    ("BMB203", "github-token", f"gh = Github('{GITHUB_FINE}')", GITHUB_FINE, Severity.critical, "python"),
    ("BMB204", "slack-token", f'slack = WebClient("{SLACK_BOT}")', SLACK_BOT, Severity.critical, "python"),
    ("BMB205", "slack-webhook", f'HOOK = "https://hooks.slack.com/services/{SLACK_HOOK_PATH}"', SLACK_HOOK_PATH,
     Severity.high, "python"),
    ("BMB206", "stripe-live-key", f'stripe.api_key = "{STRIPE_LIVE}"', STRIPE_LIVE, Severity.critical, "python"),
    ("BMB207", "stripe-test-key", f'stripe.api_key = "{STRIPE_TEST}"', STRIPE_TEST, Severity.medium, "python"),
    ("BMB208", "google-api-key", f'maps = Client(key="{GOOGLE_KEY}")', GOOGLE_KEY, Severity.critical, "python"),
    ("BMB209", "google-oauth-client-secret", f"client_secret: {GOOGLE_OAUTH}", GOOGLE_OAUTH, Severity.critical,
     "config"),
    ("BMB210", "anthropic-api-key", f'client = Anthropic(api_key="{ANTHROPIC}")', ANTHROPIC, Severity.critical,
     "python"),
    ("BMB211", "openai-api-key", f'client = OpenAI(api_key="{OPENAI_PROJECT}")', OPENAI_PROJECT,
     Severity.critical, "python"),
    ("BMB211", "openai-api-key", f'openai.api_key = "{OPENAI_LEGACY}"', OPENAI_LEGACY, Severity.critical, "python"),
    ("BMB211", "openai-api-key", f"OPENAI_API_KEY={OPENAI_SERVICE}", OPENAI_SERVICE, Severity.critical, "config"),
    ("BMB213", "jwt", f'session = "{JWT_TOKEN}"', JWT_TOKEN, Severity.medium, "python"),
    ("BMB214", "database-url", f'engine = create_engine("postgresql+psycopg2://app:{DB_PASSWORD}@db.internal/app")',
     DB_PASSWORD, Severity.high, "python"),
    ("BMB214", "database-url", f"CELERY_BROKER_URL=amqp://worker:{DB_PASSWORD}@rabbit:5672//", DB_PASSWORD,
     Severity.high, "config"),
    ("BMB215", "twilio-auth-token", f'TWILIO_AUTH_TOKEN = "{TWILIO_TOKEN}"', TWILIO_TOKEN, Severity.critical,
     "python"),
    ("BMB216", "sendgrid-api-key", f'sg = SendGridAPIClient("{SENDGRID}")', SENDGRID, Severity.critical, "python"),
    ("BMB217", "npm-token", f"//registry.npmjs.org/:_authToken={NPM}", NPM, Severity.critical, "config"),
    ("BMB218", "pypi-token", f"password = {PYPI}", PYPI, Severity.critical, "config"),
    ("BMB219", "azure-storage-key",
     f'CONN = "DefaultEndpointsProtocol=https;AccountName=acme;AccountKey={AZURE_KEY};EndpointSuffix=core"',
     AZURE_KEY, Severity.critical, "python"),
    ("BMB220", "huggingface-token", f'login(token="{HF}")', HF, Severity.critical, "python"),
    ("BMB221", "bearer-token", f'headers = {{"Authorization": "Bearer {BEARER}"}}', BEARER, Severity.high,
     "python"),
    ("BMB230", "secret-assignment", f'DB_PASSWORD = "{GENERIC}"', GENERIC, Severity.high, "python"),
    ("BMB230", "secret-assignment", f'    "api_token": "{GENERIC}",', GENERIC, Severity.high, "python"),
    ("BMB230", "secret-assignment", f"DB_PASSWORD={GENERIC}", GENERIC, Severity.high, "config"),
    ("BMB230", "secret-assignment", f"  password: '{GENERIC}'", GENERIC, Severity.high, "config"),
    ("BMB230", "secret-assignment", f"ENV API_TOKEN {GENERIC}", GENERIC, Severity.high, "config"),
    ("BMB230", "secret-assignment", f'r = requests.get("https://api.acme.io/v1?access_token={GENERIC}&page=2")',
     GENERIC, Severity.high, "python"),
    ("BMB230", "secret-assignment", f"mysqldump --password={GENERIC} app > dump.sql", GENERIC, Severity.high,
     "text"),
    ("BMB230", "secret-assignment", f'def connect(password: str = "{GENERIC}"): ...', GENERIC, Severity.high,
     "python"),
    ("BMB231", "framework-secret-key", f'SECRET_KEY = "{DJANGO_KEY}"', DJANGO_KEY, Severity.high, "python"),
    ("BMB231", "framework-secret-key", 'app.secret_key = "dev"', "dev", Severity.high, "python"),
]


@pytest.mark.parametrize(("code", "kind", "line", "secret", "severity", "source_kind"), POSITIVES,
                         ids=[f"{p[0]}-{p[1]}-{p[5]}-{i}" for i, p in enumerate(POSITIVES)])
def test_true_positive(code, kind, line, secret, severity, source_kind):
    finding = only(scan(PREAMBLE + line + "\n", kind=source_kind))
    assert finding.rule == code
    assert finding.location.line == 3
    assert finding.severity is severity
    assert finding.analyzer == "secrets" and finding.category.value == "secrets"
    assert "CWE-798" in finding.references
    assert finding.why and finding.recommendation
    assert_masked(finding, secret)
    match = only(find_secrets(PREAMBLE + line, python=source_kind == "python"))
    assert match.kind == kind and match.rule == code and match.line == 3


NEGATIVES = [
    ("BMB201", 'key = "AKIAIOSFODNN7EXAMPLE"  # the key AWS documentation uses', "python"),
    ("BMB201", 'blob = "Zm9vYmFyAKIA' + 'Q3EGRY7ZXNB4SOXT"  # inside base64, not a key', "python"),
    ("BMB202", 'AWS_SECRET_ACCESS_KEY = os.environ["AWS_SECRET_ACCESS_KEY"]', "python"),
    ("BMB202", 'aws_secret_access_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCY' + 'EXAMPLEKEY"', "python"),
    ("BMB203", 'TOKEN_PREFIX = "ghp_"', "python"),
    ("BMB203", 'token = "ghp_' + "x" * 36 + '"  # placeholder from the docs', "python"),
    ("BMB204", 'SLACK_TOKEN = os.getenv("SLACK_TOKEN")', "python"),
    ("BMB205", 'WEBHOOK_HELP = "https://hooks.slack.com/services/..."', "python"),
    ("BMB206", 'stripe.api_key = "sk_' + 'live_' + 'x' * 24 + '"', "python"),
    ("BMB207", 'PREFIX = "sk_' + 'test_"', "python"),
    ("BMB208", 'api_key = "AIza' + '..."', "python"),
    ("BMB209", "client_secret: ${GOOGLE_CLIENT_SECRET}", "config"),
    ("BMB210", 'ANTHROPIC_API_KEY = "sk-ant-' + 'api03-your-key-here"', "python"),
    ("BMB211", 'OPENAI_API_KEY = os.environ["OPENAI_API_KEY"]', "python"),
    ("BMB212", 'if text.startswith("-----BEGIN RSA ' + 'PRIVATE KEY-----"):', "python"),
    ("BMB213", 'blob = "eyJmb28iOiJiYXIifQ.' + 'eyJmb28iOiJiYXIifQ.c2lnbmF0dXJl"  # no JWT header', "python"),
    ("BMB214", 'DATABASE_URL = "postgres://app:${DB_PASSWORD}@db/app"', "python"),
    ("BMB214", 'url = "postgres://user:<password>@host:5432/db"', "python"),
    ("BMB214", 'url = "https://user:' + DB_PASSWORD + '@example.com/"  # documentation host', "python"),
    ("BMB215", 'TWILIO_AUTH_TOKEN = os.environ["TWILIO_AUTH_TOKEN"]', "python"),
    ("BMB216", 'SENDGRID_API_KEY = "SG.' + 'xxxxxxxx"', "python"),
    ("BMB217", "//registry.npmjs.org/:_authToken=${NPM_TOKEN}", "config"),
    ("BMB218", "password = pypi-" + "AgEI...", "config"),
    ("BMB219", '"AccountName=acme;AccountKey={account_key};EndpointSuffix=core"', "python"),
    ("BMB220", 'HF_TOKEN = "hf_' + 'x' * 34 + '"', "python"),
    ("BMB221", 'headers = {"Authorization": f"Bearer {token}"}', "python"),
    ("BMB230", 'password = "changeme123"', "python"),
    ("BMB230", 'password = get_password(user)', "python"),
    ("BMB230", "password = other_password", "python"),
    ("BMB230", 'api_key = os.environ.get("API_KEY")', "python"),
    ("BMB230", 'token = "{{ token }}"', "python"),
    ("BMB230", "DB_PASSWORD=${DB_PASSWORD}", "config"),
    ("BMB230", 'TOKEN_URL = "https://auth.acme.io/oauth/token"', "python"),
    ("BMB230", 'PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]', "python"),
    ("BMB230", 'password = "pbkdf2_sha256$' + '870000$Lm3Nx7Pv2Kt9$Ws4Hy6Jd1Fg5"  # a hash', "python"),
    ("BMB230", 'secret = "reset_password_done"', "python"),
    ("BMB230", 'label = "Enter your password and token"', "python"),
    ("BMB230", 'if password == "Xk9$mP2qLw8vN4Rt": pass', "python"),
    ("BMB230", 'url = "https://api.acme.io/v1?access_token=${TOKEN}&page=2"', "python"),
    ("BMB230", "the access token expires after an hour", "text"),
    ("BMB231", 'SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]', "python"),
    ("BMB231", "SECRET_KEY = '{{ cookiecutter.secret_key }}'", "python"),
]


@pytest.mark.parametrize(("code", "line", "source_kind"), NEGATIVES,
                         ids=[f"{n[0]}-{i}" for i, n in enumerate(NEGATIVES)])
def test_true_negative(code, line, source_kind):
    findings = scan(PREAMBLE + line + "\n", kind=source_kind)
    assert findings == [], [(f.rule, f.evidence) for f in findings]


def test_private_key_block_is_one_finding_on_its_begin_line_and_the_body_never_shows():
    text = PREAMBLE + 'KEY = """' + PRIVATE_KEY + '"""\n'
    finding = only(scan(text))
    assert finding.rule == "BMB212" and finding.location.line == 3
    assert finding.severity is Severity.critical
    assert "BEGIN RSA PRIVATE KEY" in finding.evidence  # the header says what it is; the body is masked
    for body_line in PEM_BODY.splitlines():
        assert body_line not in finding.model_dump_json()
    pem_file = only(scan(PRIVATE_KEY + "\n", kind="config", path="deploy/server.key"))
    assert pem_file.rule == "BMB212" and pem_file.location.line == 1


def test_private_key_pasted_with_escaped_newlines():
    escaped = PRIVATE_KEY.replace("\n", "\\n")
    finding = only(scan(f'KEY = "{escaped}"\n'))
    assert finding.rule == "BMB212" and finding.location.line == 1
    assert PEM_BODY.splitlines()[0] not in finding.model_dump_json()


# -- lockfiles, hashes, UUIDs: typical non-secrets -----------------------------------------------------------

def test_lockfile_hashes_and_uuids_are_not_secrets():
    poetry_lock = (
        '[[package]]\nname = "django"\nversion = "5.2"\nfiles = [\n'
        '    {file = "django-5.2.tar.gz", hash = "sha256:' + "9f8a7c6b5d4e3f2a1b0c" * 3 + 'abcd"},\n]\n'
    )
    package_lock = (
        '{\n  "packages": {\n    "node_modules/left-pad": {\n      "version": "1.3.0",\n'
        '      "resolved": "https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz",\n'
        '      "integrity": "sha512-' + "XI5MPzVNApjAyhQzphX8BkmKsKUxD4LdyK24iZeQ" * 2 + '=="\n    }\n  }\n}\n'
    )
    code = 'REQUEST_ID = "3f2b8c1e-9d4a-4e7b-8f6a-1c2d3e4f5a6b"\nuuid = "550e8400-e29b-41d4-a716-446655440000"\n'
    assert scan(poetry_lock, kind="config", path="poetry.lock") == []
    assert scan(package_lock, kind="config", path="package-lock.json") == []
    assert scan(code) == []


# -- notebooks: cells and outputs ----------------------------------------------------------------------------

def notebook(cells: list[Cell]) -> Source:
    return Source(path="analysis.ipynb", text="", kind="notebook", cells=cells)


def test_secret_in_a_cell_output_is_reported_at_that_cell_as_cleartext_storage():
    cells = [
        Cell(index=1, source="import os", execution_count=1),
        Cell(index=2, source="creds = get_creds()\ncreds", execution_count=2, cell_id="c2",
             outputs_text=[f"{{'AccessKeyId': '{AWS_KEY_ID}', 'Expiration': '2030-01-01'}}"]),
    ]
    finding = only(scan_source(notebook(cells)))
    assert finding.rule == "BMB201"
    assert finding.location.cell == 2 and finding.location.cell_id == "c2"
    assert finding.location.execution_count == 2 and finding.location.line is None
    assert "output of cell 2" in finding.title
    assert "CWE-312" in finding.references and "CWE-798" in finding.references
    assert "Clear the outputs" in finding.recommendation or "clear the outputs" in finding.recommendation
    assert finding.fix is None
    assert_masked(finding, AWS_KEY_ID)


def test_secret_in_a_code_cell_including_ipython_syntax_is_located_in_the_cell():
    cells = [
        Cell(index=1, source="import pandas as pd"),
        Cell(index=2, source=f"x = 1\n%env OPENAI_API_KEY={OPENAI_PROJECT}\n!echo done"),
        Cell(index=3, source=f"# notes\nThe token is {GITHUB_PAT}", cell_type="markdown"),
        Cell(index=4, source=f"%%bash\nexport DB_PASSWORD={GENERIC}"),
    ]
    findings = sorted(scan_source(notebook(cells)), key=lambda f: f.location.cell)
    assert [(f.rule, f.location.cell, f.location.line) for f in findings] == [
        ("BMB211", 2, 2), ("BMB203", 3, 2), ("BMB230", 4, 2),
    ]
    for finding, secret in zip(findings, [OPENAI_PROJECT, GITHUB_PAT, GENERIC]):
        assert_masked(finding, secret)


def test_analyzer_is_registered_and_respects_ignore():
    assert ANALYZERS["secrets"] is SecretsAnalyzer and SecretsAnalyzer.per_file
    source = Source(path="app.py", text=f'KEY = "{AWS_KEY_ID}"\nDB_PASSWORD = "{GENERIC}"\n')
    context = Context(root=".", sources=[source])  # type: ignore[arg-type]
    found = SecretsAnalyzer().analyze(context, [source], AnalyzerConfig())
    assert sorted(f.rule for f in found) == ["BMB201", "BMB230"]
    kept = SecretsAnalyzer().analyze(context, [source], AnalyzerConfig(ignore=frozenset({"BMB230"})))
    assert [f.rule for f in kept] == ["BMB201"]


def test_every_rule_is_documented():
    rules = [r for r in RULES if r.analyzer == "secrets"]
    assert len(rules) >= 23
    for rule in rules:
        assert "BMB201" <= rule.code <= "BMB249"
        assert rule.why and rule.recommendation and "CWE-798" in rule.references
        assert rule.category.value == "secrets"


# -- config files --------------------------------------------------------------------------------------------

def test_dotenv_file():
    text = (
        "# local settings\nDEBUG=1\nDB_PASSWORD=" + GENERIC + "\nAPI_KEY=${API_KEY}\n"
        "export STRIPE_KEY=" + STRIPE_LIVE + "\nDATABASE_URL=postgres://app:" + DB_PASSWORD + "@localhost/app\n"
    )
    findings = scan(text, kind="config", path=".env")
    assert [(f.rule, f.location.line, f.severity) for f in findings] == [
        ("BMB230", 3, Severity.high), ("BMB206", 5, Severity.critical), ("BMB214", 6, Severity.low),
    ]
    for finding, secret in zip(findings, [GENERIC, STRIPE_LIVE, DB_PASSWORD]):
        assert_masked(finding, secret)


def test_yaml_and_dockerfile():
    compose = f"services:\n  db:\n    environment:\n      POSTGRES_PASSWORD: {GENERIC}\n      POSTGRES_USER: app\n"
    finding = only(scan(compose, kind="config", path="docker-compose.yml"))
    assert (finding.rule, finding.location.line) == ("BMB230", 4)
    dockerfile = f"FROM python:3.11\nENV HF_TOKEN={HF}\nARG PIP_INDEX_URL\n"
    finding = only(scan(dockerfile, kind="config", path="Dockerfile"))
    assert (finding.rule, finding.location.line) == ("BMB220", 2)


def test_in_test_files_only_provider_keys_stay_critical():
    text = f'PASSWORD = "{GENERIC}"\nKEY = "{AWS_KEY_ID}"\n'
    by_rule = {f.rule: f.severity for f in scan(text, path="tests/test_login.py")}
    assert by_rule == {"BMB230": Severity.low, "BMB201": Severity.critical}


# -- the pure API --------------------------------------------------------------------------------------------

def test_find_secrets_offsets_point_at_the_value_only():
    text = f'import os\nAPI_KEY = "{GENERIC}"  # temp\nurl = "redis://:{DB_PASSWORD}@cache:6379/0"\n'
    matches = find_secrets(text, python=True)
    assert [m.kind for m in matches] == ["secret-assignment", "database-url"]
    assert [text[m.start:m.end] for m in matches] == [GENERIC, DB_PASSWORD]
    assert [m.line for m in matches] == [2, 3]
    assert matches[0].name == "API_KEY" and isinstance(matches[0], SecretMatch)


def test_find_secrets_on_non_ascii_text_keeps_character_offsets():
    text = f"# café — naïve\nnote = 'ünïcode'\ntoken: {GENERIC}\n"
    match = only(find_secrets(text))
    assert text[match.start:match.end] == GENERIC and match.line == 3


def test_python_mode_ignores_unquoted_values_but_text_mode_does_not():
    text = f"password = {GENERIC}\n"
    assert find_secrets(text, python=True) == []
    assert [m.kind for m in find_secrets(text)] == ["secret-assignment"]


def test_a_known_key_inside_an_assignment_or_a_url_is_reported_as_what_it_is():
    inside_url = f'REPO = "https://x-access-token:{GITHUB_PAT}@github.com/acme/app.git"'
    assert [(m.kind, m.rule) for m in find_secrets(inside_url)] == [("github-token", "BMB203")]
    assigned = f'password = "{STRIPE_LIVE}"'
    assert [(m.kind, m.rule) for m in find_secrets(assigned)] == [("stripe-live-key", "BMB206")]


def test_documented_example_keys_are_redacted_but_not_reported():
    text = 'aws_access_key_id = "AKIAIOSFODNN7EXAMPLE"\n'
    match = only(find_secrets(text))
    assert match.example and match.kind == "aws-access-key-id"
    assert redact(text) == 'aws_access_key_id = "[REDACTED:aws-access-key-id]"\n'
    assert scan(text) == []


def test_redact_replaces_every_secret_and_keeps_line_numbers():
    text = (
        f"key = '{AWS_KEY_ID}'\n"
        + 'PEM = """' + PRIVATE_KEY + '"""\n'
        + f"DB = 'mysql://root:{DB_PASSWORD}@db.internal/app'; tok = '{JWT_TOKEN}'\n"
        + "nothing = 'here'\n"
    )
    redacted = redact(text)
    for secret in (AWS_KEY_ID, PEM_BODY.splitlines()[0], DB_PASSWORD, JWT_TOKEN):
        assert secret not in redacted
    lines = redacted.splitlines()
    assert len(lines) == len(text.splitlines())
    assert lines[0] == "key = '[REDACTED:aws-access-key-id]'"
    assert lines[1] == 'PEM = """[REDACTED:private-key]'
    assert lines[-2] == "DB = 'mysql://root:[REDACTED:database-url]@db.internal/app'; tok = '[REDACTED:jwt]'"
    assert lines[-1] == "nothing = 'here'"
    assert redact("no secrets at all\n") == "no secrets at all\n"


def test_mask():
    assert mask(AWS_KEY_ID) == "AKIA****************"
    assert mask(ANTHROPIC) == "sk-a" + "*" * 16  # long secrets: the length does not show either
    assert mask("hunter2") == "********"  # short: nothing of it shows
    assert mask(GENERIC[:12]) == "********"
    assert mask(GENERIC) == "Xk9$" + "*" * 12
    assert mask("") == ""


def test_evidence_masks_every_secret_on_the_line():
    line = f'creds = {{"id": "{AWS_KEY_ID}", "aws_secret_access_key": "{AWS_SECRET}"}}\n'
    findings = scan(line)
    assert sorted(f.rule for f in findings) == ["BMB201", "BMB202"]
    for finding in findings:
        assert AWS_KEY_ID not in finding.model_dump_json()
        assert AWS_SECRET not in finding.model_dump_json()
    assert mask_secrets(line) == (
        'creds = {"id": "AKIA****************", "aws_secret_access_key": "wJal****************"}\n'
    )


def test_fix_reads_the_value_from_the_environment():
    finding = only(scan(f'    API_KEY = "{GENERIC}"  # rotate me\n'))
    assert finding.fix is not None
    assert finding.fix.code == '    API_KEY = os.environ["API_KEY"]  # rotate me'
    framework = only(scan(f"app.config['SECRET_KEY'] = '{DJANGO_KEY}'\n"))
    assert framework.fix.code == "app.config['SECRET_KEY'] = os.environ[\"SECRET_KEY\"]"
    known = only(scan(f'client = OpenAI(api_key="{OPENAI_PROJECT}")\n'))
    assert known.fix.code == 'client = OpenAI(api_key=os.environ["API_KEY"])'


def test_long_minified_lines_give_short_evidence():
    line = "var a=1;" * 2000 + f'var k="{GITHUB_PAT}";' + "var b=2;" * 2000
    finding = only(scan(line + "\n", kind="text", path="static/app.min.js"))
    assert len(finding.evidence) < 200 and "ghp_****" in finding.evidence


def test_entropy():
    assert shannon_entropy("") == 0.0
    assert shannon_entropy("aaaa") == 0.0
    assert shannon_entropy("abcd") == 2.0
