"""``python -m bumba_magics`` is the ``bumba`` command."""

import sys

from .cli import main

sys.exit(main())
