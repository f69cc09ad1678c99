"""One goal in detail: figures, chart, key results, check-in history, milestones, SMART."""

from __future__ import annotations

from brandgen.private.analysis import LOW_CONFIDENCE, GoalReport, MeasureReport
from brandgen.private.charts import burnup, chart_name
from brandgen.private.htmlbits import (
    day,
    days_text,
    esc,
    goal_anchor,
    next_list,
    num,
    pill,
    plural,
    section,
)
from brandgen.private.model import Checkin
from brandgen.private.overview import active_goals, meter
from brandgen.private.report import Report

LEGEND = {"actual": "check-ins", "ideal": "pace line", "trend": "trend", "target": "target",
          "today": "today"}
HISTORY_ROWS = 6


def _facts(g: GoalReport) -> str:
    goal = g.goal
    rows = []
    if goal.metric:
        rows.append(("Metric", esc(goal.metric)))
    if goal.target is not None:
        latest = (f"{num(g.latest.value, goal.unit)} on {day(g.latest.date)}" if g.latest
                  else "no check-ins yet")
        rows += [("Start", num(goal.start, goal.unit)), ("Latest", latest),
                 ("Target", num(goal.target, goal.unit))]
    if goal.began is not None:
        rows.append(("Started", day(goal.began)))
    rows.append(("Deadline", day(goal.deadline, "none")))
    if g.status not in ("done", "missed") and (goal.target is not None or goal.key_results):
        no_forecast = ("none: the trend is flat or moving away from the target" if g.trend
                       or goal.key_results else "needs two check-ins")
        rows.append(("Forecast", day(g.forecast, no_forecast)))
    if g.checkin_due is not None:
        every = f"check in by {day(g.checkin_due)}"
        rows.append(("Next check-in", f'<span class="flag">{every}</span>' if g.stale
                     else every))
    if goal.priority is not None or goal.horizon:
        rows.append(("Priority", esc(" · ".join(x for x in (
            f"{goal.priority}" if goal.priority else "", f"{goal.horizon} term"
            if goal.horizon else "") if x))))
    return '<dl class="facts">' + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows) + "</dl>"


def _smart(g: GoalReport) -> str:
    marks = {True: ("ok", "✓"), False: ("fail", "✗"), None: ("muted", "?")}
    items = "".join(
        f'<li><span class="{marks[s.ok][0]}">{marks[s.ok][1]} <b>{s.letter}</b></span> '
        f"{esc(s.name)}: {esc(s.reason)}</li>" for s in g.smart)
    return f'<h4>SMART check</h4><ul class="smart">{items}</ul>'


def _confidence(c: Checkin) -> str:
    if c.confidence is None:
        return '<span class="muted">–</span>'
    if c.confidence < LOW_CONFIDENCE:
        return f'<span class="flag">{c.confidence}/10 low confidence</span>'
    return f"{c.confidence}/10"


def history(checkins: tuple[Checkin, ...], unit: str, label: str = "") -> str:
    """Check-ins newest first, with confidence and notes."""
    if not checkins:
        return ""
    newest = list(reversed(checkins))
    rows = "".join(
        f"<tr><td>{day(c.date)}</td><td>{num(c.value, unit)}</td>"
        f"<td>{_confidence(c)}</td><td>{esc(c.note)}</td></tr>" for c in newest[:HISTORY_ROWS])
    older = len(newest) - HISTORY_ROWS
    more = f'<p class="muted">{plural(older, "older check-in")} not shown.</p>' if older > 0 else ""
    return (f'<table class="compact"><caption>Check-in history{esc(label)}, newest first'
            '</caption><thead><tr><th scope="col">Date</th><th scope="col">Value</th>'
            '<th scope="col">Confidence</th><th scope="col">Note</th></tr></thead>'
            f"<tbody>{rows}</tbody></table>{more}")


