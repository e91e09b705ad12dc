"""Rules: what a finding means, declared once with ``rule(...)`` next to the check that reports it.

A rule is data (code, severity, why, what to do, a bad and a good example). ``RULES`` holds every rule we
own by code; docs/rules.md and ``%bumba explain`` are generated from it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from .findings import Category, Severity


@dataclass(frozen=True)
class Rule:
    code: str  # stable id, e.g. BMB101
    name: str  # kebab-case slug, e.g. sql-string-formatting
    title: str  # default one-line title of a finding
    severity: Severity
    category: Category
    why: str
    recommendation: str
    analyzer: str
    references: tuple[str, ...] = ()
    # ruff codes this rule reports more precisely; a ruff finding with one of these codes on the same line as
    # ours is dropped as a duplicate (ours says more: why, fix, the password/credential context …)
    supersedes: tuple[str, ...] = ()
    example_bad: str = ""  # shown on the rule's docs page
    example_good: str = ""


class RuleRegistry:
    """Every rule we own, by code. The docs page and ``%bumba explain`` are generated from it."""

    def __init__(self) -> None:
        self._rules: dict[str, Rule] = {}

    def add(self, rule: Rule) -> Rule:
        existing = self._rules.get(rule.code)
        if existing is not None and existing != rule:
            raise ValueError(f"rule code {rule.code} registered twice ({existing.name}, {rule.name})")
        self._rules[rule.code] = rule
        return rule

    def get(self, code: str) -> Rule | None:
        return self._rules.get(code.upper())

    def by_name(self, name: str) -> Rule | None:
        return next((r for r in self._rules.values() if r.name == name), None)

    def __iter__(self) -> Iterator[Rule]:
        return iter(sorted(self._rules.values(), key=lambda r: r.code))

    def __len__(self) -> int:
        return len(self._rules)


RULES = RuleRegistry()


def rule(
    code: str, name: str, title: str, severity: Severity, *, category: Category, analyzer: str, why: str,
    recommendation: str, references: Iterable[str] = (), supersedes: Iterable[str] = (), bad: str = "",
    good: str = "",
) -> Rule:
    """Declare and register a rule: the one way to add one (analyzers, measuring commands, docs, publish).

    ``bad`` and ``good`` are the examples the docs page shows: code the rule flags and what to write instead.
    """
    return RULES.add(Rule(
        code=code, name=name, title=title, severity=severity, category=category, why=why,
        recommendation=recommendation, analyzer=analyzer, references=tuple(references),
        supersedes=tuple(supersedes), example_bad=bad, example_good=good,
    ))
