"""The coaching rules of PRODUCT.md, each against a hand computation at a fixed today
(2026-11-23): stale, missed, pace line from `started`, key results, last contact, warmth,
ghosted, conversion, days in stage, this week, and what the dashboard and calendar show."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from icalendar import Calendar

from brandgen.config import PrivateSettings
from brandgen.private.analysis import Trend, analyse_goal, forecast
from brandgen.private.model import Checkin, Contact, Goal, Interaction, KeyResult
from brandgen.private.pipeline import pipeline
from brandgen.private.plan import PlanItem, network, next_followup, this_week
from tests.test_private_analysis import STEADY, W, cks, goal
from tests.test_private_load import TODAY, load, make_project
from tests.test_private_outputs import build

D = dt.date


def test_stale_goal_is_never_on_track_and_its_forecast_is_not_today() -> None:
    # The case: 0 -> 30 of 50 h, the latest check-in 267 days old. The trend
    # (30 h in 45 days) reaches 50 h on day 75 = 2026-03-31: it "should already be finished".
    g = goal(target=50.0, unit="hours", deadline=D(2027, 2, 28),
             checkins=cks(("2026-01-15", 0), ("2026-03-01", 30)))
    r = analyse_goal(g, TODAY)
    assert (r.status, r.stale, r.forecast) == ("stale", True, D(2026, 3, 31))
    assert r.reason.startswith("no check-in since 1 Mar 2026 (expected every 30 days)")
    assert (r.checkin_due, r.days_since_checkin) == (D(2026, 3, 31), 267)
    # A goal's own interval wins over the site's; 300 days makes it current again.
    fresh = analyse_goal(Goal(**{**g.__dict__, "checkin_every_days": 300}), TODAY)
    assert (fresh.status, fresh.forecast) == ("on track", TODAY)
    assert analyse_goal(g, TODAY, every_days=270).status == "on track"


def test_forecast_never_before_the_latest_checkin() -> None:
    g = goal(target=10.0, checkins=cks(("2026-01-01", 0), ("2026-03-01", 5)))
    line = Trend(D(2026, 1, 1), 1.0, 0.0)  # crosses 10 on 2026-01-11
    assert forecast(g, line, None) == D(2026, 3, 1)  # stale: floored at the latest check-in
    assert forecast(g, line, TODAY) == TODAY


def test_missed_and_paused_goals() -> None:
    missed = analyse_goal(goal(deadline=D(2026, 10, 31), checkins=STEADY), TODAY)
    assert (missed.status, missed.forecast, missed.stale) == ("missed", None, False)
    done_late = goal(deadline=D(2026, 10, 1), checkins=cks(("2026-09-01", 0),
                                                           ("2026-09-20", 100)))
    assert analyse_goal(done_late, TODAY).status == "done"
    old = cks(("2026-01-01", 0), ("2026-02-01", 10))
    paused = analyse_goal(goal(deadline=D(2027, 6, 1), checkins=old, status="paused"), TODAY)
    assert not paused.stale and paused.status != "stale"


def test_pace_line_starts_at_started() -> None:
    # Forecast 2027-01-14 is 44 days after a 2026-12-01 deadline. From the first check-in
    # (2026-09-01) the span is 91 days: 25 % = 22.75 < 44, off track. From `started`
    # 2026-03-01 the span is 275 days: 68.75 >= 44, at risk.
    base = {"deadline": D(2026, 12, 1), "checkins": STEADY}
    assert analyse_goal(goal(**base), TODAY).status == "off track"
    assert analyse_goal(goal(**base, started=D(2026, 3, 1)), TODAY).status == "at risk"


def test_key_results_roll_up() -> None:
    # KR a: 0 -> 50 of 100 on STEADY, forecast 2027-01-14 <= 2027-01-31: on track, 50 %.
    # KR b: 10 -> 20 of 50 in 60 days = 1/6 a day; 50 at day 240 = 2027-04-29, 88 days
    #   late; span from started 2026-06-01 to 2027-01-31 = 244 days, 25 % = 61: off track,
    #   progress (20 - 10) / 40 = 25 %. KR c: no check-ins, counts 0 %, no data.
    krs = (KeyResult("a", "A", start_value=0, target=100, checkins=STEADY),
           KeyResult("b", "B", start_value=10, target=50,
                     checkins=cks(("2026-09-01", 10), ("2026-10-31", 20))),
           KeyResult("c", "C", target=5))
    g = Goal("g", "Lead the platform group", W, deadline=D(2027, 1, 31),
             started=D(2026, 6, 1), key_results=krs)
    r = analyse_goal(g, TODAY)
    assert [(k.status, k.progress) for k in r.key_results] == [
        ("on track", 50.0), ("off track", 25.0), ("no data", None)]
    assert r.progress == pytest.approx(25.0)  # (50 + 25 + 0) / 3
    assert r.status == "off track" and r.reason.startswith("worst key result \u201cB\u201d")
    assert r.forecast is None  # KR c has no forecast
    assert r.latest is not None and r.latest.date == D(2026, 10, 31)  # of any key result
    assert not r.stale


def test_last_contact_rule() -> None:
    log = (Interaction(D(2026, 11, 20), "coffee"),)
    # next_followup older than the last contact: the cadence decides (20 Nov + 30).
    c = Contact("A", last_contact=D(2026, 11, 1), cadence_days=30,
                next_followup=D(2026, 11, 10), log=log)
    assert (c.last_seen, next_followup(c, TODAY)) == (D(2026, 11, 20), D(2026, 12, 20))
    # next_followup later than the last contact wins.
    later = Contact("B", cadence_days=30, next_followup=D(2026, 11, 25), log=log)
    assert next_followup(later, TODAY) == D(2026, 11, 25)
    # A cadence and no contact at all: due today.
    assert next_followup(Contact("C", cadence_days=30), TODAY) == TODAY
    assert next_followup(Contact("D"), TODAY) is None


def test_warmth_from_the_log(tmp_path: Path) -> None:
    career, _, _ = load(make_project(tmp_path, {"content/private/network.yaml": """\
        - name: Warm
          last_contact: 2026-05-01
          log: [{date: 2026-08-25}, {date: 2026-05-01}, {date: 2026-11-01, kind: call}]
        - name: Cooling
          log: [{date: 2026-08-24}]
        - name: Cold
          last_contact: 2026-05-26
        """}))
    # 90 days back is 2026-08-25, 180 days back 2026-05-27; last_contact on a logged day
    # counts once.
    ups = {f.contact.name: f for f in network(career, TODAY).followups}
    assert [(ups[n].recent, ups[n].older, ups[n].warmth) for n in ("Warm", "Cooling", "Cold")
            ] == [(2, 2, "warm"), (0, 1, "cooling"), (0, 0, "cold")]


OPPS = """\
    - title: Ghosted application
      history: [{date: 2026-10-01, stage: applied}, {date: 2026-11-02, stage: applied}]
    - title: Fresh application
      history: [{date: 2026-11-03, stage: applied}]
    - title: Offer without a date
      next_step: Decide
      history: [{date: 2026-09-01, stage: researching}, {date: 2026-11-01, stage: offer}]
    - title: Declined after interviews
      history: [{date: 2026-06-01, stage: idea}, {date: 2026-07-01, stage: interviewing},
                {date: 2026-08-01, stage: declined}]
    - title: No history
      stage: closed
    - title: Accepted
      history: [{date: 2026-05-01, stage: offer}, {date: 2026-05-03, stage: accepted}]
