"""The editing commands `checkin`, `log` and `move`: one validated, atomic change each.

Each command finds its target in the parsed file (positions from the YAML nodes), describes
the change as edits, lets `yamledit` insert the text, validates the whole private data with
the change in place exactly as a build would, and only then replaces the file. On any error
the file is left byte-identical.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import os
import shutil
import tempfile
import unicodedata
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from brandgen.config import SiteConfig, load_config
from brandgen.errors import BuildError, Problems, SourceError
from brandgen.fields import suggest
from brandgen.private.goals import GOALS_FILE
from brandgen.private.load import goal_hint
from brandgen.private.vocabulary import INTERACTION_KINDS, PRIVATE, STAGES
from brandgen.private.yamledit import Append, Assign, Edit, EditError, edit_yaml
from brandgen.sources import read_text
from brandgen.urls import slugify
from brandgen.yamlfile import YNode, parse_yaml

NETWORK_FILE = f"{PRIVATE}/network.yaml"
OPPORTUNITIES_FILE = f"{PRIVATE}/opportunities.yaml"
CONFIDENCE = (1, 10)


class UsageError(Exception):
    """Bad command-line input (exit code 2), with a hint."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.hint = hint


@dataclass(frozen=True)
class Change:
    path: str  # relative to the project root
    summary: str
    before: str
    after: str

    def diff(self) -> str:
        """The changed lines, as a unified diff without context."""
        lines = difflib.unified_diff(self.before.splitlines(keepends=True),
                                     self.after.splitlines(keepends=True),
                                     f"a/{self.path}", f"b/{self.path}", n=0)
        return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


def _fail(message: str, path: str, node: YNode | None = None, hint: str = "") -> BuildError:
    return BuildError([SourceError(message, path, node.line if node else 0,
                                   node.column if node else 0, hint)])


def load_project(root: Path) -> SiteConfig:
    problems = Problems()
    config = load_config(root, problems)
    problems.raise_if_any()
    return config


def read_list(root: Path, rel: str, what: str) -> tuple[str, YNode, list[YNode]]:
    """The file's text, its root node and its top-level list of mappings."""
    problems = Problems()
    if not (root / rel).is_file():
        raise _fail("file is missing", rel, hint=f"create {rel} with at least one {what}")
    if read_text(root / rel, rel, problems) is None:  # unreadable, or not UTF-8
        problems.raise_if_any()
    # The exact text, line endings included (read_text normalises them for the build).
    text = (root / rel).read_bytes().decode("utf-8-sig")
    doc = parse_yaml(text, rel)
    for error in doc.errors:
        problems.add(error)
    problems.raise_if_any()
    if doc.root is None or doc.root.items is None:
        raise _fail(f"expected a list of {what}s", rel, doc.root,
                    f"start each {what} with `- ` at the beginning of a line")
    return text, doc.root, doc.root.items


def field(item: YNode, key: str) -> YNode | None:
    if item.entries is None or key not in item.entries:
        return None
    return item.entries[key][1]


def text_of(item: YNode, key: str) -> str:
    node = field(item, key)
    return "" if node is None or node.value is None else str(node.value).strip()


def dates_of(item: YNode, key: str) -> list[Any]:
    node = field(item, key)
    return [text_of(i, "date") for i in (node.items or [])] if node else []


def sorted_index(dates: Sequence[str], when: dt.date) -> int | None:
    """Where an entry dated `when` goes (None = at the end): in date order, oldest first,
    unless the list is kept newest first (a contact's log may be)."""
    day = when.isoformat()
    if len(dates) > 1 and dates[0] > dates[-1]:
        index = sum(1 for d in dates if d > day)
    else:
        index = sum(1 for d in dates if d <= day)
    return None if index == len(dates) else index


def validate(config: SiteConfig, replaced: dict[str, str], today: dt.date) -> None:
    """Load and analyse the whole private data with `replaced` files in place, as a build
    does; raise BuildError with every error. Public content problems are the build's."""
    from brandgen.load import load_content
    from brandgen.private import report_for

    content = load_content(config, Problems())
    problems = Problems()
    with tempfile.TemporaryDirectory(prefix="brandgen-edit-") as tmp:
        copy = Path(tmp)
        if (config.root / PRIVATE).is_dir():
            shutil.copytree(config.root / PRIVATE, copy / PRIVATE)
        for rel, text in replaced.items():
            (copy / rel).parent.mkdir(parents=True, exist_ok=True)
            (copy / rel).write_text(text, encoding="utf-8", newline="")
        report_for(dataclasses.replace(config, root=copy), content, problems, today)
    problems.raise_if_any()


