"""Editing one checkbox task inside a note's text: find it again, finish it, reschedule it, set its priority.

Pure functions of the file's text; `core.items` reads the file, calls these and writes the
result through the normal write path. Each edit changes exactly the task's line (and, for a
Logseq block, its planning line), or refuses with one line saying why and changes nothing:

- the task is found by its id in the text as it is now; when its line no longer reads as it
  did when it was listed, the edit is refused (never the wrong line);
- done: `[x]` and ` ✅ YYYY-MM-DD` (Dataview: `[completion:: …]`), Logseq `TODO` → `DONE`;
  done twice is refused, as for file tasks;
- a recurring task (🔁, `[repeat:: …]`) gets its next occurrence as a new line above the
  finished one, with its dates moved by `core.recur` the way a repeating task file moves
  (the first occurrence after today, or counted from today for "when done" rules), as the
  Tasks plugin does by default; its second `done` on one day is refused. A Logseq block with
  a repeater (`<2026-12-05 Sat .+1w>`) stays `TODO` and its dates move, as Logseq does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from solo.core.engine.linetasks import Found, scan, split_lines, task_key
from solo.core.errors import SoloError
from solo.core.model import checkbox, fileformat
from solo.core.model.completion import CompletionRefused, complete_task


class LineChanged(SoloError, ValueError):
    """The task's line is not what it was when it was listed (edited meanwhile)."""


EDITABLE = ("status", "priority", "due", "scheduled", "start")


@dataclass(frozen=True)
class Edited:
    """The new text of the file and the line of the task (and of its next occurrence)."""

    text: str
    line: int
    next_line: int | None = None


def locate(text: str, note: str, task_id: str, expected: str | None) -> tuple[Found, list[Found]]:
    """The task with this id in the file's text now (and every task of the file).

    Refuses (LineChanged) when it is gone or its line reads differently than `expected`."""
    parsed = fileformat.split(text)
    found = scan(parsed.head, parsed.body, note)
    match = next((f for f in found if f.id == task_id), None)
    if match is None:
        raise LineChanged("the task is no longer in the note (edited meanwhile?); list tasks "
                          "again")
    if expected is not None and match.text != expected:
        raise LineChanged(f"line {match.line} changed since it was read "
                          f"(now {match.text.strip()!r}); nothing written, list tasks again")
    return match, found


def _join(lines: list[str], text: str, newline: str) -> str:
    return newline.join(lines) + (newline if text.endswith("\n") else "")


def _ending(raw: str) -> str:
    return "\r" if raw.endswith("\r") else ""


def _day(value: object) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def next_dates(fields: Mapping[str, str], today: dt.date, *, force: bool = False
               ) -> dict[str, dt.date]:
    """The dates of a recurring task's next occurrence (due, scheduled, start), moved by
    `completion.complete_task` as a repeating task file's are; a task with only a start
    date moves it as its scheduled day; one with no date gets a due date."""
    base: dict[str, object] = {"status": "inbox", "recur": fields.get("recur")}
    dates = {k: _day(fields.get(k)) for k in ("due", "scheduled", "start")}
    for key in ("due", "scheduled"):
        if dates[key] is not None:
            base[key] = dates[key]
    only_start = len(base) == 2 and dates["start"] is not None
    if only_start:
        base["scheduled"] = dates["start"]
    following = complete_task(base, today, force=force).fields
    if only_start:
        return {"start": following["scheduled"]}
    out: dict[str, dt.date] = {k: following[k] for k in ("due", "scheduled")
                               if k in base or k == "due" and len(base) == 2}
    anchor = "due" if dates["due"] is not None else "scheduled"
    old = dates[anchor]
    if dates["start"] is not None and old is not None:
        out["start"] = dates["start"] + (following[anchor] - old)
    return out


