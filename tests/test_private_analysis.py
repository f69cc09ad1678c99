"""Every figure of the analysis against a hand computation, with a fixed today (2026-11-23)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from brandgen.config import PrivateSettings
from brandgen.private.analysis import analyse_goal, forecast, trend
from brandgen.private.model import Checkin, Goal, Where
from brandgen.private.pipeline import pipeline
from brandgen.private.plan import action_plan, alignment, network, reviews, skills_gap
from tests.test_private_load import TODAY, load, make_project

D = dt.date
W = Where("content/private/goals.yaml", 1, 3)


def goal(**kw: object) -> Goal:
    base: dict[str, object] = {"id": "g", "title": "Reach a clear target", "where": W,
                               "why": "it matters", "metric": "count", "unit": "things",
                               "start_value": 0.0, "target": 100.0}
    base.update(kw)
    return Goal(**base)  # type: ignore[arg-type]


def cks(*pairs: tuple[str, float]) -> tuple[Checkin, ...]:
    return tuple(Checkin(D.fromisoformat(d), v) for d, v in pairs)


# x = 0, 30, 60 days; y = 10, 30, 50: slope 2/3 a day, intercept 10.
# Target 100 at x = (100 - 10) / (2/3) = 135 days -> 2026-09-01 + 135 = 2027-01-14.
STEADY = cks(("2026-09-01", 10), ("2026-10-01", 30), ("2026-10-31", 50))


def test_on_track() -> None:
    r = analyse_goal(goal(deadline=D(2027, 1, 31), checkins=STEADY), TODAY)
    assert r.progress == 50.0  # (50 - 0) / (100 - 0)
    assert r.trend is not None and r.trend.slope == pytest.approx(2 / 3)
    assert r.trend.intercept == pytest.approx(10)
    assert r.forecast == D(2027, 1, 14)
    assert r.status == "on track"


def test_at_risk() -> None:
    # Late by 14 days; span 2026-09-01 -> 2026-12-31 = 121 days; 25% = 30.25 >= 14.
    r = analyse_goal(goal(deadline=D(2026, 12, 31), checkins=STEADY), TODAY)
    assert (r.forecast, r.status) == (D(2027, 1, 14), "at risk")
    assert r.reason == "forecast 14 Jan 2027, 14 days after the deadline 31 Dec 2026"


def test_off_track_when_too_late() -> None:
    # Late by 44 days; span 2026-09-01 -> 2026-12-01 = 91 days; 25% = 22.75 < 44.
    r = analyse_goal(goal(deadline=D(2026, 12, 1), checkins=STEADY), TODAY)
    assert (r.forecast, r.status) == (D(2027, 1, 14), "off track")


def test_off_track_when_going_the_wrong_way_on_a_decreasing_metric() -> None:
    g = goal(start_value=20.0, target=10.0, deadline=D(2027, 6, 1),
             checkins=cks(("2026-10-01", 20), ("2026-11-01", 22)))
    r = analyse_goal(g, TODAY)
    assert r.progress == 0.0  # (22 - 20) / (10 - 20) = -20 %, clamped
    assert (r.forecast, r.status) == (None, "off track")


def test_missed_when_the_deadline_passed() -> None:
    r = analyse_goal(goal(deadline=D(2026, 11, 1), checkins=STEADY), TODAY)
    assert r.status == "missed" and r.forecast is None
    assert r.reason == "the deadline 1 Nov 2026 passed before the target was reached"


def test_done_on_a_decreasing_metric() -> None:
    g = goal(start_value=12.0, target=4.0, deadline=D(2027, 3, 31),
             checkins=cks(("2026-06-01", 12), ("2026-08-01", 8), ("2026-10-01", 3)))
    r = analyse_goal(g, TODAY)
    assert r.progress == 100.0  # (3 - 12) / (4 - 12) = 112.5 %, clamped
    assert (r.status, r.forecast) == ("done", None)


def test_decreasing_forecast() -> None:
    # slope -2/30 a day from 12: target 4 at x = 8 / (1/15) = 120 -> 2026-12-30.
    g = goal(start_value=12.0, target=4.0, deadline=D(2027, 3, 31),
             checkins=cks(("2026-09-01", 12), ("2026-10-01", 10), ("2026-10-31", 8)))
    r = analyse_goal(g, TODAY)
    assert (r.progress, r.forecast, r.status) == (50.0, D(2026, 12, 30), "on track")


def test_least_squares_with_scatter() -> None:
    # x = 0, 10, 20; y = 0, 2, 3: mean x 10, mean y 5/3, Sxy = 30, Sxx = 200 -> slope 0.15,
    # intercept 1/6; target 10 at x = (10 - 1/6) / 0.15 = 65.56 -> day 66 = 2026-12-06.
    g = goal(target=10.0, deadline=D(2026, 12, 31),
             checkins=cks(("2026-10-01", 0), ("2026-10-11", 2), ("2026-10-21", 3)))
    line = trend(g.checkins)
    assert line is not None
    assert (line.slope, line.intercept) == (pytest.approx(0.15), pytest.approx(1 / 6))
    assert forecast(g, line, TODAY) == D(2026, 12, 6)
    assert analyse_goal(g, TODAY).progress == 30.0


def test_forecast_is_never_before_today() -> None:
    # The trend line crosses 10 on day 64 (2026-11-04) but the latest value is 9.
    g = goal(target=10.0, deadline=D(2027, 1, 1),
             checkins=cks(("2026-09-01", 0), ("2026-09-11", 10), ("2026-11-01", 9)))
    r = analyse_goal(g, TODAY)
    assert (r.forecast, r.status) == (TODAY, "on track")


@pytest.mark.parametrize(("kw", "reason"), [
    ({"target": None, "checkins": STEADY}, "no target to measure against"),
    ({"checkins": ()}, "no check-ins yet"),
    ({"checkins": cks(("2026-11-01", 40))}, "one check-in: log another to see a trend"),
    ({"checkins": STEADY, "deadline": None}, "no deadline to compare the forecast with"),
])
def test_no_data(kw: dict[str, object], reason: str) -> None:
    r = analyse_goal(goal(**{"deadline": D(2027, 1, 1), **kw}), TODAY)
    assert (r.status, r.reason) == ("no data", reason)


def test_single_checkin_still_has_progress_and_can_be_done() -> None:
    assert analyse_goal(goal(checkins=cks(("2026-11-01", 40))), TODAY).progress == 40.0
    assert analyse_goal(goal(checkins=cks(("2026-11-01", 100))), TODAY).status == "done"


def test_start_defaults_to_first_checkin() -> None:
    g = goal(start_value=None, target=90.0, checkins=STEADY)  # start 10: (50-10)/(90-10)
    assert analyse_goal(g, TODAY).progress == 50.0


def test_smart_all_pass() -> None:
    # Needed (100 - 50) / 69 days = 0.72 a day <= 2 x 0.667 achieved.
    r = analyse_goal(goal(deadline=D(2027, 1, 31), skills=("Go",), checkins=STEADY), TODAY)
    assert [(s.letter, s.ok) for s in r.smart] == [(x, True) for x in "SMART"]
    assert r.smart[2].reason == ("needs 5.07 things per week, achieved 4.67 things per week")


def test_smart_failures_with_reasons() -> None:
    g = Goal("g", "Leadership", W)
    assert [(s.letter, s.ok, s.reason) for s in analyse_goal(g, TODAY).smart] == [
        ("S", False, "the title has 1 word; say what exactly you will achieve"),
        ("M", False, "missing metric, target, unit"),
        ("A", None, "not known yet: needs a target and two check-ins"),
        ("R", False, "not linked to skills, tags or a reason"),
        ("T", False, "no deadline"),
    ]
    # 8 days left, 50 to go: 6.25 a day needed > 2 x 0.667 achieved.
    r = analyse_goal(goal(deadline=D(2026, 12, 1), checkins=STEADY), TODAY)
    assert r.smart[2].ok is False
    assert r.smart[2].reason == ("needs 43.75 things per week, more than twice the 4.67 things "
                                 "per week achieved so far")


GOALS = """\
- id: g-one
  title: First priority goal here
  priority: 1
  horizon: long
  tags: [Python]
  milestones:
    - {title: Done one, due: 2026-10-01, done: 2026-09-20}
    - {title: Late one, due: 2026-11-01}
    - {title: Soon one, due: 2026-12-15}
    - {title: Someday one}
