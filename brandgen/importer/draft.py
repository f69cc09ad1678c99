"""What an import produces before it is written: the content files as plain data, and notes
on everything that could not be mapped. Shared helpers for the JSON Resume and LinkedIn
readers (dates, skill levels, the value proposition)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from brandgen.model import LEVEL_WORDS

# Level words seen in JSON Resume files, on top of brandgen's own (LEVEL_WORDS).
_EXTRA_LEVELS = {"novice": 1, "basic": 1, "elementary": 1, "junior": 2, "competent": 3,
                 "intermediate-advanced": 4, "senior": 4, "master": 5, "native": 5}
LEVEL_OF = {**_EXTRA_LEVELS, **{w.lower(): n for n, w in LEVEL_WORDS.items()}}
DEFAULT_LEVEL = 3
_FORMATS = (("%Y-%m-%d", "day"), ("%Y-%m", "month"), ("%Y", "year"), ("%b %Y", "month"),
            ("%B %Y", "month"), ("%d %b %Y", "day"), ("%b %d, %Y", "day"),
            ("%m/%d/%Y", "day"), ("%m/%Y", "month"))


@dataclass
class Draft:
    """The imported content, ready to be dumped as YAML, plus what did not fit."""

    source: str  # the file name, for messages
    profile: dict[str, Any] = field(default_factory=dict)
    skills: list[dict[str, Any]] = field(default_factory=list)
    roles: list[dict[str, Any]] = field(default_factory=list)
    degrees: list[dict[str, Any]] = field(default_factory=list)
    certifications: list[dict[str, Any]] = field(default_factory=list)
    projects: list[dict[str, Any]] = field(default_factory=list)
    base_url: str = ""  # the person's own site, if the source names it
    notes: list[str] = field(default_factory=list)

    def note(self, message: str) -> None:
        if message not in self.notes:
            self.notes.append(message)

    def files(self) -> dict[str, object]:
        """content/<name>.yaml -> data, for the sections that have anything."""
        out: dict[str, object] = {"content/profile.yaml": self.profile}
        if self.skills:
            out["content/skills.yaml"] = self.skills
        if self.roles:
            out["content/experience.yaml"] = self.roles
        education = {k: v for k, v in (("degrees", self.degrees),
                                       ("certifications", self.certifications)) if v}
        if education:
            out["content/education.yaml"] = education
        if self.projects:
            out["content/projects.yaml"] = self.projects
        return out


def parse_date(text: object) -> int | str | dt.date | None:
    """An ISO-style date as brandgen.yaml files hold it: 2019, '2019-03' or a date."""
    if isinstance(text, int) and 1000 <= text <= 9999:
        return text
    value = " ".join(str(text or "").split())
    if not value:
        return None
    for fmt, precision in _FORMATS:
        try:
            parsed = dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
        if precision == "year":
            return parsed.year
        return f"{parsed:%Y-%m}" if precision == "month" else parsed
    return None


def level_of(word: object) -> int | None:
    """A skill level 1-5 from a word ('Advanced', 'Master') or a number; None if unknown."""
    text = str(word or "").strip().lower()
    if text.isdigit() and 1 <= int(text) <= 5:
        return int(text)
    return LEVEL_OF.get(text)


def split_summary(text: str) -> tuple[str, str]:
    """(value_proposition, summary): a short text is the value proposition itself; a long
    one keeps its first sentence as the value proposition and all of it as the summary."""
    flat = " ".join(text.split())
    if len(flat) <= 300:
        return flat, ""
    first = re.split(r"(?<=[.!?])\s", flat, maxsplit=1)[0]
    return (first if len(first) <= 300 else flat[:297].rsplit(" ", 1)[0] + "…"), text.strip()


def web_url(value: object) -> str:
    """The value if it is an absolute http(s) URL, else ''."""
    text = str(value or "").strip()
    return text if re.match(r"https?://[^\s/]+", text, re.IGNORECASE) else ""


def clean(item: dict[str, Any]) -> dict[str, Any]:
    """Drop empty values so the YAML holds only what the source had."""
    return {k: v for k, v in item.items() if v not in (None, "", [], {})}
