"""``validate performance URL``: a bounded load test of one HTTP endpoint.

Workers share one ``httpx.AsyncClient`` (one connection pool, ``--concurrency`` connections) and take request
slots until ``--requests`` are sent or ``--duration`` is over. Hard caps bound both whatever the options say,
so a typo cannot turn a notebook into a flood. The event loop runs in its own thread: in Jupyter the kernel's
loop is already running, and ``asyncio.run`` cannot nest in it.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import io
import json
import math
import statistics
import threading
import time
from dataclasses import dataclass, field

from ..core.errors import ReviewError
from ..core.report import Artifact, Report
from ..core.request import RunRequest
from . import rules
from .common import add_output_options, build_report, check_url, duration_ms, finding, fraction, parse_headers

MAX_REQUESTS = 100_000
MAX_DURATION_S = 300.0
MAX_CONCURRENCY = 256
DEFAULT_REQUESTS = 200
DEFAULT_CONCURRENCY = 10


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("url", help="the endpoint, e.g. http://127.0.0.1:8000/health")
    parser.add_argument("-n", "--requests", type=int, metavar="N",
                        help=f"requests to send (default {DEFAULT_REQUESTS} unless --duration is given; "
                             f"at most {MAX_REQUESTS})")
    parser.add_argument("-c", "--concurrency", type=int, default=DEFAULT_CONCURRENCY, metavar="N",
                        help=f"requests in flight at once (default {DEFAULT_CONCURRENCY}, at most {MAX_CONCURRENCY})")
    parser.add_argument("-d", "--duration", type=duration_ms, metavar="TIME",
                        help=f"send for this long, e.g. 10s (at most {MAX_DURATION_S:.0f}s; also bounds --requests)")
    parser.add_argument("-X", "--method", default="GET", help="HTTP method (default GET)")
    parser.add_argument("-H", "--header", action="append", default=[], metavar="'NAME: VALUE'",
                        help="a request header; repeat for more")
    body = parser.add_mutually_exclusive_group()
    body.add_argument("--data", metavar="TEXT", help="request body, sent as is")
    body.add_argument("--json", metavar="JSON", help="JSON request body (sets Content-Type)")
    parser.add_argument("--timeout", type=duration_ms, default=10_000.0, metavar="TIME",
                        help="per-request timeout (default 10s); a timeout counts as an error")
    parser.add_argument("--p95", type=duration_ms, metavar="TIME", help="latency budget for p95, e.g. 200ms")
    parser.add_argument("--p99", type=duration_ms, metavar="TIME", help="latency budget for p99")
    parser.add_argument("--error-rate", type=fraction, metavar="RATE", dest="error_rate",
                        help="error budget, e.g. 1%% (default: any error is reported)")
    parser.add_argument("--allow-remote", action="store_true",
                        help="allow a host other than loopback (only services you may load-test)")
    add_output_options(parser)


@dataclass
class Plan:
    url: str
    method: str = "GET"
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None
    requests: int | None = DEFAULT_REQUESTS
    duration_s: float | None = None
    concurrency: int = DEFAULT_CONCURRENCY
    timeout_s: float = 10.0


@dataclass
class Sample:
    started: float  # seconds since the load test started
    latency_ms: float
    status: int | None  # None: no response (timeout, refused, reset)
    error: str | None = None


@dataclass
class Result:
    samples: list[Sample]
    elapsed_s: float
    stopped_by: str  # "requests" | "duration" | "cap"


def plan_from_args(args: argparse.Namespace) -> Plan:
    check_url(args.url, args.allow_remote)
    if args.requests is not None and not 1 <= args.requests <= MAX_REQUESTS:
        raise ReviewError(f"--requests must be between 1 and {MAX_REQUESTS} (got {args.requests})")
    if not 1 <= args.concurrency <= MAX_CONCURRENCY:
        raise ReviewError(f"--concurrency must be between 1 and {MAX_CONCURRENCY} (got {args.concurrency})")
    duration_s = None if args.duration is None else args.duration / 1000
    if duration_s is not None and not 0 < duration_s <= MAX_DURATION_S:
        raise ReviewError(f"--duration must be more than 0 and at most {MAX_DURATION_S:.0f}s")
    headers = parse_headers(args.header)
    body = None
    if args.json is not None:
        try:
            json.loads(args.json)
        except ValueError as error:
            raise ReviewError(f"--json is not valid JSON: {error}") from None
        body = args.json.encode()
        headers.setdefault("Content-Type", "application/json")
    elif args.data is not None:
        body = args.data.encode()
    requests = args.requests if args.requests is not None else (None if duration_s else DEFAULT_REQUESTS)
    return Plan(url=args.url, method=args.method.upper(), headers=headers, body=body, requests=requests,
                duration_s=duration_s, concurrency=args.concurrency, timeout_s=args.timeout / 1000)


def run_load(plan: Plan) -> Result:
    """Run the plan in a thread with its own event loop (safe inside Jupyter's running loop)."""
    outcome: dict = {}

    def target() -> None:
        try:
            outcome["result"] = asyncio.run(_load(plan))
        except BaseException as error:  # noqa: BLE001 — re-raised in the caller's thread
            outcome["error"] = error

    thread = threading.Thread(target=target, name="bumba-loadtest", daemon=True)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"]


async def _load(plan: Plan) -> Result:
    import httpx

    limits = httpx.Limits(max_connections=plan.concurrency, max_keepalive_connections=plan.concurrency)
    timeout = httpx.Timeout(plan.timeout_s)
    async with httpx.AsyncClient(limits=limits, timeout=timeout, follow_redirects=False) as client:
        # one request first: a service that is not there is a usage error, not a report of 100% errors
        try:
            await client.request(plan.method, plan.url, headers=plan.headers, content=plan.body)
        except httpx.TransportError as error:
            raise ReviewError(f"cannot reach {plan.url}: {type(error).__name__}: {error or 'no response'}") from None
        samples: list[Sample] = []
        budget = plan.requests
        cap_s = min(plan.duration_s or MAX_DURATION_S, MAX_DURATION_S)
        start = time.perf_counter()
        deadline = start + cap_s
        issued = 0

        async def worker() -> None:
            nonlocal issued
            while time.perf_counter() < deadline and (budget is None or issued < budget):
                issued += 1  # one event loop thread: no lock needed between the check and the increment
                sent = time.perf_counter()
                try:
                    response = await client.request(plan.method, plan.url, headers=plan.headers, content=plan.body)
                    await response.aread()
                    status, error = response.status_code, None
                except httpx.TransportError as exc:
                    status, error = None, type(exc).__name__
                now = time.perf_counter()
                samples.append(Sample(sent - start, (now - sent) * 1000, status, error))

        workers = min(plan.concurrency, budget or plan.concurrency)
        await asyncio.gather(*(worker() for _ in range(workers)))
        elapsed = time.perf_counter() - start
    if budget is not None and issued >= budget:
        stopped = "requests"
    else:
        stopped = "duration" if plan.duration_s and plan.duration_s <= MAX_DURATION_S else "cap"
    return Result(samples=samples, elapsed_s=elapsed, stopped_by=stopped)


def percentile(sorted_values: list[float], q: float) -> float:
    """Nearest-rank percentile: the value at or below which q% of the samples fall."""
    if not sorted_values:
        return math.nan
    rank = max(1, math.ceil(q / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


def summarise(result: Result, plan: Plan) -> dict:
    latencies = sorted(s.latency_ms for s in result.samples)
    errors = [s for s in result.samples if s.status is None or s.status >= 400]
    statuses: dict[str, int] = {}
    for sample in result.samples:
        key = str(sample.status) if sample.status is not None else (sample.error or "no response")
        statuses[key] = statuses.get(key, 0) + 1
    n = len(result.samples)
    return {
        "url": plan.url,
        "method": plan.method,
        "requests": n,
        "concurrency": plan.concurrency,
        "duration_s": round(result.elapsed_s, 3),
        "throughput_rps": round(n / result.elapsed_s, 1) if result.elapsed_s else 0.0,
        "errors": len(errors),
        "error_rate": round(len(errors) / n, 4) if n else 0.0,
        "latency_min_ms": _ms(latencies[0] if latencies else math.nan),
        "latency_mean_ms": _ms(statistics.fmean(latencies) if latencies else math.nan),
        "latency_p50_ms": _ms(percentile(latencies, 50)),
        "latency_p90_ms": _ms(percentile(latencies, 90)),
        "latency_p95_ms": _ms(percentile(latencies, 95)),
        "latency_p99_ms": _ms(percentile(latencies, 99)),
        "latency_max_ms": _ms(latencies[-1] if latencies else math.nan),
        "status_codes": ", ".join(f"{k}: {v}" for k, v in sorted(statuses.items())),
        "stopped_by": result.stopped_by,
    }


def _ms(value: float) -> float:
    return round(value, 2)


def budget_findings(metrics: dict, plan: Plan, p95: float | None, p99: float | None, error_budget: float | None):
    where = f"{plan.method} {plan.url}"
    found = []
    for name, budget in (("p95", p95), ("p99", p99)):
        if budget is None:
            continue
        measured = metrics[f"latency_{name}_ms"]
        if measured > budget:
            found.append(finding(
                rules.LATENCY_BUDGET, where, key=name,
                title=f"{name} latency {measured:.0f} ms is over the {budget:.0f} ms budget",
                evidence=f"{name} = {measured} ms over {metrics['requests']} requests at concurrency "
                         f"{metrics['concurrency']} (p50 {metrics['latency_p50_ms']} ms, max "
                         f"{metrics['latency_max_ms']} ms); budget {budget:g} ms",
            ))
    budget = 0.0 if error_budget is None else error_budget
    if metrics["error_rate"] > budget:
        found.append(finding(
            rules.ERROR_RATE, where, key="errors",
            title=f"{metrics['error_rate']:.1%} of requests failed (budget {budget:.1%})",
            evidence=f"{metrics['errors']} of {metrics['requests']} requests failed; responses: {metrics['status_codes']}",
        ))
    return found


def plots(result: Result, metrics: dict) -> list[Artifact]:
    """A latency histogram and latency over time, rendered with matplotlib's Agg canvas (no pyplot state)."""
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError:
        return []
    artifacts = []
    latencies = [s.latency_ms for s in result.samples]

    fig = Figure(figsize=(7, 3.2), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.hist(latencies, bins=min(50, max(5, len(latencies) // 5)), color="#4c72b0")
    for name, style in (("p50", ":"), ("p95", "--"), ("p99", "-.")):
        value = metrics[f"latency_{name}_ms"]
        ax.axvline(value, color="#c44e52", linestyle=style, label=f"{name} {value:.1f} ms")
    ax.set_xlabel("latency (ms)")
    ax.set_ylabel("requests")
    ax.set_title(f"Latency distribution — {metrics['method']} {metrics['url']}", fontsize=9)
    ax.legend(fontsize=8)
    fig.tight_layout()
    artifacts.append(Artifact(title="Latency histogram", mime="image/png", data=_png(fig)))

    fig = Figure(figsize=(7, 3.2), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ok = [s for s in result.samples if s.status is not None and s.status < 400]
    bad = [s for s in result.samples if s.status is None or s.status >= 400]
    ax.scatter([s.started for s in ok], [s.latency_ms for s in ok], s=4, color="#4c72b0", label="ok")
    if bad:
        ax.scatter([s.started for s in bad], [s.latency_ms for s in bad], s=8, color="#c44e52", marker="x",
                   label="error")
    ax.set_xlabel("time since start (s)")
    ax.set_ylabel("latency (ms)")
    ax.set_title("Latency over time", fontsize=9)
    ax.legend(fontsize=8)
    fig.tight_layout()
    artifacts.append(Artifact(title="Latency over time", mime="image/png", data=_png(fig)))
    return artifacts


def _png(fig) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def run(request: RunRequest) -> Report:
    started = time.monotonic()
    args = request.args
    plan = plan_from_args(args)
    result = run_load(plan)
    if not result.samples:
        raise ReviewError(f"no request to {plan.url} completed within the time limit")
    metrics = summarise(result, plan)
    notes = []
    if result.stopped_by == "cap":
        notes.append(f"stopped at the {MAX_DURATION_S:.0f}s time cap before {plan.requests} requests were sent")
    import httpx

    return build_report(
        request, f"{plan.method} {plan.url}", budget_findings(metrics, plan, args.p95, args.p99, args.error_rate),
        started=started, metrics=metrics, artifacts=plots(result, metrics), notes=notes,
        tools={"httpx": httpx.__version__}, label="validate performance",
    )