def complete(text: str, note: str, task_id: str, expected: str | None, today: dt.date, *,
             force: bool = False) -> Edited:
    """Finish the task once (see the module's rules)."""
    match, found = locate(text, note, task_id, None)
    task = match.task
    if task.status == "done":  # also when ticked since it was read: say so, not "changed"
        when = match.fields.get("done")
        raise CompletionRefused("already done" + (f" on {when}" if when else ""))
    locate(text, note, task_id, expected)
    if task.status == "cancelled" and not force:
        raise CompletionRefused("is cancelled; use --force to mark it done anyway")
    lines = split_lines(text)
    newline = "\n"
    index = match.line - 1
    end = _ending(lines[index])
    recur = match.fields.get("recur")
    if task.marker is not None:
        if recur and match.plan_line is not None:
            moved = next_dates(match.fields, today, force=force)
            plan = lines[match.plan_line - 1]
            lines[match.plan_line - 1] = checkbox.with_planning_dates(plan, moved)
        else:
            lines[index] = checkbox.render(checkbox.with_status(task, "done")) + end
        return Edited(_join(lines, text, newline), match.line)
    finished = checkbox.with_field(checkbox.with_status(task, "done"), "done", today.isoformat())
    if not recur:
        lines[index] = checkbox.render(finished) + end
        return Edited(_join(lines, text, newline), match.line)
    key = task_key(task)
    if not force and any(f is not match and task_key(f.task) == key and f.task.status == "done"
                         and f.fields.get("done") == today.isoformat() for f in found):
        upcoming = match.fields.get("due") or match.fields.get("scheduled")
        raise CompletionRefused("already done today" + (f"; next on {upcoming}" if upcoming
                                                        else ""))
    try:
        moved = next_dates(match.fields, today, force=force)
    except ValueError as exc:
        raise ValueError(f"cannot repeat the task: {exc}") from None
    following = checkbox.with_status(task, "inbox")
    for key_name in ("done", "cancelled"):
        following = checkbox.with_field(following, key_name, None)
    for key_name, day in moved.items():
        following = checkbox.with_field(following, key_name, day.isoformat())
    lines[index:index + 1] = [checkbox.render(following) + end, checkbox.render(finished) + end]
    return Edited(_join(lines, text, newline), match.line + 1, match.line)


def update(text: str, note: str, task_id: str, expected: str | None,
           changes: Mapping[str, object]) -> Edited:
    """Set status (not done: use `complete`), priority, due, scheduled or start on the line;
    a value of None removes the field."""
    unknown = [k for k in changes if k not in EDITABLE]
    if unknown:
        raise ValueError(f"a checkbox task keeps only {', '.join(EDITABLE)} on its line; "
                         f"edit the note to change {', '.join(unknown)}")
    match, _found = locate(text, note, task_id, expected)
    task = match.task
    lines = split_lines(text)
    index = match.line - 1
    end = _ending(lines[index])
    for key, value in changes.items():
        if key == "status":
            if value == "done":
                raise ValueError("use done to finish a task")
            if value not in checkbox.STATUS_BOX:
                raise ValueError(f"status {value!r} is not a task status")
            task = checkbox.with_status(task, str(value))
        elif key == "priority":
            if value is not None and value not in ("high", "medium", "low"):
                raise ValueError(f"priority {value!r} is not high, medium or low")
            task = checkbox.with_priority(task, None if value is None else str(value))
        else:
            day = None if value is None else _as_day(key, value)
            if task.marker is not None and key in ("due", "scheduled"):
                lines = _logseq_date(lines, match, key, day)
                continue
            task = checkbox.with_field(task, key, None if day is None else day.isoformat())
    lines[index] = checkbox.render(task) + end
    return Edited(_join(lines, text, "\n"), match.line)


def _as_day(key: str, value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    day = _day(value)
    if day is None:
        raise ValueError(f"{key}: {value!r} is not a date (YYYY-MM-DD)")
    return day


def _logseq_date(lines: list[str], match: Found, key: str, day: dt.date | None) -> list[str]:
    """A Logseq block's date lives on its planning line: move it there, or add a line below."""
    if match.plan_line is not None:
        plan = lines[match.plan_line - 1]
        known = checkbox.planning(plan.rstrip("\r"))
        if known is not None and key in known.fields:
            if day is None:
                raise ValueError(f"remove the {key} date of a Logseq block in the note itself")
            lines[match.plan_line - 1] = checkbox.with_planning_dates(plan, {key: day})
            return lines
    if day is None:
        return lines
    new = checkbox.planning_line(match.task.indent, key, day)
    lines.insert(match.line, new + _ending(lines[match.line - 1]))
    return lines
