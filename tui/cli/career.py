"""Career commands: `solo report goals|skills|learning|brag|spend|time`, `solo focus log|start|stop|status`, `solo review new`.

Every report has `--json`; text output is for reading in a terminal. `SOLO_TODAY` (and
`SOLO_NOW=YYYY-MM-DDTHH:MM` for the focus timer) pin the clock for tests.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Callable
from typing import Any

from solo.core import clock
from solo.core.career import brag, people, review, spend
from solo.core.career import progress as career
from solo.core.engine.index import Row
from solo.core.model import dates
from solo.core.planning import focus, wellbeing
from solo.core.vault import Vault
from solo.tui.cli.common import UserError, open_vault, print_json, today
from solo.tui.cli.people import read_body
from solo.tui.cli.table import TIME_REPORT_WEEKS

Handler = Callable[[argparse.Namespace], int]
TREND_WEEKS = 8


def now() -> dt.datetime:
    """The local time; `SOLO_NOW` overrides it, and `SOLO_TODAY` alone pins the day."""
    try:
        return clock.now()
    except ValueError:
        raise UserError("SOLO_NOW must be YYYY-MM-DDTHH:MM and SOLO_TODAY YYYY-MM-DD, not "
                        f"{os.environ.get('SOLO_NOW')!r} / {os.environ.get('SOLO_TODAY')!r}") from None


def _date(text: str | None) -> dt.date | None:
    if not text:
        return None
    try:
        return dates.parse_date(text, today())
    except ValueError as exc:
        raise UserError(str(exc)) from None


def _hours(minutes: float) -> str:
    minutes = round(minutes)
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60:02d}" if minutes % 60 else f"{minutes // 60} h"


def _money(amounts: dict[str, float]) -> str:
    return " + ".join(f"{amount:,.2f} {cur}" for cur, amount in amounts.items()) or "0"


def _bar(share: float, width: int = 20) -> str:
    filled = int(max(min(share, 1.0), 0.0) * width)
    return "█" * filled + "·" * (width - filled)


def _rows(vault: Vault) -> list[Row]:
    return vault.rows()


# --- report ---------------------------------------------------------------------------------
def report_goals(args: argparse.Namespace) -> int:
    with open_vault(args) as vault:
        goals = career.goals_progress(_rows(vault), today())
    if args.json:
        print_json(career.jsonable(goals))
        return 0
    if not goals:
        print("(no goals: add one with `solo add goal TITLE`)")
    for g in goals:
        flag = "  OVERDUE" if g.overdue else "  AT RISK" if g.at_risk else ""
        target = f"target {g.target}" if g.target else "no target date"
        print(f"{_bar(g.progress)} {g.progress:4.0%}  {g.goal.title}  ({g.status}, {target}){flag}")
        for kr in g.key_results:
            print(f"    {kr.progress:4.0%}  {kr.name}: {kr.current:g} / {kr.target:g}")
        if g.method == "tasks":
            print(f"    {g.tasks_done} of {g.tasks_total} linked tasks done")
        for reason in g.reasons:
            print(f"    ! {reason}")
    return 0


def report_skills(args: argparse.Namespace) -> int:
    with open_vault(args) as vault:
        matrix = career.skills_matrix(_rows(vault), today())
    if args.json:
        print_json(career.jsonable(matrix))
        return 0
    if not matrix:
        print("(no skills: add one with `solo add skill TITLE --set level=3 --set target_level=4`)")
    for s in matrix:
        level = "?" if s.level is None else str(s.level)
        target = "?" if s.target_level is None else str(s.target_level)
        gap = f"gap {s.gap}" if s.gap else "on target"
        note = "  (no skill file)" if s.missing else ""
        print(f"{s.skill.title:28.28}  {level}/{target}  {gap:9}  "
              f"{len(s.evidence)} evidence{note}")
        if s.goals and s.gap:
            print(f"    needed by: {', '.join(g.title for g in s.goals)}")
        for e in s.evidence[-3:]:
            print(f"    {e.date or 'undated'}  {e.item.title}")
    return 0


def report_learning(args: argparse.Namespace) -> int:
    with open_vault(args) as vault:
        plan = career.learning_plan(_rows(vault), today())
    if args.json:
        print_json(career.jsonable(plan))
        return 0
    for heading, entries in (("In progress", plan.in_progress), ("Planned", plan.planned),
                             ("Finished", plan.finished)):
        print(f"{heading}:")
        if not entries:
            print("  (none)")
        for e in entries:
            bits = [f"{e.hours:g} h" if e.hours else "",
                    f"{e.cost:,.2f} {e.currency}" if e.cost else "",
                    f"due {e.due}" if e.due and not e.finished else "",
                    f"finished {e.finished}" if e.finished else "",
                    f"certification: {e.certification}" if e.certification else "",
                    "OVERDUE" if e.overdue else ""]
            print(f"  {e.item.title}  ({', '.join(b for b in bits if b)})")
    print("Invested per year:")
    for year in plan.per_year:
        print(f"  {year.year}: {year.hours:g} h, {_money(year.cost)}")
    if plan.planned_cost:
        print(f"Planned, not yet paid: {_money(plan.planned_cost)}")
    return 0


def report_brag(args: argparse.Namespace) -> int:
    until = _date(args.until) or today()
    since = _date(args.since) or until - dt.timedelta(days=365) + dt.timedelta(days=1)
    if since > until:
        raise UserError(f"--since {since} is after --until {until}")
    with open_vault(args) as vault:
        doc = brag.brag_doc(_rows(vault), since, until, include_private=args.private)
    if args.format == "json":
        print_json(career.jsonable(doc))
    elif args.format == "html":
        sys.stdout.write(brag.to_html(doc))
    else:
        sys.stdout.write(brag.to_markdown(doc))
    return 0


def report_spend(args: argparse.Namespace) -> int:
    with open_vault(args) as vault:
        report = spend.spend_report(_rows(vault), today())
    if args.json:
        print_json(career.jsonable(report))
        return 0
    print("Every month (monthly, and yearly / 12):")
    for cur, per in report.recurring.items():
        cats = ", ".join(f"{cat} {amount:,.2f}" for cat, amount in per.items())
        print(f"  {report.recurring_total[cur]:,.2f} {cur}  ({cats})")
    if not report.recurring:
        print("  (nothing recurring)")
    print("Last 12 months (one-off purchases and learning included):")
    for month in report.months:
        print(f"  {month.label}  {_money(month.total)}")
    print("Per year (up to this month):")
    for year in report.years:
        cats = "; ".join(f"{cur}: " + ", ".join(f"{c} {a:,.2f}" for c, a in per.items())
                         for cur, per in year.by_category.items())
        print(f"  {year.label}  {_money(year.total)}  ({cats})")
    print(f"Renewals in the next {spend.RENEWAL_DAYS} days:")
    for r in report.renewals:
        print(f"  {r.date}  in {r.days:2d} d  {r.amount:,.2f} {r.currency} {r.period:7}  "
              f"{r.item.title}")
    if not report.renewals:
        print("  (none)")
    return 0


def report_time(args: argparse.Namespace) -> int:
    until = _date(args.until) or today()
    since = _date(args.since) or (focus.week_monday(until)
                                  - dt.timedelta(weeks=TIME_REPORT_WEEKS - 1))
    if since > until:
        raise UserError(f"--since {since} is after --until {until}")
    with open_vault(args) as vault:
        rows = _rows(vault)
        work = vault.config.work
        report = focus.time_report(rows, since, until)
        week = wellbeing.week_status(rows, work, until)
        trend = wellbeing.weekly_trend(rows, work, until, TREND_WEEKS)
        contact = people.contact_trend(rows, people.mentions(rows, read_body(vault)), until,
                                       work)
    in_a_row = wellbeing.weeks_over_in_a_row(trend)
    if args.json:
        print_json({**career.jsonable(report), "week": career.jsonable(week),
                    "contact": {"months": career.jsonable(contact),
                                "line": people.contact_line(contact)},
                    "trend": career.jsonable(trend), "weeks_over_in_a_row": in_a_row,
                    "caps": {"daily_minutes": work.daily_cap_minutes,
                             "weekly_minutes": work.weekly_cap_minutes}})
        return 0
    print(f"Focus time {since} to {until}: {_hours(report.total)} in {report.sessions} "
          "session(s)")
    sections: list[tuple[str, dict[str, Any]]] = [
        ("Per day", {f"{d:%a} {d}": m for d, m in report.per_day.items()}),
        ("Per goal", {report.titles.get(k, k): m for k, m in report.per_goal.items()}),
        ("Per skill", {report.titles.get(k, k): m for k, m in report.per_skill.items()}),
        ("Per task", {report.titles.get(k, k): m for k, m in report.per_task.items()}),
    ]
    for heading, table in sections:
        print(f"{heading}:")
        for name, minutes in table.items():
            print(f"  {_hours(minutes):>9}  {name}")
        if not table:
            print("  (none)")
    state = (f"over the cap by {_hours(week.over_by)}" if week.over_cap
             else f"{_hours(week.cap - week.minutes)} left")
    print(f"This week ({week.week}): {_hours(week.minutes)} of {_hours(week.cap)} — {state}")
    print(f"Last {len(trend)} weeks (h; reviews' hours_worked where recorded, else focus time):")
    for load in trend:
        mark = f"  over by {_hours(load.over_by)}" if load.over_cap else ""
        source = "reported" if load.reported is not None else "focus"
        print(f"  {load.week}  {_bar(load.minutes / load.cap if load.cap else 0)} "
              f"{load.minutes / 60:5.1f} ({source}){mark}")
    if in_a_row >= 2:
        print(f"{in_a_row} weeks in a row over the cap.")
    print(people.contact_line(contact))
    return 0


# --- focus ----------------------------------------------------------------------------------
def _task(vault: Vault, ref: str) -> Row:
    row = vault.resolve(ref)
    if row.kind != "task":
        raise UserError(f"{row.path} is a {row.kind}, not a task")
    return row


def _write_session(vault: Vault, task: Row, start: dt.datetime, minutes: int,
                   note: str = "", block: str = "", goal: str = "") -> Any:
    # Created under a dated title for a dated file name, then titled after the task.
    extra = {k: v for k, v in (("block", block), ("goal", goal)) if v}
    item = vault.create("focus", focus.session_title(start, task.title),
                        {**focus.session_fields(career.stem(task), start, minutes), **extra,
                         "created": start.date()}, note)
    return vault.update(item.row, {"title": task.title})


def focus_log(args: argparse.Namespace) -> int:
    try:
        minutes = dates.parse_minutes(args.minutes)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    if minutes <= 0:
        raise UserError("--minutes must be more than 0")
    day = _date(args.date) or today()
    with open_vault(args) as vault:
        task = _task(vault, args.id)
        if args.at:
            try:
                start = dt.datetime.combine(day, dt.time.fromisoformat(args.at))
            except ValueError:
                raise UserError(f"--at must be HH:MM, not {args.at!r}") from None
        elif day == today():  # just finished: it started `minutes` ago (not before midnight)
            start = max(now() - dt.timedelta(minutes=minutes), dt.datetime.combine(day, dt.time()))
        else:
            start = dt.datetime.combine(day, vault.config.work.start_time())
        item = _write_session(vault, task, start, minutes, args.note or "")
    print(f"Logged {_hours(minutes)} on {task.title} ({item.path})")
    return 0


def focus_start(args: argparse.Namespace) -> int:
    with open_vault(args) as vault:
        row = vault.resolve(args.id)
        block, goal = "", ""
        if row.kind == "block":  # a session started from a block counts for its task and goal
            block = career.stem(row)
            goal = career.ref_list(row.fields.get("goal"))[0] if row.fields.get("goal") else ""
            task_ref = career.ref_list(row.fields.get("task"))
            task = vault.resolve(task_ref[0]) if task_ref else row
        else:
            task = _task(vault, args.id)
        try:
            timer = focus.start_timer(vault.solo_dir, career.stem(task), task.title, now(),
                                      block=block, goal=goal)
        except focus.TimerError as exc:
            raise UserError(str(exc)) from None
    print(f"Focus on {timer.title} since {timer.start:%H:%M}; `solo focus stop` when done")
    return 0


def focus_stop(args: argparse.Namespace) -> int:
    with open_vault(args) as vault:
        try:
            timer = focus.running_timer(vault.solo_dir)
        except focus.TimerError as exc:
            raise UserError(str(exc)) from None
        if timer is None:
            raise UserError("no focus timer is running (`solo focus start ID`)")
        minutes = timer.elapsed_minutes(now())
        if args.discard or minutes < 1:
            focus.clear_timer(vault.solo_dir)
            print("Timer discarded" if args.discard else "Under a minute: nothing logged")
            return 0
        task = vault.resolve(timer.task)
        item = _write_session(vault, task, timer.start, minutes, args.note or "", timer.block,
                              timer.goal)
        focus.clear_timer(vault.solo_dir)
    print(f"Logged {_hours(minutes)} on {task.title} ({item.path})")
    return 0


def focus_status(args: argparse.Namespace) -> int:
    with open_vault(args, scan=False) as vault:
        try:
            timer = focus.running_timer(vault.solo_dir)
        except focus.TimerError as exc:
            raise UserError(str(exc)) from None
    if args.json:
        print_json(None if timer is None else {**career.jsonable(timer),
                                               "elapsed_minutes": timer.elapsed_minutes(now())})
    elif timer is None:
        print("No focus timer running")
    else:
        print(f"Focus on {timer.title} since {timer.start:%Y-%m-%d %H:%M} "
              f"({_hours(timer.elapsed_minutes(now()))})")
    return 0


# --- review ---------------------------------------------------------------------------------
def review_new(args: argparse.Namespace) -> int:
    with open_vault(args) as vault:
        rows = _rows(vault) + vault.line_tasks()  # checkbox tasks finished this week count
        try:
            draft = review.review_draft(rows, today(), args.week, vault.config)
        except ValueError as exc:
            raise UserError(str(exc)) from None
        existing = review.find_review(rows, draft.period)
        if existing is not None:
            raise UserError(f"the review of {draft.period} exists: {existing.path} "
                            f"(`solo edit {existing.path}`)")
        fields = review.review_fields(draft)
        item = vault.create("review", review.review_file_title(draft.period),
                            {**fields, "created": today()}, review.review_body(draft),
                            folder=review.REVIEW_FOLDER)
        item = vault.update(item.row, {"title": review.review_title(draft.period)})
    if args.json:
        print_json({"path": item.path, "id": item.id, "period": draft.period})
    else:
        print(f"Review draft for {draft.period}: {item.path}")
    return 0


# --- wiring ---------------------------------------------------------------------------------
def _dispatch(args: argparse.Namespace) -> int:
    """Run the action the parser chose: `career_handler` names a function of this module."""
    handler: Callable[[argparse.Namespace], int] = globals()[args.career_handler]
    return handler(args)


def cmd_report(args: argparse.Namespace) -> int:
    return _dispatch(args)


def cmd_focus(args: argparse.Namespace) -> int:
    return _dispatch(args)


def cmd_review(args: argparse.Namespace) -> int:
    return _dispatch(args)
