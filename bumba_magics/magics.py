"""``%bumba`` and ``%%bumba``: the notebook front end. Thin: parse, call ``review``, display, raise.

Errors are raised as IPython ``UsageError`` (a short message, no traceback) so a failing review fails a
papermill run, and the kernel always survives. What the user can fix (a bad option, a missing or unreadable
path, a damaged pyproject, an ``-o`` that cannot be written) is a ``UsageError``; a failed gate is
``GateFailed``, a stopped agent ``AgentFailed`` (both after the report is shown); anything else is a bug in
bumba and is raised as ``BumbaInternalError`` with the original traceback chained.
"""

from __future__ import annotations

import dataclasses
import logging
import sys
import time
import warnings
from pathlib import Path

from IPython.core.error import UsageError
from IPython.core.magic import Magics, line_cell_magic, magics_class, no_var_expand
from IPython.display import display
from IPython.utils.text import DollarFormatter
from traitlets import Bool, Enum, Float, Int, Unicode

from .commands import CommandUnavailable, UnknownCommand
from .commands.parser import (
    HelpShown,
    Invocation,
    catalogue_text,
    format_for,
    is_deliberate,
    parse,
    review_overrides,
    usage_message,
)
from .commands.parser import UsageError as ArgumentsError
from .core.findings import Severity
from .core.report import Report
from .core.request import RunRequest
from .review import AgentFailed, CommandFailed, GateFailed, ReviewError, ReviewIncomplete, execute
from .settings import SettingsError, load_settings
from .store import Store, StoreError, StoreWarning
from .views.display_context import DisplayContext, use_display_context
from .views.export import OutputError, check_output, write_report

_SEVERITIES = [s.value for s in Severity]
# what the user can fix: each becomes a UsageError (an OSError names its path; a KeyError only when it is
# one of ours, see is_deliberate)
_USER_ERRORS = (ArgumentsError, UnknownCommand, ReviewError, CommandUnavailable, SettingsError, StoreError,
                OutputError, KeyError, OSError)

log = logging.getLogger(__name__)


MAX_LINE_CHARS = 10_000  # IPython's $var expansion is quadratic in the line: a 100k-character line took a minute


class BumbaInternalError(RuntimeError):
    """A review failed inside bumba (a bug, not the user's input); the original traceback is chained."""


class _ProgressLine:
    """A one-line progress display that updates in place and disappears when the work is done."""

    MIN_FILES = 25  # small reviews finish before a progress line would be readable

    def __init__(self) -> None:
        self.handle = None
        self.started = time.monotonic()

    def __call__(self, done: int, total: int, current: str) -> None:
        if total < self.MIN_FILES:
            return
        width = 30
        filled = int(width * done / max(total, 1))
        text = f"bumba: [{'#' * filled}{'.' * (width - filled)}] {done}/{total} files  {current}"
        bundle = {"text/plain": text}
        if self.handle is None:
            self.handle = display(bundle, raw=True, display_id=True)
        else:
            self.handle.update(bundle, raw=True)

    def close(self) -> None:
        if self.handle is not None:
            self.handle.update({"text/plain": ""}, raw=True)


def _baseline_setting(root: Path) -> str | None:
    """The ``[tool.bumba] baseline`` of the project at ``root``: where the widget's Suppress writes."""
    try:
        return load_settings(root).baseline
    except SettingsError:
        return None


def _progress():
    """A progress bar widget in a kernel with ipywidgets, else the text line."""
    from .views.frontend import widgets_available

    if widgets_available():
        from .views.widget import ProgressView

        return ProgressView()
    return _ProgressLine()


