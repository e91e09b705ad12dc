"""``test api SPEC --base-url URL``: conformance of a running service to its OpenAPI spec, with schemathesis.

schemathesis generates the requests (examples from the spec, boundary and invalid values in its coverage
phase, property-based fuzzing with Hypothesis, stateful sequences from links) and runs its checks on every
response; we turn each failed check into one finding per operation and kind of problem, with schemathesis's
own curl reproducer as evidence.
"""

from __future__ import annotations

import argparse
import contextlib
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

from ..core.errors import ReviewError
from ..core.findings import Finding
from ..core.report import Report
from ..core.request import RunRequest
from . import rules
from .common import add_output_options, build_report, check_url, finding, parse_headers, short

MAX_EXAMPLES = 1000
MAX_TIME_S = 1800

PHASES = ("examples", "coverage", "fuzzing", "stateful")


def _phases(value: str) -> list[str]:
    chosen = [p.strip().lower() for p in value.split(",") if p.strip()]
    unknown = [p for p in chosen if p not in PHASES]
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(f"phases are {', '.join(PHASES)} (got {value!r})")
    return chosen


# schemathesis check name -> our rule
_CHECK_RULES = {
    "not_a_server_error": rules.API_SERVER_ERROR,
    "response_schema_conformance": rules.API_SCHEMA_VIOLATION,
    "content_type_conformance": rules.API_SCHEMA_VIOLATION,
    "response_headers_conformance": rules.API_SCHEMA_VIOLATION,
    "status_code_conformance": rules.API_UNDOCUMENTED_STATUS,
    "ignored_auth": rules.API_AUTH_NOT_ENFORCED,
    "negative_data_rejection": rules.API_ACCEPTS_INVALID,
    "missing_required_header": rules.API_ACCEPTS_INVALID,
    "positive_data_acceptance": rules.API_REJECTS_VALID,
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("spec", help="the OpenAPI spec: a JSON/YAML file or an http(s) URL")
    parser.add_argument("--base-url", metavar="URL", dest="base_url",
                        help="where the service runs, e.g. http://127.0.0.1:8000 (default: the spec URL's origin)")
    parser.add_argument("--max-examples", type=int, default=50, metavar="N", dest="max_examples",
                        help=f"generated cases per operation and phase (default 50, at most {MAX_EXAMPLES})")
    parser.add_argument("--max-time", type=float, default=300.0, metavar="SECONDS", dest="max_time",
                        help=f"stop after this long (default 300, at most {MAX_TIME_S})")
    parser.add_argument("--phases", type=_phases, default=None, metavar="LIST",
                        help=f"which of {','.join(PHASES)} to run (default: all)")
    parser.add_argument("--seed", type=int, help="generation seed, to reproduce a run exactly")
    parser.add_argument("-H", "--header", action="append", default=[], metavar="'NAME: VALUE'",
                        help="a header for every request (e.g. 'Authorization: Bearer …'); repeat for more")
    parser.add_argument("--allow-remote", action="store_true",
                        help="allow a host other than loopback (only services you may test)")
    add_output_options(parser)


def load_schema(spec: str, allow_remote: bool):
    import schemathesis
    from schemathesis.config import SchemathesisConfig
    from schemathesis.core.errors import LoaderError

    config = SchemathesisConfig()  # not discover(): a schemathesis.toml in the cwd must not change our run
    try:
        if urlsplit(spec).scheme in ("http", "https"):
            check_url(spec, allow_remote)
            return schemathesis.openapi.from_url(spec, config=config, timeout=30)
        path = Path(spec).expanduser()
        if not path.is_file():
            raise ReviewError(f"{spec}: no such spec file")
        return schemathesis.openapi.from_path(path, config=config)
    except LoaderError as error:
        kind = str(getattr(error, "kind", ""))
        if kind.startswith(("connection", "network", "http_", "invalid_certificate")):
            raise ReviewError(f"cannot load the spec {spec}: {_one_line(str(error))}") from None
        raise ReviewError(f"{spec} is not a usable OpenAPI spec: {_one_line(str(error))}") from None
    except (ValueError, OSError) as error:  # YAML/JSON syntax, unreadable file, connection refused
        raise ReviewError(f"cannot load the spec {spec}: {_one_line(str(error))}") from None
    except RecursionError:  # the JSON and YAML parsers recurse once per nesting level
        raise ReviewError(f"cannot load the spec {spec}: nested too deeply") from None


def _one_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return " ".join(lines[:3])[:400]


@contextlib.contextmanager
def _hypothesis_storage():
    """Hypothesis writes a .hypothesis folder into the cwd (the user's project); point it at a temp dir."""
    from hypothesis import configuration

    previous = getattr(configuration, "__hypothesis_home_directory", None)
    with tempfile.TemporaryDirectory(prefix="bumba-hypothesis-") as tmp:
        configuration.set_hypothesis_home_dir(tmp)
        try:
            yield
        finally:
            configuration.set_hypothesis_home_dir(previous)


class timer_guard:
    """Cancels the stop timer however the run ends."""

    def __init__(self, timer: threading.Timer) -> None:
        self.timer = timer

    def close(self) -> None:
        self.timer.cancel()


def _reach(base_url: str, headers: dict[str, str]) -> None:
    import httpx

    try:
        httpx.get(base_url, headers=headers, timeout=10, verify=False)
    except httpx.TransportError as error:
        raise ReviewError(f"cannot reach {base_url}: {type(error).__name__}: {error or 'no response'}") from None


def run(request: RunRequest) -> Report:
    from schemathesis.engine import events, from_schema

    started = time.monotonic()
    args = request.args
    if not 1 <= args.max_examples <= MAX_EXAMPLES:
        raise ReviewError(f"--max-examples must be between 1 and {MAX_EXAMPLES}")
    if not 0 < args.max_time <= MAX_TIME_S:
        raise ReviewError(f"--max-time must be more than 0 and at most {MAX_TIME_S}s")
    headers = parse_headers(args.header)
    base_url = args.base_url
    if base_url is None:
        parts = urlsplit(args.spec)
        if parts.scheme not in ("http", "https"):
            raise ReviewError("--base-url is needed when the spec is a file (where does the service run?)")
        base_url = f"{parts.scheme}://{parts.netloc}"
    check_url(base_url, args.allow_remote)
    schema = load_schema(args.spec, args.allow_remote)
    _reach(base_url, headers)
    schema.config.update(base_url=base_url.rstrip("/"), headers=headers or None)
    schema.config.generation.update(max_examples=args.max_examples, database="none")
    if args.phases:
        schema.config.phases.update(phases=args.phases)
    if args.seed is not None:
        schema.config.seed = args.seed

    failures: dict[tuple[str, str], dict] = {}
    operations: set[str] = set()
    tested: set[str] = set()
    cases = 0
    notes: list[str] = []
    stop_reason = None
    # not schemathesis's max_time: with one set, its fuzzing phases keep going until the time is used up;
    # ours is a cap, so a timer stops the stream and the phases end as soon as they are done
    stream = from_schema(schema).execute()
    timer = threading.Timer(args.max_time, stream.stop)
    timer.daemon = True
    timer.start()
    with _hypothesis_storage(), contextlib.closing(timer_guard(timer)):
        for event in stream:
            if isinstance(event, events.ScenarioFinished):
                recorder = event.recorder
                cases += len(recorder.interactions)
                if event.phase.value != "stateful":  # stateful scenarios span operations
                    operations.add(recorder.label)
                    if recorder.interactions:
                        tested.add(recorder.label)
                _collect(recorder, event.phase.value, failures)
            elif isinstance(event, events.NonFatalError):
                notes.append(f"{event.label}: {_one_line(str(event.value))}")
            elif isinstance(event, events.FatalError):
                raise ReviewError(f"the API test could not run: {_one_line(str(event.exception))}")
            elif isinstance(event, events.EngineFinished):
                stop_reason = event.stop_reason.value

    findings = _findings(failures, base_url)
    untested = sorted(operations - tested)
    if untested:
        notes.append(f"{len(untested)} operation(s) got no response: {', '.join(untested[:10])}")
    import schemathesis

    metrics = {
        "spec": args.spec, "base_url": base_url, "operations": len(operations), "operations_tested": len(tested),
        "operations_failing": len({op for op, _rule in failures}), "requests": cases,
        "max_examples": args.max_examples, "seed": schema.config.seed, "stopped": stop_reason,
    }
    root = None if urlsplit(args.spec).scheme in ("http", "https") else str(Path(args.spec).resolve().parent)
    return build_report(request, f"{args.spec} @ {base_url}", findings, started=started, metrics=metrics,
                        notes=notes, root=root, tools={"schemathesis": schemathesis.__version__},
                        label="test api")


def _collect(recorder, phase: str, failures: dict) -> None:
    for case_id, checks in recorder.checks.items():
        for check in checks:
            info = check.failure_info
            if info is None:
                continue
            failure = info.failure
            rule = _CHECK_RULES.get(check.name, rules.API_CHECK_FAILED)
            operation = getattr(failure, "operation", None) or recorder.label
            key = (operation, rule.code)
            entry = failures.setdefault(key, {
                "rule": rule, "operation": operation, "checks": {}, "phase": phase, "count": 0,
            })
            entry["count"] += 1
            title = failure.title or check.name
            if title not in entry["checks"]:
                curl = info.code_sample or (info.steps[-1].curl if info.steps else "")
                entry["checks"][title] = {
                    "check": check.name, "message": (failure.message or "").strip(), "curl": curl, "phase": phase,
                    "status": _status(recorder, failure.case_id or case_id),
                }


def _status(recorder, case_id: str) -> int | None:
    response = recorder.find_response(case_id=case_id)
    return None if response is None else response.status_code


def _findings(failures: dict, base_url: str) -> list[Finding]:
    found = []
    by_operation: dict[str, set[str]] = {}
    for operation, code in failures:
        by_operation.setdefault(operation, set()).add(code)
    for (operation, code), entry in sorted(failures.items()):
        rule = entry["rule"]
        codes = by_operation[operation]
        # a 5xx is also an undocumented status; and invalid credentials accepted is also invalid input
        # accepted: the more specific finding says it, once
        if code == rules.API_UNDOCUMENTED_STATUS.code and rules.API_SERVER_ERROR.code in codes and all(
            (c["status"] or 0) >= 500 for c in entry["checks"].values()
        ):
            continue
        if code == rules.API_ACCEPTS_INVALID.code and rules.API_AUTH_NOT_ENFORCED.code in codes and all(
            "auth" in (c["message"] + c["curl"]).lower() or c["check"] == "negative_data_rejection"
            for c in entry["checks"].values()
        ):
            continue
        details = list(entry["checks"].items())
        first_title, first = details[0]
        evidence = "\n\n".join(
            f"[{c['check']}, {c['phase']} phase] {t}"
            + (f" (HTTP {c['status']})" if c["status"] else "")
            + (f"\n{short(c['message'], 600)}" if c["message"] else "")
            + (f"\nreproduce: {c['curl']}" if c["curl"] else "")
            for t, c in details
        )
        found.append(finding(
            rule, operation, key=operation,
            title=f"{operation}: {first_title}" + (f" — {_one_line(first['message'])[:120]}" if first["message"] else ""),
            evidence=short(evidence, 3000),
        ))
    return found
