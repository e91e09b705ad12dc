"""Writes the dataflow corpus: vulnerable and safe twins per sink kind, source, propagation step and
sanitizer, in the frameworks' own idiom.

    python tests/data/dataflow/generate.py

Each case is ``<category>/<name>_vuln.py`` or ``<name>_safe.py`` (or a folder of modules with the same
suffix). The first line says which rule the vulnerable twin must raise and the safe twin must not
(``# expect: BMB121``); the line of the sink call carries ``# sink`` in both twins, so tools without
dataflow can be scored on the same lines. Cases written by hand live next to the generated ones and are
left alone (the generator only replaces files it wrote, marked ``# generated``).
"""

from __future__ import annotations

import textwrap
from pathlib import Path

HERE = Path(__file__).resolve().parent
RULE = {
    "sql": "BMB120", "command": "BMB121", "code": "BMB122", "path": "BMB123", "ssrf": "BMB124", "xss": "BMB125",
    "redirect": "BMB126", "xpath": "BMB127", "ldap": "BMB128", "xxe": "BMB129", "deserialization": "BMB130",
    "header": "BMB131", "trust": "BMB132", "secret": "BMB133", "hash": "BMB134", "size": "BMB135",
}

# --- framework wrappers: {imports} and {body}; `value` holds the request's input ---------------------------
FRAMEWORKS = {
    "flask": ('from flask import Flask, jsonify, request\n{imports}\napp = Flask(__name__)\n\n\n'
              '@app.route("/items", methods=["GET", "POST"])\ndef items():\n    value = request.args.get("q", "")\n'
              '{body}\n    return jsonify(result=str(result))\n'),
    "django": ('from django.http import JsonResponse\n{imports}\n\n'
               'def item_view(request):\n    value = request.GET.get("q", "")\n{body}\n'
               '    return JsonResponse({{"result": str(result)}})\n'),
    "fastapi": ('from fastapi import FastAPI\n{imports}\napp = FastAPI()\n\n\n'
                '@app.get("/items")\ndef read_items(q: str = ""):\n    value = q\n{body}\n'
                '    return {{"result": str(result)}}\n'),
    "aiohttp": ('from aiohttp import web\n{imports}\n\n'
                'async def handle_items(request):\n    value = request.query.get("q", "")\n{body}\n'
                '    return web.json_response({{"result": str(result)}})\n'),
    "graphene": ('import graphene\n{imports}\n\n'
                 'class Query(graphene.ObjectType):\n    result = graphene.String(q=graphene.String())\n\n'
                 '    def resolve_result(self, info, q):\n        value = q\n{body8}\n        return str(result)\n'),
}

