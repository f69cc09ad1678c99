"""The dashboard's first screen: one row per active goal, then this week's list."""

from __future__ import annotations

import datetime as dt

from brandgen.private.analysis import (
    AT_RISK,
    DONE,
    MISSED,
    OFF_TRACK,
    ON_TRACK,
    STALE,
    WORST_FIRST,
    GoalReport,
)
from brandgen.private.htmlbits import (
    day,
    days_text,
    esc,
    goal_anchor,
    item_text,
    pill,
    plural,
    section,
    when_short,
)
from brandgen.private.model import show_date
from brandgen.private.plan import STALE_AFTER_DAYS, PlanItem, this_week
from brandgen.private.report import Report

NO_PRIORITY = 10**6


def active_goals(r: Report) -> list[GoalReport]:
    """Active goals that are not done, by priority, then deadline, then title."""
    return sorted((g for g in r.goals if g.goal.is_active and g.status != "done"),
                  key=lambda g: (g.goal.priority or NO_PRIORITY, g.goal.deadline
                                 or r.today.max, g.goal.title))


def next_step(g: GoalReport, r: Report) -> PlanItem | None:
    """The goal's most pressing item: a due check-in, else the earliest item that is due or
    overdue by at most 30 days, else the earliest dated one, else any."""
    mine = [i for i in r.plan if g.goal.id in i.goals]
    checkin = [i for i in mine if i.kind == "check-in"]
    dated = sorted((i for i in mine if i.due is not None), key=lambda i: i.due or r.today)
    live = [i for i in dated if i.overdue_days <= STALE_AFTER_DAYS]
    found = checkin or live or dated or mine
    return found[0] if found else None


def meter(share: float | None) -> str:
    if share is None:
        return '<span class="muted">not measured</span>'
    return (f'<span class="num">{share:.0f} %</span><span class="meter" aria-hidden="true">'
            f'<span style="width:{share:.1f}%"></span></span>')


def short_reason(g: GoalReport) -> str:
    """The status reason, short enough for one table cell."""
    deadline, when = g.goal.deadline, g.forecast
    if g.status == STALE and g.days_since_checkin is not None:
        return f"no check-in for {days_text(g.days_since_checkin)}"
    if g.status == STALE:
        return "no check-in yet"
    if g.status == MISSED and deadline is not None:
        return f"deadline {show_date(deadline)} passed"
    if g.key_results and g.status != DONE:
        worst = min(g.key_results, key=lambda k: WORST_FIRST.index(k.status))
        return f"worst: {worst.kr.title}"
    if deadline is not None and when is not None and g.status in (ON_TRACK, AT_RISK,
                                                                  OFF_TRACK):
        gap = (deadline - when).days
        return (f"{days_text(gap)} early" if gap > 0 else "just in time"
                if gap == 0 else f"{days_text(-gap)} late")
    return g.reason


def _forecast(g: GoalReport, today: dt.date) -> str:
    deadline = g.goal.deadline
    when = '<span class="muted">none</span>' if g.forecast is None else day(g.forecast)
    if g.forecast is not None and g.forecast < today:
        when += ' <span class="flag">passed</span>'

    return f"{when}<br><span class=\"muted\">due {day(deadline, 'no deadline')}</span>"


def _checked(g: GoalReport) -> str:
    if g.days_since_checkin is None:
        return '<span class="muted">never</span>'
    text = f"{g.days_since_checkin} d ago"
    text = f'<span class="flag">{text}</span>' if g.stale else text
    if g.latest is not None and g.latest.confidence is not None:
        conf = f"{g.latest.confidence}/10"
        text += ('<br><span class="muted">confidence</span> '
                 + (f'<span class="flag">{conf} low</span>' if g.low_confidence else conf))
    return text


def goal_table(r: Report) -> str:
    goals = active_goals(r)
    if not goals:
        return ('<p class="muted">No active goal: add one to content/private/goals.yaml, '
                "or resume a paused one.</p>")
    rows = []
    for g in goals:
        step = next_step(g, r)
        nxt = (f"{item_text(step)} · {when_short(step.due, r.today)}" if step
               else '<span class="muted">nothing planned: add a milestone</span>')
        rows.append(
            f'<tr><th scope="row"><a href="#{goal_anchor(g.goal.id)}">{esc(g.goal.title)}'
            f"</a></th><td data-label=\"Progress\">{meter(g.progress)}</td>"
            f'<td data-label="Status">{pill(g.status)} <span class="why">'
            f'{esc(short_reason(g))}</span></td>'
            f'<td data-label="Forecast">{_forecast(g, r.today)}</td>'
            f'<td data-label="Last check-in">{_checked(g)}</td>'
            f'<td data-label="Next step">{nxt}</td></tr>')
    head = "".join(f'<th scope="col">{h}</th>' for h in (
        "Goal", "Progress", "Status", "Forecast", "Checked in", "Next step"))
    return ('<table class="stack goals"><caption class="vh">Active goals by priority; each '
            "status follows the pace from the start to the deadline</caption>"
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>")


def _tally(r: Report) -> str:
    actions = sum(1 for i in r.plan if i.overdue_days and i.kind != "follow-up")
    follow = sum(1 for f in r.network.followups if f.overdue_days)
    rv = r.reviews
    review = ("no review yet" if rv.latest is None else
              f"last review {days_text(rv.days_since or 0)} ago"
              + (" (overdue)" if rv.overdue else ""))
    return (f'<p class="tally">{plural(actions, "overdue item")} · '
            f'{plural(follow, "overdue follow-up")} · {review}</p>')


def _goal_names(r: Report, ids: tuple[str, ...]) -> str:
    links = [f'<a href="#{goal_anchor(i)}">{esc(r.goal_title(i))}</a>' for i in ids]
    return ", ".join(links)


def _week_item(i: PlanItem, r: Report) -> str:
    goals = _goal_names(r, i.goals)
    shown = i.detail if i.kind in ("opportunity", "check-in") else ""
    detail = f' <span class="muted">({esc(shown)})</span>' if shown else ""
    return (f"<li><span class=\"when\">{when_short(i.due, r.today)}</span> "
            f"<span>{item_text(i)}{detail}</span><span class=\"for\">"
            + (f'<span class="muted">for</span> {goals}' if goals else "") + "</span></li>")


def week_section(r: Report, plan: str = "") -> str:
    """This week's items; `plan` (HTML) is the whole plan, folded under them."""
    week = this_week(r.plan, r.today)
    if week.items:
        body = '<ol class="week">' + "".join(_week_item(i, r) for i in week.items) + "</ol>"
    else:
        body = '<p class="muted">Nothing due in the next 7 days.</p>'
    if week.more:
        body += f'<p class="muted">{plural(week.more, "more item")} overdue or due this week: ' \
                'see the whole action plan.</p>'
    if week.old:
        lines = "".join(f"<li>{when_short(i.due, r.today)}: {item_text(i)}</li>"
                        for i in week.old)
        body += (f'<details class="old"><summary>Clear or reschedule: '
                 f"{plural(len(week.old), 'item')} overdue by more than 30 days</summary>"
                 '<p class="muted">Mark them done, give them a new date, or drop them.</p>'
                 f'<ul class="next">{lines}</ul></details>')
    return section("week", "This week", body + plan)


def overview_section(r: Report) -> str:
    return section("overview", "Are you on track?", goal_table(r), _tally(r))
