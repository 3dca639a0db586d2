"""Pure queries over index rows for the cockpit: today's agenda, task order, focus today, working hours."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from solo.core.config import WorkConfig
from solo.core.engine.index import Row
from solo.core.model.dates import as_date, as_datetime
from solo.core.model.kinds import OPEN_TASK_STATUSES, priority_rank

_DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass
class Agenda:
    """Open tasks that matter today, each task in one section only."""

    overdue: list[Row] = field(default_factory=list)
    due_today: list[Row] = field(default_factory=list)
    scheduled: list[Row] = field(default_factory=list)
    scheduled_earlier: list[Row] = field(default_factory=list)
    next: list[Row] = field(default_factory=list)
    problems: list[Row] = field(default_factory=list)

    def sections(self) -> list[tuple[str, list[Row]]]:
        return [("Cannot read (Enter shows the file)", self.problems),
                ("Overdue", self.overdue), ("Due today", self.due_today),
                ("Scheduled today", self.scheduled),
                ("Scheduled earlier, not done", self.scheduled_earlier), ("Next", self.next)]


def is_open(row: Row) -> bool:
    return row.kind == "task" and (row.status or "inbox") in OPEN_TASK_STATUSES


def _day(value: object) -> dt.date | None:
    return as_date(value) if value else None


def agenda(rows: Iterable[Row], today: dt.date) -> Agenda:
    """Overdue, due today, scheduled today, scheduled earlier (still open) and `next` tasks; task
    files Solo cannot read (`Row.problem`) first, so an edit that broke one never hides it."""
    result = Agenda()
    for row in rows:
        if row.kind == "task" and row.problem:
            result.problems.append(row)
            continue
        if not is_open(row):
            continue
        due, scheduled = _day(row.due), _day(row.scheduled)
        if due is not None and due < today:
            result.overdue.append(row)
        elif due == today:
            result.due_today.append(row)
        elif scheduled == today:
            result.scheduled.append(row)
        elif scheduled is not None and scheduled < today:
            result.scheduled_earlier.append(row)
        elif row.status == "next":
            result.next.append(row)
    for rows_in in (result.overdue, result.due_today, result.scheduled,
                    result.scheduled_earlier, result.next, result.problems):
        rows_in.sort(key=lambda r: (r.due or "9999", priority_rank(r.priority), r.title.lower()))
    return result


def sort_tasks(rows: Iterable[Row], by: str = "due") -> list[Row]:
    """Tasks by due date (undated last) then priority, or by priority then due date."""
    def due_key(r: Row) -> str:
        return r.due or r.scheduled or "9999-99-99"

    if by == "priority":
        return sorted(rows, key=lambda r: (priority_rank(r.priority), due_key(r), r.title.lower()))
    return sorted(rows, key=lambda r: (due_key(r), priority_rank(r.priority), r.title.lower()))


def focus_sessions(rows: Iterable[Row], day: dt.date) -> list[Row]:
    """Focus sessions that started on `day`, earliest first."""
    found = []
    for row in rows:
        start = as_datetime(row.fields.get("start"))
        if row.kind == "focus" and start is not None and start.date() == day:
            found.append((start, row))
    return [row for _, row in sorted(found, key=lambda pair: pair[0])]


def minutes_of(rows: Iterable[Row]) -> int:
    total = 0
    for row in rows:
        value = row.fields.get("minutes")
        if isinstance(value, int) and not isinstance(value, bool):
            total += value
    return total


@dataclass(frozen=True)
class WorkStatus:
    """Where `now` falls against the working hours."""

    inside: bool
    minutes_left: int
    label: str


def _hm(minutes: int) -> str:
    return f"{minutes // 60}h{minutes % 60:02d}"


def work_status(work: WorkConfig, now: dt.datetime) -> WorkStatus:
    """Inside working hours (with the time left), before them, after them, or a day off."""
    if _DAY_NAMES[now.weekday()] not in [d.lower()[:3] for d in work.days]:
        return WorkStatus(False, 0, "day off — rest")
    start = dt.datetime.combine(now.date(), work.start_time())
    end = dt.datetime.combine(now.date(), work.end_time())
    if now < start:
        return WorkStatus(False, int((end - start).total_seconds() // 60),
                          f"before hours — starts {work.start}")
    if now >= end:
        return WorkStatus(False, 0, "after hours — rest")
    left = int((end - now).total_seconds() // 60)
    return WorkStatus(True, left, f"working · {_hm(left)} left")
