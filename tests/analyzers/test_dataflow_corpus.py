"""Every case of the dataflow corpus: the vulnerable twin raises its rule, the safe twin does not.

The corpus (tests/data/dataflow/, see its generate.py) has a vulnerable and a safe twin for each sink
kind, source, propagation step and sanitizer; the first line of a case names the rule it is about."""

from pathlib import Path

import pytest

from bumba_magics.analyzers.dataflow import analyze_sources
from bumba_magics.context.source import Source

CORPUS = Path(__file__).resolve().parent.parent / "data" / "dataflow"


def cases():
    for category in sorted(p for p in CORPUS.iterdir() if p.is_dir()):
        for entry in sorted(category.iterdir()):
            stem = entry.stem if entry.is_file() else entry.name
            if stem.endswith(("_vuln", "_safe")) and (entry.is_dir() or entry.suffix == ".py"):
                yield pytest.param(entry, id=f"{category.name}/{stem}")


def load(entry: Path) -> tuple[str, list[Source]]:
    root = entry if entry.is_dir() else entry.parent
    files = sorted(entry.rglob("*.py")) if entry.is_dir() else [entry]
    rule = ""
    sources = []
    for file in files:
        text = file.read_text()
        if text.startswith("# expect:"):
            rule = text.split(":", 1)[1].split()[0]
        sources.append(Source(path=file.relative_to(root).as_posix(), text=text))
    return rule, sources


def test_corpus_is_large_and_balanced():
    entries = [p.values[0] for p in cases()]
    vulnerable = [e for e in entries if e.name.endswith(("_vuln", "_vuln.py"))]
    assert len(entries) >= 400
    assert len(vulnerable) * 2 == len(entries)  # every vulnerable case has its safe twin


@pytest.mark.parametrize("entry", list(cases()))
def test_case(entry):
    rule, sources = load(entry)
    assert rule, f"{entry} does not say which rule it expects"
    findings = analyze_sources(sources).findings
    found = {f.rule for f in findings}
    if entry.stem.endswith("_vuln") or entry.name.endswith("_vuln"):
        assert rule in found, f"{rule} not found; found {sorted(found)}"
        flagged = next(f for f in findings if f.rule == rule)
        assert flagged.flow and flagged.flow[0].label.endswith("(source)")
        assert flagged.flow[-1].label.endswith("(sink)")
    else:
        assert rule not in found, [(f.title, [s.label for s in f.flow or ()]) for f in findings if f.rule == rule]