@magics_class
class BumbaMagics(Magics):
    """Settings for ``%bumba``; change them with ``%config BumbaMagics.<name> = value``.

    Unset settings (None) fall back to ``[tool.bumba]`` in the target's pyproject.toml, then to defaults.
    """

    engine = Unicode(None, allow_none=True,
                     help="Which engine reviews: auto (offline unless an agent is available), offline, claude, or "
                          "an installed engine.").tag(config=True)
    severity = Enum(_SEVERITIES, default_value=None, allow_none=True,
                    help="Show only findings at or above this severity.").tag(config=True)
    fail_on = Enum(_SEVERITIES, default_value=None, allow_none=True,
                   help="Raise after showing the report when a finding reaches this severity, or when the "
                        "review is incomplete (fails a papermill run).").tag(config=True)
    agent = Unicode(None, allow_none=True, help="Agent name or path of an agent file.").tag(config=True)
    store_path = Unicode(None, allow_none=True,
                         help="SQLite file for run history and caches (default ~/.local/share/bumba/bumba.sqlite, "
                              "or $BUMBA_STORE).").tag(config=True)
    max_file_bytes = Int(None, allow_none=True, help="Skip files larger than this.").tag(config=True)
    include_repo = Bool(None, allow_none=True,
                        help="A notebook review also reviews the repository the notebook sits in.").tag(config=True)
    cache = Bool(None, allow_none=True, help="Reuse per-file results for unchanged files.").tag(config=True)
    show_progress = Bool(True, help="Show a progress line on long reviews.").tag(config=True)
    api_key = Unicode(None, allow_none=True,
                      help="Anthropic API key for the Claude engine (default: $ANTHROPIC_API_KEY).").tag(config=True)
    model = Unicode(None, allow_none=True, help="Model for the Claude engine: sonnet, opus, haiku or an id.").tag(
        config=True)
    max_turns = Int(None, allow_none=True, help="Stop the agent after this many turns.").tag(config=True)
    max_cost = Float(None, allow_none=True, help="Stop the agent before its estimated cost passes this (USD).").tag(
        config=True)
    base_url = Unicode(None, allow_none=True, help="API endpoint (a proxy); $ANTHROPIC_BASE_URL works too.").tag(
        config=True)
    context_tokens = Int(None, allow_none=True, help="Token budget of the context sent to the agent.").tag(
        config=True)
    include_values = Bool(None, allow_none=True,
                          help="Let the agent see (redacted) variable values, not only types and shapes.").tag(
        config=True)

    def __init__(self, shell=None, **kwargs):
        super().__init__(shell=shell, **kwargs)
        if shell is not None and self not in shell.configurables:
            shell.configurables.append(self)  # makes %config BumbaMagics list and set these traits
        self._store: Store | None = None
        # a report displayed from now on (Report._repr_mimebundle_) gets its widget's history and baseline here
        use_display_context(DisplayContext(kernel=lambda: getattr(shell, "kernel", None),
                                           store=self._display_store, baseline_setting=_baseline_setting))

    def _display_store(self) -> Store | None:
        try:
            return self._get_store()
        except StoreError as error:
            log.warning("findings view without triage history: %s", error)
            return None

    def _get_store(self) -> Store | None:
        if self._store is None or (self.store_path and str(self._store.path) != self.store_path):
            self._store = Store(self.store_path or None)
        return self._store

    def _review_store(self) -> tuple[Store | None, str | None]:
        """The store for a review, or None and why: history is a convenience, the review runs without it."""
        try:
            return self._get_store(), None
        except StoreError as error:
            return None, f"{error}; this run is not stored"

    @line_cell_magic
    @no_var_expand  # expanded below, after the length check
    def bumba(self, line: str, cell: str | None = None):
        if len(line) > MAX_LINE_CHARS:
            raise UsageError(f"%bumba: the line is {len(line):,} characters long; the limit is {MAX_LINE_CHARS:,}")
        line = self._expand(line)
        if cell is not None:
            # lone surrogates (a cell from JSON with "\ud800") cannot be written to a file or a tool; one '?'
            # each keeps every line and column where it was
            cell = cell.encode("utf-8", "replace").decode("utf-8")
        notes: list[str] = []
        with warnings.catch_warnings():
            show = warnings.showwarning

            def one_line(message, category, *args, **kwargs):  # a moved-aside store: said once, and in the report
                if issubclass(category, StoreWarning):
                    print(f"bumba: warning: {message}", file=sys.stderr)
                    notes.append(str(message))
                else:
                    show(message, category, *args, **kwargs)

            warnings.showwarning = one_line
            warnings.simplefilter("always", StoreWarning)
            result = self._run(line, cell)
        if isinstance(result, Report):
            result.notes.extend(note for note in notes if note not in result.notes)
        return result

    def _expand(self, line: str) -> str:
        """``$name`` and ``{expression}`` from the user's namespace, as IPython does for every magic."""
        if "$" not in line and "{" not in line:
            return line
        try:
            return DollarFormatter().vformat(line, args=[], kwargs=self.shell.user_ns if self.shell else {})
        except Exception:  # noqa: BLE001 — IPython's rule: what cannot be expanded stays as typed
            return line

    def _run(self, line: str, cell: str | None):
        try:
            invocation = parse(line, prog="%bumba")
        except HelpShown:
            return None
        except (ArgumentsError, UnknownCommand) as error:
            raise UsageError(str(error)) from None
        try:
            return self._dispatch(invocation, cell)
        except (GateFailed, AgentFailed, UsageError):  # ReviewIncomplete is a GateFailed
            raise
        except Exception as error:
            if isinstance(error, _USER_ERRORS) and is_deliberate(error):
                raise UsageError(usage_message(error)) from None
            # not the user's: say so, and keep the traceback for the bug report
            raise BumbaInternalError(f"bumba {invocation.command.name} failed inside bumba: "
                                     f"{type(error).__name__}: {error} (a bug, not your input)") from error

    def _dispatch(self, invocation: Invocation, cell: str | None):
        command, args = invocation.command, invocation.args
        if cell is not None and not command.takes_cell and not command.describes:
            raise UsageError(f"'%%bumba {command.name}' does not take a cell body; use '%bumba {command.name}'")
        output = getattr(args, "output", None)
        if output is not None:
            check_output(output)  # before the review: fail fast, lose no work

        overrides = {
            "engine": self.engine, "min_severity": self.severity, "fail_on": self.fail_on, "agent": self.agent,
            "max_file_bytes": self.max_file_bytes, "include_repo": self.include_repo, "cache": self.cache,
        }
        overrides.update({
            "api_key": self.api_key, "model": self.model, "max_turns": self.max_turns, "max_cost": self.max_cost,
            "base_url": self.base_url, "context_tokens": self.context_tokens, "include_values": self.include_values,
        })
        overrides.update({k: v for k, v in review_overrides(args).items() if v is not None})
        store, store_note = self._review_store()
        request = RunRequest(command=command, target=getattr(args, "target", None), args=args, shell=self.shell,
                             cell_body=cell if cell and cell.strip() else None, overrides=overrides,
                             update_baseline=getattr(args, "update_baseline", False), store=store,
                             use_store=store is not None)
        if command.describes:
            try:
                return execute(request)
            except CommandFailed as error:  # papermill ran each report in its own kernel; this one only waited
                raise UsageError(str(error)) from None
        progress = _progress() if self.show_progress and not getattr(args, "quiet", False) else None
        stream = None if getattr(args, "quiet", False) else _agent_stream(command.name, getattr(args, "target", None))
        try:
            report = execute(dataclasses.replace(request, progress=progress, events=stream))
        finally:
            if progress is not None:
                progress.close()
            if stream is not None and hasattr(stream, "close"):
                stream.close()
        if store_note:
            report.notes.append(store_note)
        if output:
            try:
                path = write_report(report, output, format_for(output, getattr(args, "format", None), "html"))
            except OutputError as error:
                display(report)  # nothing is lost: the report is shown, then the error
                raise UsageError(f"{error}; the report is shown above instead") from None
            report.notes.append(f"report written to {path}")
        if report.metrics.get("agent error"):  # interrupted or failed: the offline findings, then the error
            display(report)
            raise AgentFailed(report)
        if report.failed:
            display(report)
            raise ReviewIncomplete(report) if report.incomplete else GateFailed(report)
        return report


def _agent_stream(command: str, target: str | None):
    """Where the Claude engine's narrative and findings appear while it works: the findings widget when
    widgets can render here, else a text display updated in place."""
    from .views.frontend import widgets_available

    if widgets_available():
        from .core.report import RunInfo
        from .views.widget import StreamingView

        return StreamingView(RunInfo(command=command, target=target or "this notebook", engine="claude"))
    from .views.agent_stream import AgentStream

    return AgentStream(display)


def _catalogue_doc() -> str:
    return (
        "Review the notebook, a cell, or a path with a backend engineer's eye.\n\n"
        "Usage:\n"
        "  %bumba COMMAND [TARGET] [options]      review TARGET (default: this notebook + its repository)\n"
        "  %%bumba COMMAND [options]              review the cell body\n"
        "  report = %bumba scan                   the Report: report.to_dataframe(), report.to_sarif()\n"
        "  %bumba COMMAND --help                  a command's options\n\n"
        f"{catalogue_text()}\n\n"
        "Settings: %config BumbaMagics (engine, severity, fail_on, agent, store_path, max_file_bytes, …)\n"
        "or [tool.bumba] in pyproject.toml."
    )


BumbaMagics.bumba.__doc__ = _catalogue_doc()
