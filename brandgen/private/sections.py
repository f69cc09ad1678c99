"""Dashboard sections after the goals: plan, skills, network, pipeline, SWOT, brand, reviews.
Each one ends with dated next actions, not just numbers."""

from __future__ import annotations

import calendar
import datetime as dt

from brandgen.private.charts import funnel, posts_bars, skill_bar
from brandgen.private.htmlbits import (
    day,
    days_text,
    esc,
    next_list,
    section,
    table,
    when_text,
)
from brandgen.private.report import Report


def _goals(r: Report, ids: tuple[str, ...]) -> str:
    return esc(", ".join(r.goal_title(i) for i in ids)) or '<span class="muted">none</span>'


def plan_section(r: Report) -> str:
    rows = [(esc(i.title) + (f'<br><span class="muted">{esc(i.detail)}</span>'
                             if i.detail else ""),
             when_text(i.due, r.today), esc(i.kind), _goals(r, i.goals)) for i in r.plan]
    return section("plan", "Action plan", table(
        "Overdue first, then by the linked goal's priority, then by due date.",
        ("What", "When", "Kind", "Goal"), rows,
        "Nothing to do: add development actions, milestones or next steps."))


def skills_section(r: Report) -> str:
    items = []
    for g in r.skills:
        if g.actions:
            cover = "Covered by: " + "; ".join(
                f"{esc(a.title)} ({esc(a.status)}, due {day(a.due)})" for a in g.actions)
        elif g.gap:
            cover = ('<span class="flag">No action covers this gap</span>: add one naming '
                     "this skill to development.yaml.")
        else:
            cover = '<span class="ok">Target met.</span>'
        items.append(f"<li><b>{esc(g.skill)}</b>: level {g.current}, target {g.target}, "
                     f'<span class="num">gap {g.gap}</span>{skill_bar(g)}{cover}</li>')
    if not items:
        return section("skills", "Skills gap", '<p class="muted">No targets: add '
                       "<code>targets:</code> to content/private/development.yaml.</p>")
    covering = {a.title for g in r.skills for a in g.actions}
    nexts = [i for i in r.plan if i.kind == "action" and i.title in covering]
    uncovered = sum(1 for g in r.skills if g.uncovered)
    return section("skills", "Skills gap", (
        f"<p>{sum(1 for g in r.skills if g.gap)} of {len(r.skills)} target skills have a gap; "
        f"{uncovered} {'has' if uncovered == 1 else 'have'} no action.</p>"
        '<p class="muted">Filled bar: current level (skills.yaml); outline: target.</p>'
        f'<ul class="skills">{"".join(items)}</ul><h3>Next development actions</h3>'
        + next_list(nexts, r.today, "No open development action.")))


def network_section(r: Report) -> str:
    net = r.network
    warn = "".join(f'<p class="warn">{esc(w)}</p>' for w in net.warnings)
    mix = " · ".join(f"{esc(k)} {n}" for k, n in net.mix)
    rows = []
    for f in net.followups:
        c = f.contact
        who = ", ".join(x for x in (c.role, c.organization) if x)
        rows.append((esc(c.name) + (f'<br><span class="muted">{esc(who)}</span>' if who else ""),
                     esc(c.relationship), day(c.last_contact, "never"),
                     when_text(f.due, r.today) if f.due else
                     '<span class="muted">set last_contact and cadence_days</span>',
                     _goals(r, c.goals)))
    overdue = [f for f in net.followups if f.overdue_days]
    return section("network", "Network", (
        f"{warn}<p>Relationship mix: {mix}. {len(overdue)} overdue follow-up"
        f"{'s' if len(overdue) != 1 else ''}.</p>"
        + table("Next follow-up: next_followup, else last contact + cadence.",
                ("Contact", "Relationship", "Last contact", "Next follow-up", "Goals"), rows,
                "No contacts: add people to content/private/network.yaml.")))


def pipeline_section(r: Report) -> str:
    p = r.pipeline
    if not r.career.opportunities:
        return section("pipeline", "Opportunities", '<p class="muted">No opportunities: '
                       "add them to content/private/opportunities.yaml.</p>")
    stale = "".join(f"<li>{esc(o.title)}: <span class=\"flag\">{esc(why)}</span></li>"
                    for o, why in p.stale)
    groups = []
    for gid, members in p.by_goal:
        title = r.goal_title(gid) if gid else "Not linked to a goal"
        lines = "".join(
            f"<li>{esc(o.title)}{', ' + esc(o.organization) if o.organization else ''} "
            f'<span class="muted">({esc(o.stage)})</span>'
            + (f": {esc(o.next_step)}, {when_text(o.due, r.today)}" if o.next_step and o.is_open
               else "") + "</li>" for o in members)
        groups.append(f"<h4>{esc(title)}</h4><ul class=\"next\">{lines}</ul>")
    nexts = [i for i in r.plan if i.kind == "opportunity"]
    return section("pipeline", "Opportunities", (
        f'<div class="grid2"><figure>{funnel(p.counts)}<figcaption>Opportunities by stage.'
        "</figcaption></figure><div><h3>Stale</h3>"
        + (f'<ul class="next">{stale}</ul>' if stale else
           '<p class="muted">Nothing stale.</p>')
        + "<h3>Next steps</h3>" + next_list(nexts, r.today, "No next steps recorded.", 8)
        + "</div></div><h3>By goal</h3>" + "".join(groups)))


