"""``docs-technical``: API reference pages from the code and its routes, and documentation coverage."""

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
    add_output_folder_option(parser, "folder for the Markdown pages (default: docs/api under the target)")


def run(request: RunRequest) -> Report:
    # the generator is imported when pages are written, not when %load_ext builds the catalogue
    from ..generators import api_docs

    return api_docs.run(request)


COMMAND = register(Command(
    "docs-technical", "API reference from code and routes; documentation coverage.",
    needs="a package folder or a .py file", order=90, aliases=("docs",), takes_cell=False,
    run=run, arguments=arguments, rule_modules=("bumba_magics.generators.api_docs",),
    details="Reads the code's syntax tree (nothing is imported or run): modules, public classes and "
    "functions with signatures and docstrings, and the HTTP routes of Flask, FastAPI, Django urls.py and "
    "aiohttp apps. Writes Markdown pages to docs/api under the target (-o DIR for another folder; files "
    "it did not generate are never overwritten) and reports public items without docstrings (BMB70x).",
))
