"""The opportunities pipeline, a pure function of (career, settings, today).

Rules:

* **Funnel**: open opportunities counted at their current stage (idea to offer), then the
  outcomes (accepted, declined, closed), each opportunity once.
* **Days in stage** = today - the date the current stage began (the latest run of history
  entries with that stage); unknown without a history.
* **Conversion** from a stage to the next one along idea -> researching -> applied ->
  interviewing -> offer -> accepted, over all opportunities: of those that *reached* the stage
  (were at it, or at a later one of the path, by their history or current stage), the share
  that reached the next. An opportunity declined or closed without a history reached nothing
  we know of, so it counts in no stage.
* **Ghosted**: an open opportunity in `applied` or `interviewing` whose stage has not changed
  for `ghosted_after_days` days or more (today - stage began >= that).
* **Flags** on an open opportunity: ghosted, an offer without a decision date (`due`), no
  next step (an overdue `due` shows as overdue beside its next step).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter
from dataclasses import dataclass

from brandgen.config import PrivateSettings
from brandgen.private.model import Career, Opportunity, show_date
from brandgen.private.vocabulary import CLOSED_STAGES, STAGES

PATH = ("idea", "researching", "applied", "interviewing", "offer", "accepted")
OPEN_STAGES = tuple(s for s in STAGES if s not in CLOSED_STAGES)
WAITING = ("applied", "interviewing")


@dataclass(frozen=True)
class Conversion:
    stage: str
    next: str
    reached: int  # reached `stage`
    moved: int  # of those, reached `next`

    @property
    def rate(self) -> float | None:
        return self.moved / self.reached * 100 if self.reached else None


@dataclass(frozen=True)
class OpenItem:
    opportunity: Opportunity
    days_in_stage: int | None
    ghosted: bool
    flags: tuple[str, ...]  # why it needs attention


@dataclass(frozen=True)
class PipelineReport:
    counts: tuple[tuple[str, int], ...]  # open stages then outcomes, in STAGES order
    open: tuple[OpenItem, ...]  # by due date (none last), then title
    closed: tuple[Opportunity, ...]
    conversion: tuple[Conversion, ...]
    ghosted_after: int

    @property
    def ghosted(self) -> tuple[OpenItem, ...]:
        return tuple(i for i in self.open if i.ghosted)

    @property
    def stale(self) -> tuple[tuple[Opportunity, str], ...]:
        return tuple((i.opportunity, "; ".join(i.flags)) for i in self.open if i.flags)


def days_in_stage(o: Opportunity, today: dt.date) -> int | None:
    since = o.stage_since
    return None if since is None else (today - since).days


def furthest(o: Opportunity) -> int:
    """Index in PATH of the furthest stage reached; -1 when unknown."""
    seen = [c.stage for c in o.history] + [o.stage]
    found = [PATH.index(s) for s in seen if s in PATH]
    return max(found, default=-1)


def conversion(career: Career) -> tuple[Conversion, ...]:
    reach = [furthest(o) for o in career.opportunities]
    return tuple(Conversion(a, b, sum(1 for r in reach if r >= i),
                            sum(1 for r in reach if r >= i + 1))
                 for i, (a, b) in enumerate(itertools.pairwise(PATH)))


def _flags(o: Opportunity, days: int | None, ghosted: bool, after: int) -> tuple[str, ...]:
    flags = []
    if ghosted and days is not None:
        flags.append(f"ghosted: {o.stage} for {days} days (since {show_date(o.stage_since)}): "
                     "chase or let go")
    if o.stage == "offer" and o.due is None:
        flags.append("an offer with no decision date: ask when they need your answer")
    if not o.next_step:
        flags.append("no next step")
    return tuple(flags)


def pipeline(career: Career, today: dt.date, settings: PrivateSettings | None = None
             ) -> PipelineReport:
    after = (settings or PrivateSettings()).ghosted_after_days
    counts = Counter(o.stage for o in career.opportunities)
    items = []
    for o in career.opportunities:
        if not o.is_open:
            continue
        days = days_in_stage(o, today)
        ghosted = o.stage in WAITING and days is not None and days >= after
        items.append(OpenItem(o, days, ghosted, _flags(o, days, ghosted, after)))
    items.sort(key=lambda i: (i.opportunity.due or dt.date.max, i.opportunity.title))
    return PipelineReport(tuple((s, counts[s]) for s in STAGES), tuple(items),
                          tuple(o for o in career.opportunities if not o.is_open),
                          conversion(career), after)
