"""Typed private records: the career read from content/private/. Never given to public code."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from brandgen.private.vocabulary import CLOSED_STAGES


def show_date(date: dt.date | None) -> str:
    """The one date format readers see: 23 Nov 2026."""
    return f"{date.day} {date:%b %Y}" if date else "no date"


@dataclass(frozen=True)
class Where:
    """A position in a source file, for warnings about a record."""

    path: str
    line: int = 0
    column: int = 0


@dataclass(frozen=True)
class Milestone:
    title: str
    due: dt.date | None = None
    done: dt.date | None = None


@dataclass(frozen=True)
class Checkin:
    date: dt.date
    value: float
    note: str = ""
    confidence: int | None = None  # 1-10


def baseline(start_value: float | None, checkins: tuple[Checkin, ...]) -> float | None:
    """Where a metric started: `start_value`, else the first check-in's value."""
    if start_value is not None:
        return start_value
    return checkins[0].value if checkins else None


@dataclass(frozen=True)
class KeyResult:
    """One measurable part of a goal, with its own metric, target and check-ins."""

    id: str
    title: str
    metric: str = ""
    start_value: float | None = None
    target: float | None = None
    unit: str = ""
    checkins: tuple[Checkin, ...] = ()

    @property
    def start(self) -> float | None:
        """The baseline: `start_value`, else the first check-in's value."""
        return baseline(self.start_value, self.checkins)


@dataclass(frozen=True)
class Goal:
    id: str
    title: str
    where: Where
    horizon: str = ""
    priority: int | None = None
    why: str = ""
    metric: str = ""
    start_value: float | None = None
    target: float | None = None
    unit: str = ""
    deadline: dt.date | None = None
    skills: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    milestones: tuple[Milestone, ...] = ()
    checkins: tuple[Checkin, ...] = ()
    status: str = "active"  # active | paused | dropped
    started: dt.date | None = None
    checkin_every_days: int | None = None
    key_results: tuple[KeyResult, ...] = ()

    @property
    def is_active(self) -> bool:
        return self.status == "active"

    @property
    def all_checkins(self) -> tuple[Checkin, ...]:
        """The goal's own check-ins and those of its key results, oldest first."""
        found = list(self.checkins)
        for kr in self.key_results:
            found += kr.checkins
        return tuple(sorted(found, key=lambda c: c.date))

    @property
    def began(self) -> dt.date | None:
        """Where the pace line starts: `started`, else the first check-in's date."""
        if self.started is not None:
            return self.started
        first = self.all_checkins
        return first[0].date if first else None

    @property
    def start(self) -> float | None:
        """The baseline: `start_value`, else the first check-in's value."""
        return baseline(self.start_value, self.checkins)


@dataclass(frozen=True)
class Action:
    title: str
    kind: str = "other"
    skills: tuple[str, ...] = ()
    goal: str | None = None
    due: dt.date | None = None
    status: str = "planned"


@dataclass(frozen=True)
class Interaction:
    date: dt.date
    kind: str = "other"
    note: str = ""


@dataclass(frozen=True)
class Contact:
    name: str
    role: str = ""
    organization: str = ""
    relationship: str = "other"
    last_contact: dt.date | None = None
    cadence_days: int | None = None
    next_followup: dt.date | None = None
    notes: str = ""
    goals: tuple[str, ...] = ()
    log: tuple[Interaction, ...] = ()  # oldest first

    @property
    def last_seen(self) -> dt.date | None:
        """The newest of `last_contact` and the log's dates."""
        dates = [i.date for i in self.log] + ([self.last_contact] if self.last_contact else [])
        return max(dates) if dates else None


@dataclass(frozen=True)
class StageChange:
    date: dt.date
    stage: str


@dataclass(frozen=True)
class Opportunity:
    title: str
    organization: str = ""
    kind: str = "other"
    stage: str = "idea"
    next_step: str = ""
    due: dt.date | None = None
    url: str = ""
    goals: tuple[str, ...] = ()
    id: str = ""
    history: tuple[StageChange, ...] = ()  # oldest first; the last one is `stage`
    notes: str = ""

    @property
    def stage_since(self) -> dt.date | None:
        """When the current stage began, from the history."""
        since = None
        for change in reversed(self.history):
            if change.stage != self.stage:
                break
            since = change.date
        return since

    @property
    def is_open(self) -> bool:
        return self.stage not in CLOSED_STAGES


@dataclass(frozen=True)
class SwotItem:
    text: str
    goals: tuple[str, ...] = ()
    actions: tuple[str, ...] = ()  # titles of development actions


@dataclass(frozen=True)
class Swot:
    strengths: tuple[SwotItem, ...] = ()
    weaknesses: tuple[SwotItem, ...] = ()
    opportunities: tuple[SwotItem, ...] = ()
    threats: tuple[SwotItem, ...] = ()


@dataclass(frozen=True)
class Review:
    date: dt.date
    source: str
    text: str  # plain text of the body
    title: str = ""


@dataclass(frozen=True)
class Career:
    """Everything in content/private/, validated; every part may be empty."""

    goals: tuple[Goal, ...] = ()
    targets: tuple[tuple[str, int], ...] = ()  # development.targets in file order
    actions: tuple[Action, ...] = ()
    contacts: tuple[Contact, ...] = ()
    opportunities: tuple[Opportunity, ...] = ()
    swot: Swot = Swot()
    reviews: tuple[Review, ...] = ()  # oldest first

    def goal(self, goal_id: str) -> Goal | None:
        return next((g for g in self.goals if g.id == goal_id), None)
