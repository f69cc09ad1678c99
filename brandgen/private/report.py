"""All analyses of one career, computed once: what the dashboard and calendar are made of."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from brandgen.config import PrivateSettings
from brandgen.model import Content
from brandgen.private.analysis import GoalReport, analyse_goal
from brandgen.private.model import Career
from brandgen.private.plan import (
    Alignment,
    NetworkReport,
    PipelineReport,
    PlanItem,
    ReviewReport,
    SkillGap,
    action_plan,
    alignment,
    network,
    pipeline,
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

    def goal_title(self, goal_id: str) -> str:
        goal = self.career.goal(goal_id)
        return goal.title if goal else goal_id


def analyse(career: Career, content: Content, settings: PrivateSettings, today: dt.date
            ) -> Report:
    """Every analysis, as a pure function of its inputs."""
    return Report(
        today=today,
        name=content.profile.name,
        career=career,
        goals=tuple(analyse_goal(g, today) for g in career.goals),
        plan=action_plan(career, today),
        skills=skills_gap(career, content),
        network=network(career, today),
        pipeline=pipeline(career, today),
        alignment=alignment(career, content, settings, today),
        reviews=reviews(career, settings, today),
    )
