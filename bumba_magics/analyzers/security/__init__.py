"""Security checks that ruff's ``S`` rules miss or state too vaguely (BMB101–BMB149).

Ruff flags every ``pickle.loads`` and every string that looks like SQL; these checks follow the value: a
query built with an f-string that *reaches* ``cursor.execute`` (also through a local variable), a fast hash
applied to a *password*, ``random`` used to make a *token*. Each finding says why it matters and, where the
rewrite is obvious, carries the fixed line. Every check is declared with ``@checks.on(...)``
(:class:`..base.Checks`) and runs in the shared one walk: per call node the dispatcher does a dictionary
lookup on the callee's last name and nothing more unless it matches.

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

from ..ast_helpers import (  # noqa: F401  (old import path)
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
from ..base import AstGroupAnalyzer, Findings, call_name, register_analyzer  # noqa: F401  (old import path)
from . import crypto, deserialisation, framework, injection, templates, tls  # noqa: F401  (importing a family registers its checks)
from .crypto import PREDICTABLE_SECRET, WEAK_PASSWORD_HASH, secret_like  # noqa: F401
from .deserialisation import UNSAFE_DESERIALISATION  # noqa: F401
from .dispatch import checks  # noqa: F401
from .facts import Binding, ModuleFacts, at_module_level, module_facts, reaching_bindings  # noqa: F401
from .framework import CORS_WILDCARD_CREDENTIALS, DEBUG_MODE  # noqa: F401
from .injection import EVAL_INPUT, SHELL_INJECTION, SQL_INJECTION  # noqa: F401
from .strings import Built, built_string, value_is_safe  # noqa: F401
from .templates import AUTOESCAPE_OFF, TEMPLATE_INJECTION  # noqa: F401
from .tls import TLS_UNVERIFIED  # noqa: F401


@register_analyzer
class SecurityAnalyzer(AstGroupAnalyzer):
    """Injection, unsafe deserialisation, TLS, debug, CORS and crypto-misuse checks (BMB101–BMB149)."""

    name = "security"
    per_file = True
    version = "1"
