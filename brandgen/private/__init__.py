"""The private side: career data in content/private/ -> dashboard + calendar.

Only brandgen.build calls these entry points; nothing under brandgen.public imports this
package (a test enforces the direction of that boundary).
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from typing import TYPE_CHECKING

from brandgen.config import SiteConfig
from brandgen.errors import Problems
from brandgen.model import Content
from brandgen.private.kept import KeptDashboard, dashboard_inputs
from brandgen.private.vocabulary import (
    ACTION_KINDS,
    ACTION_STATUSES,
    HORIZONS,
    OPPORTUNITY_KINDS,
    PRIVATE,
    RELATIONSHIPS,
    STAGES,
)
from brandgen.sources import read_text
from brandgen.yamlfile import YNode, parse_yaml

if TYPE_CHECKING:
    from brandgen.cache import Cache
    from brandgen.private.report import Report

# The dashboard's own modules (~0.1 s of imports) are loaded only when it is made: a build
# whose private inputs are as before takes it from the cache (brandgen/private/kept.py).
__all__ = ["build_private", "dashboard_inputs", "private_strings", "smart_warnings",
           "warn_if_tracked"]

MIN_SECRET = 8
# The schema's own words (`kind: certification`) are no secrets; themes print them too.
VOCABULARY = frozenset((*HORIZONS, *ACTION_KINDS, *ACTION_STATUSES, *RELATIONSHIPS,
                        *OPPORTUNITY_KINDS, *STAGES))


def report_for(config: SiteConfig, content: Content, problems: Problems, today: dt.date
               ) -> Report:
    from brandgen.private.load import load_career
    from brandgen.private.report import analyse

    career = load_career(config, content, problems, today)
    return analyse(career, content, config.private, today)


def build_private(config: SiteConfig, content: Content, problems: Problems, today: dt.date,
                  check_git: bool = True, cache: Cache | None = None,
                  inputs: bytes | None = None) -> dict[str, bytes]:
    """Load + validate content/private/, analyse, and return {'index.html', 'career.ics'}.
    Errors go to `problems` (nothing is raised); `check_git=False` skips the git subprocess
    (the dev server asks git once, not on every save). With a `cache`, a dashboard made
    from the same inputs before is taken from it, with its warnings (`inputs`: the digest
    of those inputs, `dashboard_inputs`, when known)."""
    if check_git:
        warn_if_tracked(config, problems)
    kept = KeptDashboard(cache, config, content, today, inputs)
    if kept.files is not None:
        problems.warnings.extend(kept.warnings)
        return kept.files
    from brandgen.private.dashboard import dashboard_html
    from brandgen.private.ics import career_ics

    made = Problems()
    report = report_for(config, content, made, today)
    files = {
        "index.html": dashboard_html(report, config.language).encode("utf-8"),
        "career.ics": career_ics(report).encode("utf-8"),
    }
    if not made.errors:
        kept.store(files, made.warnings)
    problems.extend(made)
    return files


def smart_warnings(config: SiteConfig, content: Content, problems: Problems, today: dt.date
                   ) -> None:
    """For `brandgen check`: one warning per failed SMART letter, at the goal's position.

    Only the SMART warnings are added: loading errors are reported by `build_private`, so
    calling both does not list them twice."""
    report = report_for(config, content, Problems(), today)
    for g in report.goals:
        where = g.goal.where
        for letter in g.smart:
            if letter.ok is False:
                problems.warn(f"goal '{g.goal.id}' is not {letter.name} ({letter.letter}): "
                              f"{letter.reason}", where.path, where.line, where.column,
                              SMART_HINTS[letter.letter])


SMART_HINTS = {
    "S": "give the goal a title that says what you will achieve, and a `why:`",
    "M": "add `metric:`, `target:` and `unit:`",
    "A": "lower the target, move the deadline, or plan actions that raise the pace",
    "R": "link it to `skills:` or `tags:`, or say `why:` it matters",
    "T": "add `deadline: YYYY-MM-DD`",
}


def _strings(node: YNode, out: set[str]) -> None:
    if node.entries is not None:
        for _, value in node.entries.values():  # keys are schema names, not secrets
            _strings(value, out)
    elif node.items is not None:
        for item in node.items:
            _strings(item, out)
    elif isinstance(node.value, str) and node.value.strip() not in VOCABULARY:
        out.add(node.value.strip())


def _text_pieces(text: str) -> set[str]:
    """Lines and sentences of Markdown, stripped of list/heading/emphasis markers."""
    out: set[str] = set()
    for line in text.splitlines():
        clean = re.sub(r"^\s*(?:[-*+>#]+|\d+[.)])\s*", "", line).strip()
        clean = re.sub(r"[*_`]+", "", clean).strip()
        out.add(clean)
        out.update(s.strip() for s in re.split(r"(?<=[.!?])\s+", clean))
    return out


def private_strings(config: SiteConfig, problems: Problems) -> dict[str, str]:
    """Every string of 8+ characters in content/private/ (YAML scalars, review lines and
    sentences), mapped to the file it came from: the leak scan looks for them in public."""
    found: dict[str, str] = {}
    base = config.root / PRIVATE
    if not base.is_dir():
        return found
    scratch = Problems()  # errors are reported by build_private; don't report twice
    for path in sorted(p for p in base.rglob("*") if p.is_file()):
        rel = path.relative_to(config.root).as_posix()
        text = read_text(path, rel, scratch)
        if text is None:
            continue
        pieces: set[str] = set()
        if path.suffix in (".yaml", ".yml"):
            doc = parse_yaml(text, rel)
            if doc.root is not None:
                _strings(doc.root, pieces)
        else:
            pieces = _text_pieces(text)
        for piece in sorted(pieces):
            if len(piece) >= MIN_SECRET:
                found.setdefault(piece, rel)
    return found


def warn_if_tracked(config: SiteConfig, problems: Problems) -> None:
    """Warn when git tracks content/private/, unless it is declared example data."""
    if config.private.example or not (config.root / PRIVATE).exists():
        return
    try:
        run = subprocess.run(["git", "ls-files", "--", PRIVATE], cwd=config.root,
                             capture_output=True, text=True, timeout=20, check=False)
    except (OSError, subprocess.SubprocessError):
        return  # no git: nothing can be tracked
    tracked = [line for line in run.stdout.splitlines() if line.strip()]
    if run.returncode != 0 or not tracked:
        return
    problems.warn(f"{len(tracked)} private file{'s are' if len(tracked) != 1 else ' is'} "
                  f"tracked by git (e.g. {tracked[0]}), so a push publishes them",
                  PRIVATE, hint="add content/private/ to .gitignore and run "
                  "`git rm --cached -r content/private`; or, if this is fictional sample "
                  "data, set `private: {example: true}` in brandgen.yaml")
