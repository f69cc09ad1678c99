"""Read content/*.yaml into typed public records, collecting every error at once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from pathlib import Path
from typing import TYPE_CHECKING

from brandgen.cache import Cache
from brandgen.config import SiteConfig
from brandgen.documents import load_pages, load_posts, load_writeups
from brandgen.errors import Problems
from brandgen.fields import Fields, When, list_items, static_path, suggest
from brandgen.images import static_image_sizes
from brandgen.listing import Listing
from brandgen.model import (
    Certification,
    Content,
    Degree,
    Link,
    Profile,
    Project,
    Role,
    Skill,
)
from brandgen.sources import read_text
from brandgen.statics import list_static_dir, special_file_errors
from brandgen.urls import slug_problem, slugify
from brandgen.yamlfile import YNode, parse_yaml

if TYPE_CHECKING:  # the Markdown stage is imported only by a build that renders ahead
    from brandgen.ahead import AheadPool

PROFILE_KEYS = ("name", "headline", "value_proposition", "summary", "location", "email",
                "avatar", "links", "open_to")
SKILL_KEYS = ("name", "category", "level", "since", "keywords")
ROLE_KEYS = ("organization", "role", "start", "end", "location", "summary", "highlights",
             "skills")
DEGREE_KEYS = ("institution", "degree", "field", "start", "end")
CERT_KEYS = ("name", "issuer", "date", "url")
PROJECT_KEYS = ("title", "slug", "summary", "url", "repo", "year", "skills", "tags",
                "featured", "image")


class _EverySkill(frozenset[str]):
    """Stands for the names of a skills.yaml that could not be read: one syntax error there
    must not add an "unknown skill" error for every reference elsewhere."""

    def __contains__(self, item: object) -> bool:
        return True


EVERY_SKILL = _EverySkill()


def read_yaml(root: Path, rel: str, problems: Problems, required: bool = False) -> YNode | None:
    """Parse `rel` (relative to the project root) if it exists; None when absent or broken."""
    path = root / rel
    if not path.exists():
        if required:
            problems.error("file is missing", rel, hint=f"create {rel}; "
                           "`brandgen init DIR` writes an example")
        return None
    text = read_text(path, rel, problems)
    if text is None:
        return None
    doc = parse_yaml(text, rel)
    for err in doc.errors:
        problems.add(err)
    return doc.root


def check_skill_refs(f: Fields, known: Collection[str], problems: Problems) -> None:
    """Each name in `f['skills']` must be a skill in skills.yaml."""
    if not known and "skills" not in f.entries:
        return
    for i, item in f.items("skills"):
        if item.value is not None and str(item.value) not in known:
            name = str(item.value)
            problems.error(f"{f.label('skills')}[{i}]: unknown skill '{name}'", f.path,
                           item.line, item.column,
                           f"add it to content/skills.yaml or fix the name; "
                           f"{suggest(name, known) if known else 'skills.yaml has no skills'}")


def load_profile(root: Path, problems: Problems) -> Profile:
    rel = "content/profile.yaml"
    node = read_yaml(root, rel, problems, required=True)
    if node is None:
        if (root / rel).is_file() and not problems.errors:
            problems.error("profile.yaml is empty", rel, 1, 1,
                           "add at least name, headline and value_proposition")
        return Profile("", "", "")
    f = Fields(node, rel, problems, "", PROFILE_KEYS)
    links: list[Link] = []
    for i, item in f.items("links"):
        lf = Fields(item, rel, problems, f"links[{i}]", ("label", "url"))
        label, url = lf.text("label", required=True), lf.url("url", required=True)
        if label and url:
            links.append(Link(label, url))
    avatar = static_path(f, "avatar", root)
    return Profile(
        name=f.text("name", required=True) or "",
        headline=f.text("headline", required=True) or "",
        value_proposition=f.text("value_proposition", required=True) or "",
        summary=f.text("summary", default="") or "",
        location=f.text("location", default="") or "",
        email=f.text("email", default="") or "",
        avatar=avatar,
        links=tuple(links),
        open_to=f.strings("open_to"),
    )


def load_skills(root: Path, problems: Problems) -> tuple[tuple[Skill, ...], frozenset[str]]:
    """The valid skills, and every name skills.yaml declares (valid or not) so that one bad
    entry does not also turn each reference to it into an error."""
    rel = "content/skills.yaml"
    skills: list[Skill] = []
    seen: dict[str, int] = {}
    names: set[str] = set()
    before = len(problems.errors)
    node = read_yaml(root, rel, problems)
    if node is None and len(problems.errors) > before:
        return (), EVERY_SKILL  # unreadable: references to its skills cannot be judged
    for i, item in enumerate(list_items(node, rel, problems, "skills")):
        f = Fields(item, rel, problems, f"skills[{i}]", SKILL_KEYS)
        name = f.text("name", required=True)
        level = f.integer("level", required=True, low=1, high=5)
        since = f.integer("since", low=1900, high=2100)
        category, keywords = f.text("category", default="") or "", f.strings("keywords")
        names.update([name] if name else [])
        if name and name in seen:
            f.fail("name", f"duplicate skill '{name}'", f"it is already skills[{seen[name]}]")
        elif name and level is not None:
            seen[name] = i
            skills.append(Skill(name, level, category, since, keywords))
    return tuple(skills), frozenset(names)


def load_roles(root: Path, problems: Problems, known: Collection[str]) -> tuple[Role, ...]:
    rel = "content/experience.yaml"
    roles: list[Role] = []
    for i, item in enumerate(list_items(read_yaml(root, rel, problems), rel, problems,
                                        "roles")):
        f = Fields(item, rel, problems, f"experience[{i}]", ROLE_KEYS)
        org, role = f.text("organization", required=True), f.text("role", required=True)
        start, end = f.when("start", required=True), f.when("end")
        if start and end and end < start:
            f.fail("end", f"ends ({end}) before it starts ({start})", "swap the two dates")
        check_skill_refs(f, known, problems)
        location, summary = f.text("location", default="") or "", f.text("summary", default="")
        highlights, skills = f.strings("highlights"), f.strings("skills")
        if org and role and start:
            roles.append(Role(org, role, start, end, location, summary or "", highlights,
                              skills))
    # Newest first whatever the file order: current roles, then by start date.
    roles.sort(key=lambda r: (r.end is None, r.end or r.start, r.start), reverse=True)
    return tuple(roles)


def load_education(root: Path, problems: Problems
                   ) -> tuple[tuple[Degree, ...], tuple[Certification, ...]]:
    rel = "content/education.yaml"
    node = read_yaml(root, rel, problems)
    if node is None:
        return (), ()
    f = Fields(node, rel, problems, "", ("degrees", "certifications"))
    degrees: list[Degree] = []
    for i, item in f.items("degrees"):
        d = Fields(item, rel, problems, f"degrees[{i}]", DEGREE_KEYS)
        inst, deg = d.text("institution", required=True), d.text("degree", required=True)
        start, end = d.when("start"), d.when("end")
        if inst and deg:
            degrees.append(Degree(inst, deg, d.text("field", default="") or "", start, end))
    certs: list[Certification] = []
    for i, item in f.items("certifications"):
        c = Fields(item, rel, problems, f"certifications[{i}]", CERT_KEYS)
        name, issuer = c.text("name", required=True), c.text("issuer", required=True)
        date = c.when("date", required=True)
        if name and issuer and date:
            certs.append(Certification(name, issuer, date, c.url("url")))
    degrees.sort(key=lambda d: d.end or d.start or When(dt.date.max),
                 reverse=True)
    certs.sort(key=lambda c: c.date, reverse=True)
    return tuple(degrees), tuple(certs)


def load_projects(root: Path, problems: Problems, known: Collection[str]) -> tuple[Project, ...]:
    rel = "content/projects.yaml"
    projects: list[Project] = []
    seen: dict[str, int] = {}
    writeups = load_writeups(root, problems)
    for i, item in enumerate(list_items(read_yaml(root, rel, problems), rel, problems,
                                        "projects")):
        f = Fields(item, rel, problems, f"projects[{i}]", PROJECT_KEYS)
        title = f.text("title", required=True)
        summary = f.text("summary", required=True)
        slug = f.text("slug") or slugify(title or "", limit=80)
        problem = slug_problem(slug) if title else None
        if problem:
            f.fail("slug" if "slug" in f.entries else "title", problem,
                   "give a `slug:` of letters, digits and hyphens")
        elif slug in seen:
            f.fail("slug" if "slug" in f.entries else "title", f"duplicate project slug '{slug}'",
                   f"projects[{seen[slug]}] has it too; set a different `slug:`")
        check_skill_refs(f, known, problems)
        image = static_path(f, "image", root)
        url, repo = f.url("url"), f.url("repo")
        year = f.integer("year", low=1900, high=2100)
        skills, tags, featured = f.strings("skills"), f.strings("tags"), f.boolean("featured")
        if title and summary and not problem and slug not in seen:
            seen[slug] = i
            projects.append(Project(title, slug, summary, url, repo, year, skills, tags,
                                    featured, image, writeups.pop(slug, None)))
    for slug, doc in sorted(writeups.items()):
        problems.error(f"write-up for unknown project '{slug}'", doc.source, 1, 1,
                       "add a project with this slug to content/projects.yaml, "
                       "or rename the file to <slug>.md")
    return tuple(projects)


def load_content(config: SiteConfig, problems: Problems, cache: Cache | None = None,
                 jobs: int = 1, ahead: AheadPool | None = None,
                 listing: Listing | None = None) -> Content:
    """Every public source, validated; errors are collected, never raised here. With
    `jobs` > 1 many new posts are parsed in forked processes (the same content), which
    then render their Markdown ahead when given `ahead`; `listing` holds the post files'
    stat, taken by the CLI's stamp walk."""
    root = config.root
    profile = load_profile(root, problems)
    skills, known = load_skills(root, problems)
    statics = list_static_dir(root / "content/static", root, problems,
                              config.follow_symlinks, root / "content/private")
    special_file_errors(root / "content", root, problems)
    degrees, certs = load_education(root, problems)
    return Content(
        profile=profile,
        skills=skills,
        skill_names=known,
        static_files=statics,
        image_sizes=static_image_sizes(root / "content/static", statics),
        roles=load_roles(root, problems, known),
        degrees=degrees,
        certifications=certs,
        projects=load_projects(root, problems, known),
        posts=load_posts(root, problems, config.timezone, cache, statics, jobs, ahead,
                         listing),
        pages=load_pages(root, problems),
    )
