"""Nothing secret leaves the machine: a notebook and a repository seeded with secrets of every kind, an agent
that reads all of it through its tools, and a fake API that records every byte it is sent."""

from __future__ import annotations

import random
import string
import subprocess

import nbformat
import pytest
from fake_anthropic import FakeAnthropic, Reply, text, tool_use

from bumba_magics.context.redact import Redactor, is_credential_file
from bumba_magics.review import review

pytestmark = pytest.mark.filterwarnings("ignore:The model .* is deprecated:DeprecationWarning")

KEY = "sk-ant-api03-test-key-for-the-fake-server-only-000000000000000000"
_rng = random.Random(20)
_ALNUM = string.ascii_letters + string.digits


def _rand(n: int, alphabet: str = _ALNUM) -> str:
    return "".join(_rng.choice(alphabet) for _ in range(n))


SECRETS = {
    "aws_key_id": "AKIA" + _rand(16, string.ascii_uppercase + string.digits),
    "aws_secret": _rand(40, _ALNUM + "/+"),
    "github": "ghp_" + _rand(36),
    "stripe_live": "sk_live_" + _rand(24),
    "stripe_test": "sk_test_" + _rand(24),
    "slack_webhook": f"T{_rand(8, string.ascii_uppercase)}/B{_rand(8, string.ascii_uppercase)}/{_rand(24)}",
    "slack_bot": f"xoxb-{_rand(11, string.digits)}-{_rand(12, string.digits)}-{_rand(24)}",
    "db_password": _rand(18),
    "openai": "sk-proj-" + _rand(48),
    "anthropic": "sk-ant-api03-" + _rand(90, _ALNUM + "-_"),
    "google": "AIza" + _rand(35, _ALNUM + "-_"),
    "sendgrid": f"SG.{_rand(22)}.{_rand(43)}",
    "npm": "npm_" + _rand(36),
    "huggingface": "hf_" + _rand(34),
    "pypi": "pypi-AgEIcHlwaS5vcmc" + _rand(60),
    "jwt": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0." + _rand(43, _ALNUM + "-_"),
    "azure": _rand(86, _ALNUM) + "==",
    "private_key": _rand(64, _ALNUM + "+/"),
    "config_token": _rand(32),
    "env_session": _rand(30),
    "nb_password": "Zq8" + _rand(17),
    "output_bearer": _rand(40),
    "df_token_1": "tok_" + _rand(24),
    "df_token_2": "tok_" + _rand(24),
    "git_diff_key": "AKIA" + _rand(16, string.ascii_uppercase + string.digits),
}


def _notebook(path):
    s = SECRETS
    cells = [
        nbformat.v4.new_code_cell(f'password = "{s["nb_password"]}"\nimport requests', execution_count=1),
        nbformat.v4.new_code_cell("print(session.headers)", execution_count=2, outputs=[nbformat.v4.new_output(
            "stream", name="stdout",
            text=f"{{'Authorization': 'Bearer {s['output_bearer']}', 'X-Goog-Api-Key': '{s['google']}'}}\n")]),
        nbformat.v4.new_code_cell(
            'import pandas as pd\ndf = pd.DataFrame({"user": ["ann", "bob"], '
            f'"api_token": ["{s["df_token_1"]}", "{s["df_token_2"]}"]}})\ndf', execution_count=3,
            outputs=[nbformat.v4.new_output("execute_result", execution_count=3, data={
                "text/plain": f"  user   api_token\n0  ann  {s['df_token_1']}\n1  bob  {s['df_token_2']}"})]),
        nbformat.v4.new_code_cell(f'client = WebClient(token="{s["slack_bot"]}")', execution_count=4),
        nbformat.v4.new_code_cell("stripe.api_key", execution_count=5, outputs=[nbformat.v4.new_output(
            "execute_result", execution_count=5, data={"text/plain": repr(s["stripe_test"])})]),
    ]
    nbformat.write(nbformat.v4.new_notebook(cells=cells), path)


