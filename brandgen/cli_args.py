"""Argument types shared by the command modules: dates, process counts, numbers, "now"."""

from __future__ import annotations

import argparse
import datetime as dt


def parse_date(text: str) -> dt.date:
    """An ISO date within the range brandgen can reason about (years 1900-2999)."""
    from brandgen.fields import MAX_DATE, MIN_DATE

    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected YYYY-MM-DD, got {text[:40]!r}") from None
    if not MIN_DATE <= day <= MAX_DATE:
        raise argparse.ArgumentTypeError(f"use a year from {MIN_DATE.year} to {MAX_DATE.year}")
    return day


def parse_jobs(text: str) -> int:
    """--jobs N: a whole number of processes, at least 1."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of processes >= 1, got "
                                         f"{text!r}")
    return value


def parse_number(text: str) -> float:
    """A finite number; integers stay int so YAML gets `3`, not `3.0`."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise argparse.ArgumentTypeError(f"expected a finite number, got {text!r}")
    return int(value) if value.is_integer() and "." not in text else value


def now_of(args: argparse.Namespace) -> dt.datetime:
    """The moment the command runs: --today at noon UTC, else the clock."""
    if getattr(args, "today", None):
        return dt.datetime.combine(args.today, dt.time(12), dt.UTC)
    return dt.datetime.now(dt.UTC)
