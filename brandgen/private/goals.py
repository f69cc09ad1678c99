"""Read content/private/goals.yaml: goals with milestones and check-ins."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Collection
from pathlib import Path

from brandgen.errors import Problems
from brandgen.fields import Fields, list_items
from brandgen.load import check_skill_refs, read_yaml
from brandgen.private.model import HORIZONS, Checkin, Goal, Milestone, Where

GOALS_FILE = "content/private/goals.yaml"
GOAL_KEYS = ("id", "title", "horizon", "priority", "why", "metric", "start_value", "target",
             "unit", "deadline", "skills", "tags", "milestones", "checkins")
MILESTONE_KEYS = ("title", "due", "done")
CHECKIN_KEYS = ("date", "value", "note")


def last_day(f: Fields, key: str) -> dt.date | None:
    """A date; a month (`2027-03`) or a year stands for its last day."""
    when = f.when(key)
    if when is None:
        return None
    if when.precision == "month":
        return when.date.replace(day=calendar.monthrange(when.date.year, when.date.month)[1])
    if when.precision == "year":
        return when.date.replace(month=12, day=31)
    return when.date


def _milestones(f: Fields, today: dt.date) -> tuple[Milestone, ...]:
    out: list[Milestone] = []
    for i, item in f.items("milestones"):
        mf = Fields(item, f.path, f.problems, f"{f.label('milestones')}[{i}]", MILESTONE_KEYS)
        title = mf.text("title", required=True)
        due, done = last_day(mf, "due"), mf.date("done")
        if done is not None and done > today:
            mf.fail("done", f"is in the future ({done}; today is {today})",
                    "record a milestone as done on the day it was done")
        if title:
            out.append(Milestone(title, due, done))
    return tuple(out)


def _checkins(f: Fields, today: dt.date) -> tuple[Checkin, ...]:
    out: list[Checkin] = []
    for i, item in f.items("checkins"):
        cf = Fields(item, f.path, f.problems, f"{f.label('checkins')}[{i}]", CHECKIN_KEYS)
        date = cf.date("date", required=True)
        value = cf.number("value", required=True)
        note = cf.text("note", default="") or ""
        if date is None or value is None:
            continue
        if date > today:
            cf.fail("date", f"{date} is in the future (today is {today})",
                    "record a check-in once it has happened")
            continue
        if out and date <= out[-1].date:
            cf.fail("date", f"{date} is not after the previous check-in ({out[-1].date})",
                    "list check-ins oldest first, one per date")
            continue
        out.append(Checkin(date, value, note))
    return tuple(out)


def load_goals(root: Path, problems: Problems, skills: Collection[str], today: dt.date
               ) -> tuple[tuple[Goal, ...], set[str]]:
    """The goals, plus every id declared (also of goals that had errors, to avoid knock-on
    'unknown goal' errors elsewhere)."""
    goals: list[Goal] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(list_items(read_yaml(root, GOALS_FILE, problems), GOALS_FILE,
                                        problems, "goals")):
        f = Fields(item, GOALS_FILE, problems, f"goals[{i}]", GOAL_KEYS)
        if not f.ok:
            continue
        goal_id = f.text("id", required=True)
        if goal_id is not None and goal_id in seen:
            f.fail("id", f"duplicate goal id '{goal_id}'",
                   f"goals[{seen[goal_id]}] already has it; give each goal its own id")
            goal_id = None
        elif goal_id is not None:
            seen[goal_id] = i
        title = f.text("title", required=True)
        horizon = f.choice("horizon", HORIZONS, default="") or ""
        priority = f.integer("priority", low=1)
        start, target = f.number("start_value"), f.number("target")
        if start is not None and target is not None and start == target:
            f.fail("target", f"equals start_value ({start:g}), so there is nothing to measure",
                   "set the target you want to reach")
        check_skill_refs(f, skills, problems)
        goal = Goal(
            id=goal_id or "", title=title or "", where=Where(GOALS_FILE, item.line, item.column),
            horizon=horizon, priority=priority, why=f.text("why", default="") or "",
            metric=f.text("metric", default="") or "", start_value=start, target=target,
            unit=f.text("unit", default="") or "", deadline=last_day(f, "deadline"),
            skills=f.strings("skills"), tags=f.strings("tags"), milestones=_milestones(f, today),
            checkins=_checkins(f, today))
        if goal_id and title:
            goals.append(goal)
    return tuple(goals), set(seen)
