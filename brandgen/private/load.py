"""Read content/private/ into a Career, with positioned errors and cross-references checked.

Every file is optional. A reference that points nowhere names both ends: the field that holds
it (file, line, column, field path) and, in the hint, where the valid names are defined.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Collection
from pathlib import Path
from typing import Any

from brandgen.config import SiteConfig
from brandgen.docs import DocInput, render_docs
from brandgen.documents import read_markdown
from brandgen.errors import Problems
from brandgen.fields import Fields, list_items, suggest
from brandgen.load import EVERY_SKILL, check_skill_refs, read_yaml
from brandgen.model import Content
from brandgen.private.goals import GOALS_FILE, last_day, load_goals
from brandgen.private.model import (
    Action,
    Career,
    Contact,
    Interaction,
    Opportunity,
    Review,
    StageChange,
    Swot,
    SwotItem,
)
from brandgen.private.vocabulary import (
    ACTION_KINDS,
    ACTION_STATUSES,
    INTERACTION_KINDS,
    OPPORTUNITY_KINDS,
    PRIVATE,
    RELATIONSHIPS,
    STAGES,
    SWOT_KEYS,
)
from brandgen.sources import content_files
from brandgen.urls import slugify
from brandgen.yamlfile import YNode

FILES = ("goals.yaml", "development.yaml", "network.yaml", "opportunities.yaml", "swot.yaml",
         "reviews")
ACTION_KEYS = ("title", "kind", "skills", "goal", "due", "status")
CONTACT_KEYS = ("name", "role", "organization", "relationship", "last_contact", "cadence_days",
                "next_followup", "notes", "goals", "log")
LOG_KEYS = ("date", "kind", "note")
OPPORTUNITY_KEYS = ("id", "title", "organization", "kind", "stage", "history", "next_step", "due",
                    "url", "notes", "goals")
HISTORY_KEYS = ("date", "stage")
SWOT_ITEM_KEYS = ("text", "goals", "actions")
REVIEW_KEYS = ("date", "title")


def goal_hint(name: str, ids: Collection[str]) -> str:
    """Where goal ids come from, plus a did-you-mean."""
    if not ids:
        return f"{GOALS_FILE} defines no goals; add a goal with `id: {name}` there"
    close = suggest(name, ids)
    listed = ", ".join(sorted(ids))
    if close.startswith("did you mean"):
        return f"{close} Goal ids are defined in {GOALS_FILE}: {listed}"
    return f"goal ids are defined in {GOALS_FILE}: {listed}"


def _bad_goal(f: Fields, label: str, node: YNode, name: str, ids: Collection[str]) -> None:
    f.problems.error(f"{label}: unknown goal '{name}'", f.path, node.line, node.column,
                     goal_hint(name, ids))


def goal_refs(f: Fields, ids: Collection[str]) -> tuple[str, ...]:
    """The `goals:` list of a record, each id checked against goals.yaml."""
    out: list[str] = []
    for i, item in f.items("goals"):
        if item.value is None or item.entries is not None or item.items is not None:
            f.problems.error(f"{f.label('goals')}[{i}]: expected a goal id", f.path, item.line,
                             item.column, goal_hint("", ids) if not ids else
                             f"goal ids are defined in {GOALS_FILE}")
            continue
        name = str(item.value).strip()
        if name not in ids:
            _bad_goal(f, f"{f.label('goals')}[{i}]", item, name, ids)
        out.append(name)
    return tuple(out)


class _AnySkill(dict[str, int]):
    """Levels of the skills of an unreadable skills.yaml: any name counts as known."""

    def __contains__(self, item: object) -> bool:
        return True

    def keys(self) -> Any:
        return EVERY_SKILL


def load_development(root: Path, problems: Problems, skills: dict[str, int], ids: set[str]
                     ) -> tuple[tuple[tuple[str, int], ...], tuple[Action, ...]]:
    rel = f"{PRIVATE}/development.yaml"
    node = read_yaml(root, rel, problems)
    if node is None:
        return (), ()
    f = Fields(node, rel, problems, "", ("targets", "actions"))
    targets: list[tuple[str, int]] = []
    tnode = f.mapping("targets")
    if tnode is not None and tnode.entries is not None:
        tf = Fields(tnode, rel, problems, "targets")
        for name, (key_node, _) in tnode.entries.items():
            level = tf.integer(name, required=True, low=1, high=5)
            if name not in skills:
                hint = ("add it to content/skills.yaml or fix the name; "
                        + (suggest(name, skills) if skills else "skills.yaml has no skills"))
                problems.error(f"targets.{name}: unknown skill '{name}'", rel, key_node.line,
                               key_node.column, hint)
            elif level is not None:
                targets.append((name, level))
    actions: list[Action] = []
    for i, item in f.items("actions"):
        af = Fields(item, rel, problems, f"actions[{i}]", ACTION_KEYS)
        title = af.text("title", required=True)
        check_skill_refs(af, skills.keys(), problems)
        goal = af.text("goal")
        if goal is not None and goal not in ids:
            _bad_goal(af, af.label("goal"), af.at("goal"), goal, ids)
        kind = af.choice("kind", ACTION_KINDS, default="other") or "other"
        status = af.choice("status", ACTION_STATUSES, default="planned") or "planned"
        due = last_day(af, "due")
        if title:
            actions.append(Action(title, kind, af.strings("skills"), goal, due, status))
    return tuple(targets), tuple(actions)


def load_network(root: Path, problems: Problems, ids: set[str], today: dt.date
                 ) -> tuple[Contact, ...]:
    rel = f"{PRIVATE}/network.yaml"
    contacts: list[Contact] = []
    for i, item in enumerate(list_items(read_yaml(root, rel, problems), rel, problems,
                                        "contacts")):
        f = Fields(item, rel, problems, f"network[{i}]", CONTACT_KEYS)
        name = f.text("name", required=True)
        relationship = f.choice("relationship", RELATIONSHIPS, default="other") or "other"
        last = f.date("last_contact")
        cadence = f.integer("cadence_days", low=1)
        follow = f.date("next_followup")
        goals = goal_refs(f, ids)
        log = _log(f, today)
        if last is not None and last > today:
            f.fail("last_contact", f"{last} is in the future (today is {today})",
                   "plan future meetings with `next_followup:`")
        if name:
            contacts.append(Contact(name, f.text("role", default="") or "",
                                    f.text("organization", default="") or "", relationship,
                                    last, cadence, follow, f.text("notes", default="") or "",
                                    goals, log))
    return tuple(contacts)


def _log(f: Fields, today: dt.date) -> tuple[Interaction, ...]:
    """A contact's interactions, sorted oldest first (the file may list them any way)."""
    out: list[Interaction] = []
    for i, item in f.items("log"):
        lf = Fields(item, f.path, f.problems, f"{f.label('log')}[{i}]", LOG_KEYS)
        date = lf.date("date", required=True)
        kind = lf.choice("kind", INTERACTION_KINDS, default="other") or "other"
        note = lf.text("note", default="") or ""
        if date is not None and date > today:
            lf.fail("date", f"{date} is in the future (today is {today})",
                    "log an interaction once it has happened; plan one with `next_followup:`")
        elif date is not None:
            out.append(Interaction(date, kind, note))
    return tuple(sorted(out, key=lambda x: x.date))


