"""The rules catalogue as Markdown, generated from the registry so a rule is never described twice.

``rules_markdown(RULES)`` is the docs page; ``explain_rule`` is the one section ``%bumba explain`` shows.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

from ..core.findings import Category
from ..core.rules import RULES, Rule
from .markdown import md_cell, md_escape, md_fence, md_reference

_NOT_SLUG = re.compile(r"[^\w\- ]")


def anchor(heading: str) -> str:
    """The anchor GitHub and most Markdown renderers give a heading: lower case, punctuation dropped."""
    return _NOT_SLUG.sub("", heading.strip().lower()).replace(" ", "-")


def rule_heading(rule: Rule) -> str:
    return f"{rule.code} {rule.name}"


def _category_title(category: Category) -> str:
    return category.value.capitalize()


def _facts_table(rule: Rule) -> list[str]:
    rows = [
        ("Severity", rule.severity.value),
        ("Category", rule.category.value),
        ("Analyzer", rule.analyzer),
    ]
    if rule.supersedes:
        rows.append(("Replaces ruff", ", ".join(rule.supersedes)))
    return ["| | |", "|---|---|"] + [f"| {label} | {md_cell(value)} |" for label, value in rows]


def rule_section(rule: Rule, level: int = 2) -> str:
    """One rule: heading ``## BMB101 sql-string-formatting``, its facts, why, what to do, examples."""
    sub = "#" * (level + 1)
    lines = [f"{'#' * level} {rule_heading(rule)}", "", f"**{md_escape(rule.title)}**", ""]
    lines += _facts_table(rule) + [""]
    lines += [f"{sub} Why it matters", "", md_escape(rule.why), ""]
    lines += [f"{sub} What to do", "", md_escape(rule.recommendation), ""]
    if rule.example_bad or rule.example_good:
        lines += [f"{sub} Example", ""]
        if rule.example_bad:
            lines += ["Flagged:", "", md_fence(rule.example_bad, "python"), ""]
        if rule.example_good:
            lines += ["Instead:", "", md_fence(rule.example_good, "python"), ""]
    if rule.references:
        lines += [f"{sub} References", ""] + [f"- {md_reference(r)}" for r in rule.references] + [""]
    return "\n".join(lines).rstrip() + "\n"


def _by_category(rules: Iterable[Rule]) -> dict[Category, list[Rule]]:
    groups: dict[Category, list[Rule]] = defaultdict(list)
    for rule in sorted(rules, key=lambda r: r.code):
        groups[rule.category].append(rule)
    # Categories in the order the Category enum declares them: security first, review notes last.
    return {category: groups[category] for category in Category if category in groups}


def rules_markdown(rules: Iterable[Rule] = RULES) -> str:
    """The whole catalogue: a table of contents, then every rule grouped by category."""
    groups = _by_category(rules)
    total = sum(len(group) for group in groups.values())
    lines = [
        "# Rules",
        "",
        f"{total} rules, generated from the rule registry. Findings from ruff keep ruff's own codes.",
        "",
        "## Contents",
        "",
    ]
    for category, group in groups.items():
        lines.append(f"- [{_category_title(category)}](#{anchor(_category_title(category))}) ({len(group)})")
        for rule in group:
            heading = rule_heading(rule)
            lines.append(f"  - [{heading}](#{anchor(heading)}): {md_escape(rule.title)}")
    lines.append("")
    for category, group in groups.items():
        lines += [f"# {_category_title(category)}", ""]
        lines += [rule_section(rule) for rule in group]
    return "\n".join(lines).rstrip() + "\n"


def explain_rule(rule: Rule | str) -> str:
    """Markdown for one rule, by Rule or by code (``BMB101``) or name (``sql-string-formatting``)."""
    if isinstance(rule, str):
        found = RULES.get(rule.strip()) or RULES.by_name(rule.strip().lower())
        if found is None:
            raise KeyError(f"unknown rule {rule!r}: not a bumba rule code or name")
        rule = found
    return rule_section(rule)
