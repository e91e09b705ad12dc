"""``secure``: the scan plus hardening checks (framework settings, auth, crypto, transport)."""

from __future__ import annotations

from .base import Command, register
from .scan import SECURITY_RUFF_IGNORE

COMMAND = register(Command(
    "secure", "Scan plus hardening checks (framework settings, auth, crypto, transport) with fixes.",
    needs="a notebook, a cell body, a file, a folder or a glob", order=20,
    analyzers=("ruff", "security", "dataflow", "hardening", "secrets"), ruff_select=("S",),
    ruff_ignore=SECURITY_RUFF_IGNORE,
    agent_brief="Lane: secure. Do what scan does, then check hardening (framework settings, auth, crypto, "
    "transport) and give a concrete fix for each gap.",
))
