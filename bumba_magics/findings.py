"""Moved to ``bumba_magics.core.findings``; this import path stays for code that uses it (the same module)."""

import sys

from .core import findings

sys.modules[__name__] = findings
