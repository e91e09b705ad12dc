"""The command catalogue: one module per command, each declaring ``COMMAND = register(Command(...))`` with
its options and its ``run``; ``%bumba help``, the CLI, the sidebar and the docs read the registry.

A new command is a module here (and its tests): importing it below puts it in the catalogue, and every
front end parses, runs and shows it without knowing its name.
"""

from . import (  # noqa: F401 — importing a command module registers it
    agents,
    analyze_technical,
    checkpoint,
    context,
    docs_technical,
    explain,
    help,
    history,
    implement,
    improve,
    improve_performance,
    publish,
    report,
    research_technical,
    scan,
    secure,
    testing,
    validate,
)
from .base import (
    COMMANDS,
    Command,
    CommandUnavailable,
    UnknownCommand,
    catalogue,
    catalogue_rows,
    get_command,
    load_rule_modules,
    register,
    require_available,
)

__all__ = ["COMMANDS", "Command", "CommandUnavailable", "UnknownCommand", "catalogue", "catalogue_rows", "get_command",
           "load_rule_modules", "register", "require_available"]
