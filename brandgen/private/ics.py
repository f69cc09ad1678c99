"""career.ics: an RFC 5545 calendar of the open dated items, written by hand (no runtime
dependency; the tests parse it with `icalendar`).

All events are all-day (`DTSTART;VALUE=DATE`). An overdue open item moves onto today with
"(overdue since ...)"; done items, closed opportunities and items of paused or dropped goals
leave the calendar. Deadlines and due dates carry a VALARM; the review recurs every
`review_every_days`. UIDs are a hash of what the event is about
(kind, owner, title), never of the time, so a calendar subscription updates events in place
when a date moves. DTSTAMP is `today` at midnight UTC so the same inputs give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from brandgen.private.analysis import DONE
from brandgen.private.model import show_date
from brandgen.private.report import Report

PRODID = "-//brandgen//private career dashboard//EN"
DEADLINE_ALARM_DAYS = 7
DUE_ALARM_DAYS = 1


@dataclass(frozen=True)
class Event:
    key: str  # what the event is about; hashed into the UID
    date: dt.date
    summary: str
    description: str = ""
    url: str = ""
    alarm_days: int | None = None  # a VALARM this many days before
    every_days: int | None = None  # a recurring event


def escape_text(text: str) -> str:
    """TEXT value escaping (RFC 5545 3.3.11)."""
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))


def fold(line: str) -> str:
    """Split a content line into lines of at most 75 octets, never inside a UTF-8 character."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line
    parts: list[str] = []
    start, limit = 0, 75
    while start < len(data):
        end = min(start + limit, len(data))
        while end < len(data) and (data[end] & 0xC0) == 0x80:  # continuation byte
            end -= 1
        parts.append(data[start:end].decode("utf-8"))
        start, limit = end, 74  # continuation lines begin with one space
    return "\r\n ".join(parts)


def _rolled(key: str, due: dt.date, summary: str, description: str, today: dt.date,
            url: str = "", alarm: int | None = None) -> Event:
    """An open item; one that is overdue moves onto today and says since when."""
    if due < today:
        return Event(key, today, f"{summary} (overdue since {show_date(due)})", description,
                     url)
    return Event(key, due, summary, description, url, alarm)


def events(r: Report) -> list[Event]:
    """Open dated items only: deadlines (a missed one is still open) and milestones of active
    goals not done, actions not done, follow-ups, open opportunities, check-ins of stale
    goals, and the recurring review."""
    career, today = r.career, r.today
    out: list[Event] = []
    live = {g.goal.id for g in r.goals if g.goal.is_active}
    for g in r.goals:
        goal = g.goal
        if goal.id not in live:
            continue
        if goal.deadline and g.status != DONE:  # a missed deadline rolls onto today
            target = (f"target {goal.target:g} {goal.unit}".strip()
                      if goal.target is not None else "")
            out.append(_rolled(f"goal|{goal.id}", goal.deadline,
                               f"Goal deadline: {goal.title}",
                               "; ".join(x for x in (goal.metric, target, g.reason) if x),
                               today, alarm=DEADLINE_ALARM_DAYS))
        for m in goal.milestones:
            if m.due and m.done is None:
                out.append(_rolled(f"milestone|{goal.id}|{m.title}", m.due,
                                   f"Milestone: {m.title}", f"Goal: {goal.title}", today,
                                   alarm=DUE_ALARM_DAYS))
        if g.stale:
            out.append(Event(f"checkin|{goal.id}", today, f"Check in on {goal.title}",
                             f"{g.reason}. Record it with: brandgen checkin {goal.id} VALUE"))
    for a in career.actions:
        if a.due and a.status != "done" and (a.goal is None or a.goal in live):
            goal_of = career.goal(a.goal) if a.goal else None
            out.append(_rolled(f"action|{a.title}", a.due, f"Action due: {a.title}",
                               f"{a.kind}, {a.status}"
                               + (f"; goal: {goal_of.title}" if goal_of else ""), today,
                               alarm=DUE_ALARM_DAYS))
    for f in r.network.followups:
        c = f.contact
        if f.due and (not c.goals or any(i in live for i in c.goals)):
            who = ", ".join(x for x in (c.role, c.organization) if x)
            out.append(_rolled(f"followup|{c.name}", f.due, f"Follow up with {c.name}",
                               "; ".join(x for x in (who, c.notes) if x), today))
    for o in career.opportunities:
        if o.due and o.is_open:
            out.append(_rolled(f"opportunity|{o.id}", o.due, f"{o.title}: {o.next_step}"
                               if o.next_step else f"Opportunity due: {o.title}",
                               "; ".join(x for x in (o.organization, f"stage {o.stage}",
                                                     o.notes, o.url) if x),
                               today, o.url, DUE_ALARM_DAYS))
    due = r.reviews.next_due or today
    out.append(Event("review", max(due, today), "Career review",
                     "Look back and plan ahead: run `brandgen review` to start the note.",
                     every_days=r.settings.review_every_days))
    return out


def uid(key: str, seen: dict[str, int]) -> str:
    digest = hashlib.sha1(key.encode("utf-8")).hexdigest()[:20]
    seen[digest] = seen.get(digest, 0) + 1
    suffix = f"-{seen[digest]}" if seen[digest] > 1 else ""  # same key twice: still unique
    return f"{digest}{suffix}@brandgen.private"


def career_ics(r: Report) -> str:
    """The calendar as text with CRLF line endings."""
    today, name = r.today, r.name
    stamp = today.strftime("%Y%m%dT000000Z")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH",
             "X-WR-CALNAME:" + escape_text(f"Career plan{' – ' + name if name else ''} "
                                           "(private)")]
    seen: dict[str, int] = {}
    for e in events(r):
        lines += ["BEGIN:VEVENT", f"UID:{uid(e.key, seen)}", f"DTSTAMP:{stamp}",
                  f"DTSTART;VALUE=DATE:{e.date:%Y%m%d}",
                  f"DTEND;VALUE=DATE:{e.date + dt.timedelta(days=1):%Y%m%d}",
                  f"SUMMARY:{escape_text(e.summary)}", "TRANSP:TRANSPARENT"]
        if e.every_days:
            lines.append(f"RRULE:FREQ=DAILY;INTERVAL={e.every_days}")
        if e.description:
            lines.append(f"DESCRIPTION:{escape_text(e.description)}")
        if e.url:
            lines.append(f"URL;VALUE=URI:{e.url}")
        if e.alarm_days is not None:
            lines += ["BEGIN:VALARM", "ACTION:DISPLAY",
                      f"DESCRIPTION:{escape_text(e.summary)}",
                      f"TRIGGER:-P{e.alarm_days}D", "END:VALARM"]
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