- id: g-two
  title: Second priority goal here
  priority: 2
  horizon: long
  tags: [speaking]
- id: g-three
  title: Goal without any tags
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    post = "---\ntitle: {t}\ndate: {d}\ntags: [{tags}]\n{extra}---\nBody text.\n"
    posts = {
        "a": ("2026-11-20", "python", ""), "b": ("2026-11-02", "Speaking, misc", ""),
        "c": ("2026-10-15", "python", ""), "d": ("2026-09-10", "other", ""),
        "e": ("2026-06-05", "python", ""), "f": ("2026-05-30", "python", ""),
        "g": ("2026-11-10", "python", "draft: true\n"), "h": ("2026-11-30", "python", ""),
    }
    files = {f"content/posts/{k}.md": post.format(t=f"Post {k}", d=d, tags=t, extra=x)
             for k, (d, t, x) in posts.items()}
    files.update({
        "content/private/goals.yaml": GOALS,
        "content/private/development.yaml": """\
            targets: {Public Speaking: 4, Go: 3, Writing: 5}
            actions:
              - {title: Toastmasters, skills: [Public Speaking], goal: g-two, due: 2026-11-20}
              - {title: Write a book, skills: [Writing], status: done}
              - {title: Unlinked task, due: 2026-11-25, status: active}
            """,
        "content/private/network.yaml": """\
            - {name: Ann, relationship: mentor, last_contact: 2026-10-01, cadence_days: 30,
               goals: [g-one]}
            - {name: Bob, relationship: peer, next_followup: 2026-11-30, goals: [g-two]}
            - {name: Cy, relationship: peer, last_contact: 2026-11-20, cadence_days: 30}
            - {name: Di, relationship: recruiter}
            """,
        "content/private/opportunities.yaml": """\
            - {title: Job A, stage: applied, next_step: Chase, due: 2026-12-01, goals: [g-one]}
            - {title: Job B, stage: interviewing, next_step: Prepare, due: 2026-11-20,
               goals: [g-two]}
            - {title: Talk C, stage: idea, goals: [g-two]}
            - {title: Job D, stage: closed}
            - {title: Job E, stage: applied, next_step: Wait}
            """,
        "content/private/reviews/2026-10-01.md": "---\ndate: 2026-10-01\n---\nOlder.\n",
        "content/private/reviews/2026-11-01.md":
            "---\ndate: 2026-11-01\n---\n## Review\n\nThings went *well*. Next: more.\n",
    })
    return make_project(tmp_path, files)


