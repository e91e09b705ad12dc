"""``Checks.on``, the one way a check joins the walk: which nodes each form hands a check, and the README's
example of a new rule working as printed."""

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bumba_magics.analyzers.base import Checks, walk_checks
from bumba_magics.context.source import Source
from bumba_magics.core.findings import Category, Severity
from bumba_magics.core.rules import Rule

README = Path(__file__).resolve().parents[2] / "README.md"


def seen_by(checks_group: str, text: str) -> list[str]:
    """What the group's checks were handed, as the ``title`` of the findings they made."""
    source = Source(path="example.py", text=text)
    return sorted(f.title for f in walk_checks(source, ast.parse(text), {checks_group}))


# not registered: the catalogue must not grow a test rule
SEEN = Rule(code="TEST001", name="seen", title="seen", severity=Severity.info, category=Category.review,
            why="-", recommendation="-", analyzer="test")


def _recorder(label):
    rule = SEEN

    def check(node, ctx):
        yield ctx.finding(rule, node, title=f"{label}:{type(node).__name__}:{getattr(node, 'lineno', '?')}")

    return check


def test_callee_names_route_calls_through_import_aliases():
    checks = Checks("test-callees")
    checks.on("execute")(_recorder("execute"))
    text = "from db import execute as ex\ncur.execute(q)\nex(q)\nexecutor(q)\nexecute\n"
    assert seen_by("test-callees", text) == ["execute:Call:2", "execute:Call:3"]


def test_a_keyword_check_is_given_each_call_once_however_many_of_its_keywords_it_passes():
    checks = Checks("test-keywords")
    checks.on(keywords=("verify", "verify_ssl"))(_recorder("kw"))
    text = "get(url, verify=False, verify_ssl=False)\nget(url)\npost(url, verify_ssl=False)\n"
    assert seen_by("test-keywords", text) == ["kw:Call:1", "kw:Call:3"]


def test_node_types_hand_over_every_node_of_those_types():
    checks = Checks("test-types")
    checks.on(ast.For, ast.AsyncFor)(_recorder("loop"))
    text = "for a in b:\n    pass\nasync def f():\n    async for x in y:\n        pass\nwhile True:\n    break\n"
    assert seen_by("test-types", text) == ["loop:AsyncFor:4", "loop:For:1"]


def test_groups_do_not_see_each_others_checks():
    Checks("test-group-a").on("run")(_recorder("a"))
    assert seen_by("test-group-b", "run()\n") == []


@pytest.mark.parametrize("arguments", [(), ("execute", 3), (int,)])
def test_on_refuses_what_is_not_a_callee_name_a_node_type_or_keywords(arguments):
    with pytest.raises(TypeError):
        Checks("test-refused").on(*arguments)


def test_on_refuses_a_bare_string_for_keywords():
    with pytest.raises(TypeError):
        Checks("test-refused").on(keywords="verify")


def test_the_readme_example_of_a_new_rule_works_as_printed(tmp_path):
    section = README.read_text(encoding="utf-8").split("## Adding a rule", 1)[1].split("\n## ", 1)[0]
    example = re.search(r"```python\n(.*?)```", section, re.DOTALL).group(1)
    # a fresh interpreter: the example registers a rule, which must not leak into this run's registry
    script = example + (
        "\nfrom pathlib import Path\n"
        "from bumba_magics.analyzers.security import SecurityAnalyzer\n"
        "from bumba_magics.analyzers.base import AnalyzerConfig\n"
        "from bumba_magics.context.source import Context, Source\n"
        "def codes(text):\n"
        "    found = SecurityAnalyzer().analyze(Context(root=Path('.')), [Source(path='x.py', text=text)],"
        " AnalyzerConfig())\n"
        "    return {f.rule for f in found}\n"
        "print(sorted(codes(INSECURE_TEMPFILE.example_bad)), sorted(codes(INSECURE_TEMPFILE.example_good)))\n"
    )
    (tmp_path / "example.py").write_text(script, encoding="utf-8")
    ran = subprocess.run([sys.executable, str(tmp_path / "example.py")], check=False, capture_output=True, text=True,
                         cwd=README.parent, timeout=60)
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.split("]", 1)[0] + "]" == "['BMB112']"
    assert ran.stdout.strip().endswith("[]")
