"""Inline SVG charts for the dashboard: no scripts, no external references.

Colours come from CSS classes of the page (so light/dark follow prefers-color-scheme); every
chart has role="img", an aria-label with its data and a <title>, so it is never the only way
to read a figure: the same numbers are written out next to it.
"""

from __future__ import annotations

import datetime as dt
from html import escape

from brandgen.private.analysis import GoalReport, direction
from brandgen.private.model import show_date
from brandgen.private.plan import SkillGap


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _svg(width: int, height: int, label: str, body: str) -> str:
    text = escape(label)
    return (f'<svg viewBox="0 0 {width} {height}" role="img" aria-label="{text}">'
            f"<title>{text}</title>{body}</svg>")


def chart_name(report: GoalReport) -> str:
    """Burn-down for a metric that should go down, burn-up otherwise."""
    return "Burn-down" if direction(report.goal) < 0 else "Burn-up"


def burnup(report: GoalReport, today: dt.date) -> tuple[str, tuple[str, ...]]:
    """(svg, legend keys drawn): check-ins, the pace line from start to deadline, the trend
    (never past the target), the target and today. Empty without a target and a check-in."""
    goal = report.goal
    start, target = goal.start, goal.target
    if start is None or target is None or not goal.checkins:
        return "", ()
    w, h, left, right, top, bottom = 400, 230, 44, 10, 20, 40
    began = goal.began or goal.checkins[0].date
    d0 = min(began, goal.checkins[0].date)
    d1 = max(goal.deadline or d0, today, goal.checkins[-1].date)
    if d1 == d0:
        d1 = d0 + dt.timedelta(days=1)
    values = [start, target, *(c.value for c in goal.checkins)]
    line = report.trend
    t0 = goal.checkins[0].date
    end = min(report.forecast or d1, d1)
    if report.status == "done":
        end = goal.checkins[-1].date
    if line is not None:
        values += [line.value_at(t0), line.value_at(end)]
    lo, hi = min(values), max(values)
    pad = (hi - lo) * 0.05 or 1.0
    lo, hi = lo - pad, hi + pad
    span = (d1 - d0).days

    def x(day: dt.date) -> float:
        return left + (w - left - right) * (day - d0).days / span

    def y(value: float) -> float:
        return top + (h - top - bottom) * (hi - value) / (hi - lo)

    keys = ["actual", "target", "today"]
    parts = [f'<line class="axis" x1="{left}" y1="{h - bottom}" x2="{w - right}" '
             f'y2="{h - bottom}"/>',
             f'<line class="axis" x1="{left}" y1="{top}" x2="{left}" y2="{h - bottom}"/>',
             f'<line class="target" x1="{left}" y1="{y(target):.1f}" x2="{w - right}" '
             f'y2="{y(target):.1f}"/>']
    for value in sorted({start, target}):
        parts.append(f'<text x="{left - 6}" y="{y(value) + 4:.1f}" text-anchor="end">'
                     f"{_num(value)}</text>")
    if goal.deadline:
        keys.append("ideal")
        parts.append(f'<line class="ideal" x1="{x(began):.1f}" y1="{y(start):.1f}" '
                     f'x2="{x(goal.deadline):.1f}" y2="{y(target):.1f}"/>')
    if line is not None and end > t0:
        keys.append("trend")
        parts.append(f'<line class="trend" x1="{x(t0):.1f}" y1="{y(line.value_at(t0)):.1f}" '
                     f'x2="{x(end):.1f}" y2="{y(line.value_at(end)):.1f}"/>')
    points = " ".join(f"{x(c.date):.1f},{y(c.value):.1f}" for c in goal.checkins)
    parts.append(f'<polyline class="actual" points="{points}"/>')
    parts += [f'<circle class="dot" cx="{x(c.date):.1f}" cy="{y(c.value):.1f}" r="4"/>'
              for c in goal.checkins]
    tx = x(today)
    parts.append(f'<line class="today" x1="{tx:.1f}" y1="{top}" x2="{tx:.1f}" '
                 f'y2="{h - bottom}"/>')
    anchor = "end" if tx > w * 0.8 else "middle"
    parts.append(f'<text x="{tx:.1f}" y="{top - 5}" text-anchor="{anchor}">today</text>')
    parts.append(f'<text x="{left}" y="{h - bottom + 18}">{show_date(d0)}</text>')
    parts.append(f'<text x="{w - right}" y="{h - bottom + 18}" text-anchor="end">'
                 f"{show_date(d1)}</text>")
    label = (f"{chart_name(report)} chart for {goal.title}: {len(goal.checkins)} check-ins "
             f"from {_num(goal.checkins[0].value)} on {show_date(t0)} to "
             f"{_num(goal.checkins[-1].value)} on {show_date(goal.checkins[-1].date)}, target "
             f"{_num(target)} {goal.unit}".rstrip())
    if goal.deadline:
        label += f" by {show_date(goal.deadline)}"
    if report.forecast:
        label += f"; trend forecast {show_date(report.forecast)}"
    order = ("actual", "ideal", "trend", "target", "today")
    return _svg(w, h, label + ".", "".join(parts)), tuple(k for k in order if k in keys)


