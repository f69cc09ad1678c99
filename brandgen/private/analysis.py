"""Goal analysis as pure functions of (goal, today): progress, trend, forecast, status, SMART.

Rules (each one is what the dashboard and the tests compute by hand):

* **Baseline** ``start`` is ``start_value``, else the first check-in's value. The direction of
  a goal is the sign of ``target - start`` (a decreasing metric has direction -1).
* **Progress %** = (latest check-in - start) / (target - start) * 100, clamped to 0-100.
* **Trend** is the least-squares line through the check-ins, x = days since the first
  check-in, y = value. It needs at least two check-ins; with fewer there is no trend (a single
  check-in has no date for the baseline to pace against), so the status is "no data" unless
  that check-in already reaches the target.
* **Forecast** is the first whole day on which the trend line reaches the target
  (first check-in + ceil(x*) days, x* = (target - intercept) / slope), but never before
  ``today`` (a goal that is not done cannot be done in the past). A flat trend, or one moving
  away from the target, has no forecast.
* **Status**, in this order:
  1. ``done``      - the latest check-in reaches the target (>= it, or <= for decreasing);
  2. ``no data``   - no target, no check-in, fewer than two check-ins, or no deadline;
  3. ``off track`` - the deadline has passed, or the trend is flat or going the wrong way;
  4. ``on track``  - forecast <= deadline;
  5. ``at risk``   - forecast is late by at most 25% of the goal's span (first check-in to
     deadline, in days);
  6. ``off track`` - later than that.
* **SMART**: Specific = a title of 3+ words and a `why`; Measurable = metric, target and
  unit; Achievable = the pace still needed ((target - latest) / days to the deadline) is at
  most twice the trend's pace, or there is no data yet (under two check-ins) or the target is
  reached; Relevant = skills, tags or a why; Time-bound = a deadline.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from brandgen.private.model import Checkin, Goal, Milestone

DONE, ON_TRACK, AT_RISK, OFF_TRACK, NO_DATA = "done", "on track", "at risk", "off track", \
    "no data"
STATUSES = (DONE, ON_TRACK, AT_RISK, OFF_TRACK, NO_DATA)
AT_RISK_SHARE = 0.25  # lateness tolerated as "at risk", as a share of the goal's span
ACHIEVABLE_FACTOR = 2.0  # needed pace may be this many times the achieved pace
SPECIFIC_WORDS = 3


@dataclass(frozen=True)
class Trend:
    """value = intercept + slope * (date - origin).days"""

    origin: dt.date
    slope: float  # units per day
    intercept: float

    def value_at(self, date: dt.date) -> float:
        return self.intercept + self.slope * (date - self.origin).days


@dataclass(frozen=True)
class SmartLetter:
    letter: str  # S, M, A, R, T
    name: str  # Specific, ...
    ok: bool
    reason: str


@dataclass(frozen=True)
class GoalReport:
    goal: Goal
    status: str
    reason: str  # one line: why this status
    progress: float | None = None  # 0-100
    latest: Checkin | None = None
    trend: Trend | None = None
    forecast: dt.date | None = None
    smart: tuple[SmartLetter, ...] = ()
    done: tuple[Milestone, ...] = ()
    open: tuple[Milestone, ...] = ()  # not done, not yet overdue
    overdue: tuple[Milestone, ...] = ()


def direction(goal: Goal) -> int:
    start = goal.start
    if start is None or goal.target is None:
        return 0
    return (goal.target > start) - (goal.target < start)


def progress(goal: Goal) -> float | None:
    """Percent of the way from start to target at the latest check-in, clamped to 0-100."""
    start, target = goal.start, goal.target
    if start is None or target is None or not goal.checkins:
        return None
    if target == start:
        return 100.0
    share = (goal.checkins[-1].value - start) / (target - start) * 100
    return max(0.0, min(100.0, share))


def trend(checkins: tuple[Checkin, ...]) -> Trend | None:
    """Least-squares line through the check-ins; None with fewer than two."""
    if len(checkins) < 2:
        return None
    origin = checkins[0].date
    xs = [(c.date - origin).days for c in checkins]
    ys = [c.value for c in checkins]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx
    return Trend(origin, slope, my - slope * mx)


def forecast(goal: Goal, line: Trend | None, today: dt.date) -> dt.date | None:
    """The day the trend reaches the target, not before today; None when it never does."""
    if line is None or goal.target is None or line.slope * direction(goal) <= 0:
        return None
    x = (goal.target - line.intercept) / line.slope
    if x > 365 * 200:  # a pace so slow it means "never"; also keeps date arithmetic safe
        return None
    return max(today, line.origin + dt.timedelta(days=math.ceil(x - 1e-9)))


def reached(goal: Goal) -> bool:
    if goal.target is None or not goal.checkins or goal.start is None:
        return False
    return (goal.checkins[-1].value - goal.target) * direction(goal) >= 0


def status(goal: Goal, line: Trend | None, when: dt.date | None, today: dt.date
           ) -> tuple[str, str]:
    """(status, reason) following the rules in the module docstring."""
    if goal.target is None or goal.start is None:
        return NO_DATA, "no metric target to measure against"
    if not goal.checkins:
        return NO_DATA, "no check-ins yet"
    if reached(goal):
        return DONE, f"target reached on {goal.checkins[-1].date}"
    if line is None:
        return NO_DATA, "one check-in: log another to see a trend"
    if goal.deadline is None:
        return NO_DATA, "no deadline to compare the forecast with"
    if goal.deadline < today:
        return OFF_TRACK, f"deadline {goal.deadline} has passed"
    if when is None:
        return OFF_TRACK, "the trend is flat or moving away from the target"
    if when <= goal.deadline:
        return ON_TRACK, f"forecast {when} is on or before the deadline {goal.deadline}"
    late = (when - goal.deadline).days
    span = (goal.deadline - goal.checkins[0].date).days
    if late <= AT_RISK_SHARE * span:
        return AT_RISK, f"forecast {when} is {late} days after the deadline {goal.deadline}"
    return OFF_TRACK, f"forecast {when} is {late} days after the deadline {goal.deadline}"


def _per_week(value: float, unit: str) -> str:
    return f"{value * 7:.2f} {unit or 'units'} per week"


def achievable(goal: Goal, line: Trend | None, today: dt.date) -> tuple[bool, str]:
    if goal.target is None or line is None or goal.start is None:
        return True, "no data yet (needs a target and two check-ins)"
    if reached(goal):
        return True, "target already reached"
    if goal.deadline is None:
        return True, "no deadline, so no pace is required"
    left = goal.target - goal.checkins[-1].value
    days = (goal.deadline - today).days
    if days < 0:
        return False, f"the deadline has passed with {abs(left):g} {goal.unit} to go".rstrip()
    days = max(days, 1)  # the deadline day itself still counts
    needed, achieved = abs(left) / days, line.slope * direction(goal)
    if achieved <= 0:
        return False, (f"no progress so far, yet {_per_week(needed, goal.unit)} is needed")
    if needed <= ACHIEVABLE_FACTOR * achieved:
        return True, (f"needs {_per_week(needed, goal.unit)}, achieved "
                      f"{_per_week(achieved, goal.unit)}")
    return False, (f"needs {_per_week(needed, goal.unit)}, more than twice the "
                   f"{_per_week(achieved, goal.unit)} achieved so far")


def smart(goal: Goal, line: Trend | None, today: dt.date) -> tuple[SmartLetter, ...]:
    """The SMART check, letter by letter, each with its reason."""
    words = len(goal.title.split())
    if words < SPECIFIC_WORDS:
        s = (False, f"the title has {words} word{'s' if words != 1 else ''}; say what exactly "
                    "you will achieve")
    elif not goal.why:
        s = (False, "no `why`: say why this goal matters")
    else:
        s = (True, "a clear title and a why")
    missing = [k for k, v in (("metric", goal.metric), ("target", goal.target),
                              ("unit", goal.unit)) if v in (None, "")]
    m = (False, "missing " + ", ".join(missing)) if missing else (
        True, f"{goal.metric} ({goal.unit})")
    links = [k for k, v in (("skills", goal.skills), ("tags", goal.tags), ("why", goal.why))
             if v]
    r = (True, "linked to " + ", ".join(links)) if links else (
        False, "not linked to skills, tags or a why")
    t = (True, f"deadline {goal.deadline}") if goal.deadline else (False, "no deadline")
    return tuple(SmartLetter(letter, name, ok, reason) for letter, name, (ok, reason) in (
        ("S", "Specific", s), ("M", "Measurable", m), ("A", "Achievable",
                                                      achievable(goal, line, today)),
        ("R", "Relevant", r), ("T", "Time-bound", t)))


def analyse_goal(goal: Goal, today: dt.date) -> GoalReport:
    line = trend(goal.checkins)
    when = forecast(goal, line, today)
    state, reason = status(goal, line, when, today)
    done = tuple(m for m in goal.milestones if m.done is not None)
    overdue = tuple(m for m in goal.milestones
                    if m.done is None and m.due is not None and m.due < today)
    open_ = tuple(m for m in goal.milestones if m.done is None and m not in overdue)
    return GoalReport(goal, state, reason, progress(goal),
                      goal.checkins[-1] if goal.checkins else None, line,
                      None if state == DONE else when,
                      smart(goal, line, today), done, open_, overdue)
