"""Dashboard sections about people and openings: the network and the opportunities."""

from __future__ import annotations

import datetime as dt

from brandgen.private.charts import funnel
from brandgen.private.htmlbits import (
    day,
    days_text,
    esc,
    goal_anchor,
    plural,
    section,
    table,
    when_short,
    when_text,
)
from brandgen.private.pipeline import OPEN_STAGES, OpenItem
from brandgen.private.plan import WEEK_DAYS, FollowUp
from brandgen.private.report import Report
from brandgen.private.vocabulary import CLOSED_STAGES

LOG_SHOWN = 3


def _goal_links(r: Report, ids: tuple[str, ...]) -> str:
    return ", ".join(f'<a href="#{goal_anchor(i)}">{esc(r.goal_title(i))}</a>' for i in ids)


def _contact(f: FollowUp, r: Report) -> tuple[str, ...]:
    c = f.contact
    who = ", ".join(x for x in (c.role, c.organization, c.relationship) if x)
    if f.due is None:
        due = '<span class="muted">not planned: set a cadence or a date</span>'
    elif f.last is None:
        due = f'{when_text(f.due, r.today)}<br><span class="flag">never contacted</span>'
    else:
        due = when_text(f.due, r.today)
    last = (f"{day(f.last)} ({days_text((r.today - f.last).days)} ago)" if f.last
            else '<span class="muted">none</span>')
    warmth = (f'<br><span class="warm-{f.warmth}">{f.warmth}</span> '
              f'<span class="muted">{f.recent} in 90 days, {f.older} in 180</span>')
    log = "; ".join(f"{day(i.date)} {esc(i.kind)}" + (f": {esc(i.note)}" if i.note else "")
                    for i in reversed(c.log[-LOG_SHOWN:]))
    goals = _goal_links(r, c.goals)
    notes = "<br>".join(x for x in (
        esc(c.notes), f'<span class="muted">Log:</span> {log}' if log else "",
        f'<span class="muted">For</span> {goals}' if goals else "") if x)
    return (f"{esc(c.name)}<br><span class=\"muted\">{esc(who)}</span>", due, last + warmth,
            notes)


def network_section(r: Report) -> str:
    net = r.network
    if not net.followups:
        return section("network", "Network", '<p class="muted">No contacts yet: add people '
                       "to content/private/network.yaml.</p>")
    warn = "".join(f'<p class="warn">{esc(w)}</p>' for w in net.warnings)
    mix = " · ".join(f"{esc(k)} {n}" for k, n in net.mix if n)
    overdue = sum(1 for f in net.followups if f.overdue_days)
    soon = r.today + dt.timedelta(days=WEEK_DAYS)
    near = [f for f in net.followups if f.due is not None and f.due <= soon]
    later = [f for f in net.followups if f not in near]
    rest = "".join(
        f"<li><b>{esc(f.contact.name)}</b>: "
        + (when_text(f.due, r.today) if f.due else "no follow-up planned")
        + f', <span class="warm-{f.warmth}">{f.warmth}</span>'
        + (f' <span class="muted">{esc(f.contact.notes)}</span>' if f.contact.notes else "")
        + "</li>" for f in later)
    return section("network", "Network", (
        f"{warn}<p>{plural(overdue, 'follow-up')} overdue; {len(near)} overdue or due by "
        f"{day(soon)}. Relationship mix: {mix}.</p>"
        + table("Follow-ups overdue or due this week, soonest first. The last contact is the "
                "newest of the recorded date and the log; warmth counts interactions.",
                ("Contact", "Follow up", "Last contact, warmth", "Notes and recent log"),
                [_contact(f, r) for f in near], "No follow-up due this week.", "people")
        + (f'<h3>Later</h3><ul class="next later">{rest}</ul>' if rest else "")))


def _open_row(i: OpenItem, r: Report) -> tuple[str, ...]:
    o = i.opportunity
    stage = (f"{esc(o.stage)} <span class=\"muted\">{days_text(i.days_in_stage)}</span>"
             if i.days_in_stage is not None else esc(o.stage))
    due = when_short(o.due, r.today) if o.due else ""
    step = f"{esc(o.next_step)}<br>{due}" if o.next_step and due else esc(o.next_step) or due
    flags = "".join(f'<br><span class="flag">{esc(f)}</span>' for f in i.flags)
    goals = _goal_links(r, o.goals)
    about = "<br>".join(x for x in (esc(o.notes), f'<span class="muted">For</span> {goals}'
                                    if goals else "") if x)
    title = (f'<a href="{esc(o.url)}" rel="noreferrer noopener">{esc(o.title)}</a>' if o.url
             else esc(o.title))
    name = title + (f' <span class="muted">{esc(o.organization)}</span>'
                    if o.organization else "")
    return (name, stage, (step + flags).removeprefix("<br>"), about)


def pipeline_section(r: Report) -> str:
    p = r.pipeline
    if not r.career.opportunities:
        return section("pipeline", "Opportunities", '<p class="muted">No opportunities: '
                       "add them to content/private/opportunities.yaml.</p>")
    counts = dict(p.counts)
    bars = funnel(tuple((s, counts[s]) for s in OPEN_STAGES))
    outcomes = " · ".join(f"{s} {counts[s]}" for s in CLOSED_STAGES)
    conv = "".join(
        f"<tr><th scope=\"row\">{esc(c.stage)} → {esc(c.next)}</th><td>{c.moved} of "
        f"{c.reached}</td><td>{'–' if c.rate is None else f'{c.rate:.0f} %'}</td></tr>"
        for c in p.conversion)
    items = table("Open opportunities, soonest due first",
                  ("Opportunity", "Stage, for", "Next step", "Notes"),
                  [_open_row(i, r) for i in p.open], "Nothing open.", "opps")
    closed = "".join(
        f"<li>{esc(o.title)}{', ' + esc(o.organization) if o.organization else ''}: "
        f"{esc(o.stage)}" + (f" on {day(o.history[-1].date)}" if o.history else "")
        + (f' <span class="muted">{esc(o.notes)}</span>' if o.notes else "") + "</li>"
        for o in p.closed)
    ghosted = len(p.ghosted)
    done = plural(len(p.closed), "closed opportunity", "closed opportunities")
    return section("pipeline", "Opportunities", (
        f'<div class="grid2"><figure>{bars}<figcaption>Open opportunities by stage. '
        f"Outcomes: {outcomes}. {plural(ghosted, 'ghosted application')} (applied or "
        f"interviewing with no change for {p.ghosted_after} days or more).</figcaption>"
        '</figure><table class="compact"><caption>Conversion over all opportunities: of '
        "those that reached a stage (or a later one), how many reached the next</caption>"
        '<thead><tr><th scope="col">Step</th><th scope="col">Moved on</th>'
        f'<th scope="col">Rate</th></tr></thead><tbody>{conv}</tbody></table></div>{items}'
        + (f'<details><summary>{done}</summary><ul class="next">{closed}</ul></details>'
           if closed else "")))
