"""The dataflow rules: one per sink kind (BMB120–BMB135). A finding says which input reached which call,
and carries the path between them."""

from __future__ import annotations

from ...core.findings import Category, Severity
from ..base import RULES, Rule

_FLASK = "from flask import Flask, request\n\napp = Flask(__name__)\n\n\n"

SQL = RULES.add(Rule(
    code="BMB120", name="sql-injection-flow", title="Request data reaches an SQL query",
    severity=Severity.high, category=Category.security, analyzer="dataflow",
    why="The query text is built from data the client sends: a quote in it ends the literal and the rest runs "
        "as the attacker's SQL (read any table, bypass a login, change or delete data).",
    recommendation="Keep the SQL constant and pass the values as parameters (`execute(sql, params)`); check "
                   "identifiers such as column names against an allow-list.",
    references=("CWE-89", "A03:2021-Injection"),
    example_bad=_FLASK + "import sqlite3\n\n@app.route('/user')\ndef user():\n    name = request.args['name']\n"
                "    db = sqlite3.connect('app.db')\n"
                "    rows = db.execute(f\"SELECT * FROM users WHERE name = '{name}'\").fetchall()\n"
                "    return {'rows': rows}\n",
    example_good=_FLASK + "import sqlite3\n\n@app.route('/user')\ndef user():\n    name = request.args['name']\n"
                 "    db = sqlite3.connect('app.db')\n"
                 "    rows = db.execute('SELECT * FROM users WHERE name = ?', (name,)).fetchall()\n"
                 "    return {'rows': rows}\n",
))

COMMAND = RULES.add(Rule(
    code="BMB121", name="command-injection-flow", title="Request data reaches a shell command",
    severity=Severity.critical, category=Category.security, analyzer="dataflow",
    why="The command line is built from data the client sends: `;`, `|` or `$(...)` in it run the attacker's "
        "own commands on the server.",
    recommendation="Pass a list of arguments without a shell (`subprocess.run(['ps', arg])`), check the value "
                   "against an allow-list, or quote it with `shlex.quote`.",
    references=("CWE-78", "A03:2021-Injection"),
    example_bad=_FLASK + "import os\n\n@app.route('/ps')\ndef ps():\n    arg = request.args.get('arg', '')\n"
                "    return {'out': os.popen('ps ' + arg).read()}\n",
    example_good=_FLASK + "import os\nimport shlex\n\n@app.route('/ps')\ndef ps():\n"
                 "    arg = request.args.get('arg', '')\n"
                 "    return {'out': os.popen('ps ' + shlex.quote(arg)).read()}\n",
))

CODE = RULES.add(Rule(
    code="BMB122", name="code-injection-flow", title="Request data is run as Python code",
    severity=Severity.critical, category=Category.security, analyzer="dataflow",
    why="`eval`, `exec` and `compile` run the text they are given: data from the client becomes code that "
        "runs with the server's rights.",
    recommendation="Never evaluate input. Parse literals with `ast.literal_eval` or `json.loads`, or map the "
                   "allowed choices to functions in a dict.",
    references=("CWE-94", "CWE-95", "A03:2021-Injection"),
    example_bad=_FLASK + "@app.route('/calc')\ndef calc():\n    expr = request.args['expr']\n"
                "    return {'value': eval(expr)}\n",
    example_good=_FLASK + "import ast\n\n@app.route('/calc')\ndef calc():\n    expr = request.args['expr']\n"
                 "    return {'value': ast.literal_eval(expr)}\n",
))

PATH = RULES.add(Rule(
    code="BMB123", name="path-traversal-flow", title="Request data chooses a file path",
    severity=Severity.high, category=Category.security, analyzer="dataflow",
    why="A path built from client data can climb out of the intended folder (`../../etc/passwd`) or name any "
        "absolute path: the server reads, overwrites or deletes files the client picks.",
    recommendation="Reduce the name with `werkzeug.utils.secure_filename` or `os.path.basename`, or resolve the "
                   "path and check it stays inside the base folder before using it.",
    references=("CWE-22", "A01:2021-Broken Access Control"),
    example_bad=_FLASK + "@app.route('/doc')\ndef doc():\n    name = request.args['name']\n"
                "    with open('/srv/docs/' + name) as f:\n        return {'text': f.read()}\n",
    example_good=_FLASK + "import os\n\n@app.route('/doc')\ndef doc():\n"
                 "    name = os.path.basename(request.args['name'])\n"
                 "    with open('/srv/docs/' + name) as f:\n        return {'text': f.read()}\n",
))

