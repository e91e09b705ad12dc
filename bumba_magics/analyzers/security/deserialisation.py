"""Deserialisation that can run code: pickle and friends, yaml's full loaders, torch and numpy
pickles (BMB106)."""

from __future__ import annotations

import ast

from ...core.findings import Category, Fix, Severity
from ...core.rules import rule
from ..ast_helpers import (
    argument,
    call_with,
    has_double_star,
    is_const,
    keyword,
    keyword_value,
    last_name,
    rewrite,
    segment,
)
from ..base import Findings, NodeContext
from .dispatch import checks
from .facts import reaching_bindings

# ---------------------------------------------------------------------------------------------------------
# BMB106 unsafe deserialisation
# ---------------------------------------------------------------------------------------------------------

UNSAFE_DESERIALISATION = rule(
    "BMB106", "unsafe-deserialisation", "Deserialising data can run arbitrary code", Severity.high,
    category=Category.security, analyzer="security",
    why="pickle-based formats (pickle, dill, joblib, shelve, torch checkpoints, pandas pickles) and yaml's "
    "full/unsafe loaders build arbitrary objects, so loading a crafted file or message runs the "
    "attacker's code in this process.",
    recommendation="Load only data you produced and protect it with an HMAC; for exchanged data use JSON, "
    "`yaml.safe_load`, `torch.load(..., weights_only=True)`, `np.load(..., allow_pickle=False)` or "
    "safetensors.",
    references=("CWE-502", "A08:2021-Software and Data Integrity Failures"),
    supersedes=("S301", "S302", "S506"),
    bad="config = yaml.load(request.data, Loader=yaml.Loader)",
    good="config = yaml.safe_load(request.data)",
)

_PICKLE_MODULES = ("pickle", "cPickle", "_pickle", "dill", "cloudpickle", "marshal", "jsonpickle")
_PICKLE_LOADERS = {"load", "loads", "Unpickler", "decode"}
_SAFE_YAML_LOADERS = {"SafeLoader", "CSafeLoader", "BaseLoader", "CBaseLoader"}
_UNSAFE_YAML_LOADERS = {"Loader", "UnsafeLoader", "FullLoader", "CLoader", "CUnsafeLoader", "CFullLoader"}


@checks.on("load", "loads", "Unpickler", "decode", "open", "read_pickle", "load_all", "unsafe_load",
          "unsafe_load_all", "full_load", "full_load_all")
def check_deserialisation(node: ast.Call, ctx: NodeContext) -> Findings:
    qualname = ctx.qualname(node.func)
    if not qualname or "." not in qualname:
        return
    module, name = qualname.rsplit(".", 1)
    root = module.split(".")[0]
    if root in _PICKLE_MODULES and name in _PICKLE_LOADERS and (name != "decode" or root == "jsonpickle"):
        if _is_round_trip(node, ctx):
            return
        yield ctx.finding(UNSAFE_DESERIALISATION, node, title=f"{qualname}() can run code from the data it loads",
                          fix=Fix(description="Use JSON for exchanged data, or sign what you pickle with an "
                                              "HMAC and verify it before loading."))
    elif (root == "joblib" and name == "load") or (root == "shelve" and name == "open") or (
        root in ("pandas", "pd") and name == "read_pickle"
    ):
        yield ctx.finding(UNSAFE_DESERIALISATION, node, title=f"{qualname}() unpickles the file it reads",
                          fix=Fix(description="Load only files you wrote yourself; exchange data as "
                                              "parquet/JSON/safetensors instead."))
    elif root == "yaml":
        yield from _check_yaml(node, name, ctx)
    elif root == "torch" and name == "load":
        yield from _check_torch_load(node, ctx)
    elif root in ("numpy", "np") and name == "load" and is_const(keyword_value(node, "allow_pickle"), True):
        kw = keyword(node, "allow_pickle")
        yield ctx.finding(UNSAFE_DESERIALISATION, node, title="numpy.load(allow_pickle=True) unpickles object arrays",
                          fix=Fix(description="Store plain arrays and load with allow_pickle=False.",
                                  code=rewrite(ctx.source, node, kw.value, "False") if kw else None))


_DUMPERS = {"dumps", "dump", "encode"}


def _is_round_trip(node: ast.Call, ctx: NodeContext) -> bool:
    """``pickle.loads(pickle.dumps(x))`` (directly or through a local) copies our own object: no input."""
    data = argument(node, 0, "data", "file")

    def is_dump(value: ast.expr) -> bool:
        return isinstance(value, ast.Call) and (ctx.qualname(value.func) or "").rsplit(".", 1)[-1] in _DUMPERS

    if data is None:
        return False
    if isinstance(data, ast.Name):
        found = reaching_bindings(ctx, data.id, node.lineno)
        return bool(found) and all(is_dump(b.value) for b in found)
    return is_dump(data)


def _check_yaml(node: ast.Call, name: str, ctx: NodeContext) -> Findings:
    data = argument(node, 0, "stream")
    safe_name = "safe_load_all" if name.endswith("_all") else "safe_load"
    fix = Fix(description=f"yaml.{safe_name} builds only plain data (dicts, lists, strings, numbers).",
              code=rewrite(ctx.source, node, node, f"yaml.{safe_name}({segment(ctx.source, data)})") if data else None)
    if name in ("unsafe_load", "unsafe_load_all", "full_load", "full_load_all"):
        yield ctx.finding(UNSAFE_DESERIALISATION, node, title=f"yaml.{name}() can build arbitrary Python objects",
                          fix=fix)
        return
    if name not in ("load", "load_all"):
        return
    loader = argument(node, 1, "Loader")
    if loader is None:
        if not has_double_star(node):
            yield ctx.finding(UNSAFE_DESERIALISATION, node, title=f"yaml.{name}() without a safe Loader", fix=fix)
        return
    loader_name = last_name(loader)
    if loader_name in _UNSAFE_YAML_LOADERS:
        yield ctx.finding(UNSAFE_DESERIALISATION, node,
                          title=f"yaml.{name}(…, Loader={loader_name}) can build arbitrary Python objects", fix=fix)


def _check_torch_load(node: ast.Call, ctx: NodeContext) -> Findings:
    weights_only = keyword(node, "weights_only")
    if weights_only is not None and is_const(weights_only.value, True):
        return
    if weights_only is None:
        if has_double_star(node):
            return
        code = rewrite(ctx.source, node, node, call_with(ctx.source, node, set_keywords={"weights_only": "True"}))
        yield ctx.finding(
            UNSAFE_DESERIALISATION, node, severity=Severity.medium,
            title="torch.load() without weights_only=True unpickles the checkpoint on torch < 2.6",
            fix=Fix(description="Load tensors only.", code=code),
        )
    elif is_const(weights_only.value, False):
        yield ctx.finding(UNSAFE_DESERIALISATION, node, title="torch.load(weights_only=False) unpickles the "
                          "checkpoint", fix=Fix(description="Load tensors only.", code=rewrite(
                              ctx.source, node, weights_only.value, "True")))
