"""brandgen: a static site generator for a personal brand."""

from __future__ import annotations

__version__ = "0.1.0"
