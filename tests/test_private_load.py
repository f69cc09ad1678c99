"""Loading content/private/: positioned errors, hints, cross-references naming both ends."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest

from brandgen.config import load_config
from brandgen.errors import Problems
from brandgen.load import load_content
from brandgen.model import Content
from brandgen.private.load import load_career
from brandgen.private.model import Career

TODAY = dt.date(2026, 11, 23)

BASE = {
    "brandgen.yaml": "base_url: https://example.org/\n",
    "content/profile.yaml": """\
        name: Ada Example
        headline: Platform engineer
        value_proposition: I help teams ship calmly.
        """,
    "content/skills.yaml": """\
        - name: Python
          level: 5
        - name: Go
          level: 3
        - name: Public Speaking
          level: 2
        - name: Writing
          level: 3
        """,
}


def make_project(root: Path, files: dict[str, str]) -> Path:
    for rel, text in {**BASE, **files}.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def load(root: Path, today: dt.date = TODAY) -> tuple[Career, Content, Problems]:
    problems = Problems()
    config = load_config(root, problems)
    content = load_content(config, problems)
    assert not problems.errors, [e.format() for e in problems.errors]
    return load_career(config, content, problems, today), content, problems


def errors(tmp_path: Path, files: dict[str, str]) -> list[str]:
    _, _, problems = load(make_project(tmp_path, files))
    return [e.format() for e in problems.errors]


GOALS = """\
    - id: g-talks
      title: Give three conference talks
      skills: [Public Speaking]
    - id: g-go
      title: Ship a service written in Go
"""


def test_empty_private_folder_is_fine(tmp_path: Path) -> None:
    career, _, problems = load(make_project(tmp_path, {}))
    assert career == Career()
    assert not problems.errors and not problems.warnings


def test_full_record_is_typed(tmp_path: Path) -> None:
    career, _, problems = load(make_project(tmp_path, {
        "content/private/goals.yaml": """\
            - id: g-talks
              title: Give three conference talks
              horizon: long
              priority: 1
              metric: talks given
              start_value: 0
              target: 3
              unit: talks
              deadline: 2027-03
              milestones:
                - {title: First CFP, due: 2026-12-01, done: 2026-11-20}
              checkins:
                - {date: 2026-10-01, value: 0}
                - {date: 2026-11-01, value: 1, note: Meetup talk}
            """,
        "content/private/swot.yaml": "strengths: [Calm under pressure]\n",
    }))
    assert not problems.errors
    goal = career.goals[0]
    assert goal.deadline == dt.date(2027, 3, 31)  # a month means its last day
    assert goal.checkins[1].note == "Meetup talk"
    assert goal.milestones[0].done == dt.date(2026, 11, 20)
    assert goal.where.line == 1 and goal.where.column == 3
    assert [s.text for s in career.swot.strengths] == ["Calm under pressure"]


def test_unknown_key_with_did_you_mean(tmp_path: Path) -> None:
    errs = errors(tmp_path, {"content/private/goals.yaml": """\
        - id: g-a
          titel: Learn Go well enough
        """})
    assert errs[0] == ("content/private/goals.yaml:2:3: error: goals[0].titel: unknown key "
                       "'titel'\n  hint: did you mean 'title'?")
    assert "goals[0].title: required" in errs[1]


def test_unknown_goal_in_network_names_both_ends(tmp_path: Path) -> None:
    errs = errors(tmp_path, {"content/private/goals.yaml": GOALS,
                             "content/private/network.yaml": """\
        - name: Grace
          goals: [g-talks]
        - name: Linus
          goals: [g-tlks, g-x]
        """})
    assert errs == [
        "content/private/network.yaml:4:11: error: network[1].goals[0]: unknown goal "
        "'g-tlks'\n  hint: did you mean 'g-talks'? Goal ids are defined in "
        "content/private/goals.yaml: g-go, g-talks",
        "content/private/network.yaml:4:19: error: network[1].goals[1]: unknown goal 'g-x'\n"
        "  hint: goal ids are defined in content/private/goals.yaml: g-go, g-talks",
    ]


def test_unknown_goal_without_goals_file(tmp_path: Path) -> None:
    errs = errors(tmp_path, {"content/private/opportunities.yaml": """\
        - title: A talk
          goals: [g-x]
        """})
    assert errs == ["content/private/opportunities.yaml:2:11: error: opportunities[0].goals[0]: "
                    "unknown goal 'g-x'\n  hint: content/private/goals.yaml defines no goals; "
                    "add a goal with `id: g-x` there"]


def test_unknown_goal_of_action(tmp_path: Path) -> None:
    errs = errors(tmp_path, {"content/private/goals.yaml": GOALS,
                             "content/private/development.yaml": """\
        actions:
          - title: Toastmasters
            goal: g-talk
        """})
    assert errs == ["content/private/development.yaml:3:11: error: actions[0].goal: unknown goal "
                    "'g-talk'\n  hint: did you mean 'g-talks'? Goal ids are defined in "
                    "content/private/goals.yaml: g-go, g-talks"]


def test_unknown_skill_in_goal(tmp_path: Path) -> None:
    errs = errors(tmp_path, {"content/private/goals.yaml": """\
        - id: g-a
          title: Learn Rust for real
          skills: [Go, Rust]
        """})
    assert errs == ["content/private/goals.yaml:3:16: error: goals[0].skills[1]: unknown skill "
                    "'Rust'\n  hint: add it to content/skills.yaml or fix the name; allowed: "
                    "Go, Public Speaking, Python, Writing"]


def test_unknown_skill_in_targets(tmp_path: Path) -> None:
    errs = errors(tmp_path, {"content/private/development.yaml": """\
        targets:
          Pyhton: 5
          Go: 7
        """})
    assert errs == [
        "content/private/development.yaml:2:3: error: targets.Pyhton: unknown skill 'Pyhton'\n"
        "  hint: add it to content/skills.yaml or fix the name; did you mean 'Python'?",
        "content/private/development.yaml:3:7: error: targets.Go: must be 1-5, got 7",
    ]


def test_duplicate_goal_id(tmp_path: Path) -> None:
    errs = errors(tmp_path, {"content/private/goals.yaml": GOALS + """\
    - id: g-go
      title: Something else entirely
