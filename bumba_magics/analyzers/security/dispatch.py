"""The security analyzer's call dispatcher: every family module registers its call checks on it."""

from __future__ import annotations

from ..base import CallChecks

calls = CallChecks("security")
