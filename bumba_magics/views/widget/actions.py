"""What the buttons under a finding do: mark it reviewed or reopen it, suppress it with a reason, go to its
place, insert its fix as a new cell; and the export buttons under the list.

Each action asks the view's model to do the work and tells the user what happened, in the view's message
line or in the output under the finding. Going to a place and inserting a fix are requests to JupyterLab;
where nobody answers, the user gets a link or the code to copy instead.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from IPython.display import HTML

from ...core.findings import Finding
from ..frontend import FrontendReply, ask_frontend
from ..html import escape
from .model import ActionError

if TYPE_CHECKING:
    from ipywidgets import Output

    from .view import FindingsView


class FindingActions:
    """The actions of one view; they read the view's current model (``finish`` replaces it)."""

    def __init__(self, view: FindingsView) -> None:
        self.view = view

    def toggle_reviewed(self, finding: Finding | None) -> None:
        if finding is None:
            return
        try:
            if self.view.model.status_of(finding) in ("reviewed", "suppressed"):
                result = self.view.model.reopen(finding)
            else:
                result = self.view.model.mark_reviewed(finding)
        except ActionError as error:
            self.view.say(str(error), error=True)
            return
        self.view.say(f"{finding.rule} at {finding.location.label()}: {result.message}")
        self.view.refresh()

    def suppress(self, finding: Finding | None, reason: str, mode: str) -> None:
        if finding is None:
            return
        try:
            result = self.view.model.suppress(finding, reason, mode)
        except (ActionError, OSError) as error:
            self.view.say(f"not suppressed: {error}", error=True)
            return
        self.view.collapse(finding)
        self.view.say(f"{finding.rule} at {finding.location.label()} suppressed: {result.message}")
        self.view.refresh()

    def goto(self, finding: Finding | None, output: Output) -> None:
        if finding is None:
            return
        output.outputs = ()
        model = self.view.model
        request = model.goto_request(finding)

        def answered(reply: FrontendReply) -> None:
            output.outputs = ()
            if reply.ok:
                output.append_display_data(HTML(f"<span>opened {escape(finding.location.label())}</span>"))
                return
            href = model.relative_link(finding)
            place = escape(finding.location.label())
            line = f"#L{finding.location.line}" if finding.location.line and finding.location.cell is None else ""
            if href:
                link = f'<a href="{escape(quote(href))}{line}" target="_blank">{place}</a>'
            else:
                link = f"<code>{place}</code>"
            reason = f" ({escape(reply.error)})" if reply.error else ""
            output.append_display_data(HTML(f"<span>Go to {link}{reason}</span>"))

        ask_frontend(request, answered, self.view.frontend_timeout)

    def insert_fix(self, finding: Finding | None, output: Output) -> None:
        if finding is None:
            return
        output.outputs = ()
        try:
            request = self.view.model.insert_request(finding)
        except ActionError as error:
            output.append_display_data(HTML(f"<span>{escape(error)}</span>"))
            return

        def answered(reply: FrontendReply) -> None:
            output.outputs = ()
            if reply.ok:
                output.append_display_data(HTML("<span>inserted the fix as a new cell below (not run)</span>"))
                return
            note = ("Copy the fix into a new cell" + (f" — {reply.error}" if reply.error else "")
                    + "; review it before running.")
            output.append_display_data(HTML(f"<div>{escape(note)}</div><pre class=\"bumba-w-fix-code\" "
                                            f"style=\"user-select:all\">{escape(request['code'])}</pre>"))

        ask_frontend(request, answered, self.view.frontend_timeout)

    def export(self, fmt: str) -> None:
        try:
            path = self.view.model.export(fmt, self.view.export_dir)
        except (ActionError, OSError) as error:
            self.view.say(f"export failed: {error}", error=True)
            return
        shown = len(self.view.model.visible())
        href = Path(os.path.relpath(path, Path.cwd())).as_posix()
        self.view.say(f"{shown} finding{'s' if shown != 1 else ''} written to {path}", link=(href, "open"))

