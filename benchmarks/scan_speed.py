"""How fast is `bumba scan` on a large real code base, against the tools a user would otherwise run?

Fetches the Django sdist with `pip download` (cached in .bench-cache/), then on the same files, in this run:
  1. `bumba scan` cold (empty store: every file analyzed),
  2. `bumba scan` again after touching one file (the content-hash cache serves the rest),
  3. bandit (and semgrep / detect-secrets when installed),
and prints wall times, peak memory and the ratios. Also times `%bumba scan` of a 300-cell notebook in a
real IPython shell, display included.

    python benchmarks/scan_speed.py [--version 5.2.*] [--skip-others]

Targets (2-core machine): cold scan <= 1/4 of bandit's wall time; re-scan after one change < 1 s;
peak memory < 500 MB; the 300-cell notebook renders in < 300 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CACHE = HERE.parent / ".bench-cache"
BIN = Path(sys.executable).parent


def fetch_django(version: str) -> Path:
    """The Django sdist, unpacked once into .bench-cache/."""
    CACHE.mkdir(exist_ok=True)
    unpacked = max(CACHE.glob("django-*/django"), default=None)
    if unpacked:
        return unpacked.parent
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
                    f"django=={version}", "-d", str(CACHE), "-q"], check=True)
    archive = max(CACHE.glob("django-*.tar.gz"))
    with tarfile.open(archive) as tar:
        tar.extractall(CACHE, filter="data")
    return max(CACHE.glob("django-*/django")).parent


def timed(argv: list[str], env: dict | None = None) -> tuple[float, float, subprocess.CompletedProcess]:
    """Wall seconds and the child's peak RSS in MB (ru_maxrss of the largest child so far)."""
    start = time.perf_counter()
    proc = subprocess.run(argv, capture_output=True, text=True, env=env, check=False)
    wall = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return wall, peak_mb, proc


def count_lines(root: Path) -> tuple[int, int]:
    files = [p for p in root.rglob("*.py")]
    return len(files), sum(p.read_bytes().count(b"\n") for p in files)


def bumba_runs(target: Path) -> dict:
    store_dir = Path(tempfile.mkdtemp(prefix="bumba-bench-"))
    env = {**os.environ, "BUMBA_STORE": str(store_dir / "bench.sqlite")}
    argv = [str(BIN / "bumba"), "scan", str(target), "-f", "json", "-q"]
    cold, cold_peak, proc = timed(argv, env)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"bumba scan failed: {proc.stderr}")
    data = json.loads(proc.stdout)
    victim = next(target.rglob("django/db/models/query.py"))
    original = victim.read_text()
    victim.write_text(original + "\n# touched by the benchmark\n")
    try:
        warm, _warm_peak, _ = timed(argv, env)
    finally:
        victim.write_text(original)
    shutil.rmtree(store_dir, ignore_errors=True)
    return {"cold": cold, "warm": warm, "peak_mb": cold_peak, "findings": data["summary"]["total"],
            "by_category": data["summary"]["by_category"], "files": data["run"]["files"]}


def other_tools(target: Path) -> dict[str, float]:
    results = {}
    if shutil.which("bandit", path=str(BIN)) or shutil.which("bandit"):
        exe = shutil.which("bandit", path=str(BIN)) or shutil.which("bandit")
        wall, _, _ = timed([exe, "-r", "-q", "-f", "json", "-o", os.devnull, str(target)])
        results["bandit"] = wall
    if shutil.which("semgrep"):
        rules = HERE / "semgrep-rules.yml"
        if rules.exists():
            wall, _, _ = timed(["semgrep", "--metrics=off", "--disable-version-check", "--config", str(rules),
                                "--quiet", "--json", "-o", os.devnull, str(target)])
            results["semgrep"] = wall
    if shutil.which("detect-secrets"):
        wall, _, _ = timed(["detect-secrets", "scan", "--all-files", str(target)])
        results["detect-secrets"] = wall
    return results


def dataflow_seconds(target: Path) -> tuple[float, int]:
    """The taint engine alone over the same files, in this process (CPU seconds, findings)."""
    sys.path.insert(0, str(HERE.parent))
    from bumba_magics.analyzers.dataflow import analyze_sources
    from bumba_magics.context.source import Source

    sources = [Source(path=p.relative_to(target).as_posix(), text=p.read_text(errors="replace"))
               for p in target.rglob("*.py")]
    start = time.process_time()
    findings = analyze_sources(sources).findings
    return time.process_time() - start, len(findings)


def notebook_render_ms(cells: int = 300) -> float:
    """%bumba scan of a 300-cell kernel history in a real InteractiveShell, including the mime bundle."""
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    os.environ.setdefault("BUMBA_STORE", str(Path(tempfile.mkdtemp()) / "nb.sqlite"))
    config = Config()
    config.HistoryManager.hist_file = ":memory:"
    shell = InteractiveShell.instance(config=config)
    shell.run_cell("%load_ext bumba_magics", store_history=False)
    for i in range(cells):
        code = (f"import pandas as pd\nrows_{i} = []\nfor _, r in frame.iterrows():\n    rows_{i}.append(r.a)\n"
                if i % 10 == 0 else f"value_{i} = {i} * 2\nprint(value_{i})")
        shell.history_manager.store_inputs(i + 1, code)
        shell.execution_count = i + 2
    start = time.perf_counter()
    report = shell.run_line_magic("bumba", "scan --no-repo --no-cache")
    report._repr_mimebundle_()
    return (time.perf_counter() - start) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", default="5.2.*")
    parser.add_argument("--skip-others", action="store_true", help="time bumba only")
    parser.add_argument("--target", type=Path, help="an unpacked sdist to scan instead of fetching Django")
    args = parser.parse_args()

    target = args.target or fetch_django(args.version)
    files, lines = count_lines(target)
    print(f"target: {target.name}: {files} Python files, {lines:,} lines; {os.cpu_count()} cores")
    ours = bumba_runs(target)
    print(f"bumba scan, cold:                 {ours['cold']:6.2f} s   peak {ours['peak_mb']:.0f} MB   "
          f"{ours['findings']} findings {ours['by_category']}")
    print(f"bumba scan, one file changed:     {ours['warm']:6.2f} s")
    engine, flows = dataflow_seconds(target)
    print(f"  of which the dataflow engine:   {engine:6.2f} s CPU ({flows} findings; "
          f"{engine / ours['cold']:.0%} of the cold scan's wall time)")
    if not args.skip_others:
        for tool, wall in other_tools(target).items():
            print(f"{tool + ':':34}{wall:6.2f} s   bumba cold is {wall / ours['cold']:.1f}x faster "
                  f"({ours['cold'] / wall:.2f} of its time)")
    print(f"%bumba scan, 300-cell notebook:   {notebook_render_ms():6.0f} ms (display included)")


if __name__ == "__main__":
    main()
