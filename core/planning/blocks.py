"""Time blocks: a day planned in `block` files, overlaps and blocks outside working hours, planned time per goal.

A block is one small vault file (`blocks/2026-11-26-0900-orders-backfill.md`) with `date`,
`start`, `end` (HH:MM), `type` (focus, meeting, admin, break, learning) and an optional
`task` and `goal`. One file per block, rather than a list inside the daily note, so that
`solo plan add/move/remove` and the TUI edit one small document without ever rewriting the
user's prose, two devices planning the same day merge per block, and each block is checked
field by field like every other item. Everything here is a pure function of rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from solo.core.career.progress import ItemRef, Refs, ref_list
from solo.core.config import Config, WorkConfig
from solo.core.engine.index import Row
from solo.core.model.dates import as_date
from solo.core.planning.focus import week_range
from solo.core.planning.taskwarrior import CalendarEvent
from solo.core.planning.wellbeing import is_working_day

DEFAULT_MINUTES = 60
"""Length of a block for a task without an `estimate`."""


@dataclass(frozen=True)
class Block:
    """One well-formed block: minutes from midnight for `start` and `end` (end > start)."""

    item: ItemRef
    day: dt.date
    start: int
    end: int
    type: str
    task: str | None
    goal: str | None
    overlaps: list[str] = field(default_factory=list)
    outside_hours: bool = False

    @property
    def minutes(self) -> int:
        return self.end - self.start

    @property
    def span(self) -> str:
        return f"{hhmm(self.start)}–{hhmm(self.end)}"


@dataclass(frozen=True)
class DayPlan:
    """A day's blocks in time order, the working hours, and the blocks Solo could not read."""

    day: dt.date
    blocks: list[Block]
    work_start: int
    work_end: int
    working_day: bool
    problems: list[str]

    @property
    def planned(self) -> int:
        return sum(b.minutes for b in self.blocks)


def hhmm(minutes: int) -> str:
    """Minutes from midnight as HH:MM (1440 is 24:00)."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def parse_hhmm(text: object) -> int | None:
    """HH:MM (00:00–24:00) as minutes from midnight, else None."""
    if not isinstance(text, str):
        return None
    hours, sep, mins = text.strip().partition(":")
    if not sep or not (hours.isdigit() and mins.isdigit()) or len(mins) != 2:
        return None
    value = int(hours) * 60 + int(mins)
    return value if int(mins) < 60 and 0 <= value <= 24 * 60 else None


def parse_span(text: str) -> tuple[int, int]:
    """"09:00-10:30" (or "9:00–10:30") as (start, end) minutes; ValueError when malformed."""
    first, sep, second = text.replace("–", "-").partition("-")
    start, end = parse_hhmm(first), parse_hhmm(second)
    if not sep or start is None or end is None:
        raise ValueError(f"a time span is written HH:MM-HH:MM, not {text!r}")
    if end <= start:
        raise ValueError(f"the block ends ({hhmm(end)}) before it starts ({hhmm(start)})")
    return start, end


def _work(config: WorkConfig | Config) -> WorkConfig:
    return config.work if isinstance(config, Config) else config


def _hours(work: WorkConfig) -> tuple[int, int]:
    start = work.start_time().hour * 60 + work.start_time().minute
    end = work.end_time().hour * 60 + work.end_time().minute
    return start, end if end > start else 24 * 60


def block_of(row: Row, refs: Refs | None = None) -> Block | str:
    """The block a row holds, or one line naming the file and what is wrong with it."""
    day = as_date(row.fields.get("date"))
    start, end = parse_hhmm(row.fields.get("start")), parse_hhmm(row.fields.get("end"))
    if row.problem:
        return f"{row.path}: {row.problem}"
    if day is None:
        return f"{row.path}: date is missing (YYYY-MM-DD)"
    if start is None or end is None:
        return f"{row.path}: start and end must be times HH:MM"
    if end <= start:
        return f"{row.path}: end ({hhmm(end)}) is not after start ({hhmm(start)})"
    task = ref_list(row.fields.get("task"))
    goal = ref_list(row.fields.get("goal"))
    task_key = (refs.key(task[0], "task") if refs else task[0]) if task else None
    goal_key = (refs.key(goal[0], "goal") if refs else goal[0]) if goal else None
    if goal_key is None and task and refs:  # a block on a task serves the task's goal
        task_row = refs.get(task[0], "task")
        task_goal = ref_list(task_row.fields.get("goal")) if task_row else []
        goal_key = refs.key(task_goal[0], "goal") if task_goal else None
    kind = row.fields.get("type")
    return Block(item=ItemRef.of(row), day=day, start=start, end=end,
                 type=kind if isinstance(kind, str) and kind else "focus",
                 task=task_key, goal=goal_key)


def blocks_between(rows: Sequence[Row], since: dt.date, until: dt.date,
                   refs: Refs | None = None) -> tuple[list[Block], list[str]]:
    """Well-formed blocks dated within [since, until] in time order, and one line per block
    file that cannot be read (undated ones are reported whatever the range)."""
    refs = refs or Refs(rows)
    out, problems = [], []
    for row in rows:
        if row.kind != "block":
            continue
        block = block_of(row, refs)
        if isinstance(block, str):
            if row.problem or as_date(row.fields.get("date")) is None \
                    or since <= (as_date(row.fields.get("date")) or since) <= until:
                problems.append(block)
            continue
        if since <= block.day <= until:
            out.append(block)
    out.sort(key=lambda b: (b.day, b.start, b.end, b.item.title.lower()))
    return out, problems


def day_plan(rows: Sequence[Row], day: dt.date, config: WorkConfig | Config) -> DayPlan:
    """The day's blocks with overlaps (the titles of the blocks each one collides with) and
    blocks that reach outside working hours (every block on a day off) marked."""
    work = _work(config)
    raw, problems = blocks_between(rows, day, day)
    start, end = _hours(work)
    working = is_working_day(day, work)
    marked = []
    for block in raw:
        others = [o.item.title for o in raw
                  if o is not block and o.start < block.end and block.start < o.end]
        outside = not working or block.start < start or block.end > end
        marked.append(Block(block.item, block.day, block.start, block.end, block.type,
                            block.task, block.goal, others, outside))
    return DayPlan(day=day, blocks=marked, work_start=start, work_end=end, working_day=working,
                   problems=problems)


def free_slot(plan: DayPlan, minutes: int, after: int = 0) -> int:
    """The first start time (minutes from midnight) at or after `after` and within working
    hours where `minutes` fit without overlapping a block; the end of the last block when the
    working day has no such room."""
    at = max(plan.work_start, after)
    for block in sorted(plan.blocks, key=lambda b: b.start):
        if block.end <= at:
            continue
        if block.start >= at + minutes:
            break
        at = max(at, block.end)
    return min(at, 24 * 60 - minutes) if minutes <= 24 * 60 else 0


def block_fields(day: dt.date, start: int, end: int, type_: str = "focus",
                 task: str | None = None, goal: str | None = None) -> dict[str, object]:
    """Front matter of a new block file (for `Vault.create("block", …)`)."""
    out: dict[str, object] = {"date": day, "start": hhmm(start), "end": hhmm(end),
                              "type": type_}
    if task:
        out["task"] = task
    if goal:
        out["goal"] = goal
    return out


def block_title(day: dt.date, start: int, title: str) -> str:
    """Title of a new block file: its slug starts with the day and time, so `blocks/` sorts."""
    return f"{day:%Y-%m-%d} {hhmm(start).replace(':', '')} {title}"


def task_minutes(task: Row) -> int:
    """A task's `estimate` in minutes, else `DEFAULT_MINUTES`; at least 5 minutes."""
    value = task.fields.get("estimate")
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return max(min(value, 24 * 60), 5)
    return DEFAULT_MINUTES


