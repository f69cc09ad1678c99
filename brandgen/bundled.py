"""Where the files shipped with brandgen live: the bundled themes and the `init` starter."""

from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).resolve().parent


def _themes_dir() -> Path:
    """`brandgen/themes` in a wheel; the top-level `themes/` in a source checkout."""
    for candidate in (_HERE / "themes", _HERE.parent / "themes"):
        if (candidate / "default" / "templates").is_dir():
            return candidate
    return _HERE / "themes"


BUNDLED_THEMES = _themes_dir()
STARTER = _HERE / "starter"
