"""Typed private records: the career read from content/private/. Never given to public code."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

HORIZONS = ("short", "long")
ACTION_KINDS = ("certification", "degree", "training", "association", "stretch", "mentorship",
                "volunteering", "other")
ACTION_STATUSES = ("planned", "active", "done")
RELATIONSHIPS = ("mentor", "sponsor", "peer", "mentee", "recruiter", "other")
OPPORTUNITY_KINDS = ("job", "informational-interview", "project", "speaking", "volunteering",
                     "other")
STAGES = ("idea", "researching", "applied", "interviewing", "offer", "accepted", "declined",
          "closed")
CLOSED_STAGES = ("accepted", "declined", "closed")
SWOT_KEYS = ("strengths", "weaknesses", "opportunities", "threats")


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

    @property
    def start(self) -> float | None:
        """The baseline: `start_value`, else the first check-in's value."""
        if self.start_value is not None:
            return self.start_value
        return self.checkins[0].value if self.checkins else None


@dataclass(frozen=True)
class Action:
    title: str
    kind: str = "other"
    skills: tuple[str, ...] = ()
    goal: str | None = None
    due: dt.date | None = None
    status: str = "planned"


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

    @property
    def is_open(self) -> bool:
        return self.stage not in CLOSED_STAGES


@dataclass(frozen=True)
class Swot:
    strengths: tuple[str, ...] = ()
    weaknesses: tuple[str, ...] = ()
    opportunities: tuple[str, ...] = ()
    threats: tuple[str, ...] = ()


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
