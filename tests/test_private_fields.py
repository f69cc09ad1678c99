"""The career fields added for coaching: goal status, key results, confidence, contact logs,
opportunity history and SWOT links, each with a positioned error when it is wrong."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from brandgen.config import load_config
from brandgen.errors import Problems
from tests.test_private_load import errors, load, make_project

D = dt.date


def by_position(errs: list[str]) -> list[str]:
    """Errors in file order (as a build prints them)."""
    return sorted(errs, key=lambda e: (e.split(":")[0], *map(int, e.split(":")[1:3])))

GOALS = """\
    - id: g-talks
      title: Give three conference talks
      status: paused
      started: 2026-09-01
      checkin_every_days: 14
      metric: talks
      target: 3
      unit: talks
      checkins:
        - {date: 2026-10-01, value: 1, confidence: 4, note: Nervous}
    - id: g-lead
      title: Lead the platform group
      key_results:
        - id: kr-reports
          title: Two direct reports
          target: 2
          unit: people
          checkins:
            - {date: 2026-11-01, value: 1, confidence: 7}
        - id: kr-plan
          title: Run quarterly planning
          metric: plans run
          start_value: 0
          target: 1
"""


def test_new_fields_are_typed(tmp_path: Path) -> None:
    career, _, problems = load(make_project(tmp_path, {
        "brandgen.yaml": "base_url: https://example.org/\nprivate: {checkin_every_days: 10, "
                         "ghosted_after_days: 7}\n",
        "content/private/goals.yaml": GOALS,
        "content/private/development.yaml": "actions: [{title: Toastmasters}]\n",
        "content/private/network.yaml": """\
            - name: Ann
              last_contact: 2026-10-01
              log:
                - {date: 2026-11-02, kind: coffee, note: Talked budgets}
                - {date: 2026-10-20, kind: email}
            """,
        "content/private/opportunities.yaml": """\
            - title: Staff Engineer at Acme
              stage: interviewing
              url: https://jobs.example.org/1
              notes: Team of eight
              history:
                - {date: 2026-10-01, stage: applied}
                - {date: 2026-10-20, stage: interviewing}
            - id: talk-x
              title: Talk X
              history: [{date: 2026-11-01, stage: applied}]
            """,
        "content/private/swot.yaml": """\
            strengths: [Calm]
            weaknesses:
              - text: Stage nerves
                goals: [g-talks]
                actions: [Toastmasters]
            """,
    }))
    assert not problems.errors
    talks, lead = career.goals
    assert (talks.status, talks.started, talks.checkin_every_days) == ("paused", D(2026, 9, 1),
                                                                      14)
    assert talks.checkins[0].confidence == 4 and talks.began == D(2026, 9, 1)
    assert [kr.id for kr in lead.key_results] == ["kr-reports", "kr-plan"]
    assert lead.key_results[0].checkins[0].confidence == 7
    assert lead.key_results[1].start == 0 and lead.status == "active"
    assert lead.began == D(2026, 11, 1)  # no `started`: the first check-in of any key result
    [ann] = career.contacts
    assert [(i.date, i.kind) for i in ann.log] == [(D(2026, 10, 20), "email"),
                                                   (D(2026, 11, 2), "coffee")]
    assert ann.last_seen == D(2026, 11, 2)
    acme, talk = career.opportunities
    assert (acme.id, acme.url, acme.notes) == ("staff-engineer-at-acme",
                                               "https://jobs.example.org/1", "Team of eight")
    assert acme.stage_since == D(2026, 10, 20)
    assert (talk.id, talk.stage) == ("talk-x", "applied")  # the stage comes from the history
    assert [s.text for s in career.swot.strengths] == ["Calm"]
    [nerves] = career.swot.weaknesses
    assert (nerves.goals, nerves.actions) == (("g-talks",), ("Toastmasters",))
    settings = load_config(tmp_path, Problems()).private
    assert (settings.checkin_every_days, settings.ghosted_after_days) == (10, 7)
    assert (settings.review_every_days, settings.posts_per_month) == (14, 2)


def test_goal_field_errors(tmp_path: Path) -> None:
    errs = errors(tmp_path, {"content/private/goals.yaml": """\
        - id: g-a
          title: Lead the platform group
          status: parked
          metric: happiness
          checkin_every_days: 0
          key_results:
            - {id: kr-a, title: First one, target: 2,
               checkins: [{date: 2026-11-01, value: 1, confidence: 11}]}
            - {id: kr-a, title: Second one, target: 3}
            - {id: kr-c, title: No target}
        - id: g-b
          title: Start after the first check-in
          started: 2026-10-15
          checkins: [{date: 2026-10-01, value: 1}]
        """})
    assert by_position(errs) == [
        "content/private/goals.yaml:3:11: error: goals[0].status: expected one of active, "
        "paused, dropped, got 'parked'\n  hint: did you mean 'paused'?",
        "content/private/goals.yaml:4:3: error: goals[0].metric: a goal with key_results "
        "measures progress through them, not its own metric\n  hint: move `metric:` into a key "
        "result, or drop key_results",
        "content/private/goals.yaml:5:23: error: goals[0].checkin_every_days: must be "
        "1-1000000, got 0",
        "content/private/goals.yaml:8:60: error: goals[0].key_results[0].checkins[0]."
        "confidence: must be 1-10, got 11",
        "content/private/goals.yaml:9:12: error: goals[0].key_results[1].id: duplicate key "
        "result id 'kr-a'\n  hint: key_results[0] already has it; give each its own id",
        "content/private/goals.yaml:10:7: error: goals[0].key_results[2].target: required, "
        "expected a number\n  hint: add `target:` to this entry",
        "content/private/goals.yaml:13:12: error: goals[1].started: 2026-10-15 is after the "
        "first check-in (2026-10-01)\n  hint: set `started:` to the day of the first check-in "
        "or earlier",
    ]


def test_network_log_errors(tmp_path: Path) -> None:
    errs = errors(tmp_path, {"content/private/network.yaml": """\
        - name: Ann
          last_contact: 2026-11-30
          log:
            - {date: 2026-11-24, kind: call}
            - {date: 2026-11-01, kind: lunch}
            - {kind: call}
        """})
    assert by_position(errs) == [
        "content/private/network.yaml:2:17: error: network[0].last_contact: 2026-11-30 is in the "
        "future (today is 2026-11-23)\n  hint: plan future meetings with `next_followup:`",
        "content/private/network.yaml:4:14: error: network[0].log[0].date: 2026-11-24 is in the "
        "future (today is 2026-11-23)\n  hint: log an interaction once it has happened; plan "
        "one with `next_followup:`",
        "content/private/network.yaml:5:32: error: network[0].log[1].kind: expected one of "
        "call, coffee, meeting, email, message, event, other, got 'lunch'\n  hint: allowed: "
        "call, coffee, email, event, meeting, message, other",
        "content/private/network.yaml:6:7: error: network[0].log[2].date: required, expected "
        "an ISO date like 2026-11-23\n  hint: add `date:` to this entry",
    ]


def test_opportunity_errors(tmp_path: Path) -> None:
    errs = errors(tmp_path, {"content/private/opportunities.yaml": """\
        - title: Job A
          stage: offer
          url: jobs.example.org/a
          history:
            - {date: 2026-10-01, stage: applied}
            - {date: 2026-09-01, stage: interviewing}
            - {date: 2026-10-05, stage: interviewing}
        - title: job a
        - title: Job C
          history: [{date: 2026-12-01, stage: applied}, {date: 2026-11-01}]
        """})
    assert by_position(errs) == [
        "content/private/opportunities.yaml:2:10: error: opportunities[0].stage: is 'offer' but "
        "the history ends at 'interviewing' (2026-10-05)\n  hint: add the stage change to "
        "`history:`, or make `stage:` agree with it",
        "content/private/opportunities.yaml:3:8: error: opportunities[0].url: expected an "
        "absolute URL (https://...), got 'jobs.example.org/a'\n  hint: start the address with "
        "https://",
        "content/private/opportunities.yaml:6:14: error: opportunities[0].history[1].date: "
        "2026-09-01 is before the previous entry (2026-10-01)\n  hint: list the history oldest "
        "first",
        "content/private/opportunities.yaml:8:10: error: opportunities[1].title: duplicate "
        "opportunity id 'job-a'\n  hint: opportunities[0] has it too; give one an `id:` of its "
        "own",
        "content/private/opportunities.yaml:10:20: error: opportunities[2].history[0].date: "
        "2026-12-01 is in the future (today is 2026-11-23)\n  hint: record a stage change once "
        "it has happened",
        "content/private/opportunities.yaml:10:49: error: opportunities[2].history[1].stage: "
        "required, expected text\n  hint: add `stage:` to this entry",
    ]


def test_swot_item_errors(tmp_path: Path) -> None:
    errs = errors(tmp_path, {
        "content/private/goals.yaml": "- {id: g-talks, title: Give three conference talks}\n",
        "content/private/development.yaml": "actions: [{title: Toastmasters}]\n",
        "content/private/swot.yaml": """\
            threats:
              - text: Hiring freeze
                goals: [g-talk]
                actions: [Toastmaster]
              - [nested]
              - {goals: [g-talks]}
            """})
    assert by_position(errs) == [
        "content/private/swot.yaml:3:13: error: threats[0].goals[0]: unknown goal 'g-talk'\n"
        "  hint: did you mean 'g-talks'? Goal ids are defined in content/private/goals.yaml: "
        "g-talks",
        "content/private/swot.yaml:4:15: error: threats[0].actions[0]: unknown action "
        "'Toastmaster'\n  hint: use the title of an action in content/private/development.yaml; "
        "did you mean 'Toastmasters'?",
        "content/private/swot.yaml:5:5: error: threats[1]: expected text or {text, goals, "
        "actions}\n  hint: write `- text` or `- text: ...` with `goals: [...]` and "
        "`actions: [...]` under it",
        "content/private/swot.yaml:6:5: error: threats[2].text: required, expected text\n"
        "  hint: add `text:` to this entry",
    ]


def test_private_config_errors(tmp_path: Path) -> None:
    make_project(tmp_path, {"brandgen.yaml": "base_url: https://example.org/\n"
                            "private: {ghosted_after_days: 0, checkin_every: 3}\n"})
    problems = Problems()
    load_config(tmp_path, problems)
    assert by_position([e.format() for e in problems.errors]) == [
        "brandgen.yaml:2:31: error: private.ghosted_after_days: must be 1-1000000, got 0",
        "brandgen.yaml:2:34: error: private.checkin_every: unknown key 'checkin_every'\n"
        "  hint: did you mean 'checkin_every_days'?",
    ]
