"""The private dashboard: one self-contained HTML file (inline CSS and SVG, no script, no URL).

Built in Python rather than a theme template on purpose: themes are public and user-editable,
and the dashboard must never depend on (or be overridable by) anything that ships publicly.
"""

from __future__ import annotations

from collections import Counter

from brandgen.private.analysis import STATUSES, GoalReport
from brandgen.private.charts import burnup
from brandgen.private.htmlbits import day, days_text, esc, next_list, num, pill, section
from brandgen.private.report import Report
from brandgen.private.sections import (
    brand_section,
    network_section,
    pipeline_section,
    plan_section,
    reviews_section,
    skills_section,
    swot_section,
)
from brandgen.private.style import CSS
from brandgen.urls import slugify

NAV = (("summary", "At a glance"), ("goals", "Goals"), ("plan", "Action plan"),
       ("skills", "Skills gap"), ("network", "Network"), ("pipeline", "Opportunities"),
       ("swot", "SWOT"), ("brand", "Brand alignment"), ("reviews", "Reviews"))


def summary_section(r: Report) -> str:
    counts = Counter(g.status for g in r.goals)
    cards = "".join(f'<li><b class="num">{counts[s]}</b>{pill(s)}</li>' for s in STATUSES)
    overdue = sum(1 for i in r.plan if i.overdue_days)
    follow = sum(1 for f in r.network.followups if f.overdue_days)
    extra = (f'<li><b class="num">{overdue}</b>overdue actions</li>'
             f'<li><b class="num">{follow}</b>overdue follow-ups</li>')
    return section("summary", "At a glance",
                   f'<ul class="cards" aria-label="Goals by status">{cards}{extra}</ul>'
                   "<h3>Next five things to do</h3>"
                   + next_list(r.plan, r.today, "Nothing planned: add actions or milestones."))


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
    rows.append(("Deadline", day(goal.deadline, "none")))
    if g.status not in ("done",) and goal.target is not None:
        no_forecast = ("none (the trend is flat or moving away from the target)" if g.trend
                       else "needs two check-ins")
        rows.append(("Forecast", day(g.forecast, no_forecast)))
    if goal.priority is not None or goal.horizon:
        rows.append(("Priority", esc(" · ".join(x for x in (
            f"{goal.priority}" if goal.priority else "", f"{goal.horizon} term"
            if goal.horizon else "") if x))))
    return '<dl class="facts">' + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows) + "</dl>"


def _smart(g: GoalReport) -> str:
    items = "".join(
        f'<li><span class="{"ok" if s.ok else "fail"}">{"✓" if s.ok else "✗"} '
        f"<b>{s.letter}</b></span> {esc(s.name)}: {esc(s.reason)}</li>" for s in g.smart)
    return f'<h4>SMART check</h4><ul class="smart">{items}</ul>'


def _milestones(g: GoalReport, r: Report) -> str:
    if not g.goal.milestones:
        return ""
    lines = [f'<li><span class="ok">✓ done</span> {day(m.done)}: {esc(m.title)}</li>'
             for m in g.done]
    lines += [f'<li><span class="flag">overdue by {days_text((r.today - m.due).days)}</span> '
              f"{day(m.due)}: {esc(m.title)}</li>" for m in g.overdue if m.due]
    lines += [f"<li>due {day(m.due)}: {esc(m.title)}</li>" for m in g.open]
    head = (f"Milestones: {len(g.done)} done, {len(g.open)} due, "
            f"{len(g.overdue)} overdue")
    return f'<h4>{head}</h4><ul class="next">{"".join(lines)}</ul>'


def goal_article(g: GoalReport, r: Report) -> str:
    goal = g.goal
    gid = "goal-" + (slugify(goal.id) or "x")
    bar = ""
    if g.progress is not None:
        bar = (f'<p class="num">Progress: <b>{num(g.progress)} %</b></p>'
               f'<div class="meter" aria-hidden="true"><span style="width:{g.progress:.1f}%">'
               "</span></div>")
    chart = burnup(g, r.today)
    figure = (f"<figure>{chart}<ul class=\"legend\" aria-hidden=\"true\">"
              '<li><span class="key k-actual"></span>check-ins</li>'
              '<li><span class="key k-ideal"></span>ideal line</li>'
              '<li><span class="key k-trend"></span>trend</li>'
              '<li><span class="key k-today"></span>today</li></ul>'
              f"<figcaption>Burn-up: {esc(g.reason)}.</figcaption></figure>" if chart else
              f'<p class="muted">No chart: {esc(g.reason)}.</p>')
    nexts = [i for i in r.plan if goal.id in i.goals]
    why = f'<p class="muted">{esc(goal.why)}</p>' if goal.why else ""
    return (f'<article class="goal" id="{esc(gid)}" aria-labelledby="{esc(gid)}-h">'
            f'<div class="goal-head"><h3 id="{esc(gid)}-h">{esc(goal.title)}</h3>'
            f"{pill(g.status)}</div>{why}"
            f'<div class="goal-body"><div>{bar}{_facts(g)}{_smart(g)}</div><div>{figure}'
            f"{_milestones(g, r)}<h4>Next for this goal</h4>"
            + next_list(nexts, r.today, "No dated next step: add a milestone or an action.")
            + "</div></div></article>")


def goals_section(r: Report) -> str:
    if not r.goals:
        return section("goals", "Goals", '<p class="muted">No goals yet: add them to '
                       "content/private/goals.yaml.</p>")
    order = sorted(r.goals, key=lambda g: (g.goal.priority or 10**6, g.goal.deadline
                                           or r.today.max, g.goal.title))
    return section("goals", "Goals", "".join(goal_article(g, r) for g in order))


def dashboard_html(r: Report, language: str = "en") -> str:
    """The whole page."""
    who = f" for {r.name}" if r.name else ""
    nav = "".join(f'<li><a href="#{k}">{esc(t)}</a></li>' for k, t in NAV)
    body = "".join((summary_section(r), goals_section(r), plan_section(r), skills_section(r),
                    network_section(r), pipeline_section(r), swot_section(r), brand_section(r),
                    reviews_section(r)))
    return (f'<!DOCTYPE html>\n<html lang="{esc(language)}">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            '<meta name="robots" content="noindex, nofollow">\n'
            '<meta name="referrer" content="no-referrer">\n'
            f"<title>Private career dashboard{esc(who)}, as of {r.today.isoformat()}</title>\n"
            f"<style>{CSS}</style>\n</head>\n<body>\n"
            '<header class="top"><div class="wrap">'
            '<p class="private">Private: never publish this file</p>'
            f"<h1>Career dashboard{esc(who)}</h1>"
            f'<p class="asof">As of {day(r.today)}. Built from content/private/; '
            "keep it off the public site.</p>"
            f'<nav aria-label="Dashboard sections"><ul>{nav}</ul></nav></div></header>\n'
            f'<main class="wrap">{body}</main>\n'
            '<footer class="wrap"><p>Generated by brandgen on '
            f"{r.today.isoformat()} from private files. No scripts, no network requests."
            "</p></footer>\n</body>\n</html>\n")