def _history(f: Fields, today: dt.date) -> tuple[StageChange, ...]:
    out: list[StageChange] = []
    for i, item in f.items("history"):
        hf = Fields(item, f.path, f.problems, f"{f.label('history')}[{i}]", HISTORY_KEYS)
        date = hf.date("date", required=True)
        stage = hf.choice("stage", STAGES, required=True)
        if date is None or stage is None:
            continue
        if date > today:
            hf.fail("date", f"{date} is in the future (today is {today})",
                    "record a stage change once it has happened")
        elif out and date < out[-1].date:
            hf.fail("date", f"{date} is before the previous entry ({out[-1].date})",
                    "list the history oldest first")
        else:
            out.append(StageChange(date, stage))
    return tuple(out)


def load_opportunities(root: Path, problems: Problems, ids: set[str], today: dt.date
                       ) -> tuple[Opportunity, ...]:
    rel = f"{PRIVATE}/opportunities.yaml"
    out: list[Opportunity] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(list_items(read_yaml(root, rel, problems), rel, problems,
                                        "opportunities")):
        f = Fields(item, rel, problems, f"opportunities[{i}]", OPPORTUNITY_KEYS)
        title = f.text("title", required=True)
        oid = f.text("id") or slugify(title or "")
        if oid and oid in seen:
            f.fail("id" if "id" in f.entries else "title", f"duplicate opportunity id '{oid}'",
                   f"opportunities[{seen[oid]}] has it too; give one an `id:` of its own")
        elif oid:
            seen[oid] = i
        kind = f.choice("kind", OPPORTUNITY_KINDS, default="other") or "other"
        stage = f.choice("stage", STAGES)
        history = _history(f, today)
        if history and stage is not None and history[-1].stage != stage:
            f.fail("stage", f"is {stage!r} but the history ends at {history[-1].stage!r} "
                   f"({history[-1].date})",
                   "add the stage change to `history:`, or make `stage:` agree with it")
        stage = stage or (history[-1].stage if history else "idea")
        due = last_day(f, "due")
        url = f.url("url")
        goals = goal_refs(f, ids)
        if title:
            out.append(Opportunity(title, f.text("organization", default="") or "", kind,
                                   stage, f.text("next_step", default="") or "", due, url,
                                   goals, oid, history, f.text("notes", default="") or ""))
    return tuple(out)


