"""Offline analyzers. Each module registers its analyzer and rules when imported; the engine imports the
ones a command needs (``engines.offline.load_builtin_analyzers``)."""

from .base import ANALYZERS, RULES, Analyzer, AnalyzerConfig, Checks, Rule, register_analyzer  # noqa: F401