"""


def test_pipeline_rules(tmp_path: Path) -> None:
    career, _, _ = load(make_project(tmp_path, {"content/private/opportunities.yaml": OPPS}))
    p = pipeline(career, TODAY, PrivateSettings(ghosted_after_days=21))
    days = {i.opportunity.title: (i.days_in_stage, i.ghosted) for i in p.open}
    # Stage unchanged since 2026-10-01 (the repeated entry is not a change): 53 days;
    # 2026-11-03 is 20 days ago, under 21.
    assert days == {"Ghosted application": (53, True), "Fresh application": (20, False),
                    "Offer without a date": (22, False)}
    flags = {o.title: why for o, why in p.stale}
    assert flags["Offer without a date"].startswith("an offer with no decision date")
    assert "no next step" in flags["Fresh application"]
    # Furthest stage reached (idea 0 ... accepted 5): 2, 2, 4, 3, none, 5. Reached
    # idea (or later) 5, researching 5, applied 5, interviewing 3, offer 2, accepted 1.
    assert [(c.stage, c.moved, c.reached) for c in p.conversion] == [
        ("idea", 5, 5), ("researching", 5, 5), ("applied", 3, 5), ("interviewing", 2, 3),
        ("offer", 1, 2)]
    assert [c.rate for c in p.conversion][2:] == [60.0, pytest.approx(200 / 3), 50.0]
    assert dict(p.counts)["applied"] == 2 and [o.title for o in p.closed] == [
        "Declined after interviews", "No history", "Accepted"]


def item(title: str, due: D, priority: int | None = None) -> PlanItem:
    return PlanItem("action", title, due, (), priority, max(0, (TODAY - due).days))


def test_this_week_keeps_what_is_coming() -> None:
    late = [item(f"late {n}", TODAY - dt.timedelta(days=n), 1) for n in (1, 2, 3, 4, 5, 6)]
    soon = [item("interview", TODAY + dt.timedelta(days=4)), item("today", TODAY)]
    old = [item("ancient", TODAY - dt.timedelta(days=31))]
    far = [item("next month", TODAY + dt.timedelta(days=8))]
    week = this_week(tuple(late + soon + old + far), TODAY)
    # Both items of the coming week first, then the five most recently overdue, in date order.
    assert [i.title for i in week.items] == ["late 5", "late 4", "late 3", "late 2", "late 1",
                                             "today", "interview"]
    assert week.more == 1 and [i.title for i in week.old] == ["ancient"]


def page_of(tmp_path: Path, files: dict[str, str]) -> str:
    return build(make_project(tmp_path, files))[0]["index.html"].decode()


GOALS = """\
- id: g-talks
  title: Give five conference talks this year
  priority: 1
  metric: talks
  start_value: 0
  target: 5
  unit: talks
  deadline: 2027-06-30
  tags: [speaking]
  checkins:
    - {date: 2026-10-01, value: 0, confidence: 6}
    - {date: 2026-11-01, value: 1, confidence: 4, note: Nervous about the next one}
