"""The rest of the analysis, pure functions of (career, content, settings, today): the action
plan, skills gap, network follow-ups, brand alignment and reviews (opportunities: pipeline.py).

Rules:

* **Action plan** merges development actions not done, open milestones (not done), the
  `next_step` of open opportunities (stage not accepted/declined/closed), contact
  follow-ups due within ``PLAN_HORIZON_DAYS`` (14) of today, a "check in on" item per stale
  goal and a "decide on" item per missed goal (both due today), and the next review. Items
  of paused or dropped goals are left out (an item linked to several goals stays while one
  of them is active).
  Order: overdue first (due before today), then the linked goal's priority (1 first; the best
  of several goals; no priority last), then due date (none last), then title.
* **Skills gap**: gap = max(0, target - current level). An action covers a skill when it
  names the skill and is not done. A gap above 0 with no covering action is flagged.
* **Last contact** with a person is the newest of `last_contact` and the `log` dates. Their
  next follow-up is `next_followup` if that is later than the last contact, else last contact
  + `cadence_days`; with a cadence and no contact at all it is due today ("never
  contacted"). Days overdue = today - next follow-up when positive. A long-horizon active goal
  is warned about when no contact linked to it is a mentor or a sponsor.
* **Warmth**: interactions (log entries, plus `last_contact` when no log entry has its date)
  in the last 90 and 180 days (date >= today - N): warm with one in 90 days, cooling with one
  in 180, cold otherwise.
* **Brand alignment**: a post is published when not a draft and dated on or before today.
  Posts per month covers the current month (to date) and the five before it; the average is
  their total / 6. Supporting posts of a goal are published posts of the last 90 days (date
  >= today - 90) sharing a tag with the goal (tags compared as slugs); drafts sharing a tag
  are its work in progress. Only active goals that are not done and have tags get a nudge.
  Tags of recent posts that no goal lists "support no goal".
* **Reviews** are overdue when the latest is more than `review_every_days` old, or missing.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from brandgen.config import PrivateSettings
from brandgen.model import Content, Post
from brandgen.private.analysis import MISSED, GoalReport
from brandgen.private.model import Action, Career, Contact, Goal, Review, show_date
from brandgen.private.pipeline import PipelineReport as PipelineReport  # moved; re-exported
from brandgen.private.pipeline import pipeline as pipeline
from brandgen.private.vocabulary import RELATIONSHIPS
from brandgen.rendered import excerpt
from brandgen.urls import tag_slug

PLAN_HORIZON_DAYS = 14
WARM_DAYS, COOL_DAYS = 90, 180
VERBS = {"action": "Do", "milestone": "Finish", "opportunity": "", "follow-up": "",
         "check-in": "", "review": ""}
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

    @property
    def verb(self) -> str:
        """A leading verb when the title does not start with one."""
        return VERBS.get(self.kind, "")


def _priority(career: Career, ids: tuple[str, ...]) -> int | None:
    found = [g.priority for g in career.goals if g.id in ids and g.priority is not None]
    return min(found) if found else None


def _overdue(due: dt.date | None, today: dt.date) -> int:
    return max(0, (today - due).days) if due else 0


def next_followup(contact: Contact, today: dt.date | None = None) -> dt.date | None:
    """The last-contact rule (module docstring); `today` makes "never contacted" due today."""
    last = contact.last_seen
    if contact.next_followup is not None and (last is None or contact.next_followup > last):
        return contact.next_followup
    if last is not None and contact.cadence_days is not None:
        return last + dt.timedelta(days=contact.cadence_days)
    if last is None and contact.cadence_days is not None:
        return today
    return None


def _parked(career: Career, ids: tuple[str, ...]) -> bool:
    """Linked only to goals that are paused or dropped."""
    goals = [career.goal(i) for i in ids]
    return bool(ids) and all(g is not None and not g.is_active for g in goals)


def action_plan(career: Career, today: dt.date, goals: tuple[GoalReport, ...] = (),
                review_due: dt.date | None = None) -> tuple[PlanItem, ...]:
    """Every next thing to do, overdue first, then goal priority, then due date. `goals`
    (the analysed goals) adds check-ins of stale goals, `review_due` the next review."""
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
        when = next_followup(c, today)
        if when is not None and when <= horizon:
            detail = ", ".join(x for x in (c.role, c.organization) if x)
            if c.last_seen is None:
                detail = ", ".join(x for x in (detail, "never contacted") if x)
            raw.append(("follow-up", f"Follow up with {c.name}", when, c.goals, detail))
    for r in goals:
        if r.stale and r.checkin_due is not None:
            raw.append(("check-in", "Check in: record where this goal stands", today,
                        (r.goal.id,), f"expected by {show_date(r.checkin_due)}"))
        if r.status == MISSED and r.goal.is_active:
            raw.append(("decision", "Decide: set a new deadline, or drop the goal", today,
                        (r.goal.id,), "its deadline passed"))
    if review_due is not None:
        raw.append(("review", "Write your career review", review_due, (),
                    "run brandgen review"))
    items = [PlanItem(kind, title, due, ids, _priority(career, ids), _overdue(due, today),
                      detail) for kind, title, due, ids, detail in raw
             if not _parked(career, ids)]
    items.sort(key=lambda i: (i.overdue_days == 0, i.priority or NO_PRIORITY,
                              i.due or dt.date.max, i.kind, i.title))
    return tuple(items)


WEEK_DAYS, WEEK_LIMIT, STALE_AFTER_DAYS = 7, 7, 30


@dataclass(frozen=True)
class Week:
    items: tuple[PlanItem, ...]  # at most WEEK_LIMIT, in date order
    more: int  # due this week but beyond the limit
    old: tuple[PlanItem, ...]  # overdue by more than STALE_AFTER_DAYS: clear or reschedule


def this_week(plan: tuple[PlanItem, ...], today: dt.date) -> Week:
    """At most 7 items in date order: first those due in the next 7 days (today included,
    soonest first), then, in the slots left, those overdue by at most 30 days (by goal
    priority, then the most recently due). Older overdue items are listed apart."""
    end = today + dt.timedelta(days=WEEK_DAYS)
    soon = [i for i in plan if i.due is not None and today <= i.due <= end]
    soon.sort(key=lambda i: i.due or dt.date.max)  # stable: ties keep the plan's order
    late = [i for i in plan if 0 < i.overdue_days <= STALE_AFTER_DAYS]
    late.sort(key=lambda i: (i.priority or NO_PRIORITY, i.overdue_days))
    chosen = (soon + late)[:WEEK_LIMIT]
    chosen.sort(key=lambda i: i.due or dt.date.max)
    old = sorted((i for i in plan if i.overdue_days > STALE_AFTER_DAYS),
                 key=lambda i: i.due or dt.date.max)
    return Week(tuple(chosen), len(soon) + len(late) - len(chosen), tuple(old))


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
    last: dt.date | None = None  # the last-contact rule
    recent: int = 0  # interactions in the last WARM_DAYS
    older: int = 0  # interactions in the last COOL_DAYS

    @property
    def warmth(self) -> str:
        return "warm" if self.recent else "cooling" if self.older else "cold"


def interactions(contact: Contact) -> list[dt.date]:
    dates = [i.date for i in contact.log]
    if contact.last_contact is not None and contact.last_contact not in dates:
        dates.append(contact.last_contact)
    return sorted(dates)


def _follow(c: Contact, today: dt.date) -> FollowUp:
    due = next_followup(c, today)
    dates = interactions(c)
    return FollowUp(c, due, _overdue(due, today), c.last_seen,
                    sum(1 for d in dates if d >= today - dt.timedelta(days=WARM_DAYS)),
                    sum(1 for d in dates if d >= today - dt.timedelta(days=COOL_DAYS)))


@dataclass(frozen=True)
class NetworkReport:
    followups: tuple[FollowUp, ...]  # soonest first, unscheduled last
    mix: tuple[tuple[str, int], ...]  # every relationship, in RELATIONSHIPS order
    warnings: tuple[str, ...]


def network(career: Career, today: dt.date) -> NetworkReport:
    ups = [_follow(c, today) for c in career.contacts]
    ups.sort(key=lambda f: (f.due or dt.date.max, f.contact.name))
    counts = Counter(c.relationship for c in career.contacts)
    warnings = []
    for g in career.goals:
        if g.horizon != "long" or not g.is_active:
            continue
        backers = [c for c in career.contacts
                   if g.id in c.goals and c.relationship in ("mentor", "sponsor")]
        if not backers:
            warnings.append(f"Long-term goal \u201c{g.title}\u201d has no mentor or sponsor: "
                            "link one to it in network.yaml.")
    return NetworkReport(tuple(ups), tuple((r, counts[r]) for r in RELATIONSHIPS),
                         tuple(warnings))


@dataclass(frozen=True)
class Alignment:
    months: tuple[tuple[dt.date, int], ...]  # (first day of month, published posts), oldest first
    average: float
    target: int
    per_goal: tuple[tuple[Goal, tuple[Post, ...]], ...]
    unsupported: tuple[Goal, ...]  # active, not done, tagged, and no recent post
    orphan_tags: tuple[tuple[str, int], ...]  # (tag, recent posts with it)
    drafts: tuple[tuple[Goal, tuple[Post, ...]], ...] = ()  # work in progress per goal
    untagged: tuple[Goal, ...] = ()  # active goals with no tags: nothing can support them

    @property
    def meets_target(self) -> bool:
        return self.average >= self.target


def _month_start(day: dt.date, back: int) -> dt.date:
    index = day.year * 12 + day.month - 1 - back
    return dt.date(index // 12, index % 12 + 1, 1)


def alignment(career: Career, content: Content, settings: PrivateSettings, today: dt.date,
              done: frozenset[str] = frozenset()) -> Alignment:
    """`done`: ids of goals that reached their target (they need no more evidence)."""
    drafts = sorted((p for p in content.posts if p.draft), key=lambda p: p.slug)
    published = [p for p in content.posts if not p.draft and p.date <= today]
    per_month = Counter((p.date.year, p.date.month) for p in published)
    months = [(start, per_month[start.year, start.month])
              for back in range(ALIGNMENT_MONTHS - 1, -1, -1)
              for start in [_month_start(today, back)]]
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
    live = [g for g in career.goals if g.is_active and g.id not in done]
    wip = tuple((g, tuple(p for p in drafts if {tag_slug(t) for t in g.tags}
                          & {tag_slug(t) for t in p.tags})) for g in live if g.tags)
    return Alignment(tuple(months), sum(n for _, n in months) / ALIGNMENT_MONTHS,
                     settings.posts_per_month, tuple(per_goal),
                     tuple(g for g, posts in per_goal if not posts and g in live and g.tags),
                     tuple(sorted(orphans.items(), key=lambda kv: (-kv[1], kv[0]))),
                     tuple((g, ps) for g, ps in wip if ps),
                     tuple(g for g in live if not g.tags))


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
                        excerpt(last.text, 200), len(career.reviews))
