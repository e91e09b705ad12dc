"""What ``improve`` does after ruff has run: refactoring suggestions that are ruff's own fixes, shown as
diffs and applied on request.

The command runs the ruff analyzer with a curated set of rule families whose fixes are mechanical rewrites
(pyupgrade ``UP``, simplify ``SIM``, comprehensions ``C4``, ``PERF``, ruff's own ``RUF``, bugbear ``B``);
this enrich hook keeps the findings that come with a fix and adds the whole change as one diff (what
``--apply`` would write). Nothing is written unless ``--apply`` is given; then every file that changes is
copied to ``.bumba-backup/<timestamp>/`` under the review root first, and only the rules shown in the report
are applied (ruff's *safe* fixes; ``--unsafe-fixes`` adds the ones ruff says may change behaviour).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ..analyzers.ruff_bridge import RUFF_TIMEOUT_SECONDS, RuffAnalyzer, RuffError, ruff_binary, target_version
from ..core.errors import ReviewError

if TYPE_CHECKING:
    from ..context.source import Context, Source
    from ..core.findings import Finding
    from ..core.report import Report
    from ..core.request import RunRequest

BACKUP_FOLDER = ".bumba-backup"


def _fixable(finding: Finding) -> bool:
    return finding.fix is not None and bool(finding.fix.code or finding.fix.patch)


def _ruff(args: list[str], *, cwd: Path | None = None, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            [ruff_binary(), *args], input=stdin, capture_output=True, text=True, encoding="utf-8",
            errors="replace", cwd=cwd, timeout=RUFF_TIMEOUT_SECONDS, check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise RuffError(f"could not run ruff: {error}") from error


def _fix_args(codes: list[str], version: str, unsafe: bool) -> list[str]:
    # --isolated: the project's ruff config must not widen what we apply beyond the rules the report shows
    args = ["check", "--isolated", "--no-cache", "--select", ",".join(codes), "--target-version", version]
    return [*args, "--unsafe-fixes"] if unsafe else args


def _on_disk(sources: list[Source]) -> list[Source]:
    return [s for s in sources if s.abspath is not None and s.kind in ("python", "notebook")]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def combined_diff(paths: list[Path], codes: list[str], version: str, root: Path, unsafe: bool = False) -> str:
    """The unified diff of every fix ruff would apply to ``paths`` (``ruff check --diff``: writes nothing)."""
    if not paths or not codes:
        return ""
    completed = _ruff([*_fix_args(codes, version, unsafe), "--diff", "--", *map(os.fspath, paths)], cwd=root)
    if completed.returncode not in (0, 1):  # 1: there is something to fix
        raise RuffError(f"ruff --diff failed (exit {completed.returncode}): {completed.stderr.strip()[:500]}")
    # ruff ends with (or, with nothing to fix, only prints) a "Would fix …" / "No errors would be fixed" line
    lines = completed.stdout.splitlines(keepends=True)
    while lines and not lines[-1].startswith((" ", "+", "-", "@", "\\")):
        lines.pop()
    return "".join(lines) if any(line.startswith("+++ ") for line in lines) else ""


def fixed_text(text: str, codes: list[str], version: str, filename: str = "cell.py") -> str:
    """``text`` with ruff's safe fixes for ``codes`` applied (for a cell body, which has no file)."""
    completed = _ruff([*_fix_args(codes, version, False), "--fix-only", "--exit-zero", "--stdin-filename",
                       filename, "-"], stdin=text)
    if completed.returncode != 0:
        raise RuffError(f"ruff --fix-only failed: {completed.stderr.strip()[:500]}")
    return completed.stdout


