"""docs-technical: API reference and routes from the AST of a small Flask + FastAPI + Django + aiohttp project."""

from __future__ import annotations

import json
import textwrap

import pytest

from bumba_magics.cli import main
from bumba_magics.generators.api_docs import GENERATED_MARKER
from bumba_magics.review import ReviewError, review

FILES = {
    "shop/__init__.py": '"""The shop service."""\n',
    "shop/api.py": '''
        """HTTP API of the shop."""
        from fastapi import APIRouter, FastAPI

        app = FastAPI()
        router = APIRouter(prefix="/items")


        @app.get("/health")
        def health():
            """Liveness probe."""
            return {"ok": True}


        @router.post("/")
        async def create_item(item: dict) -> dict:
            return item


        @app.api_route("/legacy", methods=["GET", "POST"])
        def legacy():
            """The old endpoint, kept for the mobile app."""
    ''',
    "shop/web.py": '''
        from flask import Blueprint, Flask

        app = Flask(__name__)
        bp = Blueprint("admin", __name__, url_prefix="/admin")


        @app.route("/orders/<int:order_id>", methods=["GET", "DELETE"])
        def order(order_id):
            """One order."""


        @bp.get("/stats")
        def stats():
            """Numbers for the admin page."""


        def ping():
            """Ping."""
            return "pong"


        app.add_url_rule("/ping", view_func=ping)
    ''',
    "shop/urls.py": '''
        from django.urls import include, path, re_path

        from . import views

        urlpatterns = [
            path("articles/<int:year>/", views.year_archive, name="archive"),
            re_path(r"^about/$", views.about),
            path("api/", include("shop.api_urls")),
        ]
    ''',
    "shop/aio.py": '''
        """The aiohttp side."""
        from aiohttp import web

        routes = web.RouteTableDef()


        @routes.get("/aio/hello")
        async def hello(request):
            """Say hello."""
            return web.Response(text="hi")


        async def bye(request):
            return web.Response(text="bye")


        app = web.Application()
        app.router.add_get("/aio/bye", bye)
        app.add_routes([web.post("/aio/echo", hello)])
    ''',
    "shop/models.py": '''
        """Data classes."""
        raise SystemExit("importing this module would stop the test run")


        class Order:
            """An order."""

            def __init__(self, id: int, total: float = 0.0):
                self.id = id

            @property
            def paid(self) -> bool:
                """Whether the order is paid."""
                return False

            def refund(self, amount: float) -> None:
                pass

            def _internal(self):
                pass


        class Undocumented:
            pass


        def public_helper(x: int, *, scale: float = 1.0) -> int:
            return x


        def _private():
            pass
    ''',
    "shop/_secret.py": "def hidden():\n    pass\n",
    "tests/test_shop.py": "def test_x():\n    assert True\n",
}


@pytest.fixture
def project(tmp_path):
    root = tmp_path / "proj"
    for name, text in FILES.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip())
    return root


def test_routes_of_every_framework(project):
    report = review("docs", str(project), use_store=False)
    index = (project / "docs/api/index.md").read_text()
    routes = {line.split("|")[1].strip() + " " + line.split("|")[2].strip().replace("\\", "")
              for line in index.splitlines() if line.startswith("| ") and "Method" not in line}
    assert routes == {
        "GET /health", "POST /items/", "GET POST /legacy",  # FastAPI, router prefix applied
        "GET DELETE /orders/<int:order_id>", "GET /admin/stats", "GET /ping",  # Flask, blueprint prefix
        "ANY /articles/<int:year>/", "ANY /about/$", "ANY /api/",  # Django urls.py
        "GET /aio/hello", "GET /aio/bye", "POST /aio/echo",  # aiohttp
    }
    assert report.metrics["routes"] == 12
    assert report.metrics["frameworks"] == ["aiohttp", "django", "fastapi", "flask"]
    assert "include('shop.api\\_urls')" in index and "The old endpoint, kept for the mobile app." in index


def test_api_reference_pages_signatures_and_docstrings(project):
    report = review("docs-technical", str(project), use_store=False)
    folder = project / "docs" / "api"
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["index.md", "shop.aio.md", "shop.api.md", "shop.md", "shop.models.md", "shop.urls.md",
                     "shop.web.md"]  # no tests, no private module
    models = (folder / "shop.models.md").read_text()
    assert models.startswith(GENERATED_MARKER + "\n")
    assert "class Order\n    def __init__(self, id: int, total: float=0.0)" in models
    assert "def public_helper(x: int, *, scale: float=1.0) -> int" in models
    assert "Whether the order is paid." in models and "Order.paid (property)" in models
    assert "_private" not in models and "_internal" not in models
    page = next(a for a in report.artifacts if a.title.endswith("index.md"))
    assert page.mime == "text/markdown" and page.data.startswith(GENERATED_MARKER) and page.path


def test_documentation_coverage_findings(project):
    report = review("docs", str(project), use_store=False)
    found = {(f.rule, f.title) for f in report.findings}
    assert found == {
        ("BMB701", "Module shop.web has no docstring"),
        ("BMB701", "Module shop.urls has no docstring"),
        ("BMB702", "Class Undocumented has no docstring"),
        ("BMB703", "Order.refund has no docstring"),
        ("BMB703", "Function public_helper has no docstring"),
        ("BMB704", "POST /items/ (create_item) has no docstring"),
        ("BMB704", "GET /aio/bye (bye) has no docstring"),
    }
    refund = next(f for f in report.findings if f.title.startswith("Order.refund"))
    assert refund.location.path == "shop/models.py" and refund.location.line == 16
    assert report.metrics["public_items"] == 13
    assert report.metrics["documented"] == 8


def test_never_overwrites_files_it_did_not_write(project):
    folder = project / "docs" / "api"
    folder.mkdir(parents=True)
    (folder / "index.md").write_text("# my hand-written notes\n")
    report = review("docs", str(project), use_store=False)
    assert (folder / "index.md").read_text() == "# my hand-written notes\n"
    assert any("index.md exists and was not generated by bumba" in note for note in report.notes)
    assert report.metrics["pages_left_alone"] == 1
    # its own pages are regenerated when the code changes
    models = project / "shop" / "models.py"
    models.write_text(models.read_text().replace("def public_helper", "def renamed_helper"))
    review("docs", str(project), use_store=False)
    assert "renamed_helper" in (folder / "shop.models.md").read_text()


def test_cli_output_folder_and_magic(project, tmp_path, capsys, ip):
    out = tmp_path / "site"
    assert main(["docs", str(project), "-o", str(out), "-q", "-f", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["metrics"]["folder"] == str(out)
    assert (out / "index.md").is_file() and not (project / "docs").exists()
    result = ip.run_cell(f"%bumba docs-technical {project}")
    assert result.error_in_exec is None
    assert any(a.mime == "text/markdown" for a in result.result.artifacts)
    assert "API reference" in result.result.to_html()


def test_bad_input(tmp_path, capsys, ip):
    assert main(["docs", str(tmp_path / "nope"), "-q"]) == 2
    assert "no such file or folder" in capsys.readouterr().err
    notes = tmp_path / "notes.txt"
    notes.write_text("text")
    with pytest.raises(ReviewError, match="not a Python file"):
        review("docs", str(notes), use_store=False)
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "README.md").write_text("# nothing here")
    with pytest.raises(ReviewError, match="no Python modules"):
        review("docs", str(empty), use_store=False)
    result = ip.run_cell("%%bumba docs\nx = 1\n")
    assert result.error_in_exec is not None  # a clear usage error, the kernel stays
    assert ip.run_cell("2 + 2").result == 4
