"""Nothing secret reaches the API: the planted-secrets corpus (``tests/data/secrets_corpus``) committed into a
throwaway git repository, reviewed with the Claude engine from the command line and from a real kernel, while
the fake model reads every file, cell, commit and variable through every tool. No planted value may appear in
any request the fake API recorded: not whole, not base64-encoded, not a half of it."""

from __future__ import annotations

import base64
import json
import os
import random
import re
import string
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from fake_anthropic import FakeAnthropic, Reply, text, tool_use

pytestmark = pytest.mark.filterwarnings("ignore:The model .* is deprecated:DeprecationWarning")

CORPUS = Path(__file__).parent / "data" / "secrets_corpus"
MANIFEST = json.loads((CORPUS / "manifest.json").read_text())
KEY = "sk-ant-api03-corpus-test-key-for-the-fake-server-only-00000000000"
CREDENTIAL_FILES = (".env", ".netrc", ".npmrc", ".pypirc", "deploy/server.pem", "deploy/id_rsa", "infra/prod.tfvars")

_ALPHABETS = {
    "A": string.ascii_uppercase + string.digits,
    "a": string.ascii_letters + string.digits,
    "h": "0123456789abcdef",
    "b": string.ascii_letters + string.digits + "+/",
    "u": string.ascii_letters + string.digits + "-_",
    "d": string.digits,
}
_CODE = re.compile(r"\{([Aahbud]):(\d+)\}|\{=(\w+)\}")
_PLACEHOLDER = re.compile(r"@@(\w+)(?:\[(-?\d*):(-?\d*)\])?@@")


# -- the corpus, rendered ----------------------------------------------------------------------------------
def planted_values() -> dict[str, str]:
    """Every planted value, generated from the manifest's formats with its seed (the same on every run)."""
    rng = random.Random(MANIFEST["seed"])
    values: dict[str, str] = {}

    def fill(template: str) -> str:
        def one(match: re.Match[str]) -> str:
            if match.group(3):
                return values[match.group(3)]
            return "".join(rng.choice(_ALPHABETS[match.group(1)]) for _ in range(int(match.group(2))))
        return _CODE.sub(one, template)

    for name, spec in MANIFEST["values"].items():
        if "literal" in spec:
            values[name] = spec["literal"]
        elif "format" in spec:
            values[name] = fill(spec["format"])
        else:
            values[name] = base64.b64encode(fill(spec["base64"]).encode()).decode()
    return values


VALUES = planted_values()


def render(template: str) -> str:
    def one(match: re.Match[str]) -> str:
        value = VALUES[match.group(1)]
        if match.group(2) is None and match.group(3) is None:
            return value
        start = int(match.group(2)) if match.group(2) else None
        stop = int(match.group(3)) if match.group(3) else None
        return value[start:stop]
    return _PLACEHOLDER.sub(one, template)


def render_tree(source: Path, target: Path) -> None:
    for path in sorted(source.rglob("*")):
        if path.is_file():
            out = target / path.relative_to(source)
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(render(path.read_text()))


def _git(root: Path, *args: str) -> str:
    command = ["git", "-c", "user.email=dev@billing.test", "-c", "user.name=dev", "-C", str(root), *args]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout.strip()


def corpus_repository(root: Path) -> str:
    """The corpus as a git repository: an initial import with a file later deleted, a second commit that adds
    the credential files (so ``git diff <first>`` shows them) and whose message holds a token, and an
    uncommitted change. Returns the first commit's id."""
    render_tree(CORPUS / "project", root)
    (root / "app" / "legacy.py").write_text(render((CORPUS / "history" / "legacy.py").read_text()))
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    for name in CREDENTIAL_FILES:
        _git(root, "rm", "-q", "--cached", name)
    _git(root, "commit", "-qm", "initial import")
    first = _git(root, "rev-parse", "HEAD")
    (root / "app" / "legacy.py").unlink()
    _git(root, "add", "-A", "--force")
    _git(root, "commit", "-qm", f"drop the legacy client; the CI token was {VALUES['commit_message_token']}")
    with (root / "app" / "settings.py").open("a") as handle:
        handle.write(f'BACKUP_KEY = "{VALUES["uncommitted_key"]}"\n')
    return first


# -- the model that reads everything -----------------------------------------------------------------------
def corpus_files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file() and ".git" not in p.parts)


