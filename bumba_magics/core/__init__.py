"""The core every other layer builds on: findings, the report model, errors, events, the run request, the
output-format registry and suppressions. Nothing here imports a layer above it."""

__version__ = "0.1.0"