@pytest.fixture
def seeded(tmp_path):
    s = SECRETS
    root = tmp_path / "service"
    (root / "app").mkdir(parents=True)
    (root / "app" / "settings.py").write_text(
        f'AWS_ACCESS_KEY_ID = "{s["aws_key_id"]}"\nAWS_SECRET_ACCESS_KEY = "{s["aws_secret"]}"\n'
        f'DATABASE_URL = "postgres://app:{s["db_password"]}@db.internal:5432/app"\n')
    (root / "app" / "ops.py").write_text(
        f'GITHUB_TOKEN = "{s["github"]}"\nSERVICE_JWT = "{s["jwt"]}"\n\n\ndef deploy():\n    return GITHUB_TOKEN\n')
    (root / "app" / "keys.py").write_text(
        f'SIGNING = """-----BEGIN RSA PRIVATE KEY-----\n{s["private_key"]}\n{s["private_key"][::-1]}\n'
        '-----END RSA PRIVATE KEY-----"""\n')
    (root / "config.yaml").write_text(
        f"stripe_key: {s['stripe_live']}\nalerts: https://hooks.slack.com/services/{s['slack_webhook']}\n"
        f"mail:\n  sendgrid: {s['sendgrid']}\n")
    (root / "settings.toml").write_text(
        f'api_token = "{s["config_token"]}"\n'
        f'storage = "DefaultEndpointsProtocol=https;AccountName=acme;AccountKey={s["azure"]};"\n')
    (root / ".env").write_text(
        f"OPENAI_API_KEY={s['openai']}\nANTHROPIC_API_KEY={s['anthropic']}\nSESSION_SECRET={s['env_session']}\n"
        f"HF_TOKEN={s['huggingface']}\n")
    (root / ".npmrc").write_text(f"//registry.npmjs.org/:_authToken={s['npm']}\n")
    (root / "PUBLISHING.md").write_text(f"Upload with `twine upload -p {s['pypi']}` (token of the release bot).\n")
    _notebook(root / "analysis.ipynb")
    git = ["git", "-c", "user.email=t@example.com", "-c", "user.name=t", "-C", str(root)]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "seed"], check=True)
    with (root / "app" / "settings.py").open("a") as handle:  # an uncommitted change that git_diff shows
        handle.write(f'BACKUP_KEY = "{s["git_diff_key"]}"\n')
    return root


def _read_everything():
    reads = [tool_use("read_file", {"path": p}) for p in (
        "app/settings.py", "app/ops.py", "app/keys.py", "config.yaml", "settings.toml", "PUBLISHING.md",
        ".env", ".npmrc")]
    cells = [tool_use("read_cell", {"cell": n, "notebook": "analysis.ipynb"}) for n in range(1, 6)]
    return [
        Reply([text("Reading everything."), tool_use("list_files", {}), *reads]),
        Reply([*cells, tool_use("list_cells", {"notebook": "analysis.ipynb"}),
               tool_use("search_text", {"pattern": "sk_"}), tool_use("search_text", {"pattern": "AKIA"}),
               tool_use("search_text", {"pattern": "token", "regex": False})]),
        Reply([tool_use("run_analyzer", {"path": ".", "analyzers": ["secrets", "security"]}),
               tool_use("git_log", {}), tool_use("git_diff", {}), tool_use("git_blame", {"path": "app/ops.py"}),
               tool_use("memory_write", {"key": "secrets", "value": "the project keeps keys in code"})]),
        Reply([text("Secrets are hardcoded across the project.")]),
    ]


