# The anti-patterns below are deliberate: they are what the rules flag, timed against their fixes.
# ruff: noqa: S102, FURB192, C400, RUF015, ASYNC251
"""Measure every performance rule's anti-pattern against its fix, so each rule's "why" quotes a number.

Run: ``python benchmarks/perf_rationale.py`` (about a minute on one core; needs pandas). Each row prints the
best of a few repeats for the flagged form and for the recommended form, and the ratio between them. The
factors quoted in ``bumba_magics/analyzers/performance.py`` come from this script.
"""

from __future__ import annotations

import asyncio
import io
import json
import re
import sqlite3
import sys
import tempfile
import threading
import time
import timeit
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pandas as pd

ROWS = 20_000  # row loops: a realistic notebook frame, small enough that iterrows finishes in seconds


@dataclass
class Result:
    rule: str
    case: str
    bad: float
    good: float

    @property
    def ratio(self) -> float:
        return self.bad / self.good if self.good else float("inf")


RESULTS: list[Result] = []


def best_of(func: Callable[[], object], repeat: int = 3, number: int = 1) -> float:
    """Seconds per call: the minimum over ``repeat`` runs, as timeit's docs advise."""
    return min(timeit.repeat(func, repeat=repeat, number=number)) / number


def compare(rule: str, case: str, bad: Callable[[], object], good: Callable[[], object], **kw) -> None:
    result = Result(rule, case, best_of(bad, **kw), best_of(good, **kw))
    RESULTS.append(result)
    print(f"{rule}  {case:<62} {result.bad * 1e3:10.2f} ms {result.good * 1e3:10.3f} ms {result.ratio:9.1f}x",
          flush=True)


# --- BMB301 row loops over DataFrames -------------------------------------------------------------------

def row_loops() -> None:
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"price": rng.random(ROWS), "qty": rng.integers(1, 10, ROWS)})

    def iterrows():
        out = []
        for _, row in df.iterrows():
            out.append(row["price"] * row["qty"])
        return out

    def iloc_loop():
        out = []
        for i in range(len(df)):
            out.append(df.iloc[i]["price"] * df.iloc[i]["qty"])
        return out

    def itertuples():
        out = []
        for row in df.itertuples():
            out.append(row.price * row.qty)
        return out

    def vectorised():
        return df["price"] * df["qty"]

    compare("BMB301", f"iterrows building a list vs vectorised, {ROWS:,} rows", iterrows, vectorised)
    compare("BMB301", f"range(len(df)) + df.iloc[i] vs vectorised, {ROWS:,} rows", iloc_loop, vectorised)
    compare("BMB301", f"itertuples building a list vs vectorised, {ROWS:,} rows", itertuples, vectorised)
    compare("BMB301", f"iterrows vs itertuples, {ROWS:,} rows", iterrows, itertuples)


# --- BMB302 apply with a vectorisable lambda ------------------------------------------------------------

def applies() -> None:
    rng = np.random.default_rng(1)
    df = pd.DataFrame({"price": rng.random(ROWS), "qty": rng.integers(1, 10, ROWS)})
    series = pd.Series(rng.random(100_000))
    names = pd.Series([f"name {i}" for i in range(100_000)])

    compare("BMB302", f"df.apply(lambda r: r.price * r.qty, axis=1), {ROWS:,} rows",
            lambda: df.apply(lambda r: r.price * r.qty, axis=1), lambda: df.price * df.qty)
    compare("BMB302", "s.apply(lambda x: x * 2 + 1) vs s * 2 + 1, 100,000 rows",
            lambda: series.apply(lambda x: x * 2 + 1), lambda: series * 2 + 1)
    compare("BMB302", "s.apply(lambda x: x > 0.5) vs s > 0.5, 100,000 rows",
            lambda: series.apply(lambda x: x > 0.5), lambda: series > 0.5)
    compare("BMB302", "s.apply(lambda x: x.upper()) vs s.str.upper(), 100,000 rows",
            lambda: names.apply(lambda x: x.upper()), lambda: names.str.upper())


# --- BMB303 string building in loops --------------------------------------------------------------------

PIECES = [f"line {i}\n" for i in range(100_000)]