# --- sink kinds: (name, imports, vulnerable body, safe body, frameworks) ------------------------------------
ALL_FW = tuple(FRAMEWORKS)
SINKS: dict[str, list[tuple]] = {
    "sql": [
        ("fstring", "import sqlite3\n",
         'cur = sqlite3.connect("app.db").cursor()\n'
         'result = cur.execute(f"SELECT * FROM users WHERE name = \'{value}\'").fetchall()  # sink',
         'cur = sqlite3.connect("app.db").cursor()\n'
         'result = cur.execute("SELECT * FROM users WHERE name = ?", (value,)).fetchall()  # sink', ALL_FW),
        ("concat", "import sqlite3\n",
         'conn = sqlite3.connect("app.db")\nsql = "SELECT id FROM orders WHERE ref = \'" + value + "\'"\n'
         'result = conn.execute(sql).fetchone()  # sink',
         'conn = sqlite3.connect("app.db")\nsql = "SELECT id FROM orders WHERE id = " + str(int(value or 0))\n'
         'result = conn.execute(sql).fetchone()  # sink', ("flask", "django", "fastapi")),
        ("percent", "import sqlite3\n",
         'db = sqlite3.connect("app.db")\nquery = "DELETE FROM sessions WHERE token = \'%s\'" % value\n'
         'result = db.execute(query).rowcount  # sink',
         'db = sqlite3.connect("app.db")\nquery = "DELETE FROM sessions WHERE token = \'%s\'" % "expired"\n'
         'result = db.execute(query).rowcount  # sink', ("flask", "aiohttp")),
        ("order_by_allowlist", "import sqlite3\n\nCOLUMNS = {\"name\", \"created\"}\n",
         'db = sqlite3.connect("app.db")\ncolumn = value\n'
         'result = db.execute("SELECT * FROM users ORDER BY {}".format(column)).fetchall()  # sink',
         'db = sqlite3.connect("app.db")\ncolumn = value if value in COLUMNS else "name"\n'
         'result = db.execute("SELECT * FROM users ORDER BY {}".format(column)).fetchall()  # sink',
         ("flask", "django", "fastapi")),
        ("sqlalchemy_text", "from sqlalchemy import create_engine, text\n\nengine = create_engine(\"sqlite://\")\n",
         'with engine.connect() as conn:\n'
         '    result = conn.execute(text(f"SELECT * FROM items WHERE sku = \'{value}\'")).all()  # sink',
         'with engine.connect() as conn:\n'
         '    result = conn.execute(text("SELECT * FROM items WHERE sku = :sku"), {"sku": value}).all()  # sink',
         ("flask", "fastapi")),
        ("django_raw", "from shop.models import Product\n",
         'result = list(Product.objects.raw(f"SELECT * FROM shop_product WHERE title = \'{value}\'"))  # sink',
         'result = list(Product.objects.raw("SELECT * FROM shop_product WHERE title = %s", [value]))  # sink',
         ("django",)),
    ],
    "command": [
        ("os_system", "import os\n", 'result = os.system("ping -c 1 " + value)  # sink',
         'import shlex\nresult = os.system("ping -c 1 " + shlex.quote(value))  # sink', ALL_FW),
        ("subprocess_shell", "import subprocess\n",
         'result = subprocess.run(f"ls -l {value}", shell=True, capture_output=True).stdout  # sink',
         'result = subprocess.run(["ls", "-l", value], capture_output=True).stdout  # sink', ALL_FW),
        ("popen_percent", "import os\n", 'result = os.popen("grep %s /var/log/app.log" % value).read()  # sink',
         'if not value.isalnum():\n    value = "error"\n'
         'result = os.popen("grep %s /var/log/app.log" % value).read()  # sink', ("flask", "django", "aiohttp")),
        ("sh_c_list", "import subprocess\n",
         'result = subprocess.check_output(["sh", "-c", "echo " + value])  # sink',
         'value = "hello"\nresult = subprocess.check_output(["sh", "-c", "echo " + value])  # sink',
         ("flask", "fastapi")),
        ("popen_allowlist", "import subprocess\n\nTOOLS = (\"uptime\", \"df\", \"free\")\n",
         'result = subprocess.Popen(value, shell=True).wait()  # sink',
         'result = None\nif value in TOOLS:\n    result = subprocess.Popen(value, shell=True).wait()  # sink',
         ("flask", "django", "graphene")),
    ],
    "code": [
        ("eval", "import ast\n", 'result = eval(value)  # sink', 'result = ast.literal_eval(value)  # sink', ALL_FW),
        ("exec_concat", "", 'scope = {}\nexec("result = " + value, scope)  # sink\nresult = scope["result"]',
         'scope = {}\nexec("result = 40 + 2", scope)  # sink\nresult = scope["result"]', ("flask", "django")),
        ("compile", "", 'result = eval(compile(value, "<expr>", "eval"))  # sink',
         'number = int(value or 0)\nresult = eval(compile(f"{number} * 2", "<expr>", "eval"))  # sink',
         ("flask", "fastapi")),
        ("dict_keys", "", 'ops = {"expr": value, "fixed": "1 + 1"}\nresult = eval(ops["expr"])  # sink',
         'ops = {"expr": value, "fixed": "1 + 1"}\nresult = eval(ops["fixed"])  # sink', ("flask", "aiohttp")),
    ],
    "path": [
        ("open_concat", "import os\n", 'with open("/srv/files/" + value) as fh:  # sink\n    result = fh.read()',
         'with open("/srv/files/" + os.path.basename(value)) as fh:  # sink\n    result = fh.read()', ALL_FW),
        ("realpath_check", "import os\n\nBASE = \"/srv/reports\"\n",
         'path = os.path.join(BASE, value)\nwith open(path, "rb") as fh:  # sink\n    result = len(fh.read())',
         'path = os.path.realpath(os.path.join(BASE, value))\nif not path.startswith(BASE + os.sep):\n'
         '    raise PermissionError(value)\nwith open(path, "rb") as fh:  # sink\n    result = len(fh.read())',
         ("flask", "django", "fastapi")),
        ("rmtree_secure_filename", "import os\nimport shutil\nfrom werkzeug.utils import secure_filename\n",
         'shutil.rmtree(os.path.join("/srv/uploads", value))  # sink\nresult = "removed"',
         'shutil.rmtree(os.path.join("/srv/uploads", secure_filename(value)))  # sink\nresult = "removed"',
         ("flask", "django")),
        ("pathlib", "from pathlib import Path\n\nROOT = Path(\"/srv/notes\")\n",
         'result = (ROOT / value).read_text()  # sink', 'result = (ROOT / Path(value).name).read_text()  # sink',
         ("flask", "fastapi", "aiohttp")),
        ("remove_allowlist", "import os\n\nCACHE_FILES = {\"/tmp/a.cache\", \"/tmp/b.cache\"}\n",
         'os.remove(value)  # sink\nresult = "ok"',
         'if value in CACHE_FILES:\n    os.remove(value)  # sink\nresult = "ok"', ("flask", "graphene")),
    ],
    "ssrf": [
        ("requests_url", "import requests\n", 'result = requests.get(value, timeout=5).status_code  # sink',
         'result = requests.get(f"https://api.example.com/items/{value}", timeout=5).status_code  # sink', ALL_FW),
        ("urlopen", "from urllib.parse import quote\nfrom urllib.request import urlopen\n",
         'result = urlopen(value).read()  # sink',
         'result = urlopen("https://status.example.com/check?name=" + quote(value)).read()  # sink',
         ("flask", "django")),
        ("httpx_host", "import httpx\n\nHOSTS = {\"billing.internal\", \"search.internal\"}\n",
         'result = httpx.get(f"http://{value}/health").text  # sink',
         'host = value if value in HOSTS else "search.internal"\n'
         'result = httpx.get(f"http://{host}/health").text  # sink', ("flask", "fastapi")),
        ("requests_kw", "import requests\n\nWEBHOOK = \"https://hooks.example.com/notify\"\n",
         'result = requests.post(url=value, json={"event": "ping"}, timeout=5).ok  # sink',
         'result = requests.post(url=WEBHOOK, json={"event": value}, timeout=5).ok  # sink',
         ("flask", "django", "aiohttp")),
    ],
    "deserialization": [
        ("pickle_b64", "import base64\nimport json\nimport pickle\n",
         'result = pickle.loads(base64.b64decode(value))  # sink',
         'result = json.loads(base64.b64decode(value))  # sink', ALL_FW),
        ("yaml_loader", "import yaml\n", 'result = yaml.load(value, Loader=yaml.Loader)  # sink',
         'result = yaml.load(value, Loader=yaml.SafeLoader)  # sink', ("flask", "django", "fastapi")),
        ("marshal", "import marshal\n", 'result = marshal.loads(bytes.fromhex(value))  # sink',
         'result = marshal.loads(marshal.dumps(int(value or 0)))  # sink', ("flask", "aiohttp")),
        ("jsonpickle", "import json\nimport jsonpickle\n", 'result = jsonpickle.decode(value)  # sink',
         'result = jsonpickle.decode(json.dumps({"n": len(value)}))  # sink', ("flask", "django")),
    ],
    "xpath": [
        ("lxml_fstring", "from lxml import etree\n\nTREE = etree.parse(\"users.xml\")\n",
         'result = TREE.xpath(f"//user[@name=\'{value}\']")  # sink',
         'result = TREE.xpath("//user[@name=$name]", name=value)  # sink', ALL_FW),
        ("elementtree_find", "from xml.etree import ElementTree\n\nROOT = ElementTree.parse(\"users.xml\").getroot()\n",
         'result = ROOT.find(".//user[@name=\'" + value + "\']")  # sink',
         'result = [u for u in ROOT.findall(".//user") if u.get("name") == value]  # sink',
         ("flask", "django")),
    ],
    "ldap": [
        ("python_ldap", "import ldap\nfrom ldap.filter import escape_filter_chars\n",
         'conn = ldap.initialize("ldap://directory.example.com")\n'
         'result = conn.search_s("dc=example,dc=com", ldap.SCOPE_SUBTREE, f"(uid={value})")  # sink',
         'conn = ldap.initialize("ldap://directory.example.com")\n'
         'result = conn.search_s("dc=example,dc=com", ldap.SCOPE_SUBTREE, '
         'f"(uid={escape_filter_chars(value)})")  # sink', ALL_FW),
        ("ldap3", "from ldap3 import Connection\nfrom ldap3.utils.conv import escape_filter_chars\n",
         'conn = Connection("ldap://directory.example.com", auto_bind=True)\n'
         'result = conn.search("dc=example,dc=com", "(cn=" + value + ")")  # sink',
         'conn = Connection("ldap://directory.example.com", auto_bind=True)\n'
         'result = conn.search("dc=example,dc=com", "(cn=" + escape_filter_chars(value) + ")")  # sink',
         ("flask", "django")),
    ],
    "xxe": [
        ("lxml_default", "from lxml import etree\n", 'result = etree.fromstring(value.encode()).tag  # sink',
         'parser = etree.XMLParser(resolve_entities=False, no_network=True)\n'
         'result = etree.fromstring(value.encode(), parser).tag  # sink', ALL_FW),
        ("lxml_resolving", "from lxml import etree\n",
         'parser = etree.XMLParser(resolve_entities=True)\nresult = etree.fromstring(value, parser=parser)  # sink',
         'parser = etree.XMLParser(resolve_entities=False)\nresult = etree.fromstring(value, parser=parser)  # sink',
         ("flask", "fastapi")),
        ("stdlib_constant", "from xml.etree import ElementTree\n\nUSERS_XML = \"<users><user name='a'/></users>\"\n",
         'result = ElementTree.fromstring(value).tag  # sink',
         'result = len(ElementTree.fromstring(USERS_XML))  # sink', ("flask", "django", "graphene")),
        ("minidom", "from xml.dom import minidom\nimport defusedxml.minidom\n",
         'result = minidom.parseString(value).documentElement.tagName  # sink',
         'result = defusedxml.minidom.parseString(value).documentElement.tagName  # sink', ("flask", "aiohttp")),
    ],
    "size": [
        ("string_repeat", "", 'count = int(value or 1)\nresult = "x" * count  # sink',
         'count = min(int(value or 1), 100)\nresult = "x" * count  # sink', ALL_FW),
        ("range_guard", "", 'n = int(value or 0)\nresult = sum(i * i for i in range(n))  # sink',
         'n = int(value or 0)\nif n > 1000:\n    n = 1000\nresult = sum(i * i for i in range(n))  # sink',
         ("flask", "django", "fastapi")),
        ("bytearray", "", 'size = int(value or 16)\nresult = len(bytearray(size))  # sink',
         'size = int(value or 16)\nif size <= 4096:\n    result = len(bytearray(size))  # sink\nelse:\n'
         '    result = 0', ("flask", "aiohttp")),
    ],
    "hash": [
        ("md5_password", "import hashlib\n", 'password = value\nresult = hashlib.md5(password.encode()).hexdigest()  # sink',
         'page = value\nresult = hashlib.md5(page.encode()).hexdigest()  # sink', ()),
    ],
}