def swot_section(r: Report) -> str:
    s = r.career.swot
    boxes = []
    for title, entries in (("Strengths", s.strengths), ("Weaknesses", s.weaknesses),
                           ("Opportunities", s.opportunities), ("Threats", s.threats)):
        inner = ("<ul>" + "".join(f"<li>{esc(e.text)}</li>" for e in entries) + "</ul>" if entries
                 else '<p class="muted">None listed.</p>')
        boxes.append(f"<div><h3>{title}</h3>{inner}</div>")
    due = r.reviews.next_due
    nxt = (f"<p>Next: revisit this grid at your next review, due {when_text(due, r.today)}.</p>"
           if due else "<p>Next: revisit this grid in your first review.</p>")
    return section("swot", "SWOT", f'<div class="swot">{"".join(boxes)}</div>{nxt}')


def brand_section(r: Report) -> str:
    a = r.alignment
    verdict = ('<span class="ok">on target</span>' if a.meets_target
               else '<span class="flag">below target</span>')
    rows = []
    for goal, posts in a.per_goal:
        listed = "<br>".join(f"{day(p.date)} {esc(p.title)}" for p in posts) or (
            '<span class="flag">none</span>')
        rows.append((esc(goal.title), esc(", ".join(goal.tags)) or
                     '<span class="muted">no tags</span>', listed))
    orphans = ", ".join(f"{esc(t)} ({n})" for t, n in a.orphan_tags) or "none"
    this_month = a.months[-1][1] if a.months else 0
    last = r.today.replace(day=calendar.monthrange(r.today.year, r.today.month)[1])
    todo = []
    if this_month < a.target:
        todo.append(f"<li>{day(last)}: publish {a.target - this_month} more post"
                    f"{'s' if a.target - this_month != 1 else ''} this month to keep to "
                    f"{a.target} a month</li>")
    for goal in a.unsupported:
        tags = ", ".join(goal.tags) or "a tag"
        todo.append(f"<li>{day(last)}: write a post tagged {esc(tags)} for "
                    f"\u201c{esc(goal.title)}\u201d</li>")
    nexts = f'<ul class="next">{"".join(todo)}</ul>' if todo else (
        '<p class="muted">Publishing is on target and every goal has a recent post.</p>')
    return section("brand", "Brand alignment", (
        f'<div class="grid2"><figure>{posts_bars(a.months, a.target)}<figcaption>Published '
        "posts per month (this month to date), target line dashed.</figcaption></figure>"
        f"<div><p>Average <b class=\"num\">{a.average:.2f}</b> posts a month over the last "
        f"{len(a.months)} months against a target of {a.target}: {verdict}.</p>"
        f"<p>Goals with no supporting post in the last 90 days: {len(a.unsupported)}.</p>"
        f"<p>Recent post tags that support no goal: {orphans}.</p></div></div>"
        + table("Published posts of the last 90 days whose tags match each goal's tags.",
                ("Goal", "Tags", "Supporting posts"), rows, "No goals yet.")
        + f"<h3>Next</h3>{nexts}"))


def reviews_section(r: Report) -> str:
    rv = r.reviews
    if rv.latest is None:
        return section("reviews", "Reviews", (
            '<p><span class="flag">No review yet.</span> Write one today: '
            f"content/private/reviews/{r.today.isoformat()}.md with <code>date:</code> in its "
            "front matter.</p>"))
    state = (f'<span class="flag">overdue</span> (more than '
             f"{days_text((rv.next_due - rv.latest.date).days if rv.next_due else 0)})"
             if rv.overdue else '<span class="ok">up to date</span>')
    due = rv.next_due or r.today + dt.timedelta(days=1)
    return section("reviews", "Reviews", (
        f"<p>Last review {day(rv.latest.date)}, {days_text(rv.days_since or 0)} ago: {state}. "
        f"{rv.count} review{'s' if rv.count != 1 else ''} in total.</p>"
        f"<blockquote><p>{esc(rv.excerpt)}</p></blockquote>"
        f"<p>Next review due {when_text(due, r.today)}.</p>"))