def write_atomic(path: Path, text: str, rel: str) -> None:
    """Replace `path` in one step: a reader sees the old file or the new one, never half
    (through a symlink: the file it points to is replaced, not the link)."""
    try:
        _replace(path.resolve(), text)
    except OSError as e:
        raise _fail(f"cannot write the file: {e.strerror or e}", rel,
                    hint="check the folder's permissions and free space; the file is "
                         "unchanged") from e


def _replace(path: Path, text: str) -> None:
    data = text.encode("utf-8")
    if path.exists() and path.read_bytes().startswith(b"\xef\xbb\xbf"):
        data = b"\xef\xbb\xbf" + data  # keep a byte-order mark read_text dropped
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        if path.exists():
            shutil.copymode(path, tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def commit(root: Path, config: SiteConfig, rel: str, before: str, edits: Sequence[Edit],
           today: dt.date, summary: str) -> Change:
    try:
        after = edit_yaml(before, edits)
    except EditError as e:
        raise _fail(f"cannot make this change safely: {e}", rel,
                    hint="nothing was changed; edit the file by hand (and please report "
                         "the file's shape as a brandgen bug)") from e
    validate(config, {rel: after}, today)
    write_atomic(root / rel, after, rel)
    return Change(rel, summary, before, after)


def checkin(root: Path, target: str, value: float, today: dt.date, *,
            date: dt.date | None = None, note: str | None = None,
            confidence: int | None = None) -> Change:
    """Record a check-in on a goal (`goal-id`) or a key result (`goal-id/kr-id`)."""
    if confidence is not None and not CONFIDENCE[0] <= confidence <= CONFIDENCE[1]:
        raise UsageError(f"--confidence must be 1-10, got {confidence}",
                         "1 = no confidence at all, 10 = certain to reach the target")
    config = load_project(root)
    text, top, goals = read_list(root, GOALS_FILE, "goal")
    goal_id, _, kr_id = target.partition("/")
    ids = [text_of(g, "id") for g in goals]
    if goal_id not in ids:
        raise _fail(f"unknown goal '{goal_id}'", GOALS_FILE, top,
                    goal_hint(goal_id, [i for i in ids if i]))
    index = ids.index(goal_id)
    goal = goals[index]
    at: tuple[str | int, ...] = (index,)
    owner = goal
    krs = field(goal, "key_results")
    kr_ids = [text_of(k, "id") for k in (krs.items or [])] if krs else []
    if kr_id:
        if kr_id not in kr_ids:
            listed = ", ".join(f"{goal_id}/{k}" for k in kr_ids if k)
            hint = (f"{suggest(kr_id, kr_ids)} Key results of this goal: {listed}" if listed
                    else f"goal '{goal_id}' has no key_results; check in on the goal itself")
            raise _fail(f"goal '{goal_id}' has no key result '{kr_id}'", GOALS_FILE, goal, hint)
        at = (index, "key_results", kr_ids.index(kr_id))
        owner = (krs.items or [])[kr_ids.index(kr_id)] if krs else goal
    elif kr_ids:
        raise _fail(f"goal '{goal_id}' is measured by its key results", GOALS_FILE, goal,
                    "check in on one of them: " + ", ".join(f"{goal_id}/{k}" for k in kr_ids))
    when = date or today
    dates = dates_of(owner, "checkins")
    if when.isoformat() in dates:
        raise _fail(f"'{target}' already has a check-in on {when}", GOALS_FILE,
                    field(owner, "checkins"), "one check-in per date: edit that entry instead")
    entry: dict[str, Any] = {"date": when, "value": value}
    if confidence is not None:
        entry["confidence"] = confidence
    if note:
        entry["note"] = note
    edits = [Append(at, "checkins", entry, sorted_index(dates, when))]
    return commit(root, config, GOALS_FILE, text, edits, today,
                  f"Recorded a check-in on '{target}': {value:g} on {when}")


def fold(name: str) -> str:
    """Case and accents ignored: 'elodie' finds 'Élodie'."""
    return "".join(c for c in unicodedata.normalize("NFKD", name)
                   if not unicodedata.combining(c)).casefold()


def find_contact(contacts: Sequence[YNode], name: str, top: YNode) -> int:
    """The one contact whose name starts with `name` (any case or accents); an exact name
    wins."""
    names = [text_of(c, "name") for c in contacts]
    wanted = fold(name.strip())
    exact = [i for i, n in enumerate(names) if fold(n) == wanted]
    hits = exact or [i for i, n in enumerate(names) if wanted and fold(n).startswith(wanted)]
    if len(hits) == 1:
        return hits[0]
    if not hits:
        close = suggest(name, [n for n in names if n])
        raise _fail(f"no contact's name starts with '{name}'", NETWORK_FILE, top,
                    close if close.startswith("did you mean") else
                    "contacts: " + ", ".join(n for n in names if n))
    raise _fail(f"'{name}' matches {len(hits)} contacts", NETWORK_FILE, top,
                "type more of the name: " + ", ".join(names[i] for i in hits))


def log(root: Path, name: str, today: dt.date, *, kind: str | None = None,
        note: str | None = None, date: dt.date | None = None) -> Change:
    """Record an interaction with the contact whose name starts with `name`."""
    if kind is not None and kind not in INTERACTION_KINDS:
        raise UsageError(f"unknown kind '{kind}'", f"{suggest(kind, INTERACTION_KINDS)} "
                         f"Kinds: {', '.join(INTERACTION_KINDS)}")
    config = load_project(root)
    text, top, contacts = read_list(root, NETWORK_FILE, "contact")
    index = find_contact(contacts, name, top)
    when = date or today
    entry: dict[str, Any] = {"date": when}
    if kind:
        entry["kind"] = kind
    if note:
        entry["note"] = note
    dates = dates_of(contacts[index], "log")
    edits = [Append((index,), "log", entry, sorted_index(dates, when))]
    who = text_of(contacts[index], "name")
    return commit(root, config, NETWORK_FILE, text, edits, today,
                  f"Logged {kind or 'an interaction'} with {who} on {when}")


def move(root: Path, opportunity: str, stage: str, today: dt.date, *,
         date: dt.date | None = None, next_step: str | None = None,
         due: dt.date | None = None) -> Change:
    """Move an opportunity to `stage`: append to its history, update stage and next step."""
    if stage not in STAGES:
        raise UsageError(f"unknown stage '{stage}'",
                         f"{suggest(stage, STAGES)} Stages: {', '.join(STAGES)}")
    config = load_project(root)
    text, top, items = read_list(root, OPPORTUNITIES_FILE, "opportunit")
    ids = [text_of(o, "id") or slugify(text_of(o, "title")) for o in items]
    if opportunity not in ids:
        raise _fail(f"unknown opportunity '{opportunity}'", OPPORTUNITIES_FILE, top,
                    f"{suggest(opportunity, [i for i in ids if i])} (an opportunity's id is "
                    f"its `id:`, else the slug of its title)")
    index = ids.index(opportunity)
    item = items[index]
    when = date or today
    dates = dates_of(item, "history")
    history = field(item, "history")
    last = text_of((history.items or [])[-1], "stage") if history and history.items else ""
    current = text_of(item, "stage") or last or "idea"
    edits: list[Edit] = []
    if stage != current:
        if dates and dates[-1] > when.isoformat():
            raise _fail(f"'{opportunity}' moved to its current stage on {dates[-1]}, after "
                        f"{when}", OPPORTUNITIES_FILE, field(item, "history"),
                        "history is oldest first: give a --date on or after that day")
        edits += [Append((index,), "history", {"date": when, "stage": stage}),
                  Assign((index,), "stage", stage)]
    elif next_step is None and due is None:
        raise _fail(f"'{opportunity}' is already at stage '{stage}'", OPPORTUNITIES_FILE,
                    field(item, "stage") or item, "pick another stage, or pass --next-step "
                    "or --due to change only those")
    if next_step is not None:
        edits.append(Assign((index,), "next_step", next_step))
    if due is not None:
        edits.append(Assign((index,), "due", due))
    summary = (f"Moved '{opportunity}' from {current} to {stage} on {when}" if stage != current
               else f"Updated the next step of '{opportunity}'")
    return commit(root, config, OPPORTUNITIES_FILE, text, edits, today, summary)


def local_date(root: Path, now: dt.datetime) -> dt.date:
    """Today in the site's time zone (as a build sees it), from the instant the CLI read."""
    problems = Problems()
    config = load_config(root, problems)
    zone = config.timezone if not problems.errors else "UTC"
    aware = now if now.tzinfo else now.replace(tzinfo=dt.UTC)
    return aware.astimezone(zoneinfo.ZoneInfo(zone)).date()
