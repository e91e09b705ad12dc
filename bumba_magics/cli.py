"""``bumba COMMAND [TARGET] [options]``: the shell / CI front end. Thin: parse, review, render, exit code.

Exit codes: 0 done (gate passed or none), 1 the gate failed (a finding reached --fail-on, or a checkpoint
budget), 2 usage error (bad arguments, missing path, unknown command, unavailable command or engine, a file
or folder that cannot be read or written: one ``bumba: …`` line on stderr), 3 the review is incomplete: the
Claude engine stopped, or a gate was asked for (--fail-on, checkpoint) and an analyzer failed on a file or a
file was too large to read. The report is printed in every case. Without a gate an incomplete offline review
exits 0 (there is nothing to pass or fail), and says what it did not read on stderr. 4 bumba itself failed
(a bug: the traceback is printed so it can be reported).
"""

from __future__ import annotations

import os
import sys
import traceback
import warnings

from .commands import CommandUnavailable, UnknownCommand
from .commands.parser import (
    HelpShown,
    UsageError,
    format_for,
    is_deliberate,
    parse,
    review_overrides,
    usage_message,
)
from .core.report import Report
from .core.request import RunRequest
from .review import CommandFailed, ReviewError, execute
from .settings import SettingsError
from .store import StoreError, StoreWarning
from .views.export import OutputError, check_output, render, write_report

EXIT_OK, EXIT_GATE, EXIT_USAGE = 0, 1, 2
EXIT_INCOMPLETE = 3  # an analyzer or the agent failed, or code was not read; the report is still printed
EXIT_INTERNAL = 4  # a bug in bumba, never a verdict on the code: CI must not read it as a failed gate
# what the user can fix: each becomes one "bumba: …" line and exit 2 (an OSError names its path; a KeyError
# only when it is one of ours, see is_deliberate)
USER_ERRORS = (UsageError, UnknownCommand, ReviewError, CommandUnavailable, SettingsError, StoreError, OutputError,
               KeyError, OSError)


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
    with warnings.catch_warnings():
        show = warnings.showwarning

        def one_line(message, category, *args, **kwargs):  # a moved-aside store is news, not a stack frame
            if issubclass(category, StoreWarning):
                print(f"bumba: warning: {message}", file=sys.stderr)
            else:
                show(message, category, *args, **kwargs)

        warnings.showwarning = one_line
        warnings.simplefilter("always", StoreWarning)
        try:
            return _main(sys.argv[1:] if argv is None else argv)
        except BrokenPipeError:  # `bumba scan | head`: the reader left; not an error of ours
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return EXIT_OK
        except Exception as error:  # noqa: BLE001 — the last line of defence: a bug must not look like a gate
            traceback.print_exc()
            print(f"bumba: internal error: {type(error).__name__}: {error} (a bug in bumba, not in your input; "
                  "the traceback above helps to report it)", file=sys.stderr)
            return EXIT_INTERNAL


def _main(argv: list[str]) -> int:
    try:
        invocation = parse(argv, prog="bumba")
    except HelpShown:
        return EXIT_OK
    except (UsageError, UnknownCommand) as error:
        return _usage(error)
    command, args = invocation.command, invocation.args
    output = getattr(args, "output", None)
    try:
        if output is not None:  # before the review: fail fast, lose no work
            check_output(output)
        progress = None if getattr(args, "quiet", False) or command.describes else _StderrProgress()
        target = getattr(args, "target", None)
        try:
            result = execute(RunRequest(
                command=command, target=target or ("." if command.reviews else None), args=args,
                overrides=review_overrides(args), progress=progress,
                update_baseline=getattr(args, "update_baseline", False),
            ))
        finally:
            if progress is not None:
                progress.close()
    except BrokenPipeError:
        raise  # an OSError, but the reader leaving: main() handles it
    except CommandFailed as error:  # the command has said why on stderr
        return error.exit_status
    except USER_ERRORS as error:
        if not is_deliberate(error):
            raise
        return _usage(error)
    if not isinstance(result, Report):  # a meta command: what it shows, printed as text
        if result is not None:
            print(result)
        return EXIT_OK
    report = result
    fmt = format_for(output, getattr(args, "format", None))
    if output:
        try:
            path = write_report(report, output, fmt)
        except OutputError as error:
            print(render(report, fmt))  # the report is not lost: here it is, in the format asked for
            return _usage(f"{error}; the report is printed on stdout instead")
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


def _usage(error: BaseException | str) -> int:
    message = error if isinstance(error, str) else usage_message(error)
    # argparse's messages start with the program ("bumba scan: argument …"): no second "bumba:"
    print(message if message.startswith("bumba") else f"bumba: {message}", file=sys.stderr)
    return EXIT_USAGE


if __name__ == "__main__":  # python -m bumba_magics.cli
    sys.exit(main())
