"""Security rules BMB101–BMB111: a true positive (rule and line) and the nearest safe code for each."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import pytest

from bumba_magics.analyzers.base import ANALYZERS, RULES, AnalyzerConfig
from bumba_magics.analyzers.security import SecurityAnalyzer
from bumba_magics.context.source import Cell, Context, Source
from bumba_magics.findings import Category, Severity


def scan(code: str, path: str = "app.py", config: AnalyzerConfig | None = None):
    source = Source(path=path, text=textwrap.dedent(code))
    return SecurityAnalyzer().analyze(Context(root=Path(".")), [source], config or AnalyzerConfig())


def hits(code: str, rule: str, path: str = "app.py") -> list[int]:
    """1-based lines where ``rule`` fired."""
    return [f.location.line for f in scan(code, path) if f.rule == rule]


def at_line(code: str, line: int):
    """The one finding on ``line``."""
    (finding,) = [f for f in scan(code) if f.location.line == line]
    return finding


def only(code: str, rule: str, path: str = "app.py"):
    found = [f for f in scan(code, path) if f.rule == rule]
    assert len(found) == 1, found
    return found[0]


# --- registry -------------------------------------------------------------------------------------------


def test_analyzer_is_registered_per_file():
    assert ANALYZERS["security"] is SecurityAnalyzer
    assert SecurityAnalyzer.per_file is True


def test_every_rule_is_documented_and_security_category():
    rules = [r for r in RULES if r.analyzer == "security"]
    assert [r.code for r in rules] == [f"BMB1{n:02d}" for n in range(1, 12)]
    for rule in rules:
        assert rule.category is Category.security
        assert rule.why and rule.recommendation and rule.example_bad and rule.example_good, rule.code
        assert any(ref.startswith("CWE-") for ref in rule.references), rule.code
        assert any(":2021-" in ref for ref in rule.references), rule.code


@pytest.mark.parametrize("rule", [r for r in RULES if r.analyzer == "security"], ids=lambda r: r.code)
def test_each_rules_own_examples_behave(rule):
    """The docs examples are tests: the bad one is reported, the good one is not."""
    assert rule.code in {f.rule for f in scan(rule.example_bad)}, rule.example_bad
    assert rule.code not in {f.rule for f in scan(rule.example_good)}, rule.example_good


def test_injection_rules_are_high_and_supersede_ruff():
    for code in ("BMB101", "BMB106", "BMB107", "BMB109"):
        assert RULES.get(code).severity is Severity.high
    assert "S608" in RULES.get("BMB101").supersedes
    assert "S307" in RULES.get("BMB109").supersedes
    assert "S506" in RULES.get("BMB106").supersedes


# --- BMB101 SQL -----------------------------------------------------------------------------------------


def test_sql_fstring_in_execute():
    code = """
    def find(cur, name):
        cur.execute(f"SELECT * FROM users WHERE name = '{name}'")
    """
    finding = only(code, "BMB101")
    assert finding.location.line == 3
    assert finding.severity is Severity.high
    assert finding.fix is not None
    assert finding.fix.code.strip() == 'cur.execute("SELECT * FROM users WHERE name = %s", (name,))'


def test_sql_percent_format_and_concatenation_and_format():
    code = """
    import sqlite3
    def find(conn, uid, name, order):
        conn.execute("SELECT * FROM users WHERE id = %s" % uid)
        conn.execute("DELETE FROM users WHERE name = '" + name + "'")
        conn.execute("SELECT * FROM users WHERE id = {}".format(uid))
    """
    assert hits(code, "BMB101") == [4, 5, 6]
    fixes = {f.location.line: f.fix.code for f in scan(code) if f.rule == "BMB101"}
    # sqlite3 is imported, so the placeholder is "?"
    assert fixes[4].strip() == 'conn.execute("SELECT * FROM users WHERE id = ?", (uid,))'
    assert fixes[5].strip() == 'conn.execute("DELETE FROM users WHERE name = ?", (name,))'


def test_sql_through_local_variable_is_followed():
    code = """
    def find(cur, name):
        query = "SELECT * FROM users WHERE name = '%s'" % name
        log(query)
        cur.execute(query)
    """
    finding = only(code, "BMB101")
    assert finding.location.line == 5
    assert "line 3" in finding.title and "`query`" in finding.title


def test_sql_built_in_either_branch_is_followed():
    code = """
    def find(cur, name, admin):
        if admin:
            sql = f"SELECT * FROM admins WHERE name = '{name}'"
        else:
            sql = "SELECT * FROM users"
        cur.execute(sql)
    """
    assert hits(code, "BMB101") == [7]


def test_sql_augmented_query_is_followed():
    code = """
    def find(cur, name):
        sql = "SELECT * FROM users WHERE 1 = 1"
        sql += f" AND name = '{name}'"
        cur.execute(sql)
    """
    assert hits(code, "BMB101") == [5]


def test_sql_text_and_read_sql_are_sinks():
    code = """
    import pandas as pd
    from sqlalchemy import text
    def load(engine, day):
        engine.execute(text(f"SELECT * FROM events WHERE day = '{day}'"))
        return pd.read_sql("SELECT * FROM events WHERE day = '%s'" % day, engine)
    """
    assert hits(code, "BMB101") == [5, 6]


@pytest.mark.parametrize(
    "code",
    [
        'cur.execute("SELECT * FROM users WHERE id = ?", (uid,))',
        'cur.execute("SELECT * FROM users WHERE id = %s", [uid])',
        'cur.execute("SELECT * FROM users")',
        'cur.execute(f"SELECT * FROM {\'users\'}")',
        'cur.execute("SELECT * FROM " + "users")',
        'TABLE = "users"\ncur.execute(f"SELECT * FROM {TABLE} WHERE id = ?", (uid,))',
        'marks = ", ".join("?" * len(ids))\ncur.execute(f"SELECT * FROM t WHERE id IN ({marks})", ids)',
        'cur.execute("SELECT * FROM %s" % connection.ops.quote_name(table))',
        'cur.execute(f"SELECT * FROM t LIMIT {int(limit)}")',
        'conn.execute(f"PRAGMA busy_timeout={min(remaining_ms, 500)}")',
        'query = "SELECT * FROM users WHERE id = %s"\ncur.execute(query, (uid,))',
        'executor.execute(f"{job} --now")',  # not SQL, not a database object
    ],
)
def test_sql_true_negatives(code):
    assert hits(code, "BMB101") == []


def test_sql_identifier_position_gets_advice_not_a_wrong_rewrite():
    finding = only('cur.execute(f"SELECT * FROM {table} WHERE id = 1")', "BMB101")
    assert finding.fix.code is None
    assert "allow-list" in finding.fix.description


# --- BMB102 autoescape / BMB111 template source ----------------------------------------------------------


def test_jinja_environment_without_autoescape():
    code = """
    from jinja2 import Environment, FileSystemLoader
    env = Environment(loader=FileSystemLoader("templates"))
    env2 = Environment(autoescape=False)
    """
    assert hits(code, "BMB102") == [3, 4]
    assert "select_autoescape()" in only(code.replace("env2 =", "# "), "BMB102").fix.code


def test_jinja_template_and_markup():
    code = """
    import jinja2
    from markupsafe import Markup
    t = jinja2.Template("<p>{{ name }}</p>")
    label = Markup(f"<b>{user_name}</b>")
    """
    assert hits(code, "BMB102") == [4, 5]


@pytest.mark.parametrize(
    "code",
    [
        "from jinja2 import Environment\nenv = Environment(autoescape=True)",
        "from jinja2 import Environment, select_autoescape\nenv = Environment(autoescape=select_autoescape())",
        "from jinja2 import Environment\nenv = Environment(**options)",
        "from jinja2 import Template\nt = Template('x', autoescape=True)",
        "from markupsafe import Markup\nlabel = Markup('<b>static</b>')",
        "from markupsafe import Markup, escape\nlabel = Markup(escape(name))",
        "from string import Template\nt = Template('$who')",  # not jinja2
    ],
)
def test_autoescape_true_negatives(code):
    assert hits(code, "BMB102") == []


def test_template_source_built_from_input():
    code = """
    from flask import render_template_string, request
    def hello():
        name = request.args["name"]
        return render_template_string(f"<h1>Hello {name}</h1>")
    """
    assert hits(code, "BMB111") == [5]
    safe = 'from flask import render_template_string\nrender_template_string("<h1>{{ n }}</h1>", n=name)'
    assert hits(safe, "BMB111") == []


# --- BMB103 debug ---------------------------------------------------------------------------------------


def test_flask_debug_variants():
    code = """
    from flask import Flask
    app = Flask(__name__)
    app.debug = True
    app.config["DEBUG"] = True
    app.config.update(DEBUG=True)
    app.run(host="127.0.0.1", debug=True)
    """
    assert hits(code, "BMB103") == [4, 5, 6, 7]
    run = at_line(code, 7)
    assert run.severity is Severity.high
    assert 'os.environ.get("FLASK_DEBUG", "") == "1"' in run.fix.code


def test_fastapi_debug_is_medium():
    finding = only("from fastapi import FastAPI\napp = FastAPI(debug=True)", "BMB103")
    assert finding.location.line == 2 and finding.severity is Severity.medium


def test_django_settings_detection_by_path_and_by_content():
    assert hits("DEBUG = True\n", "BMB103", path="mysite/settings.py") == [1]
    assert hits("DEBUG = True\n", "BMB103", path="mysite/settings/production.py") == [1]
    assert hits("ROOT_URLCONF = 'urls'\nDEBUG = True\n", "BMB103", path="config/base.py") == [2]
    # an ordinary module with a DEBUG constant is not a settings module
    assert hits("DEBUG = True\n", "BMB103", path="mytool/cli.py") == []


@pytest.mark.parametrize(
    "code",
    [
        "import os\nINSTALLED_APPS = []\nDEBUG = os.environ.get('DJANGO_DEBUG') == '1'",
        "INSTALLED_APPS = []\nDEBUG = False",
        "import os\napp.run(debug=os.environ.get('FLASK_DEBUG') == '1')",
        "import asyncio\nasyncio.run(main(), debug=True)",
        "suite.run(result, debug=True)",
        "class Job:\n    def __init__(self):\n        self.debug = True",
    ],
)
def test_debug_true_negatives(code):
    assert hits(code, "BMB103", path="settings.py") == []


# --- BMB104 password hashing ----------------------------------------------------------------------------


def test_fast_hash_of_password():
    code = """
    import hashlib
    from hashlib import sha256
    digest = hashlib.md5(password.encode()).hexdigest()
    other = hashlib.new("sha1", user.password.encode())
    third = sha256((salt + form["passwd"]).encode()).hexdigest()
    """
    assert hits(code, "BMB104") == [4, 5, 6]
    assert "pbkdf2_hmac" in only(code.split("other")[0], "BMB104").fix.code


def test_fast_hash_object_fed_a_password():
    code = """
    import hashlib
    def store(pin_code):
        h = hashlib.sha1()
        h.update(pin_code.encode())
        return h.hexdigest()
    """
    assert hits(code, "BMB104") == [5]


@pytest.mark.parametrize(
    "code",
    [
        "import hashlib\nchecksum = hashlib.md5(open(path, 'rb').read()).hexdigest()",
        "import hashlib\nkey = hashlib.pbkdf2_hmac('sha256', password.encode(), salt, 600_000)",
        "import hashlib\nkey = hashlib.scrypt(password.encode(), salt=salt, n=2**14, r=8, p=1)",
        "import bcrypt\nh = bcrypt.hashpw(password.encode(), bcrypt.gensalt())",
        "import hashlib\netag = hashlib.sha256(mapping_bytes).hexdigest()",  # 'mapping' is not a pin
        "import hashlib\nh = hashlib.sha1()\nh.update(chunk)",
    ],
)
def test_password_hash_true_negatives(code):
    assert hits(code, "BMB104") == []


# --- BMB105 TLS verification ----------------------------------------------------------------------------


def test_tls_verification_off_variants():
    code = """
    import ssl, requests, httpx, urllib3, aiohttp
    requests.get(url, verify=False)
    client = httpx.Client(verify=False)
    conn = aiohttp.TCPConnector(ssl=False)
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    raw = ssl._create_unverified_context()
    urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
    session.verify = False
    """
    assert hits(code, "BMB105") == [3, 4, 5, 7, 8, 9, 10, 11]
    first = at_line(code, 3)
    assert first.fix.code.strip() == "requests.get(url, verify=True)"
    warnings = at_line(code, 10)
    assert warnings.severity is Severity.medium


@pytest.mark.parametrize(
    "code",
    [
        "import requests\nrequests.get(url, verify=True)",
        "import requests\nrequests.get(url, verify='/etc/ssl/private-ca.pem')",
        "import requests\nrequests.get(url)",
        "import ssl\nctx = ssl.create_default_context(cafile='ca.pem')",
        "import jwt\njwt.decode(token, verify=False)",  # not TLS: the hardening analyzer reports it
    ],
)
def test_tls_true_negatives(code):
    assert hits(code, "BMB105") == []


# --- BMB106 deserialisation -----------------------------------------------------------------------------


def test_unsafe_deserialisation_variants():
    code = """
    import pickle, yaml, torch, joblib, jsonpickle, dill
    import pandas as pd
    import numpy as np
    a = pickle.loads(blob)
    b = yaml.load(text)
    c = yaml.load(text, Loader=yaml.FullLoader)
    d = yaml.unsafe_load(text)
    e = torch.load(path, weights_only=False)
    f = joblib.load(path)
    g = jsonpickle.decode(payload)
    h = pd.read_pickle(path)
    i = np.load(path, allow_pickle=True)
    j = dill.loads(blob)
    """
    assert hits(code, "BMB106") == list(range(5, 15))
    yaml_fix = at_line(code, 6).fix
    assert yaml_fix.code.strip() == "b = yaml.safe_load(text)"


def test_torch_load_without_weights_only_is_medium_with_fix():
    finding = only("import torch\nmodel = torch.load('ckpt.pt')", "BMB106")
    assert finding.location.line == 2 and finding.severity is Severity.medium
    assert finding.fix.code == "model = torch.load('ckpt.pt', weights_only=True)"


@pytest.mark.parametrize(
    "code",
    [
        "import yaml\nx = yaml.safe_load(text)",
        "import yaml\nx = yaml.load(text, Loader=yaml.SafeLoader)",
        "import yaml\nx = yaml.load(text, yaml.CSafeLoader)",
        "import torch\nx = torch.load(path, weights_only=True)",
        "import numpy as np\nx = np.load(path)",
        "import json\nx = json.loads(blob)",
        "import pickle\ncopy = pickle.loads(pickle.dumps(obj))",
        "import pickle\ndumped = pickle.dumps(obj)\ncopy = pickle.loads(dumped)",
    ],
)
def test_deserialisation_true_negatives(code):
    assert hits(code, "BMB106") == []


# --- BMB107 shell ---------------------------------------------------------------------------------------


def test_shell_command_built_from_input():
    code = """
    import os, subprocess
    def extract(path, name):
        subprocess.run(f"tar -xf {path}", shell=True)
        os.system("rm -rf " + name)
        cmd = "grep %s /var/log/app.log" % name
        subprocess.check_output(cmd, shell=True)
    """
    assert hits(code, "BMB107") == [4, 5, 7]
    fixes = {f.location.line: f.fix for f in scan(code) if f.rule == "BMB107"}
    assert fixes[4].code.strip() == 'subprocess.run(["tar", "-xf", path])'
    assert fixes[5].code.strip() == 'subprocess.run(["rm", "-rf", name], check=True)'
    assert "line 6" in at_line(code, 7).title


@pytest.mark.parametrize(
    "code",
    [
        "import subprocess\nsubprocess.run('ls -l /tmp', shell=True)",
        "import subprocess\nsubprocess.run(['tar', '-xf', path])",
        "import subprocess\nsubprocess.run(f'tar -xf {path}')",  # no shell: argv of one element
        "import subprocess, shlex\nsubprocess.run(f'tar -xf {shlex.quote(path)}', shell=True)",
        "import os\nos.system('make clean')",
    ],
)
def test_shell_true_negatives(code):
    assert hits(code, "BMB107") == []


# --- BMB108 CORS ----------------------------------------------------------------------------------------


def test_cors_wildcard_with_credentials():
    code = """
    from flask_cors import CORS
    from fastapi.middleware.cors import CORSMiddleware
    CORS(app, supports_credentials=True)
    CORS(app, resources={r"/api/*": {"origins": "*"}}, supports_credentials=True)
    app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)
    """
    assert hits(code, "BMB108") == [4, 5, 6]


def test_django_cors_settings_in_same_module():
    code = "CORS_ALLOW_ALL_ORIGINS = True\nCORS_ALLOW_CREDENTIALS = True\n"
    assert hits(code, "BMB108", path="settings.py") == [1]
    assert hits("CORS_ORIGIN_ALLOW_ALL = True\n", "BMB108", path="settings.py") == []


@pytest.mark.parametrize(
    "code",
    [
        "from flask_cors import CORS\nCORS(app, origins=['https://a.example.com'], supports_credentials=True)",
        "from flask_cors import CORS\nCORS(app)",
        (
            "from flask_cors import CORS\n"
            "CORS(app, resources={'/api/*': {'origins': ['https://a.example.com']}}, supports_credentials=True)"
        ),
        "from starlette.middleware.cors import CORSMiddleware\nCORS = CORSMiddleware(app, allow_origins=['*'])",
        "from starlette.middleware.cors import CORSMiddleware\napp.add_middleware(CORSMiddleware, allow_origins=['*'])",
        (
            "from starlette.middleware.cors import CORSMiddleware\n"
            "app.add_middleware(CORSMiddleware, allow_origins=['https://a.example.com'], allow_credentials=True)"
        ),
    ],
)
def test_cors_true_negatives(code):
    assert hits(code, "BMB108") == []


# --- BMB109 eval / BMB110 random ------------------------------------------------------------------------


def test_eval_and_exec_of_variables():
    code = """
    import sys
    value = eval(input("expr: "))
    exec(sys.stdin.read())
    """
    assert hits(code, "BMB109") == [3, 4]
    first = at_line(code, 3)
    assert "input data" in first.title
    assert first.fix.code == 'value = ast.literal_eval(input("expr: "))'


@pytest.mark.parametrize(
    "code",
    [
        "x = eval('1 + 2')",
        "df.eval('a + b')",  # pandas: a method, not the builtin
        "model.eval()",
        "import ast\nx = ast.literal_eval(text)",
        "exec(f\"{'x'} = 1\")",
    ],
)
def test_eval_true_negatives(code):
    assert hits(code, "BMB109") == []


def test_random_for_secrets():
    code = """
    import random
    from random import choice
    token = "".join(random.choice(ALPHABET) for _ in range(32))
    user.reset_code = random.randint(100000, 999999)
    def make_password():
        return "".join(choice(ALPHABET) for _ in range(12))
    send(otp=random.randint(0, 999999))
    """
    assert hits(code, "BMB110") == [4, 5, 7, 8]
    fix = at_line(code, 4).fix
    assert fix.code == 'token = "".join(secrets.choice(ALPHABET) for _ in range(32))'


@pytest.mark.parametrize(
    "code",
    [
        "import secrets\ntoken = secrets.token_hex(16)",
        "import random\ndelay = random.uniform(0.1, 0.5)",
        "import random\nsample = random.sample(rows, 10)",
        "import random\ncache_key = random.randint(0, 10)",  # 'key' alone is not a secret
        "import random\ntoken = random.SystemRandom().choice(ALPHABET)",
    ],
)
def test_random_true_negatives(code):
    assert hits(code, "BMB110") == []


# --- plumbing: notebooks, config, syntax errors ---------------------------------------------------------


def test_notebook_finding_maps_to_cell_and_line():
    cells = [
        Cell(index=1, source="import sqlite3\nconn = sqlite3.connect('x.db')", execution_count=1),
        Cell(index=2, source="%matplotlib inline\nname = input()", execution_count=2),
        Cell(index=3, source="q = f\"SELECT * FROM t WHERE n = '{name}'\"\nconn.execute(q)", execution_count=5),
    ]
    # the virtual file: the cells one after another, the magic line masked in place (same line count)
    text = "\n".join(cell.source for cell in cells).replace("%matplotlib inline", "pass  # magic") + "\n"
    line_map = [(1, 1), (1, 2), (2, 1), (2, 2), (3, 1), (3, 2)]
    source = Source(path="analysis.ipynb", text=text, kind="notebook", cells=cells, line_map=line_map,
                    masked=frozenset({3}))
    findings = SecurityAnalyzer().analyze(Context(root=Path(".")), [source], AnalyzerConfig())
    (finding,) = [f for f in findings if f.rule == "BMB101"]
    assert (finding.location.cell, finding.location.line, finding.location.execution_count) == (3, 2, 5)
    assert "cell 3, line 1" in finding.title


def test_findings_on_masked_ipython_lines_are_dropped():
    source = Source(path="nb.ipynb", text="x = eval(cmd)\n", kind="notebook",
                    cells=[Cell(index=1, source="!{cmd}")], line_map=[(1, 1)], masked=frozenset({1}))
    assert SecurityAnalyzer().analyze(Context(root=Path(".")), [source], AnalyzerConfig()) == []


def test_config_ignore_and_select():
    code = "import pickle\nx = pickle.loads(blob)\ny = eval(expr)\n"
    assert {f.rule for f in scan(code)} == {"BMB106", "BMB109"}
    assert {f.rule for f in scan(code, config=AnalyzerConfig(ignore=frozenset({"BMB106"})))} == {"BMB109"}
    assert {f.rule for f in scan(code, config=AnalyzerConfig(select=frozenset({"BMB106"})))} == {"BMB106"}
    assert scan(code, config=AnalyzerConfig(ignore=frozenset({"BMB1"}))) == []


def test_unparsable_and_non_python_sources_are_skipped():
    broken = Source(path="broken.py", text="def (:\n")
    config = Source(path="app.yaml", text="debug: true\n", kind="config")
    assert SecurityAnalyzer().analyze(Context(root=Path(".")), [broken, config], AnalyzerConfig()) == []


def test_findings_carry_rule_metadata_and_evidence():
    finding = only("import yaml\ncfg = yaml.load(data)\n", "BMB106")
    assert finding.analyzer == "security" and finding.category is Category.security
    assert finding.evidence == "cfg = yaml.load(data)"
    assert "CWE-502" in finding.references and finding.why and finding.recommendation
    ast.parse(finding.fix.code)  # the fix is valid Python
