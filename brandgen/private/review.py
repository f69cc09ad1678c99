"""`brandgen review`: a new review note, prefilled from the analysis at `today`.

The note lists what changed since the last review (check-ins, milestones done, interactions
logged, opportunities moved), what is due in the next 14 days, the goals that need attention
and the follow-ups due, then three empty prompts. The text is a pure function of the report;
only `write_review` touches the disk.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml

from brandgen.errors import BuildError, Problems, SourceError
from brandgen.private.commands import Change, load_project, validate, write_atomic
from brandgen.private.model import show_date
from brandgen.private.report import Report
from brandgen.private.vocabulary import PRIVATE

DUE_DAYS = 14
ATTENTION = ("at risk", "off track", "stale", "missed")
PROMPTS = ("Wins", "Blockers", "Next focus")


def _checkins(report: Report, since: dt.date) -> list[str]:
    rows: list[tuple[dt.date, str]] = []
    for goal in report.career.goals:
        owners = [(goal.title, goal.unit, goal.checkins)]
        owners += [(f"{goal.title} / {kr.title}", kr.unit, kr.checkins)
                   for kr in goal.key_results]
        for title, unit, checkins in owners:
            for c in checkins:
                if since < c.date <= report.today:
                    extra = [f"confidence {c.confidence}/10"] if c.confidence else []
                    extra += [c.note] if c.note else []
                    tail = f" ({'; '.join(extra)})" if extra else ""
                    rows.append((c.date, f"- {show_date(c.date)}: {title}: {c.value:g}"
                                         f"{' ' + unit if unit else ''}{tail}"))
    return [text for _, text in sorted(rows, key=lambda r: r[0])]


def _milestones(report: Report, since: dt.date) -> list[str]:
    rows = [(m.done, f"- {show_date(m.done)}: {m.title} ({g.title})") for g in report.career.goals
            for m in g.milestones if m.done is not None and since < m.done <= report.today]
    return [text for _, text in sorted(rows, key=lambda r: r[0])]


def _activity(report: Report, since: dt.date) -> list[str]:
    """Interactions logged and opportunities moved since the last review."""
    rows = [(i.date, f"- {show_date(i.date)}: {i.kind} with {c.name}"
             + (f" ({i.note})" if i.note else ""))
            for c in report.career.contacts for i in c.log if since < i.date <= report.today]
    rows += [(h.date, f"- {show_date(h.date)}: {o.title} moved to {h.stage}")
             for o in report.career.opportunities for h in o.history
             if since < h.date <= report.today]
    return [text for _, text in sorted(rows, key=lambda r: r[0])]


def _due(report: Report) -> list[str]:
    end = report.today + dt.timedelta(days=DUE_DAYS)
    items = sorted((i for i in report.plan if i.kind != "follow-up" and i.due is not None
                    and report.today <= i.due <= end), key=lambda i: (i.due, i.title))
    # the goal's title is left out where the item already names it ("Check in on “…”")
    return [f"- {show_date(i.due)}: {i.title} ({i.kind}"
            + "".join(f"; {report.goal_title(g)}" for g in i.goals
                      if report.goal_title(g) not in i.title) + ")" for i in items]


def _attention(report: Report) -> list[str]:
    return [f"- {g.goal.title}: {g.status}, {g.reason}" for g in report.goals
            if g.status in ATTENTION and g.goal.status == "active"]


def _followups(report: Report) -> list[str]:
    end = report.today + dt.timedelta(days=DUE_DAYS)
    out = []
    for f in report.network.followups:
        if f.due is None or f.due > end:
            continue
        when = (f"overdue since {show_date(f.due)}" if f.due < report.today
                else f"due {show_date(f.due)}")
        out.append(f"- {f.contact.name}: {when}")
    return out


def review_text(report: Report, review_every_days: int) -> str:
    """The prefilled note for `report.today`."""
    today = report.today
    earlier = [r.date for r in report.career.reviews if r.date < today]
    last = max(earlier) if earlier else None
    since = last or today - dt.timedelta(days=review_every_days)
    heading = (f"Since the last review ({show_date(last)})" if last
               else f"The last {review_every_days} days (no earlier review)")
    front = yaml.safe_dump({"date": today, "title": f"Review of {show_date(today)}"},
                           sort_keys=False)
    sections = [
        (heading, ["Check-ins:", *(_checkins(report, since) or ["- none"]), "",
                   "Milestones done:", *(_milestones(report, since) or ["- none"]), "",
                   "People and opportunities:", *(_activity(report, since) or ["- none"])]),
        (f"Due in the next {DUE_DAYS} days (to {show_date(today + dt.timedelta(days=DUE_DAYS))})",
         _due(report) or ["- nothing"]),
        ("Goals at risk, stale or missed", _attention(report) or ["- none"]),
        ("Follow-ups due", _followups(report) or ["- none"]),
    ]
    parts = [f"---\n{front}---\n"]
    for title, lines in sections:
        parts.append(f"## {title}\n\n" + "\n".join(lines) + "\n")
    parts += [f"## {prompt}\n\n" for prompt in PROMPTS]
    return "\n".join(parts).rstrip("\n") + "\n"


def write_review(root: Path, today: dt.date) -> Change:
    """Write content/private/reviews/<today>.md; never over an existing note."""
    from brandgen.load import load_content
    from brandgen.private import report_for

    config = load_project(root)
    rel = f"{PRIVATE}/reviews/{today.isoformat()}.md"
    if (root / rel).exists():
        raise BuildError([SourceError("a review for this day already exists", rel,
                                      hint="edit that note, or remove it to start again")])
    problems = Problems()
    report = report_for(config, load_content(config, Problems()), problems, today)
    problems.raise_if_any()
    text = review_text(report, config.private.review_every_days)
    validate(config, {rel: text}, today)
    (root / rel).parent.mkdir(parents=True, exist_ok=True)
    write_atomic(root / rel, text, rel)
    return Change(rel, f"Wrote the review note for {today}", "", text)