# framework-specific sinks: (framework, name, imports, vulnerable body, safe body)
SPECIFIC = {
    "xss": [
        ("flask", "return_fstring", "from markupsafe import escape\n",
         'return f"<h1>Results for {value}</h1>"  # sink', 'return f"<h1>Results for {escape(value)}</h1>"  # sink'),
        ("flask", "make_response", "import html\nfrom flask import make_response\n",
         'return make_response("<p>" + value + "</p>")  # sink',
         'return make_response("<p>" + html.escape(value) + "</p>")  # sink'),
        ("flask", "render_template_string", "from flask import render_template_string\n",
         'return render_template_string("<p>Hello " + value + "</p>")  # sink',
         'return render_template_string("<p>Hello {{ name }}</p>", name=value)  # sink'),
        ("flask", "markup", "from markupsafe import Markup\n", 'return Markup(f"<b>{value}</b>")  # sink',
         'return Markup("<b>{}</b>").format(value)  # sink'),
        ("flask", "return_json", "import json\n", 'return "<pre>" + value + "</pre>"  # sink',
         'return {"query": value}  # sink'),
        ("django", "httpresponse", "from django.http import HttpResponse\nfrom django.utils.html import escape\n",
         'return HttpResponse(f"<p>{value}</p>")  # sink', 'return HttpResponse(f"<p>{escape(value)}</p>")  # sink'),
        ("django", "mark_safe", "from django.utils.safestring import mark_safe\nfrom django.utils.html import escape\n",
         'result = mark_safe("<em>" + value + "</em>")  # sink',
         'result = mark_safe("<em>" + escape(value) + "</em>")  # sink'),
        ("django", "content_type", "from django.http import HttpResponse\n",
         'return HttpResponse(value)  # sink', 'return HttpResponse(value, content_type="text/plain")  # sink'),
        ("fastapi", "htmlresponse", "import html\nfrom fastapi.responses import HTMLResponse\n",
         'return HTMLResponse(f"<div>{value}</div>")  # sink',
         'return HTMLResponse(f"<div>{html.escape(value)}</div>")  # sink'),
        ("aiohttp", "web_response", "import html\n",
         'return web.Response(text=f"<p>{value}</p>", content_type="text/html")  # sink',
         'return web.Response(text=f"<p>{html.escape(value)}</p>", content_type="text/html")  # sink'),
    ],
    "redirect": [
        ("flask", "redirect", "from flask import redirect\n\nALLOWED = {\"/home\", \"/account\"}\n",
         'return redirect(value)  # sink',
         'if value not in ALLOWED:\n    value = "/home"\nreturn redirect(value)  # sink'),
        ("flask", "redirect_local", "from flask import redirect\n", 'return redirect(value or "/")  # sink',
         'return redirect("/profile/" + value)  # sink'),
        ("django", "httpresponseredirect",
         "from django.http import HttpResponseRedirect\nfrom django.utils.http import url_has_allowed_host_and_scheme\n",
         'return HttpResponseRedirect(value)  # sink',
         'if not url_has_allowed_host_and_scheme(value, allowed_hosts={request.get_host()}):\n    value = "/"\n'
         'return HttpResponseRedirect(value)  # sink'),
        ("fastapi", "redirectresponse", "from fastapi.responses import RedirectResponse\n",
         'return RedirectResponse(value)  # sink', 'return RedirectResponse("/items/" + value)  # sink'),
        ("aiohttp", "httpfound", "", 'raise web.HTTPFound(value)  # sink', 'raise web.HTTPFound("/home")  # sink'),
    ],
    "header": [
        ("flask", "headers_item", "from flask import make_response\n\nLANGUAGES = {\"en\", \"de\"}\n",
         'resp = make_response("ok")\nresp.headers["Content-Language"] = value  # sink\nreturn resp',
         'resp = make_response("ok")\nif value in LANGUAGES:\n    resp.headers["Content-Language"] = value  # sink\n'
         'return resp'),
        ("django", "response_item", "from django.http import HttpResponse\n",
         'response = HttpResponse("ok")\nresponse["X-Request-Ref"] = value  # sink\nreturn response',
         'response = HttpResponse("ok")\nresponse["X-Request-Ref"] = str(int(value or 0))  # sink\nreturn response'),
        ("flask", "headers_add", "from flask import make_response\n",
         'resp = make_response("ok")\nresp.headers.add("X-Trace", value)  # sink\nreturn resp',
         'resp = make_response("ok")\nresp.headers.add("X-Trace", "static")  # sink\nreturn resp'),
    ],
    "trust": [
        ("flask", "session_item", "from flask import session\n\nTHEMES = {\"dark\", \"light\"}\n",
         'session["theme"] = value  # sink\nresult = "saved"',
         'if value in THEMES:\n    session["theme"] = value  # sink\nresult = "saved"'),
        ("django", "request_session", "",
         'request.session["last_search"] = value  # sink\nresult = "saved"',
         'request.session["last_search"] = len(value)  # sink\nresult = "saved"'),
    ],
}

