"""The Upcoming days: dated open tasks by day, repeating tasks' next dates, overdue once."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from solo.core.engine.index import Row
from solo.core.planning.upcoming import upcoming

TODAY = dt.date(2026, 11, 26)  # a Thursday


def task(name: str, *, due: str | None = None, scheduled: str | None = None,
         recur: str | None = None, status: str = "next", priority: str | None = None) -> Row:
    fields = {"recur": recur} if recur else {}
    return Row(f"tasks/{name}.md", None, "task", name, status, due, scheduled, priority, [],
               fields, False, 0, 0, "", None)


def on(result, day: dt.date) -> list[tuple[str, str, bool]]:
    return [(o.row.title, o.what, o.repeat) for o in result.days[day]]


def test_days_hold_due_and_scheduled_tasks_and_skip_closed_ones() -> None:
    result = upcoming([task("a", due="2026-11-27"), task("b", scheduled="2026-11-27"),
                       task("c", due="2026-11-27", status="done"),
                       task("d", due="2026-11-28", scheduled="2026-11-28"),
                       task("e", due="2026-12-10")], TODAY)
    assert list(result.days)[0] == TODAY and len(result.days) == 14
    assert on(result, dt.date(2026, 11, 27)) == [("a", "due", False), ("b", "scheduled", False)]
    assert on(result, dt.date(2026, 11, 28)) == [("d", "due", False)]  # once
    assert all("e" not in [o.row.title for o in found] for found in result.days.values())


def test_overdue_is_listed_once_and_repeats_are_projected() -> None:
    result = upcoming([task("late", due="2026-11-20", scheduled="2026-11-19"),
                       task("gym", scheduled="2026-11-26", recur="every 3 days"),
                       task("water", due="2026-11-26", recur="every day when done")], TODAY)
    assert [o.row.title for o in result.overdue] == ["late"]
    gym = [day for day, found in result.days.items() if any(o.row.title == "gym" for o in found)]
    assert gym == [TODAY + dt.timedelta(days=n) for n in (0, 3, 6, 9, 12)]
    assert [o.repeat for o in result.days[TODAY + dt.timedelta(days=3)]] == [True]
    water = [day for day, found in result.days.items()
             if any(o.row.title == "water" for o in found)]
    assert water == [TODAY]  # "when done": its next date depends on finishing it


def test_an_overdue_repeating_task_shows_its_next_dates_in_the_window() -> None:
    result = upcoming([task("log", scheduled="2026-11-24", recur="every weekday")], TODAY)
    assert [o.row.title for o in result.overdue] == ["log"]
    assert on(result, TODAY) == [("log", "scheduled", True)]
    assert on(result, dt.date(2026, 11, 28)) == []  # Saturday


@given(st.integers(min_value=1, max_value=40), st.integers(min_value=-30, max_value=30))
def test_every_n_days_appears_on_each_nth_day_of_the_window(n: int, offset: int) -> None:
    start = TODAY + dt.timedelta(days=offset)
    result = upcoming([task("t", due=start.isoformat(), recur=f"every {n} days")], TODAY)
    shown = {day for day, found in result.days.items() if found}
    expected = {TODAY + dt.timedelta(days=k) for k in range(14)
                if (TODAY + dt.timedelta(days=k) - start).days >= 0
                and (TODAY + dt.timedelta(days=k) - start).days % n == 0}
    assert shown == expected
