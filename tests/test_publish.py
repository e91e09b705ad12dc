"""publish: detection, Dockerfile / requirements / workflow checks (TP and TN), drafts that never overwrite."""

from __future__ import annotations

import json
import textwrap

import pytest
import yaml

from bumba_magics.cli import main
from bumba_magics.generators.deployment import check_dockerfile
from bumba_magics.review import ReviewError, review

BAD_DOCKERFILE = textwrap.dedent('''\
    FROM python:latest
    ENV API_TOKEN=abc123supersecretvalue99 LOG_LEVEL=info
    ARG GITHUB_TOKEN
    RUN apt-get update && \\
        apt-get install -y libpq5
    COPY . /app
    CMD ["uvicorn", "app.main:app"]
''')

GOOD_DOCKERFILE = textwrap.dedent('''\
    FROM python:3.12-slim@sha256:2b0079146a74e23bf4ae8f6a28e1b484c6292f6fb904cbb51825b4a19812fcd8 AS build
    WORKDIR /app
    COPY requirements.txt .
    RUN apt-get update && apt-get install -y --no-install-recommends libpq5 && rm -rf /var/lib/apt/lists/*
    RUN pip install --no-cache-dir -r requirements.txt
    FROM build
    ENV API_TOKEN=${API_TOKEN} LOG_LEVEL=info
    COPY . .
    RUN useradd --uid 10001 app
    USER app
    HEALTHCHECK CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz')"
    CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0"]
''')

GOOD_WORKFLOW = textwrap.dedent('''\
    name: ci
    on: [push]
    permissions:
      contents: read
    jobs:
      test:
        runs-on: ubuntu-latest
        steps:
          - uses: actions/checkout@v4
          - uses: some-org/setup-thing@8f4b7f84864484a7bf31766abe9204da3cbe65b3  # v2
          - run: python -m pytest
''')

BAD_WORKFLOW = textwrap.dedent('''\
    name: deploy
    on: [push]
    jobs:
      deploy:
        runs-on: ubuntu-latest
        env:
          SLACK: xoxb-123456789012-1234567890123-abcdefghijABCDEFGHIJklmn
        steps:
          - uses: actions/checkout@v4
          - uses: some-org/deploy-action@v2
          - run: ./deploy.sh
''')

APP = textwrap.dedent('''\
    from fastapi import FastAPI

    app = FastAPI()


    @app.get("/healthz")
    def health():
        return {"ok": True}
''')


def make(root, files: dict[str, str]):
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


@pytest.fixture
def bad(tmp_path):
    return make(tmp_path / "bad", {
        "app/main.py": APP, "app/__init__.py": "", "requirements.txt": "fastapi\nuvicorn==0.30.0\n",
        "Dockerfile": BAD_DOCKERFILE, ".github/workflows/deploy.yml": BAD_WORKFLOW,
    })


@pytest.fixture
def good(tmp_path):
    return make(tmp_path / "good", {
        "app/main.py": APP, "app/__init__.py": "", "requirements.txt": "fastapi==0.115.0\nuvicorn==0.30.0\n",
        "Dockerfile": GOOD_DOCKERFILE, ".dockerignore": ".git\n.env\n", "tests/test_app.py": "def test_x():\n    pass\n",
        ".github/workflows/ci.yml": GOOD_WORKFLOW, "RUNBOOK.md": "# how we run it\n",
        "pyproject.toml": '[project]\nname = "shop"\nversion = "1"\nrequires-python = ">=3.11,<3.13"\n',
    })


def test_bad_project_true_positives(bad):
    report = review("publish", str(bad), use_store=False)
    found = {(f.rule, f.location.path, f.location.line) for f in report.findings}
    assert found == {
        ("BMB802", "Dockerfile", 1), ("BMB801", "Dockerfile", 1), ("BMB806", "Dockerfile", 1),
        ("BMB804", "Dockerfile", 2), ("BMB805", "Dockerfile", 3), ("BMB809", "Dockerfile", 4),
        ("BMB807", "Dockerfile", 6), ("BMB808", "requirements.txt", 1),
        ("BMB804", ".github/workflows/deploy.yml", 7), ("BMB811", ".github/workflows/deploy.yml", 10),
        ("BMB812", ".github/workflows/deploy.yml", 1), ("BMB813", ".github/workflows/deploy.yml", None),
    }
    for finding in report.findings:  # secrets never appear in evidence
        assert "abc123supersecretvalue99" not in (finding.evidence or "")
        assert "abcdefghijABCDEFGHIJklmn" not in (finding.evidence or "")


