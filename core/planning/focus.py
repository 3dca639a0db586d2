"""Focus time: sessions from focus files, ISO weeks, per-day/task/goal/skill sums, the running-timer file.

The running timer (`.solo/focus-running.toml`, written atomically) is the one timer of the vault:
`solo focus start` and the TUI's `f` both write it, `solo focus stop` and the TUI's `F` both
end it through `stop_timer`, which logs the minutes actually worked (under a minute: nothing).

A focus session is a vault file (`kind = "focus"`, `task`, `start`, `minutes`). A session
that runs past midnight counts on each day for the minutes spent in it. A task's minutes
count for its goal and for each of that goal's skills.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomli_w

from solo.core.career.progress import ItemRef, Refs, ref_list, stem, visible
from solo.core.engine.fsutil import atomic_write_bytes
from solo.core.engine.index import Row
from solo.core.model.dates import as_datetime

NO_TASK = "(no task)"
NO_GOAL = "(no goal)"
RUNNING_FILE = "focus-running.toml"


# --- ISO weeks --------------------------------------------------------------------------------
_WEEK = re.compile(r"(\d{4})-?[Ww](\d{1,2})")


def iso_week(day: dt.date) -> str:
    """The ISO week of a day as "YYYY-Www" (2027-01-01 → "2026-W53")."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def parse_iso_week(text: str) -> dt.date:
    """The Monday of an ISO week given as "2026-W48" (or "2026w48"); ValueError when the
    week does not exist (e.g. "2025-W53")."""
    match = _WEEK.fullmatch(text.strip())
    if not match:
        raise ValueError(f"not an ISO week: {text!r} (use YYYY-Www, e.g. 2026-W48)")
    year, week = int(match.group(1)), int(match.group(2))
    try:
        return dt.date.fromisocalendar(year, week, 1)
    except ValueError:
        raise ValueError(f"{year} has no ISO week {week}") from None


def week_monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def week_range(monday: dt.date) -> tuple[dt.date, dt.date]:
    """(Monday, Sunday) of the ISO week starting `monday`."""
    return monday, monday + dt.timedelta(days=6)


def last_weeks(today: dt.date, count: int) -> list[dt.date]:
    """Mondays of the last `count` ISO weeks, oldest first, the current week last."""
    this = week_monday(today)
    return [this - dt.timedelta(weeks=n) for n in range(count - 1, -1, -1)]


# --- sessions ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Session:
    """One focus session: the task it names (a cleaned reference), its start and length."""

    item: ItemRef
    task: str
    start: dt.datetime
    minutes: int
    goal: str = ""
    """the session's own `goal` (a session started from a block on a goal): counts when the
    task names no goal"""

    @property
    def end(self) -> dt.datetime:
        return self.start + dt.timedelta(minutes=self.minutes)


def sessions(rows: Iterable[Row]) -> list[Session]:
    """Well-formed focus sessions (a local `start` and whole `minutes` ≥ 0), oldest first."""
    out = []
    for row in visible(rows, "focus"):
        start = as_datetime(row.fields.get("start"))
        minutes = row.fields.get("minutes")
        if start is None or not isinstance(minutes, int) or isinstance(minutes, bool) \
                or minutes < 0:
            continue
        task = ref_list(row.fields.get("task"))
        goal = ref_list(row.fields.get("goal"))
        out.append(Session(item=ItemRef.of(row), task=task[0] if task else "", start=start,
                           minutes=minutes, goal=goal[0] if goal else ""))
    return sorted(out, key=lambda s: s.start)


