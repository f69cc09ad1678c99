"""Dashboard sections after the goals: plan, skills, SWOT, brand, reviews (network and
opportunities: relations.py).
Each one ends with dated next actions, not just numbers."""

from __future__ import annotations

import calendar
import datetime as dt

from brandgen.private.charts import posts_bars, skill_bar
from brandgen.private.htmlbits import (
    day,
    days_text,
    esc,
    fold,
    goal_anchor,
    item_text,
    plural,
    section,
    table,
    when_text,
)
from brandgen.private.model import SwotItem
from brandgen.private.report import Report
from brandgen.private.vocabulary import SWOT_KEYS


def _goals(r: Report, ids: tuple[str, ...]) -> str:
    return esc(", ".join(r.goal_title(i) for i in ids)) or '<span class="muted">none</span>'


def plan_section(r: Report) -> str:
    rows = [(item_text(i) + (f'<br><span class="muted">{esc(i.detail)}</span>'
                             if i.detail else ""),
             when_text(i.due, r.today), esc(i.kind), _goals(r, i.goals)) for i in r.plan]
    listing = table("Overdue first, then by the linked goal's priority, then by due date.",
                    ("What", "When", "Kind", "Goal"), rows,
                    "Nothing to do: add development actions, milestones or next steps.")
    if not rows:
        return ""
    return (f'<details id="plan"><summary>The whole action plan: {len(r.plan)} open items of '
            f"active goals</summary>{listing}</details>")


def skills_section(r: Report) -> str:
    items = []
    for g in r.skills:
        if not g.gap:
            cover = '<span class="ok">Target met.</span>'
        elif g.actions:
            first = g.actions[0]
            others = len(g.actions) - 1
            cover = (f"Covered by {esc(first.title)} ({esc(first.status)}, due {day(first.due)})"
                     + (f" and {plural(others, 'more action')}" if others else ""))
        else:
            cover = ('<span class="flag">No action covers this gap</span>: plan one for this '
                     "skill in development.yaml.")
        items.append(f"<li><b>{esc(g.skill)}</b>: level {g.current}, target {g.target}, "
                     f'<span class="num">gap {g.gap}</span>{skill_bar(g)}{cover}</li>')
    if not items:
        return section("skills", "Skills gap", '<p class="muted">No target levels yet: add '
                       "them to content/private/development.yaml.</p>")
    covering = {a.title for g in r.skills for a in g.actions}
    nexts = [i for i in r.plan if i.kind == "action" and i.title in covering]
    uncovered = sum(1 for g in r.skills if g.uncovered)
    bare = ", ".join(esc(g.skill) for g in r.skills if g.uncovered)
    finding = (f"{sum(1 for g in r.skills if g.gap)} of {len(r.skills)} target skills have a "
               f"gap; {uncovered} {'has' if uncovered == 1 else 'have'} no action"
               + (f' (<span class="flag">{bare}</span>)' if bare else ""))
    return section("skills", "Skills gap", fold(finding, (
        '<p class="muted">Filled bar: current level; outline: target level.</p>'
        f'<ul class="skills">{"".join(items)}</ul>'))
        + (f"<p>Next: {item_text(nexts[0])}, {when_text(nexts[0].due, r.today)}.</p>"
           if nexts else ""))


def _swot_item(r: Report, box: str, item: SwotItem) -> str:
    links = [f'<a href="#{goal_anchor(g)}">{esc(r.goal_title(g))}</a>' for g in item.goals]
    status = {a.title: a.status for a in r.career.actions}
    links += [f"{esc(a)} <span class=\"muted\">({esc(status.get(a, ''))})</span>"
              for a in item.actions]
    out = esc(item.text)
    if links:
        out += '<br><span class="muted">→</span> ' + "; ".join(links)
    if box in ("weaknesses", "threats") and not (item.goals or item.actions):
        out += ('<br><span class="flag">Not addressed</span>: link a goal or an action.')
    if box == "opportunities":
        open_goals = {g for o in r.career.opportunities if o.is_open for g in o.goals}
        if not set(item.goals) & open_goals:
            out += ('<br><span class="flag">Not in the pipeline</span>: add it to '
                    "opportunities.")
    return f"<li>{out}</li>"


