"""The next days, day by day: open tasks due or scheduled, and repeating tasks' next occurrences."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from solo.core.engine.index import Row
from solo.core.model.dates import as_date
from solo.core.model.kinds import priority_rank
from solo.core.model.recur import next_after, next_date, parse_recurrence
from solo.core.planning.agenda import is_open

DAYS = 14


@dataclass(frozen=True)
class Occurrence:
    """A task on a day: `what` is "due" or "scheduled"; `repeat` marks a projected occurrence
    of a repeating task (its file still holds the earlier date)."""

    row: Row
    what: str
    repeat: bool = False


@dataclass
class Upcoming:
    """Open tasks overdue before the first day, then every day of the window (empty ones too)."""

    start: dt.date
    overdue: list[Occurrence] = field(default_factory=list)
    days: dict[dt.date, list[Occurrence]] = field(default_factory=dict)


def _dates(row: Row) -> list[tuple[str, dt.date]]:
    found: list[tuple[str, dt.date]] = []
    for what, value in (("due", row.due), ("scheduled", row.scheduled)):
        day = as_date(value) if value else None
        if day is not None:
            found.append((what, day))
    if len(found) == 2 and found[0][1] == found[1][1]:
        found = found[:1]  # due and scheduled the same day: shown once, as due
    return found


def upcoming(rows: Iterable[Row], today: dt.date, days: int = DAYS) -> Upcoming:
    """Each day from `today` for `days` days with the open tasks due or scheduled on it; a
    repeating task (a `recur` rule that keeps its schedule) also shows on its next dates in
    the window. Tasks whose date is past and still open are listed once, as overdue."""
    end = today + dt.timedelta(days=days)
    result = Upcoming(today, days={today + dt.timedelta(days=n): [] for n in range(days)})
    for row in rows:
        if not is_open(row) or row.problem:
            continue
        rule = None
        recur = row.fields.get("recur")
        if isinstance(recur, str) and recur.strip():
            try:
                rule = parse_recurrence(recur)
            except ValueError:
                rule = None
        for what, day in _dates(row):
            if day < today:
                if what == "due" or not any(w == "due" for w, _ in _dates(row)):
                    result.overdue.append(Occurrence(row, what))
            elif day < end:
                result.days[day].append(Occurrence(row, what))
            if rule is None or rule.from_completion:
                continue
            try:  # the first date after this one that is not before today
                later = next_after(rule, day, today - dt.timedelta(days=1))[0]
                while later < end:  # dates only grow: at most `days` steps
                    result.days[later].append(Occurrence(row, what, repeat=True))
                    later = next_date(rule, later)
            except ValueError:  # past year 9999
                continue
    key = _order
    result.overdue.sort(key=key)
    for entries in result.days.values():
        entries.sort(key=key)
    return result


def _order(occurrence: Occurrence) -> tuple[int, int, str]:
    return (0 if occurrence.what == "due" else 1, priority_rank(occurrence.row.priority),
            occurrence.row.title.lower())
