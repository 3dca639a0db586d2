"""`solo plan`: show a day's time blocks, and add, move or remove them.

    solo plan [DATE] [--json]
    solo plan add 09:00-10:30 "Title" [--task ID] [--goal ID] [--kind focus] [--date DATE]
    solo plan move ID 14:00-15:30 [--date DATE]
    solo plan remove ID
"""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from solo.core.career import progress as career
from solo.core.engine.index import Row
from solo.core.model import dates
from solo.core.model import kinds as model
from solo.core.planning import blocks
from solo.core.vault import Vault, VaultError
from solo.tui.cli.common import UserError, open_vault, print_json, today

ACTIONS = ("add", "move", "remove")


def _day(text: str | None) -> dt.date:
    if not text:
        return today()
    try:
        return dates.parse_date(text, today())
    except ValueError as exc:
        raise UserError(str(exc)) from None


def _span(text: str) -> tuple[int, int]:
    try:
        return blocks.parse_span(text)
    except ValueError as exc:
        raise UserError(str(exc)) from None


def _block(vault: Vault, ref: str) -> Row:
    try:
        row = vault.resolve(ref)
    except VaultError as exc:
        raise UserError(str(exc)) from None
    if row.kind != "block":
        raise UserError(f"{row.path} is a {row.kind}, not a block")
    return row


def _ref(vault: Vault, ref: str | None, kind: str) -> str | None:
    if not ref:
        return None
    try:
        row = vault.resolve(ref)
    except VaultError as exc:
        raise UserError(str(exc)) from None
    if row.kind != kind:
        raise UserError(f"{row.path} is a {row.kind}, not a {kind}")
    return career.stem(row)


def plan_json(plan: blocks.DayPlan) -> dict[str, Any]:
    return {"date": plan.day.isoformat(), "working_day": plan.working_day,
            "work_start": blocks.hhmm(plan.work_start), "work_end": blocks.hhmm(plan.work_end),
            "planned_minutes": plan.planned, "problems": plan.problems,
            "blocks": [{**career.jsonable(b.item), "start": blocks.hhmm(b.start),
                        "end": blocks.hhmm(b.end), "minutes": b.minutes, "type": b.type,
                        "task": b.task, "goal": b.goal, "overlaps": b.overlaps,
                        "outside_hours": b.outside_hours} for b in plan.blocks]}


def plan_lines(plan: blocks.DayPlan) -> list[str]:
    hours = (f"working hours {blocks.hhmm(plan.work_start)}–{blocks.hhmm(plan.work_end)}"
             if plan.working_day else "not a working day")
    lines = [f"{plan.day:%A %d %B %Y} · {hours} · {plan.planned // 60} h "
             f"{plan.planned % 60:02d} planned"]
    if not plan.blocks:
        lines.append("  (no blocks: `solo plan add 09:00-10:30 \"Title\" --task ID`)")
    for b in plan.blocks:
        marks = []
        if b.overlaps:
            marks.append("overlaps " + ", ".join(b.overlaps))
        if b.outside_hours:
            marks.append("outside working hours")
        link = f" → {b.task}" if b.task else f" → goal {b.goal}" if b.goal else ""
        lines.append(f"  {b.span}  {b.type:<8} {b.item.title}{link}  [{b.item.id}]"
                     + (f"  ! {'; '.join(marks)}" if marks else ""))
    lines += [f"  ! {p}" for p in plan.problems]
    return lines


def _add(vault: Vault, args: argparse.Namespace, words: list[str]) -> int:
    if len(words) < 2:
        raise UserError('usage: solo plan add HH:MM-HH:MM "Title" [--task ID] [--kind TYPE]')
    start, end = _span(words[0])
    title = " ".join(words[1:]).strip()
    if not title:
        raise UserError("a block needs a title")
    kind = args.kind or "focus"
    if kind not in model.BLOCK_TYPES:
        raise UserError(f"--kind must be one of {', '.join(model.BLOCK_TYPES)}, not {kind!r}")
    day = _day(args.date)
    fields = blocks.block_fields(day, start, end, kind, _ref(vault, args.task, "task"),
                                 _ref(vault, args.goal, "goal"))
    # The file is named for the day and time (so `blocks/` sorts); the title is the title.
    item = vault.create("block", blocks.block_title(day, start, title),
                        {**fields, "title": title, "created": today()}, "")
    print(f"Planned {blocks.hhmm(start)}–{blocks.hhmm(end)} {title} on {day} ({item.path})")
    return _show(vault, day, False, quiet_empty=True)


def _move(vault: Vault, args: argparse.Namespace, words: list[str]) -> int:
    if len(words) != 2:
        raise UserError("usage: solo plan move ID HH:MM-HH:MM [--date DATE]")
    row = _block(vault, words[0])
    start, end = _span(words[1])
    changes: dict[str, object] = {"start": blocks.hhmm(start), "end": blocks.hhmm(end)}
    if args.date:
        changes["date"] = _day(args.date)
    vault.update(row, changes)
    day = changes.get("date") or career.date_of(row, "date") or today()
    print(f"Moved {row.title} to {blocks.hhmm(start)}–{blocks.hhmm(end)} on {day}")
    return 0


def _remove(vault: Vault, words: list[str]) -> int:
    if len(words) != 1:
        raise UserError("usage: solo plan remove ID")
    row = _block(vault, words[0])
    vault.delete(row)
    print(f"Removed {row.title} ({row.path})")
    return 0


def _show(vault: Vault, day: dt.date, as_json: bool, quiet_empty: bool = False) -> int:
    plan = blocks.day_plan(vault.rows(), day, vault.config)
    if as_json:
        print_json(plan_json(plan))
    elif not (quiet_empty and not plan.blocks):
        print("\n".join(plan_lines(plan)))
    return 0


def cmd_plan(args: argparse.Namespace) -> int:
    words = list(args.words)
    with open_vault(args) as vault:
        if words and words[0] in ACTIONS:
            action, rest = words[0], words[1:]
            if action == "add":
                return _add(vault, args, rest)
            if action == "move":
                return _move(vault, args, rest)
            return _remove(vault, rest)
        if len(words) > 1:
            raise UserError(f"solo plan takes one DATE or add/move/remove, not {' '.join(words)!r}")
        return _show(vault, _day(words[0] if words else args.date), args.json)
