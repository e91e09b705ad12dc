"""The security analyzer's checks: every family module declares its checks on this one object, so a call
node is routed once for all of them."""

from __future__ import annotations

from ..base import Checks

checks = Checks("security")
