import pytest

from bumba_magics.commands import (
    COMMANDS,
    Command,
    CommandUnavailable,
    UnknownCommand,
    get_command,
    require_available,
)
from bumba_magics.commands.parser import HelpShown, UsageError, format_for, parse, review_overrides
from bumba_magics.findings import Severity


def test_every_design_command_is_in_the_catalogue():
    for name in ["scan", "secure", "analyze-technical", "analyze", "improve-performance", "improve", "validate",
                 "test", "docs-technical", "docs", "publish", "checkpoint", "research-technical", "implement"]:
        assert get_command(name)


def test_available_commands_of_this_release():
    available = {c.name for c in COMMANDS.values() if c.available and c.analyzers}
    assert available == {"scan", "secure", "analyze-technical", "improve-performance", "checkpoint", "improve"}
    assert get_command("analyze").name == "analyze-technical"


def test_unavailable_command_refuses_with_reason():
    pending = Command("someday", "Not built yet.", needs="nothing", available=False,
                      unavailable_reason="it is not implemented yet")
    with pytest.raises(CommandUnavailable, match="not available: .*not implemented"):
        require_available(pending)
    require_available(get_command("publish"))  # every command of the catalogue is built


def test_unknown_command_suggests():
    with pytest.raises(UnknownCommand, match="Did you mean 'scan'") as info:
        get_command("scna")
    assert info.value.suggestions[0] == "scan"
    with pytest.raises(UnknownCommand):
        parse("scna src/")


def test_parse_review_options():
    inv = parse("scan src/ --fail-on high --severity medium --select BMB1,S6 --no-cache -o out.sarif")
    assert inv.command.name == "scan" and inv.args.target == "src/"
    overrides = review_overrides(inv.args)
    assert overrides["fail_on"] == Severity.high and overrides["min_severity"] == Severity.medium
    assert overrides["select"] == ["BMB1", "S6"] and overrides["cache"] is False
    assert format_for(inv.args.output, inv.args.format) == "sarif"
    assert review_overrides(parse("checkpoint --fail-on none").args)["fail_on"] == "none"


def test_bad_arguments_raise_instead_of_exiting():
    with pytest.raises(UsageError, match="invalid choice"):
        parse("scan --format pdf")
    with pytest.raises(UsageError, match="unknown severity"):
        parse("scan --fail-on urgent")
    with pytest.raises(HelpShown):
        parse("scan --help")
    with pytest.raises(UsageError, match="cannot split"):
        parse("scan 'unterminated")