def read_everything(root: Path, first_commit: str, *, notebook: str = "analysis.ipynb", cells: int = 7,
                    variables: tuple[str, ...] = ()) -> list[Reply]:
    files = corpus_files(root)
    readable = [f for f in files if f not in CREDENTIAL_FILES and not f.endswith(".ipynb")]
    searches = [tool_use("search_text", {"pattern": ".", "regex": True, "path": f}) for f in readable]
    searches += [tool_use("search_text", {"pattern": word}) for word in ("password", "token", "key", "secret", "auth")]
    return [
        Reply([text("Reading the whole project."), tool_use("list_files", {}),
               *[tool_use("read_file", {"path": f}) for f in files if not f.endswith(".ipynb")]]),
        Reply([tool_use("list_cells", {"notebook": notebook}),
               *[tool_use("read_cell", {"cell": n, "notebook": notebook}) for n in range(1, cells + 1)],
               *[tool_use("describe_variable", {"name": name}) for name in variables]]),
        Reply(searches),
        Reply([tool_use("git_log", {}), tool_use("git_log", {"path": "app"}), tool_use("git_diff", {}),
               tool_use("git_diff", {"ref": first_commit}),
               *[tool_use("git_blame", {"path": f}) for f in files if f not in CREDENTIAL_FILES],
               tool_use("git_blame", {"path": "app/keys.py", "start_line": 3, "end_line": 3}),
               tool_use("run_analyzer", {"path": ".", "analyzers": ["secrets", "security", "hardening"]})]),
        Reply([text("The project keeps credentials in code, config, outputs and history.")]),
    ]


# -- what counts as a leak ---------------------------------------------------------------------------------
def base64_forms(value: str) -> set[str]:
    """The parts of ``value``'s base64 encoding that do not depend on where it starts in the encoded text."""
    forms = set()
    data = value.encode()
    for shift in range(3):
        encoded = base64.b64encode(b"\0" * shift + data).decode()
        start = (shift * 4 + 2) // 3 + 1
        stop = len(encoded) - 4
        core = encoded[start:stop]
        if len(core) >= 8:
            forms.add(core)
            forms.add(core.replace("+", "-").replace("/", "_"))
    return forms


