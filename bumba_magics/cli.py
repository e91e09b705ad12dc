"""``bumba COMMAND [TARGET] [options]``: the shell / CI front end. Thin: parse, review, render, exit code.

Exit codes: 0 done (gate passed or none), 1 the gate failed (a finding reached --fail-on, or a checkpoint
budget), 2 usage error (bad arguments, missing path, unknown command, unavailable command or engine), 3 the
review is incomplete: the Claude engine stopped, or a gate was asked for (--fail-on, checkpoint) and an
analyzer failed on a file or a file was too large to read. The report is printed in every case. Without a
gate an incomplete offline review exits 0 (there is nothing to pass or fail), and says what it did not read
on stderr.
"""

from __future__ import annotations

import os
import sys

from .arguments import HelpShown, UsageError, format_for, parse, review_overrides
from .commands import CommandUnavailable, UnknownCommand
from .meta import agents_view, explain_view, help_view, history_view
from .review import ReviewError, review
from .settings import SettingsError
from .store import StoreError
from .views.export import render, write_report

EXIT_OK, EXIT_GATE, EXIT_USAGE = 0, 1, 2
EXIT_INCOMPLETE = 3  # an analyzer or the agent failed, or code was not read; the report is still printed


class _StderrProgress:
    """A progress line on stderr, only when stderr is a terminal (CI logs stay clean)."""

    def __init__(self) -> None:
        self.active = sys.stderr.isatty()
        self.shown = False

    def __call__(self, done: int, total: int, current: str) -> None:
        if self.active and total >= 25:
            sys.stderr.write(f"\r\x1b[Kbumba: {done}/{total} files  {current[-60:]}")
            sys.stderr.flush()
            self.shown = True

    def close(self) -> None:
        if self.shown:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()


def main(argv: list[str] | None = None) -> int:
    try:
        return _main(sys.argv[1:] if argv is None else argv)
    except BrokenPipeError:  # `bumba scan | head`: the reader left; not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


def _main(argv: list[str]) -> int:
    try:
        invocation = parse(argv, prog="bumba")
    except HelpShown:
        return EXIT_OK
    except (UsageError, UnknownCommand) as error:
        print(f"bumba: {error}", file=sys.stderr)
        return EXIT_USAGE
    command, args = invocation.command, invocation.args
    try:
        if command.name == "help":
            print(help_view(args.topic))
            return EXIT_OK
        if command.name == "agents":
            print(agents_view(args.project))
            return EXIT_OK
        if command.name == "explain":
            print(explain_view(args.rule))
            return EXIT_OK
        if command.name == "history":
            print(history_view(args.target, args.limit))
            return EXIT_OK
        if command.name == "report":
            from .reports import main as report_main

            return report_main(args)  # its own 0 / 1 / 2, same meanings
        if command.name == "context":
            from .engines.claude import context_view

            print(context_view(args, overrides=review_overrides(args)))
            return EXIT_OK
        progress = None if getattr(args, "quiet", False) else _StderrProgress()
        target = getattr(args, "target", None)
        try:
            report = review(command, target or (None if command.runner else "."),
                            overrides=review_overrides(args), progress=progress,
                            update_baseline=getattr(args, "update_baseline", False), args=args)
        finally:
            if progress is not None:
                progress.close()
    except (ReviewError, CommandUnavailable, SettingsError, StoreError, KeyError) as error:
        message = error.args[0] if isinstance(error, KeyError) and error.args else str(error)
        print(f"bumba: {message}", file=sys.stderr)
        return EXIT_USAGE
    output = getattr(args, "output", None)
    fmt = format_for(output, getattr(args, "format", None))
    if output:
        path = write_report(report, output, fmt)
        summary = report.summary
        print(f"{summary.total} findings ({', '.join(f'{n} {s}' for s, n in summary.by_severity.items() if n) or 'none'})"
              f"{' — gate ' + summary.gate if summary.gate else ''}")
        print(f"report: {path}")
    else:
        print(render(report, fmt))
    if report.metrics.get("agent error"):
        print(f"bumba: the Claude engine stopped: {report.metrics['agent error']}", file=sys.stderr)
        return EXIT_INCOMPLETE
    if report.incomplete:
        reasons = "".join(f"\n  - {reason}" for reason in report.incomplete_reasons())
        print(f"bumba {report.run.command}: the review is incomplete:{reasons}", file=sys.stderr)
        if report.failed:
            return EXIT_INCOMPLETE
    return EXIT_GATE if report.failed else EXIT_OK


if __name__ == "__main__":  # python -m bumba_magics.cli
    sys.exit(main())
