"""Every AST rule's documented bad example is caught and its good example is not: the docs page and the
checks cannot drift apart. (Secret rules are left out on purpose: their examples are elided, "AKIA…", so
the docs never hold a key-shaped string; tests/analyzers/test_secrets.py covers them with real shapes.)"""

from pathlib import Path

import pytest

from bumba_magics.analyzers.base import ANALYZERS, RULES, AnalyzerConfig
from bumba_magics.context.source import Context, Source
from bumba_magics.engines.offline import load_builtin_analyzers

load_builtin_analyzers()
CHECKED = ("security", "hardening", "performance", "dataflow")
EXAMPLES = [r for r in RULES if r.analyzer in CHECKED and r.example_bad and r.example_good]


def found(analyzer: str, text: str) -> set[str]:
    # examples are fragments: give them the imports they lean on, and a settings module's name where the
    # rule is about framework settings (those rules look at settings modules only)
    if "pd." in text and "import pandas" not in text:
        text = "import pandas as pd\n" + text
    path = "settings.py" if any(w in text for w in ("SECURE_", "DEBUG =", "ALLOWED_HOSTS")) else "example.py"
    source = Source(path=path, text=text)
    return {f.rule for f in ANALYZERS[analyzer]().analyze(Context(root=Path(".")), [source], AnalyzerConfig())}


def test_there_are_examples_to_check():
    assert len(EXAMPLES) >= 30


@pytest.mark.parametrize("rule", EXAMPLES, ids=lambda r: r.code)
def test_bad_example_is_caught_and_good_example_is_not(rule):
    assert rule.code in found(rule.analyzer, rule.example_bad)
    assert rule.code not in found(rule.analyzer, rule.example_good)
