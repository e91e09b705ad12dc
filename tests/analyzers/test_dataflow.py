"""The taint engine's behaviour as a user sees it: which flows become findings, the path each carries, what
stays quiet, and how the findings behave in reports (JSON, fingerprints, notebooks, the scan command)."""

import json
import textwrap

import pytest

from bumba_magics.analyzers.base import RULES, AnalyzerConfig
from bumba_magics.analyzers.dataflow import analyze_sources, constant_sinks
from bumba_magics.analyzers.dataflow.models import load_models
from bumba_magics.analyzers.dataflow.models.schema import KINDS
from bumba_magics.analyzers.dataflow.rules import BY_KIND
from bumba_magics.commands import get_command
from bumba_magics.context.notebook import build_notebook_source
from bumba_magics.context.source import Cell, Context, Source
from bumba_magics.engines.offline import run_offline
from bumba_magics.findings import Finding

FLASK = "import os\nfrom flask import Flask, request\n\napp = Flask(__name__)\n\n"


def scan(files: dict[str, str]):
    sources = [Source(path=path, text=textwrap.dedent(text)) for path, text in files.items()]
    return analyze_sources(sources).findings


def rules(findings) -> list[str]:
    return sorted(f.rule for f in findings)


def route(body: str, imports: str = "") -> dict[str, str]:
    return {"app.py": FLASK + imports + "\n@app.route('/x')\ndef view():\n" + textwrap.indent(textwrap.dedent(body), "    ")}


# ------------------------------------------------------------------ containers, reassignment, folding
def test_dict_written_under_one_key_and_read_under_another_is_clean():
    tainted = scan(route("d = {}\nd['a'] = request.args['q']\nd['b'] = 'ls'\nos.system(d['a'])\nreturn 'x'"))
    clean = scan(route("d = {}\nd['a'] = request.args['q']\nd['b'] = 'ls'\nos.system(d['b'])\nreturn 'x'"))
    assert rules(tainted) == ["BMB121"]
    assert rules(clean) == []


def test_list_positions_pop_and_remove_are_followed():
    popped = "xs = ['ls', request.args['q']]\nxs.pop()\nos.system(xs[-1])\nreturn 'x'"
    popped_first = "xs = [request.args['q'], 'ls']\nxs.pop(0)\nos.system(xs[0])\nreturn 'x'"
    pop_result = "xs = ['ls', request.args['q']]\nos.system(xs.pop())\nreturn 'x'"
    removed = "xs = ['a', request.args['q'], 'b']\nxs.remove('a')\nos.system(xs[1])\nreturn 'x'"
    removed_read = "xs = ['a', request.args['q'], 'b']\nxs.remove('a')\nos.system(xs[0])\nreturn 'x'"
    assert rules(scan(route(popped))) == []
    assert rules(scan(route(popped_first))) == []
    assert rules(scan(route(pop_result))) == ["BMB121"]
    assert rules(scan(route(removed))) == []
    assert rules(scan(route(removed_read))) == ["BMB121"]


def test_reassignment_from_a_constant_cleans_the_variable():
    assert rules(scan(route("cmd = request.args['q']\ncmd = 'uptime'\nos.system(cmd)\nreturn 'x'"))) == []
    assert rules(scan(route("cmd = 'uptime'\ncmd = request.args['q']\nos.system(cmd)\nreturn 'x'"))) == ["BMB121"]


@pytest.mark.parametrize("condition, expected", [("7 * 18 + num > 200", []), ("7 * 18 + num < 200", ["BMB121"]),
                                                 ("FLAG", []), ("not FLAG", ["BMB121"])])
def test_conditions_that_fold_leave_the_dead_branch_out(condition, expected):
    body = f"num = 40\nif {condition}:\n    cmd = request.args['q']\nelse:\n    cmd = 'ls'\nos.system(cmd)\nreturn 'x'"
    files = route(body)
    files["app.py"] = files["app.py"].replace("app = Flask", "FLAG = False\napp = Flask")
    assert rules(scan(files)) == expected


def test_allow_list_guard_makes_the_checked_variable_safe_on_its_branch_only():
    guarded = "cmd = request.args['q']\nif cmd in ('ls', 'df'):\n    os.system(cmd)\nreturn 'x'"
    outside = "cmd = request.args['q']\nif cmd in ('ls', 'df'):\n    pass\nos.system(cmd)\nreturn 'x'"
    early_exit = "cmd = request.args['q']\nif cmd not in ('ls', 'df'):\n    return 'no'\nos.system(cmd)\nreturn 'x'"
    assert rules(scan(route(guarded))) == []
    assert rules(scan(route(outside))) == ["BMB121"]
    assert rules(scan(route(early_exit))) == []