def _swot_items(f: Fields, key: str, ids: set[str], actions: Collection[str]
                ) -> tuple[SwotItem, ...]:
    out: list[SwotItem] = []
    for i, item in f.items(key):
        where = f"{key}[{i}]"
        if item.entries is None and item.items is None and item.value is not None:
            text = str(item.value).strip()
            if text:
                out.append(SwotItem(text))
            else:
                f.problems.error(f"{where}: must not be empty", f.path, item.line, item.column,
                                 "remove the empty entry")
            continue
        if item.items is not None or (item.value is None and item.entries is None):
            f.problems.error(f"{where}: expected text or {{text, goals, actions}}", f.path,
                             item.line, item.column, "write `- text` or `- text: ...` with "
                             "`goals: [...]` and `actions: [...]` under it")
            continue
        sf = Fields(item, f.path, f.problems, where, SWOT_ITEM_KEYS)
        label = sf.text("text", required=True)
        goals = goal_refs(sf, ids)
        linked = sf.strings("actions")
        for j, name in enumerate(linked):
            if name not in actions:
                node = sf.at("actions").items or []
                at = node[j] if j < len(node) else sf.node
                close = suggest(name, actions) if actions else "development.yaml has no actions"
                f.problems.error(f"{where}.actions[{j}]: unknown action '{name}'", f.path,
                                 at.line, at.column, f"use the title of an action in "
                                 f"{PRIVATE}/development.yaml; {close}")
        if label:
            out.append(SwotItem(label, goals, linked))
    return tuple(out)


def load_swot(root: Path, problems: Problems, ids: set[str], actions: Collection[str]) -> Swot:
    rel = f"{PRIVATE}/swot.yaml"
    node = read_yaml(root, rel, problems)
    if node is None:
        return Swot()
    f = Fields(node, rel, problems, "", SWOT_KEYS)
    return Swot(*(_swot_items(f, key, ids, actions) for key in SWOT_KEYS))


def load_reviews(config: SiteConfig, problems: Problems) -> tuple[Review, ...]:
    reviews: list[Review] = []
    for path in content_files(config.root / PRIVATE / "reviews", ".md"):
        rel = path.relative_to(config.root).as_posix()
        read = read_markdown(path, rel, problems)
        if read is None:
            continue
        node, doc = read
        if node is None:
            continue
        f = Fields(node, rel, problems, "", REVIEW_KEYS)
        date = f.date("date", required=True)
        # Private notes: links are not checked, only the plain text is kept.
        # Headings ("## Fortnightly review") would open every excerpt the same way: skip them.
        body = "\n".join("" if line.lstrip().startswith("#") else line
                         for line in doc.body.splitlines())
        rendered = render_docs([DocInput(rel, body, doc.body_line)])[0].unresolved_html()
        text = html.unescape(re.sub(r"<[^>]+>", "", rendered))
        if date:
            reviews.append(Review(date, rel, text, f.text("title", default="") or ""))
    reviews.sort(key=lambda r: (r.date, r.source))
    return tuple(reviews)


def warn_unknown_files(root: Path, problems: Problems) -> None:
    """A misspelt file name would otherwise be silently ignored."""
    base = root / PRIVATE
    if not base.is_dir():
        return
    for path in sorted(base.iterdir()):
        if path.name.startswith(".") or path.name in FILES:
            continue
        problems.warn(f"unknown private file '{path.name}' is ignored",
                      f"{PRIVATE}/{path.name}", hint=suggest(path.name, FILES))


def load_career(config: SiteConfig, content: Content, problems: Problems, today: dt.date
                ) -> Career:
    """Every private source, validated against the public skills and each other."""
    root = config.root
    # Names of invalid skills entries count as known: their own error is enough.
    skills = {**dict.fromkeys(content.skill_names, 0),
              **{s.name: s.level for s in content.skills}}
    warn_unknown_files(root, problems)
    if isinstance(content.skill_names, type(EVERY_SKILL)):  # skills.yaml is unreadable
        skills = _AnySkill(skills)
    goals, ids = load_goals(root, problems, skills.keys(), today)
    targets, actions = load_development(root, problems, skills, ids)
    return Career(
        goals=goals,
        targets=targets,
        actions=actions,
        contacts=load_network(root, problems, ids, today),
        opportunities=load_opportunities(root, problems, ids, today),
        swot=load_swot(root, problems, ids, [a.title for a in actions]),
        reviews=load_reviews(config, problems),
    )
