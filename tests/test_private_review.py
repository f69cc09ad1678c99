"""brandgen review: the prefilled note, from the analysis at a fixed today."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from tests.conftest import SiteMaker
from tests.private_edits import edit_site, run, sha


@pytest.fixture
def site(make_site: SiteMaker) -> Path:
    return edit_site(make_site)


def test_review_writes_a_prefilled_note(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (site / "content/private/reviews").mkdir()
    (site / "content/private/reviews/2026-05-01.md").write_text("---\ndate: 2026-05-01\n---\n"
                                                                "Fine.\n")
    code, out, err = run(capsys, site, "review")
    assert code == 0, err
    note = (site / "content/private/reviews/2026-11-23.md").read_text()
    assert note.startswith("---\ndate: 2026-11-23\n")
    since = note.split("## Since the last review (1 May 2026)\n", 1)[1].split("\n## ", 1)[0]
    assert "- 1 Jun 2026: Give four conference talks this year: 2 talks" in since
    assert "Mar 2026" not in since  # before the last review
    due = note.split("## Due in the next 14 days (to 7 Dec 2026)\n", 1)[1].split("\n## ")[0]
    assert "- 27 Nov 2026: Wait for the recruiter (opportunity)" in due
    follow = note.split("## Follow-ups due\n", 1)[1].split("\n## ")[0]
    assert "- Dana Whitcombe: due 26 Nov 2026" in follow
    for prompt in ("## Wins\n", "## Blockers\n", "## Next focus\n"):
        assert prompt in note
    assert "Wrote the review note" in out
    # a second run the same day refuses and keeps the note
    before = sha(site / "content/private/reviews/2026-11-23.md")
    code, _, err = run(capsys, site, "review")
    assert code == 1 and "already exists" in err
    assert sha(site / "content/private/reviews/2026-11-23.md") == before


def test_review_lists_goals_that_need_attention(make_site: SiteMaker,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    goals = textwrap.dedent("""\
        - id: slow
          title: Ship the migration guide
          start_value: 0
          target: 10
          unit: chapters
          deadline: 2026-12-15
          checkins:
            - {date: 2026-01-01, value: 0}
            - {date: 2026-11-01, value: 1}
        - id: parked
          title: Learn the cello
          status: paused
          start_value: 0
          target: 10
          unit: pieces
          deadline: 2026-12-15
          checkins:
            - {date: 2026-01-01, value: 0}
            - {date: 2026-11-01, value: 1}
        """)
    root = make_site({"content/private/goals.yaml": goals})
    assert run(capsys, root, "review")[0] == 0
    note = (root / "content/private/reviews/2026-11-23.md").read_text()
    attention = note.split("## Goals at risk, stale or missed\n", 1)[1].split("\n## ")[0]
    assert "- Ship the migration guide: off track" in attention
    assert "cello" not in attention  # paused goals are listed apart, not as at risk
    assert "## The last 14 days (no earlier review)" in note


def test_review_lists_interactions_and_stage_changes(site: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, site, "log", "dana", "--kind", "coffee", "--date", "2026-11-10")[0] == 0
    assert run(capsys, site, "review")[0] == 0
    note = (site / "content/private/reviews/2026-11-23.md").read_text()
    activity = note.split("People and opportunities:\n", 1)[1].split("\n## ")[0]
    # no earlier review: the last 14 days; the CFP moved in October, before them
    assert activity.strip().splitlines() == ["- 10 Nov 2026: coffee with Dana Whitcombe"]


def test_review_of_a_project_without_private_data(make_site: SiteMaker,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    root = make_site()
    code, _, err = run(capsys, root, "review")
    assert code == 0, err
    note = (root / "content/private/reviews/2026-11-23.md").read_text()
    assert "Check-ins:\n- none" in note and "## Follow-ups due\n\n- none" in note