"""})
    assert errs == ["content/private/goals.yaml:6:7: error: goals[2].id: duplicate goal id "
                    "'g-go'\n  hint: goals[1] already has it; give each goal its own id"]


def test_checkins_out_of_order_and_in_future(tmp_path: Path) -> None:
    errs = errors(tmp_path, {"content/private/goals.yaml": """\
        - id: g-a
          title: Grow the newsletter list
          checkins:
            - {date: 2026-10-01, value: 1}
            - {date: 2026-09-01, value: 2}
            - {date: 2026-11-24, value: 3}
        """})
    assert errs == [
        "content/private/goals.yaml:5:14: error: goals[0].checkins[1].date: 2026-09-01 is not "
        "after the previous check-in (2026-10-01)\n  hint: list check-ins oldest first, one "
        "per date",
        "content/private/goals.yaml:6:14: error: goals[0].checkins[2].date: 2026-11-24 is in "
        "the future (today is 2026-11-23)\n  hint: record a check-in once it has happened",
    ]


def test_wrong_types_and_choices(tmp_path: Path) -> None:
    errs = errors(tmp_path, {"content/private/goals.yaml": """\
        - id: g-a
          title: Grow the newsletter list
          horizon: medium
          checkins:
            - {date: 2026-10-01, value: lots}
        """, "content/private/opportunities.yaml": """\
        - title: Job
          stage: interview
        """})
    assert errs == [
        "content/private/goals.yaml:3:12: error: goals[0].horizon: expected one of short, long, "
        "got 'medium'\n  hint: allowed: long, short",
        "content/private/goals.yaml:5:33: error: goals[0].checkins[0].value: expected a number, "
        "got 'lots'",
        "content/private/opportunities.yaml:2:10: error: opportunities[0].stage: expected one of "
        "idea, researching, applied, interviewing, offer, accepted, declined, closed, got "
        "'interview'\n  hint: did you mean 'interviewing'?",
    ]


def test_target_equal_to_start(tmp_path: Path) -> None:
    errs = errors(tmp_path, {"content/private/goals.yaml": """\
        - id: g-a
          title: Keep the error rate flat
          start_value: 3
          target: 3
        """})
    assert errs == ["content/private/goals.yaml:4:11: error: goals[0].target: equals start_value "
                    "(3), so there is nothing to measure\n  hint: set the target you want to "
                    "reach"]


def test_invalid_yaml_is_positioned(tmp_path: Path) -> None:
    errs = errors(tmp_path, {"content/private/swot.yaml": "strengths: [a, b\nweaknesses: []\n"})
    assert len(errs) == 1
    assert errs[0].startswith("content/private/swot.yaml:2:")
    assert "invalid YAML" in errs[0]


def test_review_needs_a_date(tmp_path: Path) -> None:
    errs = errors(tmp_path, {"content/private/reviews/a.md": "---\ntitle: Week 1\n---\nText\n"})
    assert errs == ["content/private/reviews/a.md:2:1: error: date: required, expected an ISO "
                    "date like 2026-11-23\n  hint: add `date:` to this entry"]


def test_wrong_top_level_shape(tmp_path: Path) -> None:
    errs = errors(tmp_path, {"content/private/network.yaml": "name: Grace\n"})
    assert errs == ["content/private/network.yaml:1:1: error: expected a list of contacts, got a "
                    "mapping\n  hint: start each entry with `- `"]


def test_all_errors_at_once(tmp_path: Path) -> None:
    errs = errors(tmp_path, {
        "content/private/goals.yaml": "- id: g-a\n  title: Learn Go properly\n  prio: 1\n",
        "content/private/network.yaml": "- name: A\n  goals: [g-b]\n",
        "content/private/swot.yaml": "strenghts: []\n",
    })
    assert len(errs) == 3


def test_unknown_private_file_is_a_warning(tmp_path: Path) -> None:
    _, _, problems = load(make_project(tmp_path, {"content/private/goal.yaml": "[]\n"}))
    assert [w.format() for w in problems.warnings] == [
        "content/private/goal.yaml: warning: unknown private file 'goal.yaml' is ignored\n"
        "  hint: did you mean 'goals.yaml'?"]


@pytest.mark.parametrize("value", ["2026-13-01", "soon"])
def test_bad_deadline(tmp_path: Path, value: str) -> None:
    errs = errors(tmp_path, {"content/private/goals.yaml":
                             f"- id: g-a\n  title: Learn Go properly\n  deadline: {value}\n"})
    assert errs[0].startswith("content/private/goals.yaml:3:13: error: goals[0].deadline: "
                              "expected an ISO date")
