"""The private schema's fixed words (no records here: the privacy scan needs these alone,
without the cost of defining the career's dataclasses)."""

from __future__ import annotations

PRIVATE = "content/private"  # the folder, relative to the project root
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
GOAL_STATUSES = ("active", "paused", "dropped")
INTERACTION_KINDS = ("call", "coffee", "meeting", "email", "message", "event", "other")
