"""What a command is given to run: one request, built once by the front end or by ``review()``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..commands import Command
    from ..context.source import Context
    from ..engines.offline import Progress
    from ..settings import Settings
    from ..store import Store


@dataclass
class RunRequest:
    """What a runner command (one that is not an analyzer review) is given."""

    command: Command
    target: str | None
    cell_body: str | None = None
    shell: Any = None
    args: Any = None  # the parsed argparse namespace (the command's own options included)
    overrides: dict[str, Any] = field(default_factory=dict)
    store: Store | None = None
    use_store: bool = True
    progress: Progress | None = None
    context: Context | None = None  # for enrich hooks: what the analyzers reviewed
    settings: Settings | None = None  # for enrich hooks: the effective settings
    events: Any = None  # the Claude engine's listener (core.events.AgentEvents), when a front end streams
