"""``scan``: the vulnerability scan (ruff's security rules, bumba's checks, the dataflow engine, secrets)."""

from __future__ import annotations

from .base import Command, register

# ruff's assert rule (S101) is noise in application and test code alike; bandit users turn it off first.
# S105-S107 flag hardcoded passwords by the variable's name alone (`password_field_name="password2"`):
# on Django they are 378 findings, all false; the secret scanner's BMB230/BMB231 check the value itself.
SECURITY_RUFF_IGNORE = ("S101", "S105", "S106", "S107")

COMMAND = register(Command(
    "scan", "Vulnerability scan: security rules, secrets, dangerous calls.",
    needs="a notebook (the current one by default), a cell body, a file, a folder or a glob", order=10,
    analyzers=("ruff", "security", "dataflow", "secrets"), ruff_select=("S",), ruff_ignore=SECURITY_RUFF_IGNORE,
    details="Runs ruff's security rules (S), bumba's own AST security checks and the secret scanner over "
    "code, notebook outputs and config files.",
    agent_brief="Lane: scan. Hunt for exploitable weaknesses: injection, unsafe deserialisation, secrets, dangerous "
    "calls, missing authorisation. Confirm or dismiss each offline finding that matters.",
))
