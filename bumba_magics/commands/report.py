"""``report TARGET... -o DIR``: reproducible review reports, a papermill-run template notebook per target,
rendered to HTML with SARIF and JSON beside it, and an index (the work is in ``bumba_magics.reports``)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from ..core.errors import CommandFailed
from .base import Command, register

if TYPE_CHECKING:
    from ..core.request import RunRequest


def arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("targets", nargs="+", metavar="TARGET", help="folders, files or globs to report on")
    parser.add_argument("-o", "--output", default="reports", metavar="DIR", dest="output_dir",
                        help="folder for the reports and index.html (default: reports)")
    parser.add_argument("--template", default="review", metavar="NAME|PATH",
                        help="review (architecture + security + performance), security, performance, "
                             "or the path of a notebook with a 'parameters' cell")
    parser.add_argument("-p", "--parameter", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"),
                        help="a template parameter: commands, engine, model, fail_on, baseline, title")
    parser.add_argument("--fail-on", metavar="LEVEL", dest="fail_on",
                        help="the gate: exit 1 when a finding reaches LEVEL (same as -p fail_on LEVEL)")
    parser.add_argument("--jobs", "-j", type=int, default=1, metavar="N", help="run N targets at once")
    parser.add_argument("--dask", metavar="ADDRESS", help="run each target on this Dask scheduler")
    parser.add_argument("--code", choices=("hide", "collapsed", "show"), default="hide",
                        help="code cells in the HTML (default: hide)")
    parser.add_argument("--kernel", default="python3", help="Jupyter kernel to run the template in")
    parser.add_argument("--timeout", type=float, default=1800, metavar="SECONDS",
                        help="longest a single cell may run (default 1800)")
    parser.add_argument("-q", "--quiet", action="store_true", help="only the index path and failures")
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = ("exit codes: 0 every report written and no gate failed; 1 a gate failed or a report is "
                     "incomplete (error, dead kernel); 2 bad input (missing target, bad template or parameter, "
                     "a target with no Python).")


def run(request: RunRequest) -> None:
    """Papermill runs each report in a kernel of its own; this process only waits for them and writes the
    index. Each failed report has been printed when the status is not 0."""
    from ..reports import main as make_reports  # papermill and nbconvert load when reports are made

    status = make_reports(request.args)
    if status == 2:
        raise CommandFailed("bumba report: bad input (the message is above)", status)
    if status == 1:
        raise CommandFailed("bumba report: a gate failed or a report is incomplete (see the index above)", status)


COMMAND = register(Command(
    "report", "Reproducible review reports: a papermill template per target, HTML, SARIF, JSON, index.",
    needs="one or more folders, files or globs, e.g. report src/ -o reports/", order=180,
    lane="meta", takes_cell=False, run=run, arguments=arguments,
    details="Executes a template notebook (review, security, performance, or a path) with papermill for "
    "each target, keeps the executed notebook, renders self-contained HTML and writes SARIF and JSON "
    "beside it, and keeps DIR/index.html. --jobs N runs targets in parallel; --dask ADDRESS on a Dask "
    "cluster. A failing gate (-p fail_on LEVEL) exits 1 with the full report written.",
))
