"""Render a report in one of the CLI / ``-o`` formats and write it to a file.

Where ``-o`` points is checked before a review runs (a folder, a path under a file, an empty name), and a
write that fails anyway (a full disk, ``/proc``, a read-only folder) raises ``OutputError`` naming the path
and the reason, so the front end can print the report instead: nothing is lost. A missing folder on the
way to the file is created, as CI jobs expect of ``-o reports/scan.sarif``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from ..core.report import Report
from .html import report_to_html_page
from .text import report_to_text


class OutputError(ValueError):
    """The report (or a command's output folder) cannot be written where the user asked."""


def render(report: Report, fmt: str, *, verbose: bool = False) -> str:
    if fmt == "json":
        return report.to_json()
    if fmt == "sarif":
        return json.dumps(report.to_sarif(), indent=2, ensure_ascii=False)
    if fmt == "markdown":
        return report.to_markdown()
    if fmt == "html":
        return report_to_html_page(report)
    if fmt == "text":
        return report_to_text(report, verbose=verbose)
    raise ValueError(f"unknown format {fmt!r}")


def check_output(path: str | Path) -> Path:
    """The file ``-o`` names, if it can be one: not empty, not a folder, not under a file."""
    if not str(path).strip():
        raise OutputError("-o needs a file name (it is empty)")
    target = Path(path).expanduser()
    try:
        if target.is_dir():
            raise OutputError(f"cannot write the report to {path}: it is a folder; name a file in it, e.g. "
                              f"{target / 'report.html'}")
        for parent in target.parents:
            if parent.exists():
                if not parent.is_dir():
                    raise OutputError(f"cannot write the report to {path}: {parent} is a file, not a folder")
                break
    except OSError as error:  # e.g. a name longer than the file system allows
        raise OutputError(f"cannot write the report to {path}: {error.strerror or error}") from None
    return target


def output_folder(path: str | Path) -> Path:
    """A folder a command writes its files into (``-o DIR``), created if missing; OutputError if it cannot be."""
    folder = Path(path).expanduser()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise OutputError(f"cannot write into {path}: it is not a folder") from None
    except OSError as error:
        raise OutputError(f"cannot create the folder {path}: {error.strerror or error}") from None
    return folder


def write_report(report: Report, path: str | Path, fmt: str) -> Path:
    """Write the report; the folder is created if needed. Returns the absolute path; OutputError when the
    file cannot be written (the report is still in hand: the caller shows it instead)."""
    target = check_output(path)
    text = render(report, fmt) + ("\n" if fmt != "html" else "")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        _write(target, text)
    except OSError as error:
        raise OutputError(f"cannot write the report to {path}: {error.strerror or error}") from None
    return target.resolve()


def _write(target: Path, text: str) -> None:
    """Replace a regular file atomically (a full disk must not leave half a report where the last whole one
    was); write straight into anything else (/dev/null, /dev/stdout), or where no temporary file can be made."""
    data = text.encode("utf-8")
    if target.is_symlink():
        target = target.resolve()  # replace the file the link points at, not the link
    if target.exists() and not target.is_file():
        target.write_bytes(data)
        return
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # the umask applies
    except OSError:
        target.write_bytes(data)  # its error, if any, is the one that explains the problem
        return
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