SECRET_CASES = [
    ("choice_token", "import random\nimport secrets\nimport string\n",
     'def new_reset_token():\n    reset_token = "".join(random.choice(string.ascii_letters) for _ in range(24))  # sink\n'
     '    return reset_token\n',
     'def new_reset_token():\n    reset_token = "".join(secrets.choice(string.ascii_letters) for _ in range(24))  # sink\n'
     '    return reset_token\n'),
    ("randint_otp", "import random\nimport secrets\n",
     'def send_login_code(user):\n    otp = random.randint(100000, 999999)  # sink\n    user.notify(otp)\n',
     'def send_login_code(user):\n    otp = secrets.randbelow(900000) + 100000  # sink\n    user.notify(otp)\n'),
    ("getrandbits_api_key", "import random\nimport secrets\n",
     'def issue_key(account):\n    account.api_key = "%032x" % random.getrandbits(128)  # sink\n    account.save()\n',
     'def issue_key(account):\n    account.api_key = secrets.token_hex(16)  # sink\n    account.save()\n'),
    ("jitter_not_secret", "import random\nimport time\n",
     'def make_session_id():\n    session_id = str(random.random())  # sink\n    return session_id\n',
     'def backoff(attempt):\n    delay = 2 ** attempt + random.random()  # sink\n    time.sleep(delay)\n'),
]