def concat_local() -> str:
    text = ""
    for piece in PIECES:
        text += piece
    return text


class Builder:
    def __init__(self) -> None:
        self.text = ""

    def build(self) -> str:
        for piece in PIECES:
            self.text += piece
        return self.text


def concat_prepend() -> str:
    text = ""
    for piece in PIECES[:20_000]:
        text = piece + text
    return text


def join_pieces() -> str:
    return "".join(PIECES)


def string_building() -> None:
    module_level = compile("text = ''\nfor piece in PIECES:\n    text += piece\n", "<cell>", "exec")
    compare("BMB303", "s += piece in a function (CPython resizes in place)", concat_local, join_pieces)
    compare("BMB303", "s += piece at module level, as in a notebook cell",
            lambda: exec(module_level, {"PIECES": PIECES}), join_pieces)
    compare("BMB303", "self.s += piece (attribute target), 100,000 pieces",
            lambda: Builder().build(), join_pieces)
    compare("BMB303", "s = piece + s (prepending), 20,000 pieces",
            concat_prepend, lambda: "".join(reversed(PIECES[:20_000])))

    def string_io() -> str:
        buffer = io.StringIO()
        for piece in PIECES:
            buffer.write(piece)
        return buffer.getvalue()

    compare("BMB303", "self.s += piece vs io.StringIO, 100,000 pieces", lambda: Builder().build(), string_io)


# --- BMB304 regex compiled in loops ---------------------------------------------------------------------

LINES = [f"2024-05-{i % 28 + 1:02d} user{i} GET /items/{i}" for i in range(100_000)]
PATTERN = r"(\d{4})-(\d{2})-(\d{2}) (\w+)"


def regexes() -> None:
    compiled = re.compile(PATTERN)

    def compile_in_loop():
        return [re.compile(PATTERN).match(line) for line in LINES]

    def module_function_in_loop():
        return [re.match(PATTERN, line) for line in LINES]

    def hoisted():
        return [compiled.match(line) for line in LINES]

    compare("BMB304", "re.compile(p).match in the loop vs hoisted, 100,000 lines", compile_in_loop, hoisted)
    compare("BMB304", "re.match(p, s) in the loop (re's cache) vs hoisted", module_function_in_loop, hoisted)


# --- BMB305 N+1 queries ---------------------------------------------------------------------------------

def n_plus_one() -> None:
    db = sqlite3.connect(":memory:")
    db.executescript(
        "create table author (id integer primary key, name text);"
        "create table post (id integer primary key, title text, author_id integer references author(id));"
    )
    db.executemany("insert into author values (?, ?)", [(i, f"author {i}") for i in range(200)])
    db.executemany("insert into post values (?, ?, ?)", [(i, f"post {i}", i % 200) for i in range(2_000)])

    def per_row():
        names = []
        for _, _title, author_id in db.execute("select id, title, author_id from post"):
            names.append(db.execute("select name from author where id = ?", (author_id,)).fetchone()[0])
        return names

    def joined():
        query = "select post.title, author.name from post join author on author.id = post.author_id"
        return [name for _title, name in db.execute(query)]

    compare("BMB305", "a query per row vs one JOIN, 2,000 rows, in-memory SQLite", per_row, joined)


# --- BMB306 membership against a list -------------------------------------------------------------------

def membership() -> None:
    allowed = [f"user{i}" for i in range(1_000)]
    allowed_set = set(allowed)
    probes = [f"user{i * 7}" for i in range(10_000)]
    small = ["GET", "HEAD", "OPTIONS", "TRACE", "CONNECT", "PATCH", "LINK", "UNLINK"]
    methods = ["GET", "POST", "PUT", "DELETE", "OPTIONS"] * 2_000

    compare("BMB306", "x in list(1,000) vs x in set, 10,000 probes",
            lambda: [p for p in probes if p in allowed], lambda: [p for p in probes if p in allowed_set])
    small_set = set(small)
    compare("BMB306", "x in an 8-item constant list vs a set, 10,000 probes (not flagged)",
            lambda: [m for m in methods if m in small], lambda: [m for m in methods if m in small_set],
            repeat=5)


# --- BMB307 repeated I/O, BMB308 concat in loops --------------------------------------------------------

