"""Small HTML helpers for the dashboard: every text goes through `esc`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from html import escape

from brandgen.private.model import show_date
from brandgen.private.plan import PlanItem
from brandgen.urls import slugify


def esc(text: object) -> str:
    return escape(str(text), quote=True)


def day(date: dt.date | None, empty: str = "no date") -> str:
    """A <time> element, e.g. 23 Nov 2026."""
    if date is None:
        return f'<span class="muted">{empty}</span>'
    return f'<time datetime="{date.isoformat()}">{show_date(date)}</time>'


def unit_for(value: float, unit: str) -> str:
    """'1 talk', '2 talks': a plain plural unit loses its s for exactly one."""
    if value == 1 and unit.isalpha() and unit.endswith("s") and not unit.endswith("ss"):
        return unit[:-1]
    return unit


def plural(n: int, word: str, many: str = "") -> str:
    return f"{n} {word if n == 1 else many or word + 's'}"


def num(value: float | None, unit: str = "") -> str:
    if value is None:
        return "–"
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return f"{text} {esc(unit_for(value, unit))}".rstrip() if unit else text


def pill(status: str) -> str:
    return f'<span class="pill s-{slugify(status)}">{esc(status)}</span>'


def days_text(n: int) -> str:
    return f"{n} day{'s' if n != 1 else ''}"


def goal_anchor(goal_id: str) -> str:
    return "goal-" + (slugify(goal_id) or "x")


def item_text(i: PlanItem) -> str:
    """'<b>Finish</b> the milestone' - a verb first, then what."""
    verb = f"<b>{esc(i.verb)}:</b> " if i.verb else ""
    return verb + esc(i.title)


def when_text(due: dt.date | None, today: dt.date) -> str:
    """'overdue by 5 days', 'due today', 'in 3 days' with the date."""
    if due is None:
        return day(None)
    delta = (due - today).days
    if delta < 0:
        return f'{day(due)} <span class="flag">overdue by {days_text(-delta)}</span>'
    if delta == 0:
        return f'{day(due)} <span class="flag">due today</span>'
    return f'{day(due)} <span class="muted">in {days_text(delta)}</span>'


def when_short(due: dt.date | None, today: dt.date) -> str:
    """'6 Nov 2026, 17 days late' - for tight cells."""
    if due is None:
        return day(None)
    delta = (due - today).days
    if delta < 0:
        return f'{day(due)}, <span class="flag">{days_text(-delta)} late</span>'
    if delta == 0:
        return f'{day(due)}, <span class="flag">today</span>'
    return f'{day(due)}, <span class="muted">in {days_text(delta)}</span>'


def next_list(items: Iterable[PlanItem], today: dt.date, empty: str, limit: int = 5) -> str:
    """A short dated list of next actions."""
    rows = [f"<li>{when_text(i.due, today)}: {item_text(i)}</li>" for i in list(items)[:limit]]
    if not rows:
        return f'<p class="muted">{esc(empty)}</p>'
    return '<ul class="next">' + "".join(rows) + "</ul>"


def section(key: str, title: str, body: str, aside: str = "") -> str:
    """A dashboard section; `aside` (HTML) sits on the heading's line."""
    head = f'<h2 id="{key}-h">{esc(title)}</h2>'
    if aside:
        head = f'<div class="head">{head}{aside}</div>'
    return f'<section id="{key}" aria-labelledby="{key}-h">{head}{body}</section>'



def table(caption: str, headers: Iterable[str], rows: Iterable[Iterable[str]],
          empty: str = "Nothing here yet.", css: str = "") -> str:
    """A table whose first cell of each row is its row header; cells are HTML already."""
    labels = [esc(h) for h in headers]
    body = []
    for row in rows:
        cells = list(row)
        body.append(f'<tr><th scope="row">{cells[0]}</th>'
                    + "".join(f'<td data-label="{label}">{c}</td>'
                              for label, c in zip(labels[1:], cells[1:], strict=False))
                    + "</tr>")
    if not body:
        return f'<p class="muted">{esc(empty)}</p>'
    head = "".join(f'<th scope="col">{label}</th>' for label in labels)
    classes = f"stack {css}".strip()
    return (f'<table class="{classes}"><caption class="muted">{esc(caption)}</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>")


def fold(finding: str, body: str) -> str:
    """The section's finding, with its details folded under it (HTML in, HTML out)."""
    return f'<details class="fold"><summary>{finding}</summary>{body}</details>'
