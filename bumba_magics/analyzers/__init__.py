"""Offline analyzers. Importing this package registers every built-in analyzer and its rules."""

from .base import ANALYZERS, CHECKS, RULES, Analyzer, AnalyzerConfig, Rule, register_analyzer  # noqa: F401
