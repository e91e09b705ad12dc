"""How accurate is the dataflow engine on our corpus, against ruff's security rules and bandit?

The corpus (tests/data/dataflow/) holds vulnerable and safe twins: ``<category>/<case>_vuln.py`` /
``<case>_safe.py`` (or folders of modules with those suffixes). The first line names the rule the
vulnerable twin must raise (``# expect: BMB121``); the sink line carries ``# sink`` in both twins.

  bumba:  a case is positive when the engine reports the expected rule in it.
  ruff / bandit (no dataflow): positive when they report anything on a ``# sink`` line.

Prints, per category, the true-positive rate (vulnerable twins found) and the false-positive rate (safe
twins flagged) of each tool, from one run over the same files. A tool that is not installed is skipped,
and the script says so (`pip install bumba_magics[bench]` brings bandit).

    python benchmarks/dataflow_accuracy.py [--corpus tests/data/dataflow] [--show-misses]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_CORPUS = HERE.parent / "tests" / "data" / "dataflow"
BIN = Path(sys.executable).parent


@dataclass
class Case:
    category: str
    name: str
    vulnerable: bool
    rule: str
    files: list[Path]
    root: Path
    sink_lines: set[tuple[str, int]] = field(default_factory=set)  # (resolved path, line)


def load_cases(corpus: Path) -> list[Case]:
    cases = []
    for category in sorted(p for p in corpus.iterdir() if p.is_dir() and not p.name.startswith(("_", "."))):
        for entry in sorted(category.iterdir()):
            stem = entry.stem if entry.is_file() else entry.name
            if not stem.endswith(("_vuln", "_safe")) or (entry.is_file() and entry.suffix != ".py"):
                continue
            files = [entry] if entry.is_file() else sorted(entry.rglob("*.py"))
            rule = ""
            sinks = set()
            for file in files:
                lines = file.read_text().splitlines()
                if lines and lines[0].startswith("# expect:"):
                    rule = lines[0].split(":", 1)[1].split()[0]
                sinks.update((str(file.resolve()), i) for i, text in enumerate(lines, 1) if "# sink" in text)
            root = entry if entry.is_dir() else entry.parent
            cases.append(Case(category.name, stem, stem.endswith("_vuln"), rule, files, root, sinks))
    return cases


def bumba(cases: list[Case], root: Path) -> tuple[dict[str, bool], float]:
    sys.path.insert(0, str(HERE.parent))
    from bumba_magics.analyzers.dataflow import analyze_sources
    from bumba_magics.context.source import Source

    start = time.perf_counter()
    verdicts = {}
    for case in cases:
        sources = [Source(path=f.relative_to(case.root).as_posix(), text=f.read_text()) for f in case.files]
        found = {f.rule for f in analyze_sources(sources).findings}
        verdicts[f"{case.category}/{case.name}"] = case.rule in found
    return verdicts, time.perf_counter() - start


def _lines_flagged(cases: list[Case], hits: set[tuple[str, int]]) -> dict[str, bool]:
    return {f"{c.category}/{c.name}": bool(c.sink_lines & hits) for c in cases}


def ruff(cases: list[Case], corpus: Path) -> tuple[dict[str, bool], float] | None:
    exe = shutil.which("ruff", path=str(BIN)) or shutil.which("ruff")
    if not exe:
        return None
    start = time.perf_counter()
    proc = subprocess.run([exe, "check", "--select", "S", "--ignore", "S101", "--output-format", "json",
                           "--no-cache", "--isolated", str(corpus)], capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    hits = {(str(Path(d["filename"]).resolve()), d["location"]["row"]) for d in json.loads(proc.stdout or "[]")}
    return _lines_flagged(cases, hits), elapsed


def bandit(cases: list[Case], corpus: Path) -> tuple[dict[str, bool], float] | None:
    exe = shutil.which("bandit", path=str(BIN)) or shutil.which("bandit")
    if not exe:
        return None
    start = time.perf_counter()
    proc = subprocess.run([exe, "-r", "-q", "-f", "json", str(corpus)], capture_output=True, text=True,
                          check=False)
    elapsed = time.perf_counter() - start
    data = json.loads(proc.stdout or "{}")
    hits = set()
    for result in data.get("results", []):
        path = str(Path(result["filename"]).resolve())
        for line in result.get("line_range") or [result["line_number"]]:
            hits.add((path, line))
    return _lines_flagged(cases, hits), elapsed


def rates(cases: list[Case], verdicts: dict[str, bool]) -> dict[str, tuple[int, int, int, int]]:
    """category -> (vulnerable found, vulnerable total, safe flagged, safe total)."""
    table: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for case in cases:
        row = table[case.category]
        flagged = verdicts[f"{case.category}/{case.name}"]
        if case.vulnerable:
            row[0] += flagged
            row[1] += 1
        else:
            row[2] += flagged
            row[3] += 1
    return {k: tuple(v) for k, v in table.items()}


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:5.1f}%" if whole else "   n/a"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--show-misses", action="store_true", help="list bumba's false negatives and positives")
    args = parser.parse_args()
    cases = load_cases(args.corpus)
    results: dict[str, tuple[dict[str, bool], float]] = {"bumba": bumba(cases, args.corpus)}
    for name, tool in (("ruff S", ruff), ("bandit", bandit)):
        outcome = tool(cases, args.corpus)
        if outcome is None:
            print(f"{name}: not installed, skipped (pip install bumba_magics[bench])")
        else:
            results[name] = outcome
    vulnerable = sum(c.vulnerable for c in cases)
    print(f"corpus: {len(cases)} cases ({vulnerable} vulnerable, {len(cases) - vulnerable} safe) in "
          f"{len({c.category for c in cases})} categories")
    tools = list(results)
    header = f"{'category':18}" + "".join(f"{t + ' TPR':>13}{t + ' FPR':>13}" for t in tools)
    print(header)
    tables = {t: rates(cases, results[t][0]) for t in tools}
    worst_ok = True
    for category in sorted(tables["bumba"]):
        row = f"{category:18}"
        for tool in tools:
            tp, vt, fp, st = tables[tool][category]
            row += f"{_pct(tp, vt):>13}{_pct(fp, st):>13}"
        print(row)
        tp, vt, fp, st = tables["bumba"][category]
        if (vt and tp / vt < 0.95) or (st and fp / st > 0.05):
            worst_ok = False
    totals = f"{'all':18}"
    for tool in tools:
        tp = sum(r[0] for r in tables[tool].values())
        vt = sum(r[1] for r in tables[tool].values())
        fp = sum(r[2] for r in tables[tool].values())
        st = sum(r[3] for r in tables[tool].values())
        totals += f"{_pct(tp, vt):>13}{_pct(fp, st):>13}"
    print(totals)
    print("time: " + ", ".join(f"{t} {results[t][1]:.2f} s" for t in tools))
    if args.show_misses:
        for case in cases:
            flagged = results["bumba"][0][f"{case.category}/{case.name}"]
            if flagged != case.vulnerable:
                print(("missed   " if case.vulnerable else "flagged  ") + f"{case.category}/{case.name}")
    print("target TPR >= 95 % and FPR <= 5 % in every category: " + ("met" if worst_ok else "NOT met"))
    return 0 if worst_ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
