"""Allow `python -m brandgen`."""

from __future__ import annotations

import sys

from brandgen.cli import main

sys.exit(main())
