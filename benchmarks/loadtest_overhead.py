"""How much the load tester itself costs: its throughput and latency against a bare httpx loop.

Both hit the same local endpoint (the test service's GET /health on 127.0.0.1) with the same number of
requests and the same concurrency, alternating, three rounds each; the ratio near 1.0 means the measurement
(sampling, percentiles, status bookkeeping) does not distort what it measures. The plots are not part of
the timed work (they are drawn after the run). The service runs in its own process.

    .venv/bin/python benchmarks/loadtest_overhead.py [--requests 2000] [--concurrency 16]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

from bumba_magics.measure import loadtest

APP = Path(__file__).resolve().parent.parent / "tests" / "data" / "measure_app" / "app.py"


_SERVER = f"""
import importlib.util, sys, threading
spec = importlib.util.spec_from_file_location("measure_app", {str(APP)!r})
app = importlib.util.module_from_spec(spec)
spec.loader.exec_module(app)
with app.serve(app.make_app(hardened=True)) as url:
    print(url, flush=True)
    sys.stdin.read()  # serve until the benchmark closes our stdin
"""


@contextlib.contextmanager
def _server():
    """The service in its own process, so it does not share the benchmark's GIL."""
    process = subprocess.Popen([sys.executable, "-c", _SERVER], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               text=True)
    try:
        yield process.stdout.readline().strip()
    finally:
        process.stdin.close()
        process.wait(timeout=30)


async def _bare(url: str, requests: int, concurrency: int) -> tuple[float, list[float]]:
    """What a user would write by hand: a semaphore-free worker pool around one AsyncClient."""
    latencies: list[float] = []
    remaining = requests
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(limits=limits) as client:
        await client.get(url)
        start = time.perf_counter()

        async def worker() -> None:
            nonlocal remaining
            while remaining > 0:
                remaining -= 1
                sent = time.perf_counter()
                response = await client.get(url)
                await response.aread()
                latencies.append((time.perf_counter() - sent) * 1000)

        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return time.perf_counter() - start, latencies


def _ours(url: str, requests: int, concurrency: int) -> tuple[float, list[float]]:
    result = loadtest.run_load(loadtest.Plan(url=url, requests=requests, concurrency=concurrency))
    return result.elapsed_s, [s.latency_ms for s in result.samples]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with _server() as base:
        url = f"{base}/health"
        rows = {"bare httpx loop": [], "bumba validate performance": []}
        for _ in range(args.rounds):
            rows["bare httpx loop"].append(asyncio.run(_bare(url, args.requests, args.concurrency)))
            rows["bumba validate performance"].append(_ours(url, args.requests, args.concurrency))
    print(f"{args.requests} requests at concurrency {args.concurrency} to {url}, best of {args.rounds} rounds")
    summary = {}
    for name, runs in rows.items():
        elapsed, latencies = min(runs, key=lambda run: run[0])
        latencies.sort()
        rps = len(latencies) / elapsed
        p50 = statistics.median(latencies)
        p99 = latencies[int(0.99 * (len(latencies) - 1))]
        summary[name] = (rps, p50)
        print(f"  {name:<28} {rps:8.0f} req/s   p50 {p50:6.2f} ms   p99 {p99:6.2f} ms")
    ours, bare = summary["bumba validate performance"], summary["bare httpx loop"]
    print(f"throughput ratio bumba / bare: {ours[0] / bare[0]:.2f}   p50 ratio bumba / bare: {ours[1] / bare[1]:.2f}")


if __name__ == "__main__":
    main()
