"""Allow `python -m brandgen`."""

from __future__ import annotations

from brandgen.cli import entry

entry()
