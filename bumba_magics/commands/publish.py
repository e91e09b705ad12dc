"""``publish``: deployment readiness, and drafts of what is missing (Dockerfile, CI workflow, runbook)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from ..core.options import add_output_folder_option, add_review_options
from .base import Command, register

if TYPE_CHECKING:
    from ..core.report import Report
    from ..core.request import RunRequest

def arguments(parser: argparse.ArgumentParser) -> None:
    add_review_options(parser, COMMAND)
    add_output_folder_option(parser, "folder for the generated files (default: bumba-publish/ in the project)")


def run(request: RunRequest) -> Report:
    # the generator is imported when the project is checked, not when %load_ext builds the catalogue
    from ..generators import deployment

    return deployment.run(request)


COMMAND = register(Command(
    "publish", "Deployment readiness: check and generate Dockerfile, CI workflow and runbook.",
    needs="a project folder", order=100, takes_cell=False, run=run, arguments=arguments,
    rule_modules=("bumba_magics.generators.deployment",),
    details="Detects the framework, entry point, Python version and dependencies; checks Dockerfiles "
    "(root user, unpinned base images, secrets in ENV/ARG, no HEALTHCHECK, no .dockerignore, apt hygiene), "
    "requirements pinning and GitHub Actions workflows (BMB80x/81x); drafts what is missing (Dockerfile, "
    ".dockerignore, CI workflow running the tests and 'bumba checkpoint', runbook) into bumba-publish/ "
    "(or -o DIR) for review. Existing files are never overwritten.",
))
