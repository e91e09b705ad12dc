"""A taint (dataflow) engine of our own over the Python AST.

Values are followed from **sources** (request data of Flask, Django, FastAPI/Starlette, aiohttp, GraphQL
resolvers, websockets; ``input()``, ``sys.argv``; with lower severity the environment and files) through
assignments, string building, containers (constant keys and positions followed one by one), attributes,
comprehensions and calls — into other functions and modules through per-function summaries — to **sinks**
(SQL, shell, ``eval``, file paths, outgoing URLs, HTML responses, redirects, XPath, LDAP, XML parsers,
deserialisers, headers, the session, tokens, hashes, sizes), stopping at **sanitizers** and at checks on the
path (``if name in ALLOWED``). Conditions that fold to a constant leave their dead branch out. Each finding
carries the path from the source to the sink.

What a library means to the engine is data: ``models/`` holds one small table per framework or library.
Their vocabulary (sources, sinks, sanitizers, barrier guards, handler entry points, models as data, one query
per sink kind) was learned from reading the documentation and model libraries of CodeQL's Python
frameworks (its Flask and Django models and remote-flow sources), Pysa's taint stubs and rules, and semgrep's
taint mode (sources, sinks, sanitizers, propagators); no code or text of theirs is used.

Modules: ``values`` (abstract values and taints), ``program`` (modules, imports, functions), ``interpreter``
(one function, one pass), ``engine`` (summaries, findings), ``entries`` (handlers and their parameters),
``rules`` (BMB120–BMB135), ``analyzer`` (the registered analyzer, ``constant_sinks``).
"""

from . import rules  # noqa: F401  (registers the rules)
from .analyzer import DataflowAnalyzer, DataflowResult, analyze_sources, constant_sinks

__all__ = ["DataflowAnalyzer", "DataflowResult", "analyze_sources", "constant_sinks"]