def skill_bar(gap: SkillGap) -> str:
    """Current level as a filled bar, the target as an outline, on a 0-5 scale."""
    w, h, scale = 250, 22, 48
    body = (f'<rect class="trackbar" x="1" y="5" width="{5 * scale}" height="12" rx="2"/>'
            f'<rect class="bar" x="1" y="5" width="{gap.current * scale}" height="12" rx="2"/>'
            f'<rect class="goalbar" x="1" y="2" width="{gap.target * scale}" height="18" '
            f'rx="3"/>')
    label = f"{gap.skill}: level {gap.current} of 5, target {gap.target}, gap {gap.gap}."
    return _svg(w, h, label, body)


def funnel(counts: tuple[tuple[str, int], ...]) -> str:
    """One centred bar per stage, width proportional to the count."""
    w, row, label_w = 380, 24, 140
    biggest = max((n for _, n in counts), default=0) or 1
    area = w - label_w - 10
    parts = []
    for i, (stage, n) in enumerate(counts):
        y = i * row
        width = max(2.0, area * n / biggest) if n else 0.0
        x0 = label_w + (area - width) / 2
        parts.append(f'<text x="0" y="{y + 17}">{escape(stage)}: {n}</text>')
        if n:
            parts.append(f'<rect class="bar" x="{x0:.1f}" y="{y + 3}" width="{width:.1f}" '
                         f'height="{row - 6}" rx="3"/>')
    label = "Pipeline funnel: " + ", ".join(f"{s} {n}" for s, n in counts) + "."
    return _svg(w, row * len(counts), label, "".join(parts))


def posts_bars(months: tuple[tuple[dt.date, int], ...], target: int) -> str:
    """Published posts per month, with the monthly target as a line."""
    w, h, top, bottom, left = 380, 180, 22, 30, 28
    biggest = max([target, *(n for _, n in months)]) or 1
    slot = (w - left) / max(1, len(months))
    plot = h - top - bottom

    def y(n: float) -> float:
        return top + plot * (1 - n / biggest)

    parts = [f'<line class="axis" x1="{left}" y1="{h - bottom}" x2="{w}" y2="{h - bottom}"/>']
    for i, (month, n) in enumerate(months):
        x0 = left + i * slot + slot * 0.2
        if n:
            parts.append(f'<rect class="bar" x="{x0:.1f}" y="{y(n):.1f}" '
                         f'width="{slot * 0.6:.1f}" height="{plot * n / biggest:.1f}"/>')
        parts.append(f'<text x="{x0 + slot * 0.3:.1f}" y="{y(n) - 5:.1f}" '
                     f'text-anchor="middle">{n}</text>')
        parts.append(f'<text x="{x0 + slot * 0.3:.1f}" y="{h - 8}" text-anchor="middle">'
                     f"{month:%b}</text>")
    parts.append(f'<line class="target" x1="{left}" y1="{y(target):.1f}" x2="{w}" '
                 f'y2="{y(target):.1f}"/>')
    parts.append(f'<text x="{left - 4}" y="{y(target) + 4:.1f}" text-anchor="end">'
                 f"{target}</text>")
    label = ("Published posts per month: "
             + ", ".join(f"{m:%B %Y} {n}" for m, n in months)
             + f"; target {target} a month.")
    return _svg(w, h, label, "".join(parts))
