"""DayPlanning: Today's day view and people line — `b` blocks time for the highlighted task, `f` on a task with a block today counts the session for that block's goal."""

from __future__ import annotations

import datetime as dt
from pathlib import PurePosixPath

from rich.text import Text
from textual.widgets import Static

from solo.core.career import people
from solo.core.engine.index import Row
from solo.core.planning import blocks
from solo.core.vault import VaultError
from solo.tui.keys import DAY_BINDINGS
from solo.tui.screens.base import SoloScreen
from solo.tui.widgets.day_view import DayView

__all__ = ["DAY_BINDINGS", "DayPlanning", "people_text"]
TODAY_PEOPLE = 2
"""How many overdue catch-ups Today names."""
SNAP_MINUTES = 15
WIDE = 110
"""From this terminal width the day view sits beside the agenda; below it, one line."""


def plan_line(plan: blocks.DayPlan, minute: int | None) -> Text:
    """The day in one line for narrow terminals: the block running now and the next one."""
    text = Text(f"Plan {plan.planned // 60}h{plan.planned % 60:02d}", "bold")
    if not plan.blocks:
        return text.append(" · nothing planned (b blocks time)", "dim")
    now = blocks.block_at(plan, minute) if minute is not None else None
    upcoming = [b for b in plan.blocks if minute is not None and b.start > minute]
    marks = sum(1 for b in plan.blocks if b.overlaps or b.outside_hours)
    if now is not None:
        text.append(f" · now {now.item.title} (to {blocks.hhmm(now.end)})")
    if upcoming:
        text.append(f" · {blocks.hhmm(upcoming[0].start)} {upcoming[0].item.title}")
    if marks:
        text.append(f" · ⚠ {marks}", "bold red")
    return text


def people_text(due: list[people.Contact], working: bool) -> Text:
    """The two most overdue catch-ups — nothing outside working hours."""
    if not working or not due:
        return Text("")
    text = Text("Catch up with ", "bold")
    for number, contact in enumerate(due[:TODAY_PEOPLE]):
        if number:
            text.append("  ·  ")
        late = contact.overdue_days
        text.append(contact.person.title)
        text.append(f" ({late} d late)" if late else " (due today)", "dim")
    if len(due) > TODAY_PEOPLE:
        text.append(f"  ·  +{len(due) - TODAY_PEOPLE} more (solo people --due)", "dim")
    return text


class DayPlanning(SoloScreen):
    """The day-view half of Today: loading the plan and the people due, and the block keys."""

    _links: people.LinkCache | None = None

    def _read_body(self, row: Row) -> str | None:
        try:
            return self.vault.read(row).body
        except VaultError:
            return None

    def load_day(self, day: dt.date) -> tuple[blocks.DayPlan, list[people.Contact]]:
        """The day's plan and who is due a catch-up (worker thread: core calls only)."""
        if self._links is None:
            self._links = people.LinkCache()
        rows = self.vault.rows()
        plan = blocks.day_plan(rows, day, self.vault.config)
        found = people.mentions(rows, self._read_body, self._links)
        return plan, people.due_contacts(people.contacts(rows, day, found))

    def show_day(self, plan: blocks.DayPlan | None, due: list[people.Contact] | None) -> None:
        if plan is None:
            return
        now = self.solo.clock.now()
        minute = now.hour * 60 + now.minute if now.date() == plan.day else None
        self.query_one(DayView).show(plan, minute)
        self.query_one("#today-plan", Static).update(plan_line(plan, minute))
        self.fit_day_view()

    def fit_day_view(self) -> None:
        """The day view beside the agenda on wide terminals, one line above it otherwise."""
        wide = self.app.size.width >= WIDE
        self.query_one(DayView).display = wide
        self.query_one("#today-plan", Static).display = not wide

    def on_resize(self) -> None:
        if self.query(DayView):
            self.fit_day_view()

    # --- keys --------------------------------------------------------------------------
    def action_add_block(self) -> None:
        """Block time for the highlighted task: its `estimate` long (else an hour), at the
        first free slot from now (or from the start of the working day)."""
        row = self.current_row()
        if row is None or row.kind != "task":
            self.notify("No task here.", severity="warning", timeout=2, markup=False)
            return
        view = self.query_one(DayView)
        plan = view.plan
        now = self.solo.clock.now()
        if plan is None:
            return
        minutes = blocks.task_minutes(row)
        after = 0
        if now.date() == plan.day:
            after = -(-(now.hour * 60 + now.minute) // SNAP_MINUTES) * SNAP_MINUTES
        start = blocks.free_slot(plan, minutes, after)
        end = min(start + minutes, 24 * 60)
        task = PurePosixPath(row.path).stem
        try:
            # One change, so one `u` takes the block away again.
            self.vault.create("block", blocks.block_title(plan.day, start, row.title),
                              {**blocks.block_fields(plan.day, start, end, "focus", task),
                               "title": row.title, "created": self.solo.clock.today()}, "")
        except (VaultError, ValueError) as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        self.notify(f"Blocked {blocks.hhmm(start)}–{blocks.hhmm(end)} for {row.title}",
                    timeout=2, markup=False)

    def action_focus_timer(self) -> None:
        """Focus on the highlighted task; when a block today names it (the one running now
        first), the session records that block and its goal."""
        row = self.current_row()
        if row is None or row.kind != "task":
            self.notify("No task here.", severity="warning", timeout=2, markup=False)
            return
        stem = PurePosixPath(row.path).stem
        plan = self.query_one(DayView).plan
        now = self.solo.clock.now()
        minute = now.hour * 60 + now.minute
        mine = [b for b in (plan.blocks if plan else []) if b.task == stem]
        running = [b for b in mine if b.start <= minute < b.end]
        chosen = running or mine
        block = chosen[0] if chosen else None
        if block is None:
            self.solo.start_focus(stem, row.title)
        else:
            self.solo.start_focus(stem, row.title, block=block.item.stem, goal=block.goal or "")