def split_by_day(start: dt.datetime, minutes: int) -> list[tuple[dt.date, int]]:
    """Minutes of a session per calendar day: 23:20 + 95 min → [(day, 40), (next day, 55)].

    Whole minutes: each day but the last gets the whole minutes before midnight, the last
    day the rest, so the parts always add up to `minutes`.
    """
    parts: list[tuple[dt.date, int]] = []
    left, at = minutes, start
    while left > 0:
        midnight = dt.datetime.combine(at.date() + dt.timedelta(days=1), dt.time())
        room = int((midnight - at).total_seconds() // 60)
        if left <= room:
            parts.append((at.date(), left))
            break
        if room > 0:  # under a minute before midnight counts on the next day
            parts.append((at.date(), room))
        left -= room
        at = midnight
    return parts or [(start.date(), 0)]


def minutes_per_day(rows: Iterable[Row], since: dt.date | None = None,
                    until: dt.date | None = None) -> dict[dt.date, int]:
    """Focus minutes per calendar day within [since, until], midnight-crossing split."""
    out: dict[dt.date, int] = {}
    for session in sessions(rows):
        for day, minutes in split_by_day(session.start, session.minutes):
            if (since and day < since) or (until and day > until):
                continue
            out[day] = out.get(day, 0) + minutes
    return dict(sorted(out.items()))


@dataclass(frozen=True)
class Attribution:
    """Where a task's minutes go: the task, its goal and that goal's skills (stems)."""

    task: str
    task_title: str
    goal: str | None
    goal_title: str | None
    skills: list[str]


def attribution(task_ref: str, refs: Refs,
                cache: dict[str, Attribution] | None = None, goal_ref: str = "") -> Attribution:
    """Where the minutes of a session on `task_ref` count (`cache` saves repeat look-ups);
    `goal_ref` (the session's own goal) counts when the task names no goal."""
    if cache is not None:
        key = f"{task_ref}\0{goal_ref}"
        if key not in cache:
            cache[key] = attribution(task_ref, refs, None, goal_ref)
        return cache[key]
    task = refs.get(task_ref)
    if goal_ref and (task is None or not ref_list(task.fields.get("goal"))):
        goal_row = refs.get(goal_ref, "goal")
        return Attribution(task=stem(task) if task else task_ref or NO_TASK,
                           task_title=task.title if task else task_ref or NO_TASK,
                           goal=stem(goal_row) if goal_row else goal_ref,
                           goal_title=goal_row.title if goal_row else goal_ref,
                           skills=[refs.key(s, "skill") for s in
                                   ref_list(goal_row.fields.get("skills"))] if goal_row else [])
    if task is None:
        return Attribution(task=task_ref or NO_TASK, task_title=task_ref or NO_TASK, goal=None,
                           goal_title=None, skills=[])
    goal_refs = ref_list(task.fields.get("goal"))
    goal = refs.get(goal_refs[0], "goal") if goal_refs else None
    if goal is None:
        return Attribution(task=stem(task), task_title=task.title,
                           goal=goal_refs[0] if goal_refs else None,
                           goal_title=goal_refs[0] if goal_refs else None, skills=[])
    return Attribution(task=stem(task), task_title=task.title, goal=stem(goal),
                       goal_title=goal.title,
                       skills=[refs.key(s, "skill") for s in ref_list(goal.fields.get("skills"))])


@dataclass(frozen=True)
class TimeReport:
    """Focus minutes between `since` and `until` (inclusive) per day, task, goal and skill.

    Keys of `per_task`, `per_goal`, `per_skill` are file stems; `titles` maps them to titles.
    Minutes without a goal are under "(no goal)"; a skill gets the minutes of every goal
    that names it, so skill minutes can add up to more than the total.
    """

    since: dt.date | None
    until: dt.date | None
    total: int
    per_day: dict[dt.date, int]
    per_week: dict[str, int]
    per_task: dict[str, int]
    per_goal: dict[str, int]
    per_skill: dict[str, int]
    titles: dict[str, str]
    sessions: int


def _add(table: dict[str, int], key: str, minutes: int) -> None:
    table[key] = table.get(key, 0) + minutes


def _by_minutes(table: dict[str, int]) -> dict[str, int]:
    return dict(sorted(table.items(), key=lambda kv: (-kv[1], kv[0])))


def time_report(rows: Sequence[Row], since: dt.date | None = None,
                until: dt.date | None = None) -> TimeReport:
    """Sum focus sessions (the parts of them) that fall between `since` and `until`."""
    refs = Refs(rows)
    per_day: dict[dt.date, int] = {}
    per_week: dict[str, int] = {}
    per_task: dict[str, int] = {}
    per_goal: dict[str, int] = {}
    per_skill: dict[str, int] = {}
    titles: dict[str, str] = {}
    cache: dict[str, Attribution] = {}
    count = 0
    for session in sessions(rows):
        parts = [(d, m) for d, m in split_by_day(session.start, session.minutes)
                 if not ((since and d < since) or (until and d > until))]
        if not parts:
            continue
        count += 1
        minutes = sum(m for _, m in parts)
        for day, part in parts:
            per_day[day] = per_day.get(day, 0) + part
            _add(per_week, iso_week(day), part)
        who = attribution(session.task, refs, cache, session.goal)
        _add(per_task, who.task, minutes)
        titles[who.task] = who.task_title
        _add(per_goal, who.goal or NO_GOAL, minutes)
        if who.goal:
            titles[who.goal] = who.goal_title or who.goal
        for skill in who.skills:
            _add(per_skill, skill, minutes)
            row = refs.get(skill, "skill")
            titles[skill] = row.title if row else skill
    return TimeReport(since=since, until=until, total=sum(per_day.values()),
                      per_day=dict(sorted(per_day.items())), per_week=dict(sorted(per_week.items())),
                      per_task=_by_minutes(per_task), per_goal=_by_minutes(per_goal),
                      per_skill=_by_minutes(per_skill), titles=titles, sessions=count)


def goal_minutes_series(rows: Sequence[Row], today: dt.date,
                        weeks: int = 8) -> dict[str, list[tuple[str, int]]]:
    """For the Career chart: goal title → [(ISO week, minutes)] for the last `weeks` weeks
    (oldest first, every week present, zeros included). Minutes without a goal are under
    "(no goal)"."""
    mondays = last_weeks(today, weeks)
    labels = [iso_week(m) for m in mondays]
    refs = Refs(rows)
    table: dict[str, dict[str, int]] = {}
    cache: dict[str, Attribution] = {}
    since, until = mondays[0], mondays[-1] + dt.timedelta(days=6)
    for session in sessions(rows):
        who = attribution(session.task, refs, cache, session.goal)
        name = who.goal_title or NO_GOAL
        for day, part in split_by_day(session.start, session.minutes):
            if since <= day <= until:
                per = table.setdefault(name, dict.fromkeys(labels, 0))
                per[iso_week(day)] += part
    return {name: list(per.items()) for name, per in sorted(table.items())}


def session_title(start: dt.datetime, task_title: str) -> str:
    """Title of a new session file; its slug starts with the date and time, like
    `focus/2026-11-19-2320-orders-cutover.md`."""
    return f"{start:%Y-%m-%d %H%M} {task_title}"


def session_fields(task: str, start: dt.datetime, minutes: int) -> dict[str, object]:
    """Front matter of a new session file (for `Vault.create("focus", …)`)."""
    return {"task": task, "start": start.replace(microsecond=0), "minutes": minutes}


# --- the running timer (.solo/focus-running.toml) ---------------------------------------------
@dataclass(frozen=True)
class RunningTimer:
    """A timer started with `solo focus start`: which task, since when."""

    task: str
    title: str
    start: dt.datetime
    planned: int = 0  # minutes of a Pomodoro phase (the TUI's `f`); 0: open-ended
    block: str = ""  # the time block it was started from, if any
    goal: str = ""  # the block's goal, logged with the session

    def elapsed_minutes(self, now: dt.datetime) -> int:
        return max(int((now - self.start).total_seconds() // 60), 0)

    @property
    def ends(self) -> dt.datetime | None:
        return self.start + dt.timedelta(minutes=self.planned) if self.planned else None


class TimerError(ValueError):
    """The running-timer file is missing where needed, present where not, or unreadable."""


def running_timer(solo_dir: Path) -> RunningTimer | None:
    """The running timer, or None; a damaged file raises TimerError naming it."""
    path = solo_dir / RUNNING_FILE
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise TimerError(f"{path}: {exc}") from None
    start = data.get("start")
    if not isinstance(start, dt.datetime) or not isinstance(data.get("task"), str):
        raise TimerError(f"{path}: needs `task` and a local date-time `start`")
    planned = data.get("minutes", 0)
    return RunningTimer(task=data["task"], title=str(data.get("title") or data["task"]),
                        start=start.replace(tzinfo=None),
                        planned=planned if isinstance(planned, int) and planned > 0 else 0,
                        block=str(data.get("block") or ""), goal=str(data.get("goal") or ""))


def start_timer(solo_dir: Path, task: str, title: str, now: dt.datetime,
                planned: int = 0, block: str = "", goal: str = "") -> RunningTimer:
    """Record a running timer (`planned` minutes, or open-ended); TimerError when one runs."""
    current = running_timer(solo_dir)
    if current is not None:
        raise TimerError(f"a timer is already running on {current.title!r} since "
                         f"{current.start:%Y-%m-%d %H:%M}; stop it first")
    timer = RunningTimer(task=task, title=title, start=now.replace(microsecond=0),
                         planned=max(planned, 0), block=block, goal=goal)
    data: dict[str, object] = {"task": timer.task, "title": timer.title, "start": timer.start}
    data.update({k: v for k, v in (("block", block), ("goal", goal)) if v})
    if timer.planned:
        data["minutes"] = timer.planned
    atomic_write_bytes(solo_dir / RUNNING_FILE, tomli_w.dumps(data).encode("utf-8"))
    return timer


@dataclass(frozen=True)
class Stopped:
    """What `stop_timer` did: the timer, the minutes logged (0: none) and the file written."""

    timer: RunningTimer
    minutes: int
    path: str | None
    message: str


def log_session(vault: Any, task: str, title: str, start: dt.datetime, minutes: int,
                note: str = "", block: str = "", goal: str = "") -> Any:
    """Write a focus session file `focus/YYYY-MM-DD-HHMM-<task>.md` titled after the task
    (with the `block` it was started from and that block's `goal`, when given)."""
    extra = {k: v for k, v in (("block", block), ("goal", goal)) if v}
    item = vault.create("focus", session_title(start, title),
                        {**session_fields(task, start, minutes), **extra,
                         "created": start.date()}, note)
    return vault.update(item.row, {"title": title})


def stop_timer(vault: Any, now: dt.datetime, *, discard: bool = False, note: str = "",
               limit: int | None = None) -> Stopped | None:
    """End the running timer: log the minutes worked (at most `limit`, e.g. the planned length),
    or drop them when under a minute or `discard`; None when no timer runs."""
    timer = running_timer(vault.solo_dir)
    if timer is None:
        return None
    minutes = timer.elapsed_minutes(now)
    if limit is not None:
        minutes = min(minutes, limit)
    if discard or minutes < 1:
        clear_timer(vault.solo_dir)
        message = (f"Timer discarded ({minutes} min on {timer.title} not logged)" if discard
                   else f"Under a minute on {timer.title}: nothing logged")
        return Stopped(timer, 0, None, message)
    item = log_session(vault, timer.task, timer.title, timer.start, minutes, note,
                       timer.block, timer.goal)
    clear_timer(vault.solo_dir)
    return Stopped(timer, minutes, item.path, f"Logged {minutes} min on {timer.title} "
                                              f"({item.path})")


def clear_timer(solo_dir: Path) -> None:
    (solo_dir / RUNNING_FILE).unlink(missing_ok=True)