def repeated_io(folder: Path) -> None:
    config = folder / "config.json"
    config.write_text(json.dumps({"threshold": 0.5, "labels": list(range(100))}))
    table = folder / "rates.csv"
    pd.DataFrame({"code": range(1_000), "rate": np.linspace(0, 1, 1_000)}).to_csv(table, index=False)
    items = range(500)

    def json_in_loop():
        out = []
        for i in items:
            with open(config) as handle:
                out.append(json.load(handle)["threshold"] * i)
        return out

    def json_once():
        with open(config) as handle:
            threshold = json.load(handle)["threshold"]
        return [threshold * i for i in items]

    def csv_in_loop():
        return [pd.read_csv(table)["rate"].iloc[i] for i in range(100)]

    def csv_once():
        rates = pd.read_csv(table)["rate"]
        return [rates.iloc[i] for i in range(100)]

    compare("BMB307", "json.load(open(same path)) per item vs once, 500 items", json_in_loop, json_once)
    compare("BMB307", "pd.read_csv(same 1,000-row file) per item vs once, 100 items", csv_in_loop, csv_once)


def concat_in_loops() -> None:
    chunk = pd.DataFrame({"a": range(100), "b": range(100)})

    def grow():
        df = pd.DataFrame({"a": [], "b": []})
        for _ in range(1_000):
            df = pd.concat([df, chunk])
        return df

    def collect():
        return pd.concat([chunk for _ in range(1_000)])

    def np_grow():
        arr = np.empty(0)
        for i in range(20_000):
            arr = np.append(arr, i)
        return arr

    def np_collect():
        return np.array([i for i in range(20_000)], dtype=float)

    compare("BMB308", "df = pd.concat([df, chunk]) x1,000 vs one concat", grow, collect)
    compare("BMB308", "arr = np.append(arr, x) x20,000 vs np.array(list)", np_grow, np_collect)


# --- BMB309 sorted(...)[0] ------------------------------------------------------------------------------

def first_of_sorted() -> None:
    values = list(np.random.default_rng(2).random(100_000))
    compare("BMB309", "sorted(x)[0] vs min(x), 100,000 floats", lambda: sorted(values)[0], lambda: min(values))
    compare("BMB309", "list(gen)[0] vs next(gen), 100,000 items",
            lambda: list(v for v in values if v > 0.1)[0], lambda: next(v for v in values if v > 0.1),
            repeat=5)


# --- BMB310 / BMB311 blocking calls in async def --------------------------------------------------------

class SlowHandler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        time.sleep(0.02)  # a 20 ms upstream, like a nearby API
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args) -> None:
        pass


def blocking_async() -> None:
    async def blocking_sleep():
        time.sleep(0.01)

    async def awaiting_sleep():
        await asyncio.sleep(0.01)

    async def gather(factory, n=20):
        await asyncio.gather(*(factory() for _ in range(n)))

    compare("BMB310", "20 tasks: time.sleep(10 ms) vs asyncio.sleep in async def",
            lambda: asyncio.run(gather(blocking_sleep)), lambda: asyncio.run(gather(awaiting_sleep)))

    server = ThreadingHTTPServer(("127.0.0.1", 0), SlowHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"

    def fetch():
        with urllib.request.urlopen(url) as response:
            return response.read()

    async def blocking_fetch():
        return fetch()

    async def threaded_fetch():
        return await asyncio.to_thread(fetch)

    compare("BMB311", "10 tasks: blocking HTTP (20 ms server) vs asyncio.to_thread",
            lambda: asyncio.run(gather(blocking_fetch, 10)), lambda: asyncio.run(gather(threaded_fetch, 10)))
    server.shutdown()


def main() -> None:
    print(f"python {sys.version.split()[0]}, pandas {pd.__version__}, numpy {np.__version__}")
    print(f"{'rule':<7} {'case':<62} {'flagged':>13} {'fix':>13} {'ratio':>10}")
    row_loops()
    applies()
    string_building()
    regexes()
    n_plus_one()
    membership()
    with tempfile.TemporaryDirectory() as folder:
        repeated_io(Path(folder))
    concat_in_loops()
    first_of_sorted()
    blocking_async()


if __name__ == "__main__":
    main()