- id: g-toil
  title: Cut on-call interrupts to four hours
  metric: hours
  start_value: 12
  target: 4
  unit: hours
  deadline: 2027-03-31
  tags: [python]
  checkins: [{date: 2026-10-01, value: 12}, {date: 2026-11-01, value: 10}]
- id: g-paused
  title: Learn Rust for the ingestion service
  status: paused
  tags: [rust]
  milestones: [{title: Port the validator, due: 2026-12-01}]
- id: g-done
  title: Ship the scorecard to every team
  metric: teams
  target: 3
  unit: teams
  tags: [python]
  checkins: [{date: 2026-09-01, value: 0}, {date: 2026-10-01, value: 3}]
"""


def test_dashboard_fixes_what_misleads(tmp_path: Path) -> None:
    page = page_of(tmp_path, {
        "content/private/goals.yaml": GOALS,
        "content/private/development.yaml": """\
            targets: {Python: 5}
            actions: [{title: Python course, skills: [Python], goal: g-paused, due: 2026-11-01}]
            """,
        "content/private/network.yaml": "- {name: Ann, cadence_days: 30}\n",
        "content/private/opportunities.yaml": "- {title: Job, stage: offer, next_step: Ask}\n",
    })
    text = re.sub(r"<[^>]+>", " ", page)
    assert "1 talk " in text and "1 talks" not in text
    assert "Target met" in page  # Python 5 of 5, though an action names it
    assert "Burn-down chart for Cut on-call" in page and "Burn-up chart for Give" in page
    assert '<span class="muted">? <b>A</b></span>' not in page  # two check-ins: known
    assert "1/10" not in page and "4/10 low" in page  # confidence, and its dip
    assert "no decision date" in page and "never contacted" in page
    # No ISO date or YAML field name in what the reader sees.
    visible = re.sub(r'datetime="[^"]*"', "", page)
    shown = visible.split("<main")[1].split('id="reviews"')[0]  # reviews names a file
    assert not re.search(r">[^<]*\d{4}-\d{2}-\d{2}[^<]*<", shown)
    for field in ("next_followup", "last_contact", "cadence_days", "start_value"):
        assert field not in text.split("Career dashboard", 1)[1], field
    # The paused goal leaves the overview and the plan but is listed apart.
    overview = page[page.index('id="overview"'):page.index('id="week"')]
    assert "Learn Rust" not in overview and "Ship the scorecard" not in overview
    assert "Port the validator" not in page and "Python course" not in page
    parked = page[page.index('id="parked"'):]
    assert 's-paused">paused' in parked and 's-done">done' in parked
    # Nudges only for active goals that are not done and have tags.
    brand = page[page.index('id="brand"'):page.index('id="reviews"')]
    assert "Learn Rust" not in brand.split("<h3>Next</h3>")[1]
    assert "Ship the scorecard" not in brand.split("<h3>Next</h3>")[1]


def test_chart_legend_and_points(tmp_path: Path) -> None:
    page = page_of(tmp_path, {"content/private/goals.yaml": """\
        - id: g-a
          title: Grow the newsletter to a hundred
          metric: readers
          start_value: 0
          target: 100
          unit: readers
          started: 2026-08-01
          checkins: [{date: 2026-10-01, value: 20}]
        """})
    legend = re.search(r'<ul class="legend"[^>]*>(.*?)</ul>', page)
    assert legend is not None
    keys = re.findall(r'class="key k-(\w+)"', legend.group(1))
    assert keys == ["actual", "target", "today"]  # no deadline: no pace line; one check-in
    svg = re.search(r"<svg viewBox=\"0 0 400 230\".*?</svg>", page)
    assert svg is not None
    for cx, cy in re.findall(r'<circle class="dot" cx="([\d.]+)" cy="([\d.]+)"', svg.group(0)):
        assert 44 <= float(cx) <= 390 and 20 <= float(cy) <= 190


def test_first_screen_order_and_this_week(tmp_path: Path) -> None:
    page = page_of(tmp_path, {
        "content/private/goals.yaml": GOALS,
        "content/private/opportunities.yaml": """\
            - {title: EM role, stage: interviewing, next_step: Prepare the panel, due: 2026-11-27,
               goals: [g-talks], url: "https://jobs.example.org/em"}
            """})
    main = page[page.index("<main"):]
    assert main.index('id="overview"') < main.index('id="week"') < main.index('id="goals"')
    week = main[main.index('id="week"'):main.index('id="goals"')]
    assert "Prepare the panel" in week and "in 4 days" in week
    assert 'href="#goal-g-talks"' in week
    assert '<a href="https://jobs.example.org/em" rel="noreferrer noopener">' in page
    assert '<a href="career.ics">career.ics</a>' in page


def test_calendar_holds_exactly_the_open_items(tmp_path: Path) -> None:
    root = make_project(tmp_path, {
        "content/private/goals.yaml": GOALS + """\
