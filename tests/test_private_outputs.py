"""Outputs of the private side: career.ics, the dashboard page, leak strings, git warning."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from icalendar import Calendar
from playwright.sync_api import Browser

from brandgen.config import load_config
from brandgen.errors import Problems
from brandgen.load import load_content
from brandgen.private import build_private, private_strings, smart_warnings, warn_if_tracked
from brandgen.private.ics import escape_text, fold
from tests.test_private_analysis import project  # noqa: F401  (fixture)
from tests.test_private_load import TODAY, make_project
from tests.tools import require_tool

REPO = Path(__file__).resolve().parent.parent


def build(root: Path, today: dt.date = TODAY) -> tuple[dict[str, bytes], Problems]:
    problems = Problems()
    config = load_config(root, problems)
    content = load_content(config, problems)
    out = build_private(config, content, problems, today)
    return out, problems


def calendar_events(data: bytes) -> dict[str, tuple[dt.date, str]]:
    cal = Calendar.from_ical(data)
    return {str(e["UID"]): (e.decoded("DTSTART"), str(e["SUMMARY"]))
            for e in cal.walk("VEVENT")}


def test_ics_holds_every_dated_item(project: Path) -> None:  # noqa: F811
    out, problems = build(project)
    assert not problems.errors
    events = calendar_events(out["career.ics"])
    found = sorted((d.isoformat(), s) for d, s in events.values())
    # Open items only: the done milestone leaves; overdue ones move onto today.
    assert found == sorted([
        ("2026-11-23", "Milestone: Late one (overdue since 1 Nov 2026)"),
        ("2026-12-15", "Milestone: Soon one"),
        ("2026-11-23", "Action due: Toastmasters (overdue since 20 Nov 2026)"),
        ("2026-11-25", "Action due: Unlinked task"),
        ("2026-11-23", "Follow up with Ann (overdue since 31 Oct 2026)"),
        ("2026-11-30", "Follow up with Bob"),
        ("2026-12-20", "Follow up with Cy"),
        ("2026-12-01", "Job A: Chase"),
        ("2026-11-23", "Job B: Prepare (overdue since 20 Nov 2026)"),
        ("2026-11-23", "Career review"),  # recurring, from today
    ])
    for d, _ in events.values():
        assert type(d) is dt.date  # all-day, not a datetime


def test_ics_goal_deadline_and_stable_uids(tmp_path: Path) -> None:
    root = make_project(tmp_path, {"content/private/goals.yaml": """\
        - id: g-a
          title: "Ship it, finally; with a backslash \\\\ and more words than fit on one line"
          deadline: 2027-01-31
        """})
    first, _ = build(root)
    second, _ = build(root, TODAY + dt.timedelta(days=3))
    a, b = calendar_events(first["career.ics"]), calendar_events(second["career.ics"])
    assert a.keys() == b.keys()  # the same UIDs on another day
    [(date, summary)] = [v for v in a.values() if v[1].startswith("Goal")]
    assert [v for v in b.values() if v[1].startswith("Goal")] == [(date, summary)]
    assert date == dt.date(2027, 1, 31)
    assert summary == ("Goal deadline: Ship it, finally; with a backslash \\ and more words "
                       "than fit on one line")
    assert first == build(root)[0]  # byte-identical for the same day
    text = first["career.ics"].decode()
    assert "DTSTAMP:20261123T000000Z\r\n" in text
    assert "\n" not in text.replace("\r\n", "")
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))


def test_fold_and_escape() -> None:
    assert escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    line = "SUMMARY:" + "é" * 60
    folded = fold(line)
    parts = folded.split("\r\n ")
    assert "".join(parts) == line
    assert all(len(p.encode()) <= 75 - (i > 0) for i, p in enumerate(parts))


def test_dashboard_is_self_contained(project: Path) -> None:  # noqa: F811
    out, _ = build(project)
    page = out["index.html"].decode()
    assert page.startswith("<!DOCTYPE html>") and '<html lang="en">' in page
    assert "<script" not in page.lower()
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", page, re.I)
    assert not re.search(r"url\(", page)
    assert "http://" not in page and "https://" not in page
    assert page.count("<h1") == 1
    assert 'As of <time datetime="2026-11-23">23 Nov 2026</time>' in page
    assert "Private" in page
    assert page.count('role="img"') >= 3  # skills bars, funnel, posts per month
    for svg in re.findall(r"<svg[^>]*>", page):
        assert 'role="img"' in svg and "aria-label=" in svg
    assert '<th scope="col">' in page and '<th scope="row">' in page
    # dated next actions in the sections
    assert "overdue by 23 days" in page  # Ann's follow-up
    assert "No action covers this gap" in page  # Writing
    assert "Long-term goal" in page


def test_dashboard_shows_goal_figures(tmp_path: Path) -> None:
    root = make_project(tmp_path, {"content/private/goals.yaml": """\
        - id: g-a
          title: Grow the newsletter to a hundred
          why: Readers become clients.
          metric: subscribers
          start_value: 0
          target: 100
          unit: people
          deadline: 2027-01-31
          checkins:
            - {date: 2026-09-01, value: 10}
            - {date: 2026-10-01, value: 30}
            - {date: 2026-10-31, value: 50}
        """})
    page = build(root)[0]["index.html"].decode()
    assert '<span class="num">50 %</span>' in page
    assert '<dt>Forecast</dt><dd><time datetime="2027-01-14">' in page
    assert 'class="pill s-on-track">on track<' in page
    assert "Burn-up chart for Grow the newsletter to a hundred" in page


def test_private_strings(project: Path) -> None:  # noqa: F811
    problems = Problems()
    config = load_config(project, problems)
    found = private_strings(config, problems)
    assert found["First priority goal here"] == "content/private/goals.yaml"
    assert found["Things went well. Next: more."] == "content/private/reviews/2026-11-01.md"
    assert "Toastmasters" in found
    assert "Job A" not in found  # shorter than 8 characters
    assert "targets" not in found  # keys are not secrets
    assert not problems.errors


def test_smart_warnings_are_positioned(tmp_path: Path) -> None:
    root = make_project(tmp_path, {"content/private/goals.yaml": """\
        - id: g-ok
          title: A perfectly fine goal
          why: reasons
          metric: things
          target: 3
          unit: things
          deadline: 2027-01-01
        - id: g-vague
          title: Leadership
        """})
    problems = Problems()
    config = load_config(root, problems)
    smart_warnings(config, load_content(config, problems), problems, TODAY)
    assert [w.format().split("\n")[0] for w in problems.warnings] == [
        "content/private/goals.yaml:8:3: warning: goal 'g-vague' is not Specific (S): the "
        "title has 1 word; say what exactly you will achieve",
        "content/private/goals.yaml:8:3: warning: goal 'g-vague' is not Measurable (M): "
        "missing metric, target, unit",
        "content/private/goals.yaml:8:3: warning: goal 'g-vague' is not Relevant (R): not "
        "linked to skills, tags or a reason",
        "content/private/goals.yaml:8:3: warning: goal 'g-vague' is not Time-bound (T): no "
        "deadline",
    ]


def test_warn_if_tracked(tmp_path: Path) -> None:
    require_tool("git", shutil.which("git"))
    root = make_project(tmp_path, {"content/private/swot.yaml": "strengths: [Calm]\n"})
    problems = Problems()
    config = load_config(root, problems)
    warn_if_tracked(config, problems)  # not a git repository: nothing to say
    assert not problems.warnings
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    warn_if_tracked(config, problems)  # a repository, but nothing tracked
    assert not problems.warnings
    subprocess.run(["git", "add", "content/private/swot.yaml"], cwd=root, check=True)
    warn_if_tracked(config, problems)
    [warning] = problems.warnings
    assert warning.format().startswith("content/private: warning: 1 private file is tracked "
                                       "by git (e.g. content/private/swot.yaml)")
    assert "git rm --cached -r content/private" in warning.hint
    (root / "brandgen.yaml").write_text("base_url: https://example.org/\n"
                                        "private: {example: true}\n")
    quiet = Problems()
    warn_if_tracked(load_config(root, quiet), quiet)
    assert not quiet.warnings


def test_example_persona_builds_clean_and_shows_every_status() -> None:
    out, problems = build(REPO)
    assert not problems.errors, [e.format() for e in problems.errors]
    page = out["index.html"].decode()
    table = page[page.index('<table class="stack goals">'):page.index("</table>")]
    for status in ("on-track", "at-risk", "off-track", "stale", "missed"):
        assert f'class="pill s-{status}"' in table, status
    parked = page[page.index('id="parked"'):]
    for status in ("done", "paused", "dropped"):
        assert f'class="pill s-{status}"' in parked, status
    assert "worst: " in table and "low</span>" in table  # key results, confidence
    assert "never contacted" in page and "ghosted" in page and "no decision date" in page
    assert "Not addressed" in page and "Not in the pipeline" in page
    assert calendar_events(out["career.ics"])


@pytest.mark.browser
def test_dashboard_has_no_axe_violations(project: Path, tmp_path: Path,  # noqa: F811
                                         browser: Browser) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page_file = tmp_path / "index.html"
    page_file.write_bytes(build(project)[0]["index.html"])
    for scheme in ("light", "dark"):
        for width in (1280, 390):
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.emulate_media(color_scheme=scheme)
            page.goto(page_file.as_uri())
            result = Axe().run(page)
            assert result.violations_count == 0, (scheme, width, result.generate_report())
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            page.close()


def test_canaries_never_reach_the_public_site(tmp_path: Path) -> None:
    from brandgen.build import BuildOptions, render_all

    c = iter(f"CANARY{i:03d}zz" for i in range(100))
    root = make_project(tmp_path, {
        "content/private/goals.yaml": f"""\
            - id: g-{next(c)}
              title: {next(c)} goal
              why: {next(c)}
              metric: {next(c)}
              unit: {next(c)}
              start_value: 0
              target: 5
              deadline: 2027-01-01
              tags: [{next(c)}]
              milestones: [{{title: {next(c)}, due: 2026-12-01}}]
              checkins: [{{date: 2026-10-01, value: 1, note: {next(c)}}}]
            """,
        "content/private/network.yaml": f"- {{name: {next(c)}, role: {next(c)}, "
                                        f"organization: {next(c)}, notes: {next(c)}}}\n",
        "content/private/opportunities.yaml": f"- {{title: {next(c)}, next_step: {next(c)}, "
                                              f"organization: {next(c)}}}\n",
        "content/private/development.yaml": f"actions: [{{title: {next(c)}}}]\n",
        "content/private/swot.yaml": f"threats: [{next(c)}]\n",
        "content/private/reviews/r.md": f"---\ndate: 2026-11-01\n---\n{next(c)} in a review.\n",
    })
    result = render_all(BuildOptions(root=root, now=dt.datetime(2026, 11, 23, 12,
                                                                  tzinfo=dt.UTC)))
    assert b"CANARY" in result.private["index.html"]
    for name, data in result.public.items():
        assert b"CANARY" not in data, name
