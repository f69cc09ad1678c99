"""Shared by the editing-command tests: hand-written, commented private files and helpers."""

from __future__ import annotations

import difflib
import hashlib
from pathlib import Path

import pytest

from brandgen.cli import main
from tests.conftest import SiteMaker

GOALS = """\
# My goals, written by hand. Keep the comments!

- id: talks          # the public one
  title: Give four conference talks this year
  metric: Talks given
  start_value: 0
  target: 4
  unit: talks
  deadline: 2026-12-31
  checkins:
    - date: 2026-03-01
      value: 1
      note: "First meetup talk"   # quoted on purpose

    - date: 2026-06-01
      value: 2

# The second goal uses the indentless `- ` style.
- id: reading
  title: Read twelve engineering books
  metric: Books finished
  target: 12
  unit: books
  deadline: 2026-12-31
  checkins:
  - date: 2026-02-01
    value: 1
  milestones:
  - title: Finish the first six
    due: 2026-06-30

- {id: posts, title: Post monthly, target: 12, checkins: [{date: 2026-01-31, value: 1}]}

- id: half-marathon
  title: Run a half marathon in under two hours
  metric: Best time
  start_value: 140
  target: 120
  unit: minutes
  deadline: 2027-04-30

- id: lead
  title: Grow into the team lead role
  key_results:
    - id: reports
      title: Direct reports
      target: 3
      checkins:
        - date: 2026-10-01
          value: 1
          confidence: 6
    - id: feedback
      title: Upward feedback rounds
      target: 2
"""

NETWORK = """\
# People.
- name: Dana Whitcombe
  relationship: sponsor
  last_contact: 2026-11-05   # the calibration chat
  cadence_days: 21

- name: Daniel Ortiz
  relationship: peer
- name: Ingrid Solheim
  relationship: mentor
  log:
  - {date: 2026-10-01, kind: coffee}
"""

OPPORTUNITIES = """\
# Pipeline.
- title: Engineering Manager, Core Platform
  organization: Halcyon Grid
  kind: job
  stage: applied
  next_step: 'Wait for the recruiter'
  due: 2026-11-27

- id: cfp
  title: "Spring CFP: toil as a budget line"
  stage: applied
  history:
    - date: 2026-10-01
      stage: idea
    - date: 2026-10-15
      stage: applied
  next_step: Wait for the decision
"""


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def edit_site(make_site: SiteMaker) -> Path:
    return make_site({"content/private/goals.yaml": GOALS,
                      "content/private/network.yaml": NETWORK,
                      "content/private/opportunities.yaml": OPPORTUNITIES})


def run(capsys: pytest.CaptureFixture[str], root: Path, *args: str) -> tuple[int, str, str]:
    code = main([*args, "-C", str(root), "--today", "2026-11-23"])
    out = capsys.readouterr()
    return code, out.out, out.err


def inserted(before: str, after: str) -> tuple[int, list[str]]:
    """(line number, lines) when `after` is `before` with one block of lines added."""
    old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    ops = [op for op in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes()
           if op[0] != "equal"]
    assert len(ops) == 1 and ops[0][0] == "insert", ops
    return ops[0][1] + 1, new[ops[0][3]:ops[0][4]]