def test_sanitizers_are_per_sink_kind():
    body = "q = html.escape(request.args['q'])\nos.system('echo ' + q)\nreturn f'<p>{q}</p>'"
    assert rules(scan(route(body, "import html\n"))) == ["BMB121"]  # escaped for HTML, not for the shell


# ------------------------------------------------------------------ paths
def test_the_path_runs_from_the_source_through_each_step_to_the_sink():
    [finding] = scan(route("arg = request.args.get('arg', '')\ncmd = 'ps ' + arg\nreturn {'o': os.popen(cmd).read()}"))
    labels = [step.label for step in finding.flow]
    assert labels[0] == "request.args.get('arg', '') (source)"
    assert "cmd = 'ps ' + arg" in labels
    assert labels[-1] == "os.popen(cmd) (sink)"
    assert [s.line for s in finding.flow] == sorted(s.line for s in finding.flow)
    assert finding.location.line == finding.flow[-1].line and finding.location.column == 18
    assert finding.flow[-1].code == "return {'o': os.popen(cmd).read()}"


def test_a_resolver_argument_reaches_os_popen_through_a_helper_in_another_module():
    files = {
        "app/__init__.py": "",
        "app/helpers.py": "import os\n\ndef run_cmd(cmd):\n    return os.popen(cmd).read()\n",
        "app/schema.py": """\
            import graphene
            from app import helpers

            class Query(graphene.ObjectType):
                debug = graphene.String(arg=graphene.String())

                def resolve_debug(self, info, arg):
                    return helpers.run_cmd("ps {}".format(arg))
            """,
    }
    [finding] = scan(files)
    assert finding.rule == "BMB121" and finding.location.path == "app/helpers.py" and finding.location.line == 4
    assert [s.path for s in finding.flow] == ["app/schema.py", "app/schema.py", "app/helpers.py", "app/helpers.py"]
    assert finding.flow[0].label == "GraphQL argument `arg` (source)"
    assert "from app/schema.py" in finding.title


def test_summaries_tell_a_helper_that_returns_its_argument_from_one_that_returns_a_constant():
    helpers = "def same(v):\n    return v\n\ndef fixed(v):\n    return 'ls'\n"
    call = "from helpers import {}\n@app.route('/x')\ndef view():\n    os.system({}(request.args['q']))\n    return 'x'\n"
    assert rules(scan({"helpers.py": helpers, "app.py": FLASK + call.format("same", "same")})) == ["BMB121"]
    assert rules(scan({"helpers.py": helpers, "app.py": FLASK + call.format("fixed", "fixed")})) == []


def test_recursion_terminates_and_keeps_what_flows_through_it():
    recursive = """\
        def a(n, v):
            return v if n == 0 else b(n - 1, v)

        def b(n, v):
            return a(n, v + "x")
        """
    body = "\n@app.route('/x')\ndef view():\n    os.system(a(3, request.args['q']))\n    return 'x'\n"
    assert rules(scan({"app.py": FLASK + textwrap.dedent(recursive) + body})) == ["BMB121"]


def test_methods_share_state_through_self():
    code = FLASK + textwrap.dedent("""\
        class Task:
            def configure(self, target):
                self.target = target
                self.mode = "fast"

            def run(self):
                os.system("sync " + self.{})

        @app.route("/x")
        def view():
            task = Task()
            task.configure(request.args["t"])
            task.run()
            return "x"
        """)
    assert rules(scan({"app.py": code.format("target")})) == ["BMB121"]
    assert rules(scan({"app.py": code.format("mode")})) == []


# ------------------------------------------------------------------ constants, severity
def test_sinks_fed_only_constants_are_not_reported_and_are_listed_as_proved_constant():
    text = textwrap.dedent("""\
        import os
        from xml.etree import ElementTree

        USERS_XML = "<users><user name='a'/></users>"

        def build():
            os.popen("python3 setup.py")
            return ElementTree.fromstring(USERS_XML)

        def run(cmd):
            os.popen(cmd)
        """)
    source = Source(path="tasks.py", text=text)
    assert analyze_sources([source]).findings == []
    assert constant_sinks(source) == {(7, 5), (8, 12)}  # os.popen(cmd) takes a parameter: not proved constant


