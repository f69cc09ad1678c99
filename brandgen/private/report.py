"""All analyses of one career, computed once: what the dashboard and calendar are made of."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from brandgen.config import PrivateSettings
from brandgen.model import Content
from brandgen.private.analysis import DONE, GoalReport, analyse_goal
from brandgen.private.model import Career
from brandgen.private.pipeline import PipelineReport, pipeline
from brandgen.private.plan import (
    Alignment,
    NetworkReport,
    PlanItem,
    ReviewReport,
    SkillGap,
    action_plan,
    alignment,
    network,
    reviews,
    skills_gap,
)


@dataclass(frozen=True)
class Report:
    today: dt.date
    name: str
    career: Career
    goals: tuple[GoalReport, ...]
    plan: tuple[PlanItem, ...]
    skills: tuple[SkillGap, ...]
    network: NetworkReport
    pipeline: PipelineReport
    alignment: Alignment
    reviews: ReviewReport
    settings: PrivateSettings = field(default_factory=PrivateSettings)

    def goal_title(self, goal_id: str) -> str:
        goal = self.career.goal(goal_id)
        return goal.title if goal else goal_id


def analyse(career: Career, content: Content, settings: PrivateSettings, today: dt.date
            ) -> Report:
    """Every analysis, as a pure function of its inputs."""
    goals = tuple(analyse_goal(g, today, settings.checkin_every_days) for g in career.goals)
    review = reviews(career, settings, today)
    done = frozenset(g.goal.id for g in goals if g.status == DONE)
    return Report(
        today=today,
        name=content.profile.name,
        career=career,
        goals=goals,
        plan=action_plan(career, today, goals, review.next_due or today),
        skills=skills_gap(career, content),
        network=network(career, today),
        pipeline=pipeline(career, today, settings),
        alignment=alignment(career, content, settings, today, done),
        reviews=review,
        settings=settings,
    )
