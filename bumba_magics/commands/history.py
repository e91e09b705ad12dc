"""``history [TARGET]``: earlier runs from the store."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from ..core.errors import ReviewError
from ..core.options import bounded_int
from ..store import Store
from ..views.tables import Table
from .base import Command, register

if TYPE_CHECKING:
    from ..core.request import RunRequest

MAX_HISTORY = 100_000


def arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("target", nargs="?", help="only runs on this target")
    parser.add_argument("--limit", type=bounded_int(1, MAX_HISTORY), default=20, metavar="N",
                        help="show the N newest runs (default 20)")


def run(request: RunRequest) -> Table:
    if request.store is None and not request.use_store:  # the front end's store could not be opened
        raise ReviewError("history needs the bumba store, and it could not be opened: check "
                          "%config BumbaMagics.store_path or $BUMBA_STORE")
    store = request.store or Store()
    rows = [
        {
            "started": r["started"], "command": r["command"], "target": r["target"], "findings": r["total"],
            "high+": r["summary"]["by_severity"].get("critical", 0) + r["summary"]["by_severity"].get("high", 0),
            "gate": r["summary"].get("gate") or "", "id": r["id"][:12],
        }
        for r in store.list_runs(target=request.target, limit=request.args.limit)
    ]
    return Table(f"bumba runs ({store.path})", rows,
                 ["started", "command", "target", "findings", "high+", "gate", "id"])


COMMAND = register(Command("history", "List earlier runs from the store.", needs="optionally a target",
                           order=160, lane="meta", takes_cell=False, run=run, arguments=arguments))
