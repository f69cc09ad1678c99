"""The commands that keep content/private/ current: checkin, log, move, review."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from brandgen.cli_args import now_of, parse_date, parse_number


def add_edit_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """checkin, log, move, review: the commands that keep content/private/ current."""
    def edit(name: str, help: str, description: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help, description=description + " Comments, blank "
                           "lines and the layout of the file are kept; the result is "
                           "validated as a build would, and on any error nothing changes.")
        p.add_argument("-C", "--root", type=Path, default=Path("."), metavar="DIR",
                       help="the site project (default: current folder)")
        p.add_argument("--today", type=parse_date, metavar="DATE", help=argparse.SUPPRESS)
        return p

    p = edit("checkin", "record a check-in on a goal or key result",
             "Add a check-in to a goal in content/private/goals.yaml.")
    p.add_argument("goal", metavar="GOAL", help="goal id, or goal-id/kr-id for a key result")
    p.add_argument("value", metavar="VALUE", type=parse_number, help="the metric's value now")
    p.add_argument("--date", type=parse_date, metavar="D", help="YYYY-MM-DD (default: today)")
    p.add_argument("--note", metavar="N", help="what happened")
    p.add_argument("--confidence", type=int, metavar="1-10",
                   help="how sure you are of reaching the target")
    p = edit("log", "record an interaction with a contact",
             "Add an interaction to a contact's log in content/private/network.yaml.")
    p.add_argument("name", metavar="NAME", help="the start of the contact's name, any case")
    p.add_argument("--kind", metavar="K", help="call, coffee, meeting, email, message, event "
                                                "or other")
    p.add_argument("--note", metavar="N", help="what you talked about")
    p.add_argument("--date", type=parse_date, metavar="D", help="YYYY-MM-DD (default: today)")
    p = edit("move", "move an opportunity to another stage",
             "Record a stage change in content/private/opportunities.yaml: appends to the "
             "opportunity's history and updates its stage.")
    p.add_argument("opportunity", metavar="OPPORTUNITY",
                   help="its id (default: the slug of its title)")
    p.add_argument("stage", metavar="STAGE", help="idea, researching, applied, interviewing, "
                                                  "offer, accepted, declined or closed")
    p.add_argument("--date", type=parse_date, metavar="D", help="YYYY-MM-DD (default: today)")
    p.add_argument("--next-step", metavar="S", help="the new next step")
    p.add_argument("--due", type=parse_date, metavar="D", help="when the next step is due")
    edit("review", "write a review note prefilled with progress, what is due and at risk",
         "Write content/private/reviews/<today>.md with the check-ins and milestones since "
         "the last review, what is due in the next 14 days, goals at risk, stale or missed, "
         "follow-ups due, and prompts for wins, blockers and next focus.")


def cmd_edit(args: argparse.Namespace) -> int:
    from brandgen.private import commands
    from brandgen.private.review import write_review

    root = args.root
    today = commands.local_date(root, now_of(args))
    try:
        if args.command == "checkin":
            change = commands.checkin(root, args.goal, args.value, today, date=args.date,
                                      note=args.note, confidence=args.confidence)
        elif args.command == "log":
            change = commands.log(root, args.name, today, kind=args.kind, note=args.note,
                                  date=args.date)
        elif args.command == "move":
            change = commands.move(root, args.opportunity, args.stage, today, date=args.date,
                                   next_step=args.next_step, due=args.due)
        else:
            change = write_review(root, today)
    except commands.UsageError as e:
        print(f"brandgen {args.command}: error: {e}" + (f"\n  hint: {e.hint}" if e.hint else ""),
              file=sys.stderr)
        return 2
    print(f"{change.summary} ({change.path}):")
    print(change.diff() if args.command != "review" else change.after, end="")
    return 0
