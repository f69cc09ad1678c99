"""career.ics: an RFC 5545 calendar of every dated item, written by hand (no runtime deps).

All events are all-day (`DTSTART;VALUE=DATE`). UIDs are a hash of what the event is about
(kind, owner, title), never of the time, so a calendar subscription updates events in place
when a date moves. DTSTAMP is `today` at midnight UTC so the same inputs give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from brandgen.private.model import Career
from brandgen.private.plan import next_followup

PRODID = "-//brandgen//private career dashboard//EN"


@dataclass(frozen=True)
class Event:
    key: str  # what the event is about; hashed into the UID
    date: dt.date
    summary: str
    description: str = ""


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


def events(career: Career) -> list[Event]:
    """Goal deadlines, milestones, action due dates, follow-ups and opportunity due dates."""
    out: list[Event] = []
    for g in career.goals:
        if g.deadline:
            target = f"target {g.target:g} {g.unit}".strip() if g.target is not None else ""
            out.append(Event(f"goal|{g.id}", g.deadline, f"Goal deadline: {g.title}",
                             "; ".join(x for x in (g.metric, target) if x)))
        for m in g.milestones:
            if m.due:
                state = f" (done {m.done})" if m.done else ""
                out.append(Event(f"milestone|{g.id}|{m.title}", m.due,
                                 f"Milestone: {m.title}{state}", f"Goal: {g.title}"))
    for a in career.actions:
        if a.due:
            goal = career.goal(a.goal) if a.goal else None
            out.append(Event(f"action|{a.title}", a.due, f"Action due: {a.title} ({a.status})",
                             f"{a.kind}" + (f"; goal: {goal.title}" if goal else "")))
    for c in career.contacts:
        when = next_followup(c)
        if when:
            who = ", ".join(x for x in (c.role, c.organization) if x)
            out.append(Event(f"followup|{c.name}", when, f"Follow up with {c.name}",
                             "; ".join(x for x in (who, c.notes) if x)))
    for o in career.opportunities:
        if o.due:
            out.append(Event(f"opportunity|{o.title}|{o.organization}", o.due,
                             f"Opportunity due: {o.title} ({o.stage})",
                             o.next_step or "No next step recorded"))
    return out


def uid(key: str, seen: dict[str, int]) -> str:
    digest = hashlib.sha1(key.encode("utf-8")).hexdigest()[:20]
    seen[digest] = seen.get(digest, 0) + 1
    suffix = f"-{seen[digest]}" if seen[digest] > 1 else ""  # same key twice: still unique
    return f"{digest}{suffix}@brandgen.private"


def career_ics(career: Career, today: dt.date, name: str = "") -> str:
    """The calendar as text with CRLF line endings."""
    stamp = today.strftime("%Y%m%dT000000Z")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH",
             "X-WR-CALNAME:" + escape_text(f"Career plan{' – ' + name if name else ''} "
                                           "(private)")]
    seen: dict[str, int] = {}
    for e in events(career):
        lines += ["BEGIN:VEVENT", f"UID:{uid(e.key, seen)}", f"DTSTAMP:{stamp}",
                  f"DTSTART;VALUE=DATE:{e.date:%Y%m%d}",
                  f"DTEND;VALUE=DATE:{e.date + dt.timedelta(days=1):%Y%m%d}",
                  f"SUMMARY:{escape_text(e.summary)}", "TRANSP:TRANSPARENT"]
        if e.description:
            lines.append(f"DESCRIPTION:{escape_text(e.description)}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