def block_at(plan: DayPlan, minute: int) -> Block | None:
    """The block running at `minute` (the latest started when several overlap)."""
    running = [b for b in plan.blocks if b.start <= minute < b.end]
    return running[-1] if running else None


@dataclass(frozen=True)
class GoalTime:
    """Planned (blocks) and focused (sessions) minutes of one goal in a period."""

    goal: str
    title: str
    planned: int
    focused: int


def planned_vs_focused(rows: Sequence[Row], monday: dt.date,
                       per_goal_focus: dict[str, int],
                       titles: dict[str, str]) -> list[GoalTime]:
    """Per goal, the minutes planned in blocks in the ISO week of `monday` beside the focus
    minutes (`per_goal_focus`, from `focus.time_report`); break blocks plan no work."""
    monday, sunday = week_range(monday)
    refs = Refs(rows)
    blocks, _ = blocks_between(rows, monday, sunday, refs)
    planned: dict[str, int] = {}
    for block in blocks:
        if block.type == "break":
            continue
        key = block.goal or "(no goal)"
        planned[key] = planned.get(key, 0) + block.minutes
    out = []
    for key in sorted(set(planned) | set(per_goal_focus)):
        goal = refs.get(key, "goal")
        out.append(GoalTime(goal=key, title=goal.title if goal else titles.get(key, key),
                            planned=planned.get(key, 0), focused=per_goal_focus.get(key, 0)))
    return sorted(out, key=lambda g: (g.goal == "(no goal)", -(g.planned + g.focused), g.goal))


def calendar_events(rows: Sequence[Row]) -> list[CalendarEvent]:
    """Every well-formed time block (private ones left out) as a calendar event, for
    `solo export --format ics`; `rows` should hold the tasks and goals the blocks name."""
    shown = [r for r in rows if not r.private]
    found, _ = blocks_between(shown, dt.date.min, dt.date.max, Refs(shown))
    out = []
    for b in found:
        day = dt.datetime.combine(b.day, dt.time())
        about = [f"Task: {b.task}"] if b.task else []
        about += [f"Goal: {b.goal}"] if b.goal else []
        about.append(f"Solo {b.item.id} ({b.item.path})")
        out.append(CalendarEvent(uid=f"{b.item.id or b.item.stem}-block@solo",
                                 title=b.item.title, start=day + dt.timedelta(minutes=b.start),
                                 end=day + dt.timedelta(minutes=b.end), category=b.type,
                                 description="\n".join(about)))
    return out


def day_facts(rows: Sequence[Row], day: dt.date,
              config: WorkConfig | Config | None = None) -> list[tuple[Row, str]]:
    """The day's blocks as (row, one line) for the assistant's structured facts."""
    plan = day_plan(rows, day, config or WorkConfig())
    by_path = {r.path: r for r in rows}
    out = []
    for b in plan.blocks:
        bits = [f"time block {b.day} {b.span} ({b.type})"]
        bits += [f"for task {b.task}"] if b.task else []
        bits += [f"goal {b.goal}"] if b.goal else []
        bits += [f"overlaps {', '.join(b.overlaps)}"] if b.overlaps else []
        bits += ["outside working hours"] if b.outside_hours else []
        out.append((by_path[b.item.path], ", ".join(bits)))
    return out