HASH_CASES = [
    ("flask", "form_md5", "import hashlib\n",
     'digest = hashlib.md5(request.form["password"].encode()).hexdigest()  # sink\nresult = digest',
     'digest = hashlib.md5(request.form["avatar"].encode()).hexdigest()  # sink\nresult = digest'),
    ("flask", "form_sha256", "import hashlib\nimport os\n",
     'password = request.form.get("password", "")\nresult = hashlib.sha256(password.encode()).hexdigest()  # sink',
     'password = request.form.get("password", "")\n'
     'result = hashlib.scrypt(password.encode(), salt=os.urandom(16), n=2**14, r=8, p=1).hex()  # sink'),
    ("fastapi", "param_sha1", "import hashlib\n",
     None, None),
]

# --- sources: each read, flowing to os.system, and a safe twin that reads it but runs a constant ---------------
SOURCES = {
    "flask": [(name, f"request.{expr}") for name, expr in (
        ("args_get", 'args.get("host", "")'), ("args_item", 'args["host"]'), ("form", 'form["host"]'),
        ("values", 'values.get("host")'), ("cookies", 'cookies.get("host")'), ("headers", 'headers["X-Host"]'),
        ("json", 'json["host"]'), ("get_json", 'get_json()["host"]'), ("data", "data.decode()"),
        ("files", 'files["upload"].filename'))],
    "django": [(name, f"request.{expr}") for name, expr in (
        ("get", 'GET["host"]'), ("post", 'POST.get("host")'), ("cookies", 'COOKIES["host"]'),
        ("meta", 'META["HTTP_X_HOST"]'), ("body", "body.decode()"), ("files", 'FILES["upload"].name'))],
    "aiohttp": [(name, f"{prefix}request.{expr}") for name, prefix, expr in (
        ("match_info", "", 'match_info["host"]'), ("query", "", 'query["host"]'),
        ("post", "(await ", 'post())["host"]'), ("json", "(await ", 'json())["host"]'),
        ("cookies", "", 'cookies["host"]'), ("headers", "", 'headers["X-Host"]'))],
}