- id: g-missed
  title: Grow the newsletter by October
  metric: readers
  target: 500
  unit: readers
  deadline: 2026-10-31
  checkins: [{date: 2026-10-01, value: 100}, {date: 2026-11-20, value: 300}]
- id: g-stale
  title: Finish the security course
  metric: hours
  target: 50
  unit: hours
  deadline: 2027-02-28
  checkins: [{date: 2026-01-15, value: 0}, {date: 2026-03-01, value: 30}]
  milestones:
    - {title: Module one, due: 2026-02-01, done: 2026-02-01}
    - {title: Module two, due: 2026-11-01}
""",
        "content/private/development.yaml": "actions: [{title: Done thing, due: 2026-12-01, "
                                            "status: done}]\n",
        "content/private/opportunities.yaml": """\
            - {title: EM role, stage: interviewing, next_step: Prepare, due: 2026-11-27,
               url: "https://jobs.example.org/em"}
            - {title: Old job, stage: closed, due: 2026-12-02}
            """,
    })
    out, problems = build(root)
    assert not problems.errors
    cal = Calendar.from_ical(out["career.ics"])
    found = {str(e["SUMMARY"]): e for e in cal.walk("VEVENT")}
    assert sorted((e.decoded("DTSTART").isoformat(), s) for s, e in found.items()) == [
        ("2026-11-23", "Career review"),
        ("2026-11-23", "Check in on Finish the security course"),
        ("2026-11-23", "Goal deadline: Grow the newsletter by October (overdue since 31 Oct "
                       "2026)"),
        ("2026-11-23", "Milestone: Module two (overdue since 1 Nov 2026)"),
        ("2026-11-27", "EM role: Prepare"),
        ("2027-02-28", "Goal deadline: Finish the security course"),
        ("2027-03-31", "Goal deadline: Cut on-call interrupts to four hours"),
        ("2027-06-30", "Goal deadline: Give five conference talks this year"),
    ]
    assert str(found["EM role: Prepare"]["URL"]) == "https://jobs.example.org/em"
    review = found["Career review"]
    assert review["RRULE"]["FREQ"] == ["DAILY"] and review["RRULE"]["INTERVAL"] == [14]
    [alarm] = found["Goal deadline: Finish the security course"].walk("VALARM")
    assert alarm.decoded("TRIGGER") == -dt.timedelta(days=7)
    assert not found["Career review"].walk("VALARM")


def test_swot_that_acts(tmp_path: Path) -> None:
    page = page_of(tmp_path, {
        "content/private/goals.yaml": GOALS,
        "content/private/development.yaml": "actions: [{title: Toastmasters}]\n",
        "content/private/opportunities.yaml": "- {title: Meetup talk, goals: [g-talks]}\n",
        "content/private/swot.yaml": """\
            weaknesses:
              - {text: Stage nerves, actions: [Toastmasters]}
              - Avoids conflict
            opportunities:
              - {text: Meetups want speakers, goals: [g-talks]}
              - Scale-ups want platform advice
            """})
    swot = page[page.index('id="swot"'):page.index('id="brand"')]
    assert swot.count("Not addressed") == 1 and swot.count("Not in the pipeline") == 1
    assert re.search(r"Avoids conflict<br><span class=\"flag\">Not addressed", swot)
    assert re.search(r"Scale-ups want platform advice<br><span class=\"flag\">Not in", swot)
    assert 'href="#goal-g-talks">Give five conference talks this year</a>' in swot


def test_week_tally_counts_actions_apart_from_follow_ups(tmp_path: Path) -> None:
    page = page_of(tmp_path, {
        "content/private/development.yaml": "actions: [{title: Late thing, due: 2026-11-01}]\n",
        "content/private/network.yaml": "- {name: Ann, last_contact: 2026-09-01, "
                                        "cadence_days: 30}\n",
        "content/private/reviews/r.md": "---\ndate: 2026-11-20\n---\nFine.\n"})
    assert "1 overdue item · 1 overdue follow-up · last review 3 days ago" in page


def test_checkin_reminder_in_the_plan(tmp_path: Path) -> None:
    career, content, _ = load(make_project(tmp_path, {"content/private/goals.yaml": """\
        - id: g-s
          title: Finish the security course
          metric: hours
          target: 50
          unit: hours
          checkins: [{date: 2026-01-15, value: 0}, {date: 2026-03-01, value: 30}]
        """}))
    from brandgen.private.report import analyse

    r = analyse(career, content, PrivateSettings(), TODAY)
    [check] = [i for i in r.plan if i.kind == "check-in"]
    assert (check.title, check.due, check.detail) == (
        "Check in: record where this goal stands", TODAY, "expected by 31 Mar 2026")
    assert check.goals == ("g-s",)
    assert Checkin(TODAY, 1.0).confidence is None


def test_init_dates_its_example_from_today(tmp_path: Path) -> None:
    import shutil

    from brandgen.bundled import STARTER
    from brandgen.private.starter import STARTER_TODAY, date_starter, shift_dates

    assert shift_dates("due: 2026-11-30 # not 2026-13-01, 2026-11, 12026-11-300", 3) == (
        "due: 2026-12-03 # not 2026-13-01, 2026-11, 12026-11-300")
    root = tmp_path / "site"
    shutil.copytree(STARTER, root)
    later = STARTER_TODAY + dt.timedelta(days=250)
    date_starter(root, later)
    reviews = sorted(p.name for p in (root / "content/private/reviews").iterdir())
    assert reviews == [f"{STARTER_TODAY + dt.timedelta(days=243)}.md"]  # a week before
    goals = (root / "content/private/goals.yaml").read_text()
    assert "# PRIVATE: never published." in goals  # comments stay
    out, problems = build(root, later)
    assert not problems.errors, [e.format() for e in problems.errors]
    page = out["index.html"].decode()
    # The example looks the same as on the day it was written: nothing months overdue.
    late = [int(n) for n in re.findall(r"overdue by (\d+) days", page)]
    assert max(late, default=0) < 30
    assert "in 7 days" in page  # the meetup outline is still a week away


@pytest.mark.browser
def test_example_dashboard_in_a_browser(tmp_path: Path, browser: object) -> None:
    """The example persona's dashboard: the answer on the first screen, at most 5 screens
    at 1280 px, at most 8 A4 pages printed, no axe violations in light and dark."""
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import Browser

    from tests.conftest import REPO
    from tests.tools import chromium_path, pdf_page_count

    chromium_path()  # skip, or fail under CI=true, when Chromium is missing
    assert isinstance(browser, Browser)
    out, problems = build(REPO)
    assert not problems.errors
    page_file = tmp_path / "index.html"
    page_file.write_bytes(out["index.html"])
    for scheme in ("light", "dark"):
        for width in (1280, 375):
            page = browser.new_page(viewport={"width": width, "height": 800})
            page.emulate_media(color_scheme=scheme)
            page.goto(page_file.as_uri())
            if width == 1280:
                box = page.evaluate("(() => { const t = document.querySelector('table.goals')"
                                    ".getBoundingClientRect(); const w = document.querySelector"
                                    "('#week ol').getBoundingClientRect(); return [t.bottom, "
                                    "w.top]; })()")
                assert box[0] < 800 and box[1] < 800, box  # goal table and This week
                assert page.evaluate("document.documentElement.scrollHeight") <= 5 * 800
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
            result = Axe().run(page)
            assert result.violations_count == 0, (scheme, width, result.generate_report())
            if scheme == "light" and width == 1280:
                page.evaluate("document.querySelectorAll('details').forEach(d => d.open = "
                              "false)")
                page.emulate_media(media="print")
                assert pdf_page_count(page.pdf(format="A4")) <= 8
            page.close()


def test_edge_cases_build_clean(tmp_path: Path) -> None:
    out, problems = build(make_project(tmp_path, {
        "content/private/goals.yaml": """\
            - id: g-started
              title: Started but never checked in
              metric: things
              target: 5
              unit: things
              started: 2026-10-01
            - id: g-krs
              title: Key results without any check-in
              key_results: [{id: a, title: A, target: 3}, {id: b, title: B, target: 1}]
            - id: g-done
              title: Every key result reached
              key_results:
                - {id: a, title: A, start_value: 0, target: 1,
                   checkins: [{date: 2026-11-01, value: 1}]}
            """,
        "content/private/network.yaml": "- {name: Log only, log: [{date: 2026-11-01}], "
                                        "next_followup: 2026-10-01}\n",
        "content/private/opportunities.yaml": "- {title: Bare}\n",
    }))
    assert not problems.errors, [e.format() for e in problems.errors]
    page = out["index.html"].decode()
    # Started 53 days ago with no check-in: stale; key results with no data: no data, 0 %.
    assert re.search(r"Started but never checked in</a></th>.*?s-stale", page)
    assert re.search(r"Key results without any check-in</a></th><td[^>]*><span class=\"num\">"
                     r"0 %", page)
    assert 'id="goal-g-done"' in page.split('id="parked"')[1]
    assert "no follow-up planned" in page  # next_followup older than the log, no cadence
    cal = Calendar.from_ical(out["career.ics"])
    assert [str(e["SUMMARY"]) for e in cal.walk("VEVENT")] == [
        "Check in on Started but never checked in", "Career review"]