def test_severity_follows_where_the_data_comes_from():
    remote = scan(route("os.system(request.args['q'])\nreturn 'x'"))
    terminal = scan({"cli.py": "import os\nos.system(input('cmd: '))\n"})
    environment = scan({"job.py": "import os\nos.system('make ' + os.environ['TARGET'])\n"})
    assert [f.severity.value for f in remote + terminal + environment] == ["critical", "medium", "low"]


# ------------------------------------------------------------------ findings in reports
def test_findings_without_a_path_serialise_as_before_and_dataflow_findings_round_trip():
    plain = Finding(rule="BMB101", title="t", severity="high", category="security", location={"path": "a.py"})
    assert "flow" not in plain.model_dump(mode="json") and "flow" not in json.loads(plain.model_dump_json())
    [finding] = scan(route("os.system(request.args['q'])\nreturn 'x'"))
    again = Finding.model_validate(json.loads(finding.model_dump_json()))
    assert again == finding and again.flow[0].label == "request.args['q'] (source)"


def test_the_fingerprint_survives_lines_moving():
    body = "cmd = request.args['q']\nos.system(cmd)\nreturn 'x'"
    [before] = scan(route(body))
    files = route(body)
    files["app.py"] = "# a comment\n\n\n" + files["app.py"].replace("    cmd = request", "\n    cmd = request")
    [after] = scan(files)
    assert after.location.line == before.location.line + 4
    assert after.fingerprint == before.fingerprint
    [other] = scan(route(body.replace("'q'", "'other'")))
    assert other.fingerprint != before.fingerprint


def test_notebook_steps_point_at_cells_and_their_lines():
    cells = [
        Cell(index=1, source="import os\nfrom flask import request\n"),
        Cell(index=2, cell_type="markdown", source="# notes"),
        Cell(index=3, source="%matplotlib inline\nhost = request.args['h']\n"),
        Cell(index=4, source="os.system('ping ' + host)\n"),
    ]
    source = build_notebook_source("analysis.ipynb", cells)
    [finding] = analyze_sources([source]).findings
    assert (finding.location.cell, finding.location.line) == (4, 1)
    assert [(s.cell, s.line) for s in finding.flow] == [(3, 2), (3, 2), (4, 1)]


def test_scan_and_secure_run_the_engine_through_the_offline_engine(tmp_path):
    assert "dataflow" in get_command("scan").analyzers and "dataflow" in get_command("secure").analyzers
    (tmp_path / "views.py").write_text(FLASK + "@app.route('/x')\ndef view():\n    return eval(request.args['e'])\n")
    context = Context(root=tmp_path, sources=[Source(path="views.py", text=(tmp_path / "views.py").read_text())])
    result = run_offline(context, ("dataflow",), AnalyzerConfig())
    assert [f.rule for f in result.findings] == ["BMB122"]
    assert run_offline(context, ("dataflow",), AnalyzerConfig(ignore=frozenset({"BMB122"}))).findings == []


# ------------------------------------------------------------------ models and rules
def test_every_sink_kind_has_a_rule_in_the_dataflow_range_and_every_model_table_loads():
    assert set(BY_KIND) == set(KINDS)
    for rule in BY_KIND.values():
        assert 120 <= int(rule.code[3:]) <= 149 and RULES.get(rule.code) is rule
        assert any(ref.startswith("CWE-") for ref in rule.references)
    models = load_models()
    assert {"flask", "django", "fastapi", "aiohttp", "graphql", "stdlib", "http_clients", "db"} <= set(models.modules)
    assert {s.kind for sinks in models.sinks.values() for s in sinks} == set(KINDS) - {"secret"}


def test_a_django_helper_taking_request_first_is_not_a_view_unless_it_lives_in_views():
    helper = "import os\nfrom django.http import HttpResponse\n\n\ndef run(request, cmd):\n    os.system(cmd)\n"
    assert rules(scan({"shop/utils.py": helper})) == []
    assert rules(scan({"shop/views.py": helper})) == ["BMB121"]
    reads_request = helper.replace("os.system(cmd)", "os.system(request.GET['cmd'])")
    assert rules(scan({"shop/utils.py": reads_request})) == ["BMB121"]