def _block(code: str, indent: int) -> str:
    return textwrap.indent(code, " " * indent)


def render(framework: str, imports: str, body: str) -> str:
    template = FRAMEWORKS[framework]
    returns_itself = body.lstrip().startswith("return") or "\nreturn " in body or "raise " in body
    if returns_itself:
        template = template.split("\n{body}")[0] + "\n{body}\n" if "{body}" in template else \
            template.split("\n{body8}")[0] + "\n{body8}\n"
    return template.format(imports=imports, body=_block(body, 4), body8=_block(body, 8))


def write(category: str, name: str, rule: str, text: str) -> int:
    folder = HERE / category
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.py"
    if path.exists() and not path.read_text().startswith(f"# expect: {rule}  # generated"):
        return 0  # written by hand: left alone
    path.write_text(f"# expect: {rule}  # generated\n{text}")
    return 1


def main() -> None:
    count = 0
    for kind, cases in SINKS.items():
        for name, imports, bad, good, frameworks in cases:
            for fw in frameworks:
                count += write(kind, f"{fw}_{name}_vuln", RULE[kind], render(fw, imports, bad))
                count += write(kind, f"{fw}_{name}_safe", RULE[kind], render(fw, imports, good))
    for kind, cases in SPECIFIC.items():
        for fw, name, imports, bad, good in cases:
            count += write(kind, f"{fw}_{name}_vuln", RULE[kind], render(fw, imports, bad))
            count += write(kind, f"{fw}_{name}_safe", RULE[kind], render(fw, imports, good))
    for name, imports, bad, good in SECRET_CASES:
        count += write("secret", f"{name}_vuln", RULE["secret"], imports + "\n\n" + bad)
        count += write("secret", f"{name}_safe", RULE["secret"], imports + "\n\n" + good)
    for fw, name, imports, bad, good in HASH_CASES:
        if bad is None:
            continue
        count += write("hash", f"{fw}_{name}_vuln", RULE["hash"], render(fw, imports, bad))
        count += write("hash", f"{fw}_{name}_safe", RULE["hash"], render(fw, imports, good))
    for fw, reads in SOURCES.items():
        for name, expr in reads:
            read = f"host = {expr}"
            bad = f'{read}\nresult = os.system("nslookup " + host)  # sink'
            good = f'{read}\nresult = os.system("nslookup localhost")  # sink'
            if fw == "aiohttp":
                body_bad, body_good = bad, good
            else:
                body_bad, body_good = bad, good
            count += write("sources", f"{fw}_{name}_vuln", RULE["command"], render(fw, "import os\n", body_bad))
            count += write("sources", f"{fw}_{name}_safe", RULE["command"], render(fw, "import os\n", body_good))
    print(f"wrote {count} files")


if __name__ == "__main__":
    main()
