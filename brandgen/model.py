"""Typed public records: what the public site is made of. Nothing private lives here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from brandgen.fields import When


@dataclass(frozen=True)
class Link:
    label: str
    url: str


@dataclass(frozen=True)
class Profile:
    name: str
    headline: str
    value_proposition: str
    summary: str = ""  # Markdown source
    location: str = ""
    email: str = ""
    avatar: str = ""  # path under content/static/
    links: tuple[Link, ...] = ()
    open_to: tuple[str, ...] = ()


# The one table of skill level words: the CV, resume.json and the PDF all read it.
LEVEL_WORDS = {1: "Beginner", 2: "Intermediate", 3: "Proficient", 4: "Advanced", 5: "Expert"}


@dataclass(frozen=True)
class Skill:
    name: str
    level: int
    category: str = ""
    since: int | None = None
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True)
class Role:
    organization: str
    role: str
    start: When
    end: When | None = None
    location: str = ""
    summary: str = ""  # Markdown source
    highlights: tuple[str, ...] = ()
    skills: tuple[str, ...] = ()


@dataclass(frozen=True)
class Degree:
    institution: str
    degree: str
    field: str = ""
    start: When | None = None
    end: When | None = None


@dataclass(frozen=True)
class Certification:
    name: str
    issuer: str
    date: When
    url: str = ""


@dataclass(frozen=True)
class Project:
    title: str
    slug: str
    summary: str
    url: str = ""
    repo: str = ""
    year: int | None = None
    skills: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    featured: bool = False
    image: str = ""
    writeup: Document | None = None  # projects/<slug>.md


@dataclass(frozen=True)
class Document:
    """A Markdown file: where it came from and its body (front matter already parsed)."""

    source: str  # relative to the project root
    body: str
    body_line: int


@dataclass(frozen=True)
class Post:
    title: str
    slug: str
    date: dt.date
    doc: Document
    updated: dt.date | None = None
    summary: str = ""
    tags: tuple[str, ...] = ()
    draft: bool = False
    canonical_url: str = ""
    image: str = ""
    instant: dt.datetime | None = None  # when `date:` has a time: the moment it goes live
    toc: bool = True  # front matter `toc: false` hides the table of contents


@dataclass(frozen=True)
class Page:
    title: str
    slug: str
    doc: Document
    menu: int | None = None
    summary: str = ""


@dataclass(frozen=True)
class Content:
    """Everything public that was read from content/, validated and typed."""

    profile: Profile
    skills: tuple[Skill, ...] = ()
    roles: tuple[Role, ...] = ()
    degrees: tuple[Degree, ...] = ()
    certifications: tuple[Certification, ...] = ()
    projects: tuple[Project, ...] = ()
    posts: tuple[Post, ...] = ()
    pages: tuple[Page, ...] = ()
    skill_names: frozenset[str] = frozenset()  # every name in skills.yaml, valid or not
    static_files: frozenset[str] = frozenset()  # paths under content/static/
    image_sizes: dict[str, tuple[int, int]] = field(default_factory=dict)  # static images
