"""The errors a review raises to its caller: each says what happened and carries the report when there is one."""

from __future__ import annotations

from .report import Report


class ReviewError(RuntimeError):
    """A review that could not run (bad target, unavailable engine …). Raised, never printed and swallowed."""


class GateFailed(RuntimeError):
    """The report has findings at or above ``fail_on``. Carries the report so callers can still show it."""

    def __init__(self, report: Report) -> None:
        if report.incomplete:
            message = incomplete_message(report) + ", so the gate failed"
        elif report.run.gate is not None:  # a verdict with reasons (checkpoint budgets)
            failing = [r.removeprefix("FAIL: ") for r in report.metrics.get("reasons", []) if r.startswith("FAIL")]
            message = f"bumba {report.run.command}: the gate failed: {'; '.join(failing) or 'verdict fail'}"
        else:
            reached = report.at_least(report.run.fail_on)
            message = (f"bumba {report.run.command}: {len(reached)} finding(s) at or above "
                       f"'{report.run.fail_on.value}' — the gate failed")
        super().__init__(message)
        self.report = report

    def _render_traceback_(self) -> list[str]:  # IPython shows this instead of a traceback
        return [f"{type(self).__name__}: {self}"]


class ReviewIncomplete(GateFailed):
    """A gate was asked for, and the review did not look at all the code: an analyzer failed on a file, or
    a file was too large to read. A gate cannot pass over code it never read. A GateFailed, so whatever
    stops on a failed gate (papermill, a script) stops on this too."""


def incomplete_message(report: Report, limit: int = 5) -> str:
    """``bumba scan: the review is incomplete: analyzer ruff failed on deep.py: …`` (the first few reasons)."""
    reasons = report.incomplete_reasons()
    more = [f"and {len(reasons) - limit} more"] if len(reasons) > limit else []
    return f"bumba {report.run.command}: the review is incomplete: {'; '.join(reasons[:limit] + more)}"


class AgentFailed(RuntimeError):
    """The Claude engine stopped on an error or an interrupt. The report (offline findings, and whatever the
    agent found before it stopped) is carried so callers show it before raising."""

    def __init__(self, report: Report) -> None:
        super().__init__(f"bumba {report.run.command}: the Claude engine stopped: {report.metrics.get('agent error')}"
                         " — the offline findings are shown")
        self.report = report

    def _render_traceback_(self) -> list[str]:
        return [f"AgentFailed: {self}"]


class CommandFailed(RuntimeError):
    """A command that is not a review ended with a status other than success, after saying why itself
    (``bumba report`` prints each failed report): the CLI exits with ``exit_status``, the magic raises."""

    def __init__(self, message: str, exit_status: int) -> None:
        super().__init__(message)
        self.exit_status = exit_status
