"""Keep `brandgen init`'s example career data alive: its dates move with the day it runs.

The starter files are written as of STARTER_TODAY. Shifting every full ISO date in
content/private/ (and the date in a review's file name) by `today - STARTER_TODAY` keeps the
example's overdue items a few days overdue and its next steps a few days away, so a new user
never opens a dashboard of months-old deadlines. Only date tokens change: comments, order and
layout of the files stay as written.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

STARTER_TODAY = dt.date(2026, 11, 23)  # the day the starter's career data describes
ISO_DATE = re.compile(r"(?<![\d-])(\d{4})-(\d{2})-(\d{2})(?![\d-])")


def shift_dates(text: str, days: int) -> str:
    """Every valid YYYY-MM-DD in `text`, moved by `days`; anything else is left alone."""

    def move(match: re.Match[str]) -> str:
        try:
            day = dt.date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            return match[0]
        return (day + dt.timedelta(days=days)).isoformat()

    return ISO_DATE.sub(move, text)


def date_starter(project: Path, today: dt.date) -> None:
    """Rewrite the private example files of a fresh `init` as of `today`."""
    days = (today - STARTER_TODAY).days
    private = project / "content" / "private"
    if days == 0 or not private.is_dir():
        return
    for path in sorted(p for p in private.rglob("*") if p.suffix in (".yaml", ".md")):
        path.write_text(shift_dates(path.read_text(encoding="utf-8"), days), encoding="utf-8")
        moved = path.with_name(shift_dates(path.name, days))
        if moved != path:
            path.rename(moved)
