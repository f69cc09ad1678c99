"""Allow `python -m brandgen`."""

from __future__ import annotations

from brandgen.cli import entry

if __name__ == "__main__":  # not when a spawned worker imports this as __mp_main__
    entry()
