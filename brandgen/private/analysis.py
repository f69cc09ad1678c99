"""Goal analysis as pure functions of (goal, today): progress, trend, forecast, status, SMART.

Rules (each one is what the dashboard and the tests compute by hand). A *measure* is a goal
with its own metric, or one of its key results; the pace rules apply to each measure.

* **Baseline** ``start`` is ``start_value``, else the first check-in's value. The direction of
  a measure is the sign of ``target - start`` (a decreasing metric has direction -1).
* **Progress %** = (latest check-in - start) / (target - start) * 100, clamped to 0-100.
* **Pace line** runs from (``started``, start) to (deadline, target); ``started`` defaults to
  the first check-in's date (of the goal or any of its key results).
* **Trend** is the least-squares line through the check-ins, x = days since the first
  check-in, y = value. It needs at least two check-ins.
* **Forecast** is the first whole day on which the trend line reaches the target
  (first check-in + ceil(x*) days), but never before the latest check-in and, for a goal that
  is not stale, never before ``today``. A flat trend, or one moving away, has no forecast.
* **Status** of a measure, in this order:
  1. ``done``      - the latest check-in reaches the target (>= it, or <= for decreasing);
  2. ``no data``   - no target, no check-in, fewer than two check-ins, or no deadline;
  3. ``missed``    - the deadline has passed without reaching the target;
  4. ``off track`` - the trend is flat or going the wrong way;
  5. ``on track``  - forecast <= deadline;
  6. ``at risk``   - forecast is late by at most 25% of the goal's span (start to deadline);
  7. ``off track`` - later than that.
* **Key results**: a goal's progress is the mean of its key results' progress (a key result
  without check-ins counts 0); its status is the worst of theirs, in the order missed, off
  track, at risk, no data, on track, done; its forecast is the latest of theirs.
* **Stale**: an active, measured goal whose newest check-in (of the goal or any key result)
  is more than ``checkin_every_days`` old (the goal's, else the site's) is stale; so is one
  with no check-in whose ``started`` is that old. A stale goal is never ``on track``: its
  status becomes ``stale`` whatever the pace says, unless it is done or missed.
* **SMART**: Specific = a title of 3+ words and a `why`; Measurable = metric, target and
  unit (or key results with targets); Achievable = the pace still needed is at most twice the
  trend's pace (unknown without two check-ins); Relevant = skills, tags or a why;
  Time-bound = a deadline.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Protocol

from brandgen.private.model import Checkin, Goal, KeyResult, Milestone, show_date

DONE, ON_TRACK, AT_RISK, OFF_TRACK, NO_DATA = "done", "on track", "at risk", "off track", \
    "no data"
MISSED, STALE = "missed", "stale"
STATUSES = (DONE, ON_TRACK, AT_RISK, STALE, OFF_TRACK, MISSED, NO_DATA)
WORST_FIRST = (MISSED, OFF_TRACK, AT_RISK, NO_DATA, ON_TRACK, DONE)
AT_RISK_SHARE = 0.25  # lateness tolerated as "at risk", as a share of the goal's span
ACHIEVABLE_FACTOR = 2.0  # needed pace may be this many times the achieved pace
SPECIFIC_WORDS = 3
LOW_CONFIDENCE = 5  # a check-in below this confidence (1-10) is flagged


class Measure(Protocol):
    """A goal with its own metric, or a key result."""

    @property
    def start(self) -> float | None: ...
    @property
    def target(self) -> float | None: ...
    @property
    def unit(self) -> str: ...
    @property
    def checkins(self) -> tuple[Checkin, ...]: ...


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
    ok: bool | None  # None: cannot tell yet
    reason: str


@dataclass(frozen=True)
class MeasureReport:
    """The pace analysis of one key result."""

    kr: KeyResult
    status: str
    reason: str
    progress: float | None
    latest: Checkin | None
    trend: Trend | None
    forecast: dt.date | None


@dataclass(frozen=True)
class GoalReport:
    goal: Goal
    status: str
    reason: str  # one line: why this status
    progress: float | None = None  # 0-100
    latest: Checkin | None = None  # newest check-in, of the goal or any key result
    trend: Trend | None = None
    forecast: dt.date | None = None
    smart: tuple[SmartLetter, ...] = ()
    done: tuple[Milestone, ...] = ()
    open: tuple[Milestone, ...] = ()  # not done, not yet overdue
    overdue: tuple[Milestone, ...] = ()
    key_results: tuple[MeasureReport, ...] = ()
    stale: bool = False
    checkin_due: dt.date | None = None  # when the next check-in is expected (active goals)
    days_since_checkin: int | None = None

    @property
    def low_confidence(self) -> bool:
        return (self.latest is not None and self.latest.confidence is not None
                and self.latest.confidence < LOW_CONFIDENCE)


def direction(m: Measure) -> int:
    start = m.start
    if start is None or m.target is None:
        return 0
    return (m.target > start) - (m.target < start)


def progress(m: Measure) -> float | None:
    """Percent of the way from start to target at the latest check-in, clamped to 0-100."""
    start, target = m.start, m.target
    if start is None or target is None or not m.checkins:
        return None
    if target == start:
        return 100.0
    share = (m.checkins[-1].value - start) / (target - start) * 100
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


def forecast(m: Measure, line: Trend | None, today: dt.date | None) -> dt.date | None:
    """The day the trend reaches the target, never before the latest check-in nor `today`
    (pass None for a stale goal); None when the trend never gets there."""
    if line is None or m.target is None or line.slope * direction(m) <= 0:
        return None
    x = (m.target - line.intercept) / line.slope
    if x > 365 * 200:  # a pace so slow it means "never"; also keeps date arithmetic safe
        return None
    floor = max(m.checkins[-1].date, today or dt.date.min)
    return max(floor, line.origin + dt.timedelta(days=math.ceil(x - 1e-9)))


def reached(m: Measure) -> bool:
    if m.target is None or not m.checkins or m.start is None:
        return False
    return (m.checkins[-1].value - m.target) * direction(m) >= 0


def status(m: Measure, deadline: dt.date | None, began: dt.date | None, line: Trend | None,
           when: dt.date | None, today: dt.date) -> tuple[str, str]:
    """(status, reason) of one measure, following the rules in the module docstring."""
    if m.target is None or m.start is None:
        return NO_DATA, "no target to measure against"
    if not m.checkins:
        return NO_DATA, "no check-ins yet"
    if reached(m):
        return DONE, f"target reached on {show_date(m.checkins[-1].date)}"
    if deadline is not None and deadline < today:
        return MISSED, f"the deadline {show_date(deadline)} passed before the target was reached"
    if line is None:
        return NO_DATA, "one check-in: log another to see a trend"
    if deadline is None:
        return NO_DATA, "no deadline to compare the forecast with"
    if when is None:
        return OFF_TRACK, "the trend is flat or moving away from the target"
    if when <= deadline:
        return ON_TRACK, f"forecast {show_date(when)}, on or before the deadline"
    late = (when - deadline).days
    span = (deadline - (began or m.checkins[0].date)).days
    why = f"forecast {show_date(when)}, {late} days after the deadline {show_date(deadline)}"
    return (AT_RISK if late <= AT_RISK_SHARE * span else OFF_TRACK), why


def _per_week(value: float, unit: str) -> str:
    return f"{value * 7:.2f} {unit or 'units'} per week"


def achievable(goal: Goal, line: Trend | None, today: dt.date) -> tuple[bool | None, str]:
    if goal.key_results:
        return None, "judged per key result, see their status"
    if goal.target is None or line is None or goal.start is None:
        return None, "not known yet: needs a target and two check-ins"
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
        s = (False, "no reason given: say why this goal matters")
    else:
        s = (True, "a clear title and a reason")
    if goal.key_results:
        m = (True, f"{len(goal.key_results)} key result"
                   f"{'s' if len(goal.key_results) != 1 else ''} with targets")
    else:
        missing = [k for k, v in (("metric", goal.metric), ("target", goal.target),
                                  ("unit", goal.unit)) if v in (None, "")]
        m = (False, "missing " + ", ".join(missing)) if missing else (
            True, f"{goal.metric} ({goal.unit})")
    links = [k for k, v in (("skills", goal.skills), ("tags", goal.tags), ("a reason", goal.why))
             if v]
    r = (True, "linked to " + ", ".join(links)) if links else (
        False, "not linked to skills, tags or a reason")
    t = (True, f"deadline {show_date(goal.deadline)}") if goal.deadline else (False, "no deadline")
    return tuple(SmartLetter(letter, name, ok, reason) for letter, name, (ok, reason) in (
        ("S", "Specific", s), ("M", "Measurable", m), ("A", "Achievable",
                                                      achievable(goal, line, today)),
        ("R", "Relevant", r), ("T", "Time-bound", t)))


def _stale(goal: Goal, every: int, today: dt.date) -> tuple[bool, dt.date | None]:
    """(is stale, next check-in due) for an active, measured goal."""
    measured = goal.target is not None or bool(goal.key_results)
    if not goal.is_active or not measured:
        return False, None
    checks = goal.all_checkins
    anchor = checks[-1].date if checks else goal.started
    if anchor is None:
        return False, None
    due = anchor + dt.timedelta(days=every)
    return due < today, due


def _key_result(kr: KeyResult, goal: Goal, today: dt.date, stale: bool) -> MeasureReport:
    line = trend(kr.checkins)
    when = forecast(kr, line, None if stale else today)
    state, reason = status(kr, goal.deadline, goal.began, line, when, today)
    return MeasureReport(kr, state, reason, progress(kr),
                         kr.checkins[-1] if kr.checkins else None, line,
                         None if state == DONE else when)


def _roll_up(krs: tuple[MeasureReport, ...]) -> tuple[str, str, float | None, dt.date | None]:
    worst = min(krs, key=lambda k: WORST_FIRST.index(k.status))
    share = sum(k.progress or 0.0 for k in krs) / len(krs)
    ends = [k.forecast for k in krs if k.status != DONE]
    when = max(ends) if ends and all(e is not None for e in ends) else None  # type: ignore[type-var]
    if worst.status == DONE:
        return DONE, "every key result reached its target", 100.0, None
    reason = f"worst key result \u201c{worst.kr.title}\u201d: {worst.reason}"
    return worst.status, reason, share, when


def analyse_goal(goal: Goal, today: dt.date, every_days: int = 30) -> GoalReport:
    """Every figure of one goal; `every_days` is the site's check-in interval."""
    every = goal.checkin_every_days or every_days
    stale, due = _stale(goal, every, today)
    line = trend(goal.checkins)
    krs = tuple(_key_result(kr, goal, today, stale) for kr in goal.key_results)
    if krs:
        state, reason, share, when = _roll_up(krs)
    else:
        when = forecast(goal, line, None if stale else today)
        state, reason = status(goal, goal.deadline, goal.began, line, when, today)
        share = progress(goal)
    stale = stale and state not in (DONE, MISSED)
    if stale:
        checks = goal.all_checkins
        since = (f"no check-in since {show_date(checks[-1].date)}" if checks
                 else f"no check-in since it started on {show_date(goal.started)}")
        state, reason = STALE, f"{since} (expected every {every} days): {reason}"
    done = tuple(m for m in goal.milestones if m.done is not None)
    overdue = tuple(m for m in goal.milestones
                    if m.done is None and m.due is not None and m.due < today)
    open_ = tuple(m for m in goal.milestones if m.done is None and m not in overdue)
    checks = goal.all_checkins
    latest = checks[-1] if checks else None
    return GoalReport(goal, state, reason, share, latest, line,
                      None if state in (DONE, MISSED) else when,
                      smart(goal, line, today), done, open_, overdue, krs, stale,
                      due if state not in (DONE, MISSED) else None,
                      (today - latest.date).days if latest else None)
