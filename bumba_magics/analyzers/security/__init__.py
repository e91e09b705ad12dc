"""Security checks that ruff's ``S`` rules miss or state too vaguely (BMB101–BMB149).

Ruff flags every ``pickle.loads`` and every string that looks like SQL; these checks follow the value: a
query built with an f-string that *reaches* ``cursor.execute`` (also through a local variable), a fast hash
applied to a *password*, ``random`` used to make a *token*. Each finding says why it matters and, where the
rewrite is obvious, carries the fixed line. All checks run in the shared one-walk dispatcher: per call node
they do a dictionary lookup on the callee's last name and nothing more unless it matches.

One module per family of checks; importing this package registers them all:

- :mod:`.injection` — SQL, shell commands and eval/exec built from variable values
- :mod:`.templates` — HTML autoescaping off, template source built from input
- :mod:`.framework` — debug mode on, CORS open to every origin with credentials
- :mod:`.crypto` — fast hashes for passwords, ``random`` for tokens
- :mod:`.tls` — certificate and hostname verification off
- :mod:`.deserialisation` — pickle-based formats and unsafe yaml loaders

They share :mod:`.facts` (what a module binds, which bindings reach a line), :mod:`.strings` (strings built
by formatting) and the node helpers of :mod:`..ast_helpers`.
"""

from __future__ import annotations

import ast

from ..ast_helpers import (  # noqa: F401  (old import path: hardening and callers imported these from here)
    argument,
    assignment_targets,
    call_with,
    const_str,
    has_double_star,
    identifiers,
    is_const,
    keyword,
    keyword_value,
    last_name,
    name_tokens,
    py_str,
    rewrite,
    segment,
    strings_in,
)
from ..base import (  # noqa: F401
    CHECKS,
    AstGroupAnalyzer,
    CallChecks,
    Finding,
    Findings,
    NodeContext,
    call_name,
    register_analyzer,
)
from . import crypto, deserialisation, framework, injection, templates, tls  # noqa: F401  (importing a family registers its checks)
from .crypto import PREDICTABLE_SECRET, WEAK_PASSWORD_HASH, secret_like  # noqa: F401
from .deserialisation import UNSAFE_DESERIALISATION  # noqa: F401
from .dispatch import calls  # noqa: F401
from .facts import Binding, ModuleFacts, at_module_level, module_facts, reaching_bindings  # noqa: F401
from .framework import CORS_WILDCARD_CREDENTIALS, DEBUG_MODE  # noqa: F401
from .injection import EVAL_INPUT, SHELL_INJECTION, SQL_INJECTION  # noqa: F401
from .strings import Built, built_string, value_is_safe  # noqa: F401
from .templates import AUTOESCAPE_OFF, TEMPLATE_INJECTION  # noqa: F401
from .tls import TLS_UNVERIFIED  # noqa: F401

# Assignments: one check, dispatched to the families' assignment checks
_ASSIGNMENT_CHECKS = [framework._check_debug_assignment, tls._check_tls_assignment, framework._check_django_cors]


@CHECKS.register("security", ast.Assign, ast.AnnAssign)
def check_assignments(node: ast.AST, ctx: NodeContext) -> Findings:
    findings: list[Finding | None] = []
    for target in assignment_targets(node):
        for check in _ASSIGNMENT_CHECKS:
            findings.extend(check(node, target, ctx))  # type: ignore[arg-type]
    return findings


@register_analyzer
class SecurityAnalyzer(AstGroupAnalyzer):
    """Injection, unsafe deserialisation, TLS, debug, CORS and crypto-misuse checks (BMB101–BMB149)."""

    name = "security"
    per_file = True
    version = "1"