SSRF = RULES.add(Rule(
    code="BMB124", name="ssrf-flow", title="Request data chooses the URL the server fetches",
    severity=Severity.high, category=Category.security, analyzer="dataflow",
    why="The server fetches a URL or host the client chooses: it can be pointed at internal services, cloud "
        "metadata endpoints or local files the client cannot reach directly.",
    recommendation="Fix the scheme and host in the code and put only checked values into the path or query; or "
                   "check the host against an allow-list.",
    references=("CWE-918", "A10:2021-Server-Side Request Forgery"),
    example_bad=_FLASK + "import requests\n\n@app.route('/fetch')\ndef fetch():\n    url = request.args['url']\n"
                "    return {'status': requests.get(url, timeout=5).status_code}\n",
    example_good=_FLASK + "import requests\n\n@app.route('/fetch')\ndef fetch():\n"
                 "    user = request.args['user']\n"
                 "    url = f'https://api.example.com/users/{user}'\n"
                 "    return {'status': requests.get(url, timeout=5).status_code}\n",
))

XSS = RULES.add(Rule(
    code="BMB125", name="xss-flow", title="Request data is sent back as HTML unescaped",
    severity=Severity.high, category=Category.security, analyzer="dataflow",
    why="Text from the request ends up in an HTML page without escaping: a `<script>` in it runs in the "
        "victim's browser with their session (reflected cross-site scripting).",
    recommendation="Render through a template with autoescaping, or escape the value (`markupsafe.escape`, "
                   "`html.escape`) before it goes into HTML; never mark input as safe.",
    references=("CWE-79", "A03:2021-Injection"),
    example_bad=_FLASK + "@app.route('/hello')\ndef hello():\n    name = request.args.get('name', '')\n"
                "    return f'<h1>Hello {name}</h1>'\n",
    example_good=_FLASK + "from markupsafe import escape\n\n@app.route('/hello')\ndef hello():\n"
                 "    name = request.args.get('name', '')\n    return f'<h1>Hello {escape(name)}</h1>'\n",
))

REDIRECT = RULES.add(Rule(
    code="BMB126", name="open-redirect-flow", title="Request data chooses where to redirect",
    severity=Severity.medium, category=Category.security, analyzer="dataflow",
    why="Redirecting to a URL taken from the request lets anyone craft a link on your domain that sends "
        "users to a phishing site.",
    recommendation="Redirect only to relative paths or hosts you check (`url_has_allowed_host_and_scheme` in "
                   "Django, an allow-list elsewhere).",
    references=("CWE-601", "A01:2021-Broken Access Control"),
    example_bad="from flask import Flask, redirect, request\n\napp = Flask(__name__)\n\n\n@app.route('/go')\n"
                "def go():\n    return redirect(request.args['next'])\n",
    example_good="from flask import Flask, redirect, request\n\napp = Flask(__name__)\nALLOWED = {'/home', "
                 "'/account'}\n\n\n@app.route('/go')\ndef go():\n    target = request.args['next']\n"
                 "    if target not in ALLOWED:\n        target = '/home'\n    return redirect(target)\n",
))

XPATH = RULES.add(Rule(
    code="BMB127", name="xpath-injection-flow", title="Request data is put into an XPath expression",
    severity=Severity.high, category=Category.security, analyzer="dataflow",
    why="An XPath expression built from client data can be rewritten by it (`' or '1'='1`) to select nodes "
        "it should not, such as other users' records.",
    recommendation="Pass values as XPath variables (`tree.xpath('//user[@name=$name]', name=value)`) instead "
                   "of splicing them into the expression.",
    references=("CWE-643", "A03:2021-Injection"),
    example_bad=_FLASK + "from lxml import etree\n\nTREE = etree.parse('users.xml')\n\n\n@app.route('/user')\n"
                "def user():\n    name = request.args['name']\n"
                "    return {'n': len(TREE.xpath(f\"//user[@name='{name}']\"))}\n",
    example_good=_FLASK + "from lxml import etree\n\nTREE = etree.parse('users.xml')\n\n\n@app.route('/user')\n"
                 "def user():\n    name = request.args['name']\n"
                 "    return {'n': len(TREE.xpath('//user[@name=$name]', name=name))}\n",
))

