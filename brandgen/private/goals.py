"""Read content/private/goals.yaml: goals with milestones, check-ins and key results."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Collection
from pathlib import Path

from brandgen.errors import Problems
from brandgen.fields import Fields, list_items
from brandgen.load import check_skill_refs, read_yaml
from brandgen.private.model import Checkin, Goal, KeyResult, Milestone, Where
from brandgen.private.vocabulary import GOAL_STATUSES, HORIZONS

GOALS_FILE = "content/private/goals.yaml"
GOAL_KEYS = ("id", "title", "horizon", "priority", "status", "started", "why", "metric",
             "start_value", "target", "unit", "deadline", "checkin_every_days", "skills", "tags",
             "milestones", "checkins", "key_results")
MILESTONE_KEYS = ("title", "due", "done")
CHECKIN_KEYS = ("date", "value", "confidence", "note")
KEY_RESULT_KEYS = ("id", "title", "metric", "start_value", "target", "unit", "checkins")
OWN_MEASURE = ("metric", "start_value", "target", "unit", "checkins")


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
        confidence = cf.integer("confidence", low=1, high=10)
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
        out.append(Checkin(date, value, note, confidence))
    return tuple(out)


def _start_target(f: Fields, required: bool = False) -> tuple[float | None, float | None]:
    start, target = f.number("start_value"), f.number("target", required=required)
    if start is not None and target is not None and start == target:
        f.fail("target", f"equals start_value ({start:g}), so there is nothing to measure",
               "set the target you want to reach")
    return start, target


def _key_results(f: Fields, today: dt.date) -> tuple[KeyResult, ...]:
    out: list[KeyResult] = []
    seen: dict[str, int] = {}
    for i, item in f.items("key_results"):
        kf = Fields(item, f.path, f.problems, f"{f.label('key_results')}[{i}]", KEY_RESULT_KEYS)
        if not kf.ok:
            continue
        kr_id = _unique_id(kf, seen, i, "key result", "key_results", "each")
        title = kf.text("title", required=True)
        start, target = _start_target(kf, required=True)
        kr = KeyResult(kr_id or "", title or "", kf.text("metric", default="") or "", start,
                       target, kf.text("unit", default="") or "", _checkins(kf, today))
        if kr_id and title and target is not None:
            out.append(kr)
    return tuple(out)


def _unique_id(f: Fields, seen: dict[str, int], i: int, noun: str, listed: str, each: str
               ) -> str | None:
    """The item's required `id`, or None (with an error) when an earlier item has it."""
    item_id = f.text("id", required=True)
    if item_id is not None and item_id in seen:
        f.fail("id", f"duplicate {noun} id '{item_id}'",
               f"{listed}[{seen[item_id]}] already has it; give {each} its own id")
        return None
    if item_id is not None:
        seen[item_id] = i
    return item_id


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
        goal_id = _unique_id(f, seen, i, "goal", "goals", "each goal")
        title = f.text("title", required=True)
        horizon = f.choice("horizon", HORIZONS, default="") or ""
        priority = f.integer("priority", low=1)
        state = f.choice("status", GOAL_STATUSES, default="active") or "active"
        started = f.date("started")
        every = f.integer("checkin_every_days", low=1)
        start, target = _start_target(f)
        key_results = _key_results(f, today)
        if "key_results" in f.entries:
            for key in OWN_MEASURE:
                if key in f.entries:
                    f.problems.error(f"{f.label(key)}: a goal with key_results measures "
                                     "progress through them, not its own " + key, f.path,
                                     f.entries[key][0].line, f.entries[key][0].column,
                                     f"move `{key}:` into a key result, or drop key_results")
        check_skill_refs(f, skills, problems)
        goal = Goal(
            id=goal_id or "", title=title or "", where=Where(GOALS_FILE, item.line, item.column),
            horizon=horizon, priority=priority, why=f.text("why", default="") or "",
            metric=f.text("metric", default="") or "", start_value=start, target=target,
            unit=f.text("unit", default="") or "", deadline=last_day(f, "deadline"),
            skills=f.strings("skills"), tags=f.strings("tags"), milestones=_milestones(f, today),
            checkins=_checkins(f, today), status=state, started=started,
            checkin_every_days=every, key_results=key_results)
        if started is not None and goal.deadline is not None and started > goal.deadline:
            f.fail("started", f"{started} is after the deadline ({goal.deadline})",
                   "a goal starts before its deadline")
        first = goal.all_checkins
        if started is not None and first and first[0].date < started:
            f.fail("started", f"{started} is after the first check-in ({first[0].date})",
                   "set `started:` to the day of the first check-in or earlier")
        if goal_id and title:
            goals.append(goal)
    return tuple(goals), set(seen)
