"""Suppressions, read and written in one place: the baseline file (fingerprints a project accepts) and the
``# bumba: ignore`` / ``# bumba: ignore[RULE, …]`` comment on a finding's line.

The review reads both, the findings widget writes both; one module keeps the file name, its format and the
comment's grammar from drifting apart.
"""

from __future__ import annotations

import ast
import io
import json
import os
import re
import shutil
import tokenize
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..analyzers.parsing import parse_module
from ..context.confine import Refused, confine, confine_for_writing, read_bytes
from .errors import ReviewError
from .findings import Finding

if TYPE_CHECKING:
    from ..context.source import Source

BASELINE_FILE = "bumba-baseline.json"  # the baseline a review reads when [tool.bumba] names none
BASELINE_MAX_BYTES = 64 * 2**20  # ~300,000 accepted findings: past that it is not a baseline we wrote
BACKUP_SUFFIX = ".bumba-bak"  # the copy of a file kept before an inline comment is written into it

_IGNORE = re.compile(r"#\s*bumba:\s*ignore(\[[^\]]*\])?")


class SuppressionError(ReviewError):
    """A baseline that cannot be read or written, or an inline comment that cannot be placed."""


# ------------------------------------------------------------------------------------------------ baseline


def baseline_path(root: Path, configured: str | None = None) -> Path:
    """Where the baseline of the project at ``root`` is: ``[tool.bumba] baseline``, else the default name."""
    return root / (configured or BASELINE_FILE)


def baseline_path_for_writing(root: Path, configured: str | None = None) -> Path:
    """The baseline path, refused when it leads out of ``root`` (a link) or is not a regular file."""
    path = baseline_path(root, configured)
    try:
        return confine_for_writing(path, root)
    except Refused as refused:
        raise SuppressionError(f"{path}: baseline not changed: {refused.reason}") from None


def _entry(finding: Finding) -> dict[str, Any]:
    return {"fingerprint": finding.fingerprint, "rule": finding.rule, "path": finding.location.path,
            "title": finding.title}


def _empty_baseline() -> dict[str, Any]:
    return {"version": 1, "created": datetime.now(UTC).isoformat(timespec="seconds"), "findings": []}


def write_baseline(path: Path, findings: list[Finding], root: Path) -> None:
    """Replace the baseline with ``findings`` (``--update-baseline``)."""
    data = {**_empty_baseline(), "findings": [_entry(f) for f in findings]}
    try:
        target = confine_for_writing(path, root)
    except Refused as refused:
        raise SuppressionError(f"{path}: baseline not written: {refused.reason}") from None
    target.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def read_baseline(path: Path, root: Path) -> set[str] | None:
    """The fingerprints a baseline accepts; None when there is no baseline file."""
    if not os.path.lexists(path):
        return None
    try:
        raw = read_bytes(confine(path, root, max_bytes=BASELINE_MAX_BYTES).path, BASELINE_MAX_BYTES)
        data = json.loads(raw.decode("utf-8"))
        return {entry["fingerprint"] for entry in data["findings"]}
    except Refused as refused:
        raise SuppressionError(f"{path}: baseline not read: {refused.reason}") from None
    except (OSError, ValueError, KeyError, TypeError, RecursionError) as error:
        raise SuppressionError(f"{path}: not a bumba baseline file ({error})") from None


def add_to_baseline(path: Path, findings: Iterable[Finding], reason: str | None = None) -> Path:
    """Add findings to a baseline file (created when missing), keeping every entry already in it."""
    data = _empty_baseline()
    if path.is_file():
        try:
            data = json.loads(read_bytes(path, BASELINE_MAX_BYTES).decode("utf-8"))
            entries = data["findings"]
            if not isinstance(entries, list):
                raise TypeError("'findings' is not a list")
        except (OSError, ValueError, KeyError, TypeError, RecursionError, Refused) as error:
            raise SuppressionError(f"{path}: not a bumba baseline file ({error}); not changed") from None
    known = {entry.get("fingerprint") for entry in data["findings"] if isinstance(entry, dict)}
    for finding in findings:
        if finding.fingerprint in known:
            continue
        entry = _entry(finding)
        if reason:
            entry["reason"] = reason
        data["findings"].append(entry)
        known.add(finding.fingerprint)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    return path


# ------------------------------------------------------------------------------------------ inline comment


def is_suppressed_inline(finding: Finding, source: Source | None) -> bool:
    """``# bumba: ignore`` or ``# bumba: ignore[BMB101, S608]`` on the finding's line."""
    if source is None or finding.location.line is None:
        return False
    if finding.location.cell is not None:
        cell = source.cell(finding.location.cell)
        cell_lines = cell.source.splitlines() if cell else []
        line = cell_lines[finding.location.line - 1] if finding.location.line <= len(cell_lines) else ""
    else:
        line = source.line_text(finding.location.line)
    marker = line.find("bumba: ignore")
    if marker < 0 or "#" not in line[:marker]:
        return False
    rest = line[marker + len("bumba: ignore"):]
    if not rest.startswith("["):
        return True
    codes = {c.strip().upper() for c in rest[1:rest.find("]")].split(",")} if "]" in rest else set()
    return finding.rule.upper() in codes


def write_inline_ignore(path: Path, line: int, rule: str) -> Path:
    """Put ``# bumba: ignore[RULE]`` at the end of ``line`` of a Python file; returns the backup's path.

    The edit is refused unless the file still parses to the same syntax tree afterwards — a comment added
    inside a multi-line string or after a line continuation would change the program.
    """
    raw = path.read_bytes()
    with io.BytesIO(raw) as stream:
        encoding, _ = tokenize.detect_encoding(stream.readline)
    text = raw.decode(encoding)
    lines = text.splitlines(keepends=True)
    if not 1 <= line <= len(lines):
        raise SuppressionError(f"{path} has no line {line} (it changed since the review); re-run the review")
    body = lines[line - 1]
    ending = body[len(body.rstrip("\r\n")):]
    content = body.rstrip("\r\n")
    existing = _IGNORE.search(content)
    if existing and existing.group(1) is None:
        raise SuppressionError(f"{path}:{line} already ignores every rule")
    if existing:
        codes = [c.strip() for c in existing.group(1)[1:-1].split(",") if c.strip()]
        if rule.upper() in {c.upper() for c in codes}:
            raise SuppressionError(f"{path}:{line} already ignores {rule}")
        content = content[:existing.start()] + f"# bumba: ignore[{', '.join([*codes, rule])}]" + content[existing.end():]
    else:
        content = f"{content}  # bumba: ignore[{rule}]"
    lines[line - 1] = content + ending
    new_text = "".join(lines)
    try:
        same = ast.dump(parse_module(text)) == ast.dump(parse_module(new_text))
    except SyntaxError:
        same = False
    if not same:
        raise SuppressionError(f"a comment on {path}:{line} would change the code (a string or a continued "
                               "line); suppress it in the baseline instead")
    backup = path.with_name(path.name + BACKUP_SUFFIX)
    shutil.copy2(path, backup)
    path.write_bytes(new_text.encode(encoding))
    return backup
