"""The models as data: one small table per framework or library, each a module here with a ``MODELS`` list.

Every module of this package is loaded (supporting a new framework is adding a table and its tests), and
the entries are indexed by kind and name so the engine looks each call up once.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from .schema import (
    Alias,
    ClassField,
    Guard,
    Handler,
    NoReturn,
    Returns,
    Sanitizer,
    Sink,
    Source,
    StoreSink,
    TypedParam,
)


@dataclass
class Models:
    attr_sources: dict[str, Source] = field(default_factory=dict)
    call_sources: dict[str, Source] = field(default_factory=dict)
    iter_sources: dict[str, Source] = field(default_factory=dict)
    sinks: dict[str, list[Sink]] = field(default_factory=lambda: defaultdict(list))
    store_sinks: dict[str, StoreSink] = field(default_factory=dict)
    sanitizers: dict[str, Sanitizer] = field(default_factory=dict)
    guards: dict[str, Guard] = field(default_factory=dict)
    returns: dict[str, Returns] = field(default_factory=dict)
    attributes: dict[str, Returns] = field(default_factory=dict)
    noreturn: set[str] = field(default_factory=set)
    handlers: list[Handler] = field(default_factory=list)
    typed_params: dict[str, list[TypedParam]] = field(default_factory=lambda: defaultdict(list))
    class_fields: list[ClassField] = field(default_factory=list)
    aliases: dict[str, str] = field(default_factory=dict)
    modules: list[str] = field(default_factory=list)

    def add(self, entry: object) -> None:
        if isinstance(entry, Source):
            table = self.iter_sources if entry.iterate else self.call_sources if entry.call else self.attr_sources
            table[entry.name] = entry
        elif isinstance(entry, Sink):
            self.sinks[entry.name].append(entry)
        elif isinstance(entry, StoreSink):
            self.store_sinks[entry.name] = entry
        elif isinstance(entry, Sanitizer):
            self.sanitizers[entry.name] = entry
        elif isinstance(entry, Guard):
            self.guards[entry.name] = entry
        elif isinstance(entry, Returns):
            (self.attributes if entry.attribute else self.returns)[entry.name] = entry
        elif isinstance(entry, NoReturn):
            self.noreturn.add(entry.name)
        elif isinstance(entry, Handler):
            self.handlers.append(entry)
        elif isinstance(entry, TypedParam):
            self.typed_params[entry.style].append(entry)
        elif isinstance(entry, ClassField):
            self.class_fields.append(entry)
        elif isinstance(entry, Alias):
            self.aliases[entry.name] = entry.target
        else:
            raise TypeError(f"not a model entry: {entry!r}")

    def canonical(self, name: str | None) -> str | None:
        """``fastapi.Request`` -> ``starlette.requests.Request``: the longest aliased prefix rewritten."""
        if not name or not self.aliases:
            return name
        head = name
        while True:
            target = self.aliases.get(head)
            if target is not None:
                return target + name[len(head):]
            cut = head.rfind(".")
            if cut < 0:
                return name
            head = head[:cut]


@lru_cache(maxsize=1)
def load_models() -> Models:
    models = Models()
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name == "schema":
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        models.modules.append(info.name)
        for entry in getattr(module, "MODELS", ()):
            models.add(entry)
    return models