LDAP = RULES.add(Rule(
    code="BMB128", name="ldap-injection-flow", title="Request data is put into an LDAP filter",
    severity=Severity.high, category=Category.security, analyzer="dataflow",
    why="An LDAP filter built from client data can be widened by it (`*)(uid=*`) to match every entry, "
        "leaking the directory or bypassing a login check.",
    recommendation="Escape values with `ldap.filter.escape_filter_chars` (or ldap3's `escape_filter_chars`) "
                   "before they go into a filter or DN.",
    references=("CWE-90", "A03:2021-Injection"),
    example_bad=_FLASK + "import ldap\n\n@app.route('/find')\ndef find():\n    uid = request.args['uid']\n"
                "    conn = ldap.initialize('ldap://directory')\n"
                "    return {'n': len(conn.search_s('dc=example', ldap.SCOPE_SUBTREE, f'(uid={uid})'))}\n",
    example_good=_FLASK + "import ldap\nfrom ldap.filter import escape_filter_chars\n\n@app.route('/find')\n"
                 "def find():\n    uid = escape_filter_chars(request.args['uid'])\n"
                 "    conn = ldap.initialize('ldap://directory')\n"
                 "    return {'n': len(conn.search_s('dc=example', ldap.SCOPE_SUBTREE, f'(uid={uid})'))}\n",
))

XXE = RULES.add(Rule(
    code="BMB129", name="xml-entities-flow", title="Request data is parsed by an XML parser that expands "
                                                   "entities",
    severity=Severity.high, category=Category.security, analyzer="dataflow",
    why="A parser that resolves entities reads the files an uploaded document names (XXE) or expands nested "
        "entities until memory runs out (billion laughs); the stdlib parsers do the latter.",
    recommendation="Parse untrusted XML with `defusedxml`, or with lxml's `XMLParser(resolve_entities=False, "
                   "no_network=True)`.",
    references=("CWE-611", "CWE-776", "A05:2021-Security Misconfiguration"),
    example_bad=_FLASK + "from lxml import etree\n\n@app.route('/upload', methods=['POST'])\ndef upload():\n"
                "    doc = etree.fromstring(request.data)\n    return {'root': doc.tag}\n",
    example_good=_FLASK + "from lxml import etree\n\n@app.route('/upload', methods=['POST'])\ndef upload():\n"
                 "    parser = etree.XMLParser(resolve_entities=False, no_network=True)\n"
                 "    doc = etree.fromstring(request.data, parser)\n    return {'root': doc.tag}\n",
))

DESERIALIZATION = RULES.add(Rule(
    code="BMB130", name="deserialization-flow", title="Request data is deserialised into objects",
    severity=Severity.critical, category=Category.security, analyzer="dataflow",
    why="pickle, marshal, jsonpickle and YAML's full loaders build whatever objects the data describes; a "
        "crafted payload runs code while it is being loaded.",
    recommendation="Accept JSON (`json.loads`) or `yaml.safe_load` from clients; sign data you must round-trip "
                   "(`itsdangerous`) and check the signature before loading it.",
    references=("CWE-502", "A08:2021-Software and Data Integrity Failures"),
    example_bad=_FLASK + "import base64\nimport pickle\n\n@app.route('/restore', methods=['POST'])\n"
                "def restore():\n    blob = base64.b64decode(request.form['state'])\n"
                "    return {'keys': list(pickle.loads(blob))}\n",
    example_good=_FLASK + "import base64\nimport json\n\n@app.route('/restore', methods=['POST'])\n"
                 "def restore():\n    blob = base64.b64decode(request.form['state'])\n"
                 "    return {'keys': list(json.loads(blob))}\n",
))

HEADER = RULES.add(Rule(
    code="BMB131", name="header-injection-flow", title="Request data is written into a response header",
    severity=Severity.medium, category=Category.security, analyzer="dataflow",
    why="A line break in a header value starts a new header or the body (response splitting): the client can "
        "set cookies or inject content into what the server sends.",
    recommendation="Check header values against what you expect (an allow-list or a strict pattern) and "
                   "reject line breaks.",
    references=("CWE-113", "A03:2021-Injection"),
    example_bad="from flask import Flask, make_response, request\n\napp = Flask(__name__)\n\n\n"
                "@app.route('/lang')\ndef lang():\n    resp = make_response('ok')\n"
                "    resp.headers['Content-Language'] = request.args['lang']\n    return resp\n",
    example_good="from flask import Flask, make_response, request\n\napp = Flask(__name__)\n"
                 "LANGUAGES = {'en', 'de', 'fr'}\n\n\n@app.route('/lang')\ndef lang():\n"
                 "    resp = make_response('ok')\n    lang = request.args['lang']\n    if lang in LANGUAGES:\n"
                 "        resp.headers['Content-Language'] = lang\n    return resp\n",
))

