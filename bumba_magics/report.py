"""Moved to ``bumba_magics.core.report``; this import path stays for code that uses it (the same module)."""

import sys

from .core import report

sys.modules[__name__] = report
