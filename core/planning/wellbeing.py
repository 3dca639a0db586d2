"""The right to disconnect: working hours, daily and weekly caps, the week's load, trends, and nudges that stay quiet after hours.

Settings come from `vault.config.work` (`WorkConfig`: start, end, days, daily_cap_minutes,
weekly_cap_minutes). Logged time is focus time; a weekly review's `hours_worked` (what the
user says they worked) is shown beside it and, when present, is the week's figure.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from solo.core.career.progress import number, visible
from solo.core.config import Config, WorkConfig
from solo.core.engine.index import Row
from solo.core.model.dates import WEEKDAYS
from solo.core.planning.focus import iso_week, last_weeks, minutes_per_day, week_monday


def _work(config: WorkConfig | Config) -> WorkConfig:
    return config.work if isinstance(config, Config) else config


def working_days(config: WorkConfig | Config) -> set[int]:
    """Weekday numbers (Monday 0) of the working days; unknown names are ignored."""
    return {WEEKDAYS[d.strip().lower()] for d in _work(config).days
            if isinstance(d, str) and d.strip().lower() in WEEKDAYS}


def is_working_day(day: dt.date, config: WorkConfig | Config) -> bool:
    return day.weekday() in working_days(config)


def is_working_time(now: dt.datetime, config: WorkConfig | Config) -> bool:
    """Whether `now` (local) falls in working hours on a working day. Hours that end at or
    before they start run overnight (22:00–06:00): the early part belongs to the day before."""
    work = _work(config)
    start, end, t = work.start_time(), work.end_time(), now.time()
    if start < end:
        return is_working_day(now.date(), work) and start <= t < end
    if t >= start:
        return is_working_day(now.date(), work)
    return t < end and is_working_day(now.date() - dt.timedelta(days=1), work)


@dataclass(frozen=True)
class DayBudget:
    """Today's room: minutes logged, the daily cap, and minutes left before either the
    working day ends or the cap is reached (`left` is the smaller; 0 outside working time)."""

    day: dt.date
    logged: int
    cap: int
    cap_left: int
    window_left: int
    left: int
    over_cap: bool
    working_time: bool


def minutes_to_end_of_day(now: dt.datetime, config: WorkConfig | Config) -> int:
    """Minutes from `now` until the working hours end (0 outside working time)."""
    if not is_working_time(now, config):
        return 0
    work = _work(config)
    end = dt.datetime.combine(now.date(), work.end_time())
    if end <= now:
        end += dt.timedelta(days=1)
    return int((end - now).total_seconds() // 60)


def day_budget(rows: Sequence[Row], now: dt.datetime, config: WorkConfig | Config) -> DayBudget:
    """How much of today is left: the "hours left today" of the status line."""
    work = _work(config)
    logged = minutes_per_day(rows, now.date(), now.date()).get(now.date(), 0)
    cap_left = max(work.daily_cap_minutes - logged, 0)
    window = minutes_to_end_of_day(now, work)
    return DayBudget(day=now.date(), logged=logged, cap=work.daily_cap_minutes, cap_left=cap_left,
                     window_left=window, left=min(cap_left, window),
                     over_cap=logged > work.daily_cap_minutes,
                     working_time=is_working_time(now, work))


@dataclass(frozen=True)
class WeekLoad:
    """One ISO week against the weekly cap.

    `logged` is focus time; `reported` the minutes of the week's review `hours_worked` (None
    without one); `minutes` is `reported` when known, else `logged`; `over_by` is how far
    `minutes` passes the cap (0 when under).
    """

    week: str
    monday: dt.date
    logged: int
    reported: int | None
    minutes: int
    cap: int
    over_cap: bool
    over_by: int


def reported_minutes(rows: Sequence[Row]) -> dict[str, int]:
    """ISO week → minutes worked as recorded in weekly reviews (`hours_worked`)."""
    out: dict[str, int] = {}
    for row in visible(rows, "review"):
        period, hours = row.fields.get("period"), number(row.fields.get("hours_worked"))
        if isinstance(period, str) and hours is not None:
            out[period.strip().upper()] = round(hours * 60)
    return out


def week_load(rows: Sequence[Row], config: WorkConfig | Config, monday: dt.date,
              _reported: dict[str, int] | None = None,
              _per_day: dict[dt.date, int] | None = None) -> WeekLoad:
    """The load of the ISO week that contains `monday` (any day of it works)."""
    monday = week_monday(monday)
    sunday = monday + dt.timedelta(days=6)
    per_day = _per_day if _per_day is not None else minutes_per_day(rows, monday, sunday)
    logged = sum(m for d, m in per_day.items() if monday <= d <= sunday)
    week = iso_week(monday)
    reported = (_reported if _reported is not None else reported_minutes(rows)).get(week)
    minutes = reported if reported is not None else logged
    cap = _work(config).weekly_cap_minutes
    return WeekLoad(week=week, monday=monday, logged=logged, reported=reported, minutes=minutes,
                    cap=cap, over_cap=minutes > cap, over_by=max(minutes - cap, 0))


def week_status(rows: Sequence[Row], config: WorkConfig | Config, today: dt.date) -> WeekLoad:
    """This ISO week's logged minutes against the weekly cap."""
    return week_load(rows, config, today)


def weekly_trend(rows: Sequence[Row], config: WorkConfig | Config, today: dt.date,
                 weeks: int = 8) -> list[WeekLoad]:
    """The last `weeks` ISO weeks, oldest first, this week last."""
    mondays = last_weeks(today, weeks)
    per_day = minutes_per_day(rows, mondays[0], mondays[-1] + dt.timedelta(days=6))
    reported = reported_minutes(rows)
    return [week_load(rows, config, m, reported, per_day) for m in mondays]


def weeks_over_in_a_row(trend: Sequence[WeekLoad]) -> int:
    """How many of the latest weeks in `trend` in a row went over the cap (this week's
    partial load included only when it is already over)."""
    count = 0
    for load in reversed(trend):
        if not load.over_cap:
            if load is trend[-1]:
                continue
            break
        count += 1
    return count


def nudges(rows: Sequence[Row], config: WorkConfig | Config, now: dt.datetime) -> list[str]:
    """Gentle warnings for the status line — none at all outside working time."""
    work = _work(config)
    if not is_working_time(now, work):
        return []
    out = []
    today = day_budget(rows, now, work)
    if today.over_cap:
        out.append(f"{today.logged // 60}h{today.logged % 60:02d} logged today, over the "
                   f"{work.daily_cap_minutes // 60}h daily cap: time to stop")
    elif today.left and today.left <= 30:
        out.append(f"{today.left} min left in today's working hours")
    week = week_status(rows, work, now.date())
    if week.over_cap:
        out.append(f"{week.week}: {week.minutes / 60:.1f} h, over the "
                   f"{week.cap / 60:g} h weekly cap")
    return out
