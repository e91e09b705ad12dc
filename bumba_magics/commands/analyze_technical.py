"""``analyze-technical``: architecture (import graph, cycles, layers, coupling), complexity, hygiene."""

from __future__ import annotations

from .base import Command, register

COMMAND = register(Command(
    "analyze-technical", "Architecture: import graph, cycles, layering, coupling, complexity, hygiene.",
    needs="a package folder, a notebook or a cell body", order=30,
    analyzers=("architecture", "ruff", "hygiene"), ruff_select=("C90",), aliases=("analyze",),
    details="Builds the import graph (cycles, layer violations from [tool.bumba] layers, fan-in/fan-out, "
    "large and dead modules), measures cyclomatic complexity per function and checks notebook hygiene.",
    agent_brief="Lane: analyze-technical. Judge the structure: module boundaries, cycles, layering, "
    "coupling, and the functions too complex to change safely.",
))