def test_milestones(project: Path) -> None:
    career, _, _ = load(project)
    r = analyse_goal(career.goals[0], TODAY)
    assert [m.title for m in r.done] == ["Done one"]
    assert [m.title for m in r.overdue] == ["Late one"]
    assert [m.title for m in r.open] == ["Soon one", "Someday one"]


def test_action_plan_order(project: Path) -> None:
    career, _, _ = load(project)
    plan = action_plan(career, TODAY)
    assert [(i.kind, i.title, i.overdue_days) for i in plan] == [
        ("follow-up", "Follow up with Ann", 23),  # overdue, priority 1, due 2026-10-31
        ("milestone", "Late one", 22),  # overdue, priority 1, due 2026-11-01
        ("action", "Toastmasters", 3),  # overdue, priority 2, due 2026-11-20 (then by kind)
        ("opportunity", "Prepare", 3),  # overdue, priority 2, due 2026-11-20
        ("opportunity", "Chase", 0),  # priority 1, 2026-12-01
        ("milestone", "Soon one", 0),  # priority 1, 2026-12-15
        ("milestone", "Someday one", 0),  # priority 1, no date
        ("follow-up", "Follow up with Bob", 0),  # priority 2, 2026-11-30
        ("action", "Unlinked task", 0),  # no goal, 2026-11-25
        # Cy's follow-up (2026-12-20) is beyond the 14-day horizon; Job E has no goal or
        # date, so it sorts last.
        ("opportunity", "Wait", 0),
    ]