def _kr_row(k: MeasureReport) -> str:
    kr = k.kr
    latest = f"{num(k.latest.value, kr.unit)}, target {num(kr.target, kr.unit)}" if k.latest else (
        f'<span class="muted">no check-ins, target {num(kr.target, kr.unit)}</span>')
    return (f'<tr><th scope="row">{esc(kr.title)}</th><td>{meter(k.progress)}</td>'
            f'<td>{pill(k.status)}<br><span class="why">{esc(k.reason)}</span></td>'
            f"<td>{latest}</td></tr>")


def _key_results(g: GoalReport) -> str:
    if not g.key_results:
        return ""
    rows = "".join(_kr_row(k) for k in g.key_results)
    checks = "".join(history(k.kr.checkins, k.kr.unit, f": {k.kr.title}")
                     for k in g.key_results)
    return ('<table class="compact"><caption>Key results: the goal\'s progress is their mean, '
            'its status the worst of theirs</caption><thead><tr><th scope="col">Key result</th>'
            '<th scope="col">Progress</th><th scope="col">Status</th><th scope="col">Latest'
            f"</th></tr></thead><tbody>{rows}</tbody></table>{checks}")


def _milestones(g: GoalReport, r: Report) -> str:
    if not g.goal.milestones:
        return ""
    lines = [f'<li><span class="ok">✓ done</span> {day(m.done)}: {esc(m.title)}</li>'
             for m in g.done]
    lines += [f'<li><span class="flag">overdue by {days_text((r.today - m.due).days)}</span> '
              f"{day(m.due)}: {esc(m.title)}</li>" for m in g.overdue if m.due]
    lines += [f"<li>due {day(m.due)}: {esc(m.title)}</li>" for m in g.open]
    head = f"Milestones: {len(g.done)} done, {len(g.open)} open, {len(g.overdue)} overdue"
    return f'<h4>{head}</h4><ul class="next">{"".join(lines)}</ul>'


def _figure(g: GoalReport, r: Report) -> str:
    chart, keys = burnup(g, r.today)
    if not chart:
        return "" if g.goal.key_results else f'<p class="muted">No chart: {esc(g.reason)}.</p>'
    legend = "".join(f'<li><span class="key k-{k}"></span>{LEGEND[k]}</li>' for k in keys)
    return (f'<figure>{chart}<ul class="legend" aria-hidden="true">{legend}</ul>'
            f"<figcaption>{chart_name(g)}: {esc(g.reason)}.</figcaption></figure>")


def goal_card(g: GoalReport, r: Report) -> str:
    goal = g.goal
    gid = goal_anchor(goal.id)
    why = f'<p class="muted">{esc(goal.why)}</p>' if goal.why else ""
    nexts = [i for i in r.plan if goal.id in i.goals]
    share = f'<span class="num">{g.progress:.0f} %</span>' if g.progress is not None else ""
    return (f'<details class="goal" id="{esc(gid)}"><summary><h3>{esc(goal.title)}</h3> '
            f"{pill(g.status)} {share}</summary>{why}"
            f'<div class="goal-body"><div>{_facts(g)}{_smart(g)}</div><div>{_figure(g, r)}'
            f"{_milestones(g, r)}</div></div>{_key_results(g)}"
            f"{history(goal.checkins, goal.unit)}<h4>Next for this goal</h4>"
            + next_list(nexts, r.today, "No dated next step: add a milestone or an action.", 3)
            + "</details>")


def goals_section(r: Report) -> str:
    goals = active_goals(r)
    if not goals:
        return ""
    return section("goals", "Goal details", "".join(goal_card(g, r) for g in goals))


def parked_section(r: Report) -> str:
    """Done, paused and dropped goals: a short list at the end."""
    rows = []
    for g in r.goals:
        goal = g.goal
        if goal.is_active and g.status != "done":
            continue
        state = goal.status if not goal.is_active else "done"
        when = (f", target reached {day(g.latest.date)}" if state == "done" and g.latest
                else "")
        rows.append(f'<li id="{goal_anchor(goal.id)}">{esc(goal.title)} {pill(state)}{when}'
                    "</li>")
    if not rows:
        return ""
    return section("parked", "Finished and parked", f'<ul class="next">{"".join(rows)}</ul>',
                   '<p class="tally">out of the overview, the plan and the calendar</p>')