def apply_fixes(paths: list[Path], codes: list[str], version: str, root: Path, unsafe: bool = False
                ) -> tuple[list[Path], Path | None]:
    """Back up ``paths``, apply ruff's fixes for ``codes``; returns (changed files, backup folder)."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    backup = root / BACKUP_FOLDER / stamp
    copies, before = {}, {}
    for path in paths:
        relative = os.path.relpath(path, root)
        copies[path] = backup / (relative if not relative.startswith("..") else path.name)
        copies[path].parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, copies[path])
        before[path] = _digest(path)
    # the backups must not be reviewed (or committed) as code of the project
    (root / BACKUP_FOLDER / ".gitignore").write_text("*\n", encoding="utf-8")
    completed = _ruff([*_fix_args(codes, version, unsafe), "--fix", "--exit-zero", "--", *map(os.fspath, paths)],
                      cwd=root)
    if completed.returncode != 0:
        raise RuffError(f"ruff --fix failed (exit {completed.returncode}): {completed.stderr.strip()[:500]}")
    changed = [p for p in paths if _digest(p) != before[p]]
    if not changed:
        shutil.rmtree(backup, ignore_errors=True)
        return [], None
    for path in paths:  # keep only the copies of files that changed
        if path not in changed:
            copies[path].unlink(missing_ok=True)
    return changed, backup


def _remaining(context: Context, paths: list[Path], request: RunRequest) -> list[Finding]:
    """The fixable findings still there after applying (unsafe fixes not applied, fixes that conflicted)."""
    from ..context import files

    fresh = files.collect([os.fspath(p) for p in paths], root=context.root)
    config = request.settings.analyzer_config(
        ruff_select=list(request.command.ruff_select), ruff_ignore=list(request.command.ruff_ignore))
    found = RuffAnalyzer().analyze(fresh, fresh.sources, config)
    return [f for f in found if _fixable(f) and f.severity.at_least(request.settings.min_severity)]


def enrich(request: RunRequest, report: Report) -> None:
    """Keep ruff's fixable findings, show the combined diff, and apply it when ``--apply`` was given."""
    from ..core.report import Artifact

    context = request.context
    if context is not None and not context.python_sources:
        raise ReviewError(f"'improve' rewrites Python code, and {report.run.target or 'the target'} holds none "
                          "(.py files, notebooks or a %%bumba cell)")
    fixable = [f for f in report.findings if _fixable(f)]
    others = [f for f in report.findings if not _fixable(f) and f.analyzer != "ruff"]  # e.g. syntax errors
    dropped = len(report.findings) - len(fixable) - len(others)
    report.findings = fixable + others
    if dropped:
        report.notes.append(f"{dropped} finding(s) without an automatic fix not shown (see 'bumba scan' and "
                            "'bumba analyze-technical' for reviews)")
    safe = [f for f in fixable if "unsafe fix" not in f.fix.description and "display-only" not in f.fix.description]
    report.metrics["fixable"] = len(fixable)
    report.metrics["safe_fixes"] = len(safe)
    report.metrics["unsafe_fixes"] = len(fixable) - len(safe)
    if context is None or not fixable:
        return
    codes = sorted({f.rule for f in fixable})
    version = target_version(request.settings.analyzer_config()) if request.settings else "py311"
    apply = bool(getattr(request.args, "apply", False))
    unsafe = bool(getattr(request.args, "unsafe_fixes", False))

    by_path = {s.path: s for s in context.sources}
    touched = {f.location.path for f in fixable}
    disk = [Path(s.abspath) for s in _on_disk([by_path[p] for p in sorted(touched) if p in by_path])]
    in_memory = [by_path[p] for p in sorted(touched) if p in by_path and by_path[p].abspath is None]

    for source in in_memory:  # a %%bumba cell: show the fixed body; there is no file to write
        fixed = fixed_text(source.cells[0].source if source.cells else source.text, codes, version)
        report.artifacts.append(Artifact(title="the cell with ruff's safe fixes applied", mime="text/x-python",
                                         data=fixed))
        if apply:
            report.notes.append("--apply writes files; a cell body is not a file: copy the fixed cell above")

    if not disk:
        return
    diff = combined_diff(disk, codes, version, context.root, unsafe=unsafe and apply)
    if diff:
        title = "the change --apply writes" if not apply else "the change applied"
        report.artifacts.append(Artifact(title=title, mime="text/x-diff", data=diff))
    if not apply:
        report.notes.append(f"nothing was written; '--apply' writes {len(safe)} safe fix(es)"
                            + (f" ({len(fixable) - len(safe)} more with --unsafe-fixes)" if len(safe) < len(fixable)
                               else "") + ", backing the files up first")
        return
    changed, backup = apply_fixes(disk, codes, version, context.root, unsafe=unsafe)
    report.metrics["files_changed"] = [os.path.relpath(p, context.root) for p in changed]
    if backup is not None:
        report.metrics["backup"] = str(backup)
        report.notes.append(f"applied fixes to {len(changed)} file(s); the originals are in {backup}")
        report.artifacts.extend(Artifact(title=f"changed: {os.path.relpath(p, context.root)}",
                                         mime="application/x-path", path=str(p)) for p in changed)
    else:
        report.notes.append("--apply: ruff had no safe fix to write (use --unsafe-fixes to include unsafe ones)")
    remaining = _remaining(context, disk, request)
    report.findings = remaining + others
    report.metrics["remaining_fixable"] = len(remaining)