def swot_section(r: Report) -> str:
    s = r.career.swot
    boxes = []
    for key, title in (("strengths", "Strengths"), ("weaknesses", "Weaknesses"),
                       ("opportunities", "Opportunities"), ("threats", "Threats")):
        entries = getattr(s, key)
        inner = ("<ul>" + "".join(_swot_item(r, key, e) for e in entries) + "</ul>" if entries
                 else '<p class="muted">None listed.</p>')
        boxes.append(f"<div><h3>{title}</h3>{inner}</div>")
    due = r.reviews.next_due
    nxt = (f"<p>Revisit this grid at your next review, due {when_text(due, r.today)}.</p>"
           if due else "<p>Revisit this grid in your first review.</p>")
    grid = f'<div class="swot">{"".join(boxes)}</div>'
    loose = sum(b.count("Not addressed") for b in boxes)
    missing = sum(b.count("Not in the pipeline") for b in boxes)
    finding = (f"{plural(sum(len(getattr(s, k)) for k in SWOT_KEYS), 'item')}: "
               f"{plural(loose, 'weakness or threat', 'weaknesses or threats')} not addressed, "
               f"{plural(missing, 'opportunity', 'opportunities')} not in the pipeline")
    return section("swot", "SWOT", fold(finding, grid) + nxt)


def brand_section(r: Report) -> str:
    a = r.alignment
    verdict = ('<span class="ok">on target</span>' if a.meets_target
               else '<span class="flag">below target</span>')
    rows = []
    wip_of = {g.id: posts for g, posts in a.drafts}
    for goal, posts in a.per_goal:
        if not goal.is_active:
            continue
        if posts:
            listed = (f"{len(posts)}, latest {day(posts[0].date)} \u201c{esc(posts[0].title)}"
                      "\u201d")
        else:
            listed = ('<span class="flag">none</span>' if goal in a.unsupported else
                      '<span class="muted">none</span>')
        drafts = wip_of.get(goal.id, ())
        if drafts:
            listed += (f'<br><span class="muted">{plural(len(drafts), "draft")} in progress:'
                       f"</span> {esc(drafts[0].title)}")
        tags = esc(", ".join(goal.tags)) or "no tags"
        rows.append((f'{esc(goal.title)}<br><span class="muted">{tags}</span>', listed))
    orphans = ", ".join(f"{esc(t)} ({n})" for t, n in a.orphan_tags) or "none"
    this_month = a.months[-1][1] if a.months else 0
    last = r.today.replace(day=calendar.monthrange(r.today.year, r.today.month)[1])
    todo = []
    if this_month < a.target:
        todo.append(f"<li>{day(last)}: publish {a.target - this_month} more post"
                    f"{'s' if a.target - this_month != 1 else ''} this month to keep to "
                    f"{a.target} a month</li>")
    for goal in a.unsupported:
        drafts = wip_of.get(goal.id, ())
        if drafts:
            todo.append(f"<li>{day(last)}: finish the draft \u201c{esc(drafts[0].title)}\u201d "
                        f"for \u201c{esc(goal.title)}\u201d</li>")
        else:
            todo.append(f"<li>{day(last)}: write a post tagged {esc(', '.join(goal.tags))} "
                        f"for \u201c{esc(goal.title)}\u201d</li>")
    for goal in a.untagged:
        todo.append(f"<li>Give \u201c{esc(goal.title)}\u201d the post tags that count as "
                    "evidence for it, so the dashboard can match your writing to it</li>")
    nexts = f'<ul class="next">{"".join(todo)}</ul>' if todo else (
        '<p class="muted">Publishing is on target and every goal has a recent post.</p>')
    finding = (f"{a.average:.2f} posts a month against a target of {a.target}: {verdict}; "
               f"{plural(len(a.unsupported), 'goal')} without a recent post")
    return section("brand", "Brand alignment", fold(finding, (
        f'<div class="grid2"><figure class="posts">{posts_bars(a.months, a.target)}'
        "<figcaption>Published posts per month (this month to date), target line dashed."
        "</figcaption></figure>"
        f"<div><p>Average <b class=\"num\">{a.average:.2f}</b> posts a month over the last "
        f"{len(a.months)} months against a target of {a.target}: {verdict}.</p>"
        f"<p>Goals with no supporting post in the last 90 days: {len(a.unsupported)}. "
        f"Drafts in progress for them: {len({p.slug for _, ps in a.drafts for p in ps})}.</p>"
        f"<p>Recent post tags that support no goal: {orphans}.</p></div></div>"
        + table("Published posts of the last 90 days whose tags match each active goal's tags.",
                ("Goal and its tags", "Supporting posts"), rows, "No goals yet.", "brand")))
        + f"<h3>Next</h3>{nexts}")


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
        f"<p>Last review {day(rv.latest.date)}, {days_text(rv.days_since or 0)} ago: {state}; "
        f"{rv.count} review{'s' if rv.count != 1 else ''} in total. Next review due "
        f"{when_text(due, r.today)}: run <code>brandgen review</code> to start it.</p>"
        f"<blockquote><p>{esc(rv.excerpt)}</p></blockquote>"))