TRUST = RULES.add(Rule(
    code="BMB132", name="trust-boundary-flow", title="Request data is stored in the session",
    severity=Severity.medium, category=Category.security, analyzer="dataflow",
    why="What the server keeps in the session is trusted on the next request; storing unchecked client data "
        "there mixes trusted and untrusted values (a role or user id the client chose).",
    recommendation="Validate the value before storing it, or keep it out of the session.",
    references=("CWE-501", "A04:2021-Insecure Design"),
    example_bad="from flask import Flask, request, session\n\napp = Flask(__name__)\n\n\n@app.route('/role')\n"
                "def role():\n    session['role'] = request.args['role']\n    return {'ok': True}\n",
    example_good="from flask import Flask, request, session\n\napp = Flask(__name__)\n"
                 "ROLES = {'viewer', 'editor'}\n\n\n@app.route('/role')\ndef role():\n"
                 "    wanted = request.args['role']\n    if wanted in ROLES:\n        session['role'] = wanted\n"
                 "    return {'ok': True}\n",
))

SECRET = RULES.add(Rule(
    code="BMB133", name="weak-random-token-flow", title="A predictable random value becomes a token",
    severity=Severity.high, category=Category.security, analyzer="dataflow",
    why="`random` is a Mersenne Twister: its output can be predicted from a few observed values, so a token, "
        "password or reset code made with it can be guessed.",
    recommendation="Use the `secrets` module (`secrets.token_urlsafe()`, `secrets.choice`).",
    references=("CWE-330", "CWE-338", "A02:2021-Cryptographic Failures"),
    example_bad="import random\nimport string\n\n\ndef new_reset_code():\n"
                "    reset_token = ''.join(random.choice(string.ascii_letters) for _ in range(20))\n"
                "    return reset_token\n",
    example_good="import secrets\nimport string\n\n\ndef new_reset_code():\n"
                 "    reset_token = ''.join(secrets.choice(string.ascii_letters) for _ in range(20))\n"
                 "    return reset_token\n",
))

HASH = RULES.add(Rule(
    code="BMB134", name="password-fast-hash-flow", title="A password from the request is hashed with a fast "
                                                         "hash",
    severity=Severity.high, category=Category.security, analyzer="dataflow",
    why="MD5 and the SHA family are built to be fast: a leaked table of such password hashes is cracked "
        "offline at billions of guesses per second.",
    recommendation="Hash passwords with a slow, salted function: `hashlib.scrypt`, argon2 or bcrypt, or your "
                   "framework's password hasher.",
    references=("CWE-916", "CWE-328", "A02:2021-Cryptographic Failures"),
    example_bad=_FLASK + "import hashlib\n\n@app.route('/signup', methods=['POST'])\ndef signup():\n"
                "    digest = hashlib.sha256(request.form['password'].encode()).hexdigest()\n"
                "    return {'stored': len(digest)}\n",
    example_good=_FLASK + "import hashlib\nimport os\n\n@app.route('/signup', methods=['POST'])\ndef signup():\n"
                 "    salt = os.urandom(16)\n"
                 "    digest = hashlib.scrypt(request.form['password'].encode(), salt=salt, n=2**14, r=8, p=1)\n"
                 "    return {'stored': len(digest)}\n",
))

SIZE = RULES.add(Rule(
    code="BMB135", name="unbounded-size-flow", title="A number from the request sizes an allocation or loop",
    severity=Severity.medium, category=Category.security, analyzer="dataflow",
    why="A count the client chooses (`?n=10**9`) makes the server allocate that much memory or loop that "
        "long: one request can take the worker down.",
    recommendation="Bound the number before using it (`n = min(n, 1000)`, or reject larger values).",
    references=("CWE-770", "CWE-400", "A04:2021-Insecure Design"),
    example_bad=_FLASK + "@app.route('/pad')\ndef pad():\n    n = int(request.args['n'])\n"
                "    return {'text': 'x' * n}\n",
    example_good=_FLASK + "@app.route('/pad')\ndef pad():\n    n = min(int(request.args['n']), 1000)\n"
                 "    return {'text': 'x' * n}\n",
))

BY_KIND = {
    "sql": SQL, "command": COMMAND, "code": CODE, "path": PATH, "ssrf": SSRF, "xss": XSS, "redirect": REDIRECT,
    "xpath": XPATH, "ldap": LDAP, "xxe": XXE, "deserialization": DESERIALIZATION, "header": HEADER,
    "trust": TRUST, "secret": SECRET, "hash": HASH, "size": SIZE,
}
