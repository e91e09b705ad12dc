"""What a command is given to run: one request, built once by the front end or by ``review()``."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from IPython.core.interactiveshell import InteractiveShell

    from ..commands.base import Command
    from ..context.source import Context
    from ..engines.offline import Progress
    from ..settings import Settings
    from ..store import Store
    from .events import AgentEvents
    from .report import Report


@dataclass
class RunRequest:
    """One run of a command, as the front end asked for it; a command's ``run`` and ``enrich`` are given it."""

    command: Command
    target: str | None
    cell_body: str | None = None
    shell: InteractiveShell | None = None  # the notebook's, when a magic runs the command
    args: argparse.Namespace | None = None  # the parsed command line (the command's own options included)
    overrides: dict[str, Any] = field(default_factory=dict)  # settings given for this run (None: not given)
    store: Store | None = None
    use_store: bool = True
    progress: Progress | None = None
    events: AgentEvents | None = None  # the Claude engine's listener, when a front end streams
    update_baseline: bool = False
    # the settings to start from (None: [tool.bumba] and the defaults); an enrich hook is given the ones in effect
    settings: Settings | None = None
    context: Context | None = None  # for enrich hooks: what the analyzers reviewed
    # how a command chains a review of its own (``test security URL PATH`` reviews PATH with secure): the
    # review layer hands itself in, so no command imports the layer above it
    review: Callable[..., Report] | None = None