def test_twenty_five_secrets_never_reach_the_api(seeded):
    assert len(set(SECRETS.values())) >= 20
    with FakeAnthropic(min_cache_tokens=200) as fake:
        fake.push(*_read_everything())
        report = review("scan", str(seeded), overrides={"engine": "claude", "api_key": KEY, "base_url": fake.url,
                                                        "max_retries": 0})
        sent = fake.everything_sent()
        requests = fake.messages_requests
    assert "agent error" not in report.metrics, report.metrics
    assert len(requests) == 4 and all(r.status == 200 for r in requests)
    leaked = {name: value for name, value in SECRETS.items() if value in sent}
    assert not leaked
    assert KEY not in "".join(r.raw.decode() for r in requests)  # the key goes in a header only
    # the files were really sent, with their secrets replaced
    results = [b for m in requests[-1].body["messages"] for b in m["content"]  # the last holds the history
               if isinstance(m["content"], list) and b.get("type") == "tool_result"]
    by_text = "\n".join(str(b["content"]) for b in results)
    assert "GITHUB_TOKEN = \"[REDACTED" in by_text and "def deploy():" in by_text
    assert "0  ann  [REDACTED]" in by_text  # the DataFrame output, values learned from the cell's source
    assert "BACKUP_KEY" in by_text  # git diff ran and was redacted
    assert sum(1 for b in results if b.get("is_error")) == 2  # .env and .npmrc are never read
    assert report.metrics["secrets redacted"] >= 20


def test_kernel_variables_and_environment_are_redacted(ip, monkeypatch, tmp_path):
    token = "svc_" + _rand(28)
    monkeypatch.setenv("PAYMENTS_SERVICE_TOKEN", token)
    ip.run_cell("import os\nimport pandas as pd\nsvc_token = os.environ['PAYMENTS_SERVICE_TOKEN']\n"
                f"frame = pd.DataFrame({{'client': ['a'], 'client_secret': ['{SECRETS['df_token_1']}']}})\n"
                "print('calling with', svc_token)", store_history=True)
    with FakeAnthropic(min_cache_tokens=200) as fake:
        fake.push(Reply([tool_use("describe_variable", {"name": "frame"}),
                         tool_use("describe_variable", {"name": "svc_token"}), tool_use("list_cells", {}),
                         tool_use("read_cell", {"cell": 1})]),
                  Reply([text("done")]))
        ip.run_line_magic("config", f"BumbaMagics.api_key = '{KEY}'")
        ip.run_line_magic("config", f"BumbaMagics.base_url = '{fake.url}'")
        result = ip.run_cell("%bumba scan --engine claude --no-repo -q")
        sent = fake.everything_sent()
        answers = fake.messages_requests[1].body["messages"][-1]["content"]
    assert result.error_in_exec is None
    assert token not in sent and SECRETS["df_token_1"] not in sent
    assert "  client_secret: " in answers[0]["content"] and "values not shown" in answers[0]["content"]
    assert "length: " in answers[1]["content"]


@pytest.mark.parametrize("name, credential", [
    (".env", True), (".env.production", True), ("id_rsa", True), ("server.pem", True), (".netrc", True),
    ("service-account-prod.json", True), ("settings.py", False), ("config.yaml", False), ("environment.md", False),
])
def test_credential_files(name, credential):
    assert is_credential_file(name) is credential


def test_redactor_masks_patterns_known_values_and_keeps_api_opaque_fields():
    redactor = Redactor()
    redactor.learn(f'DB_PASSWORD = "{SECRETS["db_password"]}"')
    text_in = f"connected as app / {SECRETS['db_password']} with key {SECRETS['github']}"
    out = redactor.text(text_in)
    assert SECRETS["db_password"] not in out and SECRETS["github"] not in out
    assert "[REDACTED:github-token]" in out and "connected as app / [REDACTED]" in out
    body = redactor.payload({"messages": [{"content": [{"type": "text", "text": text_in}]}],
                             "encrypted_content": SECRETS["github"]})
    assert SECRETS["github"] not in str(body["messages"]) and body["encrypted_content"] == SECRETS["github"]
    # true negative: ordinary code and short values are left alone
    plain = "def login(user, password):\n    return check(user, password)\n"
    assert redactor.text(plain) == plain
