"""Review settings: defaults, then ``[tool.bumba]`` in the target's pyproject.toml, then what the user set
(``%config BumbaMagics.…`` or CLI options). One pydantic model so a typo in pyproject is a clear error.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .analyzers.base import AnalyzerConfig
from .context.confine import Refused, confine, read_bytes
from .core.findings import Category, Severity
from .core.suppressions import BASELINE_FILE, BASELINE_MAX_BYTES  # noqa: F401 — their old home

PYPROJECT_MAX_BYTES = 4 * 2**20  # a configuration file, not data: past this it is not one



class SettingsError(ValueError):
    pass


class CheckpointSettings(BaseModel):
    """``[tool.bumba.checkpoint]``: the budgets ``bumba checkpoint`` passes or fails on (None: no limit).

    Counts are over the findings the report shows, i.e. those not accepted in the baseline.
    """

    model_config = ConfigDict(extra="forbid")

    max_new: int | None = Field(None, ge=0)  # findings of any severity
    max_new_critical: int | None = Field(None, ge=0)  # findings at or above each severity; the fail-on
    max_new_high: int | None = Field(None, ge=0)  # level allows 0 unless its own max_new_<level> says more
    max_new_medium: int | None = Field(None, ge=0)
    max_new_low: int | None = Field(None, ge=0)
    max_complexity: int | None = Field(None, ge=1)  # highest cyclomatic complexity of any function (C901)
    max_complexity_findings: int | None = Field(None, ge=0)  # functions over max-complexity
    max_findings: dict[str, int] = Field(default_factory=dict)  # per category, e.g. {security = 0}

    @field_validator("max_findings", mode="before")
    @classmethod
    def _dashes(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        known = {c.value for c in Category}
        unknown = sorted(set(value) - known)
        if unknown:
            raise ValueError(f"unknown categor{'ies' if len(unknown) > 1 else 'y'} {', '.join(unknown)}; "
                             f"expected some of {', '.join(sorted(known))}")
        return value


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    engine: str = "auto"  # auto, offline, or a registered engine (engines.registry checks the name)
    min_severity: Severity = Field(Severity.info, alias="severity")  # findings below are not reported
    fail_on: Severity | None = None
    select: list[str] = Field(default_factory=list)  # rule codes or prefixes to keep
    ignore: list[str] = Field(default_factory=list)  # rule codes or prefixes to drop
    exclude: list[str] = Field(default_factory=list)  # gitignore-style paths to skip
    layers: list[list[str]] = Field(default_factory=list)  # architecture layers, top to bottom
    # "all": an import cycle closed by a function-level import is reported too (low); "runtime": only
    # the imports that run at import time count, as for the interpreter
    import_cycles: Literal["all", "runtime"] = "all"
    max_complexity: int = Field(10, ge=1)
    max_module_lines: int = Field(1000, ge=1)
    max_fan_out: int = Field(15, ge=1)
    max_fan_in: int = Field(25, ge=1)
    max_file_bytes: int = Field(1_000_000, ge=1, le=2**40)  # a terabyte: past it, a number is a typo
    baseline: str | None = None  # path of a baseline file, relative to the root
    agent: str | None = None
    cache: bool = True
    include_repo: bool = True  # a notebook review also reviews the repository the notebook sits in
    # the Claude engine
    model: str | None = None  # sonnet / opus / haiku or a model id; None: the agent file's model
    max_turns: int = Field(12, ge=1)
    max_cost: float | None = Field(1.0, ge=0)  # USD per run, estimated from the price table
    prices: dict[str, dict[str, float]] = Field(default_factory=dict)  # model -> USD per million tokens
    context_tokens: int = Field(40_000, ge=500)  # budget of the context block sent up front
    max_output_tokens: int = Field(8192, ge=256)
    refresh: bool = False  # ask the agent again instead of replaying its cached answer
    include_values: bool = False  # describe_variable may show (redacted) values
    api_key: str | None = Field(None, repr=False)  # prefer api_key_env or ANTHROPIC_API_KEY
    api_key_env: str | None = None  # name of the environment variable holding the key
    base_url: str | None = None  # a proxy or gateway; ANTHROPIC_BASE_URL works too
    request_timeout: float = Field(120.0, gt=0)
    max_retries: int = Field(2, ge=0)
    checkpoint: CheckpointSettings = Field(default_factory=CheckpointSettings)

    @field_validator("layers", mode="before")
    @classmethod
    def _layers_as_lists(cls, value: Any) -> Any:
        # [tool.bumba] layers = ["app.api", "app.services", "app.db"] is the natural way to write it
        if isinstance(value, list):
            return [[item] if isinstance(item, str) else item for item in value]
        return value

    def merged(self, **overrides: Any) -> Settings:
        """A copy with the given values (None means "not set", so it keeps the current value)."""
        values = {k: v for k, v in overrides.items() if v is not None}
        try:
            return Settings.model_validate({**self.model_dump(), **values})
        except ValidationError as error:
            raise SettingsError(_describe(error, "option")) from None

    def analyzer_config(self, **extra: Any) -> AnalyzerConfig:
        return AnalyzerConfig(
            select=frozenset(self.select),
            ignore=frozenset(self.ignore),
            max_complexity=self.max_complexity,
            max_module_lines=self.max_module_lines,
            max_fan_out=self.max_fan_out,
            max_fan_in=self.max_fan_in,
            layers=self.layers,
            import_cycles=self.import_cycles,
            extra=extra,
        )


def _describe(error: ValidationError, where: str) -> str:
    problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or where}: {e['msg']}" for e in error.errors())
    return f"invalid {where}: {problems}"


def find_pyproject(start: Path) -> Path | None:
    """The nearest pyproject.toml at or above ``start`` (a file's folder for a file)."""
    folder = start if start.is_dir() else start.parent
    for candidate in [folder, *folder.parents]:
        path = candidate / "pyproject.toml"
        if os.path.lexists(path):  # a pipe or a link out by that name is an error to show, not to walk past
            return path
        if (candidate / ".git").exists():
            return None
    return None


def load_settings(root: Path, base: Settings | None = None) -> Settings:
    """``base`` (or defaults) updated with ``[tool.bumba]`` from the pyproject.toml governing ``root``."""
    base = base or Settings()
    path = find_pyproject(root.resolve())
    if path is None:
        return base
    try:
        # the project's own file: its real path in its folder, a regular file, of a size a config has
        raw = read_bytes(confine(path, path.parent, max_bytes=PYPROJECT_MAX_BYTES).path, PYPROJECT_MAX_BYTES)
        table = tomllib.loads(raw.decode("utf-8")).get("tool", {}).get("bumba", {})
    except Refused as refused:
        raise SettingsError(f"{path}: not read: {refused.reason}") from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise SettingsError(f"{path}: cannot read [tool.bumba]: {error}") from None
    except RecursionError:  # tomllib parses nested arrays and tables recursively
        raise SettingsError(f"{path}: cannot read [tool.bumba]: values nested too deeply") from None
    except AttributeError:  # `tool = 3` or `[tool] bumba = 3`: not a table
        raise SettingsError(f"{path}: [tool.bumba] must be a table") from None
    if not table:
        return base
    if not isinstance(table, dict):
        raise SettingsError(f"{path}: [tool.bumba] must be a table, not {type(table).__name__}")
    table = {key.replace("-", "_"): value for key, value in table.items()}
    if isinstance(table.get("checkpoint"), dict):  # [tool.bumba.checkpoint] max-new-high = 0
        table["checkpoint"] = {key.replace("-", "_"): value for key, value in table["checkpoint"].items()}
    try:
        return Settings.model_validate({**base.model_dump(), **table})
    except ValidationError as error:
        raise SettingsError(_describe(error, f"[tool.bumba] in {path}")) from None