def test_skills_gap(project: Path) -> None:
    career, content, _ = load(project)
    gaps = {g.skill: g for g in skills_gap(career, content)}
    assert (gaps["Public Speaking"].current, gaps["Public Speaking"].gap) == (2, 2)
    assert [a.title for a in gaps["Public Speaking"].actions] == ["Toastmasters"]
    assert not gaps["Public Speaking"].uncovered
    assert (gaps["Go"].gap, gaps["Go"].uncovered) == (0, False)
    assert (gaps["Writing"].gap, gaps["Writing"].uncovered) == (2, True)  # done action


def test_network(project: Path) -> None:
    career, _, _ = load(project)
    net = network(career, TODAY)
    assert [(f.contact.name, f.due, f.overdue_days) for f in net.followups] == [
        ("Ann", D(2026, 10, 31), 23), ("Bob", D(2026, 11, 30), 0),
        ("Cy", D(2026, 12, 20), 0), ("Di", None, 0)]
    assert dict(net.mix) == {"mentor": 1, "sponsor": 0, "peer": 2, "mentee": 0,
                             "recruiter": 1, "other": 0}
    assert len(net.warnings) == 1 and "Second priority goal here" in net.warnings[0]


def test_pipeline(project: Path) -> None:
    career, _, _ = load(project)
    p = pipeline(career, TODAY)
    assert dict(p.counts) == {"idea": 1, "researching": 0, "applied": 2, "interviewing": 1,
                              "offer": 0, "accepted": 0, "declined": 0, "closed": 1}
    # Job B is overdue (shown beside its next step), Talk C has no next step.
    assert [(o.title, why) for o, why in p.stale] == [("Talk C", "no next step")]
    assert [i.opportunity.title for i in p.open] == ["Job B", "Job A", "Job E", "Talk C"]
    assert [o.title for o in p.closed] == ["Job D"]


def test_alignment(project: Path) -> None:
    career, content, _ = load(project)
    a = alignment(career, content, PrivateSettings(posts_per_month=2), TODAY)
    # Jun..Nov 2026; the draft and the post of 2026-11-30 are not published.
    assert a.months == ((D(2026, 6, 1), 1), (D(2026, 7, 1), 0), (D(2026, 8, 1), 0),
                        (D(2026, 9, 1), 1), (D(2026, 10, 1), 1), (D(2026, 11, 1), 2))
    assert a.average == pytest.approx(5 / 6) and not a.meets_target
    # Last 90 days: from 2026-08-25.
    assert [(g.id, [p.slug for p in posts]) for g, posts in a.per_goal] == [
        ("g-one", ["a", "c"]), ("g-two", ["b"]), ("g-three", [])]
    assert [g.id for g in a.unsupported] == []  # g-three has no tags: it gets a tag nudge
    assert [g.id for g in a.untagged] == ["g-three"]
    assert a.orphan_tags == (("misc", 1), ("other", 1))


def test_reviews(project: Path) -> None:
    career, _, _ = load(project)
    r = reviews(career, PrivateSettings(review_every_days=14), TODAY)
    assert r.latest is not None and r.latest.date == D(2026, 11, 1)
    assert (r.days_since, r.overdue, r.next_due, r.count) == (22, True, D(2026, 11, 15), 2)
    assert r.excerpt == "Things went well. Next: more."
    assert not reviews(career, PrivateSettings(review_every_days=30), TODAY).overdue
    assert reviews(type(career)(), PrivateSettings(), TODAY).overdue  # no review at all
