"""The kernel half of the kernel → frontend protocol: ask JupyterLab to go to a place or insert a cell.

A request is a comm opened on the target ``bumba.frontend`` whose open message carries the request:

* ``{"action": "goto", "path": str|null, "line": int|null, "cell": int|null, "cell_id": str|null}`` — open
  the file at the line, or scroll to the notebook cell and highlight it (``path`` is absolute: a kernel
  cannot know the server's root);
* ``{"action": "insert-cell", "code": str, "cell_id": str|null}`` — a new code cell below that cell (or
  below the active one), never executed.

The frontend answers ``{"ok": true}`` or ``{"ok": false, "error": "…"}`` and closes the comm. A frontend
without the target closes the comm without answering, and one without comms never answers; both end in
an unanswered reply after at most ``timeout`` seconds, which the caller turns into a fallback (a link, a
copyable code block). Nothing here blocks: the kernel must stay free to receive the answer.
"""

from __future__ import annotations

import importlib.util
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .display_context import display_context

log = logging.getLogger(__name__)

FRONTEND_TARGET = "bumba.frontend"
DEFAULT_TIMEOUT = 3.0


@dataclass(frozen=True)
class FrontendReply:
    ok: bool
    error: str | None = None
    answered: bool = False  # False: nobody answered (not JupyterLab, or the extension is not installed)


def running_kernel() -> Any:
    """The kernel this code runs in, as the front end told the views (None: a terminal, a plain shell)."""
    return display_context().kernel()


def widgets_available() -> bool:
    """True when an ipywidgets view can be shown: ipywidgets installed and a kernel with comms running."""
    return importlib.util.find_spec("ipywidgets") is not None and running_kernel() is not None


class FrontendRequest:
    """One request to the frontend; ``on_reply`` is called exactly once, from whichever thread settles it."""

    def __init__(self, data: dict[str, Any], on_reply: Callable[[FrontendReply], None],
                 timeout: float = DEFAULT_TIMEOUT) -> None:
        self.data = data
        self.reply: FrontendReply | None = None
        self._on_reply = on_reply
        self._lock = threading.Lock()
        self._settled = threading.Event()
        self._comm = None
        self._timer: threading.Timer | None = None
        if running_kernel() is None:
            self._settle(FrontendReply(False, "no kernel frontend to ask"))
            return
        try:
            from comm import create_comm

            self._timer = threading.Timer(timeout, self._timed_out)
            self._timer.daemon = True
            comm = create_comm(target_name=FRONTEND_TARGET, data=data)
            comm.on_msg(self._received)
            comm.on_close(self._closed)
            self._comm = comm
            self._timer.start()
        except Exception as error:  # noqa: BLE001 — any comm failure means: use the fallback
            self._settle(FrontendReply(False, f"could not open a comm: {error}"))

    def wait(self, timeout: float | None = None) -> FrontendReply | None:
        """For callers on another thread than the kernel's; in a cell this would block the answer."""
        self._settled.wait(timeout)
        return self.reply

    def _received(self, message: dict) -> None:
        content = (message or {}).get("content", {}).get("data") or {}
        ok = content.get("ok") is True
        error = None if ok else str(content.get("error") or "the frontend refused")
        self._settle(FrontendReply(ok, error, answered=True))
        self._close()

    def _closed(self, _message: dict) -> None:
        self._comm = None  # closed by the other side: nothing to close any more
        self._settle(FrontendReply(False, "the frontend does not know bumba's requests (no extension)"))

    def _timed_out(self) -> None:
        self._settle(FrontendReply(False, "the frontend did not answer"))
        self._close()

    def _close(self) -> None:
        comm, self._comm = self._comm, None
        if comm is not None:
            try:
                comm.close()
            except Exception:  # already closed by the frontend
                log.debug("closing the frontend comm failed", exc_info=True)

    def _settle(self, reply: FrontendReply) -> None:
        with self._lock:
            if self.reply is not None:
                return
            self.reply = reply
        if self._timer is not None:
            self._timer.cancel()
        try:
            self._on_reply(reply)
        finally:
            self._settled.set()


def ask_frontend(data: dict[str, Any], on_reply: Callable[[FrontendReply], None],
                 timeout: float = DEFAULT_TIMEOUT) -> FrontendRequest:
    """Send ``data`` to the frontend; ``on_reply`` gets the answer or the reason there was none."""
    return FrontendRequest(data, on_reply, timeout)
