"""The vocabulary of the model tables: what a library's API means to the taint engine.

Names are dotted names as the code refers to them through its imports (``flask.request.args``,
``subprocess.run``). Objects that are not imported but handed to the code — a Django view's ``request``, the
response a call returns — get a *type name* (``django.http.HttpRequest``), and their attributes and methods
are named under it (``django.http.HttpRequest.GET``). ``*.name`` matches a method called on a value whose
type the engine does not know (``cursor.execute`` on whatever ``conn.cursor()`` returned).
"""

from __future__ import annotations

from dataclasses import dataclass

# The sink kinds; each has one rule (rules.py). ``TEXT`` is every kind a textual value can exploit, which is
# what int() and float() make safe (a number can still be too large: the "size" kind).
KINDS = (
    "sql", "command", "code", "path", "ssrf", "xss", "redirect", "xpath", "ldap", "xxe", "deserialization",
    "header", "trust", "secret", "hash", "size",
)
ALL = frozenset(KINDS)
TEXT = ALL - {"size", "secret", "hash"}

Args = tuple[int | str, ...]  # positions, keyword names, "self" (the receiver), "*" (every argument)


@dataclass(frozen=True)
class Source:
    """Reading ``name`` (or, with ``call``, calling it) yields untrusted data.

    kind: remote (a request), local (command line, terminal), env, file, random (a predictable value).
    """

    name: str
    label: str = ""
    kind: str = "remote"
    call: bool = False
    iterate: bool = False  # iterating the object yields untrusted data (``async for msg in websocket``)


@dataclass(frozen=True)
class Sink:
    """Untrusted data in ``args`` of a call to ``name`` is a flaw of ``kind``; ``when`` names a condition
    the engine checks (``shell``: subprocess with shell=True or a command string; ``html``: the response is
    HTML; ``html-explicit``: the content type says HTML; ``unsafe-yaml``: no safe Loader; ``parser``: an XML
    parser that resolves entities)."""

    name: str
    kind: str
    args: Args = (0,)
    when: str = ""
    severity: str = ""  # overrides the rule's severity (e.g. entity expansion in the stdlib parsers)


@dataclass(frozen=True)
class StoreSink:
    """``obj[key] = untrusted`` is a flaw when ``obj`` is ``name`` (a session, a response's headers)."""

    name: str
    kind: str


@dataclass(frozen=True)
class Sanitizer:
    """The result of calling ``name`` is safe for ``kinds`` (``ALL`` for values that carry no data)."""

    name: str
    kinds: frozenset
    numeric: bool = False  # the result is a number (it can still be a size)


@dataclass(frozen=True)
class Guard:
    """A check in an ``if`` that validates ``arg``: on the branch where it passed, the checked variable is
    safe for ``kinds`` (a barrier guard)."""

    name: str
    kinds: frozenset
    arg: int | str = 0


@dataclass(frozen=True)
class Returns:
    """Calling (or, with ``attribute``, reading) ``name`` yields an object of ``type``.

    ``constant_type``: the type when every argument is a constant (a file opened at a fixed path is part of
    the program, not input). ``keywords``: keyword values that give ``alt_type`` instead (a parser made with
    ``resolve_entities=False``)."""

    name: str
    type: str
    attribute: bool = False
    constant_type: str = ""
    keywords: tuple[tuple[str, object], ...] = ()
    alt_type: str = ""


@dataclass(frozen=True)
class NoReturn:
    """Calling ``name`` never returns (``abort(400)``, ``sys.exit()``): the path ends there."""

    name: str


@dataclass(frozen=True)
class Handler:
    """Functions the framework calls with request data: their parameters are sources.

    via: ``decorator`` (``@app.route``: ``name`` is the decorator's dotted name), ``base`` (methods named in
    ``methods`` of a class deriving from ``name``; ``*`` ends a prefix), ``module`` (functions whose first
    parameter is called ``request``, in a module that imports ``name``).
    style decides which parameters are values and which are framework objects (see TypedParam).
    """

    name: str
    style: str
    via: str = "decorator"
    methods: tuple[str, ...] = ()
    returns_html: bool = False  # a string the handler returns is sent as HTML (Flask)


@dataclass(frozen=True)
class TypedParam:
    """A handler parameter that is a framework object (by name or annotation), not a value.

    ``type`` is the object's type name; empty means the parameter carries no request data at all
    (``Depends(...)``, ``BackgroundTasks``)."""

    style: str
    type: str = ""
    name: str = ""
    annotation: str = ""
    default_call: str = ""  # the parameter's default is a call to this (``Depends``)


@dataclass(frozen=True)
class ClassField:
    """Instances of classes deriving from ``base`` have attribute ``field`` of type ``type`` (a Django
    class-based view's ``self.request``), or, with ``source``, untrusted data (``self.kwargs``)."""

    base: str
    field: str
    type: str = ""
    source: str = ""


@dataclass(frozen=True)
class Alias:
    """``name`` is another name for ``target`` (``fastapi.Request`` is Starlette's)."""

    name: str
    target: str
