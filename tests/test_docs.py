"""The docs pages are generated from the registries; the committed copies must be current."""

from pathlib import Path

from bumba_magics.docs import generated_pages

DOCS = Path(__file__).resolve().parent.parent / "docs"


def test_committed_docs_match_the_registries():
    for name, text in generated_pages().items():
        committed = (DOCS / name).read_text(encoding="utf-8")
        assert committed == text, f"docs/{name} is stale: run `make docs`"


def test_every_rule_and_command_is_documented():
    pages = generated_pages()
    from bumba_magics.analyzers.base import RULES
    from bumba_magics.commands import catalogue

    for rule in RULES:
        if rule.analyzer != "ruff":
            assert f"{rule.code} {rule.name}" in pages["rules.md"]
    for command in catalogue():
        assert command.name in pages["commands.md"]