def test_good_project_true_negatives_and_detection(good):
    report = review("publish", str(good), use_store=False)
    assert report.findings == []
    assert report.metrics["framework"] == "fastapi"
    assert report.metrics["entry_point"] == "app.main:app"
    assert report.metrics["python"] == "3.12" and "requires-python" in report.metrics["python_from"]
    assert report.metrics["health_path"] == "/healthz"
    assert report.metrics["drafted"] == []  # nothing missing
    assert not (good / "bumba-publish").exists()


def test_drafts_what_is_missing_and_the_draft_passes_its_own_checks(tmp_path, capsys):
    root = make(tmp_path / "flaskapp", {
        "service/__init__.py": "from flask import Flask\n\n\ndef create_app():\n    app = Flask(__name__)\n"
                               "    app.add_url_rule('/health', view_func=lambda: 'ok')\n    return app\n",
        "requirements.txt": "flask==3.0.3\ngunicorn==22.0.0\n", "tests/test_x.py": "def test_x():\n    pass\n",
    })
    assert main(["publish", str(root), "-q", "-f", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    drafts = root / "bumba-publish"
    assert sorted(data["metrics"]["drafted"]) == [".dockerignore", ".github/workflows/ci.yml", "Dockerfile",
                                                  "RUNBOOK.md"]
    assert data["metrics"]["start_command"] == "gunicorn service:create_app() --bind 0.0.0.0:8000"
    docker = (drafts / "Dockerfile").read_text()
    assert "USER app" in docker and "HEALTHCHECK" in docker and "/health" in docker
    # the drafted Dockerfile passes every check but the digest, which only the user can choose
    assert [f.rule for f in check_dockerfile(docker, "Dockerfile", has_dockerignore=True)] == ["BMB803"]
    ci = yaml.safe_load((drafts / ".github/workflows/ci.yml").read_text())
    runs = " ".join(step.get("run", "") for step in ci["jobs"]["test"]["steps"])
    assert "python -m pytest" in runs and "bumba checkpoint" in runs and ci["permissions"] == {"contents": "read"}
    assert {a["path"] for a in data["artifacts"]} == {str(p) for p in drafts.rglob("*") if p.is_file()}

    (drafts / "Dockerfile").write_text("# mine now\n")
    again = review("publish", str(root), use_store=False)
    assert (drafts / "Dockerfile").read_text() == "# mine now\n"  # never overwritten
    assert again.metrics["drafted"] == []
    assert any("already exists: left as is" in note for note in again.notes)


def test_django_and_output_folder(tmp_path, capsys):
    root = make(tmp_path / "site", {
        "manage.py": "import sys\nif __name__ == '__main__':\n    pass\n",
        "mysite/__init__.py": "", "mysite/wsgi.py": "application = object()\n",
        "pyproject.toml": '[project]\nname = "site"\nversion = "1"\ndependencies = ["django>=5"]\n',
    })
    out = tmp_path / "drafts"
    assert main(["publish", str(root), "-o", str(out), "-q", "-f", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["metrics"]["framework"] == "django"
    assert data["metrics"]["start_command"] == "gunicorn mysite.wsgi:application --bind 0.0.0.0:8000"
    rules = {f["rule"] for f in data["findings"]}
    assert {"BMB808", "BMB810", "BMB814"} <= rules  # ranges without a lock, no CI, no gunicorn
    assert (out / "Dockerfile").is_file() and "pip install --no-cache-dir ." in (out / "Dockerfile").read_text()
    assert not (root / "bumba-publish").exists()


def test_magic(ip, bad):
    result = ip.run_cell(f"%bumba publish {bad}")
    assert result.error_in_exec is None
    assert any(f.rule == "BMB804" for f in result.result.findings)


def test_bad_input(tmp_path, capsys):
    assert main(["publish", str(tmp_path / "missing"), "-q"]) == 2
    assert "no such folder" in capsys.readouterr().err
    (tmp_path / "file.py").write_text("x = 1\n")
    with pytest.raises(ReviewError, match="not a file"):
        review("publish", str(tmp_path / "file.py"), use_store=False)
    site = tmp_path / "static"
    make(site, {"index.html": "<h1>hi</h1>", "package.json": "{}"})
    with pytest.raises(ReviewError, match="no Python project"):
        review("publish", str(site), use_store=False)
