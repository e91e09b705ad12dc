"""Offline analyzers. Each module registers its analyzer and rules when imported; ``registry`` says which
module holds which analyzer (ours, and other packages' through the ``bumba_magics.analyzers`` entry points)
and the engine loads the ones a command needs from it."""

from .base import ANALYZERS, RULES, Analyzer, AnalyzerConfig, Checks, Rule, register_analyzer  # noqa: F401
