"""The weekly review draft: the week's finished tasks, focus per goal, achievements, goal progress against the last review, and open questions.

`review_draft` gathers the facts; `review_fields`/`review_body` turn them into a review
file for the user to complete. The new file records `progress` per goal in its front
matter so the next review can show what moved.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from solo.core.career.progress import (
    GoalProgress,
    ItemRef,
    Refs,
    date_of,
    goals_progress,
    number,
    ref_list,
    stem,
    visible,
)
from solo.core.config import Config, WorkConfig
from solo.core.engine.index import Row
from solo.core.model.completion import completion_dates
from solo.core.model.kinds import OPEN_TASK_STATUSES
from solo.core.planning.blocks import GoalTime, planned_vs_focused
from solo.core.planning.focus import (
    NO_GOAL,
    TimeReport,
    iso_week,
    parse_iso_week,
    time_report,
    week_range,
)
from solo.core.planning.wellbeing import WeekLoad, week_load

REVIEW_FOLDER = "reviews"


def review_title(period: str) -> str:
    return f"Weekly review {period}"


def review_file_title(period: str) -> str:
    """The title a new review file is created with: its slug is the file name wanted,
    `reviews/2026-w48.md` (the title is then set to `review_title`)."""
    return period


def find_review(rows: Sequence[Row], period: str) -> Row | None:
    """The review of `period` ("2026-W48"), if the vault has one."""
    for row in visible(rows, "review"):
        value = row.fields.get("period")
        if isinstance(value, str) and value.strip().upper() == period.upper():
            return row
    return None


def _monday_of(row: Row) -> dt.date | None:
    value = row.fields.get("period")
    try:
        return parse_iso_week(value) if isinstance(value, str) else None
    except ValueError:
        return None


def previous_review(rows: Sequence[Row], monday: dt.date) -> Row | None:
    """The latest review of a week before `monday` that recorded goal `progress`."""
    best: tuple[dt.date, Row] | None = None
    for row in visible(rows, "review"):
        start = _monday_of(row)
        if start is None or start >= monday or not isinstance(row.fields.get("progress"), Mapping):
            continue
        if best is None or start > best[0]:
            best = (start, row)
    return best[1] if best else None


@dataclass(frozen=True)
class GoalChange:
    """A goal's progress now, and at the previous review (None when it did not record it)."""

    progress: GoalProgress
    previous: float | None

    @property
    def delta(self) -> float | None:
        return None if self.previous is None else self.progress.progress - self.previous


@dataclass(frozen=True)
class FinishedTask:
    item: ItemRef
    done: dt.date
    goal: str | None


@dataclass(frozen=True)
class ReviewDraft:
    """Everything a weekly review starts from."""

    period: str
    monday: dt.date
    sunday: dt.date
    today: dt.date
    finished: list[FinishedTask]
    focus: TimeReport
    load: WeekLoad
    achievements: list[tuple[ItemRef, dt.date | None, str]]
    goals: list[GoalChange]
    previous_period: str | None
    questions: list[str]
    next_week: list[tuple[ItemRef, dt.date]]
    planned: list[GoalTime] = field(default_factory=list)
    """per goal, minutes planned in time blocks beside the minutes focused"""


