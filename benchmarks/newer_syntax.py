"""What does reading code newer than the running Python cost, and is the tree it gives the right one?

On real code bases (sdists fetched with `pip download` into .bench-cache/: Home Assistant, which requires
Python 3.14 and uses PEP 695/696/758 throughout, and Django 6.1, which requires 3.12), every .py file is
put in one of two groups by the running Python's `ast.parse`:

  1. files it reads (the normal case): `ast.parse` against `parse_module`, which must cost the same;
  2. files it rejects: `parse_module` (ast.parse fails, tree-sitter parses, the rewrite, ast.parse of the
     rewritten text) against `ast.parse` of files it reads, per MB; and how many still do not parse
     (real syntax errors: they must be exactly the files no Python accepts).

With `--python PATH` (a Python 3.12+ interpreter), the trees of group 2 are also compared with the ones that
interpreter builds natively (type aliases as assignments, type parameters dropped; the positions of every
node outside f-string parts included): files it cannot parse either (3.14 syntax on a 3.13) are counted
apart.

    python benchmarks/newer_syntax.py [--python /path/to/python3.13] [--repeat 3] [TREE ...]

Times are CPU seconds of this process (best of --repeat rounds, taking turns).
Targets: group 1 within 2 % of `ast.parse`; group 2 under 5x `ast.parse` per MB; no tree differs.
"""

from __future__ import annotations

import argparse
import ast
import gc
import inspect
import json
import subprocess
import sys
import tarfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
CACHE = HERE.parent / ".bench-cache"
SDISTS = {"homeassistant": "2026.11.0", "django": "6.1.3"}

from bumba_magics.analyzers.parsing import _syntax_tree, parse_module


def shape(tree):
    """The part of a tree that must agree: the dump, and the positions of every node outside f-string
    parts (3.11 gives those parts the position of the whole string, 3.12 their own)."""
    parts = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            for value in node.values:
                parts.add(id(value))
                if isinstance(value, ast.FormattedValue) and value.format_spec is not None:
                    parts.add(id(value.format_spec))
                    parts.update(id(v) for v in value.format_spec.values)
    dump = ast.dump(tree, show_empty=True) if sys.version_info >= (3, 13) else ast.dump(tree)
    positions = [[type(n).__name__, n.lineno, n.col_offset, n.end_lineno, n.end_col_offset]
                 for n in ast.walk(tree) if hasattr(n, "lineno") and id(n) not in parts]
    return [dump.replace(", type_params=[]", ""), positions]


# Run by the newer interpreter: its own trees, in the shape ours take (see the module docstring).
NATIVE = """
import ast, json, sys

class Normalize(ast.NodeTransformer):
    def visit_TypeAlias(self, node):
        self.generic_visit(node)
        target = ast.copy_location(ast.Name(id=node.name.id, ctx=ast.Store()), node.name)
        return ast.copy_location(ast.Assign(targets=[target], value=node.value, type_comment=None), node)

    def generic_visit(self, node):
        if hasattr(node, "type_params"):
            node.type_params = []
        return super().generic_visit(node)

""" + inspect.getsource(shape) + """
out = {}
for path in sys.stdin.read().split("\\n"):
    try:
        tree = Normalize().visit(ast.parse(open(path, encoding="utf-8").read()))
    except SyntaxError:
        continue
    out[path] = shape(tree)
print(json.dumps(out))
"""


def fetch(name: str, version: str) -> Path:
    CACHE.mkdir(exist_ok=True)
    unpacked = CACHE / f"{name}-{version}"
    if not unpacked.is_dir():
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
                        "--ignore-requires-python", f"{name}=={version}", "-d", str(CACHE), "-q"], check=True)
        with tarfile.open(next(CACHE.glob(f"{name}-{version}.tar.gz"))) as tar:
            tar.extractall(CACHE, filter="data")
    return unpacked


def best(repeat: int, *works) -> list[float]:
    """The least CPU time of each of ``works`` over ``repeat`` rounds, taking turns (on a shared machine,
    wall time and the order of two runs say more about the neighbours than about the code)."""
    times: list[list[float]] = [[] for _ in works]
    for round_ in range(repeat):
        order = list(enumerate(works)) if round_ % 2 == 0 else list(reversed(list(enumerate(works))))
        for index, work in order:
            gc.collect()
            started = time.process_time()
            work()
            times[index].append(time.process_time() - started)
    return [min(t) for t in times]


def reads(text: str) -> bool:
    try:
        ast.parse(text)
    except (SyntaxError, ValueError):
        return False
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("trees", nargs="*", type=Path, help="folders to read (default: the sdists above)")
    parser.add_argument("--python", help="a Python 3.12+ to compare the trees with")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    trees = args.trees or [fetch(name, version) for name, version in SDISTS.items()]
    texts = {str(p): p.read_text(encoding="utf-8", errors="replace") for t in trees for p in sorted(t.rglob("*.py"))}
    normal = {p: t for p, t in texts.items() if reads(t)}
    newer = {p: t for p, t in texts.items() if p not in normal}
    mb = {name: sum(len(t.encode()) for t in group.values()) / 1e6 for name, group in
          (("normal", normal), ("newer", newer))}
    print(f"Python {sys.version.split()[0]}; {len(texts)} files: {len(normal)} it reads ({mb['normal']:.1f} MB), "
          f"{len(newer)} it rejects ({mb['newer']:.1f} MB)")

    def parse_all(group, parse):
        def work():
            for path, text in group.items():
                try:
                    parse(text, path)
                except (SyntaxError, ValueError):
                    pass
        return work

    plain, ours = best(args.repeat, parse_all(normal, lambda t, p: ast.parse(t, filename=p)),
                       parse_all(normal, parse_module))
    print(f"1. files it reads:   ast.parse {plain:.2f} s, parse_module {ours:.2f} s ({ours / plain:.3f}x)")

    still_broken = []
    for path, text in newer.items():
        try:
            parse_module(text, path)
        except (SyntaxError, ValueError) as error:
            still_broken.append(f"{path}: {getattr(error, 'msg', error)}")
    fallback, grammar = best(args.repeat, parse_all(newer, parse_module),
                             lambda: [_syntax_tree(t.encode("utf-8", "surrogatepass")) for t in newer.values()])
    per_mb_plain = plain / mb["normal"]
    per_mb_newer = fallback / mb["newer"] if newer else 0.0
    print(f"2. files it rejects: parse_module {fallback:.2f} s, of which tree-sitter parse + query {grammar:.2f} s; "
          f"{per_mb_newer:.3f} s/MB against {per_mb_plain:.3f} s/MB for ast.parse "
          f"({per_mb_newer / per_mb_plain:.1f}x); {len(newer) - len(still_broken)} now read, "
          f"{len(still_broken)} still do not parse:")
    for line in still_broken:
        print(f"   {line}")

    if args.python:
        completed = subprocess.run([args.python, "-c", NATIVE], input="\n".join(newer), capture_output=True,
                                   text=True, check=True)
        native = json.loads(completed.stdout)
        same = differ = 0
        for path, text in newer.items():
            if path not in native:
                continue
            try:
                mine = json.loads(json.dumps(shape(parse_module(text, path))))
            except SyntaxError:
                mine = None
            if mine == native[path]:
                same += 1
            else:
                differ += 1
                print(f"   differs: {path}")
        print(f"3. against {args.python}: {same} trees the same, {differ} differ, "
              f"{len(newer) - len(native)} files it cannot parse either")


if __name__ == "__main__":
    main()