def leak_forms(name: str, value: str, spec: dict) -> set[str]:
    forms = {value}
    if spec.get("lines"):
        forms |= {line for line in value.splitlines() if len(line) >= 8}
    if len(value) >= 24 and not spec.get("lines"):
        forms |= {value[: len(value) // 2], value[len(value) // 2:]}
    forms |= base64_forms(value)
    return forms


def leaks(sent: str, values: dict[str, str], specs: dict[str, dict]) -> dict[str, list[str]]:
    found = {}
    for name, value in values.items():
        hits = [form for form in leak_forms(name, value, specs.get(name, {})) if form in sent]
        if hits:
            found[name] = hits
    return found


def test_the_corpus_plants_at_least_fifty_distinct_values():
    assert len(set(VALUES.values())) >= 50
    for name, spec in MANIFEST["values"].items():
        assert spec["kind"] and spec["where"], name
    rendered = "".join(render(p.read_text()) for p in (CORPUS / "project").rglob("*") if p.is_file())
    rendered += render((CORPUS / "history" / "legacy.py").read_text())
    missing = [name for name, value in VALUES.items()
               if value not in rendered and name not in ("basic_password", "b64_password", "docker_password",
                                                          "commit_message_token", "uncommitted_key",
                                                          "split_plus", "split_implicit", "split_slack")]
    assert not missing  # every other value is in a file (the three passwords only base64-encoded)
    for name in ("split_plus", "split_implicit", "split_slack"):
        assert VALUES[name] not in rendered  # split: only the parts are in the file


# -- the command line ----------------------------------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.parametrize("command", ["scan", "secure", "analyze-technical"])
def test_no_planted_value_reaches_the_api_from_the_cli(command, tmp_path):
    root = tmp_path / "billing"
    first = corpus_repository(root)
    with FakeAnthropic(min_cache_tokens=200) as fake:
        fake.push(*read_everything(root, first))
        env = {**os.environ, "ANTHROPIC_API_KEY": KEY, "ANTHROPIC_BASE_URL": fake.url}
        done = subprocess.run([sys.executable, "-m", "bumba_magics", command, str(root), "--engine", "claude"],
                              capture_output=True, text=True, env=env, cwd=root, timeout=300, check=False)
        sent = fake.everything_sent()
        requests = fake.messages_requests
    assert done.returncode in (0, 1), done.stderr
    assert len(requests) == 5 and all(r.status == 200 for r in requests), done.stderr
    # the tools really ran and their results were sent (redacted), so the check below means something
    history = "\n".join(str(b.get("content")) for m in requests[-1].body["messages"] if isinstance(m["content"], list)
                        for b in m["content"] if b.get("type") == "tool_result")
    assert "pw = " in history and "<password>" in history and "partner ready:" in history
    assert "drop the legacy client" in history and "LEGACY_PASSWORD" in history and "BACKUP_KEY" in history
    assert "DB_PASS=" in history  # the credential files, through git diff
    found = leaks(sent, VALUES, MANIFEST["values"])
    assert not found, f"{len(found)} of {len(VALUES)} planted values reached the API: {sorted(found)}"
    assert KEY not in "".join(r.raw.decode() for r in requests)


# -- a real kernel -------------------------------------------------------------------------------------------
KERNEL_SETUP = '''\
import json, secrets as _secrets, string as _string
import pandas as pd
_alnum = _string.ascii_letters + _string.digits
creds = ("svc", "Kp!" + _secrets.token_hex(6))
settings_frame = pd.DataFrame({"name": ["api_key", "region"], "value": [_secrets.token_urlsafe(24), "eu-west-1"]})
endpoints = {"primary": "ghp_" + "".join(_secrets.choice(_alnum) for _ in range(36)), "region": "eu-west-1"}
api_tokens = [_secrets.token_urlsafe(20), _secrets.token_urlsafe(20)]
users = pd.DataFrame({"user": ["ann", "bob"], "col_b": [_secrets.token_hex(12) + "Zq8", _secrets.token_hex(12) + "Wx3"]})
'''
KERNEL_SHOW = "print(creds)\nsettings_frame"
KERNEL_REVEAL = ('print(json.dumps({"k_tuple_password": creds[1], "k_frame_value": settings_frame["value"][0], '
                 '"k_dict_format": endpoints["primary"], "k_list_token": api_tokens[0], "k_list_token_2": api_tokens[1], '
                 '"k_column_token": users["col_b"][0], "k_column_token_2": users["col_b"][1]}))')


@pytest.mark.slow
def test_no_planted_value_reaches_the_api_from_a_kernel(tmp_path, monkeypatch):
    from nbclient import NotebookClient

    root = tmp_path / "billing"
    first = corpus_repository(root)
    notebook = root / "work.ipynb"
    cells = [nbformat.v4.new_code_cell(source) for source in (
        "%load_ext bumba_magics", KERNEL_SETUP, KERNEL_SHOW,
        "%bumba scan --engine claude --include-values", KERNEL_REVEAL)]
    nb = nbformat.v4.new_notebook(cells=cells)
    variables = ("creds", "settings_frame", "endpoints", "api_tokens", "users")
    with FakeAnthropic(min_cache_tokens=200) as fake:
        monkeypatch.setenv("ANTHROPIC_API_KEY", KEY)
        monkeypatch.setenv("ANTHROPIC_BASE_URL", fake.url)
        monkeypatch.setenv("JPY_SESSION_NAME", str(notebook))  # the kernel reviews the saved notebook
        fake.push(*read_everything(root, first, notebook="work.ipynb", cells=len(cells), variables=variables))
        client = NotebookClient(nb, timeout=240, kernel_name="python3", resources={"metadata": {"path": str(root)}})
        with client.setup_kernel():
            for index in range(3):
                client.execute_cell(nb.cells[index], index)
            nbformat.write(nb, notebook)  # as an autosave would: the outputs that show the values are on disk
            client.execute_cell(nb.cells[3], 3)
            client.execute_cell(nb.cells[4], 4)
        sent = fake.everything_sent()
        requests = fake.messages_requests
    errors = [o for o in nb.cells[3].outputs if o.output_type == "error"]
    assert not errors, errors
    assert len(requests) == 5 and all(r.status == 200 for r in requests)
    kernel_values = json.loads(nb.cells[4].outputs[0]["text"])
    answers = "\n".join(str(b.get("content")) for b in requests[2].body["messages"][-1]["content"])
    assert "value (the user allowed values)" in answers and "settings_frame: pandas" in answers
    assert "('svc', '" in answers  # the tuple's repr was sent, with the password in it redacted
    found = leaks(sent, {**VALUES, **kernel_values}, MANIFEST["values"])
    assert not found, f"{len(found)} of {len(VALUES) + len(kernel_values)} planted values reached the API: {sorted(found)}"