def _hours(minutes: int) -> str:
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60:02d}" if minutes % 60 else f"{minutes // 60} h"


def _questions(rows: Sequence[Row], goals: list[GoalChange], load: WeekLoad,
               as_of: dt.date) -> list[str]:
    out = []
    for change in goals:
        gp = change.progress
        still = change.delta is not None and abs(change.delta) < 0.005
        if gp.overdue:
            out.append(f"[[{gp.goal.stem}]] is past its target date ({gp.target}) at "
                       f"{gp.progress:.0%}: move the date, cut the scope, or close it?")
        elif gp.at_risk:
            out.append(f"[[{gp.goal.stem}]] is at risk ({gp.progress:.0%} done, target "
                       f"{gp.target}{', no change since the last review' if still else ''}): "
                       "move the date, cut the scope, or make room for it?")
        elif still and gp.progress < 1:
            out.append(f"[[{gp.goal.stem}]] did not move since the last review: still a "
                       "priority?")
    overdue, waiting = [], []
    inbox = 0
    for row in visible(rows, "task"):
        status = row.status or "inbox"
        if status not in OPEN_TASK_STATUSES:
            continue
        due = date_of(row, "due")
        if due and due < as_of:
            overdue.append(f"[[{stem(row)}]] (due {due})")
        if status == "waiting":
            who = row.fields.get("waiting_for")
            waiting.append(f"[[{stem(row)}]]" + (f" ({who})" if isinstance(who, str) else ""))
        if status == "inbox":
            inbox += 1
    if overdue:
        out.append("Overdue — do, reschedule, delegate or drop? " + ", ".join(overdue))
    if waiting:
        out.append("Still waiting — chase or let go? " + ", ".join(waiting))
    if inbox:
        out.append(f"{inbox} item(s) in the inbox to clarify.")
    if load.over_cap:
        out.append(f"{_hours(load.minutes)} this week against a {_hours(load.cap)} cap: "
                   "what do you drop or hand back next week?")
    return out


def review_draft(rows: Sequence[Row], today: dt.date, week: str | None = None,
                 work: WorkConfig | Config | None = None) -> ReviewDraft:
    """The draft of the review of ISO week `week` ("2026-W48"; default: `today`'s week).

    The draft becomes a vault file the assistant may read, so private items (and the focus
    time on them) are left out of it; the week's load still counts all logged time.
    Raises ValueError for a week that does not exist.
    """
    everything, rows = rows, [r for r in rows if not r.private]
    monday = parse_iso_week(week) if week else today - dt.timedelta(days=today.weekday())
    monday, sunday = week_range(monday)
    period = iso_week(monday)
    refs = Refs(rows)
    finished = []
    for row in visible(rows, "task"):
        # A repeating task keeps one file and lists each day it was finished.
        for done in completion_dates({**row.fields, "status": row.status}):
            if monday <= done <= sunday:
                goal = ref_list(row.fields.get("goal"))
                finished.append(FinishedTask(item=ItemRef.of(row), done=done,
                                             goal=refs.key(goal[0], "goal") if goal else None))
    finished.sort(key=lambda f: (f.done, f.item.title.lower()))
    achievements: list[tuple[ItemRef, dt.date | None, str]] = []
    for row in visible(rows, "achievement"):
        when = date_of(row, "date")
        if when and monday <= when <= sunday:
            impact = row.fields.get("impact")
            achievements.append((ItemRef.of(row), when, impact if isinstance(impact, str) else ""))
    achievements.sort(key=lambda a: a[1] or dt.date.min)
    before = previous_review(rows, monday)
    recorded = before.fields.get("progress") if before else None
    goals = []
    for gp in goals_progress(rows, today, include_inactive=False):
        prev = number(recorded.get(gp.goal.stem)) if isinstance(recorded, Mapping) else None
        goals.append(GoalChange(progress=gp, previous=prev))
    load = week_load(everything, work or WorkConfig(), monday)
    next_monday = monday + dt.timedelta(days=7)
    upcoming = []
    for row in visible(rows, "task"):
        if (row.status or "inbox") not in OPEN_TASK_STATUSES:
            continue
        when = date_of(row, "due", "scheduled")
        if when and next_monday <= when <= next_monday + dt.timedelta(days=6):
            upcoming.append((ItemRef.of(row), when))
    upcoming.sort(key=lambda u: (u[1], u[0].title.lower()))
    as_of = min(today, sunday + dt.timedelta(days=1))
    focus = time_report(rows, monday, sunday)
    return ReviewDraft(period=period, monday=monday, sunday=sunday, today=today,
                       finished=finished, focus=focus, load=load,
                       achievements=achievements, goals=goals,
                       previous_period=str(before.fields.get("period")) if before else None,
                       questions=_questions(rows, goals, load, as_of), next_week=upcoming,
                       planned=planned_vs_focused(rows, monday, focus.per_goal, focus.titles))


def review_fields(draft: ReviewDraft) -> dict[str, Any]:
    """Front matter of the new review: period, date, the focus minutes, the weekly cap in
    hours, and `progress` per goal (file stem → 0–1) for the next review to compare with."""
    return {
        "period": draft.period,
        "date": draft.today,
        "focus_minutes": draft.focus.total,
        "hours_cap": round(draft.load.cap / 60, 2),
        "tags": ["review"],
        "progress": {c.progress.goal.stem: round(c.progress.progress, 3) for c in draft.goals},
    }


def _span(monday: dt.date, sunday: dt.date) -> str:
    if monday.month == sunday.month:
        return f"{monday.day} to {sunday.day} {sunday:%B %Y}"
    if monday.year == sunday.year:
        return f"{monday.day} {monday:%B} to {sunday.day} {sunday:%B %Y}"
    return f"{monday.day} {monday:%B %Y} to {sunday.day} {sunday:%B %Y}"


def _delta(change: GoalChange, previous_period: str | None) -> str:
    if change.delta is None:
        return ""
    points = round(change.delta * 100)
    sign = "+" if points > 0 else "±" if points == 0 else "−"
    return f" ({sign}{abs(points)} pts since {previous_period})"


def review_body(draft: ReviewDraft) -> str:
    """The Markdown body: facts filled in, prompts left for the user."""
    focus = draft.focus
    lines = [f"# Weekly review — {draft.period} ({_span(draft.monday, draft.sunday)})", "",
             "## Hours and energy", "",
             f"- Focus time logged: {_hours(focus.total)} in {focus.sessions} session(s); "
             f"weekly cap {_hours(draft.load.cap)}.",
             "- Hours worked: ? (add `hours_worked = …` above to track it)",
             "- Energy (1–5): ? (add `energy = …` above)", "",
             "## Finished this week", ""]
    lines += [f"- {f.done:%a %d} [[{f.item.stem}]] {f.item.title}" for f in draft.finished] \
        or ["- (no task marked done this week)"]
    lines += ["", "## Focus time per goal", ""]
    if focus.per_goal:
        for goal, minutes in focus.per_goal.items():
            name = "no goal" if goal == NO_GOAL else f"[[{goal}]] {focus.titles.get(goal, goal)}"
            lines.append(f"- {name}: {_hours(minutes)}")
    else:
        lines.append("- (no focus time logged)")
    if draft.planned:
        lines += ["", "## Planned vs focused per goal", ""]
        for g in draft.planned:
            name = "no goal" if g.goal == NO_GOAL else f"[[{g.goal}]] {g.title}"
            lines.append(f"- {name}: {_hours(g.planned)} planned, {_hours(g.focused)} focused")
    lines += ["", "## Achievements", ""]
    lines += [f"- {when} [[{item.stem}]] {item.title}" + (f" — {impact}" if impact else "")
              for item, when, impact in draft.achievements] \
        or ["- (none recorded this week: anything worth writing down? `solo add achievement`)"]
    lines += ["", "## Goals", ""]
    for change in draft.goals:
        gp = change.progress
        flag = " — **overdue**" if gp.overdue else " — **at risk**" if gp.at_risk else ""
        target = f", target {gp.target}" if gp.target else ""
        lines.append(f"- [[{gp.goal.stem}]] {gp.goal.title}: {gp.progress:.0%}"
                     f"{_delta(change, draft.previous_period)}{target}{flag}")
    if not draft.goals:
        lines.append("- (no active goal)")
    lines += ["", "## Open questions", ""]
    lines += [f"- {q}" for q in draft.questions] or ["- ?"]
    lines += ["", "## Wins", "", "- ", "", "## Blockers", "", "- ", "", "## Next week", ""]
    lines += [f"- {when:%a %d} [[{item.stem}]] {item.title}" for item, when in draft.next_week]
    lines += ["1. ", ""]
    return "\n".join(lines)
