"""Finishing a task: once only, a repeating task moving on in place, its checkboxes reset."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from solo.core.errors import SoloError
from solo.core.model.dates import as_date
from solo.core.model.kinds import OPEN_TASK_STATUSES, brief_repr
from solo.core.model.recur import next_after, next_date, parse_recurrence, step


def is_open_task(fields: Mapping[str, Any]) -> bool:
    """True when the task's status is open (a missing status counts as inbox)."""
    return fields.get("status", "inbox") in OPEN_TASK_STATUSES


class CompletionRefused(SoloError, ValueError):
    """`done` on a task that is already finished (or cancelled, without force)."""


@dataclass(frozen=True)
class Completion:
    """What finishing a task does to its fields.

    `fields` are the task's fields afterwards, in the same file: a plain task is done; a
    repeating task stays open with its dates moved to the next occurrence and today added
    to its `completions`. `repeats` tells which of the two happened.
    """

    fields: dict[str, Any]
    repeats: bool


def completion_dates(fields: Mapping[str, Any]) -> list[date]:
    """Every day the task was finished: each entry of `completions`, plus `done` when done."""
    days: list[date] = []
    raw = fields.get("completions")
    for value in raw if isinstance(raw, list) else [raw]:
        day = as_date(value)
        if day is not None:
            days.append(day)
    done = as_date(fields.get("done"))
    if fields.get("status") == "done" and done is not None:
        days.append(done)
    return sorted(days)


def complete_task(fields: Mapping[str, Any], today: date, *, force: bool = False) -> Completion:
    """Finish a task once; a repeating task moves on to its next occurrence in place.

    A task already done is refused (its `done` date is history, not to be rewritten), and so
    is a cancelled task unless `force`. A plain task gets `status = "done"` and `done = today`.
    A task with `recur` keeps its file: `today` is appended to `completions`, `done` is
    dropped, the status goes back to its open status (else "next"), and `due`/`scheduled` move
    to the rule's first date after today — counted from the old date, or from today for rules
    that say "when done" — keeping the gap between the two dates; with neither set, `due`
    becomes the rule's next date after today. A repeating task already finished today is
    refused unless `force`. Other keys, unknown ones included, are kept. Raises
    CompletionRefused or ValueError (an invalid `recur`) before anything is changed.
    """
    status = fields.get("status")
    if status == "done":
        when = as_date(fields.get("done"))
        raise CompletionRefused("already done" + (f" on {when.isoformat()}" if when else ""))
    if status == "cancelled" and not force:
        raise CompletionRefused("is cancelled; use --force to mark it done anyway")
    rule_text = fields.get("recur")
    rule = None
    if rule_text not in (None, ""):
        if not isinstance(rule_text, str):
            raise ValueError(f"cannot repeat the task: recur must be a rule, not {brief_repr(rule_text)}")
        try:
            rule = parse_recurrence(rule_text)
        except ValueError as exc:
            raise ValueError(f"cannot repeat the task: {exc}") from None
    if rule is None:
        return Completion({**fields, "status": "done", "done": today}, repeats=False)
    history = completion_dates({"completions": fields.get("completions")})
    if today in history and not force:
        upcoming = as_date(fields.get("due")) or as_date(fields.get("scheduled"))
        raise CompletionRefused("already done today" + (
            f"; next on {upcoming.isoformat()}" if upcoming else ""))
    following: dict[str, Any] = {k: v for k, v in fields.items() if k != "done"}
    following["status"] = status if status in OPEN_TASK_STATUSES else "next"
    dates = {key: as_date(fields.get(key)) for key in ("due", "scheduled")}
    anchor_key = "due" if dates["due"] is not None else "scheduled"
    anchor = dates[anchor_key]
    if anchor is None:
        following["due"] = next_date(rule, today)
    elif rule.from_completion:
        moved = next_date(rule, today)
        for key, old in dates.items():
            if old is not None:
                following[key] = old + (moved - anchor)
    else:
        moved, steps = next_after(rule, anchor, today)
        for key, old in dates.items():
            if old is not None:
                following[key] = moved if key == anchor_key else step(rule, old, steps)
    following["completions"] = [*history, today]
    return Completion(following, repeats=True)


# Patterns kept as text: `re` compiles each on first use (and caches it), not at import.
_CHECKED_BOX = r"^(\s*(?:[-*+]|\d+[.)])\s+)\[[xX]\]"


def reset_checkboxes(body: str) -> str:
    """The body with every ticked `- [x]` list box unticked, outside fenced code."""
    from solo.core.model import markdown  # (a list judges tasks open without the scanner)

    pieces: list[str] = []
    scanned = markdown.lines(body)
    for index, line in enumerate(scanned):
        end = scanned[index + 1].start if index + 1 < len(scanned) else len(body)
        raw = body[line.start:end]
        pieces.append(raw if line.in_code else re.sub(_CHECKED_BOX, r"\1[ ]", raw, count=1))
    return "".join(pieces)


# --- file names ----------------------------------------------------------------------------
