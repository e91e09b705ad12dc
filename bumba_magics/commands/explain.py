"""``explain RULE``: why a rule matters, what to do, a bad and a good example (ours and ruff's)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from ..core.rules import RULES
from ..views.markdown import Markdown
from .base import Command, load_rule_modules, register

if TYPE_CHECKING:
    from ..core.request import RunRequest


class UnknownRule(KeyError):
    """``explain`` of a code no rule has (a KeyError of ours: the front ends show it as a usage error)."""


def arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("rule", help="a rule code, e.g. BMB101 or S608")


def run(request: RunRequest) -> Markdown:
    # every analyzer and the ruff bridge: imported when a rule is explained, not when %load_ext builds the catalogue
    from ..analyzers.ruff_bridge import explain_ruff_rule
    from ..engines.offline import load_builtin_analyzers
    from ..views.rules_doc import explain_rule

    code = request.args.rule
    load_builtin_analyzers()
    load_rule_modules()
    rule = RULES.get(code)
    if rule is not None:
        return Markdown(explain_rule(rule))
    text = explain_ruff_rule(code.upper())
    if text:
        return Markdown(text)
    raise UnknownRule(f"unknown rule {code!r}: 'bumba help' lists commands; docs/rules.md lists bumba's rules")


COMMAND = register(Command("explain", "Explain a rule: why it matters, what to do, examples.",
                           needs="a rule code, e.g. BMB101", order=150, lane="meta", takes_cell=False,
                           run=run, arguments=arguments))
