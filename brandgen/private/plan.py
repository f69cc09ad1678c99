"""The rest of the analysis, pure functions of (career, content, settings, today): the action
plan, skills gap, network follow-ups, opportunities pipeline, brand alignment and reviews.

Rules:

* **Action plan** merges development actions not done, open milestones (not done), the
  `next_step` of open opportunities (stage not accepted/declined/closed) and contact
  follow-ups due within ``PLAN_HORIZON_DAYS`` (14) of today. Order: overdue first (due before
  today), then the linked goal's priority (1 first; the best of several goals; no priority
  last), then due date (none last), then title.
* **Skills gap**: gap = max(0, target - current level). An action covers a skill when it
  names the skill and is not done. A gap above 0 with no covering action is flagged.
* **Network**: next follow-up = `next_followup`, else `last_contact + cadence_days`; days
  overdue = today - next follow-up when positive. A long-horizon goal is warned about when no
  contact linked to it is a mentor or a sponsor.
* **Opportunities**: counts per stage; an open opportunity is stale when its `due` is before
  today or it has no `next_step`.
* **Brand alignment**: a post is published when not a draft and dated on or before today.
  Posts per month covers the current month (to date) and the five before it; the average is
  their total / 6. Supporting posts of a goal are published posts of the last 90 days (date
  >= today - 90) sharing a tag with the goal (tags compared as slugs). Tags of those recent
  posts that no goal lists "support no goal".
* **Reviews** are overdue when the latest is more than `review_every_days` old, or missing.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from brandgen.config import PrivateSettings
from brandgen.markdown import excerpt
from brandgen.model import Content, Post
from brandgen.private.model import (
    RELATIONSHIPS,
    STAGES,
    Action,
    Career,
    Contact,
    Goal,
    Opportunity,
    Review,
)
from brandgen.urls import tag_slug

PLAN_HORIZON_DAYS = 14
ALIGNMENT_DAYS = 90
ALIGNMENT_MONTHS = 6
NO_PRIORITY = 10**6


@dataclass(frozen=True)
class PlanItem:
    kind: str  # action | milestone | opportunity | follow-up
    title: str
    due: dt.date | None
    goals: tuple[str, ...]
    priority: int | None
    overdue_days: int  # > 0 when overdue
    detail: str = ""


def _priority(career: Career, ids: tuple[str, ...]) -> int | None:
    found = [g.priority for g in career.goals if g.id in ids and g.priority is not None]
    return min(found) if found else None


def _overdue(due: dt.date | None, today: dt.date) -> int:
    return max(0, (today - due).days) if due else 0


def next_followup(contact: Contact) -> dt.date | None:
    if contact.next_followup is not None:
        return contact.next_followup
    if contact.last_contact is not None and contact.cadence_days is not None:
        return contact.last_contact + dt.timedelta(days=contact.cadence_days)
    return None


def action_plan(career: Career, today: dt.date) -> tuple[PlanItem, ...]:
    """Every next thing to do, overdue first, then goal priority, then due date."""
    raw: list[tuple[str, str, dt.date | None, tuple[str, ...], str]] = []
    for a in career.actions:
        if a.status != "done":
            raw.append(("action", a.title, a.due, (a.goal,) if a.goal else (),
                        f"{a.kind}, {a.status}"))
    for g in career.goals:
        for m in g.milestones:
            if m.done is None:
                raw.append(("milestone", m.title, m.due, (g.id,), ""))
    for o in career.opportunities:
        if o.is_open and o.next_step:
            raw.append(("opportunity", o.next_step, o.due, o.goals,
                        ", ".join(x for x in (o.title, o.organization) if x)))
    horizon = today + dt.timedelta(days=PLAN_HORIZON_DAYS)
    for c in career.contacts:
        when = next_followup(c)
        if when is not None and when <= horizon:
            raw.append(("follow-up", f"Follow up with {c.name}", when, c.goals,
                        ", ".join(x for x in (c.role, c.organization) if x)))
    items = [PlanItem(kind, title, due, goals, _priority(career, goals), _overdue(due, today),
                      detail) for kind, title, due, goals, detail in raw]
    items.sort(key=lambda i: (i.overdue_days == 0, i.priority or NO_PRIORITY,
                              i.due or dt.date.max, i.kind, i.title))
    return tuple(items)


@dataclass(frozen=True)
class SkillGap:
    skill: str
    current: int
    target: int
    actions: tuple[Action, ...]  # not done, naming this skill

    @property
    def gap(self) -> int:
        return max(0, self.target - self.current)

    @property
    def uncovered(self) -> bool:
        return self.gap > 0 and not self.actions


def skills_gap(career: Career, content: Content) -> tuple[SkillGap, ...]:
    levels = {s.name: s.level for s in content.skills}
    return tuple(SkillGap(name, levels.get(name, 0), target,
                          tuple(a for a in career.actions
                                if name in a.skills and a.status != "done"))
                 for name, target in career.targets)


@dataclass(frozen=True)
class FollowUp:
    contact: Contact
    due: dt.date | None
    overdue_days: int


@dataclass(frozen=True)
class NetworkReport:
    followups: tuple[FollowUp, ...]  # soonest first, unscheduled last
    mix: tuple[tuple[str, int], ...]  # every relationship, in RELATIONSHIPS order
    warnings: tuple[str, ...]


def network(career: Career, today: dt.date) -> NetworkReport:
    ups = [FollowUp(c, next_followup(c), _overdue(next_followup(c), today))
           for c in career.contacts]
    ups.sort(key=lambda f: (f.due or dt.date.max, f.contact.name))
    counts = Counter(c.relationship for c in career.contacts)
    warnings = []
    for g in career.goals:
        if g.horizon != "long":
            continue
        backers = [c for c in career.contacts
                   if g.id in c.goals and c.relationship in ("mentor", "sponsor")]
        if not backers:
            warnings.append(f"Long-term goal \u201c{g.title}\u201d has no mentor or sponsor: "
                            "link one in network.yaml (goals: [" + g.id + "]).")
    return NetworkReport(tuple(ups), tuple((r, counts[r]) for r in RELATIONSHIPS),
                         tuple(warnings))


@dataclass(frozen=True)
class PipelineReport:
    counts: tuple[tuple[str, int], ...]  # every stage, in STAGES order
    stale: tuple[tuple[Opportunity, str], ...]  # (opportunity, why)
    by_goal: tuple[tuple[str, tuple[Opportunity, ...]], ...]  # goal id ('' = none)


def pipeline(career: Career, today: dt.date) -> PipelineReport:
    counts = Counter(o.stage for o in career.opportunities)
    stale: list[tuple[Opportunity, str]] = []
    for o in career.opportunities:
        if not o.is_open:
            continue
        if o.due is not None and o.due < today:
            stale.append((o, f"{(today - o.due).days} days past due ({o.due})"))
        elif not o.next_step:
            stale.append((o, "no next step"))
    groups: list[tuple[str, tuple[Opportunity, ...]]] = []
    for gid in [g.id for g in career.goals] + [""]:
        members = tuple(o for o in career.opportunities
                        if ((gid in o.goals) if gid else not o.goals))
        if members:
            groups.append((gid, members))
    return PipelineReport(tuple((s, counts[s]) for s in STAGES), tuple(stale), tuple(groups))


@dataclass(frozen=True)
class Alignment:
    months: tuple[tuple[dt.date, int], ...]  # (first day of month, published posts), oldest first
    average: float
    target: int
    per_goal: tuple[tuple[Goal, tuple[Post, ...]], ...]
    unsupported: tuple[Goal, ...]
    orphan_tags: tuple[tuple[str, int], ...]  # (tag, recent posts with it)

    @property
    def meets_target(self) -> bool:
        return self.average >= self.target


def _month_start(day: dt.date, back: int) -> dt.date:
    index = day.year * 12 + day.month - 1 - back
    return dt.date(index // 12, index % 12 + 1, 1)


def alignment(career: Career, content: Content, settings: PrivateSettings, today: dt.date
              ) -> Alignment:
    published = [p for p in content.posts if not p.draft and p.date <= today]
    months = []
    for back in range(ALIGNMENT_MONTHS - 1, -1, -1):
        start = _month_start(today, back)
        months.append((start, sum(1 for p in published
                                  if (p.date.year, p.date.month) == (start.year, start.month))))
    recent = sorted((p for p in published
                     if p.date >= today - dt.timedelta(days=ALIGNMENT_DAYS)),
                    key=lambda p: (p.date, p.slug), reverse=True)
    per_goal = []
    goal_tags: set[str] = set()
    for g in career.goals:
        tags = {tag_slug(t) for t in g.tags}
        goal_tags |= tags
        per_goal.append((g, tuple(p for p in recent if tags & {tag_slug(t) for t in p.tags})))
    orphans: Counter[str] = Counter()
    for p in recent:
        for tag in dict.fromkeys(p.tags):
            if tag_slug(tag) not in goal_tags:
                orphans[tag] += 1
    return Alignment(tuple(months), sum(n for _, n in months) / ALIGNMENT_MONTHS,
                     settings.posts_per_month, tuple(per_goal),
                     tuple(g for g, posts in per_goal if not posts),
                     tuple(sorted(orphans.items(), key=lambda kv: (-kv[1], kv[0]))))


@dataclass(frozen=True)
class ReviewReport:
    latest: Review | None
    days_since: int | None
    overdue: bool
    next_due: dt.date | None
    excerpt: str
    count: int


def reviews(career: Career, settings: PrivateSettings, today: dt.date) -> ReviewReport:
    if not career.reviews:
        return ReviewReport(None, None, True, None, "", 0)
    last = career.reviews[-1]
    days = (today - last.date).days
    return ReviewReport(last, days, days > settings.review_every_days,
                        last.date + dt.timedelta(days=settings.review_every_days),
                        excerpt(last.text, 280), len(career.reviews))
