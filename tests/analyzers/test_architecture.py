"""The import graph and the architecture rules, on small packages written to a temporary directory."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from bumba_magics.analyzers.architecture import (
    ArchitectureAnalyzer,
    build_import_graph,
    is_entry_point,
    module_name,
)
from bumba_magics.analyzers.base import AnalyzerConfig
from bumba_magics.context.source import Cell, Context, Source
from bumba_magics.findings import Severity


def write_tree(root: Path, files: dict[str, str]) -> list[Source]:
    """Write ``files`` under ``root`` and return them as sources, the way the context layer would."""
    sources = []
    for path, text in files.items():
        text = textwrap.dedent(text).lstrip("\n")
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
        sources.append(Source(path=path, text=text, abspath=target))
    return sources


def analyze(root: Path, files: dict[str, str], **settings) -> list:
    sources = write_tree(root, files)
    context = Context(root=root, sources=sources)
    return list(ArchitectureAnalyzer().analyze(context, sources, AnalyzerConfig(**settings)))


def where(findings, code: str) -> list[tuple[str, int | None]]:
    return sorted((f.location.path, f.location.line) for f in findings if f.rule == code)


# --- BMB401 import cycles ---------------------------------------------------------------------------------

CYCLE = {
    "pkg/__init__.py": "",
    "pkg/a.py": """
        from pkg import b

        VALUE = 1
        """,
    "pkg/b.py": """
        import os

        from . import a
        """,
}


def test_two_module_cycle_is_found(tmp_path: Path) -> None:
    findings = analyze(tmp_path, CYCLE)
    [finding] = [f for f in findings if f.rule == "BMB401"]
    assert finding.title == "Import cycle: pkg.a -> pkg.b -> pkg.a"
    assert (finding.location.path, finding.location.line) == ("pkg/a.py", 1)
    assert finding.evidence == "from pkg import b"
    assert finding.severity is Severity.medium


@pytest.mark.parametrize(
    "b_text",
    [
        "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    from pkg import a\n",
        "import typing\n\nif typing.TYPE_CHECKING:\n    from pkg.a import VALUE\n",
    ],
    ids=["type-checking", "typing-dot-type-checking"],
)
def test_imports_that_never_run_make_no_cycle(tmp_path: Path, b_text: str) -> None:
    findings = analyze(tmp_path, {**CYCLE, "pkg/b.py": b_text})
    assert where(findings, "BMB401") == []


@pytest.mark.parametrize(
    "b_text",
    [
        "def load():\n    from . import a\n    return a.VALUE\n",
        'if __name__ == "__main__":\n    from pkg import a\n    print(a.VALUE)\n',
    ],
    ids=["inside-function", "main-guard"],
)
def test_cycle_closed_by_a_deferred_import_is_low_and_says_so(tmp_path: Path, b_text: str) -> None:
    findings = analyze(tmp_path, {**CYCLE, "pkg/b.py": b_text})
    [finding] = [f for f in findings if f.rule == "BMB401"]
    assert finding.severity is Severity.low
    assert finding.title == ("Import cycle through a function-level import: pkg.b -> pkg.a -> pkg.b "
                             "(pkg.b imports pkg.a inside a function)")
    assert (finding.location.path, finding.location.line) == ("pkg/b.py", 2)  # at the deferred import


@pytest.mark.parametrize("b_text", ["def load():\n    from . import a\n    return a.VALUE\n"])
def test_runtime_only_counting_ignores_deferred_imports(tmp_path: Path, b_text: str) -> None:
    findings = analyze(tmp_path, {**CYCLE, "pkg/b.py": b_text}, import_cycles="runtime")
    assert where(findings, "BMB401") == []


def test_runtime_cycle_and_a_deferred_loop_beside_it_are_both_reported(tmp_path: Path) -> None:
    files = {
        "app/__init__.py": "",
        "app/a.py": "from app import b\n",
        "app/b.py": "from app import a\n",
        "app/c.py": "from app import a\n",
        "app/d.py": "def f():\n    from app import c\n",
        "app/e.py": "",
    }
    files["app/a.py"] += "from app import d\n"
    found = sorted((f.severity.value, f.title) for f in analyze(tmp_path, files) if f.rule == "BMB401")
    assert found == [
        ("low", ("Import cycle through a function-level import: app.d -> app.c -> app.a -> app.d "
                "(app.d imports app.c inside a function; 4 modules are tangled)")),
        ("medium", "Import cycle: app.a -> app.b -> app.a"),
    ]


def test_settings_choose_how_cycles_are_counted(tmp_path: Path) -> None:
    from bumba_magics.review import review

    package = tmp_path / "proj"
    write_tree(package, {**CYCLE, "pkg/b.py": "def load():\n    from . import a\n"})
    (package / "pyproject.toml").write_text('[tool.bumba]\nimport-cycles = "runtime"\n')
    assert [f for f in review("analyze-technical", str(package), use_store=False) if f.rule == "BMB401"] == []
    (package / "pyproject.toml").write_text("")
    [cycle] = [f for f in review("analyze-technical", str(package), use_store=False) if f.rule == "BMB401"]
    assert cycle.severity is Severity.low


def test_longer_cycle_reports_one_finding_per_tangle(tmp_path: Path) -> None:
    files = {
        "app/__init__.py": "",
        "app/a.py": "from app import b\n",
        "app/b.py": "from app import c\n",
        "app/c.py": "from app import a\nfrom app import b\n",
    }
    [finding] = [f for f in analyze(tmp_path, files) if f.rule == "BMB401"]
    assert finding.title == "Import cycle: app.a -> app.b -> app.c -> app.a"


# --- BMB402 layers ------------------------------------------------------------------------------------------

LAYERS = [["app.api"], ["app.services"], ["app.db"]]


def layered(models_text: str) -> dict[str, str]:
    return {
        "app/__init__.py": "",
        "app/api/__init__.py": "",
        "app/api/views.py": "from app.services.users import create_user\nfrom app.db.models import User\n",
        "app/services/__init__.py": "",
        "app/services/users.py": "from app.db import models\n",
        "app/db/__init__.py": "",
        "app/db/models.py": models_text,
    }


def test_lower_layer_importing_higher_layer_is_a_violation(tmp_path: Path) -> None:
    files = layered("import json\nfrom app.api.views import create_user\n")
    findings = analyze(tmp_path, files, layers=LAYERS)
    [finding] = [f for f in findings if f.rule == "BMB402"]
    assert (finding.location.path, finding.location.line) == ("app/db/models.py", 2)
    assert finding.severity is Severity.high
    assert "app.db.models" in finding.title and "app.api.views" in finding.title


def test_downward_and_type_only_imports_respect_the_layers(tmp_path: Path) -> None:
    files = layered("from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    from app.api import views\n")
    assert where(analyze(tmp_path, files, layers=LAYERS), "BMB402") == []


def test_deferred_upward_import_is_still_a_layer_violation(tmp_path: Path) -> None:
    files = layered("def render():\n    from app.services import users\n    return users\n")
    assert where(analyze(tmp_path, files, layers=LAYERS), "BMB402") == [("app/db/models.py", 2)]


def test_no_layers_configured_no_violations(tmp_path: Path) -> None:
    files = layered("from app.api.views import create_user\n")
    assert where(analyze(tmp_path, files), "BMB402") == []


# --- BMB403 / BMB404 coupling -------------------------------------------------------------------------------

COUPLED = {
    "core/__init__.py": "",
    "core/one.py": "X = 1\n",
    "core/two.py": "X = 2\n",
    "core/three.py": "X = 3\n",
    "core/hub.py": "from core import one, two\nfrom core.three import X\n",
    "core/small.py": "from core import one, two\n",
}


def test_fan_out_over_the_limit(tmp_path: Path) -> None:
    findings = analyze(tmp_path, COUPLED, max_fan_out=2)
    [finding] = [f for f in findings if f.rule == "BMB403"]
    assert finding.location.path == "core/hub.py"
    assert finding.title == "core.hub imports 3 internal modules (limit 2)"
    assert finding.evidence == "core.one, core.three, core.two"


def test_fan_out_within_the_limit(tmp_path: Path) -> None:
    assert where(analyze(tmp_path, COUPLED, max_fan_out=3), "BMB403") == []


def test_fan_in_over_and_within_the_limit(tmp_path: Path) -> None:
    findings = analyze(tmp_path, COUPLED, max_fan_in=1)
    assert where(findings, "BMB404") == [("core/one.py", None), ("core/two.py", None)]
    assert where(analyze(tmp_path, COUPLED, max_fan_in=2), "BMB404") == []


# --- BMB405 size --------------------------------------------------------------------------------------------


def test_large_module(tmp_path: Path) -> None:
    files = {"big.py": "x = 1\n" * 6, "small.py": "x = 1\n" * 5}
    findings = analyze(tmp_path, files, max_module_lines=5)
    assert where(findings, "BMB405") == [("big.py", None)]
    [finding] = [f for f in findings if f.rule == "BMB405"]
    assert finding.title == "Very large module: 6 lines (limit 5)"


# --- BMB406 dead modules ------------------------------------------------------------------------------------

SERVICE = {
    "svc/__init__.py": "",
    "svc/core.py": "def run():\n    return 1\n",
    "svc/orphan.py": "def unused():\n    return 2\n",
    "svc/plugin.py": "def hook():\n    return 3\n",
    "svc/loader.py": 'import importlib\n\nPLUGINS = ["svc.plugin"]\n',
    "svc/runner.py": 'from svc.core import run\n\nif __name__ == "__main__":\n    run()\n',
    "svc/settings.py": "DEBUG = False\n",
    "tests/test_core.py": "from svc import core\n",
    "scripts/migrate_data.py": "print('once')\n",
}


def test_module_nothing_imports_is_dead(tmp_path: Path) -> None:
    findings = analyze(tmp_path, SERVICE)
    dead = where(findings, "BMB406")
    assert ("svc/orphan.py", None) in dead
    assert all(f.severity is Severity.info for f in findings if f.rule == "BMB406")


def test_imported_entry_point_and_referenced_modules_are_alive(tmp_path: Path) -> None:
    dead = {path for path, _ in where(analyze(tmp_path, SERVICE), "BMB406")}
    # core: imported; plugin: named in a string; runner: has a main guard; settings, tests, scripts,
    # __init__: entry points by convention; loader: nothing imports it, it is the one other dead module
    assert dead == {"svc/orphan.py", "svc/loader.py"}


def test_single_module_package_is_not_dead(tmp_path: Path) -> None:
    one = {"tool/__init__.py": "", "tool/helpers.py": "X = 1\n"}
    assert where(analyze(tmp_path / "one", one), "BMB406") == []
    assert where(analyze(tmp_path / "loose", {"helpers.py": "X = 1\n"}), "BMB406") == []
    two = {"tool/__init__.py": "", "tool/helpers.py": "X = 1\n", "tool/extra.py": "Y = 2\n"}
    dead = where(analyze(tmp_path / "two", two), "BMB406")
    assert dead == [("tool/extra.py", None), ("tool/helpers.py", None)]


def test_modules_loaded_by_a_naming_convention_are_alive(tmp_path: Path) -> None:
    loader = """
        import importlib

        def formats(lang):
            return importlib.import_module("loc.%s.formats" % lang)
        """
    files = {"loc/__init__.py": loader}
    for lang in ("de", "fr"):
        files[f"loc/{lang}/__init__.py"] = ""
        files[f"loc/{lang}/formats.py"] = "DATE = 'd'\n"
    assert where(analyze(tmp_path / "templated", files), "BMB406") == []
    # without the loader, two unimported formats modules are dead
    files["loc/__init__.py"] = ""
    assert len(where(analyze(tmp_path / "plain", files), "BMB406")) == 2
    # the same file name unimported in three or more packages is a convention some loader relies on
    files["loc/it/__init__.py"], files["loc/it/formats.py"] = "", "DATE = 'd'\n"
    assert where(analyze(tmp_path / "siblings", files), "BMB406") == []


def test_entry_points() -> None:
    assert is_entry_point("manage", "manage.py", False)
    assert is_entry_point("app.tests.test_views", "app/tests/test_views.py", False)
    assert is_entry_point("app.migrations.0001_initial", "app/migrations/0001_initial.py", False)
    assert is_entry_point("app.jobs", "app/jobs.py", True)
    assert not is_entry_point("app.jobs", "app/jobs.py", False)


# --- the graph itself ---------------------------------------------------------------------------------------


def test_relative_imports_resolve_to_modules_or_their_package(tmp_path: Path) -> None:
    files = {
        "pkg/__init__.py": "",
        "pkg/a.py": "thing = 1\n",
        "pkg/b.py": "",
        "pkg/sub/__init__.py": "from .d import x\n",
        "pkg/sub/d.py": "x = 1\n",
        "pkg/sub/c.py": """
            import os
            import requests
            from ..a import thing
            from .. import b
            from . import d
            from .d import x
            import pkg.sub.d as dd
            from .... import too_far
            from ..b import missing_name
            """,
    }
    graph = build_import_graph(write_tree(tmp_path, files), tmp_path)
    assert sorted(graph.graph.successors("pkg.sub.c")) == ["pkg.a", "pkg.b", "pkg.sub.d"]
    assert graph.edges[("pkg.sub.c", "pkg.a")] == ("pkg/sub/c.py", 3)
    assert graph.edges[("pkg.sub.c", "pkg.b")] == ("pkg/sub/c.py", 4)
    assert graph.edges[("pkg.sub.c", "pkg.sub.d")] == ("pkg/sub/c.py", 5)
    assert graph.edges[("pkg.sub", "pkg.sub.d")] == ("pkg/sub/__init__.py", 1)
    assert "os" not in graph.graph and "requests" not in graph.graph


def test_strongest_import_kind_wins_for_an_edge(tmp_path: Path) -> None:
    files = {
        "pkg/__init__.py": "",
        "pkg/a.py": "X = 1\n",
        "pkg/b.py": "def f():\n    from pkg import a\n\nfrom pkg import a\n",
    }
    graph = build_import_graph(write_tree(tmp_path, files), tmp_path)
    assert graph.graph.edges["pkg.b", "pkg.a"]["kind"] == "runtime"
    assert graph.edges[("pkg.b", "pkg.a")] == ("pkg/b.py", 4)


def test_module_names_follow_packages_and_src_layout() -> None:
    packages = {"src/app", "src/app/api", "lib/pkg"}
    is_package = packages.__contains__
    assert module_name("src/app/api/views.py", is_package) == "app.api.views"
    assert module_name("src/app/__init__.py", is_package) == "app"
    assert module_name("lib/pkg/mod.py", is_package) == "pkg.mod"
    assert module_name("manage.py", is_package) == "manage"
    assert module_name("src/loose.py", is_package) == "loose"
    assert module_name("tools/gen/run.py", is_package) == "tools.gen.run"  # namespace package


def test_root_inside_a_package_keeps_the_package_name(tmp_path: Path) -> None:
    root = tmp_path / "outer"
    sources = write_tree(root, {"__init__.py": "", "a.py": "from outer import b\n", "b.py": ""})
    graph = build_import_graph(sources, root)
    assert set(graph.modules) == {"outer", "outer.a", "outer.b"}
    assert graph.graph.has_edge("outer.a", "outer.b")


def test_notebook_is_a_module_nothing_imports(tmp_path: Path) -> None:
    files = {"lib/__init__.py": "", "lib/stats.py": "def mean(x):\n    return sum(x) / len(x)\n",
             "lib/other.py": "X = 1\n"}
    sources = write_tree(tmp_path, files)
    notebook = Source(
        path="analysis.ipynb", kind="notebook",
        text="pass\nfrom lib.stats import mean\nimport analysis\n",
        cells=[Cell(index=1, source="%matplotlib inline\nfrom lib.stats import mean", first_line=1),
               Cell(index=2, source="import analysis", first_line=3)],
        line_map=[(1, 1), (1, 2), (2, 1)], masked=frozenset({1}),
    )
    graph = build_import_graph([*sources, notebook], tmp_path)
    assert graph.edges[("analysis.ipynb", "lib.stats")] == ("analysis.ipynb", 2)
    assert "analysis" not in graph.modules and graph.graph.in_degree("analysis.ipynb") == 0
    everything = [*sources, notebook]
    findings = list(ArchitectureAnalyzer().analyze(Context(root=tmp_path), everything, AnalyzerConfig()))
    assert where(findings, "BMB406") == [("lib/other.py", None)]  # stats is used by the notebook


def test_selection_turns_rules_off(tmp_path: Path) -> None:
    findings = analyze(tmp_path, CYCLE, ignore=frozenset({"BMB401"}))
    assert where(findings, "BMB401") == []
